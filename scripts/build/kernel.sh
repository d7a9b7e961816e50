#!/bin/bash
# Build the configured tree's boot image (bzImage; Image on arm64),
# incrementally: make decides.  Arguments are passed on to make (for
# example CC="ccache gcc").
set -euo pipefail
. "$(dirname "$0")/../lib.sh"

build_lock
need_space "$OBJ" 6 "a kernel build"
"$TOP/scripts/build/configure.sh"
# CCACHE=1 compiles through ccache (as make check does): the reference
# kernel of make compare is a fresh unpack, whose dates tell make nothing.
cc=()
[ -z "${CCACHE:-}" ] || cc=("$(ccache_cc "$KCROSS")")
log=$LOGS/kernel-build$([ "$OBJ" = "$BUILD/obj" ] || echo "-${OBJ##*/}").log
log=${BUILD_LOG:-$log}
run_step "kernel build ($(basename "$OBJ"))" "$log" "${KMAKE[@]}" "${cc[@]}" "$@" "$KIMAGE"
# Compiler and rustc warnings (the build itself does not fail on them).
grep -nE '(: warning:|^warning(\[|:))' "$log" | head -n 20 >&2 || true
# What the Rust kernel crate exports to modules.
"$TOP/scripts/check/rust-exports.sh"
