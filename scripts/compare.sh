#!/bin/bash
# make compare: mainline Linux 7.1 as the oracle of the ABI.  Builds the
# reference kernel (scripts/ref-tree.sh; same fragment, objects in
# build/obj-ref, through ccache), boots it and our kernel with the same
# initramfs and seeds (scripts/compare-boot.sh), and compares the two
# runs case by case (scripts/compare.py, config/compare-expected): the
# table on the terminal and in build/compare/report.md.
#
# OURS_KERNEL / REF_KERNEL: boot these images instead of the builds.
# The mainline run is kept while its inputs do not change (REUSE=0 boots
# it again); REUSE_OURS=1 does the same for ours.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

start=$(date +%s)
ours=${OURS_KERNEL:-$OBJ/arch/x86/boot/bzImage}
ref=${REF_KERNEL:-}
if [ -z "$ref" ]; then
	reftree=$("$TOP/scripts/ref-tree.sh")
	TREE=$reftree OBJ=$BUILD/obj-ref CCACHE=1 nice -n 10 \
		"$TOP/scripts/build-kernel.sh"
	ref=$BUILD/obj-ref/arch/x86/boot/bzImage
fi

REUSE=${REUSE_OURS:-0} "$TOP/scripts/compare-boot.sh" "$ours" ours
REUSE=${REUSE:-1} "$TOP/scripts/compare-boot.sh" "$ref" mainline

say "comparing (report: ${BUILD#"$TOP"/}/compare/report.md)"
rc=0
"$TOP/scripts/compare.py" --mainline "$BUILD/compare/mainline" \
	--ours "$BUILD/compare/ours" --expected "$TOP/config/compare-expected" \
	--report "$BUILD/compare/report.md" || rc=$?
echo "make compare: $(($(date +%s) - start)) s"
exit "$rc"
