#!/bin/bash
# make compare: mainline Linux 7.1 as the oracle of the ABI.  Builds the
# reference kernel (scripts/compare/mainline-tree.sh; same fragment, objects in
# build/obj-ref, through ccache), boots it and our kernel with the same
# initramfs, fuzzer and seeds (scripts/compare/boot.sh), and compares the
# two runs case by case (scripts/compare/compare.py, config/expected): the
# table on the terminal and in build/compare/report.md.
#
# CONFIGS: our kernels to compare, "rust rustoff" by default:
#   rust     make run's kernel (build/obj): build/compare/ours, report.md
#   rustoff  the same tree with CONFIG_RUST=n (config/rustoff.config:
#            the C release hook, no KUnit), objects in
#            build/obj-compare-rustoff through ccache:
#            build/compare/ours-rustoff, report-rustoff.md
# OURS_KERNEL / OURS_RUSTOFF_KERNEL / REF_KERNEL: boot these images
# instead of the builds.  The mainline run is kept while its inputs do not
# change (REUSE=0 boots it again); REUSE_OURS=1 does the same for ours.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"

start=$(date +%s)
configs=${CONFIGS:-rust rustoff}
for c in $configs; do
	case $c in rust | rustoff) ;; *) die "CONFIGS=$configs: want rust, rustoff or both" ;; esac
done
ref=${REF_KERNEL:-}
if [ -z "$ref" ]; then
	reftree=$("$TOP/scripts/compare/mainline-tree.sh")
	TREE=$reftree OBJ=$BUILD/obj-ref CCACHE=1 nice -n 10 \
		"$TOP/scripts/build/kernel.sh"
	ref=$BUILD/obj-ref/$KIMAGE_PATH
fi
rustoff=${OURS_RUSTOFF_KERNEL:-}
if [[ " $configs " = *" rustoff "* ]] && [ -z "$rustoff" ]; then
	CONFIG_FRAGMENTS=rustoff.config OBJ=$BUILD/obj-compare-rustoff CCACHE=1 \
		nice -n 10 "$TOP/scripts/build/kernel.sh"
	rustoff=$BUILD/obj-compare-rustoff/$KIMAGE_PATH
fi

for c in $configs; do
	if [ "$c" = rust ]; then
		REUSE=${REUSE_OURS:-0} "$TOP/scripts/compare/boot.sh" \
			"${OURS_KERNEL:-$OBJ/$KIMAGE_PATH}" ours
	else
		REUSE=${REUSE_OURS:-0} "$TOP/scripts/compare/boot.sh" "$rustoff" ours-rustoff
	fi
done
REUSE=${REUSE:-1} "$TOP/scripts/compare/boot.sh" "$ref" mainline

rc=0
for c in $configs; do
	ours=ours report=report.md more=()
	if [ "$c" = rustoff ]; then
		# No KUnit without Rust here: its only suites are the doctests.
		ours=ours-rustoff report=report-rustoff.md
		more=(--no-kunit --ours-name "ours (CONFIG_RUST=n)")
		say "comparing the CONFIG_RUST=n kernel (report: ${BUILD#"$TOP"/}/compare/$report)"
	else
		say "comparing (report: ${BUILD#"$TOP"/}/compare/$report)"
	fi
	"$TOP/scripts/compare/compare.py" --mainline "$BUILD/compare/mainline" \
		--ours "$BUILD/compare/$ours" --expected "$TOP/config/expected" \
		--report "$BUILD/compare/$report" "${more[@]}" || rc=$?
done
echo "make compare: $(($(date +%s) - start)) s"
exit "$rc"
