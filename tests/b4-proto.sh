#!/bin/bash
# tests/b4-proto.sh: drive scripts/post.sh on the toy series: v1 dry run, v1 "sent" into a
# local SMTP capture, trailers from a reply mbox, bump to v2, v2 draft,
# then make clean + make tree and the v2 draft again.
set -euo pipefail
# PROTOTYPE (docs/b4-plan.md), not in make test.  REAL_TREE= a tree with
# checkpatch.pl and get_maintainer.pl (default build/linux); W= a scratch
# directory; UPSTREAM_BASES= a list naming "Linux 0.0.1" tests base-commit.
TOP=$(cd "$(dirname "$0")/.." && pwd)
export UPSTREAM_BASES=${UPSTREAM_BASES:-}
W=${W:-$(mktemp -d)}; rm -rf "$W"; mkdir -p "$W"
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=$W/gitconfig
: >"$GIT_CONFIG_GLOBAL"
export GIT_COMMITTER_NAME="Toy Dev" GIT_COMMITTER_EMAIL=dev@example.org
. "$TOP/tests/toy-series.sh"
toy_series "$W"
export B4_STATE=$W/patches/b4.json
P=("${TOY_ENV[@]}" FROM='Test Sender <sender@example.org>' "$TOP/scripts/post.sh")
# Cc: stable on patch 1, as the mainline fix has it
"${TOY_GIT[@]}" rebase -q base -x 'if git log -1 --format=%s | grep -q "^kernel:"; then git log -1 --format=%B | sed "/^Signed-off-by/i Cc: stable@vger.kernel.org # 7.1+" | git commit -q --amend -F -; fi'
"${TOY_ENV[@]}" "$TOP/scripts/export-series.sh" >/dev/null
git -C "$W" init -q && git -C "$W" add patches && git -C "$W" -c user.name=P -c user.email=p@localhost commit -q -m v1
echo "=== 1. dry run v1"; "${P[@]}" send 2>&1 | tail -4
ls "$W/b/outgoing/kernel"
git -C "$W" add patches && git -C "$W" -c user.name=P -c user.email=p@localhost commit -q -m "b4.json"
echo "=== 2. v1 sent into 127.0.0.1"
mkdir -p "$W/cap"; python3 "$TOP/tests/smtp-capture.py" "$W/cap" --idle 60 & srv=$!
sleep 1; git config --global sendemail.smtpserver 127.0.0.1; git config --global sendemail.smtpserverport "$(cat "$W/cap/port")"
yes '' | env SEND=yes "${P[@]}" send 2>&1 | grep -v '^Press\|^  \[' | tail -8 || true
kill $srv; git config --global --unset sendemail.smtpserver
cat "$B4_STATE"; git -C "$W/b/linux" tag
git -C "$W" add patches && git -C "$W" -c user.name=P -c user.email=p@localhost commit -q -m 'sent v1'
echo "=== 3. trailers from a reply mbox"
python3 "$TOP/tests/b4-replies.py" "$W/cap" "$W/replies.mbox"
"${P[@]}" trailers "$W/replies.mbox" 2>&1 | tail -5
grep -n 'Reviewed-by\|Tested-by' "$W"/patches/*.patch
echo "=== 4. rework patch 1, bump to v2"
"${TOY_GIT[@]}" rebase -q base -x 'if git log -1 --format=%s | grep -q "^kernel:"; then printf "%s\n" "// SPDX-License-Identifier: GPL-2.0" "" "int answer = 42; /* the answer */" > kernel/answer.c; git commit -q -a --amend --no-edit; fi'
"${TOY_ENV[@]}" "$TOP/scripts/export-series.sh" >/dev/null
env CHANGES='- kernel: say what the answer is (Rae)' "${P[@]}" bump 2>&1 | tail -12
grep -n '^Subject\|^Changes\|^- \|^---$' "$W/patches/0000-cover-letter.patch"
git -C "$W" add patches && git -C "$W" -c user.name=P -c user.email=p@localhost commit -q -m v2
echo "=== 5. v2 draft"; "${P[@]}" send 2>&1 | tail -2
cp -r "$W/b/outgoing/kernel" "$W/v2-draft"
echo "=== 6. make clean, make tree, v2 draft again"
rm -rf "$W/b"; "${TOY_ENV[@]}" "$TOP/scripts/tree.sh"
"${P[@]}" send 2>&1 | tail -3
norm() { sed -e '/^Date:\|^Message-Id\|^X-B4-Tracking\|^ [A-Za-z0-9+/=]*$\|^References\|^In-Reply-To/d' \
	-e 's/\b[0-9a-f]\{7\}\b/ID/g' "$1"; }
grep -q '^Range-diff versus v1:' "$W"/b/outgoing/kernel/0000*
diff <(norm "$W"/v2-draft/0000*) <(norm "$W"/b/outgoing/kernel/0000*) &&
	echo "the same v2 cover letter (changelog, range-diff) after make clean"
