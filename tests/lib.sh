# Counting and checking for the tests of the tooling: sourced, not run.
#
#   ok NAME, not_ok NAME [OUTPUT]: count one result and print it as TAP;
#   OUTPUT's last lines are shown, indented, under a failure.
#   check NAME WANT_STATUS WANT_REGEX CMD...: run CMD, pass when it exits
#   with WANT_STATUS and its output (stdout and stderr) matches WANT_REGEX.
#   summary: print "N passed, N failed"; its status is the verdict.
# shellcheck shell=bash

pass=0
fail=0

ok() { pass=$((pass + 1)); echo "ok - $1"; }

not_ok() {
	fail=$((fail + 1))
	echo "not ok - $1"
	[ -z "${2:-}" ] || sed 's/^/    /' <<<"$2" | tail -n 25
}

check() {
	local name=$1 want=$2 re=$3 out rc
	shift 3
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" = "$want" ] && grep -Eq -- "$re" <<<"$out"; then
		ok "$name"
	else
		not_ok "$name (exit $rc, wanted $want and /$re/)" "$out"
	fi
}

summary() {
	echo "$pass passed, $fail failed"
	[ "$fail" = 0 ]
}
