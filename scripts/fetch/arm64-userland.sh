#!/bin/bash
# The arm64 guest's user space, from Debian's archive for arm64 (the
# mirror of the machine's own apt sources, read through a private apt
# state in the cache: the system's apt configuration is not touched):
# busybox-static, coreutils (the kselftest runner needs GNU timeout),
# libcap2 and libcap-dev (the clone3 kselftests link -lcap statically).
# Unpacked once into $CACHE/userland-arm64/root; prints that path.  The
# C library that timeout loads comes from the cross toolchain
# (libc6-arm64-cross: /usr/aarch64-linux-gnu/lib).
set -euo pipefail
. "$(dirname "$0")/../lib.sh"

arch=arm64
dir=$CACHE/userland-$arch
root=$dir/root
PKGS=(busybox-static coreutils libcap2 libcap-dev)
if [ -f "$dir/ok" ] && [ "$(cat "$dir/ok")" = "${PKGS[*]}" ]; then
	echo "$root"
	exit 0
fi

srcs=(/etc/apt/sources.list.d/*.sources)
[ -f "${srcs[0]}" ] || die "no deb822 apt sources in /etc/apt/sources.list.d (the mirror to use for arm64 packages)"
mkdir -p "$dir/sources" "$dir/lists/partial" "$dir/cache/archives/partial" "$dir/debs"
# The same archives as the machine's, for deb packages only.
awk '/^Types:/ { print "Types: deb"; next } { print }' "${srcs[@]}" >"$dir/sources/debian.sources"
APT=(apt-get -q -o Dir::Etc::sourcelist=/dev/null
     -o Dir::Etc::sourceparts="$dir/sources" -o Dir::State::Lists="$dir/lists"
     -o Dir::Cache="$dir/cache" -o Dir::State::status=/dev/null
     -o APT::Architecture="$arch" -o APT::Architectures="$arch"
     -o APT::Sandbox::User=root)
echo "fetching the $arch package index (private apt state in $dir)" >&2
if ! "${APT[@]}" update >"$dir/update.log" 2>&1; then
	tail -n 5 "$dir/update.log" >&2
	die "apt-get update for $arch failed (log: $dir/update.log)"
fi
rm -rf "$dir/debs" "$root.new"
mkdir -p "$dir/debs" "$root.new"
if ! (cd "$dir/debs" && "${APT[@]}" download "${PKGS[@]}" >"$dir/download.log" 2>&1); then
	tail -n 5 "$dir/download.log" >&2
	die "downloading ${PKGS[*]} for $arch failed (log: $dir/download.log)"
fi
for deb in "$dir"/debs/*.deb; do
	dpkg-deb -x "$deb" "$root.new"
done
rm -rf "$root"
mv "$root.new" "$root"
echo "${PKGS[*]}" >"$dir/ok"
echo "$root"
