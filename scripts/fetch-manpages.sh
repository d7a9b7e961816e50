#!/bin/bash
# Fetch the pristine man-pages tarball from Debian's archive into the
# cache, verified by sha256, without touching the system's apt config:
# the upstream tarball of the source package "manpages".  The mirror is
# the one the machine's own apt sources name.  Prints the tarball's path.
#
# MANPAGES_SRC=/path/to/man-pages-X.Y.tar.xz (or a tree) skips the download.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# trixie serves 6.9.1; sid listed 6.20 but gave 404 (see NOTES.md).
VERSION=${MANPAGES_VERSION:-6.9.1}
SUITE=${MANPAGES_SUITE:-trixie}
declare -A SHA256=(
	[6.9.1]=e23cbac29f110ba571f0da8523e79d373691466ed7f2a31301721817d34530bd
)

if [ -n "${MANPAGES_SRC:-}" ]; then
	[ -e "$MANPAGES_SRC" ] || die "MANPAGES_SRC=$MANPAGES_SRC does not exist"
	realpath "$MANPAGES_SRC"
	exit 0
fi
tarball=$CACHE/manpages_$VERSION.orig.tar.xz
if [ -f "$tarball" ] && [ -f "$tarball.ok" ]; then
	echo "$tarball"
	exit 0
fi

# The Debian mirror of this machine's apt configuration.
uri=$(sed -n 's/^URIs: *\([^ ]*\).*/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null |
      grep -v security | head -n 1)
[ -n "$uri" ] || uri=$(sed -n 's/^deb \(\[[^]]*\] \)\?\([^ ]*\) .*/\2/p' \
	/etc/apt/sources.list 2>/dev/null | grep -v security | head -n 1)
[ -n "$uri" ] || die "no Debian mirror in /etc/apt/sources.list{,.d}; set MANPAGES_SRC=/path/to/man-pages.tar.xz"

apt=$CACHE/apt-manpages
mkdir -p "$apt/lists/partial" "$apt/sources" "$apt/cache"
cat >"$apt/sources/debian.sources" <<SRC
Types: deb-src
URIs: $uri
Suites: $SUITE
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
APT=(apt-get -q -o Dir::Etc::sourcelist=/dev/null
     -o Dir::Etc::sourceparts="$apt/sources"
     -o Dir::State::Lists="$apt/lists"
     -o Dir::Cache="$apt/cache" -o APT::Sandbox::User=root)

echo "fetching Debian's $SUITE source index (private apt state in $apt)" >&2
if ! "${APT[@]}" update >"$apt/update.log" 2>&1; then
	tail -n 5 "$apt/update.log" >&2
	die "apt-get update of Debian's source index failed (log: $apt/update.log); check the network, or set MANPAGES_SRC=/path/to/man-pages.tar.xz"
fi
deb=$(apt-cache "${APT[@]:2}" showsrc manpages 2>/dev/null |
      sed -n "s/^Version: \($VERSION-.*\)/\1/p" | head -n 1)
[ -n "$deb" ] || die "manpages $VERSION is not in Debian's $SUITE index (MANPAGES_VERSION=, MANPAGES_SUITE= pick another)"
rm -rf "$apt/dl" && mkdir -p "$apt/dl"
(cd "$apt/dl" && "${APT[@]}" source --download-only --tar-only "manpages=$deb" \
	>"$apt/source.log" 2>&1) ||
	die "manpages $deb is listed but not served (log: $apt/source.log); set MANPAGES_SRC=/path/to/man-pages.tar.xz"
got=$apt/dl/manpages_$VERSION.orig.tar.xz
[ -f "$got" ] || die "no orig tarball for manpages $deb in $apt/dl"
sum=$(sha256sum "$got" | cut -d' ' -f1)
if [ -n "${SHA256[$VERSION]:-}" ] && [ "$sum" != "${SHA256[$VERSION]}" ]; then
	die "sha256 mismatch for manpages_$VERSION.orig.tar.xz: got $sum, want ${SHA256[$VERSION]}; remove $apt and retry"
fi
mv "$got" "$tarball"
echo "$sum  $(basename "$tarball")" >"$tarball.ok"
echo "using man-pages $VERSION ($tarball, sha256 $sum)" >&2
echo "$tarball"
