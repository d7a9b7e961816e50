#!/bin/bash
# Fetch the pristine base kernel tarball from Debian's archive into the
# cache (scripts/fetch/debian-source.sh: verified by sha256, the system's apt
# configuration untouched).  Prints the tarball's path on stdout.
#
# KERNEL_SRC=/path/to/linux-X.Y.Z.tar.xz (or a tree) skips the download.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"

# The series' base first (lib.sh: 6.19.11, or 7.2.8 for SERIES=mainline),
# then older releases of the same line that Debian's archive was seen to
# serve, to which the series applies too.
VERSIONS=${BASE_VERSIONS:-$DEFAULT_BASE_VERSIONS}

if [ -n "${KERNEL_SRC:-}" ]; then
	[ -e "$KERNEL_SRC" ] || die "KERNEL_SRC=$KERNEL_SRC does not exist"
	realpath "$KERNEL_SRC"
	exit 0
fi

# shellcheck disable=SC2086 # one version a word
"$TOP/scripts/fetch/debian-source.sh" linux $VERSIONS ||
	die "no base kernel (none of linux $VERSIONS is served); download linux-${VERSIONS%% *}.tar.xz yourself and set KERNEL_SRC=/path/to/it"
