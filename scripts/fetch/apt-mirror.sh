#!/bin/bash
# Print the Debian mirror that the machine's own apt configuration names,
# as "URI KEYRING" (KEYRING: the entry's Signed-By, or Debian's archive
# keyring when it has none), and on stderr where it was read from.
#
# The sources are read where apt reads them (apt-config: Dir::Etc::
# sourcelist, then Dir::Etc::sourceparts/*.list and *.sources, so
# APT_CONFIG is honoured): the first enabled entry, one-line or deb822,
# with a suite of Debian's own archive (a codename or stable, testing, sid
# ..., with -updates or -backports; not -security, which is another
# archive, nor a third party's suite).  MIRROR=URI overrides the lot.
set -euo pipefail

KEYRING_DEFAULT=/usr/share/keyrings/debian-archive-keyring.gpg
if [ -n "${MIRROR:-}" ]; then
	echo "mirror: $MIRROR (from MIRROR=)" >&2
	echo "${MIRROR%/} ${KEYRING:-$KEYRING_DEFAULT}"
	exit 0
fi

eval "$(apt-config shell sl Dir::Etc::sourcelist/f sp Dir::Etc::sourceparts/d)"
files=()
[ -f "${sl:-}" ] && files+=("$sl")
# apt reads the parts in name order, whatever their format.
parts=()
[ ! -d "${sp:-}" ] || mapfile -t parts < <(ls "$sp" | grep -E '^[A-Za-z0-9_.-]+\.(list|sources)$' | LC_ALL=C sort)
for f in "${parts[@]}"; do files+=("${sp%/}/$f"); done

suite_re='^(buster|bullseye|bookworm|trixie|forky|duke|sid|stable|testing|unstable|oldstable|oldoldstable|experimental)(-updates|-backports|-proposed-updates)?$'

# One "URI KEYRING FILE" line per candidate entry, in the files' order.
entries() {
	local f
	for f in "$@"; do
		case $f in
		*.sources) awk -v file="$f" -v re="$suite_re" -v def="$KEYRING_DEFAULT" '
			function flush() {	# the stanza in f[field], field in lower case
				if (f["types"] ~ /(^| )deb(-src)?( |$)/ && tolower(f["enabled"]) != "no") {
					n = split(f["suites"], s, " ")
					for (i = 1; i <= n; i++)
						if (s[i] ~ re) { split(f["uris"], u, " ");
							print u[1], (f["signed-by"] ~ /^\// ? f["signed-by"] : def), file; break }
				}
				split("", f); field = ""
			}
			/^#/ { next }
			/^[ \t]*$/ { flush(); next }
			/^[ \t]/ { if (field == "uris") f[field] = f[field] " " $1; next }
			{ field = tolower($1); sub(/:$/, "", field); f[field] = $0; sub(/^[^:]*:[ \t]*/, "", f[field]) }
			END { flush() }' "$f" ;;
		*) awk -v file="$f" -v re="$suite_re" -v def="$KEYRING_DEFAULT" '
			/^[ \t]*(#|$)/ { next }
			$1 == "deb" || $1 == "deb-src" {
				key = ""; i = 2
				if ($2 ~ /^\[/) for (; i <= NF; i++) {
					if ($i ~ /^\[?signed-by=/) { key = $i; sub(/^\[?signed-by=/, "", key); sub(/\]$/, "", key) }
					if ($i ~ /\]$/) { i++; break }
				}
				if ($(i + 1) ~ re) print $i, (key == "" ? def : key), file
			}' "$f" ;;
		esac
	done
}

read -r uri key from < <(entries "${files[@]}") ||
	{ echo "error: no Debian archive entry in the apt sources (${files[*]:-none found}); set MIRROR= to the URL of a Debian archive mirror, as an apt source line would name it" >&2; exit 1; }
echo "mirror: $uri (from $from)" >&2
echo "${uri%/} ${KEYRING:-$key}"
