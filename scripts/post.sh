#!/bin/bash
# PROTOTYPE (issue 24, docs/b4-plan.md): post a series with b4 0.16.
#
#   post.sh send           b4 send -o build/outgoing/<series> (a dry run);
#                          SEND=yes: b4 send (your sendemail.* config)
#   post.sh bump           vN -> vN+1: b4 prep --force-revision and a
#                          "Changes in vN+1:" section (CHANGES=, LINK=)
#   post.sh trailers MBOX  b4 trailers -u from a local mbox of replies
#   post.sh prep           only set up b4's state in the tree (below)
#
# b4's state in the tree is a cache, rebuilt here from what is committed:
# patches/ (the cover letter: title, text, version) and patches/b4.json
# (the change-id; for each version sent, the git tree of patches/ that was
# sent and the cover letter's Message-ID).  In the tree: the cover strategy
# branch-description (the cover letter stays the branch description),
# branch.<b>.b4-tracking, .b4-config (config/b4/), and the tags
# sent/<change-id>-vN, rebuilt from the committed patches when missing.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

B4_VERSION=0.16.0
B4_VENV=${B4_VENV:-$CACHE/b4-venv}
B4=$B4_VENV/bin/b4
STATE=${B4_STATE:-$PATCHES/b4.json}
OUT=${OUT:-$BUILD/outgoing/$SERIES}
# Never Cc the project's placeholder identity (the committed Signed-off-by).
EXCLUDE='*noreply*,*no-reply*,*.example,*.invalid,*@localhost'

need_b4() {
	"$B4" --version 2>/dev/null | grep -qx "$B4_VERSION" && return
	say "installing b4 $B4_VERSION into ${B4_VENV/#$HOME/\~} (pip)"
	/usr/bin/python3 -m venv "$B4_VENV" &&
		"$B4_VENV/bin/pip" install -q "b4==$B4_VERSION" ||
		die "could not install b4 $B4_VERSION with pip (above)"
}

# The sender (FROM, else git's identity), who signs off every patch; as
# git's identity for b4 and git from here on.
identity() {
	local set='set FROM='\''Your Name <you@example.org>'\'', or git config --global user.name/user.email'
	from=${FROM:-}
	[ -n "$from" ] || from=$(git -C "$TREE" -c user.useConfigOnly=true var GIT_COMMITTER_IDENT 2>/dev/null |
		sed 's/>.*/>/') || from=
	[ -n "$from" ] || die "refusing to send: nobody to send as; $set"
	from_addr=$(sed -n 's/.*<\(.*\)>.*/\1/p' <<<"$from")
	from_name=${from%% <*}
	[[ $from_addr == *@*.* ]] || die "refusing to send as '$from': not a mail address; $set"
	! is_placeholder "$from_addr" ||
		die "refusing to send as '$from': that is a placeholder identity, and each patch gets the sender's Signed-off-by; $set"
	export GIT_CONFIG_COUNT=2 GIT_CONFIG_KEY_0=user.name GIT_CONFIG_VALUE_0="$from_name" \
		GIT_CONFIG_KEY_1=user.email GIT_CONFIG_VALUE_1="$from_addr"
}

state() { # state get KEY... | state set-sent VERSION TREE MSGID | state init SLUG
	python3 - "$STATE" "$@" <<'EOF'
import json, os, sys, uuid, datetime
path, op, args = sys.argv[1], sys.argv[2], sys.argv[3:]
d = json.load(open(path)) if os.path.exists(path) else {}
if op == 'init' and 'change-id' not in d:
    d['change-id'] = '%s-%s-%s' % (datetime.date.today().strftime('%Y%m%d'), args[0], uuid.uuid4().hex[:12])
elif op == 'set-sent':
    d.setdefault('sent', {})[args[0]] = {'patches': args[1], 'msgid': args[2]}
elif op == 'cid':
    print(d['change-id']); sys.exit()
elif op == 'sent':  # "VERSION TREE MSGID" lines
    for v, s in sorted(d.get('sent', {}).items(), key=lambda x: int(x[0])):
        print(v, s['patches'], s.get('msgid') or '-')
    sys.exit()
json.dump(d, open(path, 'w'), indent=2, sort_keys=True); open(path, 'a').write('\n')
EOF
}

G=(git -C "$TREE")
b4() { (cd "$TREE" && "$B4" "$@"); }
signoff() { git interpret-trailers --if-exists addIfDifferent --trailer "Signed-off-by: $from"; }

# commit_as PARENT TREE MSGFILE NAME EMAIL DATE: a commit by that author.
commit_as() {
	GIT_AUTHOR_NAME=$4 GIT_AUTHOR_EMAIL=$5 GIT_AUTHOR_DATE=$6 \
		"${G[@]}" commit-tree "$2" -p "$1" -F "$3"
}

# sent_tag VERSION PATCHES-TREE: the tag b4 made when it sent vN, rebuilt
# from the committed patches (applied on base without a worktree, signed
# off by the sender as b4 send signed them; base-commit: the local base).
sent_tag() {
	local v=$1 pt=$2 proj tmp f parent tree tag=sent/$cid-v$1
	"${G[@]}" rev-parse -q --verify "refs/tags/$tag" >/dev/null && return
	proj=$(git -C "$PATCHES" rev-parse --show-toplevel)
	git -C "$proj" cat-file -e "$pt" 2>/dev/null || die "b4.json: v$v's patches ($pt) are not in this clone's history"
	tmp=$(mktemp -d)
	parent=$("${G[@]}" rev-parse 'base^{commit}')
	GIT_INDEX_FILE=$tmp/index "${G[@]}" read-tree base
	for f in $(git -C "$proj" ls-tree --name-only "$pt" | grep -E '^[0-9]{4}-.*\.patch$' | grep -v '^0000-'); do
		git -C "$proj" cat-file blob "$pt:$f" | git mailinfo "$tmp/msg" "$tmp/patch" >"$tmp/info"
		GIT_INDEX_FILE=$tmp/index "${G[@]}" apply --cached "$tmp/patch" || die "sent v$v: $f does not apply"
		tree=$(GIT_INDEX_FILE=$tmp/index "${G[@]}" write-tree)
		{ sed -n 's/^Subject: //p' "$tmp/info"; echo; cat "$tmp/msg"; } | signoff >"$tmp/m"
		parent=$(commit_as "$parent" "$tree" "$tmp/m" "$(sed -n 's/^Author: //p' "$tmp/info")" \
			"$(sed -n 's/^Email: //p' "$tmp/info")" "$(sed -n 's/^Date: //p' "$tmp/info")")
	done
	git -C "$proj" cat-file blob "$pt:0000-cover-letter.patch" >"$tmp/cover"
	{ sed -n 's/^Subject: \[[^]]*\] //p' "$tmp/cover" | head -n 1; echo
	  printf -- '---\nbase-commit: %s\nchange-id: %s\n' "$("${G[@]}" rev-parse base)" "$cid"
	} | "${G[@]}" tag -a -F - "$tag" "$parent"
	rm -rf "$tmp"
	say "rebuilt the tag $tag from the committed v$v"
}

# b4's state in the tree, from patches/ and b4.json.
prep() {
	local hist="" rev up v pt id
	tree_base
	series_files
	[ -f "$STATE" ] || state init "$SERIES"
	cid=$(state cid)
	branch=$("${G[@]}" symbolic-ref --short HEAD)
	sed "s|@TOP@|$TOP|g" "$TOP/config/b4/$([ "$KERNEL_SERIES" = 1 ] && echo kernel || echo man-pages).b4-config" \
		>"$TREE/.b4-config"
	grep -qx '/.b4-config' "$TREE/.git/info/exclude" 2>/dev/null || echo /.b4-config >>"$TREE/.git/info/exclude"
	rev=$(sed -n 's/^Subject: \[PATCH v\([0-9]*\) .*/\1/p' "$cover" | head -n 1)
	REV=${rev:-1}
	up=$(upstream_base)
	[ -z "$up" ] || "${G[@]}" update-ref "refs/replace/$up" base
	while read -r v pt id; do
		[ -n "$v" ] || continue
		sent_tag "$v" "$pt"
		[ "$id" = - ] || hist+="\"v$v\": [\"$id\"],"
	done < <(state sent)
	"${G[@]}" config "branch.$branch.b4-prep-cover-strategy" branch-description
	"${G[@]}" config "branch.$branch.b4-tracking" "$(printf '{"series": {"revision": %s, "change-id": "%s", "prefixes": [], "presubject": "", "base-branch": "base", "prerequisites": [%s], "history": {%s}}}' \
		"$REV" "$cid" "${up:+\"base-commit: $up\"}" "${hist%,}")"
}

# Cover letter recipients (b4 prep --auto-to-cc), kept above the cover's
# "---" line: b4 0.16 puts them after the changelog from v2 on, where b4
# send reads them as text, not recipients (b4 issue #78).
auto_to_cc() {
	local key=branch.$1.description
	"${G[@]}" config "$key" "$("${G[@]}" config "$key" | grep -Ev '^(To|Cc): ')"
	b4 prep --auto-to-cc >/dev/null
	"${G[@]}" config "$key" "$("${G[@]}" config "$key" | awk '
		/^(To|Cc): / { r[++n] = $0; next } { l[++m] = $0 }
		END { for (i = 1; i <= m; i++) {
			if (l[i] == "---" && !done) { for (j = 1; j <= n; j++) print r[j]; print ""; done = 1 }
			print l[i] }
		      if (!done) for (j = 1; j <= n; j++) print r[j] }' | cat -s)"
}

send() {
	local c msg sb=b4-send proj id
	if [ "${SEND:-no}" = yes ] && state sent | grep -q "^$REV "; then
		die "v$REV was sent already (${STATE#"$TOP"/}); make bump first"
	fi
	proj=$(git -C "$PATCHES" rev-parse --show-toplevel)
	if [ "${SEND:-no}" = yes ] && { ! git -C "$proj" diff --quiet HEAD -- "$PATCHES" ||
		[ -n "$(git -C "$proj" ls-files --others --exclude-standard -- "$PATCHES")" ]; }; then
		die "commit ${PATCHES#"$TOP"/}/ first: b4.json records the committed series as sent"
	fi
	# The series as sent: the commits signed off by the sender, on a branch
	# of its own (commit-tree: the work tree is not touched).
	parent=$("${G[@]}" rev-parse 'base^{commit}')
	for c in $("${G[@]}" rev-list --reverse "base..$branch"); do
		"${G[@]}" log -1 --format=%B "$c" | signoff >"$BUILD/.b4-msg"
		parent=$(commit_as "$parent" "$c^{tree}" "$BUILD/.b4-msg" "$("${G[@]}" log -1 --format=%an "$c")" \
			"$("${G[@]}" log -1 --format=%ae "$c")" "$("${G[@]}" log -1 --format=%ad "$c")")
	done
	"${G[@]}" update-ref "refs/heads/$sb" "$parent"
	for k in description b4-tracking b4-prep-cover-strategy; do
		"${G[@]}" config "branch.$sb.$k" "$("${G[@]}" config "branch.$branch.$k")"
	done
	"${G[@]}" symbolic-ref HEAD "refs/heads/$sb"
	trap '"${G[@]}" symbolic-ref HEAD "refs/heads/$branch"; "${G[@]}" branch -q -D '$sb' || :
	      "${G[@]}" config --remove-section branch.'$sb' 2>/dev/null || :' EXIT
	[ "$KERNEL_SERIES" = 0 ] || auto_to_cc "$sb"
	if [ "${SEND:-no}" != yes ]; then
		rm -rf "$OUT"
		b4 -c b4.email-exclude="$EXCLUDE" -c sendemail.smtpserver=localhost \
			send -o "$OUT" || die "b4 send -o failed (above)"
		say "dry run: the mails are in ${OUT#"$TOP"/}/; SEND=yes sends them"
		return
	fi
	b4 -c b4.email-exclude="$EXCLUDE" send || die "b4 send failed (above)"
	# b4 tagged what it sent with the upstream base-commit: the local one
	# there, which git range-diff can resolve.
	tag=sent/$cid-v$REV
	"${G[@]}" cat-file tag "$tag" | sed '1,/^$/d' |
		sed "s/^base-commit: .*/base-commit: $("${G[@]}" rev-parse base)/" |
		"${G[@]}" tag -f -a -F - "$tag" "$tag^{commit}" >/dev/null
	id=$("${G[@]}" config "branch.$sb.b4-tracking" | python3 -c \
		"import json,sys; print(json.load(sys.stdin)['series']['history']['v$REV'][-1])")
	state set-sent "$REV" "$(git -C "$proj" rev-parse "HEAD:$(realpath --relative-to="$proj" "$PATCHES")")" "$id"
	say "sent v$REV ($id), recorded in ${STATE#"$TOP"/}: commit it, then make bump"
}

bump() {
	local new=$((REV + 1)) key id link changes
	state sent | grep -q "^$REV " || say "warning: v$REV is not recorded as sent: no range-diff against it"
	b4 prep --force-revision "$new" >/dev/null
	id=$(state sent | awk -v v="$REV" '$1 == v { print $3 }')
	link=${LINK:-$([ "${id:--}" = - ] && echo EDITME || echo "https://lore.kernel.org/r/$id")}
	changes=$(printf '%b' "${CHANGES:-- EDITME: what changed since v$REV}")
	key=branch.$branch.description
	"${G[@]}" config "$key" "$("${G[@]}" config "$key" | awk -v s="Changes in v$new:"$'\n'"$changes"$'\n'"- Link to v$REV: $link" '
		!done && /^Changes in v[0-9]+:$/ { print s; print ""; done = 1 } { print }
		END { if (!done) { print ""; print "---"; print s } }')"
	VERSION=$new "$TOP/scripts/export-series.sh"
	b4 prep --compare-to "v$REV" || :
}

need_b4
identity
prep
case ${1:-send} in
prep) ;;
send) send ;;
bump) bump ;;
trailers)
	[ -f "${2:-}" ] || die "usage: post.sh trailers MBOX"
	# make tree commits as "Series Builder": b4 rewrites only your commits
	b4 -n prep --claim >/dev/null
	b4 -n --offline-mode trailers -u -m "$(realpath "$2")"
	"$TOP/scripts/export-series.sh" ;;
*) die "usage: post.sh send|bump|trailers MBOX|prep" ;;
esac
