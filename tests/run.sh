#!/bin/bash
# Tests of the harness itself: the result parser, the tree/export round
# trip, and clear errors on bad input.  Needs the materialised tree only
# for kunit.py.  Prints "N passed, N failed" and exits non-zero on failure.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/lib.sh"
F=$TOP/tests/fixtures
KUNIT=$TOP/build/linux/tools/testing/kunit/kunit.py
tmp=$(mktemp -d)
trap '[ -z "${http:-}" ] || kill "$http" 2>/dev/null; rm -rf "$tmp"' EXIT

X=$TOP/scripts/check/rust-exports.sh
check "exports: v1's hook and kill exported to modules are caught" 1 \
	'Task17kill_thread_group' "$X" "$F/exports-v1.h"
check "exports: a KUnit wrapper named after autokill is no export of a kill" 0 \
	'^exports: 2 symbols' "$X" "$F/exports-clean.h"
check "exports: a missing header is an error" 1 'no /nonexistent.h: build' \
	"$X" /nonexistent.h

# The installer's plan for qemu-system-x86, on apt's recorded answers:
# Debian 12 with today's image (qemu-utils 10.0 from backports: apt would
# remove it), the same without backports' way out, and Debian 13.
mkdir -p "$tmp/fakebin"
for t in apt-get apt-cache dpkg-query; do ln -s "$F/apt/fake" "$tmp/fakebin/$t"; done
cp -r "$F/apt/bookworm" "$tmp/no-bpo" && rm "$tmp/no-bpo/sim-bpo"
plan() { FAKE_APT=$1 PATH=$tmp/fakebin:$PATH PIDFD_CACHE=$tmp/cache "$TOP/scripts/fetch/deps.sh" --plan qemu-system-x86; }
check "deps: a plan that removes qemu-utils is refused; backports has its version" 0 \
	'^apt-get .*-t [a-z]+-backports install -y -q qemu-system-x86 $' plan "$F/apt/bookworm"
plan_lines() { plan "$1" | wc -l; }
check "deps: ... and nothing else is planned" 0 '^1$' plan_lines "$F/apt/bookworm"
check "deps: no way out names the conflict and the remedy" 1 \
	'qemu-system-x86 must be of the version of the installed qemu-utils \(1:10.0.2' plan "$tmp/no-bpo"
check "deps: Debian 13 installs it plainly" 0 '^apt-get install -y -q qemu-system-x86 $' plan "$F/apt/trixie"

# A failed step, under set -e as the scripts run: the log's tail and what
# failed, not a silent exit.
step() { bash -c 'set -euo pipefail; . "$0/scripts/lib.sh"; '"$1" "$TOP"; }
run_step_fails="run_step demo $tmp/step.log bash -c 'echo the compiler said no; exit 3'; echo not reached"
check "run_step: a failed step says what failed" 1 \
	'^error: demo failed \(exit 3\) after [0-9]+ s; full log: ' step "$run_step_fails"
check "run_step: ... and shows its log's tail" 1 '^the compiler said no$' step "$run_step_fails"
try_step_fails="try_step demo $tmp/step.log bash -c 'exit 3' || echo returned \$?"
check "try_step: a failed step says FAILED" 0 '^    demo: FAILED \(exit 3\) in [0-9]+ s$' \
	step "$try_step_fails"
check "try_step: ... and returns its status" 0 '^returned 3$' step "$try_step_fails"

# A full disk is named before tar or the compiler trip over it.
check "need_space: too little room says how much and what to do" 1 \
	'^error: a demo needs about 999999 GB free in .*; [0-9]+ GB are free\. Free space' \
	step "need_space $tmp/not-yet 999999 'a demo'"

# The helpers that each job has one of (scripts/lib.sh).
mkdir -p "$tmp/a series"
ser=$tmp/a\ series
printf 'From x\nSubject: [PATCH v3 0/2] toy\n\nbody\n' >"$ser/0000-cover-letter.patch"
printf 'From x\nSubject: [PATCH v3 1/2] one\n\n' >"$ser/0001-one.patch"
lib() { PATCHES=$ser PIDFD_CACHE=$tmp/cache step "$1"; }
check "series_version: [PATCH v3 0/2] is 3" 0 '^3$' lib series_version
subjects() {
	lib 'for s in "[PATCH 0/2] t" "[PATCH v2 RESEND 0/2] t" "[PATCH RFC v4 0/2] t" \
			"[PATCH v5 0/2] a title\n folded"; do
		printf "Subject: $s\n\n" >"$PATCHES/c"; printf "%s " "$(series_version "$PATCHES/c")"
	done; series_version /none'
}
check "series_version: none, RESEND, RFC, folded, no file" 0 '^1 2 4 5 1$' subjects
h1=$(lib series_hash)
echo '{}' >"$ser/b4.json"
check "series_hash: b4.json is not part of the series (a path with a space)" 0 "^$h1\$" lib series_hash
echo edit >>"$ser/0001-one.patch"
hash_changed() { [ "$(lib series_hash)" != "$h1" ] && echo changed; }
check "series_hash: ... an edited patch is" 0 '^changed$' hash_changed
check "ccache_cc: KLLVM's clang, and one ccache under the project's cache" 0 \
	"^CC=ccache /usr/lib/llvm-19/bin/clang $tmp/cache/ccache\$" \
	lib 'echo $(KLLVM=/usr/lib/llvm-19/bin/ ccache_cc) $(bash -c "echo \$CCACHE_DIR")'
check "plain_make: the configuration and make a maintainer types, without ccache" 0 \
	'^  make ARCH=i386 LLVM=/l/ RUSTC=[^ ]+ BINDGEN=[^ ]+ LIBCLANG_PATH=[^ ]+ bzImage$' \
	lib 'KARCH=i386 KLLVM=/l/ plain_make 2 "CC=ccache clang" bzImage'
check "plain_make: ... no Rust tools where a fragment turns Rust off" 0 '^  make bzImage$' \
	lib 'CONFIG_FRAGMENTS=rustoff.config plain_make 2 bzImage'
( PIDFD_CACHE=$tmp/cache bash -c '. "$0/scripts/lib.sh"; build_lock; touch "$1"; sleep 10' "$TOP" "$tmp/locked" ) &
holder=$!
for _ in $(seq 100); do [ -e "$tmp/locked" ] && break; sleep 0.1; done
check "build_lock: a second kernel build waits, and says so" 124 '^==> waiting for another kernel build' \
	env PIDFD_CACHE="$tmp/cache" timeout 2 bash -c '. "$0/scripts/lib.sh"; build_lock; echo got it' "$TOP"
kill "$holder" 2>/dev/null
wait 2>/dev/null

# What make check shows of a failed build: rustc's errors, each of them,
# the linker's with the function it is in, and make's "***" line once.
cat >"$tmp/rustc.log" <<'EOF'
error[E0308]: mismatched types
   --> rust/kernel/pidfs.rs:204:31
    |
204 |         let root: *const i8 = c"/".as_ptr();
error[E0308]: mismatched types
   --> rust/kernel/pidfs.rs:208:55
error: aborting due to 2 previous errors
make[4]: *** [rust/Makefile:693: rust/kernel.o] Error 1
make[4]: *** [rust/Makefile:693: rust/kernel.o] Error 1
make[1]: *** [Makefile:1290: prepare] Error 2
EOF
cat >"$tmp/ld.log" <<'EOF'
  LD      vmlinux.o
ld: vmlinux.o: in function `pidfd_autokill_release':
pidfs.c:(.text+0x1c2): undefined reference to `pidfs_autokill'
make[4]: *** [scripts/Makefile.vmlinux:72: vmlinux.unstripped] Error 1
EOF
errors() { bash -c 'set -euo pipefail; . "$0/scripts/lib.sh"; build_errors "$1" | grep -c -- "$2"' "$TOP" "$@"; }
check "build_errors: every rustc error is shown" 0 '^2$' errors "$tmp/rustc.log" 'error\[E0308\]'
check "build_errors: ... and make's first *** line, once" 0 '^1$' \
	errors "$tmp/rustc.log" 'kernel.o\] Error 1'
check "build_errors: the linker's undefined reference, with its function" 0 '^1$' \
	errors "$tmp/ld.log" "in function .pidfd_autokill_release"
check "build_errors: ... and the symbol" 0 '^1$' errors "$tmp/ld.log" "undefined reference to .pidfs_autokill"

R=$TOP/scripts/run/report.py
check "report: passing kselftest log" 0 '^3 passed, 0 failed, 1 skipped$' \
	"$R" --kselftest "$F/ksft-pass.log"
check "report: failures, a timeout and a crash each count" 1 \
	'^2 passed, 3 failed, 0 skipped$' "$R" --kselftest "$F/ksft-fail.log"
check "report: the failing case is named" 1 \
	'FAIL: selftests: pidfd: autoreap_test: autoreap.exit_status' \
	"$R" --kselftest "$F/ksft-fail.log"
check "report: a timeout is a failure" 1 'FAIL: selftests: pidfd: pidfd_wait \(TIMEOUT' \
	"$R" --kselftest "$F/ksft-fail.log"
check "report: truncated output is a failure" 1 'planned 2 programs, reported 0' \
	"$R" --kselftest "$F/ksft-truncated.log"
check "report: empty output is a failure" 1 'no kselftest results' \
	"$R" --kselftest /dev/null
# config/expected, one reader (scripts/expected.py) for report.py and
# compare.py: a program that fails for a reason outside the series, one
# that must pass every case (the rustoff cell), WHERE picking the lines.
printf '%s\n' 'kernel fails ^pidfd:pidfd_open_test$ a reason of its own' \
	'rustoff passes ^pidfd:pidfd_autoreap_test$ no Rust needed' \
	'rustoff passes ^pidfd:pidfd_nnp_test$ no Rust needed' \
	'rustoff passes ^pidfd:pidfd_xattr_test$ it must run' >"$tmp/exp"
rep() { "$R" --expected "$tmp/exp" --kselftest "$@"; }
check "report: a known failure counts as a skip, with its reason" 1 \
	'KNOWN FAILURE .*pidfd_open_test: a reason of its own' rep "$F/ksft-fail.log" --where kernel
check "report: ... for its series only" 1 '^2 passed, 3 failed, 0 skipped$' rep "$F/ksft-fail.log" --where mainline
echo 'kernel fails clone3:clone3 x' >"$tmp/exp-pass"
check "report: a known failure that passes is pointed out" 0 \
	'NOTE: selftests: clone3: clone3 is listed as failing \(exp-pass:1\)' \
	"$R" --kselftest "$F/ksft-pass.log" --expected "$tmp/exp-pass" --where kernel
check "report: a case that must pass and skipped fails, naming the case and reason" 1 \
	'FAIL: pidfd:pidfd_autoreap_test: autoreap.with_autokill skipped but must pass \(exp:2: no Rust needed\): SKIP kernel does not support CLONE_PIDFD_AUTOKILL' \
	rep "$F/ksft-rustoff.log" --where rustoff
check "report: ... and so does a program that must pass and did not run" 1 \
	'FAIL: \^pidfd:pidfd_xattr_test\$ did not run' rep "$F/ksft-rustoff.log" --where rustoff
echo 'rustoff passes ^pidfd:autoreap_test$ x' >"$tmp/exp-fail"
check "report: ... a failed case of it counts once" 1 '^2 passed, 3 failed, 0 skipped$' \
	"$R" --kselftest "$F/ksft-fail.log" --expected "$tmp/exp-fail" --where rustoff
check "report: a known failure that did not run is pointed out" 0 \
	'NOTE: \^pidfd:pidfd_open_test\$ is listed as failing \(exp:1\) but did not run' \
	rep "$F/ksft-rustoff.log" --where kernel
echo 'rustof passes ^pidfd:x$ a typo' >"$tmp/exp-typo"
check "expected: a line of an unknown WHERE or KIND is an error, named" 1 '^.*exp-typo:1: want "WHERE KIND PATTERN REASON"' \
	"$R" --kselftest "$F/ksft-pass.log" --expected "$tmp/exp-typo" --where rustoff
printf '%s\n' 'TAP version 13' 1..1 '# ok 1 autoreap.not_inherited' \
	'ok 1 selftests: pidfd: pidfd_autoreap_test' >"$tmp/ksft-one"
check "report: ... and a program that must pass, whose cases all passed, passes" 0 \
	'^1 passed, 0 failed, 0 skipped$' "$R" --kselftest "$tmp/ksft-one" \
	--expected <(sed -n 2p "$tmp/exp") --where rustoff
check "report: KUnit results counted" 0 '^5 passed, 0 failed, 1 skipped$' \
	"$R" --kselftest "$F/ksft-pass.log" --console "$F/console-clean.log" \
	--kunit-tool "$KUNIT"
check "report: a KUnit failure fails" 1 'FAIL: kunit: .*rust_doctest_kernel_b' \
	"$R" --console "$F/console-kunit-fail.log" --kunit-tool "$KUNIT"
check "report: missing KUnit results fail" 1 'no KUnit results' \
	"$R" --console "$F/console-no-kunit.log" --kunit-tool "$KUNIT"
check "report: a kernel WARNING fails" 1 'kernel splat: .*WARNING: CPU: 0' \
	"$R" --console "$F/console-warning.log"
D=$F/console-debug-splats.log
check "report: debug kernel: one failure a splat, not a line" 1 \
	'^0 passed, 8 failed, 0 skipped$' "$R" --console "$D"
for kind in 'debugobjects\] .*:8: .*ODEBUG: free active' \
	'lockdep\] .*:18: .*circular locking' 'RCU\] .*:33: .*suspicious RCU' \
	'sleep in atomic\] .*:38: ' 'list corruption\] .*:42: ' \
	'WARNING\] .*:46: .*kernel/exit.c' 'WARNING\] .*:50: .*fs/pidfs.c' \
	'KASAN\] .*:54: .*slab-use-after-free'; do
	check "report: debug kernel: names the splat [${kind%%\\]*}]" 1 \
		"^FAIL: kernel splat: \\[$kind" "$R" --console "$D"
done
check "report: debug kernel: a summary by kind" 1 \
	'^kernel splats by kind: KASAN 1, RCU 1, WARNING 2, debugobjects 1' \
	"$R" --console "$D"
check "report: debug kernel: its boot banners are no splat" 0 \
	'^0 passed, 0 failed, 0 skipped$' "$R" --console "$F/console-debug-clean.log"

# The debug kernel's kmemleak, after the kselftests (guest/kmemleak.sh,
# on a recorded report instead of debugfs): a leak fails, named.
KML=$TOP/guest/kmemleak.sh
kml() { # FIXTURE: the script's report, appended to a passing run's output
	cp "$1" "$tmp/kmemleak"
	grep -v '^LAB-EXIT' "$F/ksft-pass.log" >"$tmp/kml-out.log"
	KMEMLEAK=$tmp/kmemleak KMEMLEAK_AGE=0 sh "$KML" report >>"$tmp/kml-out.log"
	echo "exit $?"
	cat "$tmp/kml-out.log"
}
check "kmemleak: suspects fail, the first named" 0 \
	'^not ok 1 kmemleak # 2 suspected leak\(s\); the first: size 64, comm "pidfd_autokill_", from pidfs_alloc_file\+0x8a/0x1f0$' \
	kml "$F/kmemleak-leaks.txt"
check "kmemleak: ... with their report in the log" 0 '^#     pidfd_prepare\+0x5c/0xb0$' kml "$F/kmemleak-leaks.txt"
check "kmemleak: ... and the script says so" 0 '^exit 1$' kml "$F/kmemleak-leaks.txt"
kml_report() { kml "$1" >/dev/null; "$R" --kselftest "$tmp/kml-out.log"; }
check "report: a kmemleak suspect is a failure" 1 \
	'^FAIL: kmemleak \(2 suspected leak\(s\); the first: size 64' kml_report "$F/kmemleak-leaks.txt"
check "report: ... counted once" 1 '^3 passed, 1 failed, 1 skipped$' kml_report "$F/kmemleak-leaks.txt"
check "report: no suspect passes" 0 '^4 passed, 0 failed, 1 skipped$' kml_report /dev/null
kml_noscan() { KMEMLEAK=$tmp/no/such/dir/kmemleak KMEMLEAK_AGE=0 sh "$KML" report; }
check "kmemleak: a scan that fails is a failure" 1 '^not ok 1 kmemleak # cannot scan: ' kml_noscan

# The tree/export round trip on a toy "kernel": patches out, patches in,
# byte for byte, and a second export changes nothing.
toy=$tmp/toy
mkdir -p "$toy/kernel" "$tmp/patches"
printf 'kernelversion:\n\t@echo 0.0.1\n' >"$toy/Makefile"
printf 'int x;\n' >"$toy/kernel/a.c"
tar -C "$tmp" -cJf "$tmp/toy.tar.xz" toy
env1=(env BUILD=$tmp/b1 PIDFD_CACHE=$tmp/cache KERNEL_SRC=$tmp/toy.tar.xz
      PATCHES=$tmp/patches)
check "tree: imports a base and tags it" 0 'tree at .*0 patch' \
	"${env1[@]}" "$TOP/scripts/series/tree.sh"
g=(git -C "$tmp/b1/linux" -c user.name=T -c user.email=t@localhost)
printf 'int x = 1;\n' >"$tmp/b1/linux/kernel/a.c"
"${g[@]}" commit -qam 'kernel: set x' -m 'Because.' -s
"${g[@]}" notes add -m 'A note for reviewers.' -m 'Second paragraph.'
"${g[@]}" config branch.master.description "$(printf 'toy: a series\n\nIt sets x.')"
check "export: writes the patch and a cover letter" 0 'exported 1 patch' \
	"${env1[@]}" "$TOP/scripts/series/export.sh"
check "export: base-commit recorded" 0 'base-commit: [0-9a-f]{40}' \
	cat "$tmp/patches/0000-cover-letter.patch"
check "export: a second export changes nothing" 0 'up to date' \
	"${env1[@]}" "$TOP/scripts/series/export.sh"
env2=(env BUILD=$tmp/b2 PIDFD_CACHE=$tmp/cache KERNEL_SRC=$tmp/toy.tar.xz
      PATCHES=$tmp/patches)
check "tree: a fresh tree applies the series" 0 'tree at .*1 patch' \
	"${env2[@]}" "$TOP/scripts/series/tree.sh"
check "tree: the same base commit id everywhere" 0 '^$' \
	diff <(git -C "$tmp/b1/linux" rev-parse base) \
	     <(git -C "$tmp/b2/linux" rev-parse base)
cp -r "$tmp/patches" "$tmp/patches.before"
check "export: from the fresh tree, byte for byte the same" 0 'up to date' \
	"${env2[@]}" "$TOP/scripts/series/export.sh"
check "export: cover letter survives the round trip" 0 '^$' \
	diff -r "$tmp/patches.before" "$tmp/patches"
check "export: notes below --- survive the round trip" 0 'Second paragraph' \
	git -C "$tmp/b2/linux" notes show HEAD
touch -m -d 2001-01-01T12:00:00Z "$tmp/b2/linux/kernel/a.c"
sed -i 's/^It sets x\.$/It sets x, nothing else./' "$tmp/patches/0000-cover-letter.patch"
check "tree: re-applying the series keeps the mtime of unchanged files" 0 \
	'^2001-01-01 12:00$' "${env2[@]}" bash -c \
	"'$TOP/scripts/series/tree.sh' >/dev/null && date -u -r '$tmp/b2/linux/kernel/a.c' '+%F %R'"
check "tree: the change of the series was applied" 0 'nothing else' \
	git -C "$tmp/b2/linux" config branch.master.description
printf 'int x = 2;\n' >"$tmp/b2/linux/kernel/a.c"
"${g[@]/b1/b2}" commit -qam 'kernel: set x again' -s
printf 'oops\n' >>"$tmp/patches/0001-kernel-set-x.patch"
check "tree: refuses to drop work that was not exported" 1 'export the tree first' \
	"${env2[@]}" "$TOP/scripts/series/tree.sh"
# commit_series, the one way the tools apply a series, gives what git am
# gives: the same tree, author, date and message.
am_and_commit_series() {
	local t=$tmp/am p=("$tmp/patches.before"/0001-*.patch)
	rm -rf "$t" && git clone -q "$tmp/b2/linux" "$t" && git -C "$t" checkout -q base
	git -C "$t" -c user.name=A -c user.email=a@localhost am -q "${p[@]}"
	TREE=$t BUILD=$tmp/b2 PIDFD_CACHE=$tmp/cache step "commit_series $tmp/cs base ${p[*]}"
	diff <(git -C "$t" log -1 --format='%T %an <%ae> %ad%n%B' HEAD) \
		<(git -C "$t" log -1 --format='%T %an <%ae> %ad%n%B' "$(cut -d' ' -f1 "$tmp/cs")") && echo same
}
check "commit_series: the same commit as git am (tree, author, date, message)" 0 '^same$' am_and_commit_series
cs() { TREE=$tmp/am BUILD=$tmp/b2 PIDFD_CACHE=$tmp/cache step "commit_series $tmp/cs2 base $1" && cat "$tmp/cs2"; }
sed '/^From: /d' "$tmp/patches.before"/0001-*.patch >"$tmp/noauthor.patch"
check "commit_series: a mail without an author is a FAIL naming it, not a commit" 1 \
	'^FAIL .*noauthor.patch: does not apply \(git am\) on top of base$' cs "$tmp/noauthor.patch"
check "commit_series: ... with git's reason" 1 'git cannot commit it: .*empty ident name' cs "$tmp/noauthor.patch"
check "commit_series: commits without a git identity of the user's" 0 '^[0-9a-f]{40} ' \
	env HOME="$tmp/nohome" GIT_CONFIG_NOSYSTEM=1 EMAIL= bash -c "$(declare -f cs step); TOP=$TOP tmp=$tmp; cs $tmp/patches.before/0001-*.patch"
# A base that config/upstream-bases lists: base-commit: names its
# upstream commit, which no import has, rather than the import commit.
printf '%s Linux 0.0.1\n' 0123456789abcdef0123456789abcdef01234567 >"$tmp/bases"
mkdir -p "$tmp/patches.up"
check "export: base-commit: is the upstream commit of a listed base" 0 \
	'^base-commit: 0123456789abcdef0123456789abcdef01234567$' \
	env BUILD="$tmp/b1" PIDFD_CACHE="$tmp/cache" PATCHES="$tmp/patches.up" \
	UPSTREAM_BASES="$tmp/bases" bash -c \
	"'$TOP/scripts/series/export.sh' >/dev/null && cat '$tmp/patches.up/0000-cover-letter.patch'"

# SERIES= picks the series; the mainline one lives under build/mainline/.
where() { env -u BUILD -u TREE -u OBJ -u PATCHES "$@" bash -c '. "$0/scripts/lib.sh"; echo "$TREE $OBJ $PATCHES $LOGS $SERIES_FRAGMENTS"' "$TOP"; }
check "series: SERIES=mainline has its tree, objects, patches and logs apart" 0 \
	"^$TOP/build/mainline/linux $TOP/build/mainline/obj $TOP/mainline $TOP/build/mainline/logs rustoff.config\$" \
	where SERIES=mainline
check "series: the default series is the 6.19 one, with Rust" 0 \
	"^$TOP/build/linux $TOP/build/obj $TOP/patches $TOP/build/logs \$" where
check "series: an unknown SERIES is a clear error" 1 'SERIES=bogus: kernel, mainline or man-pages' \
	where SERIES=bogus
check "series: SERIES=mainline messages name it" 1 'run make tree SERIES=mainline first' \
	env SERIES=mainline BUILD="$tmp/b5" "$TOP/scripts/series/export.sh"

check "fetch: a missing KERNEL_SRC is a clear error" 1 'KERNEL_SRC=/nonexistent does not exist' \
	env KERNEL_SRC=/nonexistent BUILD=$tmp/b3 "$TOP/scripts/fetch/base-kernel.sh"
# fetch/debian-source.sh against a stand-in apt configuration (APT_CONFIG) whose
# Debian entry names a fake, signed archive on 127.0.0.1 (mirror "a",
# toy 1.0); MIRROR= points at another (mirror "b", toy 1.1).
# fetched CMD...: run CMD, keep its output and status for seen.
fetched() {
	"$@" >"$tmp/fetch.out" 2>&1
	echo $? >"$tmp/fetch.rc"
}
seen() {
	cat "$tmp/fetch.out"
	return "$(cat "$tmp/fetch.rc")"
}
fetch_tests() {
	local www=$tmp/www etc=$tmp/etc/apt port sums=$tmp/sums v sum
	mkdir -p "$etc/sources.list.d" "$etc/apt.conf.d" "$tmp/etc2/apt/apt.conf.d"
	: >"$sums"
	for m in a:1.0 b:1.1; do
		"$TOP/tests/fake-mirror.sh" "$www/${m%:*}/debian" sid toy "${m#*:}" |
			while read -r v sum; do echo "$sum  toy_$v.orig.tar.xz"; done >>"$sums"
	done
	(cd "$www" && exec python3 -m http.server -b 127.0.0.1 0 \
		>"$tmp/http.out" 2>"$tmp/http.log") &
	http=$!
	for _ in $(seq 50); do
		port=$(sed -n 's/.* port \([0-9]*\) .*/\1/p' "$tmp/http.out")
		[ -n "$port" ] && break
		sleep 0.1
	done
	[ -n "$port" ] || { not_ok "fetch: the fake mirror's HTTP server did not start"; return; }
	url=http://127.0.0.1:$port
	# Before the Debian entry: another archive (security) and a third
	# party's suite, neither of which is the mirror.
	cat >"$etc/sources.list.d/debian.sources" <<-SRC
		Types: deb
		URIs: $url/x/debian-security
		Suites: bookworm-security
		Components: main

		Types: deb
		URIs: $url/x/vendor
		Suites: nodistro
		Components: main

		Types: deb
		URIs: $url/a/debian
		Suites: bookworm bookworm-updates
		Components: main
		Signed-By: $www/a/debian/key.gpg
	SRC
	printf 'Dir::Etc "%s/";\n' "$etc" >"$tmp/apt.conf"
	# The one-line format: /etc/apt/sources.list.
	printf 'deb http://127.0.0.1:%s/x/vendor cloud-sdk-bookworm main\ndeb [arch=amd64 signed-by=%s] %s/b/debian bookworm main\n' \
		"$port" "$www/b/debian/key.gpg" "$url" >"$tmp/etc2/apt/sources.list"
	printf 'Dir::Etc "%s/etc2/apt/";\n' "$tmp" >"$tmp/apt2.conf"
	fs=(env APT_CONFIG=$tmp/apt.conf SUITES=sid SOURCES_SHA256=$sums
	    "$TOP/scripts/fetch/debian-source.sh")
	fetched env PIDFD_CACHE="$tmp/c1" "${fs[@]}" toy 1.1 1.0
	check "fetch: the mirror is read from the apt sources (deb822)" 0 \
		"^mirror: $url/a/debian \\(from $etc/sources.list.d/debian.sources\\)$" seen
	check "fetch: the versions are tried in order" 0 '^toy 1.1 is not in the index$' seen
	check "fetch: prints the cached tarball" 0 "^$tmp/c1/toy_1.0.orig.tar.xz$" seen
	check "fetch: the tarball came from that mirror" 0 \
		'GET /a/debian/pool/main/t/toy/toy_1.0.orig.tar.xz' cat "$tmp/http.log"
	fetched env PIDFD_CACHE="$tmp/c2" MIRROR="$url/b/debian" \
		KEYRING="$www/b/debian/key.gpg" "${fs[@]}" toy 1.1 1.0
	check "fetch: MIRROR= wins over the apt sources" 0 \
		"^mirror: $url/b/debian \\(from MIRROR=\\)$" seen
	check "fetch: ... and the tarball came from it" 0 \
		'GET /b/debian/pool/main/t/toy/toy_1.1.orig.tar.xz' cat "$tmp/http.log"
	fetched env PIDFD_CACHE="$tmp/c3" "${fs[@]/apt.conf/apt2.conf}" toy 1.1 1.0
	check "fetch: the mirror of a one-line sources.list" 0 \
		"^mirror: $url/b/debian \\(from $tmp/etc2/apt/sources.list\\)$" seen
	check "fetch: ... is used" 0 "^using toy 1.1 \\($tmp/c3/toy_1.1.orig.tar.xz" seen
	check "fetch: a cached tarball needs no mirror" 0 "^$tmp/c1/toy_1.0.orig.tar.xz$" \
		env PIDFD_CACHE="$tmp/c1" MIRROR=http://127.0.0.1:9/debian "${fs[@]}" toy 1.0
	check "fetch: a version the archive does not serve is a clear error" 1 \
		"none of toy 2.0 is served by the Debian archive at $url/a/debian$" \
		env PIDFD_CACHE="$tmp/c4" "${fs[@]}" toy 2.0
	sed -i "s/^[0-9a-f]*/$(printf '%064d' 0)/" "$sums"
	check "fetch: a sha256 that differs from the list is refused" 1 \
		'sha256 mismatch for toy_1.0.orig.tar.xz: got [0-9a-f]{64}, want 0{64} ' \
		env PIDFD_CACHE="$tmp/c5" "${fs[@]}" toy 1.0
	printf 'Types: deb\nURIs: %s/x/vendor\nSuites: nodistro\n' "$url" \
		>"$etc/sources.list.d/debian.sources"
	check "fetch: no Debian entry in the apt sources is a clear error" 1 \
		'no Debian archive entry in the apt sources .*set MIRROR=' \
		env PIDFD_CACHE="$tmp/c6" "${fs[@]}" toy 1.0
	kill "$http"
	wait "$http" 2>/dev/null
}
fetch_tests

# compare/compare.py on a fixture run: mainline and ours, then each with one thing
# changed.
C=$TOP/scripts/compare/compare.py
cmp_run() { # NAME KSFT-SED [CONSOLE-SED [FUZZ-SED]]: a run, from the fixture
	rm -rf "$tmp/cmp/$1"
	mkdir -p "$tmp/cmp/$1"
	sed -e "$2" "$F/compare/ksft.log" >"$tmp/cmp/$1/ksft.log"
	sed -e "${3:-}" "$F/compare/console.log" >"$tmp/cmp/$1/console.log"
	sed -e "${4:-}" "$F/compare/fuzz.log" >"$tmp/cmp/$1/fuzz.log"
}
cmp_run m ''
printf '# none\n' >"$tmp/none"
cmp() { # OURS [EXPECTED [MORE...]]: compare/compare.py of mainline (m, or $MAIN) against it
	local ours=$1 exp=${2:-$tmp/none}
	shift $(($# < 2 ? $# : 2))
	"$C" --mainline "$tmp/cmp/${MAIN:-m}" --ours "$tmp/cmp/$ours" \
		--expected "$exp" --report "$tmp/cmp/report.md" "$@"
}
cmp_run same ''
check "compare: the same results on both kernels pass" 0 \
	'^11 test cases, 5 fuzz cases: 0 unexpected difference\(s\), 0 expected, 0 problem\(s\)$' cmp same
check "compare: the report has a row a case" 0 \
	'^\| pidfd:pidfd_autoreap_test:2 autoreap.exit_status \| ok \| ok \| same \|$' cat "$tmp/cmp/report.md"
cmp_run case 's/^# ok 2 autoreap.exit_status/# not ok 2 autoreap.exit_status/'
check "compare: a test case that differs fails, named" 1 \
	'^FAIL: pidfd:pidfd_autoreap_test:2 autoreap.exit_status: mainline ok, ours not ok$' cmp case
cmp_run skip 's/^# ok 1 autoreap.not_waitable/# ok 1 autoreap.not_waitable # SKIP no autoreap/'
check "compare: a skip against an ok is a difference" 1 \
	'^FAIL: pidfd:pidfd_autoreap_test:1 autoreap.not_waitable: mainline ok, ours skip$' cmp skip
cmp_run fuzz '' '' 's/^\(fuzz-case autoreap:1 .*\) => EINVAL/\1 => ok task=thread/'
check "compare: a fuzz case that differs fails, with both outcomes" 1 \
	'^DIFFERS fuzz autoreap:1 flags=VM\|SIGHAND\|PARENT\|THREAD exit_signal=0 pidfd=NULL: mainline EINVAL \| ours ok task=thread$' cmp fuzz
check "compare: ... and the line that replays it" 1 \
	'^FAIL: fuzz autoreap:1: replay: FUZZ_SEED=0x5eed FUZZ_ONLY=autoreap:1$' cmp fuzz
printf 'compare fuzz ^autoreap:1\\s.*mainline=EINVAL\\sours=ok a reason\n' >"$tmp/exp"
check "compare: an expected difference passes, counted with its reason" 0 \
	'^expected \(.*:1\): 1 x fuzz .*: a reason$' cmp fuzz "$tmp/exp"
check "compare: an entry that matches nothing is reported" 0 \
	'^NOTE: .*:1: "fuzz .*" matched no difference in this run: remove it' cmp same "$tmp/exp"
cmp_run gone '' '' '/fuzz-case root:2 /d'
check "compare: a fuzz case recorded by one kernel only fails" 1 \
	'^DIFFERS fuzz root:2 flags=PIDFD\|bit37 .*: mainline EINVAL \| ours absent$' cmp gone
check "compare: ... and so does a count that does not add up" 1 \
	'^FAIL: ours: the fuzzer ran 5 cases, printed 4' cmp gone
# Mainline allocates a bit: whatever it makes of it is the answer, and
# config/expected says why 6.19 differs.
cmp_run m37 '' '' 's/^\(fuzz-case root:2 .*\) => EINVAL/\1 => ok task=process fd=cloexec nnp=0 reap=waitid wait=exited:7 signals=none status=0x700/'
cmp37() { MAIN=m37 cmp "$@"; }
check "compare: a bit mainline knows and 6.19 does not is a difference" 1 \
	'^DIFFERS fuzz root:2 flags=PIDFD\|bit37 .*: mainline ok task=process .* \| ours EINVAL$' cmp37 same
check "compare: ... which config/expected expects for bit 37" 0 \
	'^expected \(expected:[0-9]+\): 1 x fuzz .*bit37.*: bit 37 is CLONE_EMPTY_MNTNS' \
	cmp37 same "$TOP/config/expected" --no-kunit
cmp_run seed '' '' 's/fuzz-seed 0x5eed/fuzz-seed 0x5eee/'
check "compare: different fuzz seeds fail" 1 'FAIL: fuzz seeds: mainline \[24301\], ours \[24302\]' cmp seed
cmp_run seedcase '' '' 's/fuzz-seed 0x5eed/fuzz-seed 0x5eee/; s/^\(fuzz-case autoreap:1 .*\) => EINVAL/\1 => ok task=thread/'
check "compare: ... also when a differing fuzz case is shown on the terminal" 1 \
	'FAIL: fuzz seeds: mainline \[24301\], ours \[24302\]' cmp seedcase
cmp_run nolog '' '' '/fuzz-case/d'
check "compare: no fuzz-case lines fail" 1 '^FAIL: ours: no fuzz-case lines' cmp nolog
cmp_run unfinished '' '' '/fuzz-end/d'
check "compare: a fuzzer that did not finish fails" 1 '^FAIL: ours: the fuzzer did not finish' cmp unfinished
cmp_run kindfail '' '' 's/^fuzz-kind root => ok 3 cases$/fuzz-kind root => not ok: the worker ended after 3 cases/'
check "compare: a caller kind whose worker died fails" 1 \
	'^FAIL: ours: fuzz root: the worker ended after 3 cases' cmp kindfail
cmp_run kindskip '' '' 's/^fuzz-kind autoreap => ok 2 cases$/fuzz-kind autoreap => skip clone3() of the worker: EINVAL/'
check "compare: a caller kind skipped on one kernel only is a difference" 1 \
	'^FAIL: fuzz:autoreap .*: mainline ok, ours skip$' cmp kindskip
cmp_run cut '/^ok 1 selftests: pidfd: pidfd_autoreap_test$/d'
check "compare: a program without its result fails" 1 \
	'^FAIL: ours: kselftest planned 2 programs, reported 1' cmp cut
cmp_run kunit '' 's/^\(.*\) ok 2 rust_atomics$/&\n\1 ok 3 rust_pidfs/'
check "compare: a KUnit suite on one kernel only is a difference" 1 \
	'^FAIL: kunit:rust_pidfs: mainline absent, ours ok$' cmp kunit
printf 'compare kunit ^kunit:rust_pidfs$ our Rust hook has KUnit tests\n' >"$tmp/exp"
check "compare: ... that can be expected" 0 '0 unexpected difference' cmp kunit "$tmp/exp"
cmp_run splat '' 's/^\(.*\) Run \/init as init process$/&\n\1 WARNING: CPU: 0 PID: 1 at kernel\/exit.c:100 do_exit+0x1\/0x2/'
check "compare: a kernel splat fails, named" 1 \
	'^FAIL: ours: kernel splat: \[WARNING\] .*console.log:[0-9]+: .*kernel/exit.c:100' cmp splat
cmp_run nokunit '' '/ok [0-9] rust_/d'
check "compare: --no-kunit (CONFIG_RUST=n: no KUnit) compares no suite" 0 \
	'^9 test cases, 5 fuzz cases: 0 unexpected difference\(s\), 0 expected, 0 problem\(s\)$' \
	cmp nokunit "$tmp/exp" --no-kunit
notes() { cmp "$@" | grep -c '^NOTE' || true; }
check "compare: ... and names no KUnit entry as unused" 0 '^0$' notes nokunit "$tmp/exp" --no-kunit

check "boot: no kernel is a clear error" 1 'no kernel at .*make kernel' \
	env BUILD=$tmp/b3 "$TOP/scripts/run/boot.sh" --cmd true

# boot.sh stopped (Ctrl-C, a kill of its job) must not leave QEMU behind,
# although timeout(1) puts QEMU in a process group of its own: a stand-in
# QEMU that records its pid and sleeps.
boot_stops_qemu() {
	local b q i
	printf '#!/bin/sh\necho $$ >"%s"\nexec sleep 600\n' "$tmp/qemu.pid" >"$tmp/qemu"
	chmod +x "$tmp/qemu"
	: >"$tmp/bzImage"
	: >"$tmp/initrd"
	# In a process group of its own, as a job started from a shell.
	setsid env BUILD="$tmp/b4" KERNEL="$tmp/bzImage" INITRD="$tmp/initrd" \
		QEMU="$tmp/qemu" ACCEL=tcg "$TOP/scripts/run/boot.sh" --cmd true \
		>/dev/null 2>&1 &
	b=$!
	for i in $(seq 100); do [ -s "$tmp/qemu.pid" ] && break; sleep 0.1; done
	q=$(cat "$tmp/qemu.pid") || { kill "$b"; echo "QEMU never started"; return 1; }
	kill -TERM -- -"$b"
	wait "$b"
	for i in $(seq 100); do
		kill -0 "$q" 2>/dev/null || { echo "QEMU stopped"; return 0; }
		sleep 0.1
	done
	kill "$q"
	echo "QEMU (pid $q) still running after boot.sh was stopped"
	return 1
}
check "boot: stopping boot.sh stops QEMU" 0 'QEMU stopped' boot_stops_qemu


# The variables: one table, config/knobs, for the code, make help and
# docs/variables.md.
check "knobs: every variable the code reads is in config/knobs, and read" 0 \
	' 0 problem\(s\)$' "$TOP/scripts/knobs.py" check
knobs_md() { diff <("$TOP/scripts/knobs.py" md) "$TOP/docs/variables.md" && echo same; }
check "knobs: docs/variables.md is config/knobs as make variables writes it" 0 '^same$' knobs_md
check "knobs: make help prints the table" 0 '^KSFT_TIMEOUT +seconds each kselftest' make -s -C "$TOP" help
check "matrix: make help lists the cells from their scripts" 0 '^ +llvm +LLVM=1' make -s -C "$TOP" help

# make check's static cell: new warnings.
W=$TOP/scripts/check/new-warnings.py
printf 'kernel/fork.c\nrust/kernel/pid.rs\n' >"$tmp/w-files"
printf '%s\n' '/b/kernel/fork.c:100:5: warning: old [-Wx]' \
	'/b/kernel/exit.c:1:1: warning: not touched' >"$tmp/w-base"
printf '%s\n' '/s/kernel/fork.c:120:5: warning: old [-Wx]' \
	'/s/kernel/exit.c:9:1: warning: not touched either' \
	'/s/kernel/fork.c:130:7: warning: new [-Wy]' 'warning: needless return' \
	'  --> /s/rust/kernel/pid.rs:12:5' >"$tmp/w-series"
check "new-warnings: a warning the base had, moved, is not new" 1 '^kernel/fork.c:130: warning: new \[-Wy\]$' \
	"$W" --base "$tmp/w-base" --series "$tmp/w-series" --files "$tmp/w-files" --strip /b --strip /s
check "new-warnings: a rustc/clippy warning is placed by its --> line" 1 '^rust/kernel/pid.rs:12: warning: needless return$' \
	"$W" --base "$tmp/w-base" --series "$tmp/w-series" --files "$tmp/w-files" --strip /b --strip /s
check "new-warnings: the same warnings as the base are none" 0 '^$' \
	"$W" --base "$tmp/w-series" --series "$tmp/w-series" --files "$tmp/w-files" --strip /s

summary
