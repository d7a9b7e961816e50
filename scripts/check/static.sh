#!/bin/bash
# Cell: W=1, sparse, kernel-doc, clippy, rustdoc: no new warning
# make check, static cell: the checks the kernel's build bots run, on the
# files the series touches, each compared with the same files of the base
# tree (a warning the base already has is not the series'; line numbers
# are ignored, the series moves them):
#
#   W=1       gcc's extra warnings, on the C files the series changes
#   C=2       sparse, on the same files
#   kernel-doc  scripts/kernel-doc -none -Wall on every C file and header
#             the series changes
#   CLIPPY=1  clippy (Debian's clippy-driver, which matches rustc-web) on
#             the kernel's Rust
#   rustdoc   make rustdoc
#
# The lab configuration (x86_64, Rust on), in worktrees and object
# directories of its own.  The base's warnings are kept (they never
# change); a series whose tree and tools already passed is not checked
# again (FORCE=1 checks anyway).
set -uo pipefail
export CELL=static
. "$(dirname "$0")/cell-lib.sh"

SRC=$BUILD/matrix-src OBJS=$BUILD/obj-static
BSRC=$BUILD/matrix-base OBJB=$BUILD/obj-static-base

cc=$(ccache_cc "")
export CONFIG_FRAGMENTS=

series || { problem "the series does not apply (make check names the patch)"; finish "not checked"; }
# The series' configuration may turn Rust off (SERIES=mainline's
# fragments): then no clippy and no rustdoc.
rust=1
for f in $SERIES_FRAGMENTS; do
	! grep -Eq '^(# CONFIG_RUST is not set|CONFIG_RUST=n)$' "$TOP/config/$f" || rust=0
done
checks="W1 sparse kernel-doc"
[ "$rust" = 0 ] || checks="$checks clippy rustdoc"
[ "$rust" = 0 ] || [ -x "$CLIPPY_DRIVER" ] || die "$CLIPPY_DRIVER missing; run scripts/fetch/deps.sh (package rust-web-clippy)"
command -v sparse >/dev/null || die "sparse missing; run scripts/fetch/deps.sh (package sparse)"

me=$(cat "$0" "$TOP/scripts/check/new-warnings.py" | sha256sum | cut -c1-16)
tools="$(sparse --version) $([ "$rust" = 0 ] || "$CLIPPY_DRIVER" --version)"
key=$(build_key "${COMMITS[-1]}" static "$me" "$tools")
if [ "$FORCE" != 1 ] && stamped "$key"; then
	echo "  this tree passed these checks before with the same tools (FORCE=1 checks again)"
	finish "no new warning: W=1, sparse, kernel-doc$([ "$rust" = 0 ] || echo ", clippy, rustdoc") (unchanged)"
fi

files=$MATRIX/static-files
touched | grep -v '^tools/' >"$files"
mapfile -t cfiles < <(grep -E '\.c$' "$files")
mapfile -t docfiles < <(grep -E '\.[ch]$' "$files")
# Make targets of the C files: rust/helpers/*.c are built as part of
# rust/helpers/helpers.o.
targets() { # TREE: the objects of cfiles that TREE has
	local f
	for f in "${cfiles[@]}"; do
		[ -f "$1/$f" ] || continue
		case $f in
		rust/helpers/*) echo rust/helpers/helpers.o ;;
		*) echo "${f%.c}.o" ;;
		esac
	done | sort -u
}

# smake SRC OBJ SIDE-CHECK MAKE-ARGS...: the kernel make of one check.
smake() {
	local src=$1 obj=$2 name=$3.log rc=0
	shift 3
	: >"$LOGS/check-static-$name"
	build_lock
	try_step "$name" "$LOGS/check-static-$name" nice -n "${NICE:-10}" env TREE="$src" OBJ="$obj" \
		bash -c '. "$0/scripts/lib.sh"; "${KMAKE[@]}" "$@"' "$TOP" "$cc" "$@" || rc=$?
	build_unlock
	return $rc
}

# run_checks SIDE SRC OBJ: every check on one tree; logs
# build/logs/check-static-SIDE-CHECK.log.  False if a check could not run.
run_checks() {
	local side=$1 src=$2 obj=$3 t f ok=0
	mkdir -p "$obj"
	TREE=$src OBJ=$obj "$TOP/scripts/build/configure.sh" >"$LOGS/check-static-$side-configure.log" 2>&1 || {
		problem "$side: configuration failed" "$(tail -n 10 "$LOGS/check-static-$side-configure.log")"
		return 1
	}
	mapfile -t t < <(targets "$src")
	# W=1: compile again (ccache replays the warnings) what the series touches.
	for f in "${t[@]}"; do rm -f "$obj/$f"; done
	smake "$src" "$obj" "$side-W1" W=1 "${t[@]}" || ok=1
	smake "$src" "$obj" "$side-sparse" W=1 C=2 "${t[@]}" || ok=1
	for f in "${docfiles[@]}"; do
		[ ! -f "$src/$f" ] || (cd "$src" && scripts/kernel-doc -none -Wall "$f")
	done >"$LOGS/check-static-$side-kernel-doc.log" 2>&1
	[ "$rust" = 1 ] || return $ok
	# Clippy on the Rust crates: the kernel crate is compiled again so
	# that its warnings show.
	rm -f "$obj/rust/kernel.o"
	smake "$src" "$obj" "$side-clippy" CLIPPY=1 CLIPPY_DRIVER="$CLIPPY_DRIVER" rust/ || ok=1
	smake "$src" "$obj" "$side-rustdoc" rustdoc || ok=1
	return $ok
}

# The base side once: its logs are kept, keyed by the base and the tools.
bkey=$(build_key "$BASE" static-base "$me" "$tools")
if [ "$FORCE" = 1 ] || ! stamped "$bkey" ||
	[ "$(cat "$MATRIX/static-base-files" 2>/dev/null)" != "$(cat "$files")" ]; then
	echo "  the base tree's warnings (once; worktree ${BSRC#"$TOP"/})"
	worktree_at "$BSRC" "$BASE" || die "could not check out $BSRC"
	if run_checks base "$BSRC" "$OBJB"; then
		cp "$files" "$MATRIX/static-base-files"
		stamp "$bkey"
	else
		problem "the checks do not run on the base tree (logs: ${LOGS#"$TOP"/}/check-static-base-*.log)"
	fi
	exec 7>&-
fi
echo "  the series' tree"
worktree_at "$SRC" "${COMMITS[-1]}" || die "could not check out $SRC"
run_checks series "$SRC" "$OBJS" ||
	problem "a check did not run to the end on the series (logs: ${LOGS#"$TOP"/}/check-static-series-*.log)" \
		"$(for l in "$LOGS"/check-static-series-*.log; do build_errors "$l"; done | head -n 30)"

# plain_static CHECK: the commands that show CHECK's warnings on a kernel
# tree without this project's tooling.
plain_static() {
	# shellcheck disable=SC2046 # one target a word
	case $1 in
	W1) plain_make "${#COMMITS[@]}" W=1 $(targets "$SRC") ;;
	sparse) plain_make "${#COMMITS[@]}" W=1 C=2 $(targets "$SRC") ;;
	clippy) plain_make "${#COMMITS[@]}" CLIPPY=1 rust/ ;;
	rustdoc) plain_make "${#COMMITS[@]}" rustdoc ;;
	kernel-doc) echo "again, on the base with patches 1-${#COMMITS[@]} applied (git am):"
		echo "  scripts/kernel-doc -none -Wall ${docfiles[*]}" ;;
	esac
}

clean=() warned=()
for check in $checks; do
	if new=$("$TOP/scripts/check/new-warnings.py" --base "$LOGS/check-static-base-$check.log" \
		--series "$LOGS/check-static-series-$check.log" --files "$files" \
		--strip "$SRC" --strip "$BSRC" --strip "$OBJS" --strip "$OBJB"); then
		echo "    $check: no new warning"
		clean+=("${check/W1/W=1}")
	else
		problem "$check: new warnings in the files the series touches (log: ${LOGS#"$TOP"/}/check-static-series-$check.log)" \
			"$new"$'\n'"$(plain_static "$check")"
		warned+=("${check/W1/W=1}")
	fi
done
# join WORD...: the words, separated by ", ".
join() { local out; printf -v out '%s, ' "$@"; echo "${out%, }"; }
norust=$([ "$rust" = 1 ] || echo " (no Rust: no clippy, rustdoc)")
if [ ${#warned[@]} = 0 ]; then
	[ "$cell_problems" != 0 ] || stamp "$key"
	finish "no new warning: $(join "${clean[@]}")$norust"
else
	finish "new warnings: $(join "${warned[@]}"); none from: $(join "${clean[@]:-nothing}")$norust"
fi
