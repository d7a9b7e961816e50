#!/bin/bash
# Cell: CONFIG_RUST=n: built after each patch, booted, the tests pass
# make check, rustoff cell: the series with CONFIG_RUST=n (lab.config +
# config/rustoff.config).  The kernel builds after each patch, with no
# compiler warning (a bisect build of its own, through ccache; a step
# whose tree and configuration already passed is not built again); then
# the final tree boots and runs the pidfd and clone3 kselftests, which
# must pass as config/expected says: the same as with Rust, every case of
# every flag's tests (CLONE_PIDFD_AUTOKILL through the C release hook).
set -uo pipefail
export CELL=rustoff
. "$(dirname "$0")/cell-lib.sh"

SRC=$BUILD/matrix-bisect
OBJR=$BUILD/obj-rustoff
export CONFIG_FRAGMENTS=rustoff.config
cc=$(ccache_cc "")

series || { problem "the series does not apply (make check names the patch)"; finish "not built"; }
n=${#COMMITS[@]} built=0 last_ok=0
for ((k = 1; k <= n; k++)); do
	p=${SERIES_PATCHES[k - 1]#"$TOP"/}
	[ "$k" = "$n" ] || [ "${BISECT:-1}" = 1 ] || continue
	if [ "$k" -lt "$n" ] && [ "$FORCE" != 1 ] &&
		stamped "$(build_key "${COMMITS[k - 1]}" "$cc" "$KIMAGE")"; then
		echo "  [$k/$n] $p: built before without warnings (same tree and configuration)"
		built=$((built + 1))
		continue
	fi
	echo "  [$k/$n] $p"
	worktree_at "$SRC" "${COMMITS[k - 1]}" || die "could not check out $SRC"
	checked_build "$p: build with CONFIG_RUST=n" "$LOGS/check-rustoff-build-$(printf %02d "$k").log" \
		"$SRC" "$OBJR" "$cc" "$KIMAGE" && { built=$((built + 1)); last_ok=$k; }
done
what="$built/$n patches build"
if [ "${BISECT:-1}" != 1 ]; then
	[ "$last_ok" = "$n" ] && what="the last patch builds" || what="the last patch does not build"
	what="$what (BISECT=0: the others not built)"
fi
if [ "${BOOT:-1}" != 1 ]; then
	skipped "the boot and the kselftests (BOOT=0)"
	finish "$what"
fi
[ "$last_ok" = "$n" ] || finish "$what; not booted: the last patch does not build"
export TREE=$SRC OBJ=$OBJR
slog=$LOGS/check-rustoff-selftests.log
if ! "$TOP/scripts/build/selftests.sh" >"$slog" 2>&1; then
	problem "the kselftests do not build (log: ${slog#"$TOP"/})" "$(tail -n 20 "$slog")"
	finish "$what; kselftests not built"
fi
finish_if_booted_before "$what" "$0"
boot_kselftests check-rustoff "the CONFIG_RUST=n kernel"
[ "$cell_problems" != 0 ] || boot_passed "$totals; AUTOREAP, NNP and AUTOKILL pass"
finish "$what; boots: $totals; AUTOREAP, NNP and AUTOKILL pass"
