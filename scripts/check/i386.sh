#!/bin/bash
# Cell: the 32-bit kernel (no Rust) builds without warnings
# make check, i386 cell: the final tree of the series built as a 32-bit
# kernel (lab.config + config/i386.config: no Rust, which 32-bit x86 does
# not have), with no compiler warning: the series' C side with 32-bit
# longs and pointers (a 64-bit clone flag in an unsigned long, a pointer
# cast to u64 ...).  Objects in build/obj-i386, through ccache.
set -uo pipefail
export KARCH=i386 CELL=i386
. "$(dirname "$0")/cell-lib.sh"

SRC=$BUILD/matrix-src
export CONFIG_FRAGMENTS=i386.config

series || { problem "the series does not apply (make check names the patch)"; finish "not built"; }
worktree_at "$SRC" "${COMMITS[-1]}" || die "could not check out $SRC"
checked_build "i386 build (CONFIG_RUST=n)" "$LOGS/check-i386-build.log" "$SRC" "$BUILD/obj-i386" \
	"$(ccache_cc "")" "$KIMAGE" || finish "does not build cleanly"
finish "the 32-bit kernel builds without warnings"
