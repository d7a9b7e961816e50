#!/bin/bash
# Build and install the kselftest targets (default: pidfd clone3) the
# upstream way, statically linked so that the busybox guest needs no libc:
# $KSFT/run_kselftest.sh (build/obj/kselftest-install for build/linux).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

targets=${TARGETS:-pidfd clone3}
run_step "kernel headers" "$LOGS/headers.log" "${KMAKE[@]}" headers
rm -rf "$KSFT.new"
run_step "kselftests ($targets)" "$LOGS/kselftest-build.log" \
	make -C "$TREE/tools/testing/selftests" -j"$(nproc)" O="$OBJ" \
	TARGETS="$targets" INSTALL_PATH="$KSFT.new" \
	LDFLAGS=-static RUSTC=/usr/bin/rustc install
rm -rf "$KSFT"
mv "$KSFT.new" "$KSFT"
