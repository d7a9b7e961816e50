#!/bin/bash
# fake-mirror.sh DIR SUITE PACKAGE VERSION...: a stand-in Debian archive
# under DIR (dists/SUITE, pool/), serving source package PACKAGE in each
# VERSION (an orig tarball holding one file, and a debian tarball), its
# InRelease signed with a throwaway key, whose keyring is DIR/key.gpg.
# Prints "VERSION SHA256" of each orig tarball.
set -euo pipefail
dir=$1 suite=$2 pkg=$3
shift 3
export GNUPGHOME=$dir/gnupg
mkdir -p "$GNUPGHOME" && chmod 700 "$GNUPGHOME"
if [ ! -f "$dir/key.gpg" ]; then
	gpg -q --batch --passphrase '' --quick-gen-key 'Fake Mirror <fake@localhost>' \
		ed25519 sign never 2>/dev/null
	gpg -q --export >"$dir/key.gpg"
fi

pool=pool/main/${pkg:0:1}/$pkg
idx=dists/$suite/main/source
mkdir -p "$dir/$pool" "$dir/$idx"
: >"$dir/$idx/Sources"
for v in "$@"; do
	work=$(mktemp -d)
	mkdir -p "$work/$pkg-$v/debian"
	echo "$pkg $v" >"$work/$pkg-$v/VERSION"
	tar -C "$work" --exclude=debian -cJf "$dir/$pool/${pkg}_$v.orig.tar.xz" "$pkg-$v"
	tar -C "$work/$pkg-$v" -cJf "$dir/$pool/${pkg}_$v-1.debian.tar.xz" debian
	printf 'Format: 3.0 (quilt)\nSource: %s\nVersion: %s-1\n' "$pkg" "$v" \
		>"$dir/$pool/${pkg}_$v-1.dsc"
	rm -rf "$work"
	{
		printf 'Package: %s\nBinary: %s\nVersion: %s-1\n' "$pkg" "$pkg" "$v"
		printf 'Maintainer: Fake <fake@localhost>\nArchitecture: all\n'
		printf 'Format: 3.0 (quilt)\nDirectory: %s\n' "$pool"
		for sum in md5sum sha256sum; do
			[ $sum = md5sum ] && echo 'Files:' || echo 'Checksums-Sha256:'
			for f in "${pkg}_$v-1.dsc" "${pkg}_$v.orig.tar.xz" "${pkg}_$v-1.debian.tar.xz"; do
				echo " $($sum "$dir/$pool/$f" | cut -d' ' -f1) $(stat -c %s "$dir/$pool/$f") $f"
			done
		done
		echo
	} >>"$dir/$idx/Sources"
	echo "$v $(sha256sum "$dir/$pool/${pkg}_$v.orig.tar.xz" | cut -d' ' -f1)"
done
gzip -kf "$dir/$idx/Sources"

rel=$dir/dists/$suite/Release
{
	printf 'Origin: Fake\nLabel: Fake\nSuite: %s\nCodename: %s\n' "$suite" "$suite"
	printf 'Date: %s\nComponents: main\nArchitectures: source\n' \
		"$(LC_ALL=C date -u '+%a, %d %b %Y %H:%M:%S UTC')"
	echo 'SHA256:'
	for f in main/source/Sources main/source/Sources.gz; do
		echo " $(sha256sum "$dir/dists/$suite/$f" | cut -d' ' -f1) $(stat -c %s "$dir/dists/$suite/$f") $f"
	done
} >"$rel"
rm -f "$dir/dists/$suite/InRelease"
gpg -q --batch --clearsign --digest-algo SHA256 -o "$dir/dists/$suite/InRelease" "$rel"
