#!/bin/bash
# Export the tree's commits (base..HEAD) back to patches/ as git
# format-patch files with a cover letter, with stable output: no commit
# ids (--zero-commit), a fixed index abbreviation (core.abbrev=12: git
# otherwise picks one by repository size), base-commit: recorded (--base;
# the base's upstream commit where config/upstream-bases lists it, since
# no upstream tree has the import commit), no git version signature, and
# the cover letter's date kept when nothing else changed.
#
# The cover letter's subject and text are the branch description of the
# tree (git -C build/linux branch --edit-description); when the tree was
# materialised they were read back from patches/0000-cover-letter.patch.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"

tree_base
git -C "$TREE" diff --quiet HEAD ||
	die "$TREE has uncommitted changes; commit them (git -C $TREE commit) and export again"
n=$(git -C "$TREE" rev-list --count base..HEAD)
branch=$(git -C "$TREE" symbolic-ref --short HEAD)
if ! git -C "$TREE" config "branch.$branch.description" >/dev/null; then
	git -C "$TREE" config "branch.$branch.description" \
		"$(printf 'SUBJECT\n\nDescribe the series here.')"
fi
version=${VERSION:-$(series_version)}

new=$(mktemp -d)
trap 'rm -rf "$new"' EXIT
if [ "$n" -gt 0 ]; then
	git -C "$TREE" -c core.abbrev=12 format-patch -q --zero-commit \
		--base=base --notes \
		--no-signature --cover-letter --cover-from-description=subject \
		--subject-prefix="PATCH v$version" -o "$new" base..HEAD
	# -v1 names nothing; keep file names free of the version
	for f in "$new"/v*-*.patch; do
		[ -e "$f" ] && mv "$f" "$new/${f##*/v[0-9]*-}"
	done
	if [ "$version" = 1 ]; then
		sed -i '0,/^Subject: \[PATCH v1 /s//Subject: [PATCH /' "$new"/*.patch
	fi
	up=$(upstream_base)
	if [ -n "$up" ]; then
		sed -i "s/^base-commit: $(git -C "$TREE" rev-parse base)\$/base-commit: $up/" \
			"$new/0000-cover-letter.patch"
	fi
fi

old=$PATCHES/0000-cover-letter.patch
if [ -f "$old" ] && [ -f "$new/0000-cover-letter.patch" ] &&
   diff -q <(grep -v '^Date: ' "$old") \
	   <(grep -v '^Date: ' "$new/0000-cover-letter.patch") >/dev/null; then
	cp "$old" "$new/0000-cover-letter.patch"
fi

if ! diff -qr -x b4.json "$PATCHES" "$new" >/dev/null 2>&1; then
	rm -f "$PATCHES"/*.patch
	cp "$new"/*.patch "$PATCHES/" 2>/dev/null || true
	say "exported $n patch(es) to ${PATCHES#"$TOP"/}/"
	git -C "$PATCHES" status --short -- . 2>/dev/null || true
else
	say "${PATCHES#"$TOP"/}/ is up to date ($n patch(es))"
fi
# The tree now matches patches/: record it, so that make tree leaves it be.
"$TOP/scripts/series/tree.sh" --stamp
