#!/bin/bash
# make bench: what the clone3 flags cost and save, by bench/pidfd_bench.c in
# guests of the patched kernel and of the base (docs/bench.md, config/knobs).
set -euo pipefail
. "$(dirname "$0")/../lib.sh"

SCALE=${BENCH_SCALE:-1}
ROUNDS=${BENCH_ROUNDS:-3}
GROUPS_=${BENCH_GROUPS:-spawn,kill,close}
OUT=${BENCH_OUT:-$BUILD/bench}
BASE_TREE=${BASE_TREE:-$BUILD/linux-base}
PATCHED_TREE=$(realpath "$TREE")

mkdir -p "$OUT"
OUT=$(realpath "$OUT")

say "building bench/pidfd_bench.c (static)"
gcc -O2 -static -Wall -o "$OUT/pidfd_bench" "$TOP/bench/pidfd_bench.c"

if [ ! -e "$BASE_TREE" ]; then
	repo=$BUILD/linux
	[ -d "$repo" ] || repo=$PATCHED_TREE
	say "base worktree: $BASE_TREE (tag base of $repo)"
	git -C "$repo" worktree add -q "$BASE_TREE" base --detach
fi
BASE_TREE=$(realpath "$BASE_TREE")

commits=$(git -C "$PATCHED_TREE" rev-list --count base..HEAD 2>/dev/null || echo "?")
if [ "$commits" = 0 ] && git -C "$PATCHED_TREE" diff --quiet HEAD 2>/dev/null; then
	echo "warning: $PATCHED_TREE has no change on the base: both kernels are the base" >&2
	echo "         (patches/ empty?  TREE=/path/to/the/series measures another tree)" >&2
fi

for t in "$PATCHED_TREE" "$BASE_TREE"; do
	TREE=$t OBJ='' "$TOP/scripts/build/kernel.sh"
	TREE=$t OBJ='' "$TOP/scripts/build/initramfs.sh"
done

# What the figures came from.
{
	printf 'host\t%s\n' "$(hostname)"
	printf 'cpu\t%s\n' "$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n1)"
	printf 'host_cpus\t%s\n' "$(nproc)"
	printf 'host_mem\t%s\n' "$(free -g | awk '/^Mem:/ {print $2 " GiB"}')"
	printf 'host_kernel\t%s\n' "$(uname -r)"
	printf 'qemu\t%s\n' "$(qemu-system-x86_64 --version | head -n1)"
	printf 'guest\t-smp %s -m %s, accel %s\n' "${SMP:-2}" "${MEM:-2G}" "${ACCEL:-auto}"
	printf 'patched_tree\t%s %s\n' "$PATCHED_TREE" \
		"$(git -C "$PATCHED_TREE" describe --always --dirty 2>/dev/null) ($commits commits on base)"
	printf 'base_tree\t%s %s\n' "$BASE_TREE" "$(git -C "$BASE_TREE" describe --always 2>/dev/null)"
	printf 'scale\t%s\nrounds\t%s\n' "$SCALE" "$ROUNDS"
	printf 'load_before\t%s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
} >"$OUT/host.tsv"

# bench_boot KERNEL MODE ROUND [QEMU options]: one guest, one run.
bench_boot() {
	local label=$1 mode=$2 r=$3 t=$PATCHED_TREE dir=$OUT/raw/$1-$2-r$3
	[ "$label" != base ] || t=$BASE_TREE
	say "$mode round $r: $label kernel"
	TREE=$t OBJ='' NAME=bench-$label SHARE=$OUT QEMU_EXTRA="${*:4}" \
		OUTPUT_SHOW='^pidfd_bench|seconds' \
		"$TOP/scripts/run/boot.sh" --cmd "cp $OUT/pidfd_bench /tmp/pidfd_bench &&
/tmp/pidfd_bench -o $dir -l $label -s $SCALE -g $GROUPS_"
	[ -s "$dir/results.tsv" ] || die "no results from the $label kernel in $dir"
}

rm -rf "$OUT/raw"
mkdir -p "$OUT/raw"
start=$(date +%s)
# Wall-clock time under TCG: ROUNDS boots of each kernel, the order
# alternated so that neither kernel always goes first.
for ((r = 1; r <= ROUNDS; r++)); do
	if ((r % 2)); then order="base patched"; else order="patched base"; fi
	for label in $order; do bench_boot "$label" tcg "$r"; done
done
# Instructions: with -icount shift=0 the guest's clock advances one ns
# per guest instruction, so the same code gives the same count whatever
# the host's load and wherever the code lies (single-threaded TCG).  One
# boot of each kernel: the counts repeat.
if [ "${BENCH_ICOUNT:-1}" = 1 ]; then
	for label in base patched; do
		ACCEL=tcg bench_boot "$label" icount 1 -icount shift=0,sleep=off
	done
fi
printf 'load_after\t%s\n' "$(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/host.tsv"
printf 'bench_seconds\t%s\n' "$(($(date +%s) - start))" >>"$OUT/host.tsv"

# The report needs matplotlib for the plot: the system's, else a venv.
py=python3 venv=$BUILD/bench-venv
if ! python3 -c 'import matplotlib' 2>/dev/null; then
	if ! "$venv/bin/python" -c 'import matplotlib' 2>/dev/null; then
		say "installing matplotlib (PyPI) into ${venv#"$TOP"/}"
		{ python3 -m venv "$venv" && "$venv/bin/pip" install -q matplotlib; } \
			>"$LOGS/bench-venv.log" 2>&1 ||
			echo "warning: could not install matplotlib (see $LOGS/bench-venv.log);" \
				"no plot. By hand: python3 -m pip install matplotlib" >&2
	fi
	"$venv/bin/python" -c 'import matplotlib' 2>/dev/null && py=$venv/bin/python
fi
"$py" "$TOP/scripts/bench/report.py" "$OUT"
