#!/bin/bash
# Tests of make check (scripts/check/series.sh) on a toy series: a clean
# series passes, and
# each deliberate breakage fails with a message that names the patch.
# Needs the materialised tree (make tree) for checkpatch.pl.
# Prints "N passed, N failed" and exits non-zero on failure.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/lib.sh"
. "$TOP/tests/toy-series.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

toy_series "$tmp" || { echo "0 passed, 1 failed"; exit 1; }
CHECK=("${TOY_ENV[@]}" BISECT_BUILD="$TOY_BUILD")
CS=$TOP/scripts/check/series.sh
P1=0001-kernel-give-the-answer-a-value.patch
P2=0002-rust-add-the-answer.patch

check "check: the clean toy series passes" 0 'ready to send \(\[PATCH 0/2\], 2 patch\(es\), each one builds\)' \
	"${CHECK[@]}" "$CS"
check "check: BISECT=0 says the builds were skipped" 0 'builds not checked: BISECT=0' \
	"${CHECK[@]}" BISECT=0 "$CS"

# breaking NAME FILE SED...: d, a copy of the series in $tmp/NAME, with
# sed -i SED... applied to FILE in it.  mcheck NAME WANT RE [VAR=...]: make
# check on $d (BISECT=0 unless VAR= says otherwise) exits WANT, saying RE.
breaking() {
	local name=$1 file=$2
	shift 2
	rm -rf "${tmp:?}/$name"
	cp -r "$tmp/patches" "$tmp/$name"
	d=$tmp/$name
	sed -i "$@" "$d/$file"
}
mcheck() {
	local name=$1 want=$2 re=$3
	shift 3
	check "check: $name" "$want" "$re" "${CHECK[@]}" PATCHES="$d" BISECT=0 "$@" "$CS"
}

breaking trailing "$P1" 's/^+int answer = 42;$/+int answer = 42; /'
mcheck "a trailing space fails checkpatch, naming the patch" 1 "FAIL $d/$P1: checkpatch.pl --strict: total: 1 errors"
mcheck "checkpatch's own message and line are shown" 1 'ERROR: trailing whitespace'

breaking nosob "$P2" '/^Signed-off-by: /d'
mcheck "a missing Signed-off-by fails, naming the patch" 1 "FAIL $d/$P2: checkpatch.pl --strict: total: 1 errors"
mcheck "... and says what is missing" 1 "Missing Signed-off-by"

# v2's patch 4 lost a line that began with "#[export]": a reword in an
# editor strips it as a comment.
breaking comment "$P2" 's/^Give Rust code the answer/#[export] gives C the answer.\n&/'
mcheck "a message line that git would strip as a comment fails" 1 \
	"Commit log lines starting with '#' are dropped by git as comments"

breaking nobuild "$P1" 's/^+int answer = 42;$/+int answer = 42/'
mcheck "a patch that does not build fails, naming the patch" 1 \
	"FAIL $d/$P1: the lab kernel does not build after this patch" BISECT=1
mcheck "the compiler's error is shown" 1 "kernel/answer.c:3:.*error" BISECT=1
mcheck "a patch that does not build passes with BISECT=0 (no build)" 0 'builds not checked'

breaking warning "$P1" 's/^+int answer = 42;$/+static int answer = 42;/'
mcheck "a new compiler warning fails, naming the patch" 1 "FAIL $d/$P1: compiler warnings after this patch" BISECT=1

breaking rustfmt "$P2" 's/^+pub const ANSWER: i32 = 42;$/+pub const ANSWER: i32 =  42;/'
mcheck "unformatted Rust fails rustfmtcheck, naming the patch and file" 1 \
	"FAIL $d/$P2: rustfmtcheck: not formatted: rust/answer.rs"

breaking noapply "$P1" 's/^-int answer;$/-int answer = 7;/'
mcheck "a patch that does not apply fails, naming the patch" 1 "FAIL $d/$P1: does not apply \(git am\) on top of base"

breaking cover 0000-cover-letter.patch -e 's/^Subject: \[PATCH 0\/2\] .*/Subject: [PATCH 0\/2] *** SUBJECT HERE ***/' \
	-e '/^This series/d' -e '/^base-commit:/d'
out=$("${CHECK[@]}" PATCHES="$d" BISECT=0 "$CS" 2>&1)
for what in "has no title" "has no body" "no base-commit: line"; do
	check "check: cover letter: $what" 0 "FAIL $d/0000-cover-letter.patch: .*$what" \
		echo "$out"
done

printf '%s Linux 0.0.1\n' 0123456789abcdef0123456789abcdef01234567 >"$tmp/bases"
check "check: base-commit: must be the upstream commit that config/upstream-bases lists" 1 \
	'base-commit: [0-9a-f]{40} is not the upstream commit of the base \(0123456789abcdef0123456789abcdef01234567' \
	"${CHECK[@]}" UPSTREAM_BASES="$tmp/bases" BISECT=0 "$CS"

breaking uncovered "$P1" -e ''
printf '%s\n' '// SPDX-License-Identifier: GPL-2.0' '' 'int extra;' >"$tmp/b/linux/lib/extra.c"
"${TOY_GIT[@]}" add lib/extra.c
"${TOY_GIT[@]}" commit -q -s -m "lib: add extra" -m "Add a file that only THE REST covers."
"${TOY_GIT[@]}" format-patch -q --zero-commit -3 --cover-letter --base=base -o "$d" >/dev/null
"${TOY_GIT[@]}" reset -q --hard HEAD~1
mcheck "a new file that no MAINTAINERS entry covers fails, naming patch and file" 1 \
	"FAIL $d/0003-lib-add-extra.patch: adds files that no MAINTAINERS entry covers"
mcheck "... a new file that an entry covers passes (rust/answer.rs)" 1 "ok $d/0002-rust-add-the-answer.patch"

# A Fixes: tag: checked against config/upstream-commits, not the history
# (checkpatch.pl's UNKNOWN_COMMIT_ID), which a tarball import lacks.
breaking fixes "$P1" 's/^Signed-off-by: /Fixes: c8134b5f13ae ("pidfd: add CLONE_PIDFD_AUTOKILL")\n&/'
mcheck "a Fixes: tag of a commit in config/upstream-commits passes" 0 "ok $d/$P1"
sed -i 's/^Fixes: c8134b5f13ae ("pidfd: add CLONE_PIDFD_AUTOKILL")/Fixes: c8134b5f13ae ("pidfd: add CLONE_AUTOKILL")/' "$d/$P1"
mcheck "a Fixes: tag with the wrong subject fails, naming the patch" 1 "FAIL $d/$P1: a Fixes: tag names an unknown commit"
sed -i 's/^Fixes: c8134b5f13ae (/Fixes: 0123456789ab (/' "$d/$P1"
mcheck "a Fixes: tag of an unknown commit fails, saying where to add it" 1 \
	'Fixes: 0123456789ab .*not in config/upstream-commits'

breaking numbering "$P2" 's/^Subject: \[PATCH 2\/2\]/Subject: [PATCH v2 2\/2]/'
mcheck "a subject with the wrong version or number fails" 1 "FAIL $d/$P2: subject does not start with \[PATCH 2/2\]"

# make bump without CHANGES= leaves an EDITME in the changelog.
breaking editme 0000-cover-letter.patch 's/^This series gives/EDITME: &/'
mcheck "an EDITME left in the cover letter fails" 1 'FAIL .*0000-cover-letter.patch: .*EDITME'

# make check on the man page series (scripts/check/man-pages.sh), on the
# materialised build/man-pages: the real series passes, and a page that
# the man-pages lint warns about fails, naming the patch and the warning.
MAN_TREE=${BUILD:-$TOP/build}/man-pages
MAN_PATCHES=${MAN_PATCHES:-$TOP/man-pages}
if [ -d "$MAN_TREE/.git" ] && [ -n "$(find "$MAN_PATCHES" -name '0001-*.patch' 2>/dev/null)" ]; then
	CM=(env MAN_CHECK_SRC="$tmp/man-src" "$TOP/scripts/check/man-pages.sh")
	check "man: the man page series passes" 0 'the man page series is ready to send' \
		"${CM[@]}"
	rm -rf "$tmp/man"
	cp -r "$MAN_PATCHES" "$tmp/man"
	p3=$(cd "$tmp/man" && ls 0003-*.patch)
	# an over-long source line: mandoc -Tlint warns (STYLE), the base did not
	sed -i '0,/^+flag (since Linux 7.1)\.$/s//+flag (since Linux 7.1), and this line is made longer than eighty bytes on purpose./' \
		"$tmp/man/$p3"
	out=$(env PATCHES="$tmp/man" "${CM[@]}" 2>&1)
	rc=$?
	check "man: a new lint warning fails, naming the patch" 1 \
		"FAIL $tmp/man/$p3: new warnings from the man-pages lint and check targets" \
		bash -c 'echo "$1"; exit "$2"' _ "$out" "$rc"
	check "man: ... with mandoc's own message" 0 'STYLE: input text line longer than 80 bytes' \
		echo "$out"
	check "man: ... and the other patches pass" 0 '^    ok: man/man2/pidfd_open.2$' echo "$out"
else
	not_ok "man: no man-pages tree or series (make tree)"
fi

summary
