#!/bin/bash
# make send end to end: the series goes through git send-email into an
# SMTP server on 127.0.0.1 that keeps what it is sent
# (tests/smtp-capture.py), and tests/verify-sent.py checks the mails:
# count, subjects and numbering, threading, recipients, git am on the base
# giving the materialised tree, linux-api on Cc of every mail, the
# sender's Signed-off-by added where it was missing and the authorship
# kept.  Always on a toy series (plus the refusals: a failed make check,
# the placeholder identity, no identity; and a v2); also on the real
# kernel series when patches/ has one, on the mainline series
# (mainline/) when it has one, and on the man page series
# (man-pages/, its own thread to the man-pages maintainer and linux-man).
# Needs the materialised trees (make tree), no booted kernel.  Nothing is
# sent anywhere but 127.0.0.1.  Prints "N passed, N failed".
set -uo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/lib.sh"
. "$TOP/tests/toy-series.sh"
tmp=$(mktemp -d)
srv=
trap '[ -z "$srv" ] || kill "$srv" 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT

# No personal git configuration (sendemail.*, aliases) in the test.
: >"$tmp/gitconfig"
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=$tmp/gitconfig
# The toy developer, who exports (the cover letter's From:) and sends.
export GIT_COMMITTER_NAME="Toy Dev" GIT_COMMITTER_EMAIL=dev@example.org
SENDER='Toy Dev <dev@example.org>'

# capture DIR: start the SMTP server keeping mails in DIR; sets $srv, $port.
capture() {
	rm -rf "$1"
	mkdir -p "$1"
	python3 "$TOP/tests/smtp-capture.py" "$1" --idle 300 &
	srv=$!
	for _ in $(seq 100); do [ -f "$1/port" ] && break; sleep 0.1; done
	port=$(cat "$1/port" 2>/dev/null) || { not_ok "the SMTP capture server starts"; return 1; }
}
stop() { kill "$srv" 2>/dev/null; wait "$srv" 2>/dev/null; srv=; }
mails() { find "$1" -name '*.eml' | wc -l; }

API=linux-api@vger.kernel.org

# verify NAME DIR PATCHES TREE SENDER [VERIFIER OPTIONS...]: the
# verifier's checks, each counted.
verify() {
	local out line name=$1 dir=$2 patches=$3 tree=$4 sender=$5
	shift 5
	out=$(python3 "$TOP/tests/verify-sent.py" --captured "$dir" --patches "$patches" \
		--tree "$tree" --sender "$sender" --always-cc "$API" "$@" 2>&1)
	set -- "$name"
	while IFS= read -r line; do
		case $line in
		"ok - "*) ok "$1: ${line#ok - }" ;;
		"not ok - "*) not_ok "$1: ${line#not ok - }" ;;
		*) echo "$line" ;;
		esac
	done <<<"$out"
	grep -q '^ok - ' <<<"$out" || not_ok "$1: the verifier ran" "$out"
}

# The toy series: its own base, tree and patches, all under $tmp.
if ! toy_series "$tmp"; then
	not_ok "toy series: make the toy kernel and series (make tree first)"
else
	SEND=("${TOY_ENV[@]}" BISECT_BUILD="$TOY_BUILD" FROM="$SENDER" "$TOP/scripts/send-series.sh")

	capture "$tmp/dry"
	check "toy: a dry run by default" 0 'DRY RUN of git send-email' \
		env SMTP_SERVER=127.0.0.1 SMTP_PORT="$port" "${SEND[@]}"
	stop
	check "toy: the dry run sent nothing" 0 '^0$' mails "$tmp/dry"
	check "toy: the dry run keeps the mails with their headers" 0 '^To: Kay Maintainer <kay@example.org>$' \
		cat "$tmp/b/outgoing/0001-kernel-give-the-answer-a-value.patch"

	check "toy: a bad address stops it with an error (git send-email says 0)" 1 \
		'git send-email stopped after 0 of 3 mails: error: unable to extract a valid address' \
		env TO='root <root@vm.>' "${SEND[@]}"
	check "toy: no real send without the bisect build" 1 'refusing to send: a real send needs the full make check' \
		env SEND=yes BISECT=0 SMTP_SERVER=mail.example.org "${SEND[@]}"
	check "toy: no real send with NOCHECK" 1 'refusing to send' \
		env SEND=yes NOCHECK=1 "${SEND[@]}"

	capture "$tmp/v1"
	check "toy: SEND=yes sends v1 through 127.0.0.1 after make check" 0 'sent v1' \
		env SEND=yes SMTP_SERVER=127.0.0.1 SMTP_PORT="$port" "${SEND[@]}"
	stop
	verify "toy v1" "$tmp/v1" "$tmp/patches" "$tmp/b/linux" dev@example.org \
		--signoff 'Toy Dev <dev@example.org>'

	# The sender signs off: someone else than the author sends v1.
	sum=$(cat "$tmp"/patches/*.patch | sha256sum)
	capture "$tmp/other"
	check "toy: sent by someone else than its author" 0 'sent v1' \
		env SEND=yes SMTP_SERVER=127.0.0.1 SMTP_PORT="$port" "${SEND[@]/#FROM=*/FROM=Ann Other <ann@example.org>}"
	stop
	verify "toy, another sender" "$tmp/other" "$tmp/patches" "$tmp/b/linux" ann@example.org \
		--signoff 'Ann Other <ann@example.org>'
	check "toy: the committed series is left as it was (authorship, trailers)" 0 '^$' \
		bash -c "[ \"\$(cat '$tmp'/patches/*.patch | sha256sum)\" = '$sum' ] || echo changed"

	# Refused: the placeholder identity (the real series' author) and none.
	placeholder=$(awk '/^From: / { v = substr($0, 7); on = 1; next }
		on && /^[ \t]/ { v = v $0; next } on { print v; exit }' \
		"$(ls "$TOP"/patches/0001-*.patch 2>/dev/null | head -n 1)" 2>/dev/null | tr -s ' \t' ' ')
	[ -n "$placeholder" ] || placeholder='Seed 0 maintainers <maintainers@users.noreply.b-seed-0.example>'
	echo "# the placeholder identity: $placeholder"
	capture "$tmp/placeholder"
	check "toy: sending as the placeholder identity is refused, saying what to set" 1 \
		"refusing to send as '.*noreply.*': that is a placeholder identity.*set FROM='Your Name <you@example.org>', or git config --global user.name" \
		env SEND=yes SMTP_SERVER=127.0.0.1 SMTP_PORT="$port" "${SEND[@]/#FROM=*/FROM=$placeholder}"
	check "toy: ... also as the placeholder from git's user.email (no FROM)" 1 \
		"refusing to send as .*placeholder identity" \
		env SEND=yes SMTP_SERVER=127.0.0.1 SMTP_PORT="$port" \
		GIT_COMMITTER_NAME="${placeholder%% <*}" \
		GIT_COMMITTER_EMAIL="$(sed 's/.*<\(.*\)>/\1/' <<<"$placeholder")" \
		"${SEND[@]/#FROM=*/FROM=}"
	check "toy: sending as nobody (no FROM, no git identity) is refused, saying what to set" 1 \
		'refusing to send: nobody to send as .*set FROM=.*git config --global user.email' \
		env -u GIT_COMMITTER_NAME -u GIT_COMMITTER_EMAIL -u EMAIL SEND=yes \
		SMTP_SERVER=127.0.0.1 SMTP_PORT="$port" "${SEND[@]/#FROM=*/FROM=}"
	stop
	check "toy: ... and nothing was sent" 0 '^0$' mails "$tmp/placeholder"

	"${TOY_ENV[@]}" CHANGES='- rust: say what the answer is' "$TOP/scripts/bump-version.sh" >/dev/null
	capture "$tmp/v2"
	check "toy: v2 after make bump is sent" 0 'sent v2' \
		env SEND=yes SMTP_SERVER=127.0.0.1 SMTP_PORT="$port" "${SEND[@]}"
	stop
	verify "toy v2" "$tmp/v2" "$tmp/patches" "$tmp/b/linux" dev@example.org \
		--signoff 'Toy Dev <dev@example.org>'
	check "toy v2: the cover letter has its changelog" 0 '^Changes in v2:' cat "$tmp/v2/0001.eml"

	# A series that fails make check is not sent.
	bad=$tmp/bad
	mkdir -p "$bad"
	if toy_series "$bad"; then
		printf 'int more; \n' >>"$bad/b/linux/kernel/answer.c"
		"${TOY_GIT[@]}" commit -q -a --amend --no-edit
		"${TOY_ENV[@]}" "$TOP/scripts/export-series.sh" >/dev/null
		capture "$tmp/refused"
		check "toy: a series that fails make check is refused" 1 \
			'refusing to send: make check failed' \
			env SEND=yes SMTP_SERVER=127.0.0.1 SMTP_PORT="$port" "${TOY_ENV[@]}" \
			BISECT_BUILD="$TOY_BUILD" FROM="$SENDER" "$TOP/scripts/send-series.sh"
		stop
		check "toy: ... and nothing was sent" 0 '^0$' mails "$tmp/refused"
	else
		not_ok "toy: make the broken toy series"
	fi
fi

# real NAME PATCHES TREE [ENV...]: a real kernel series, on its
# materialised tree, sent with ENV (SERIES=, PATCHES=, BUILD= as for the
# scripts) through 127.0.0.1 and verified.
real() {
	local name=$1 patches=$2 tree=$3 dir=$tmp/$1
	shift 3
	capture "$dir"
	env "$@" SEND=yes NOCHECK=1 SMTP_SERVER=127.0.0.1 SMTP_PORT="$port" \
		FROM='Test Sender <sender@example.org>' "$TOP/scripts/send-series.sh" \
		>"$dir.out" 2>&1
	echo $? >"$dir.rc"
	check "$name: SEND=yes NOCHECK=1 sends the series through 127.0.0.1" 0 'sent v[0-9]+' \
		bash -c "cat '$dir.out'; exit \$(cat '$dir.rc')"
	stop
	verify "$name" "$dir" "$patches" "$tree" sender@example.org \
		--signoff 'Test Sender <sender@example.org>'
	check "$name: make send lists each mail's recipients before sending, linux-api too" 0 \
		"^      Cc: $API\$" sed '/^==> sending /q' "$dir.out"
}

real_patches=${PATCHES:-$TOP/patches}
if [ -n "$(find "$real_patches" -name '0001-*.patch' 2>/dev/null)" ]; then
	real real "$real_patches" "${BUILD:-$TOP/build}/linux"
else
	echo "# no series in ${real_patches#"$TOP"/}: the real series was not sent"
fi

# The series for today's mainline (mainline/, tree build/mainline/linux:
# make test-send makes it): as the real one; its selftest patches also go
# to the kselftest list, which get_maintainer.pl names for them.
ml_patches=$TOP/mainline
ml_tree=$TOP/build/mainline/linux
if [ -n "$(find "$ml_patches" -name '0001-*.patch' 2>/dev/null)" ]; then
	if [ -d "$ml_tree/.git" ]; then
		real mainline "$ml_patches" "$ml_tree" SERIES=mainline
		for m in "$tmp"/mainline/*.eml; do
			[ -e "$m" ] || continue
			grep -q '^+++ b/tools/testing/selftests/' "$m" || continue
			subj=$(sed -n 's/^Subject: //p' "$m" | head -n 1)
			check "mainline: \"$subj\" goes to linux-kselftest" 0 'linux-kselftest@vger\.kernel\.org' \
				sed '/^$/q' "$m"
		done
	else
		not_ok "mainline: no tree ${ml_tree#"$TOP"/} to send mainline/ from (SERIES=mainline make tree)"
	fi
else
	echo "# no series in mainline/: the mainline series was not sent"
fi

# The man page series: its own thread, to the contacts of the man-pages
# CONTRIBUTING (the maintainer, linux-man) and linux-api.
man_patches=${MAN_PATCHES:-$TOP/man-pages}
man_tree=${BUILD:-$TOP/build}/man-pages
if [ -n "$(find "$man_patches" -name '0001-*.patch' 2>/dev/null)" ]; then
	contrib=$(git -C "$man_tree" show base:CONTRIBUTING 2>/dev/null)
	maint=$(sed -n 's/^ *To: .*<\(.*\)>$/\1/p' <<<"$contrib" | head -n 1)
	check "man pages: the man-pages CONTRIBUTING names the maintainer and linux-man" 0 \
		'^.+@.+ linux-man@vger.kernel.org$' \
		echo "$maint $(grep -o 'linux-man@vger.kernel.org' <<<"$contrib" | head -n 1)"
	capture "$tmp/man"
	check "man pages: SEND=yes NOCHECK=1 sends the man page series through 127.0.0.1" 0 \
		'sent v[0-9]+ of the man-pages series' \
		env SERIES=man-pages PATCHES="$man_patches" SEND=yes NOCHECK=1 SMTP_SERVER=127.0.0.1 \
		SMTP_PORT="$port" FROM='Test Sender <sender@example.org>' "$TOP/scripts/send-series.sh"
	stop
	verify "man pages" "$tmp/man" "$man_patches" "$man_tree" sender@example.org \
		--expect-to "$maint" --expect-cc linux-man@vger.kernel.org \
		--signoff 'Test Sender <sender@example.org>'
else
	echo "# no series in ${man_patches#"$TOP"/}: the man page series was not sent"
fi

summary
