#!/bin/bash
# Post the series in patches/ with git send-email, the way kernel
# maintainers expect it:
#   - only a series that passed make check (build/check.ok; else make
#     check is run first, and a failure stops here); a real send also
#     needs its build matrix (build/check-matrix.ok)
#   - recipients from get_maintainer.pl on the applied tree, patch by patch
#     (To: maintainers; Cc: reviewers and lists); the cover letter goes to
#     all of them (scripts/recipients.sh).  Every mail has linux-api on Cc:
#     the series adds ABI (Documentation/process/adding-syscalls.rst), and
#     get_maintainer.pl does not name that list for these files.
#   - SERIES=mainline: the series for today's mainline in mainline/, the
#     same way, from its own tree (build/mainline/linux), as a thread of
#     its own
#   - SERIES=man-pages: the man page series in man-pages/, as a thread of
#     its own, to the contacts in the man-pages CONTRIBUTING
#     (scripts/manpages-recipients.sh: the maintainer, linux-man) and
#     linux-api; checked by scripts/check-manpages.sh
#   - each patch is signed off by the sender: a "Signed-off-by: FROM" is
#     added to each patch mail that lacks it, as git format-patch -s does
#     (the files in the series and their authorship are left as they are);
#     the project's placeholder identity, or none, is refused
#   - one thread: every patch In-Reply-To the cover letter
#     (--thread --no-chain-reply-to)
# A DRY RUN unless SEND=yes: git send-email --dry-run prints each mail's
# headers.  The mails as sent, headers included, are in build/outgoing/.
#
#   SEND=yes          really send, with your git send-email configuration
#                     (sendemail.smtpServer ...) or SMTP_SERVER/SENDMAIL_CMD
#   FROM='Name <a@b>' the sender (default: git's user.name/user.email); it
#                     signs off each patch, so it must be you
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
[ -d "$TREE/.git" ] || die "no tree at $TREE; run make tree$SERIES_ARG first"
series_files
[ -f "$cover" ] || die "no cover letter in ${PATCHES#"$TOP"/}/; export the series first (make export$SERIES_ARG)"

# The sender: FROM, else git's identity (configured, not guessed).  It
# signs off every patch, so it must be a person's: not the project's
# placeholder (the identity the committed series carries), not nobody.
set_identity='set FROM='\''Your Name <you@example.org>'\'', or git config --global user.name '\''Your Name'\'' and git config --global user.email you@example.org'
from=${FROM:-}
if [ -z "$from" ]; then
	from=$(git -C "$TREE" -c user.useConfigOnly=true var GIT_COMMITTER_IDENT 2>/dev/null |
	       sed 's/>.*/>/') || from=
	[ -n "$from" ] || die "refusing to send: nobody to send as (git knows no user.name/user.email, and FROM is not set); $set_identity"
fi
from_addr=$(sed -n 's/.*<\(.*\)>.*/\1/p' <<<"$from")
[ -n "$from_addr" ] || from_addr=$from
case $from_addr in
*@*.*) ;;
*) die "refusing to send as '$from': not a mail address; $set_identity" ;;
esac
if is_placeholder "$from_addr"; then
	die "refusing to send as '$from': that is a placeholder identity (a no-reply or reserved address, like the project's own that the committed patches carry), and each patch gets the sender's Signed-off-by, which must be yours (Developer's Certificate of Origin: no anonymous contributions); $set_identity"
fi

local_smtp=0
case ${SMTP_SERVER:-} in 127.0.0.1 | localhost | ::1) local_smtp=1 ;; esac
if [ "$SEND" = yes ] && [ "$local_smtp" = 0 ] && { [ "$BISECT" != 1 ] || [ "$NOCHECK" = 1 ]; }; then
	die "refusing to send: a real send needs the full make check (BISECT=1, no NOCHECK); BISECT=0 and NOCHECK=1 are for dry runs and SMTP_SERVER=127.0.0.1"
fi

# The recipients come from the tree: it must be patches/ as applied.
if [ "$TREE" = "$DEFAULT_TREE" ]; then
	read -r have head 2>/dev/null <"$TREE/.git/series-stamp" || have=
	# shellcheck disable=SC2046 # one path per word, as in tree.sh
	want=$(cat /dev/null $(find "$PATCHES" -name '*.patch' | sort) | sha256sum | cut -d' ' -f1)
	if [ "$have" != "$want" ]; then
		die "${TREE#"$TOP"/} is not ${PATCHES#"$TOP"/}/ applied; run make tree (or make export if the tree is newer)"
	elif [ "$(git -C "$TREE" rev-parse HEAD)" != "$head" ] || ! git -C "$TREE" diff --quiet HEAD; then
		die "${TREE#"$TOP"/} has work that is not in ${PATCHES#"$TOP"/}/; make export (then make check) first"
	fi
fi

# make check, unless it already passed on exactly this series.
series=$(cat "${patches[@]}" "$cover" | sha256sum | cut -d' ' -f1)
if [ "$NOCHECK" = 1 ]; then
	say "NOCHECK=1: not checking the series"
elif grep -Eqx "$series bisect=(1|$BISECT)" "$BUILD/check.ok" 2>/dev/null; then
	say "make check passed on this series$(grep -qx "$series bisect=1" "$BUILD/check.ok" || echo ' (BISECT=0)')"
elif [ "$SERIES" = man-pages ] && ! "$TOP/scripts/check-manpages.sh"; then
	die "refusing to send: make check failed on the man page series (above); fix it and run make send again"
elif [ "$KERNEL_SERIES" = 1 ] && ! BISECT=$BISECT "$TOP/scripts/check-series.sh"; then
	die "refusing to send: make check failed (above); fix the series and run make send again"
fi
# A real send also needs the build matrix of make check (every cell).
if [ "$SEND" = yes ] && [ "$local_smtp" = 0 ]; then
	mseries=$(cat "${patches[@]}" | sha256sum | cut -d' ' -f1)
	if grep -qx "$mseries" "$BUILD/check-matrix.ok" 2>/dev/null; then
		say "the build matrix of make check passed on this series"
	elif ! CELLS="$MATRIX_CELLS" "$TOP/scripts/check-matrix.sh" ||
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
# before its Subject:, and for a patch (not the cover letter) the
# sender's Signed-off-by: at the end of its trailers, unless one is there
# (as git format-patch -s: after the last trailer, or after a blank line).
with_headers() {
	local sob=
	[ "$1" = "$cover" ] || sob="Signed-off-by: $from"
	awk -v r="$2" -v sob="$sob" -v addr="$(tr '[:upper:]' '[:lower:]' <<<"$from_addr")" '
	function flush(   i, last, has) {
		while (nb > 0 && body[nb] == "") nb--
		for (i = 1; i <= nb; i++) {
			print body[i]
			if (tolower(body[i]) ~ /^signed-off-by: / &&
			    index(tolower(body[i]), "<" addr ">")) has = 1
		}
		if (sob != "" && !has) {
			if (nb > 0 && body[nb] !~ /^[A-Za-z][A-Za-z0-9-]*: /) print ""
			print sob
		}
		nb = 0
	}
	!hdr { if (!done && /^Subject: /) { if (r != "") print r; done = 1 }
	       print; if ($0 == "") hdr = 1; next }
	!sep && $0 == "---" { flush(); sep = 1; print; next }
	!sep { body[++nb] = $0; next }
	{ print }
	END { if (!sep) flush() }' "$1" >"$OUT/${1##*/}"
}
extra=
IFS=, read -ra tos <<<"${TO:-}"
IFS=, read -ra ccs <<<"${CC:-}"
for a in "${tos[@]}"; do [ -z "${a// /}" ] || extra+="To: ${a# }"$'\n'; done
for a in "${ccs[@]}"; do [ -z "${a// /}" ] || extra+="Cc: ${a# }"$'\n'; done
if [ "$SERIES" = man-pages ]; then
	say "recipients (the man-pages CONTRIBUTING contacts, and $API_LIST)"
	mp=$("$TOP/scripts/manpages-recipients.sh") || exit 1
else
	say "recipients (get_maintainer.pl on ${TREE#"$TOP"/}, and $API_LIST)"
fi
for p in "$cover" "${patches[@]}"; do
	if [ "$SERIES" = man-pages ]; then
		r=$mp
	elif [ "$p" = "$cover" ]; then
		r=$("$TOP/scripts/recipients.sh" "${patches[@]}")
	else
		r=$("$TOP/scripts/recipients.sh" "$p")
	fi
	# each address once, To before Cc
	# linux-api on every mail of both series (README: the recipients rule)
	r=$(printf '%s\n%s\nCc: %s\n' "$extra" "$r" "$API_LIST" | awk '
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
	sed 's/^/      /' <<<"$r"
done
say "from $from; each patch signed off by it (added where missing)"

if ! { git -C "$TREE" var GIT_COMMITTER_IDENT && git -C "$TREE" var GIT_AUTHOR_IDENT; } >/dev/null 2>&1; then
	# git send-email wants an identity of its own: the sender's
	export GIT_COMMITTER_NAME=${from%% <*} GIT_COMMITTER_EMAIL GIT_AUTHOR_NAME=${from%% <*} GIT_AUTHOR_EMAIL
	GIT_COMMITTER_EMAIL=$from_addr
	GIT_AUTHOR_EMAIL=$GIT_COMMITTER_EMAIL
fi
args=(--from="$from" --thread --no-chain-reply-to --confirm=never
      --suppress-cc=self --no-format-patch --no-annotate)
# git send-email copies the authors and signers it finds in the patches;
# when they are only the placeholder (and the sender), nobody reads them.
people=$(sed -n -e 's/^From: //p' -e 's/^Signed-off-by: //p' "${patches[@]}" |
	 sed -n 's/.*<\(.*\)>.*/\1/p' | sort -u)
real=
while IFS= read -r a; do
	[ -z "$a" ] || is_placeholder "$a" || [ "${a,,}" = "${from_addr,,}" ] || real=1
done <<<"$people"
[ -n "$real" ] || args+=(--suppress-cc=author --suppress-cc=sob)
[ -z "${SMTP_SERVER:-}" ] || args+=(--smtp-server="$SMTP_SERVER")
[ -z "${SMTP_PORT:-}" ] || args+=(--smtp-server-port="$SMTP_PORT")
[ "$local_smtp" = 0 ] || args+=(--smtp-encryption=none)
[ -z "${SENDMAIL_CMD:-}" ] || args+=(--sendmail-cmd="$SENDMAIL_CMD")
log=$LOGS/send-$SERIES-v$version.log
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
	say "sent v$version of the $SERIES series; the cover letter is $id: give its archive link to the next revision (make bump LINK=<the list archive's URL of ${id//[<>]/}>)"
else
	say "dry run done: the mails are in ${OUT#"$TOP"/}/; SEND=yes sends them"
fi
