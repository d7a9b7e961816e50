#!/bin/bash
# Boot the lab kernel under QEMU, with a timeout and the console kept.
#
#   boot.sh --cmd 'COMMAND'   run COMMAND as root in the guest, show its
#                             output, exit with its status
#   boot.sh --shell           an interactive shell on the console
#
# The host directory SHARE (default: the project) is mounted at the same
# path in the guest.  Logs: build/logs/$NAME-console.log (kernel console)
# and build/logs/$NAME-output.log (the command's output).
#
# Environment (config/knobs): KERNEL, INITRD, SHARE, NAME, OUTPUT_SHOW (a
# regex: show only the output lines that match; the log keeps all),
# BOOT_TIMEOUT, SHELL_TIMEOUT, SMP, MEM, QEMU, QEMU_EXTRA, KERNEL_CMDLINE,
# ACCEL (auto: kvm only once a probe boot proved that it works here),
# KARCH (arm64: qemu-system-aarch64's virt machine, QEMU_CPU, always TCG,
# the command's output on a virtio console since that machine has one UART).
set -euo pipefail
. "$(dirname "$0")/../lib.sh"

KERNEL=${KERNEL:-$OBJ/$KIMAGE_PATH}
INITRD=${INITRD:-$INITRAMFS}
SHARE=$(realpath "${SHARE:-$TOP}")
NAME=${NAME:-boot}
BOOT_TIMEOUT=${BOOT_TIMEOUT:-1200}
ACCEL=${ACCEL:-auto}
[ "$KARCH" != arm64 ] || { QEMU=${QEMU:-qemu-system-aarch64}; ACCEL=tcg; }
QEMU=${QEMU:-qemu-system-x86_64}

[ -f "$KERNEL" ] || die "no kernel at $KERNEL; build it first (make kernel)"
[ -f "$INITRD" ] || die "no initramfs at $INITRD; make it first (make initramfs)"
command -v "$QEMU" >/dev/null || die "$QEMU missing; run scripts/fetch/deps.sh"

case ${1:-} in
--cmd) [ $# -eq 2 ] || die "usage: boot.sh --cmd 'COMMAND'"; cmd=$2 ;;
--shell) cmd= ;;
*) die "usage: boot.sh --cmd 'COMMAND' | --shell" ;;
esac

console=$LOGS/$NAME-console.log output=$LOGS/$NAME-output.log
work=$(mktemp -d)
qpid=
# timeout(1) runs QEMU in a process group of its own, out of reach of a
# Ctrl-C or a kill of our group: stop it ourselves (timeout passes the
# TERM on to QEMU).
trap '[ -z "$qpid" ] || kill "$qpid" 2>/dev/null; rm -rf "$work"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# make_initrd CMD OUT: the command rides in a second cpio archive
# appended to the initramfs.
make_initrd() {
	rm -rf "$work/root" && mkdir -p "$work/root/lab"
	printf '%s\n' "$1" >"$work/root/lab/cmd"
	(cd "$work/root" && find lab | cpio -o -H newc --quiet -R 0:0 | gzip) |
		cat "$INITRD" - >"$2"
}

qemu_args() { # ACCEL MODE INITRD
	local append="console=ttyS0 panic=-1 lab.share=$SHARE lab.mode=$2"
	[ "$KARCH" != arm64 ] || {
		append="console=ttyAMA0 panic=-1 lab.share=$SHARE lab.mode=$2 lab.out=/dev/hvc0"
		printf '%s\n' -M virt -cpu "${QEMU_CPU:-cortex-a57}"
	}
	printf '%s\n' -accel "$1" -smp "${SMP:-2}" -m "${MEM:-2G}" -no-reboot -display none \
		-kernel "$KERNEL" -initrd "$3" -virtfs "local,path=$SHARE,mount_tag=lab,security_model=none,id=lab" \
		-append "$append ${KERNEL_CMDLINE:-}"
	# shellcheck disable=SC2086 # one option a word
	[ -z "${QEMU_EXTRA:-}" ] || printf '%s\n' ${QEMU_EXTRA}
	[ "$1" != kvm ] || printf '%s\n' -cpu host,-arch-capabilities
}

# run_qemu ACCEL TIMEOUT CONSOLE OUTPUT INITRD: boot in cmd mode, in the
# background; sets $qpid.
run_qemu() {
	local args
	mapfile -t args < <(qemu_args "$1" cmd "$5")
	: >"$4"
	if [ "$KARCH" = arm64 ]; then
		args+=(-serial "file:$3" -device virtio-serial-pci
		       -chardev "file,id=out,path=$4" -device virtconsole,chardev=out)
	else
		args+=(-serial "file:$3" -serial "file:$4")
	fi
	timeout -k 5 "$2" "$QEMU" "${args[@]}" -monitor none </dev/null >"$3.qemu" 2>&1 &
	qpid=$!
}

pick_accel() {
	[ "$ACCEL" != auto ] && { echo "$ACCEL"; return; }
	[ -w /dev/kvm ] || { echo tcg; return; }
	local key
	key=$CACHE/kvm-probe-$(uname -r)-$("$QEMU" --version | head -n1 | tr -cd '0-9.')
	if [ ! -f "$key" ]; then
		echo "probing KVM (a 30 s boot; the answer is cached in $key)" >&2
		make_initrd true "$work/probe.cpio"
		run_qemu kvm 30 "$LOGS/kvm-probe-console.log" "$work/probe" "$work/probe.cpio"
		wait "$qpid" || true
		qpid=
		grep -q '^LAB-EXIT: 0' "$work/probe" && echo kvm >"$key" || echo tcg >"$key"
	fi
	cat "$key"
}

make_initrd "$cmd" "$work/initrd"
if [ -z "$cmd" ]; then
	mapfile -t args < <(qemu_args "$(pick_accel)" shell "$work/initrd")
	say "interactive shell (Ctrl-A X quits QEMU); console log: $console"
	timeout --foreground "${SHELL_TIMEOUT:-4h}" "$QEMU" "${args[@]}" \
		-chardev "stdio,id=con,mux=on,signal=off,logfile=$console" -serial chardev:con -mon chardev=con || true
	exit 0
fi

accel=$(pick_accel)
start=$(date +%s)
say "booting $(basename "$KERNEL") under QEMU ($accel, timeout ${BOOT_TIMEOUT}s); console: ${console#"$TOP"/}"
run_qemu "$accel" "$BOOT_TIMEOUT" "$console" "$output" "$work/initrd"
tail -n +1 -f --pid="$qpid" "$output" |
	awk -v show="${OUTPUT_SHOW:-.}" '!/^LAB-EXIT: / && $0 ~ show { print; fflush() }' || true
rc=0
wait "$qpid" || rc=$?
qpid=
elapsed=$(($(date +%s) - start))

status=$(sed -n 's/^LAB-EXIT: \([0-9]*\).*/\1/p' "$output" | tail -n1)
if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
	die "the guest did not finish within ${BOOT_TIMEOUT}s (BOOT_TIMEOUT); console log: $console"
elif [ "$rc" != 0 ]; then
	tail -n 5 "$console.qemu" >&2
	die "QEMU failed (exit $rc); its messages: $console.qemu"
elif [ -z "$status" ]; then
	tail -n 20 "$console" >&2
	die "the guest stopped before the command finished (crash or panic?); console log: $console"
fi
echo "    guest ran for $elapsed s, command exit status $status"
exit "$status"
