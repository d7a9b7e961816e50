#!/bin/bash
# make check: the series checks (check/series.sh) and the build matrix,
# one cell a script, scripts/check/<cell>.sh, whose "# Cell:" line says
# what it checks (--list prints them); the cells are "series" and lib.sh's
# MATRIX_CELLS.  Each also runs alone: make check-CELL.  Ends with a
# table; exits 1 if a cell failed.  When every cell but series ran in full
# (CELLS, BISECT, BOOT) and passed, build/check-matrix.ok records the
# series (a real make send needs it).
set -uo pipefail
. "$(dirname "$0")/../lib.sh"

# (SERIES=mainline: series, i386 and static.  Its kernel has no Rust, so
# rustoff would repeat series, and arm64, which is there for Rust's
# per-architecture types, is not worth its half-hour boot.)
ALL="series $MATRIX_CELLS"
if [ "${1:-}" = --list ]; then
	for c in $ALL; do printf '%-8s %s\n' "$c" "$(sed -n 's/^# Cell: //p' "$TOP/scripts/check/$c.sh")"; done
	exit
fi
CELLS=${CELLS:-$ALL}
MATRIX=$BUILD/matrix
mkdir -p "$MATRIX"
for c in $CELLS; do [[ " $ALL " == *" $c "* ]] || die "unknown cell \"$c\" in CELLS (cells: $ALL)"; done

start=$(date +%s)
for c in $CELLS; do
	echo
	say "cell $c"
	log=$LOGS/check-$c.log
	t0=$(date +%s)
	rm -f "$MATRIX/result-$c"
	"$TOP/scripts/check/$c.sh" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	secs=$(($(date +%s) - t0))
	# series.sh writes no result of its own: its last line is the result.
	if [ "$c" = series ]; then
		printf '%s\t%s\t%s\n' "$([ "$rc" = 0 ] && echo pass || echo fail)" "$secs" \
			"$(tail -n 1 "$log" | sed 's/^make check: //')" >"$MATRIX/result-series"
	elif [ ! -f "$MATRIX/result-$c" ]; then
		printf 'fail\t%s\t%s\n' "$secs" "stopped (exit $rc): $(tail -n 1 "$log")" >"$MATRIX/result-$c"
	fi
done

echo
echo "make check: the matrix ($(($(date +%s) - start)) s)"
printf '  %-8s %-5s %6s  %s\n' cell result time what
failed=0 passed=0
for c in $CELLS; do
	IFS=$'\t' read -r status secs what <"$MATRIX/result-$c"
	printf '  %-8s %-5s %5ss  %s\n' "$c" "$status" "$secs" "$what"
	if [ "$status" = pass ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done
knobs=
for v in BISECT BOOT; do
	[ "${!v:-1}" = 1 ] || knobs="$knobs $v=${!v}"
done
series=$(series_hash)
all_matrix=1
for c in $MATRIX_CELLS; do [[ " $CELLS " == *" $c "* ]] || all_matrix=0; done
if [ "$failed" = 0 ] && [ "$all_matrix" = 1 ] && [ -z "$knobs" ]; then
	{ grep -v "^$series\$" "$BUILD/check-matrix.ok" 2>/dev/null | tail -n 20; echo "$series"; } \
		>"$BUILD/check-matrix.ok.tmp"
	mv "$BUILD/check-matrix.ok.tmp" "$BUILD/check-matrix.ok"
fi
echo "make check: $passed cell(s) passed, $failed failed${knobs:+ (with$knobs)}"
[ "$failed" = 0 ]
