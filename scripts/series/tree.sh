#!/bin/bash
# Materialise the kernel tree: a git repository holding one commit that
# imports the pristine base (tagged "base"), then patches/ applied as git
# am does (commit_series).  Idempotent: does nothing when patches/ has
# not changed since the tree was made, and refuses to throw away work that
# was not exported.
# SERIES=man-pages does the same for the man page series: the man-pages
# tarball (Debian's manpages source package, scripts/fetch/debian-source.sh) and
# man-pages/ in build/man-pages.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"

GIT=(git -C "$TREE" -c user.name="Series Builder"
     -c user.email="builder@localhost")
stamp=$TREE/.git/series-stamp

import_base() {
	local src tmp
	if [ "$SERIES" = man-pages ]; then
		# trixie serves 6.9.1 (sid listed 6.20, which gave 404)
		src=${MANPAGES_SRC:-$("$TOP/scripts/fetch/debian-source.sh" manpages ${MANPAGES_VERSIONS:-6.9.1})} ||
			die "could not fetch the man-pages tarball (above); or set MANPAGES_SRC=/path/to/man-pages.tar.xz"
		[ -e "$src" ] || die "MANPAGES_SRC=$src does not exist"
	else
		src=$("$TOP/scripts/fetch/base-kernel.sh")
	fi
	say "importing the base $SERIES from $src"
	[ "$SERIES" = man-pages ] || need_space "$TREE" 4 "importing the kernel source"
	tmp=$TREE.tmp
	rm -rf "$tmp"
	mkdir -p "$tmp"
	if [ -d "$src" ]; then
		tar -C "$src" --exclude=.git -cf - . | tar -C "$tmp" -xf -
	else
		tar -C "$tmp" --strip-components=1 -xf "$src"
	fi
	if [ "$SERIES" = man-pages ]; then
		version=man-pages\ $(sed -n 's/^VERSION *:= *//p' "$tmp/share/mk/configure/version.mk" 2>/dev/null)
		[ "$version" != "man-pages " ] || version="man-pages $(basename "$src")"
	else
		version=Linux\ $(make -s -C "$tmp" kernelversion)
	fi
	git -C "$tmp" init -q -b master
	# No background gc racing the commits that follow.
	git -C "$tmp" config gc.auto 0
	git -C "$tmp" config maintenance.auto false
	# Notes below --- follow their commit through rebase and amend.
	git -C "$tmp" config notes.rewriteRef refs/notes/commits
	if [ "$SERIES" = man-pages ]; then
		# Hunk headers name the section, as man-pages' CONTRIBUTING.d/git
		# asks (diff.man.xfuncname), so exported patches read like theirs.
		git -C "$tmp" config diff.man.xfuncname '^\.S[SHsh] .*$'
		echo '*.[0-9]* diff=man' >"$tmp/.git/info/attributes"
	fi
	git -C "$tmp" add -A -f
	# Fixed identity and dates: the same base gives the same commit id
	# everywhere, whatever GIT_* the environment has, so base-commit: in the
# exported series is stable.
	GIT_AUTHOR_DATE="2000-01-01T00:00:00Z" GIT_COMMITTER_DATE="2000-01-01T00:00:00Z" \
	GIT_AUTHOR_NAME="$version" GIT_COMMITTER_NAME="$version" \
	GIT_AUTHOR_EMAIL=base@localhost GIT_COMMITTER_EMAIL=base@localhost \
	git -C "$tmp" commit -q \
		-m "$version" -m "Imported from $(basename "$src")."
	git -C "$tmp" tag base
	mv "$tmp" "$TREE"
}

# The "Notes:" block that format-patch --notes put below a patch's "---"
# line (what a reviewer should know that is not for the commit log).
patch_notes() {
	awk '
	!sep && /^---$/ { sep = 1; next }
	sep == 1 && /^$/ { next }
	sep == 1 && /^Notes:$/ { sep = 2; next }
	sep == 1 { exit }
	sep == 2 && /^    / { sub(/^    /, ""); print; next }
	sep == 2 && /^$/ { print; next }
	sep == 2 { exit }' "$1" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
}

apply_series() {
	local c p notes commits=$TREE/.git/series-commits
	series_files --none-ok
	GIT_COMMITTER_NAME="Series Builder" GIT_COMMITTER_EMAIL=builder@localhost \
		commit_series "$commits" base "${patches[@]}" ||
		die "fix ${PATCHES#"$TOP"/}/ (or the base) and run make tree$SERIES_ARG again"
	c=$(tail -n 1 "$commits" | cut -d' ' -f1)
	# Only the files that differ are rewritten: the next build redoes
	# only what the change of patches/ changed.
	"${GIT[@]}" reset -q --hard "${c:-base}"
	while read -r c p; do
		notes=$(patch_notes "$p")
		[ -z "$notes" ] || "${GIT[@]}" notes add -f -m "$notes" "$c"
	done <"$commits"
	[ -f "$cover" ] && "${GIT[@]}" config branch.master.description \
		"$(cover_text "$cover")"
	echo "$(series_hash) $("${GIT[@]}" rev-parse HEAD)" >"$stamp"
	say "tree at $TREE: $n patch(es) on $("${GIT[@]}" log -1 --format=%s base)"
}

if [ "${1:-}" = --stamp ]; then
	echo "$(series_hash) $("${GIT[@]}" rev-parse HEAD)" >"$stamp"
	exit 0
fi
if [ "$TREE" != "$DEFAULT_TREE" ]; then
	[ -d "$TREE" ] || die "TREE=$TREE does not exist"
	exit 0 # the user's own tree: build it as it is
fi
[ -d "$TREE/.git" ] || import_base

want=$(series_hash)
read -r have head 2>/dev/null <"$stamp" || { have=; head=; }
[ "$want" = "$have" ] && exit 0

if [ -n "$head" ] && { [ "$("${GIT[@]}" rev-parse HEAD)" != "$head" ] ||
			! "${GIT[@]}" diff --quiet HEAD; }; then
	die "${PATCHES#"$TOP"/}/ changed, and so did $TREE since it was made; export the tree first (make export$SERIES_ARG) or move it aside"
fi
apply_series
