#!/bin/bash
# Who gets a patch: scripts/get_maintainer.pl of the applied tree ($TREE,
# so that MAINTAINERS entries added by the series count), run on each
# patch given, with --nogit --nogit-fallback (the tree has no history).
#
#   recipients.sh PATCH...
#
# Prints "To: Name <address>" for the maintainers and "Cc: ..." for the
# reviewers and the mailing lists, one a line, each address once over
# all the patches given (To wins).  Given every patch of the series, it
# gives the cover letter's recipients: the union.  (get_maintainer.pl
# refuses a cover letter: it is not a patch.)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -gt 0 ] || die "usage: recipients.sh PATCH..."
[ -f "$TREE/scripts/get_maintainer.pl" ] ||
	die "no $TREE/scripts/get_maintainer.pl; run make tree first"

for p in "$@"; do
	[ -f "$p" ] || die "no patch $p"
	p=$(realpath "$p")
	out=$(cd "$TREE" && perl scripts/get_maintainer.pl --nogit --nogit-fallback \
		--roles --norolestats --no-substatus "$p" 2>&1) ||
		die "get_maintainer.pl failed on $p in $TREE:"$'\n'"$out"
	printf '%s\n' "$out"
done | awk '
# "Name <addr> (role)" or "addr (role)"
{
	line = $0; role = ""
	if (match(line, / \([^()]*(\([^()]*\)[^()]*)*\)$/)) {
		role = substr(line, RSTART + 2, RLENGTH - 3)
		line = substr(line, 1, RSTART - 1)
	}
	addr = line
	if (match(addr, /<[^>]*>/))
		addr = substr(addr, RSTART + 1, RLENGTH - 2)
	if (addr !~ /@/) next
	key = tolower(addr)
	to = role ~ /^(maintainer|supporter|odd fixer|chief penguin)/
	if (!(key in kind)) { order[++n] = key; name[key] = line; kind[key] = to ? "To" : "Cc" }
	else if (to) kind[key] = "To"
}
END {
	for (i = 1; i <= n; i++) if (kind[order[i]] == "To") print "To: " name[order[i]]
	for (i = 1; i <= n; i++) if (kind[order[i]] == "Cc") print "Cc: " name[order[i]]
}'
