#!/bin/bash
# Configure the tree: tinyconfig plus config/lab.config (and any extra
# fragments named in CONFIG_FRAGMENTS), then check that every symbol of the
# fragments took the value asked for.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"

mapfile -t frags < <(config_fragments)

cfg=$OBJ/.config
want=$( (cat "${frags[@]}"; [ "$KARCH" = x86_64 ] || echo "ARCH=$KARCH") |
	sha256sum | cut -d' ' -f1)
if [ -f "$cfg" ] && [ "$(cat "$OBJ/.config.fragments" 2>/dev/null)" = "$want" ]; then
	exit 0
fi

# What the fragments ask for, a later fragment overriding an earlier one
# (as merge_config.sh does): "CONFIG_X=v", or "CONFIG_X=n" for "is not set".
wanted=$(sed -E -e 's/^# (CONFIG_[A-Za-z0-9_]+) is not set$/\1=n/' \
		-e '/^CONFIG_[A-Za-z0-9_]+=/!d' "${frags[@]}" |
	 awk -F= '{ v[$1] = $0; if (!($1 in seen)) { seen[$1] = 1; o[++n] = $1 } }
		  END { for (i = 1; i <= n; i++) print v[o[i]] }')
if grep -qx 'CONFIG_RUST=y' <<<"$wanted" &&
	! "${KMAKE[@]}" -s rustavailable >"$LOGS/rustavailable.log" 2>&1; then
	cat "$LOGS/rustavailable.log" >&2
	die "the kernel cannot build Rust with this toolchain; run scripts/fetch/deps.sh"
fi
log=$LOGS/configure$([ "$OBJ" = "$BUILD/obj" ] || echo "-${OBJ##*/}").log
say "configuring: $([ "$KARCH" = x86_64 ] || echo "ARCH=$KARCH ")tinyconfig + ${frags[*]#"$TOP"/}"
"${KMAKE[@]}" -s tinyconfig >"$log" 2>&1
"$TREE/scripts/kconfig/merge_config.sh" -m -O "$OBJ" "$cfg" "${frags[@]}" \
	>>"$log" 2>&1
"${KMAKE[@]}" -s olddefconfig >>"$log" 2>&1

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
done <<<"$wanted"
[ "$bad" = 0 ] || die "the configuration lacks symbols asked for; see $log"
echo "$want" >"$OBJ/.config.fragments"
