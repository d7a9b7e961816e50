#!/bin/bash
# Post a series with b4 (docs/posting.md):
#
#   post.sh send            the mails, from b4 send -o, in build/outgoing/<series>
#                           (a dry run); SEND=yes: b4 send, with your
#                           sendemail.* configuration, once make check passed
#   post.sh bump            vN -> vN+1: records vN in b4.json, b4 prep
#                           --force-revision, "Changes in vN+1:" (CHANGES=,
#                           LINK=), make export, and the vN+1 draft
#   post.sh trailers MBOX   b4 trailers -u from a local mbox of replies
#
# The sender (FROM='Name <addr>', else git's identity) signs off every
# patch; a placeholder identity, or none, is refused.
#
# What b4 keeps in a git tree is rebuilt here, because make tree
# recreates the tree from patches/: b4.json in the series' directory (the
# change-id; each earlier version's patches as a git tree id of this
# repository, and the Message-ID of its cover letter when it was sent) is
# the record.  From it: the tracking data, .b4-config (config/b4/), and
# b4's tags sent/<change-id>-vN, made by applying vN's committed patches
# to the base.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

B4_VERSION=0.16.0
B4_VENV=$CACHE/b4-venv
B4=$B4_VENV/bin/b4
STATE=$PATCHES/b4.json
OUT=$BUILD/outgoing/$SERIES
PROJ=$(git -C "$PATCHES" rev-parse --show-toplevel)
REL=$(realpath --relative-to="$PROJ" "$PATCHES")
G=(git -C "$TREE")
# Nobody is Cc'd for a placeholder Signed-off-by (the committed series').
EXCLUDE='*noreply*,*no-reply*,*.example,*.invalid,*@localhost'

need_b4() {
	"$B4" --version 2>/dev/null | grep -qx "$B4_VERSION" && return
	say "installing b4 $B4_VERSION into ${B4_VENV/#$HOME/\~} (pip; Debian's b4 is too old)"
	python3 -m venv "$B4_VENV" && "$B4_VENV/bin/pip" install -q "b4==$B4_VERSION" ||
		die "could not install b4 $B4_VERSION with pip (above); pip needs python3-venv (make deps FOR=send) and the Python package index"
}
b4() { (cd "$TREE" && "$B4" -c b4.email-exclude="$EXCLUDE" "$@"); }

# The sender, also git's identity for b4 and git from here on.
identity() {
	local set='set FROM='\''Your Name <you@example.org>'\'', or git config --global user.name/user.email'
	from=${FROM:-}
	[ -n "$from" ] || from=$("${G[@]}" -c user.useConfigOnly=true var GIT_COMMITTER_IDENT 2>/dev/null |
		sed 's/>.*/>/') || from=
	[ -n "$from" ] || die "refusing to send: nobody to send as; $set"
	from_addr=$(sed -n 's/.*<\(.*\)>.*/\1/p' <<<"$from")
	[[ $from_addr == *@*.* ]] || die "refusing to send as '$from': not a mail address; $set"
	! is_placeholder "$from_addr" ||
		die "refusing to send as '$from': that is a placeholder identity (like the one the committed patches carry), and each patch gets the sender's Signed-off-by, which must be yours; $set"
	export GIT_CONFIG_COUNT=2 GIT_CONFIG_KEY_0=user.name GIT_CONFIG_VALUE_0="${from%% <*}" \
		GIT_CONFIG_KEY_1=user.email GIT_CONFIG_VALUE_1="$from_addr"
}

# state cid | state versions ("N TREE MSGID|-" lines) | state record N TREE [MSGID]
state() {
	python3 - "$STATE" "$@" <<'EOF'
import json, sys
path, op, args = sys.argv[1], sys.argv[2], sys.argv[3:]
d = json.load(open(path))
if op == 'cid':
    print(d['change-id'])
elif op == 'versions':
    for v, s in sorted(d.get('versions', {}).items(), key=lambda x: int(x[0])):
        print(v, s['patches'], s.get('msgid') or '-')
elif op == 'record':
    d.setdefault('versions', {})[args[0]] = dict(patches=args[1], **({'msgid': args[2]} if args[2:] else {}))
    with open(path, 'w') as f:
        json.dump(d, f, indent=2, sort_keys=True)
        f.write('\n')
EOF
}

signoff() { git interpret-trailers --if-exists addIfDifferent --trailer "Signed-off-by: $from"; }

# commit_on PARENT TREE MSGFILE NAME EMAIL DATE: a commit by that author.
commit_on() {
	GIT_AUTHOR_NAME=$4 GIT_AUTHOR_EMAIL=$5 GIT_AUTHOR_DATE=$6 "${G[@]}" commit-tree "$2" -p "$1" -F "$3"
}

# version_tag N PATCHES-TREE: b4's tag of vN, from its committed patches
# applied to the base (no worktree) and signed off as b4 send sent them.
version_tag() {
	local tag=sent/$cid-v$1 tmp f parent tree
	"${G[@]}" rev-parse -q --verify "refs/tags/$tag" >/dev/null && return
	git -C "$PROJ" cat-file -e "$2" 2>/dev/null ||
		die "${STATE#"$TOP"/}: v$1's patches ($2) are not in this clone's history"
	tmp=$(mktemp -d)
	parent=$("${G[@]}" rev-parse 'base^{commit}')
	GIT_INDEX_FILE=$tmp/index "${G[@]}" read-tree base
	for f in $(git -C "$PROJ" ls-tree --name-only "$2" | grep -E '^[0-9]{4}-.*\.patch$' | grep -v '^0000-'); do
		git -C "$PROJ" cat-file blob "$2:$f" | git mailinfo "$tmp/msg" "$tmp/patch" >"$tmp/info"
		GIT_INDEX_FILE=$tmp/index "${G[@]}" apply --cached "$tmp/patch" ||
			die "v$1's $f does not apply to the base"
		tree=$(GIT_INDEX_FILE=$tmp/index "${G[@]}" write-tree)
		{ sed -n 's/^Subject: //p' "$tmp/info"; echo; cat "$tmp/msg"; } | signoff >"$tmp/m"
		parent=$(commit_on "$parent" "$tree" "$tmp/m" "$(sed -n 's/^Author: //p' "$tmp/info")" \
			"$(sed -n 's/^Email: //p' "$tmp/info")" "$(sed -n 's/^Date: //p' "$tmp/info")")
	done
	printf 'v%s\n\n---\nbase-commit: %s\nchange-id: %s\n' "$1" "$("${G[@]}" rev-parse base)" "$cid" |
		"${G[@]}" tag -a -F - "$tag" "$parent"
	rm -rf "$tmp"
}

# b4's state in the tree, from patches/ and b4.json.
prep() {
	local hist="" up v pt id
	tree_base
	series_files
	[ -f "$STATE" ] || die "no ${STATE#"$TOP"/}; it holds the series' change-id (docs/posting.md)"
	cid=$(state cid)
	branch=$("${G[@]}" symbolic-ref --short HEAD)
	sed "s|@TOP@|$TOP|g" "$TOP/config/b4/$([ "$KERNEL_SERIES" = 1 ] && echo kernel || echo man-pages).b4-config" \
		>"$TREE/.b4-config"
	grep -qsx '/.b4-config' "$TREE/.git/info/exclude" || echo /.b4-config >>"$TREE/.git/info/exclude"
	REV=$(series_version "$cover")
	# base-commit: the upstream commit (config/upstream-bases) in the
	# mails; git resolves it to the base.
	up=$(upstream_base)
	[ -z "$up" ] || "${G[@]}" update-ref "refs/replace/$up" base
	# a tag of a version that b4.json does not record (a bump undone)
	for v in $("${G[@]}" tag -l "sent/$cid-v*"); do
		state versions | grep -q "^${v##*-v} " || "${G[@]}" tag -d "$v" >/dev/null
	done
	while read -r v pt id; do
		[ -n "$v" ] || continue
		version_tag "$v" "$pt"
		[ "$id" = - ] || hist+="\"v$v\": [\"$id\"],"
	done < <(state versions)
	"${G[@]}" config "branch.$branch.b4-prep-cover-strategy" branch-description
	"${G[@]}" config "branch.$branch.b4-tracking" "$(printf '{"series": {"revision": %s, "change-id": "%s", "prefixes": [], "presubject": "", "base-branch": "base", "prerequisites": [%s], "history": {%s}}}' \
		"$REV" "$cid" "${up:+\"base-commit: $up\"}" "${hist%,}")"
}

# The tree must be patches/ as committed: b4 sends the tree.
committed() {
	tree_is_series ||
		die "${TREE#"$TOP"/} is not ${PATCHES#"$TOP"/}/ as exported; make export$SERIES_ARG (or make tree$SERIES_ARG)"
	git -C "$PROJ" diff --quiet HEAD -- "$PATCHES" &&
		[ -z "$(git -C "$PROJ" ls-files --others --exclude-standard -- "$PATCHES")" ] ||
		die "commit ${PATCHES#"$TOP"/}/ first: $1"
}

# A real send only of a series that passed the whole make check (its
# records: build/check.ok, and build/check-matrix.ok for the kernel
# series); else make check runs first.
checked() {
	local series
	series=$(series_hash)
	if grep -qx "$series bisect=1" "$BUILD/check.ok" 2>/dev/null &&
		{ [ "$KERNEL_SERIES" = 0 ] || grep -qx "$series" "$BUILD/check-matrix.ok" 2>/dev/null; }; then
		say "make check$SERIES_ARG passed on this series"
		return
	fi
	say "make check$SERIES_ARG first: a real send needs it"
	if [ "$KERNEL_SERIES" = 0 ]; then
		"$TOP/scripts/check-manpages.sh"
	else
		"$TOP/scripts/check-matrix.sh"
	fi || die "refusing to send: make check$SERIES_ARG failed (above); fix the series, then make send$SERIES_ARG SEND=yes"
}

# Cover letter recipients from get_maintainer.pl (b4 prep --auto-to-cc),
# kept above the changelog: b4 0.16 appends them after it from v2 on,
# where b4 send takes them for text.
auto_to_cc() {
	local key=branch.$1.description
	"${G[@]}" config "$key" "$("${G[@]}" config "$key" | grep -Ev '^(To|Cc): ')"
	b4 prep --auto-to-cc >"$BUILD/.b4-out" 2>&1 || { cat "$BUILD/.b4-out" >&2; die "b4 prep --auto-to-cc failed (above)"; }
	"${G[@]}" config "$key" "$("${G[@]}" config "$key" | awk '
		/^(To|Cc): / { r[++n] = $0; next } { l[++m] = $0 }
		END { for (i = 1; i <= m; i++) {
			if (l[i] ~ /^Changes in v[0-9]+:$/ && !done) { for (j = 1; j <= n; j++) print r[j]; print ""; done = 1 }
			print l[i] }
		      if (!done) { print ""; for (j = 1; j <= n; j++) print r[j] } }' | cat -s)"
}

send() {
	local c sb=b4-send parent id k
	if [ "${SEND:-no}" = yes ]; then
		! state versions | grep -q "^$REV " || die "v$REV was sent already (${STATE#"$TOP"/}); make bump$SERIES_ARG first"
		committed "b4.json records the committed series as sent"
		checked
	fi
	# The series as sent: the commits signed off by the sender, on a
	# branch of its own (commit-tree: the work tree is not touched).
	parent=$("${G[@]}" rev-parse 'base^{commit}')
	for c in $("${G[@]}" rev-list --reverse "base..$branch"); do
		"${G[@]}" log -1 --format=%B "$c" | signoff >"$BUILD/.b4-msg"
		parent=$(commit_on "$parent" "$c^{tree}" "$BUILD/.b4-msg" "$("${G[@]}" log -1 --format=%an "$c")" \
			"$("${G[@]}" log -1 --format=%ae "$c")" "$("${G[@]}" log -1 --format=%ad "$c")")
	done
	rm -f "$BUILD/.b4-msg"
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
		# an SMTP server named, or b4 picks its web endpoint even for -o
		b4 -c sendemail.smtpserver=localhost send -o "$OUT" >"$BUILD/.b4-out" 2>&1 ||
			{ cat "$BUILD/.b4-out" >&2; die "b4 send -o failed (above)"; }
		rm -f "$BUILD/.b4-out"
		say "dry run ($(ls "$OUT" | wc -l) mails, in ${OUT#"$TOP"/}/); SEND=yes sends them"
		return
	fi
	# checkpatch with make check's options; b4's pre-flight wants it run
	[ "$KERNEL_SERIES" = 0 ] || b4 prep --check
	b4 send || die "b4 send failed (above)"
	id=$("${G[@]}" config "branch.$sb.b4-tracking" | python3 -c \
		"import json,sys; print(json.load(sys.stdin)['series']['history']['v$REV'][-1])")
	# b4's tag names the upstream base; version_tag's, which git
	# range-diff resolves, takes its place.
	"${G[@]}" tag -d "sent/$cid-v$REV" >/dev/null
	version_tag "$REV" "$(git -C "$PROJ" rev-parse "HEAD:$REL")"
	state record "$REV" "$(git -C "$PROJ" rev-parse "HEAD:$REL")" "$id"
	say "sent v$REV ($id); commit ${STATE#"$TOP"/}, then make bump$SERIES_ARG after review"
}

bump() {
	local new=$((REV + 1)) key id link changes
	committed "vN is recorded as the committed patches"
	state versions | grep -q "^$REV " || state record "$REV" "$(git -C "$PROJ" rev-parse "HEAD:$REL")"
	version_tag "$REV" "$(state versions | awk -v v="$REV" '$1 == v { print $2 }')"
	b4 prep --force-revision "$new" >/dev/null
	id=$(state versions | awk -v v="$REV" '$1 == v { print $3 }')
	link=${LINK:-$([ "$id" = - ] || echo "https://lore.kernel.org/r/${id//[<>]/}")}
	changes=$(printf '%b' "${CHANGES:-- EDITME: what changed since v$REV}")
	[ -z "$link" ] || changes+=$'\n'"- Link to v$REV: $link"
	key=branch.$branch.description
	"${G[@]}" config "$key" "$("${G[@]}" config "$key" | awk -v s="Changes in v$new:"$'\n'"$changes" '
		!done && /^Changes in v[0-9]+:$/ { print s; print ""; done = 1 } { print }
		END { if (!done) { print ""; print s } }')"
	VERSION=$new "$TOP/scripts/export-series.sh"
	REV=$new
	send
	[ -n "$link" ] || say "v$((new - 1)) was not sent (${STATE#"$TOP"/}): no link to it; LINK= gives one"
	say "v$new: its draft, with the range-diff against v$((new - 1)), is in ${OUT#"$TOP"/}/; $(grep -q EDITME <<<"$changes" &&
		echo "write the changes (git -C ${TREE#"$TOP"/} branch --edit-description; make export$SERIES_ARG), ")make check$SERIES_ARG"
}

need_b4
identity
prep
case ${1:-send} in
send) send ;;
bump) bump ;;
trailers)
	[ -f "${2:-}" ] || die "usage: make trailers MBOX=replies.mbox (a file)"
	# make tree commits as "Series Builder": b4 rewrites only your commits
	b4 -n prep --claim >/dev/null
	b4 -n --offline-mode trailers -u -m "$(realpath "$2")"
	"$TOP/scripts/export-series.sh" ;;
*) die "usage: post.sh send|bump|trailers MBOX" ;;
esac
