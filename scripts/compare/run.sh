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
#   rustoff  the same tree with CONFIG_RUST=n (config/rustoff.config: the C
#            release hook, no KUnit), objects in build/obj-compare-rustoff
#            through ccache: build/compare/ours-rustoff, report-rustoff.md
# OURS_KERNEL / OURS_RUSTOFF_KERNEL / REF_KERNEL: boot these images
# instead of the builds.  The mainline run is kept while its inputs do not
# change (REUSE=0 boots it again); REUSE_OURS=1 does the same for ours.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"

start=$(date +%s)
configs=${CONFIGS:-rust rustoff}
for c in $configs; do
	[[ $c = rust || $c = rustoff ]] || die "CONFIGS=$configs: want rust, rustoff or both"
done
# Every kernel is built before the first boot: a build that fails, fails early.
if [ -z "${REF_KERNEL:-}" ]; then
	reftree=$("$TOP/scripts/compare/mainline-tree.sh")
	TREE=$reftree OBJ=$BUILD/obj-ref CCACHE=1 nice -n 10 "$TOP/scripts/build/kernel.sh"
fi
if [[ " $configs " = *" rustoff "* ]] && [ -z "${OURS_RUSTOFF_KERNEL:-}" ]; then
	CONFIG_FRAGMENTS=rustoff.config OBJ=$BUILD/obj-compare-rustoff CCACHE=1 \
		nice -n 10 "$TOP/scripts/build/kernel.sh"
fi
REUSE=${REUSE:-1} "$TOP/scripts/compare/boot.sh" "${REF_KERNEL:-$BUILD/obj-ref/$KIMAGE_PATH}" mainline

rc=0
for c in $configs; do
	if [ "$c" = rust ]; then
		kernel=${OURS_KERNEL:-$OBJ/$KIMAGE_PATH} ours=ours report=report.md what='' more=()
	else
		# No KUnit without Rust here: its only suites are the doctests.
		kernel=${OURS_RUSTOFF_KERNEL:-$BUILD/obj-compare-rustoff/$KIMAGE_PATH}
		ours=ours-rustoff report=report-rustoff.md what=" the CONFIG_RUST=n kernel"
		more=(--no-kunit --ours-name "ours (CONFIG_RUST=n)")
	fi
	REUSE=${REUSE_OURS:-0} "$TOP/scripts/compare/boot.sh" "$kernel" "$ours"
	say "comparing$what (report: ${BUILD#"$TOP"/}/compare/$report)"
	"$TOP/scripts/compare/compare.py" --mainline "$BUILD/compare/mainline" \
		--ours "$BUILD/compare/$ours" --expected "$TOP/config/expected" \
		--report "$BUILD/compare/$report" "${more[@]}" || rc=$?
done
echo "make compare: $(($(date +%s) - start)) s"
exit "$rc"
