#!/bin/bash
# Check the man page series in man-pages/ the way the man-pages
# maintainers will, before it is sent.  Every problem is printed as
# "FAIL <patch>: <what>" with the details under it; the exit status is 1
# if there was any.
#
#   1. the cover letter: a title, a body, no placeholder, and base-commit:
#      the base tag of build/man-pages (the man-pages tarball)
#   2. subjects: [PATCH vN k/n] with one version and k = 1..n in order,
#      each naming the page it patches, as the project asks
#   3. each patch applies as git am applies it, on top of base + the ones
#      before it (commit_series), checked out in build/man-check-src
#   4. the project's own lint and check targets from its GNUmakefile, on
#      each page a patch touches: lint-man (mandoc -Tlint, tbl comment),
#      build-catman (groff -ww) and check-catman (no line wider than the
#      terminal); a warning that the page did not have on the base is a
#      failure (the base pages are clean, so: no warning at all)
#   5. man -l renders each touched page without a warning
#
# On success build/check.ok records the series checked (make send reads it).
set -uo pipefail
export SERIES=man-pages
. "$(dirname "$0")/../lib.sh"

SRC=${MAN_CHECK_SRC:-$BUILD/man-check-src}

for t in mandoc groff man col; do
	command -v "$t" >/dev/null || die "$t is missing; run make deps (Debian packages mandoc, groff-base, man-db, bsdextrautils)"
done
# 1, 2. The cover letter, the subjects and their numbering; each subject
# names a page that its patch changes (CONTRIBUTING.d/patches).
check_subjects
for p in "${patches[@]}"; do
	subj=$(header "$p" Subject)
	mapfile -t pages < <(sed -n 's|^diff --git a/\(man/[^ ]*\) b/.*|\1|p' "$p")
	named=0
	for f in "${pages[@]}"; do [[ $subj == *"${f##*/}"* ]] && named=1; done
	[ "$named" = 1 ] || fail "$p" "the subject names none of the pages it patches (${pages[*]##*/})" "Subject: $subj"
	grep -q '^Signed-off-by: ' "$p" || fail "$p" "no Signed-off-by: (CONTRIBUTING.d/patches asks for one)"
done

# lint SRC PAGE...: the project's lint, build and check targets on those
# pages (its GNUmakefile, its build directory .tmp/); prints the warnings
# with the page's line numbers taken out, so that base and patched compare.
lint() {
	local src=$1 page t=()
	shift
	for page in "$@"; do
		t+=(".tmp/$page.lint-man.mandoc.touch" ".tmp/$page.lint-man.tbl.touch"
		    ".tmp/$page.check-catman.touch")
	done
	rm -rf "$src/.tmp"
	make -C "$src" -k "${t[@]}" 2>&1 >/dev/null |
		grep -v -e '^make\(\[[0-9]*\]\)\?: ' |
		sed -E 's/:[0-9]+:[0-9]+:/:/; s/:[0-9]+:/:/'
	rm -rf "$src/.tmp"
}

commits=$(mktemp "$BUILD/.check-commits.XXXXXX")
trap 'rm -f "$commits"' EXIT
commit_series "$commits" "$base" "${patches[@]}"
say "apply, then lint-man, build-catman and check-catman (the project's GNUmakefile) on the pages each patch touches"
k=0
while read -r c p; do
	k=$((k + 1))
	echo "  [$k/$n] ${p#"$TOP"/}"
	worktree_at "$SRC" "$c" || die "could not check out $SRC; remove it and run git -C $TREE worktree prune"
	before=$(git -C "$SRC" rev-parse HEAD~1)
	mapfile -t pages < <(git -C "$SRC" diff --name-only --diff-filter=AM "$before" HEAD -- 'man/*')
	[ ${#pages[@]} -gt 0 ] || continue
	after=$(lint "$SRC" "${pages[@]}")
	# The same pages as they were before the patch (a new page had none).
	existed=() old=
	for page in "${pages[@]}"; do
		git -C "$SRC" cat-file -e "$before:$page" 2>/dev/null && existed+=("$page")
	done
	if [ ${#existed[@]} -gt 0 ]; then
		git -C "$SRC" checkout -q "$before" -- "${existed[@]}"
		old=$(lint "$SRC" "${existed[@]}")
		git -C "$SRC" checkout -q HEAD -- "${existed[@]}"
	fi
	new=$(comm -13 <(sort <<<"$old") <(sort <<<"$after") | grep . || true)
	[ -z "$new" ] || fail "$p" "new warnings from the man-pages lint and check targets" \
		"$new"$'\n'"(reproduce: make -C ${TREE#"$TOP"/} -W ${pages[0]} -k lint-man build-catman check-catman)"
	for page in "${pages[@]}"; do
		out=$(MANWIDTH=80 man --warnings -l "$SRC/$page" 2>&1 >/dev/null) ||
			{ fail "$p" "man -l $page does not render" "$out"; continue; }
		[ -z "$out" ] || fail "$p" "man -l $page warns" "$out"
	done
	[ -n "$new" ] || echo "    ok: ${pages[*]}"
done <"$commits"
check_done 1
if [ "$problems" -gt 0 ]; then
	echo "make check: $problems problem(s) in the man page series; fix the commits in ${TREE#"$TOP"/} (git rebase -i base), make export SERIES=man-pages, make check"
	exit 1
fi
echo "make check: the man page series is ready to send ([$prefix 0/$n], $n patch(es), no new lint warning)"
