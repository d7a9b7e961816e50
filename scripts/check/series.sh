#!/bin/bash
# Cell: checkpatch --strict, git am, rustfmt, a build after each patch
# Check the series in patches/ the way a maintainer will, before it is
# sent.  Every problem is printed as "FAIL <patch>: <what>" with the
# details under it; the exit status is 1 if there was any.
#
#   1. the cover letter: a title, a body, no placeholder, and base-commit:
#      the base's upstream commit (config/upstream-bases) or its tag
#   2. subjects: [PATCH vN k/n] with one version and k = 1..n in order
#   3. scripts/checkpatch.pl --strict: no error, warning or check
#   4. each patch applies as git am applies it, on top of base + the ones
#      before it (commit_series), checked out in build/bisect-src
#   5. make rustfmtcheck after each patch: no Rust file it touches is
#      left unformatted
#   6. bisect build: the lab kernel (tinyconfig + config/lab.config) builds
#      after each patch, with no compiler warning (objects in
#      build/obj-bisect); a step whose tree, configuration and tools
#      passed before is not built again (build/matrix/stamps).  BISECT=0
#      skips it for quick runs; make send needs it.
#
# On success build/check.ok records the series checked (make send reads it).
set -uo pipefail
. "$(dirname "$0")/../lib.sh"

BISECT=${BISECT:-1}
SRC=${BISECT_SRC:-$BUILD/bisect-src}
OBJB=${BISECT_OBJ:-$BUILD/obj-bisect}

# 1, 2. The cover letter, the subjects and their numbering.
check_subjects

# 3. checkpatch.pl --strict, patch by patch, with the tree's own checkpatch
# (and Debian's python3 for its spdxcheck.py: python3-ply, python3-git).
# Its "does MAINTAINERS need updating?" (FILE_PATH_CHANGES) comes for any
# new file; a new file must rather be covered by a MAINTAINERS entry (not
# THE REST) of the applied tree, which is checked here instead.
uncovered() {
	local f out
	for f in $(sed -n 's/^ create mode [0-9]* //p' "$1"); do
		out=$(cd "$TREE" && perl scripts/get_maintainer.pl --nogit --nogit-fallback \
			--nokeywords --roles --norolestats -f "$f" 2>/dev/null)
		grep -Eq '\((maintainer|supporter|odd fixer):' <<<"$(grep -v ':THE REST)' <<<"$out")" ||
			echo "$f"
	done
}
# Its UNKNOWN_COMMIT_ID looks a Fixes: id up in the tree's history, which
# a tarball import does not have: each Fixes: tag must instead name, by its
# first 12 characters and its subject, a commit of config/upstream-commits.
bad_fixes() {
	local id subj
	sed -n 's/^Fixes: \([0-9a-f]*\) ("\(.*\)")$/\1 \2/p' "$1" |
		while read -r id subj; do
			if [ ${#id} != 12 ]; then
				echo "Fixes: $id: give the first 12 characters of the id"
			elif ! awk -v id="$id" -v s="$subj" '!/^#/ && index($1, id) == 1 &&
					substr($0, length($1) + 2) == s { f = 1 } END { exit !f }' \
					"$TOP/config/upstream-commits"; then
				echo "Fixes: $id (\"$subj\"): not in config/upstream-commits with that subject (add the commit there, with where its id was read)"
			fi
		done
}
say "checkpatch.pl --strict"
for p in "${patches[@]}"; do
	out=$(cd "$TREE" && PATH=/usr/bin:$PATH perl scripts/checkpatch.pl --strict \
		--no-summary-file --ignore FILE_PATH_CHANGES,UNKNOWN_COMMIT_ID "$p" 2>&1)
	rc=$?
	bad=$(uncovered "$p")
	[ -z "$bad" ] || fail "$p" "adds files that no MAINTAINERS entry covers (checkpatch.pl: does MAINTAINERS need updating?)" "$bad"
	fixes=$(bad_fixes "$p")
	[ -z "$fixes" ] || { fail "$p" "a Fixes: tag names an unknown commit" "$fixes"; bad=1; }
	total=$(grep -E '^total: ' <<<"$out" | tail -n 1)
	if [ "$rc" != 0 ]; then
		fail "$p" "checkpatch.pl --strict: ${total:-exit $rc}" \
			"$(awk '/^total: /{ exit } { print }' <<<"$out" | cat -s | sed -e '/./,$!d' -e '${/^$/d}')"
	elif [ -z "$bad" ]; then
		echo "    ok ${p#"$TOP"/}"
	fi
done

# 4-6. kmake ARGS...: the kernel make of lib.sh, on the worktree.
kmake() (
	TREE=$SRC OBJ=$OBJB
	. "$TOP/scripts/lib.sh"
	"${KMAKE[@]}" "$@"
)

# ccache makes a second make check cheap: make rebuilds what each step's
# checkout rewrites (it goes by dates), and ccache finds it unchanged.
cc=$(ccache_cc)
build() {
	if [ -n "${BISECT_BUILD:-}" ]; then
		(cd "$SRC" && SRC=$SRC OBJ=$OBJB bash -c "$BISECT_BUILD")
	else
		mkdir -p "$OBJB"
		TREE=$SRC OBJ=$OBJB "$TOP/scripts/build/configure.sh" &&
			kmake "$cc" bzImage
	fi
}

commits=$(mktemp "$BUILD/.check-commits.XXXXXX")
trap 'rm -f "$commits"' EXIT
commit_series "$commits" "$base" "${patches[@]}"
if [ "$BISECT" = 1 ]; then
	say "apply, rustfmtcheck and build the lab kernel after each patch (objects: ${OBJB#"$TOP"/}; BISECT=0 skips the builds)"
else
	say "apply and rustfmtcheck after each patch (BISECT=0: no builds)"
fi
k=0 broken=
while read -r c p; do
	k=$((k + 1))
	tag=$(printf '%02d' "$k")
	echo "  [$k/$n] ${p#"$TOP"/}"
	worktree_at "$SRC" "$c" || die "could not check out $SRC; remove it and run git -C $TREE worktree prune"
	mapfile -t touched < <(git -C "$SRC" diff --name-only HEAD~1 HEAD -- '*.rs')
	log=$LOGS/check-rustfmt-$tag.log
	if [ ${#touched[@]} -gt 0 ] && ! kmake -s RUSTFMT="$RUSTFMT" rustfmtcheck >"$log" 2>&1; then
		bad=$(sed -n "s|^Diff in $SRC/\(.*\):[0-9]*:\$|\1|p" "$log" | sort -u |
		      grep -Fx -f <(printf '%s\n' "${touched[@]}") || true)
		if [ -n "$bad" ]; then
			fail "$p" "rustfmtcheck: not formatted: $(paste -sd" " <<<"$bad")" \
				"$(head -n 30 "$log")"$'\n'"(full diff: ${log#"$TOP"/}; fix with make rustfmt in the tree)"
		elif ! grep -q '^Diff in ' "$log"; then
			fail "$p" "make rustfmtcheck failed to run (log: ${log#"$TOP"/})" "$(tail -n 5 "$log")"
		fi
	fi
	[ "$BISECT" = 1 ] || continue
	log=$LOGS/check-build-$tag.log
	key=
	if [ -z "${BISECT_BUILD:-}" ]; then
		key=$(build_key "$(git -C "$SRC" rev-parse HEAD)" bisect "$cc")
		if [ "${FORCE:-0}" != 1 ] && stamped "$key"; then
			echo "    built before without warnings (same tree, configuration and tools)"
			broken=
			continue
		fi
		build_lock
	fi
	: >"$log"
	try_step "build after patch $k" "$log" build
	rc=$?
	build_unlock
	if [ "$rc" != 0 ]; then
		fail "$p" "the lab kernel ${broken:+still }does not build after this patch${broken:+ (broken since patch $broken)} (log: ${log#"$TOP"/})" \
			"$(build_errors "$log")"$'\n'"$(plain_make "$k" bzImage)"
		broken=${broken:-$k}
		continue
	fi
	broken=
	warns=$(grep -E -A3 '(^|: )warning(\[[^]]*\])?:' "$log" | head -n 30)
	if [ -n "$warns" ]; then
		fail "$p" "compiler warnings after this patch (log: ${log#"$TOP"/})" \
			"$warns"$'\n'"$(plain_make "$k" bzImage)"
	elif [ -n "$key" ]; then
		stamp "$key"
	fi
done <"$commits"
check_done "$BISECT"
if [ "$problems" -gt 0 ]; then
	echo "make check: $problems problem(s) in the series; fix the commits in ${TREE#"$TOP"/} (git rebase -i base), make export$SERIES_ARG, make check$SERIES_ARG"
	exit 1
fi
echo "make check: the series is ready to send ([$prefix 0/$n], $n patch(es)$([ "$BISECT" = 1 ] && echo ", each one builds" || echo ", builds not checked: BISECT=0"))"
