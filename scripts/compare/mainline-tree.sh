#!/bin/bash
# The reference kernel of make compare: mainline Linux 7.1.x, which has its
# own (C) implementation of the three flags.  Fetched like the base (the
# newest of REF_VERSIONS that Debian's archive serves, checked against
# config/sources.sha256) and unpacked as it is into $REF_TREE (default
# build/linux-ref).  It is only built and booted: nothing of it goes into
# the series.  Prints the tree's path.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"

VERSIONS=${REF_VERSIONS:-"7.1.13 7.1.8 7.1.3"}
ref=${REF_TREE:-$BUILD/linux-ref}

# shellcheck disable=SC2086 # one version a word
tarball=$("$TOP/scripts/fetch/debian-source.sh" linux $VERSIONS) ||
	die "no reference kernel: none of linux $VERSIONS could be fetched (see above)"
stamp=$ref/.ref-tarball
if [ "$(cat "$stamp" 2>/dev/null)" != "$(basename "$tarball")" ]; then
	say "unpacking $(basename "$tarball") into ${ref#"$TOP"/}" >&2
	rm -rf "$ref" "$ref.tmp"
	mkdir -p "$ref.tmp"
	tar -C "$ref.tmp" --strip-components=1 -xf "$tarball"
	basename "$tarball" >"$ref.tmp/.ref-tarball"
	mv "$ref.tmp" "$ref"
fi
echo "$ref"
