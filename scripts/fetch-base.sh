#!/bin/bash
# Fetch the pristine base kernel tarball from Debian's archive into the
# cache, verified by sha256, without touching the system's apt config.
# Prints the tarball's path on stdout.
#
# KERNEL_SRC=/path/to/linux-X.Y.Z.tar.xz (or a tree) skips the download.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# Newest base without the series first; then the other 6.19.y that
# Debian's archive was seen to serve (see ../shared/NOTES.md).
VERSIONS=${BASE_VERSIONS:-"6.19.11 6.19.10 6.19.8 6.19.6"}
declare -A SHA256=(
	[6.19.11]=e19d838c34519b050dd48334c673b07f4089d56449b453e6d1d04460e0667fa6
)

if [ -n "${KERNEL_SRC:-}" ]; then
	[ -e "$KERNEL_SRC" ] || die "KERNEL_SRC=$KERNEL_SRC does not exist"
	realpath "$KERNEL_SRC"
	exit 0
fi

for v in $VERSIONS; do
	tarball=$CACHE/linux_$v.orig.tar.xz
	if [ -f "$tarball" ] && [ -f "$tarball.ok" ]; then
		echo "$tarball"
		exit 0
	fi
done

apt=$CACHE/apt
mkdir -p "$apt/lists/partial" "$apt/archives/partial"
mkdir -p "$apt/sources"
cat >"$apt/sources/debian.sources" <<SRC
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: trixie-backports sid
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
APT=(apt-get -q -o Dir::Etc::sourcelist=/dev/null
     -o Dir::Etc::sourceparts="$apt/sources"
     -o Dir::State::Lists="$apt/lists"
     -o Dir::Cache="$apt/cache" -o APT::Sandbox::User=root)
APTCACHE=(apt-cache "${APT[@]:2}")

echo "fetching the Debian source index (private apt state in $apt)" >&2
if ! "${APT[@]}" update >"$apt/update.log" 2>&1; then
	tail -n 5 "$apt/update.log" >&2
	die "apt-get update of Debian's source index failed (log: $apt/update.log); check the network, or set KERNEL_SRC=/path/to/linux.tar.xz"
fi

for v in $VERSIONS; do
	tarball=$CACHE/linux_$v.orig.tar.xz
	echo "trying linux $v" >&2
	# The Debian revision differs per suite: take any that the index has.
	deb=$("${APTCACHE[@]}" showsrc linux 2>/dev/null |
	      sed -n "s/^Version: \($v-.*\)/\1/p" | head -n 1)
	[ -n "$deb" ] || { echo "linux $v is not in the index" >&2; continue; }
	rm -rf "$apt/dl" && mkdir -p "$apt/dl"
	if ! (cd "$apt/dl" && "${APT[@]}" source --download-only --tar-only \
		"linux=$deb" >"$apt/source-$v.log" 2>&1); then
		echo "linux $v is not served (log: $apt/source-$v.log)" >&2
		continue
	fi
	got=$apt/dl/linux_$v.orig.tar.xz
	[ -f "$got" ] || { echo "no orig tarball for $v" >&2; continue; }
	sum=$(sha256sum "$got" | cut -d' ' -f1)
	if [ -n "${SHA256[$v]:-}" ] && [ "$sum" != "${SHA256[$v]}" ]; then
		die "sha256 mismatch for linux_$v.orig.tar.xz: got $sum, want ${SHA256[$v]}; remove $apt and retry"
	fi
	mv "$got" "$tarball"
	echo "$sum  $(basename "$tarball")" >"$tarball.ok"
	echo "using linux $v ($tarball, sha256 $sum)" >&2
	echo "$tarball"
	exit 0
done
die "none of linux $VERSIONS is served by Debian's archive; download a 6.19.y tarball yourself and set KERNEL_SRC=/path/to/it"
