#!/bin/bash
# Apply the series in patches/ onto the tree's base tag, without a work
# tree (git apply --cached on an index of its own), as commits with a
# fixed author, committer and date: the same patches give the same commit
# ids on every run, so a step that was built before is known by its id.
# Prints one line a patch, "COMMIT PATCH", in order.  A patch that does
# not apply stops it with the reason (make check names it too).
set -euo pipefail
. "$(dirname "$0")/../lib.sh"

tree_base
series_files

export GIT_INDEX_FILE
GIT_INDEX_FILE=$(mktemp "$BUILD/series-index.XXXXXX")
trap 'rm -f "$GIT_INDEX_FILE"' EXIT
export GIT_AUTHOR_NAME="Series Checker" GIT_AUTHOR_EMAIL=checker@localhost
export GIT_COMMITTER_NAME="Series Checker" GIT_COMMITTER_EMAIL=checker@localhost
export GIT_AUTHOR_DATE="@0 +0000" GIT_COMMITTER_DATE="@0 +0000"
git -C "$TREE" read-tree "$base"
head=$base
for p in "${patches[@]}"; do
	if ! out=$(git -C "$TREE" apply --cached "$p" 2>&1); then
		die "${p#"$TOP"/} does not apply on base + the patches before it:
$out"
	fi
	tree=$(git -C "$TREE" write-tree)
	head=$(sed -n 's/^Subject: //p' "$p" | head -n 1 |
	       git -C "$TREE" commit-tree "$tree" -p "$head")
	echo "$head $p"
done
