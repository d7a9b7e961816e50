#!/bin/sh
# In the guest, for make compare: run the installed kselftests (pidfd and
# clone3) with run_kselftest.sh as make run does, the KTAP into
# OUT/ksft.log; then the fuzzer (compare/clone3_flags_fuzz.c, which
# scripts/compare/boot.sh adds to the initramfs), its record of every case into
# OUT/fuzz.log (on the host's share: too many lines for the serial
# console).  The knobs of the stress test and the fuzzer come in the
# environment.
#
#   compare-run.sh OUT TIMEOUT [collection:program ...]
#
# The programs named after TIMEOUT run apart, each in a PID namespace of
# its own: 6.19.11's pidfd_info_test, when a case fails (as two do on
# mainline 7.1), leaves children in pause() that hold the runner's output
# pipe, and the runner waits for them forever.  As the children of the
# namespace's init they die when the program ends.  Their results are
# written as run_kselftest.sh writes them.
out=$1 timeout=$2
shift 2
fuzz() {
	: >/tmp/fuzz.log # its workers write a line at a time, appending
	timeout -k 5 "$timeout" clone3_flags_fuzz >>/tmp/fuzz.log 2>&1
	echo "compare-run: the fuzzer: exit $?, $(grep -c '^fuzz-case ' /tmp/fuzz.log) cases"
	cp /tmp/fuzz.log "$out/fuzz.log"
}
cd /kselftest || { echo "no /kselftest in the guest" >&2; fuzz; exit 1; }

args=
for t in $(./run_kselftest.sh -l); do
	case " $* " in *" $t "*) continue ;; esac
	args="$args -t $t"
done
# Each program's result on the console too, as it comes.
# shellcheck disable=SC2086 # one option a word
./run_kselftest.sh -o "$timeout" $args 2>&1 | tee "$out/ksft.log" |
	grep -E '^(not )?ok '

for t in "$@"; do
	c=${t%%:*} p=${t#*:}
	{
		echo "1..1"
		echo "# selftests: $c: $p (in a PID namespace of its own)"
		{
			cd "$c" && unshare -p -f --mount-proc \
				timeout -k 5 "$timeout" "./$p"
			echo $? >/tmp/isolated.rc
		} 2>&1 | sed 's/^/# /'
		rc=$(cat /tmp/isolated.rc)
		case $rc in
		0) echo "ok 1 selftests: $c: $p" ;;
		4) echo "ok 1 selftests: $c: $p # SKIP" ;;
		124 | 137) echo "not ok 1 selftests: $c: $p # TIMEOUT $timeout seconds" ;;
		*) echo "not ok 1 selftests: $c: $p # exit=$rc" ;;
		esac
	} | tee -a "$out/ksft.log" | grep -E '^(not )?ok '
done
echo "compare-run: $(grep -c '^ok ' "$out/ksft.log") programs passed, $(grep -c '^not ok ' "$out/ksft.log") failed"
fuzz
