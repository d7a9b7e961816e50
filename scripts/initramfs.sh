#!/bin/bash
# Build the guest's initramfs: static busybox, guest/init, a few /etc
# files and the installed kselftests ($KSFT, if built), into $INITRAMFS
# (build/obj/initramfs.cpio.gz for build/linux); rebuilt only when an
# input changed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=$INITRAMFS
ksft=$KSFT
busybox=/bin/busybox
[ -x "$busybox" ] || die "static busybox missing; run scripts/deps.sh (package busybox-static)"

if [ -f "$out" ] && [ -z "$(find "$TOP/guest" "$ksft" "$busybox" "$0" \
		-newer "$out" -print -quit 2>/dev/null)" ]; then
	exit 0
fi

root=$OBJ/initramfs
rm -rf "$root"
mkdir -p "$root"/{bin,sbin,etc,proc,sys,dev,tmp,root,lab,usr/bin,usr/sbin}
cp "$busybox" "$root/bin/busybox"
install -m 755 "$TOP/guest/init" "$root/init"
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' \
	>"$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
[ -d "$ksft" ] && cp -a "$ksft" "$root/kselftest"
# kselftest's runner times each test out with GNU timeout --foreground
# (busybox's has no --foreground): bring it, with the libraries it needs.
for f in /usr/bin/timeout $(ldd /usr/bin/timeout | grep -o '/[^ ]*'); do
	mkdir -p "$root$(dirname "$f")"
	cp -L "$f" "$root$f"
done
(cd "$root" && find . -print0 | cpio --null -o -H newc --quiet -R 0:0) |
	gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
say "initramfs: $out ($(du -h "$out" | cut -f1))"
