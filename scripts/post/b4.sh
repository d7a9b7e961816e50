#!/bin/bash
# Post a series with b4 (docs/posting.md):
#
#   b4.sh send            the mails, from b4 send -o, in build/outgoing/<series>
#                           (a dry run); SEND=yes: b4 send, with your
#                           sendemail.* configuration, once make check passed;
#                           SEND=reflect: b4 send --reflect, to you alone
#   b4.sh bump            vN -> vN+1: b4 prep --force-revision,
#                           "Changes in vN+1:" (CHANGES=, LINK=), make
#                           export, the vN+1 draft; vN recorded in b4.json
#   b4.sh trailers MBOX   b4 trailers -u from a local mbox of replies
#
# The sender (FROM='Name <addr>', else git's identity) signs off every
# patch; a placeholder identity, or none, is refused.
#
# What b4 keeps in a git tree is rebuilt here, because make tree
# recreates the tree from patches/: b4.json in the series' directory (the
# change-id; each earlier version's patches as a git tree id of this
# repository, and the Message-ID of its cover letter when it was sent) is
# the record.  From it: the tracking data, .b4-config (config/b4/), and
# the tag sent/<change-id>-vN of the version before, made by applying its
# committed patches to the base.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"

B4_VERSION=0.16.0
B4_VENV=$CACHE/b4-venv
B4=$B4_VENV/bin/b4
STATE=$PATCHES/b4.json
OUT=$BUILD/outgoing/$SERIES
PROJ=$(git -C "$PATCHES" rev-parse --show-toplevel)
REL=$(realpath --relative-to="$PROJ" "$PATCHES")
G=(git -C "$TREE")
SB=b4-send
# Nobody is Cc'd for a placeholder Signed-off-by (the committed series').
B4_OPTS=(-c b4.email-exclude="$(tr ' ' , <<<"$PLACEHOLDERS")")

need_b4() {
	"$B4" --version 2>/dev/null | grep -qx "$B4_VERSION" && return
	say "installing b4 $B4_VERSION into ${B4_VENV/#$HOME/\~} (pip; Debian's b4 is too old)"
	python3 -m venv "$B4_VENV" && "$B4_VENV/bin/pip" install -q "b4==$B4_VERSION" ||
		die "could not install b4 $B4_VERSION with pip (above); pip needs python3-venv (make deps FOR=send) and the Python package index"
}
b4() { (cd "$TREE" && "$B4" "${B4_OPTS[@]}" "$@"); }
# quiet_b4 ARGS...: b4, its output shown only when it fails.
quiet_b4() {
	b4 "$@" >"$BUILD/.b4-$SERIES.out" 2>&1 ||
		{ cat "$BUILD/.b4-$SERIES.out" >&2; die "b4 $* failed (above)"; }
}

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

# state cid | state get N patches|msgid|link | state msgids | state record N TREE [MSGID LINK]
state() {
	python3 -c '
import json, sys
path, op, args = sys.argv[1], sys.argv[2], sys.argv[3:]
d = json.load(open(path))
vers = d.setdefault("versions", {})
if op == "cid":
    print(d["change-id"])
elif op == "get":
    print(vers.get(args[0], {}).get(args[1], ""))
elif op == "msgids":
    print(",".join("\"v%s\": [\"%s\"]" % (v, s["msgid"]) for v, s in vers.items() if s.get("msgid")))
elif op == "record":
    vers[args[0]] = dict(patches=args[1], **dict(zip(("msgid", "link"), args[2:])))
    with open(path, "w") as f:
        json.dump(d, f, indent=2, sort_keys=True)
        f.write("\n")
' "$STATE" "$@"
}

# sign_off <MESSAGE: the message ending with the sender's Signed-off-by
# (as b4 send has the patches signed: git format-patch -s).
sign_off() {
	git interpret-trailers --if-exists addIfDifferentNeighbor --trailer "Signed-off-by: $from"
}

# version_tag N: b4's tag of vN, sent/<change-id>-vN, from its committed
# patches (b4.json) applied to the base as sent (commit_series, signed
# off); its message is vN's cover letter with base-commit: and
# change-id:, as b4 writes it.  Returns 1, saying why, when vN's patches
# are not at hand or do not apply.
version_tag() {
	local tag=sent/$cid-v$1 pt tmp=$BUILD/.b4-$SERIES.tag f files=()
	"${G[@]}" rev-parse -q --verify "refs/tags/$tag" >/dev/null && return
	pt=$(state get "$1" patches)
	[ -n "$pt" ] && git -C "$PROJ" cat-file -e "$pt" 2>/dev/null ||
		{ say "v$1's patches are not in ${STATE#"$TOP"/}, or not in this clone's history"; return 1; }
	rm -rf "$tmp" && mkdir -p "$tmp"
	for f in $(git -C "$PROJ" ls-tree --name-only "$pt" | grep -E '^[0-9]{4}-.*\.patch$'); do
		git -C "$PROJ" cat-file blob "$pt:$f" >"$tmp/$f"
		[ "$f" = 0000-cover-letter.patch ] || files+=("$tmp/$f")
	done
	if ! COMMIT_MSG_FILTER=sign_off commit_series "$tmp/commits" base "${files[@]}" >&2; then
		say "v$1's patches do not apply to this base"
		rm -rf "$tmp"
		return 1
	fi
	{ cover_text "$tmp/0000-cover-letter.patch"; echo
	  printf -- '---\nbase-commit: %s\nchange-id: %s\n' "$("${G[@]}" rev-parse base)" "$cid"; } |
		"${G[@]}" tag -a -F - "$tag" "$(tail -n 1 "$tmp/commits" | cut -d' ' -f1)"
	rm -rf "$tmp"
}

# b4's state in the tree, from patches/ and b4.json (docs/posting.md).
prep() {
	local up v
	tree_base
	series_files
	[ -f "$STATE" ] || die "no ${STATE#"$TOP"/}; it holds the series' change-id (docs/posting.md)"
	cid=$(state cid)
	# what a send that was killed left
	[ "$("${G[@]}" symbolic-ref --short HEAD)" != "$SB" ] || "${G[@]}" symbolic-ref HEAD refs/heads/master
	"${G[@]}" branch -q -D "$SB" 2>/dev/null || :
	"${G[@]}" config --remove-section "branch.$SB" 2>/dev/null || :
	branch=$("${G[@]}" symbolic-ref --short HEAD)
	sed "s|@TOP@|$TOP|g" "$TOP/config/b4/$([ "$KERNEL_SERIES" = 1 ] && echo kernel || echo man-pages).b4-config" \
		>"$TREE/.b4-config"
	grep -qsx '/.b4-config' "$TREE/.git/info/exclude" || echo /.b4-config >>"$TREE/.git/info/exclude"
	REV=$(series_version "$cover")
	# base-commit: in the mails is the upstream commit
	# (config/upstream-bases); git resolves it to the base.
	up=$(upstream_base)
	[ -z "$up" ] || "${G[@]}" update-ref "refs/replace/$up" base
	# tags of versions that b4.json does not record (a bump undone)
	for v in $("${G[@]}" tag -l "sent/$cid-v*"); do
		[ -n "$(state get "${v##*-v}" patches)" ] || "${G[@]}" tag -d "$v" >/dev/null
	done
	# The cover letter's range-diff is against v(N-1).
	if [ "$REV" -gt 1 ] && ! version_tag $((REV - 1)); then
		say "so the cover letter has no range-diff against v$((REV - 1))"
		sed '/range_diff/d' "$TOP/config/b4/cover.tpl" >"$TREE/.git/b4-cover-plain.tpl"
		B4_OPTS+=(-c b4.prep-cover-template="$TREE/.git/b4-cover-plain.tpl")
	fi
	"${G[@]}" config "branch.$branch.b4-prep-cover-strategy" branch-description
	"${G[@]}" config "branch.$branch.b4-tracking" "$(printf '{"series": {"revision": %s, "change-id": "%s", "prefixes": [], "presubject": "", "base-branch": "base", "prerequisites": [%s], "history": {%s}}}' \
		"$REV" "$cid" "${up:+\"base-commit: $up\"}" "$(state msgids)")"
}

# The tree must be patches/ as committed: b4 sends the tree.
committed() {
	tree_is_series ||
		die "${TREE#"$TOP"/} is not ${PATCHES#"$TOP"/}/ as exported; make export$SERIES_ARG (or make tree$SERIES_ARG)"
	# (b4.json aside: what this script itself records)
	git -C "$PROJ" diff --quiet HEAD -- "$PATCHES" ":!$PATCHES/b4.json" &&
		[ -z "$(git -C "$PROJ" ls-files --others --exclude-standard -- "$PATCHES")" ] ||
		die "commit ${PATCHES#"$TOP"/}/ first: $1"
}

# A real send only of a series that passed the whole make check: its
# records (build/check.ok; build/check-matrix.ok for a kernel series),
# else make check runs first and must write them.
checked() {
	local series
	series=$(series_hash)
	passed() {
		grep -qx "$series bisect=1" "$BUILD/check.ok" 2>/dev/null &&
			{ [ "$KERNEL_SERIES" = 0 ] || grep -qx "$series" "$BUILD/check-matrix.ok" 2>/dev/null; }
	}
	if passed; then
		say "make check$SERIES_ARG passed on this series"
		return
	fi
	say "make check$SERIES_ARG first: a real send needs it"
	if [ "$KERNEL_SERIES" = 0 ]; then
		"$TOP/scripts/check/man-pages.sh"
	else
		"$TOP/scripts/check/matrix.sh"
	fi || die "refusing to send: make check$SERIES_ARG failed (above); fix the series, then make send$SERIES_ARG SEND=yes"
	passed || die "refusing to send: make check$SERIES_ARG did not run in full (BISECT=, BOOT= or CELLS= given?)"
}

send() {
	local c parent id tag an ae ad
	if [ "${SEND:-no}" = yes ]; then
		[ -z "$(state get "$REV" msgid)" ] || die "v$REV was sent already (${STATE#"$TOP"/}); make bump$SERIES_ARG first"
		committed "b4.json records the committed series as sent"
		checked
	fi
	# The series as sent: the commits signed off by the sender, on a
	# branch of its own (commit-tree: the work tree is not touched).
	parent=$("${G[@]}" rev-parse 'base^{commit}')
	for c in $("${G[@]}" rev-list --reverse "base..$branch"); do
		IFS=$'\t' read -r an ae ad < <("${G[@]}" log -1 --format=$'%an\t%ae\t%ad' "$c")
		parent=$("${G[@]}" log -1 --format=%B "$c" | sign_off | GIT_AUTHOR_NAME=$an \
			GIT_AUTHOR_EMAIL=$ae GIT_AUTHOR_DATE=$ad "${G[@]}" commit-tree "$c^{tree}" -p "$parent")
	done
	"${G[@]}" update-ref "refs/heads/$SB" "$parent"
	for c in description b4-tracking b4-prep-cover-strategy; do
		"${G[@]}" config "branch.$SB.$c" "$("${G[@]}" config "branch.$branch.$c")"
	done
	trap '"${G[@]}" symbolic-ref HEAD "refs/heads/$branch"; "${G[@]}" branch -q -D "$SB" || :
	      "${G[@]}" config --remove-section "branch.$SB" 2>/dev/null || :' EXIT
	"${G[@]}" symbolic-ref HEAD "refs/heads/$SB"
	# get_maintainer.pl's recipients, into the copy of the cover letter
	[ "$KERNEL_SERIES" = 0 ] || quiet_b4 prep --auto-to-cc
	if [ "${SEND:-no}" = reflect ]; then
		b4 send --reflect || die "b4 send --reflect failed (above)"
		say "v$REV went to you alone (b4 send --reflect): nothing recorded"
		return
	elif [ "${SEND:-no}" != yes ]; then
		rm -rf "$OUT"
		# an SMTP server named, or b4 picks its web endpoint even for -o
		quiet_b4 -c sendemail.smtpserver=localhost send -o "$OUT"
		say "dry run ($(ls "$OUT" | wc -l) mails, in ${OUT#"$TOP"/}/); SEND=yes sends them"
		return
	fi
	# b4's pre-flight asks for its check: checkpatch, with make check's options
	[ "$KERNEL_SERIES" = 0 ] || b4 prep --check
	b4 send || die "b4 send failed (above)"
	id=$("${G[@]}" config "branch.$SB.b4-tracking" | python3 -c \
		"import json,sys; print(json.load(sys.stdin)['series']['history'].get('v$REV', ['unknown'])[-1])")
	# b4's re-roll of the sent branch links vN (its b4.linkmask)
	state record "$REV" "$(git -C "$PROJ" rev-parse "HEAD:$REL")" "$id" \
		"$("${G[@]}" config "branch.$SB.description" | sed -n "s/^- Link to v$REV: //p" | head -n 1)"
	say "sent v$REV ($id); commit ${STATE#"$TOP"/}, then make bump$SERIES_ARG after review"
	# b4's tag names the upstream base-commit; the local one, which git
	# range-diff resolves, takes its place.
	tag=sent/$cid-v$REV
	{ "${G[@]}" cat-file tag "$tag" | sed '1,/^$/d' |
		sed "s/^base-commit: .*/base-commit: $("${G[@]}" rev-parse base)/" |
		"${G[@]}" tag -f -a -F - "$tag" "$tag^{commit}"; } >/dev/null 2>&1 ||
		say "warning: b4 made no tag $tag; make bump$SERIES_ARG makes one"
}

bump() {
	local new=$((REV + 1)) pt link changes key
	committed "v$REV is recorded as the committed patches"
	pt=$(git -C "$PROJ" rev-parse "HEAD:$REL")
	[ -n "$(state get "$REV" patches)" ] || state record "$REV" "$pt"
	version_tag "$REV" || die "no tag of v$REV to compare v$new with (above)"
	quiet_b4 prep --force-revision "$new"
	link=${LINK:-$(state get "$REV" link)}
	changes=$(printf '%b' "${CHANGES:-- EDITME: what changed since v$REV}")
	[ -z "$link" ] || changes+=$'\n'"- Link to v$REV: $link"
	key=branch.$branch.description
	"${G[@]}" config "$key" "$("${G[@]}" config "$key" | awk -v s="Changes in v$new:"$'\n'"$changes" '
		!done && /^Changes in v[0-9]+:$/ { print s; print ""; done = 1 } { print }
		END { if (!done) { print ""; print s } }')"
	VERSION=$new "$TOP/scripts/series/export.sh"
	REV=$new
	send
	[ -n "$link" ] || say "v$((new - 1)) was not sent (${STATE#"$TOP"/}): no link to it; LINK= gives one"
	say "v$new: its draft, with the range-diff against v$((new - 1)), is in ${OUT#"$TOP"/}/; $(grep -q EDITME <<<"$changes" &&
		echo "write the changes (git -C ${TREE#"$TOP"/} branch --edit-description; make export$SERIES_ARG), ")commit ${PATCHES#"$TOP"/}/, make check$SERIES_ARG"
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
	quiet_b4 -n prep --claim
	b4 -n --offline-mode trailers -u -m "$(realpath "$2")"
	"$TOP/scripts/series/export.sh"
	say "commit ${PATCHES#"$TOP"/}/ with the trailers" ;;
*) die "usage: b4.sh send|bump|trailers MBOX" ;;
esac
