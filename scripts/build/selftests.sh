#!/bin/bash
# Build and install the kselftest targets (default: pidfd clone3) the
# upstream way, statically linked so that the busybox guest needs no libc:
# $KSFT/run_kselftest.sh (build/obj/kselftest-install for build/linux).
set -euo pipefail
. "$(dirname "$0")/../lib.sh"

targets=${TARGETS:-pidfd clone3}
sfx=$([ "$OBJ" = "$BUILD/obj" ] || echo "-${OBJ##*/}")
# Cross-compiled (KARCH=arm64): libcap from Debian's arm64 packages.
cross=()
ldflags=-static
if [ -n "$KCROSS" ]; then
	userland=$("$TOP/scripts/fetch/arm64-userland.sh")
	cross=(ARCH="$KARCH" CROSS_COMPILE="$KCROSS" USERCFLAGS="-isystem $userland/usr/include")
	ldflags="-static -L$userland/usr/lib/aarch64-linux-gnu"
fi
# The headers and the kselftests are made in $OBJ, which a kernel build
# may be writing: the build lock, through the install.
build_lock
run_step "kernel headers" "$LOGS/headers$sfx.log" "${KMAKE[@]}" headers
rm -rf "$KSFT.new"
run_step "kselftests ($targets)" "$LOGS/kselftest-build$sfx.log" \
	make -C "$TREE/tools/testing/selftests" -j"$(nproc)" O="$OBJ" \
	TARGETS="$targets" INSTALL_PATH="$KSFT.new" "${cross[@]}" \
	LDFLAGS="$ldflags" RUSTC="$RUSTC" install
rm -rf "$KSFT"
mv "$KSFT.new" "$KSFT"
