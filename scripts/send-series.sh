#!/bin/bash
# Post the series in patches/ with git send-email, the way kernel
# maintainers expect it:
#   - only a series that passed make check (build/check.ok; else make
#     check is run first, and a failure stops here); a real send also
#     needs its build matrix (build/check-matrix.ok)
#   - recipients from get_maintainer.pl on the applied tree, patch by patch
#     (To: maintainers; Cc: reviewers and lists); the cover letter goes to
#     all of them (scripts/recipients.sh)
#   - one thread: every patch In-Reply-To the cover letter
#     (--thread --no-chain-reply-to)
# A DRY RUN unless SEND=yes: git send-email --dry-run prints each mail's
# headers.  The mails as sent, headers included, are in build/outgoing/.
#
#   SEND=yes          really send, with your git send-email configuration
#                     (sendemail.smtpServer ...) or SMTP_SERVER/SENDMAIL_CMD
#   FROM='Name <a@b>' the sender (default: git's user.name/user.email)
#   TO=, CC=          more recipients for every mail (comma separated)
#   SMTP_SERVER=, SMTP_PORT=  the SMTP server (git send-email --smtp-server)
#   SENDMAIL_CMD=     deliver through this command (--sendmail-cmd)
#   BISECT=0          check without the bisect build: dry runs and
#                     SMTP_SERVER=127.0.0.1 only
#   NOCHECK=1         skip make check: dry runs and SMTP_SERVER=127.0.0.1 only
set -euo pipefail
. "$(dirname "$0")/lib.sh"

SEND=${SEND:-no}
BISECT=${BISECT:-1}
NOCHECK=${NOCHECK:-0}
OUT=$BUILD/outgoing

usage=$(git send-email -h 2>&1 || true) # exits 129 after the usage
grep -q 'git send-email \[<options>\]' <<<"$usage" ||
	die "git send-email does not work here; install git-email (scripts/deps.sh does)"
[ -d "$TREE/.git" ] || die "no tree at $TREE; run make tree first"
cover=$PATCHES/0000-cover-letter.patch
[ -f "$cover" ] || die "no cover letter in ${PATCHES#"$TOP"/}/; export the series first (make export)"
mapfile -t patches < <(find "$PATCHES" -maxdepth 1 -name '[0-9][0-9][0-9][0-9]-*.patch' \
	! -name 0000-cover-letter.patch | sort)
[ ${#patches[@]} -gt 0 ] || die "no patches in ${PATCHES#"$TOP"/}/"

local_smtp=0
case ${SMTP_SERVER:-} in 127.0.0.1 | localhost | ::1) local_smtp=1 ;; esac
if [ "$SEND" = yes ] && [ "$local_smtp" = 0 ] && { [ "$BISECT" != 1 ] || [ "$NOCHECK" = 1 ]; }; then
	die "refusing to send: a real send needs the full make check (BISECT=1, no NOCHECK); BISECT=0 and NOCHECK=1 are for dry runs and SMTP_SERVER=127.0.0.1"
fi

# The recipients come from the tree: it must be patches/ as applied.
if [ "$TREE" = "$BUILD/linux" ]; then
	read -r have head 2>/dev/null <"$TREE/.git/series-stamp" || have=
	# shellcheck disable=SC2046 # one path per word, as in tree.sh
	want=$(cat /dev/null $(find "$PATCHES" -name '*.patch' | sort) | sha256sum | cut -d' ' -f1)
	if [ "$have" != "$want" ]; then
		die "${TREE#"$TOP"/} is not patches/ applied; run make tree (or make export if the tree is newer)"
	elif [ "$(git -C "$TREE" rev-parse HEAD)" != "$head" ] || ! git -C "$TREE" diff --quiet HEAD; then
		die "${TREE#"$TOP"/} has work that is not in patches/; make export (then make check) first"
	fi
fi

# make check, unless it already passed on exactly this series.
series=$(cat "${patches[@]}" "$cover" | sha256sum | cut -d' ' -f1)
if [ "$NOCHECK" = 1 ]; then
	say "NOCHECK=1: not checking the series"
elif grep -Eqx "$series bisect=(1|$BISECT)" "$BUILD/check.ok" 2>/dev/null; then
	say "make check passed on this series$(grep -qx "$series bisect=1" "$BUILD/check.ok" || echo ' (BISECT=0)')"
elif ! BISECT=$BISECT "$TOP/scripts/check-series.sh"; then
	die "refusing to send: make check failed (above); fix the series and run make send again"
fi
# A real send also needs the build matrix of make check (every cell).
if [ "$SEND" = yes ] && [ "$local_smtp" = 0 ]; then
	mseries=$(cat "${patches[@]}" | sha256sum | cut -d' ' -f1)
	if grep -qx "$mseries" "$BUILD/check-matrix.ok" 2>/dev/null; then
		say "the build matrix of make check passed on this series"
	elif ! CELLS="rustoff arm64 i386 static" "$TOP/scripts/check-matrix.sh" ||
		! grep -qx "$mseries" "$BUILD/check-matrix.ok" 2>/dev/null; then
		die "refusing to send: the build matrix of make check failed (above); fix the series and run make send again"
	fi
fi

# The mails: copies of the patches with their To: and Cc: headers.
subject=$(awk '/^Subject: / { s = substr($0, 10); on = 1; next }
	       on && /^[ \t]/ { sub(/^[ \t]+/, " "); s = s $0; next }
	       { on = 0 } /^$/ { exit } END { print s }' "$cover")
version=$(sed -n 's/^\[PATCH v\([0-9]*\) .*/\1/p' <<<"$subject")
version=${version:-1}
rm -rf "$OUT"
mkdir -p "$OUT"
# with_headers FILE RECIPIENTS: FILE with the recipients' headers added
# before its Subject:.
with_headers() {
	awk -v r="$2" '!done && /^Subject: / { if (r != "") print r; done = 1 } { print }' "$1" \
		>"$OUT/${1##*/}"
}
extra=
IFS=, read -ra tos <<<"${TO:-}"
IFS=, read -ra ccs <<<"${CC:-}"
for a in "${tos[@]}"; do [ -z "${a// /}" ] || extra+="To: ${a# }"$'\n'; done
for a in "${ccs[@]}"; do [ -z "${a// /}" ] || extra+="Cc: ${a# }"$'\n'; done
say "recipients (get_maintainer.pl on ${TREE#"$TOP"/})"
for p in "$cover" "${patches[@]}"; do
	if [ "$p" = "$cover" ]; then
		r=$("$TOP/scripts/recipients.sh" "${patches[@]}")
	else
		r=$("$TOP/scripts/recipients.sh" "$p")
	fi
	# each address once, To before Cc
	r=$(printf '%s\n%s\n' "$extra" "$r" | awk '
		/^To: / { line[++n] = $0 } /^Cc: / { cc[++m] = $0 }
		END {
			for (i = 1; i <= m; i++) line[++n] = cc[i]
			for (i = 1; i <= n; i++) {
				a = line[i]; sub(/^(To|Cc): /, "", a)
				if (match(a, /<[^>]*>/)) a = substr(a, RSTART + 1, RLENGTH - 2)
				if (!seen[tolower(a)]++) print line[i]
			}
		}')
	with_headers "$p" "$r"
	echo "  ${p##*/}: $(grep -c '^To: ' <<<"$r") To, $(grep -c '^Cc: ' <<<"$r") Cc"
done

from=${FROM:-}
if [ -z "$from" ]; then
	from=$(git -C "$TREE" var GIT_COMMITTER_IDENT 2>/dev/null | sed 's/>.*/>/') ||
		die "no sender: set FROM='Your Name <you@example.org>' or git config --global user.email"
elif ! { git -C "$TREE" var GIT_COMMITTER_IDENT && git -C "$TREE" var GIT_AUTHOR_IDENT; } >/dev/null 2>&1; then
	# git send-email wants an identity of its own: the sender's
	export GIT_COMMITTER_NAME=${from%% <*} GIT_COMMITTER_EMAIL GIT_AUTHOR_NAME=${from%% <*} GIT_AUTHOR_EMAIL
	GIT_COMMITTER_EMAIL=$(sed -n 's/.*<\(.*\)>.*/\1/p' <<<"$from")
	GIT_AUTHOR_EMAIL=$GIT_COMMITTER_EMAIL
fi
args=(--from="$from" --thread --no-chain-reply-to --confirm=never
      --suppress-cc=self --no-format-patch --no-annotate)
[ -z "${SMTP_SERVER:-}" ] || args+=(--smtp-server="$SMTP_SERVER")
[ -z "${SMTP_PORT:-}" ] || args+=(--smtp-server-port="$SMTP_PORT")
[ "$local_smtp" = 0 ] || args+=(--smtp-encryption=none)
[ -z "${SENDMAIL_CMD:-}" ] || args+=(--sendmail-cmd="$SENDMAIL_CMD")
log=$LOGS/send-v$version.log
if [ "$SEND" != yes ]; then
	args+=(--dry-run)
	say "DRY RUN of git send-email (nothing is sent; SEND=yes sends): $subject"
else
	say "sending $subject ($((${#patches[@]} + 1)) mails) from $from"
fi
if ! git -C "$TREE" send-email "${args[@]}" "$OUT"/*.patch 2>&1 | tee "$log"; then
	die "git send-email failed; its output: $log"
fi
# git send-email can stop early with status 0 (a bad address): count.
sent=$(grep -c '^\(Dry-\)\?OK\. Log says:$' "$log" || true)
if [ "$sent" != $((${#patches[@]} + 1)) ] || grep -q '^error: ' "$log"; then
	die "git send-email stopped after $sent of $((${#patches[@]} + 1)) mails: $(grep -m1 '^error: ' "$log" || echo "see $log")"
fi
if [ "$SEND" = yes ]; then
	id=$(sed -n 's/^Message-ID: //Ip' "$log" | head -n 1)
	say "sent v$version; the cover letter is $id: give its archive link to the next revision (make bump LINK=https://lore.kernel.org/r/${id//[<>]/})"
else
	say "dry run done: the mails are in ${OUT#"$TOP"/}/; SEND=yes sends them"
fi
