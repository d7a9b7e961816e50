#!/bin/bash
# Start the next revision of the series: vN -> vN+1 (or VERSION=M).
# Adds a "Changes in vM:" section to the cover letter text (the tree's
# branch description), newest first, then exports the tree as
# [PATCH vM k/n] (scripts/export-series.sh).
#
#   CHANGES='- what changed\n- ...'  the changelog lines (else an EDITME
#                                   placeholder that make check refuses)
#   LINK=URL                        where the previous revision was posted
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ -d "$TREE/.git" ] || die "no tree at $TREE; run make tree$SERIES_ARG first"
cover=$PATCHES/0000-cover-letter.patch
[ -f "$cover" ] || die "no cover letter in ${PATCHES#"$TOP"/}/; export the series first (make export$SERIES_ARG)"
old=$(sed -n 's/^Subject: \[PATCH v\([0-9]*\) .*/\1/p' "$cover" | head -n 1)
old=${old:-1}
new=${VERSION:-$((old + 1))}
[[ $new =~ ^[0-9]+$ ]] && [ "$new" -gt "$old" ] ||
	die "VERSION=$new is not above the series' current version v$old"

branch=$(git -C "$TREE" symbolic-ref --short HEAD)
key=branch.$branch.description
desc=$(git -C "$TREE" config "$key" || true)
[ -n "$desc" ] || die "the tree has no cover letter text ($key); write it: git -C $TREE branch --edit-description"

if grep -q "^Changes in v$new:\$" <<<"$desc"; then
	say "the cover letter already has \"Changes in v$new:\"; keeping it"
else
	changes=${CHANGES:-"- EDITME: what changed since v$old"}
	changes=$(printf '%b' "$changes")
	[ -z "${LINK:-}" ] || changes="$changes"$'\n'"- Link to v$old: $LINK"
	section="Changes in v$new:"$'\n'"$changes"
	if grep -q '^Changes in v[0-9]*:$' <<<"$desc"; then
		desc=$(awk -v s="$section" '!done && /^Changes in v[0-9]+:$/ { print s; print ""; done = 1 } { print }' <<<"$desc")
	else
		desc="$desc"$'\n\n'"$section"
	fi
	git -C "$TREE" config "$key" "$desc"
	say "cover letter: added \"Changes in v$new:\""
fi
VERSION=$new "$TOP/scripts/export-series.sh"
say "the series is now v$new; $(grep -q EDITME <<<"$desc" &&
	echo "describe the changes (git -C ${TREE#"$TOP"/} branch --edit-description, then make export$SERIES_ARG), then ")make check"
