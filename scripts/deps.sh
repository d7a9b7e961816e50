#!/bin/bash
# Install what the harness needs and is missing: Debian packages (as root,
# else print the apt-get line to run) and bindgen-cli from crates.io.
# make check's matrix needs the arm64 cross compiler and C library, QEMU
# for arm64, sparse and Debian's clippy (rust-web-clippy, which matches
# rustc-web; the arm64 guest's own packages come from
# scripts/guest-userland.sh).
# Idempotent and quiet when everything is there.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

PACKAGES=(build-essential flex bison bc libelf-dev libssl-dev cpio kmod
	  xz-utils rsync python3 clang-19 llvm-19 lld-19 libclang-19-dev
	  rustc-web rust-web-src qemu-system-x86 busybox-static libcap-dev
	  perl git git-email rustfmt-web ccache python3-ply python3-git python3-venv
	  gpg gpg-agent mandoc groff-base man-db bsdextrautils
	  gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-system-arm sparse
	  rust-web-clippy)
BINDGEN_VERSION=0.73.2

missing=()
for p in "${PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" != 0 ]; then
		die "missing Debian packages; run:
    sudo apt-get update && sudo apt-get install -y ${missing[*]}
then run make again"
	fi
	run_step "apt-get update" "$LOGS/apt-update.log" apt-get update -q
	run_step "apt-get install ${missing[*]}" "$LOGS/apt-install.log" \
		env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		"${missing[@]}"
fi

bindgen=${BINDGEN:-$HOME/.cargo/bin/bindgen}
if ! "$bindgen" --version 2>/dev/null | grep -q "$BINDGEN_VERSION"; then
	command -v cargo >/dev/null ||
		die "cargo is missing: install Rust with rustup (https://rustup.rs), then run make again"
	run_step "cargo install bindgen-cli $BINDGEN_VERSION (~3 min)" \
		"$LOGS/bindgen-install.log" cargo install --locked \
		--version "$BINDGEN_VERSION" bindgen-cli
fi
[ -x /usr/bin/rustc ] && /usr/bin/rustc --print sysroot >/dev/null ||
	die "/usr/bin/rustc (Debian's rustc-web) does not work; reinstall rustc-web rust-web-src"
