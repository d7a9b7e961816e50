#!/bin/bash
# compare/boot.sh KERNEL NAME: boot KERNEL with our initramfs ($INITRAMFS)
# plus the fuzzer (compare/clone3_flags_fuzz.c, built here, statically,
# with our kernel's uapi headers), and run the kselftests and the fuzzer
# for make compare (guest/compare-run.sh); results in build/compare/NAME/
# (ksft.log, fuzz.log, console.log).  The same seeds for every kernel:
# FUZZ_SEED (default 0x5eed), PIDFD_STRESS_SEED (default 0x5eed);
# FUZZ_ITERATIONS cases per caller kind (default 8334: 50,004 cases).
# COMPARE_ISOLATE: the programs run in a PID namespace of their own
# (default pidfd:pidfd_info_test).  REUSE=1: when the kernel, the
# initramfs, the fuzzer and the knobs are those of the last run of NAME,
# keep its results.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"

[ $# -eq 2 ] || die "usage: compare/boot.sh KERNEL NAME"
kernel=$1 name=$2
[ -f "$kernel" ] || die "no kernel at $kernel"
[ -f "$INITRAMFS" ] || die "no initramfs at $INITRAMFS; make initramfs first"
out=$BUILD/compare/$name
fuzzer=$BUILD/compare/clone3_flags_fuzz initrd=$BUILD/compare/initramfs.cpio.gz

# The fuzzer, and the initramfs with it in /usr/bin.
src=$TOP/compare/clone3_flags_fuzz.c hdrs=$OBJ/usr/include
[ -f "$hdrs/linux/sched.h" ] || die "no uapi headers in $hdrs; make selftests first"
mkdir -p "$BUILD/compare"
if [ ! -x "$fuzzer" ] || [ "$src" -nt "$fuzzer" ] || [ "$hdrs/linux/sched.h" -nt "$fuzzer" ]; then
	say "building compare/clone3_flags_fuzz.c (static, uapi headers of ${OBJ#"$TOP"/})"
	gcc -static -O2 -Wall -isystem "$hdrs" -o "$fuzzer.tmp" "$src"
	mv "$fuzzer.tmp" "$fuzzer"
fi
if [ ! -f "$initrd" ] || [ "$fuzzer" -nt "$initrd" ] || [ "$INITRAMFS" -nt "$initrd" ]; then
	rm -rf "$BUILD/compare/root"
	install -D -m 755 "$fuzzer" "$BUILD/compare/root/usr/bin/clone3_flags_fuzz"
	(cd "$BUILD/compare/root" && find usr | cpio -o -H newc --quiet -R 0:0 | gzip) |
		cat "$INITRAMFS" - >"$initrd.tmp"
	mv "$initrd.tmp" "$initrd"
fi

export FUZZ_SEED=${FUZZ_SEED:-0x5eed}
export PIDFD_STRESS_SEED=${PIDFD_STRESS_SEED:-0x5eed}
export FUZZ_ITERATIONS=${FUZZ_ITERATIONS:-8334}
isolate=${COMPARE_ISOLATE-pidfd:pidfd_info_test}
cases=$((FUZZ_ITERATIONS * 6))
# Seconds per program: v2's fuzzer did ~250 cases/s under TCG (this one
# over 1000), far fewer on a busy host; the whole boot, several programs
# at that.
timeout=${KSFT_TIMEOUT:-$((300 + cases / 25))}
boot_timeout=${BOOT_TIMEOUT:-$((1200 + 3 * timeout))}

knobs=
for v in PIDFD_STRESS_SCALE PIDFD_STRESS_SEED FUZZ_SEED FUZZ_ITERATIONS; do
	[ -z "${!v:-}" ] || knobs="$knobs $v=$(printf %q "${!v}")"
done
key=$( (sha256sum "$kernel" "$INITRAMFS" "$fuzzer" "$TOP/guest/compare-run.sh" |
	cut -d' ' -f1; echo "$knobs $isolate $timeout ${KERNEL_CMDLINE:-}") | sha256sum | cut -d' ' -f1)
if [ "${REUSE:-0}" = 1 ] && [ "$(cat "$out/key" 2>/dev/null)" = "$key" ]; then
	say "$name: the kernel, the initramfs and the knobs are those of the last run: its results are kept (${out#"$TOP"/})"
	exit 0
fi

rm -rf "$out"
mkdir -p "$out"
cp "$TOP/guest/compare-run.sh" "$out/"
say "$name: $(basename "$kernel") ($kernel), $cases fuzz cases, seeds FUZZ_SEED=$FUZZ_SEED PIDFD_STRESS_SEED=$PIDFD_STRESS_SEED"
rc=0
KERNEL=$kernel INITRD=$initrd SHARE=$out NAME=compare-$name BOOT_TIMEOUT=$boot_timeout \
	"$TOP/scripts/run/boot.sh" --cmd \
	"${knobs# } sh $out/compare-run.sh $out $timeout $isolate" || rc=$?
cp "$LOGS/compare-$name-console.log" "$out/console.log"
# A run that did not finish is not kept for REUSE.
[ "$rc" = 0 ] || { echo "warning: the $name boot ended with status $rc; comparing what it left" >&2; exit 0; }
echo "$key" >"$out/key"
