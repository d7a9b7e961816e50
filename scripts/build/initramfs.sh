#!/bin/bash
# Build the guest's initramfs: static busybox, guest/init (and
# guest/kmemleak.sh for the debug kernel), a few /etc files and the
# installed kselftests ($KSFT, if built), into $INITRAMFS
# (build/obj/initramfs.cpio.gz for build/linux); rebuilt only when an
# input changed.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"

out=$INITRAMFS
ksft=$KSFT
# The guest's busybox and GNU timeout: the host's on x86_64, Debian's
# arm64 packages (scripts/fetch/arm64-userland.sh) for KARCH=arm64.
if [ "$KARCH" = arm64 ]; then
	userland=$("$TOP/scripts/fetch/arm64-userland.sh")
	busybox=$userland/bin/busybox
	timeout=$userland/usr/bin/timeout
	libs=(/usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1:/lib/ld-linux-aarch64.so.1
	      /usr/aarch64-linux-gnu/lib/libc.so.6:/lib/aarch64-linux-gnu/libc.so.6)
	[ -f "${libs[1]%%:*}" ] || die "the arm64 C library is missing; run scripts/fetch/deps.sh (package libc6-dev-arm64-cross)"
else
	busybox=/bin/busybox
	timeout=/usr/bin/timeout
	libs=()
	for f in $(ldd "$timeout" | grep -o '/[^ ]*'); do
		libs+=("$f:$f")
	done
fi
[ -x "$busybox" ] || die "static busybox missing; run scripts/fetch/deps.sh (package busybox-static)"

if [ -f "$out" ] && [ -z "$(find "$TOP/guest" "$ksft" "$busybox" "$0" \
		-newer "$out" -print -quit 2>/dev/null)" ]; then
	exit 0
fi

root=$OBJ/initramfs
rm -rf "$root"
mkdir -p "$root"/{bin,sbin,etc,proc,sys,dev,tmp,root,lab,usr/bin,usr/sbin}
cp "$busybox" "$root/bin/busybox"
install -m 755 "$TOP/guest/init" "$root/init"
install -m 755 "$TOP/guest/kmemleak.sh" "$root/bin/kmemleak.sh"
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' \
	>"$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
[ -d "$ksft" ] && cp -a "$ksft" "$root/kselftest"
# kselftest's runner times each test out with GNU timeout --foreground
# (busybox's has no --foreground): bring it, with the libraries it needs.
for f in "$timeout:/usr/bin/timeout" "${libs[@]}"; do
	mkdir -p "$root$(dirname "${f#*:}")"
	cp -L "${f%%:*}" "$root${f#*:}"
done
(cd "$root" && find . -print0 | cpio --null -o -H newc --quiet -R 0:0) |
	gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
say "initramfs: $out ($(du -h "$out" | cut -f1))"
