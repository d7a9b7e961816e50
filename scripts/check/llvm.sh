#!/bin/bash
# Cell: LLVM=1 (clang, ld.lld) with Rust builds without warnings
# make check, llvm cell: the final tree of the series built with LLVM=1
# (clang, ld.lld and the LLVM binutils, LLVM 19) and Rust, as the kernel's
# Rust documentation and the build bots for Rust kernels build it, with no
# warning: C that gcc takes and clang warns about or refuses, rustc's
# warnings under a clang-built kernel's flags.  Objects in build/obj-llvm,
# through ccache.
set -uo pipefail
export CELL=llvm KLLVM=${KLLVM:-/usr/lib/llvm-19/bin/}
. "$(dirname "$0")/cell-lib.sh"

SRC=$BUILD/matrix-src
[ -x "${KLLVM}clang" ] || die "no ${KLLVM}clang; make deps FOR=check installs clang-19, lld-19 and llvm-19"
series || { problem "the series does not apply (make check names the patch)"; finish "not built"; }
worktree_at "$SRC" "${COMMITS[-1]}" || die "could not check out $SRC"
checked_build "LLVM=1 build (Rust)" "$LOGS/check-llvm-build.log" "$SRC" "$BUILD/obj-llvm" \
	"$(ccache_cc "")" "$KIMAGE" || finish "does not build cleanly"
grep -qx 'CONFIG_RUST=y' "$BUILD/obj-llvm/.config" ||
	{ problem "CONFIG_RUST is not set in the LLVM build"; finish "built without Rust"; }
finish "clang and Rust build the series without warnings"
