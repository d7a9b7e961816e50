#!/bin/sh
# In the guest of the debug kernel (make test-debug; config/debug.config
# has kmemleak, without its own periodic scans):
#
#   kmemleak.sh clear    before the tests: scan, and forget the suspects
#                        that the boot left (not ours to judge)
#   kmemleak.sh report   after them: scan, and give the verdict as a KTAP
#                        result that scripts/run/report.py counts: "not ok"
#                        with the suspects, or when kmemleak cannot scan
#
# kmemleak reports an object on the second scan that finds it
# unreferenced and unchanged, and only once it is 5 s old: hence a pause
# and two scans.  KMEMLEAK (the debugfs file) and KMEMLEAK_AGE (the
# pause, seconds) are for the tooling's own tests.
k=${KMEMLEAK:-/sys/kernel/debug/kmemleak}
[ -n "${KMEMLEAK:-}" ] || [ -e "$k" ] ||
	mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null

scan() {
	sleep "${KMEMLEAK_AGE:-5}"
	echo scan 2>&1 >>"$k" && echo scan 2>&1 >>"$k"
}

case $1 in
clear)
	err=$(scan) && echo clear >>"$k" ||
		echo "kmemleak: cannot scan: ${err:-no $k}"
	;;
report)
	echo "TAP version 13"
	echo "1..1"
	echo "# kmemleak: scanning for leaks"
	if ! err=$(scan); then
		echo "not ok 1 kmemleak # cannot scan: $(echo "${err:-no $k}" | head -n 1)"
		exit 1
	fi
	cat "$k" >/tmp/kmemleak.txt
	sed 's/^/# /' /tmp/kmemleak.txt
	n=$(grep -c '^unreferenced object' /tmp/kmemleak.txt)
	if [ "$n" = 0 ]; then
		echo "ok 1 kmemleak"
		exit 0
	fi
	# The first suspect: its size, the task that allocated it, and the
	# first frame of its allocation that is not the allocator's.
	first=$(awk '
		/^unreferenced object/ { if (n++) exit; size = $0
			sub(/.*\(size /, "", size); sub(/\).*/, "", size) }
		/^  comm / { comm = $2; sub(/,$/, "", comm) }
		/^  backtrace/ { bt = 1; next }
		bt && /^    / && !frame && $1 !~ /^_*(kmemleak|kmalloc|kmem_cache|slab|kasan|alloc_|do_kmalloc|kvmalloc|kzalloc|krealloc|pcpu_|vmalloc)/ {
			frame = $1 }
		END { printf "size %s, comm %s, from %s", size, comm, frame }' /tmp/kmemleak.txt)
	echo "not ok 1 kmemleak # $n suspected leak(s); the first: $first"
	exit 1
	;;
*)
	echo "usage: kmemleak.sh clear|report" >&2
	exit 2
	;;
esac
