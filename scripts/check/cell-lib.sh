# Shared helpers of the cells of make check's build matrix
# (scripts/check/<cell>.sh), with lib.sh's: sourced, not run.
#
# A cell prints "FAIL <cell>: <what>" with the details under it for each
# problem, "SKIP <cell>: <what>" for what it could not check, and ends
# with one result line; it writes that result for the table of
# check/matrix.sh to build/matrix/result-<cell>.
# shellcheck shell=bash
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

MATRIX=$BUILD/matrix
mkdir -p "$MATRIX"
CELL=${CELL:?set CELL before sourcing cell-lib.sh}
FORCE=${FORCE:-0}
cell_problems=0
cell_skips=()
cell_start=$(date +%s)
rm -f "$MATRIX/result-$CELL"

# problem WHAT [DETAILS]: record a failure of this cell and print it.
problem() { cell_problems=$((cell_problems + 1)); fail "$CELL" "$@"; }
# skipped WHAT: something this cell could not check, and why.
skipped() { cell_skips+=("$1"); echo "SKIP $CELL: $1"; }

# finish SUMMARY: the cell's result line and record, and exit: status 1 if
# any problem was recorded.
finish() {
	local status=pass secs=$(($(date +%s) - cell_start)) what=$1
	[ "$cell_problems" = 0 ] || { status=fail; what="$cell_problems problem(s); $what"; }
	[ ${#cell_skips[@]} = 0 ] || what="$what; ${#cell_skips[@]} skipped"
	printf '%s\t%s\t%s\n' "$status" "$secs" "$what" >"$MATRIX/result-$CELL"
	echo "$(tr a-z A-Z <<<"$status") $CELL: $what ($secs s)"
	[ "$status" = pass ]
	exit
}

# series: the series in patches/ as commits of the tree (commit_series,
# cached by the patches' content), with a fixed committer and date: the
# same patches give the same commit ids.  Sets COMMITS and SERIES_PATCHES
# (one entry a patch, in order) and BASE.  Quiet when the series does not
# apply: make check's series cell names the patch.
series() {
	local cache tmp
	tree_base
	series_files
	BASE=$base
	cache=$MATRIX/series-$(echo "$BASE $(series_hash)" | sha256sum | cut -c1-16)
	if [ ! -s "$cache" ]; then
		tmp=$(mktemp "$cache.XXXXXX")
		GIT_COMMITTER_DATE="@0 +0000" commit_series "$tmp" "$BASE" "${patches[@]}" >/dev/null ||
			{ rm -f "$tmp"; return 1; }
		mv "$tmp" "$cache"
	fi
	mapfile -t COMMITS < <(cut -d' ' -f1 "$cache")
	mapfile -t SERIES_PATCHES < <(cut -d' ' -f2- "$cache")
}

# touched [COMMIT]: the files the series changes, base..COMMIT (default
# the last patch), one a line.
touched() {
	git -C "$TREE" diff --name-only "$BASE" "${1:-${COMMITS[-1]}}"
}

# forget_series_objects OBJ SRC COMMIT: remove from OBJ every target that
# was built from a file the series changes up to COMMIT (kbuild's .cmd
# files list each target's sources and headers), so that the next make
# compiles them again and their warnings are seen again (ccache replays
# a C compiler's warnings on a hit).
forget_series_objects() {
	local obj=$1 src=$2 files cmd
	files=$(touched "$3" | sed "s|^|$src/|")
	[ -n "$files" ] || return 0
	find "$obj" -name '.*.cmd' -print0 2>/dev/null |
		xargs -0 -r grep -lF -f <(echo "$files") 2>/dev/null |
		while IFS= read -r cmd; do
			rm -f "$(dirname "$cmd")/$(basename "$cmd" .cmd | sed 's/^\.//')"
		done
}

# checked_build NAME LOG SRC OBJ MAKE-ARGS...: configure and build SRC in
# OBJ with the fragments of CONFIG_FRAGMENTS; a failure or a compiler
# warning is a problem of the cell (returns 1).  A build that passed on
# exactly this source, configuration and toolchain is not rebuilt from
# scratch: make finds it up to date.  Otherwise what the series touches
# is compiled again, so that its warnings show (FORCE=1 always does).
checked_build() {
	local name=$1 log=$2 src=$3 obj=$4 key rc=0 after warns head
	shift 4
	head=$(git -C "$src" rev-parse HEAD)
	# the number of the patch that SRC is at, for plain_make
	after=$(printf '%s\n' "${COMMITS[@]}" | grep -nx "$head" | cut -d: -f1)
	mkdir -p "$obj"
	if ! TREE=$src OBJ=$obj "$TOP/scripts/build/configure.sh" >"$log" 2>&1; then
		problem "$name: configuration failed (log: ${log#"$TOP"/})" "$(tail -n 15 "$log")"
		return 1
	fi
	key=$(build_key "$head" "$@")
	# One kernel build at a time on the machine; a make that finds
	# everything up to date (a stamped build) does not wait for the others.
	if [ "$FORCE" = 1 ] || ! stamped "$key"; then
		forget_series_objects "$obj" "$src" "$head"
		build_lock
	fi
	try_step "$name" "$log" nice -n "${NICE:-10}" env TREE="$src" OBJ="$obj" \
		bash -c '. "$0/scripts/lib.sh"; "${KMAKE[@]}" "$@"' "$TOP" "$@" || rc=$?
	build_unlock
	if [ "$rc" != 0 ]; then
		problem "$name: the build failed (log: ${log#"$TOP"/})" \
			"$(build_errors "$log")"$'\n'"$(plain_make "$after" "$@")"
		return 1
	fi
	warns=$(grep -E -A3 '(^|: )warning(\[[^]]*\])?:' "$log" | head -n 30)
	if [ -n "$warns" ]; then
		problem "$name: compiler warnings (log: ${log#"$TOP"/})" \
			"$warns"$'\n'"$(plain_make "$after" "$@")"
		return 1
	fi
	stamp "$key"
}

# A boot that passed on exactly the same kernel image, kselftests (their
# content: the install is redone each time) and guest is not done again,
# nor are its expectations, unless FORCE=1: with nothing changed, make
# check then takes minutes, not the half hour of the arm64 boot under TCG.
# boot_passed_before FILE...: true when the kernel and kselftests in $OBJ
# (set by the cell after lib.sh: not lib.sh's $KSFT), the report and the
# lines of config/expected that apply (this series', this cell's), and
# FILES (the cell's script) passed a boot before; sets boot_key.
boot_passed_before() {
	local ksft=$OBJ/kselftest-install
	boot_key=
	[ -d "$ksft" ] || return 1
	boot_key=boot-$( {
		sha256sum "$OBJ/$KIMAGE_PATH" "$TOP/guest/init" "$TOP/scripts/run/kselftests.sh" \
			"$TOP"/scripts/{run/report,expected,ktap}.py "$@" | cut -d' ' -f1
		grep -E "^($SERIES|$CELL) " "$TOP/config/expected" || :  # what applies to it
		(cd "$ksft" && find . -type f -print0 | sort -z | xargs -0 sha256sum)
	} | sha256sum | cut -c1-32)
	[ "$FORCE" != 1 ] && [ -s "$MATRIX/$boot_key" ]
}

# boot_passed SUMMARY: record that the boot of boot_passed_before passed,
# with the summary that finish reports for it.
boot_passed() { [ -z "$boot_key" ] || echo "$1" >"$MATRIX/$boot_key"; }

# finish_if_booted_before WHAT FILE...: when boot_passed_before FILE...
# holds, finish the cell with WHAT and the recorded summary, and exit.
finish_if_booted_before() {
	boot_passed_before "${@:2}" || return 0
	echo "  this kernel passed the boot with these kselftests before: not booted again (FORCE=1 boots)"
	finish "$1; boots: $(cat "$MATRIX/$boot_key") (unchanged, not booted again)"
}

# boot_kselftests NAME KERNEL [ALSO]: boot the kernel of $OBJ with the
# kselftests (run/kselftests.sh; logs build/logs/NAME-*.log), a problem
# when they (or ALSO: " or KUnit") fail; totals is the report's last line.
boot_kselftests() {
	local out
	"$TOP/scripts/build/initramfs.sh" >/dev/null || die "initramfs.sh failed"
	echo "  booting $2: pidfd and clone3 kselftests (log: ${LOGS#"$TOP"/}/$1-output.log)"
	if ! out=$(NAME=$1 nice -n "${NICE:-10}" "$TOP/scripts/run/kselftests.sh" 2>&1); then
		problem "the kselftests${3:-} failed on $2" \
			"$(grep -E '^(FAIL|error|KNOWN)' <<<"$out" | head -n 20)"$'\n'"$(tail -n 1 <<<"$out")"
	fi
	totals=$(tail -n 1 <<<"$out")
	echo "    $totals"
}
