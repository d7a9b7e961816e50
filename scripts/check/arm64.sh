#!/bin/bash
# Cell: cross-built with Rust, booted: C kselftests, KUnit doctests
# make check, arm64 cell: the final tree of the series cross-built for
# arm64 with Rust (Debian's gcc-aarch64-linux-gnu; rustc's
# aarch64-unknown-none-softfloat target), with no compiler warning; then
# booted under qemu-system-aarch64 (TCG, the virt machine) to run the C
# kselftests and the Rust KUnit doctests there.  The Rust kselftests are
# left out when cross-compiling (the pidfd Makefile says so): a SKIP with
# that reason.
set -uo pipefail
export KARCH=arm64 CELL=arm64
. "$(dirname "$0")/cell-lib.sh"

SRC=$BUILD/matrix-src
OBJA=$BUILD/obj-arm64
export CONFIG_FRAGMENTS=arm64.config

series || { problem "the series does not apply (make check names the patch)"; finish "not built"; }
worktree_at "$SRC" "${COMMITS[-1]}" || die "could not check out $SRC"
checked_build "arm64 build (Rust on)" "$LOGS/check-arm64-build.log" "$SRC" "$OBJA" \
	"$(ccache_cc "$KCROSS")" "$KIMAGE" || finish "does not build"
if [ "${BOOT:-1}" != 1 ]; then
	skipped "the boot and the kselftests (BOOT=0)"
	finish "builds"
fi
export TREE=$SRC OBJ=$OBJA
# TCG runs arm64 code slower than x86 code: pidfd_test's pid recycling
# case alone took more than the usual 300 s on a loaded host.
export KSFT_TIMEOUT=${KSFT_TIMEOUT:-900} BOOT_TIMEOUT=${BOOT_TIMEOUT:-3600}
slog=$LOGS/check-arm64-selftests.log
if ! nice -n "${NICE:-10}" "$TOP/scripts/build/selftests.sh" >"$slog" 2>&1; then
	problem "the kselftests do not cross-build (log: ${slog#"$TOP"/})" "$(tail -n 20 "$slog")"
	finish "builds; kselftests not built"
fi
why=$(grep -ho 'pidfd: cross build: .* left out, rustc builds for the host' "$LOGS"/kselftest-build-obj-arm64.log | head -n 1)
[ -z "$why" ] || skipped "the pidfd Rust kselftest: not built, the pidfd Makefile says \"$why\""
finish_if_booted_before builds "$0"
boot_kselftests check-arm64 "the arm64 kernel (qemu-system-aarch64, TCG)" " or KUnit"
doctests=$(grep -cE '^\s*(\[[ 0-9.]+\] )?\s*ok [0-9]+ rust_doctest_' "$LOGS/check-arm64-console.log")
[ "$doctests" -gt 0 ] || problem "no Rust doctest passed on arm64 (console: ${LOGS#"$TOP"/}/check-arm64-console.log)"
[ "$cell_problems" != 0 ] || boot_passed "$totals (of them $doctests Rust doctests)"
finish "builds; boots: $totals (of them $doctests Rust doctests)"
