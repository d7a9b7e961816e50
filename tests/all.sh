#!/bin/bash
# all.sh PART...: make test: run each PART (a make goal) whether or not
# the ones before it failed, add up the "N passed, N failed[, N skipped]"
# lines that each prints (make check's "N cell(s) passed, N failed"
# too), and end with the sum on a line of its own.  A part that fails
# without counting a failure counts as one.  Exits 1 if anything failed.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
logs=$TOP/build/logs
mkdir -p "$logs"
P=0 F=0 S=0 table=()
for part in "$@"; do
	start=$(date +%s)
	make --no-print-directory -C "$TOP" "$part" 2>&1 | tee "$logs/test-$part.log"
	rc=${PIPESTATUS[0]}
	read -r p f s < <(sed -E -n 's/^([A-Za-z -]+: )?([0-9]+) (cell\(s\) )?passed, ([0-9]+) failed(, ([0-9]+) skipped)?( .*)?$/\2 \4 \6/p' \
		"$logs/test-$part.log" | awk '{ p += $1; f += $2; s += $3 } END { print p + 0, f + 0, s + 0 }')
	[ "$rc" = 0 ] || [ "$f" -gt 0 ] || f=1
	P=$((P + p)) F=$((F + f)) S=$((S + s))
	table+=("$(printf '  %-13s %5d passed %3d failed %3d skipped %6d s%s' "$part" "$p" "$f" "$s" \
		$(($(date +%s) - start)) "$([ "$rc" = 0 ] || echo "  (exit $rc; log: build/logs/test-$part.log)")")")
done
echo "make test:"
printf '%s\n' "${table[@]}"
echo "$P passed, $F failed, $S skipped"
[ "$F" = 0 ]
