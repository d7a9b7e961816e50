#!/bin/bash
# Fail if the Rust kernel crate exports to modules what is only for the
# kernel itself: the pidfs release hook, or any way to kill (every global
# symbol of the crate lands in rust/exports_kernel_generated.h).
#
#   rust-exports.sh [EXPORTS_HEADER]
#
# Without an argument: the header of the kernel in $OBJ, if it was built
# with Rust (nothing to check otherwise).
set -euo pipefail
. "$(dirname "$0")/../lib.sh"

hdr=${1:-$OBJ/rust/exports_kernel_generated.h}
if [ $# -eq 0 ] && ! grep -qx CONFIG_RUST=y "$OBJ/.config" 2>/dev/null; then
	echo "exports: a kernel without Rust: nothing to check"
	exit 0
fi
[ -f "$hdr" ] || die "no $hdr: build the kernel first (make kernel)"
# Mangled Rust names give each path segment as <length><name>: a
# function whose name starts with "kill" shows as a digit, then "kill".
bad=$(grep -E '\(pidfs_autokill\)|[0-9]kill' "$hdr" || true)
if [ -n "$bad" ]; then
	echo "error: $hdr exports to modules what is for the kernel alone:" >&2
	sed 's/^/    /' <<<"$bad" >&2
	echo "  (a pub item of the kernel crate is exported; rust/Makefile exports only the mangled symbols of the kernel crate, not #[export] ones)" >&2
	exit 1
fi
echo "exports: $(grep -c EXPORT_SYMBOL "$hdr") symbols of the kernel crate exported, none of them the autokill hook or a kill"
