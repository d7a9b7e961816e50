#!/bin/bash
# make send, bump and trailers (scripts/post/b4.sh, over b4).  The three
# series' mails as b4 send -o writes them, checked by
# tests/check-outgoing.py (threading, recipients, linux-api, stable on the
# fix, the sender's Signed-off-by, git am on the base).  On a toy series:
# the refusals, a real send into an SMTP server on 127.0.0.1
# (tests/smtp-capture.py), trailers from a local mbox of replies
# (tests/reply-mbox.py), make bump's draft with its changelog and
# range-diff, and the same draft after make clean.  Needs the
# materialised trees (make tree), no booted kernel.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/lib.sh"
. "$TOP/tests/toy-series.sh"
tmp=$(mktemp -d)
srv=
trap '[ -z "$srv" ] || kill "$srv" 2>/dev/null; rm -rf "$tmp"' EXIT

# No personal git configuration (sendemail.*, b4.*) in the test.
: >"$tmp/gitconfig"
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=$tmp/gitconfig
SENDER='Test Sender <sender@example.org>'
API=linux-api@vger.kernel.org
PLACEHOLDERS=$(bash -c '. "$0/scripts/lib.sh"; echo "$PLACEHOLDERS"' "$TOP")

# outgoing NAME SERIES [CHECKER OPTIONS]: make send's dry run of SERIES,
# and the checker's verdicts.
outgoing() {
	local name=$1 series=$2 out line mails patches tree rc
	shift 2
	check "$name: make send writes the mails with b4 send -o" 0 'dry run \([0-9]+ mails' \
		env SERIES="$series" FROM="$SENDER" "$TOP/scripts/post/b4.sh" send
	read -r mails patches tree < <(SERIES=$series bash -c \
		'. "$0/scripts/lib.sh"; echo "$BUILD/outgoing/$SERIES $PATCHES $TREE"' "$TOP")
	out=$(python3 "$TOP/tests/check-outgoing.py" --mails "$mails" --patches "$patches" \
		--tree "$tree" --sender "$SENDER" --always-cc "$API" --placeholders "$PLACEHOLDERS" "$@" 2>&1)
	rc=$?
	grep -q '^not ok' <<<"$out" || [ "$rc" = 0 ] || not_ok "$name: check-outgoing.py ran to the end" "$out"
	while IFS= read -r line; do
		case $line in
		"ok - "*) ok "$name: ${line#ok - }" ;;
		"not ok - "*) not_ok "$name: ${line#not ok - }" ;;
		*) echo "$line" ;;
		esac
	done <<<"$out"
}
outgoing kernel kernel
outgoing mainline mainline
# in the headers (folded), not the patch's own trailer
stable() {
	local f
	for f in "$TOP"/build/mainline/outgoing/mainline/*.eml; do
		! sed '/^$/q' "$f" | grep -q 'stable@vger\.kernel\.org' || printf '%s ' "$(basename "$f" | cut -c1-4)"
	done
}
check "mainline: stable on Cc of the fix (2/5) and the cover letter only" 0 '^0000 0002 $' stable
outgoing man-pages man-pages --expect-to alx@kernel.org --expect-cc linux-man@vger.kernel.org

# The toy series, in a git repository of its own (b4.json records
# versions as trees of it).
if ! toy_series "$tmp"; then
	not_ok "toy series: make the toy kernel and series (make tree first)"
	summary
	exit
fi
commit() { git -C "$tmp" add patches && git -C "$tmp" -c user.name=P -c user.email=p@localhost commit -q -m "$1"; }
echo '{"change-id": "20261205-toy-0123456789ab"}' >"$tmp/patches/b4.json"
git -C "$tmp" init -q && commit v1
POST=("${TOY_ENV[@]}" FROM="$SENDER" "$TOP/scripts/post/b4.sh")
OUT=$tmp/b/outgoing/kernel
export GIT_COMMITTER_NAME="Toy Dev" GIT_COMMITTER_EMAIL=dev@example.org

placeholder=$(awk '/^From: / { v = substr($0, 7); on = 1; next }
	on && /^[ \t]/ { v = v $0; next } on { print v; exit }' "$TOP"/patches/0001-*.patch | tr -s ' \t' ' ')
check "toy: sending as the placeholder identity is refused, saying what to set" 1 \
	"refusing to send as '.*noreply.*': that is a placeholder identity.*set FROM=" \
	env SEND=yes "${POST[@]/#FROM=*/FROM=$placeholder}" send
check "toy: sending as nobody (no FROM, no git identity) is refused" 1 \
	'refusing to send: nobody to send as; set FROM=' \
	env -u GIT_COMMITTER_NAME -u GIT_COMMITTER_EMAIL -u EMAIL SEND=yes "${POST[@]/#FROM=*/FROM=}" send

# A real send, of a series that make check passed (its records).
"${TOY_ENV[@]}" bash -c '. "$0/scripts/lib.sh"; echo "$(series_hash) bisect=1" >"$BUILD/check.ok"
	series_hash >"$BUILD/check-matrix.ok"' "$TOP"
mkdir -p "$tmp/sent"
python3 "$TOP/tests/smtp-capture.py" "$tmp/sent" --idle 120 &
srv=$!
for _ in $(seq 100); do [ -f "$tmp/sent/port" ] && break; sleep 0.1; done
git config --global sendemail.smtpserver 127.0.0.1
git config --global sendemail.smtpserverport "$(cat "$tmp/sent/port")"
# the link to a sent version is b4's, from its linkmask
git config --global b4.linkmask 'https://archive.invalid/r/%s'
check "toy: SEND=reflect sends v1 with b4 send --reflect" 0 'went to you alone' \
	bash -c 'yes "" | env SEND=reflect "$@" send' - "${POST[@]}"
check "toy: ... 3 mails, to the sender alone" 0 '^3 to: sender@example.org$' \
	bash -c "cat '$tmp'/sent/*.env | grep '^to: ' | sort | uniq -c | sed 's/^ *//'"
mkdir -p "$tmp/reflected" && mv "$tmp"/sent/*.e* "$tmp/reflected/"
check "toy: SEND=yes sends v1 with b4 send, and records it in b4.json" 0 'sent v1 \(.*@example.org\); commit' \
	bash -c 'yes "" | env SEND=yes "$@" send' - "${POST[@]}"
kill "$srv"
srv=
git config --global --remove-section sendemail
check "toy: 3 mails went out" 0 '^3$' bash -c "ls '$tmp'/sent/*.eml | wc -l"
check "toy: b4.json has v1's Message-ID" 0 '"msgid": ".*@example.org"' cat "$tmp/patches/b4.json"
check "toy: ... the link b4 made to it" 0 '"link": "https://archive.invalid/r/.*@example.org"' cat "$tmp/patches/b4.json"
check "toy: ... and its patches, as committed" 0 "\"patches\": \"$(git -C "$tmp" rev-parse HEAD:patches)\"" cat "$tmp/patches/b4.json"
commit "sent v1"
check "toy: v1 is not sent twice" 1 'v1 was sent already .*make bump first' env SEND=yes "${POST[@]}" send

python3 "$TOP/tests/reply-mbox.py" "$tmp/sent" "$tmp/replies.mbox"
"${POST[@]}" trailers "$tmp/replies.mbox" >"$tmp/trailers.log" 2>&1
check "toy: make trailers applies a Reviewed-by and a Tested-by from a reply mbox to patch 2" 0 \
	'^Tested-by: Tess Tester <tess@example.org>$' grep -A1 '^Reviewed-by: Rae Reviewer' "$tmp"/patches/0002-*.patch
check "toy: ... and to no other patch" 1 '^$' grep -l 'Reviewed-by\|Tested-by' "$tmp"/patches/0000-* "$tmp"/patches/0001-*
commit trailers

"${TOY_GIT[@]}" rebase -q base -x 'if git log -1 --format=%s | grep -q "^kernel:"; then echo "int answer = 42; /* the answer */" >>kernel/answer.c; git commit -q -a --amend --no-edit; fi' 2>/dev/null
"${TOY_ENV[@]}" "$TOP/scripts/series/export.sh" >/dev/null
check "toy: make bump refuses patches/ that are not committed" 1 'commit .*patches/ first' "${POST[@]}" bump
commit "patch 1 reworked"
check "toy: make bump writes the v2 draft" 0 'v2: its draft, with the range-diff against v1' \
	env CHANGES='- kernel: say what the answer is (Rae)' "${POST[@]}" bump
# the cover letter's text, without the commit ids of the range-diff
draft() { sed '1,/^$/d' "$OUT"/0000-*.eml | sed -E 's/^([0-9]+: +)[0-9a-f]{7,} (.) ([0-9]+: +)[0-9a-f]{7,}/\1 \2 \3/'; }
changelog() { grep -A2 '^Changes in v2:$' "$tmp/v2-draft" | paste -sd'|'; }
draft >"$tmp/v2-draft"
check "toy: the draft's cover letter has the changelog, the link to v1 last" 0 \
	'^Changes in v2:\|- kernel: say what the answer is \(Rae\)\|- Link to v1: https://archive.invalid/r/.*@example.org$' changelog
check "toy: ... and the range-diff against v1: patch 1's reworked line" 0 \
	'^ +\+\+int answer = 42; /\* the answer \*/$' cat "$tmp/v2-draft"
check "toy: ... patch 2's new trailers" 0 '^ +\+ +Reviewed-by: Rae Reviewer <rae@example.org>$' cat "$tmp/v2-draft"
commit v2
rm -rf "$tmp/b" "$OUT"
"${TOY_ENV[@]}" "$TOP/scripts/series/tree.sh" >/dev/null
"${POST[@]}" send >/dev/null 2>&1
check "toy: after make clean and make tree, make send writes the same v2 draft" 0 '^$' \
	diff "$tmp/v2-draft" <(draft)
summary
