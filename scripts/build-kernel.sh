#!/bin/bash
# Build the configured tree's bzImage (incrementally: make decides).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

"$TOP/scripts/configure.sh"
run_step "kernel build" "$LOGS/kernel-build.log" "${KMAKE[@]}" bzImage
if grep -E '^(warning|error)(\[|:)' "$LOGS/kernel-build.log" |
   grep -v 'warning: unused' >/dev/null; then
	grep -nE '^(warning|error)(\[|:)' "$LOGS/kernel-build.log" | head >&2
fi
grep -nE ': warning:' "$LOGS/kernel-build.log" | head -n 20 >&2 || true
