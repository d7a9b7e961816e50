#!/bin/bash
# debian-source.sh PACKAGE VERSION...: the pristine upstream tarball
# PACKAGE_VERSION.orig.tar.* of a Debian source package, from the first
# VERSION that the archive serves, checked against its sha256 in
# config/sources.sha256 and cached; prints its path on stdout (progress on
# stderr).  The download goes through apt with a private state in the
# cache, from the mirror that the machine's apt configuration names
# (scripts/fetch/apt-mirror.sh; MIRROR= overrides); the system's apt state is
# not touched.
#
# Environment (config/knobs): MIRROR, KEYRING (see apt-mirror.sh), SUITES
# (the source indexes read), SOURCES_SHA256 ("SUM  FILE" lines), PIDFD_CACHE.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"

[ $# -ge 2 ] || die "usage: debian-source.sh PACKAGE VERSION..."
pkg=$1
shift
SUMS=${SOURCES_SHA256:-$TOP/config/sources.sha256}
SUITES=${SUITES:-trixie trixie-backports sid}

# want_sum FILE: its sha256 in the committed list, or nothing.
want_sum() { awk -v f="$1" '$2 == f { print $1; exit }' "$SUMS"; }

cached() {
	local v t
	for v in "$@"; do
		for t in "$CACHE/${pkg}_$v".orig.tar.*; do
			[[ $t != *.ok ]] && [ -f "$t" ] && [ -f "$t.ok" ] || continue
			# the .ok file records the sum the tarball was checked against
			[ "$(cut -d' ' -f1 "$t.ok")" = "$(want_sum "$(basename "$t")")" ] &&
				{ echo "$t"; return 0; }
		done
	done
	return 1
}

cached "$@" && exit 0

# One download at a time: apt's lists in the cache are shared.
exec 8>"$CACHE/apt.lock"
flock 8
cached "$@" && exit 0

read -r mirror keyring < <("$TOP/scripts/fetch/apt-mirror.sh") ||
	die "cannot tell which Debian mirror to use (see above)"
apt=$CACHE/apt
mkdir -p "$apt/lists/partial" "$apt/sources" "$apt/cache"
printf '%s\n' 'Types: deb-src' "URIs: $mirror" "Suites: $SUITES" 'Components: main' \
	"Signed-By: $keyring" >"$apt/sources/debian.sources"
APT=(apt-get -q -o Dir::Etc::sourcelist=/dev/null -o Dir::Etc::sourceparts="$apt/sources"
     -o Dir::State::Lists="$apt/lists" -o Dir::Cache="$apt/cache" -o APT::Sandbox::User=root)
APTCACHE=(apt-cache "${APT[@]:2}")

echo "fetching the Debian source index of $SUITES from $mirror (private apt state in $apt)" >&2
if ! "${APT[@]}" update >"$apt/update.log" 2>&1; then
	tail -n 5 "$apt/update.log" >&2
	die "apt-get update of Debian's source index from $mirror failed (log: $apt/update.log); check the network or the mirror (MIRROR=)"
fi

for v in "$@"; do
	echo "trying $pkg $v" >&2
	# The Debian revision differs per suite: take any that the index has.
	deb=$("${APTCACHE[@]}" showsrc "$pkg" 2>/dev/null |
	      sed -n "s/^Version: \(\([0-9]*:\)\?$v-.*\)/\1/p" | head -n 1)
	[ -n "$deb" ] || { echo "$pkg $v is not in the index" >&2; continue; }
	rm -rf "$apt/dl" && mkdir -p "$apt/dl"
	log=$apt/source-${pkg}_$v.log
	(cd "$apt/dl" && "${APT[@]}" source --download-only --tar-only "$pkg=$deb" >"$log" 2>&1) ||
		{ echo "$pkg $v is not served (log: $log)" >&2; continue; }
	got=$(find "$apt/dl" -maxdepth 1 -name "${pkg}_$v.orig.tar.*" ! -name '*.asc' | head -n 1)
	[ -n "$got" ] || { echo "no orig tarball for $pkg $v" >&2; continue; }
	name=$(basename "$got")
	want=$(want_sum "$name")
	[ -n "$want" ] || die "$name has no sha256 in ${SUMS#"$TOP"/}; add its line (sha256sum) once you trust it"
	sum=$(sha256sum "$got" | cut -d' ' -f1)
	[ "$sum" = "$want" ] ||
		die "sha256 mismatch for $name: got $sum, want $want (${SUMS#"$TOP"/}); remove $apt and retry"
	mv "$got" "$CACHE/$name"
	echo "$sum  $name" >"$CACHE/$name.ok"
	echo "using $pkg $v ($CACHE/$name, sha256 $sum)" >&2
	echo "$CACHE/$name"
	exit 0
done
die "none of $pkg $* is served by the Debian archive at $mirror"
