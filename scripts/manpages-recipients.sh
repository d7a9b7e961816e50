#!/bin/bash
# Who gets the man page series: the contact list in the CONTRIBUTING file
# of the man-pages base (git show base:CONTRIBUTING in build/man-pages),
# "To: the maintainer" and "Cc: <the list>" as that file writes them.
#
#   manpages-recipients.sh
#
# Prints "To: Name <address>" and "Cc: address" lines, each address once.
set -euo pipefail
export SERIES=man-pages
. "$(dirname "$0")/lib.sh"

text=$(git -C "$TREE" show base:CONTRIBUTING 2>/dev/null) ||
	die "no CONTRIBUTING in the man-pages base of $TREE; run make tree"
out=$(awk '
/^[ \t]+(To|Cc): / {
	sub(/^[ \t]+/, "")
	kind = substr($0, 1, 2); addr = substr($0, 5)
	if (addr ~ /^<[^<>]*>$/) gsub(/[<>]/, "", addr) # a bare <address>
	if (addr ~ /@/ && !seen[tolower(addr)]++) print kind ": " addr
}' <<<"$text")
grep -q '^To: ' <<<"$out" ||
	die "no \"To:\" contact in the man-pages CONTRIBUTING (base of $TREE); give TO= yourself"
printf '%s\n' "$out"
