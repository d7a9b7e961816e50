#!/bin/bash
# Configure the tree: tinyconfig plus config/lab.config (and any extra
# fragments named in CONFIG_FRAGMENTS), then check that every symbol of the
# fragments took the value asked for.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

frags=("$TOP/config/lab.config")
for f in ${CONFIG_FRAGMENTS:-}; do
	frags+=("$TOP/config/$f")
done

cfg=$OBJ/.config
want=$(cat "${frags[@]}" | sha256sum | cut -d' ' -f1)
if [ -f "$cfg" ] && [ "$(cat "$OBJ/.config.fragments" 2>/dev/null)" = "$want" ]; then
	exit 0
fi

if ! "${KMAKE[@]}" -s rustavailable >"$LOGS/rustavailable.log" 2>&1; then
	cat "$LOGS/rustavailable.log" >&2
	die "the kernel cannot build Rust with this toolchain; run scripts/deps.sh"
fi
say "configuring: tinyconfig + ${frags[*]#"$TOP"/}"
"${KMAKE[@]}" -s tinyconfig >"$LOGS/configure.log" 2>&1
"$TREE/scripts/kconfig/merge_config.sh" -m -O "$OBJ" "$cfg" "${frags[@]}" \
	>>"$LOGS/configure.log" 2>&1
"${KMAKE[@]}" -s olddefconfig >>"$LOGS/configure.log" 2>&1

bad=0
while IFS= read -r line; do
	case $line in CONFIG_*=*) ;; *) continue ;; esac
	sym=${line%%=*}
	if [ "${line#*=}" = n ]; then
		grep -q "^$sym=" "$cfg" || continue
	elif grep -qx "$line" "$cfg"; then
		continue
	fi
	echo "error: $line did not take (got: $(grep "^$sym=" "$cfg" || echo "not set"))" >&2
	bad=1
done < <(cat "${frags[@]}")
[ "$bad" = 0 ] || die "the configuration lacks symbols asked for; see $LOGS/configure.log"
echo "$want" >"$OBJ/.config.fragments"
