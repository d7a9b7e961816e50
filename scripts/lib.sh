# Shared helpers for the scripts in this directory: sourced, not run.
# shellcheck shell=bash

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${PIDFD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pidfd-lifecycle}
# SERIES picks the series and its tree:
#   kernel     patches/ on Linux 6.19.11, in build/linux (the default)
#   mainline   mainline/ on the newest mainline release Debian serves
#              (7.2.y, which has the flags in C): what mainline still
#              lacks.  Built without Rust, and everything of it under
#              build/mainline/ (its tree build/mainline/linux, objects,
#              logs, the matrix, the mails), so that the two kernel
#              series never share a build directory
#   man-pages  man-pages/ on Debian's man-pages tarball, in build/man-pages
# KERNEL_SERIES is 1 for the two kernel series.
SERIES=${SERIES:-kernel}
BUILD=${BUILD:-$TOP/build$([ "$SERIES" != mainline ] || echo /mainline)}
KERNEL_SERIES=1
SERIES_FRAGMENTS=
# The cells of make check's build matrix besides "series" (check-matrix.sh).
MATRIX_CELLS="rustoff arm64 i386 static"
KNOWN_FAILURES=$TOP/config/known-failures
case $SERIES in
kernel) DEFAULT_TREE=$BUILD/linux DEFAULT_PATCHES=$TOP/patches
	DEFAULT_BASE_VERSIONS="6.19.11 6.19.10 6.19.8 6.19.6" ;;
mainline) DEFAULT_TREE=$BUILD/linux DEFAULT_PATCHES=$TOP/mainline
	DEFAULT_BASE_VERSIONS="7.2.8 7.2.7 7.2.6"
	SERIES_FRAGMENTS=rustoff.config MATRIX_CELLS="i386 static"
	KNOWN_FAILURES=$TOP/config/known-failures-mainline ;;
man-pages) DEFAULT_TREE=$BUILD/man-pages DEFAULT_PATCHES=$TOP/man-pages
	KERNEL_SERIES=0 ;;
*) echo "error: SERIES=$SERIES: kernel, mainline or man-pages" >&2; exit 1 ;;
esac
TREE=${TREE:-$DEFAULT_TREE}
# Objects go apart from the source, one directory a tree and
# configuration; so do the installed kselftests and the initramfs.  Extra
# fragments (CONFIG_FRAGMENTS="debug.config") suffix the directory's name:
# build/obj-debug, build/obj-<tree>-<sum>-debug.
cfgtag=
for f in ${CONFIG_FRAGMENTS:-}; do
	cfgtag=$cfgtag-$(basename "$f" .config)
done
if [ "$TREE" = "$BUILD/linux" ]; then
	OBJ=${OBJ:-$BUILD/obj$cfgtag}
else
	OBJ=${OBJ:-$BUILD/obj-$(basename "$TREE")-$(echo "$TREE" | cksum | cut -c1-6)$cfgtag}
fi
KSFT=$OBJ/kselftest-install
INITRAMFS=$OBJ/initramfs.cpio.gz
PATCHES=${PATCHES:-$DEFAULT_PATCHES}
LOGS=$BUILD/logs
mkdir -p "$BUILD" "$LOGS" "$CACHE"

# KARCH: the architecture to build and boot (x86_64, the default; arm64,
# cross-compiled with Debian's gcc-aarch64-linux-gnu; i386).  KIMAGE is the
# make target of the boot image, $OBJ/$KIMAGE_PATH the image.
KARCH=${KARCH:-x86_64}
case $KARCH in
x86_64) KIMAGE=bzImage KIMAGE_PATH=arch/x86/boot/bzImage KCROSS= ;;
i386) KIMAGE=bzImage KIMAGE_PATH=arch/x86/boot/bzImage KCROSS= ;;
arm64) KIMAGE=Image KIMAGE_PATH=arch/arm64/boot/Image
       KCROSS=${CROSS_COMPILE:-aarch64-linux-gnu-} ;;
*) echo "error: KARCH=$KARCH: want x86_64, arm64 or i386" >&2; exit 1 ;;
esac
# Kernel make with the Debian rustc (the rustup one has no rust-src).
KMAKE=(make -C "$TREE" O="$OBJ" -j"$(($(nproc) + 1))" RUSTC=/usr/bin/rustc
       RUSTDOC=/usr/bin/rustdoc BINDGEN="${BINDGEN:-$HOME/.cargo/bin/bindgen}"
       LIBCLANG_PATH=/usr/lib/llvm-19/lib)
[ "$KARCH" = x86_64 ] || KMAKE+=(ARCH="$KARCH")
[ -z "$KCROSS" ] || KMAKE+=(CROSS_COMPILE="$KCROSS")

# Every mail of both series goes to this list too (new ABI).
API_LIST=linux-api@vger.kernel.org

# is_placeholder ADDRESS: true for an address that nobody reads and that
# must not sign anything: a no-reply address (like the project's own
# placeholder identity, which the committed series carries), the
# reserved .example and .invalid domains, git's guessed "(none)" hosts.
is_placeholder() {
	local a
	a=$(tr '[:upper:]' '[:lower:]' <<<"$1")
	case $a in
	*noreply* | *no-reply* | *.example | *.invalid | *'(none)'* | *@localhost) return 0 ;;
	esac
	return 1
}

die() {
	echo "error: $*" >&2
	exit 1
}

say() {
	echo "==> $*"
}

# run_step NAME LOG CMD...: run CMD with its output in LOG, print the
# elapsed time every 30 s, and on failure point at the log's tail.
run_step() {
	local name=$1 log=$2 start pid rc
	shift 2
	start=$(date +%s)
	say "$name (log: ${log#"$TOP"/})"
	"$@" >"$log" 2>&1 &
	pid=$!
	while ! wait_for "$pid" 30; do
		echo "    ... $name: $(($(date +%s) - start)) s"
	done
	wait "$pid"
	rc=$?
	if [ "$rc" -ne 0 ]; then
		echo "--- last lines of $log ---" >&2
		tail -n 25 "$log" >&2
		die "$name failed (exit $rc) after $(($(date +%s) - start)) s; full log: $log"
	fi
	echo "    $name: done in $(($(date +%s) - start)) s"
}

# wait_for PID SECONDS: true once PID has exited, false on timeout.
wait_for() {
	local i
	for ((i = 0; i < $2; i++)); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 1
	done
	return 1
}
