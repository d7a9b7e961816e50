#!/bin/bash
# Fetch the pristine base kernel tarball from Debian's archive into the
# cache (scripts/fetch-source.sh: verified by sha256, the system's apt
# configuration untouched).  Prints the tarball's path on stdout.
#
# KERNEL_SRC=/path/to/linux-X.Y.Z.tar.xz (or a tree) skips the download.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# Newest base without the series first; then the other 6.19.y that
# Debian's archive was seen to serve (see ../shared/NOTES.md).
VERSIONS=${BASE_VERSIONS:-"6.19.11 6.19.10 6.19.8 6.19.6"}

if [ -n "${KERNEL_SRC:-}" ]; then
	[ -e "$KERNEL_SRC" ] || die "KERNEL_SRC=$KERNEL_SRC does not exist"
	realpath "$KERNEL_SRC"
	exit 0
fi

# shellcheck disable=SC2086 # one version a word
"$TOP/scripts/fetch-source.sh" linux $VERSIONS ||
	die "no base kernel; download a 6.19.y tarball yourself and set KERNEL_SRC=/path/to/it"
