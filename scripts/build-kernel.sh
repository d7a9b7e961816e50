#!/bin/bash
# Build the configured tree's boot image (bzImage; Image on arm64),
# incrementally: make decides.  Arguments are passed on to make (for
# example CC="ccache gcc").
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# One kernel build at a time on this machine: two at once on 2 cores
# only make both slower.
exec 9>"$CACHE/kernel-build.lock"
if ! flock -n 9; then
	say "waiting for another kernel build on this machine to finish"
	flock 9
fi
"$TOP/scripts/configure.sh"
log=$LOGS/kernel-build$([ "$OBJ" = "$BUILD/obj" ] || echo "-${OBJ##*/}").log
log=${BUILD_LOG:-$log}
run_step "kernel build ($(basename "$OBJ"))" "$log" "${KMAKE[@]}" "$@" "$KIMAGE"
# Compiler and rustc warnings (the build itself does not fail on them).
grep -nE '(: warning:|^warning(\[|:))' "$log" | head -n 20 >&2 || true
