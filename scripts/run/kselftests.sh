#!/bin/bash
# Boot the lab kernel, run the installed kselftests (pidfd and clone3 by
# default; each may take KSFT_TIMEOUT seconds, 300 by default: TCG is slow)
# in the guest, and report them with the KUnit results that the
# kernel printed while booting.  Exits non-zero on any failure, crash,
# splat, timeout or missing result (on the debug kernel: or kmemleak
# suspect), but what config/expected says of this series (and of the
# cell of make check, CELL, that boots it).  PIDFD_STRESS_SCALE and
# PIDFD_STRESS_SEED are passed on to the tests in the guest.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"

name=${NAME:-run}
collections=
for t in ${TARGETS:-pidfd clone3}; do
	collections="$collections -c $t"
done
# The knobs of the stress tests reach the guest.
knobs=
for v in PIDFD_STRESS_SCALE PIDFD_STRESS_SEED; do
	[ -z "${!v:-}" ] || knobs="$knobs $v=$(printf %q "${!v}")"
done
# A kernel with kmemleak (the debug kernel): the boot's suspects are
# forgotten before the tests, and a leak after them is a failure, one
# result more in the output (guest/kmemleak.sh).
before= after=
if grep -qx 'CONFIG_DEBUG_KMEMLEAK=y' "$OBJ/.config" 2>/dev/null; then
	before="kmemleak.sh clear; " after="; kmemleak.sh report"
fi
rm -f "$LOGS/$name-output.log" "$LOGS/$name-console.log"
# Show each program and result as it comes; the log has every line.
NAME=$name OUTPUT_SHOW='^(ok|not ok|# selftests:|# (not )?ok )' \
	"$TOP/scripts/run/boot.sh" --cmd \
	"$before(cd /kselftest &&$knobs ./run_kselftest.sh -o ${KSFT_TIMEOUT:-300}$collections)$after" ||
	true
say "results (kselftest: ${LOGS#"$TOP"/}/$name-output.log, KUnit and console: ${LOGS#"$TOP"/}/$name-console.log)"
kunit=()
grep -q '^CONFIG_KUNIT=y' "$OBJ/.config" &&
	kunit=(--kunit-tool "$TREE/tools/testing/kunit/kunit.py")
touch "$LOGS/$name-output.log" "$LOGS/$name-console.log"
exec "$TOP/scripts/run/report.py" --kselftest "$LOGS/$name-output.log" \
	--console "$LOGS/$name-console.log" "${kunit[@]}" \
	--expected "$TOP/config/expected" --where "$SERIES" ${CELL:-}
