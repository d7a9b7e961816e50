# Shared helpers for the scripts in this directory: sourced, not run.
# shellcheck shell=bash

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${PIDFD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pidfd-lifecycle}
# One ccache for every build of the project (ccache_cc).
export CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache}
# SERIES picks the series and its tree (config/knobs).  The mainline
# series, built without Rust, has all of build/mainline/ to itself, so that
# the two kernel series never share a build directory.
SERIES=${SERIES:-kernel}
BUILD=${BUILD:-$TOP/build$([ "$SERIES" != mainline ] || echo /mainline)}
KERNEL_SERIES=1
SERIES_FRAGMENTS=
# The cells of make check's build matrix besides "series" (scripts/check/matrix.sh).
MATRIX_CELLS="rustoff arm64 i386 llvm static"
case $SERIES in
kernel) DEFAULT_TREE=$BUILD/linux DEFAULT_PATCHES=$TOP/patches
	DEFAULT_BASE_VERSIONS="6.19.11 6.19.10 6.19.8 6.19.6" ;;
mainline) DEFAULT_TREE=$BUILD/linux DEFAULT_PATCHES=$TOP/mainline
	DEFAULT_BASE_VERSIONS="7.2.8 7.2.7 7.2.6"
	SERIES_FRAGMENTS=rustoff.config MATRIX_CELLS="i386 static" ;;
man-pages) DEFAULT_TREE=$BUILD/man-pages DEFAULT_PATCHES=$TOP/man-pages
	KERNEL_SERIES=0 ;;
*) echo "error: SERIES=$SERIES: kernel, mainline or man-pages" >&2; exit 1 ;;
esac
TREE=${TREE:-$DEFAULT_TREE}
# Objects, the installed kselftests and the initramfs go apart from the
# source, one directory a tree and configuration: build/obj-debug for
# CONFIG_FRAGMENTS="debug.config", build/obj-<tree>-<sum>-debug.
cfgtag=$(for f in ${CONFIG_FRAGMENTS:-}; do printf -- '-%s' "$(basename "$f" .config)"; done)
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

# KIMAGE is the make target of KARCH's boot image, $OBJ/$KIMAGE_PATH the image.
KARCH=${KARCH:-x86_64}
case $KARCH in
x86_64 | i386) KIMAGE=bzImage KIMAGE_PATH=arch/x86/boot/bzImage KCROSS= ;;
arm64) KIMAGE=Image KIMAGE_PATH=arch/arm64/boot/Image
       KCROSS=${CROSS_COMPILE:-aarch64-linux-gnu-} ;;
*) echo "error: KARCH=$KARCH: want x86_64, arm64 or i386" >&2; exit 1 ;;
esac
# The tools (config/knobs): Debian's rustc (the rustup one has no
# rust-src), bindgen (cargo's, else Debian's: deps.sh checks the version).
RUSTC=${RUSTC:-/usr/bin/rustc}
RUSTDOC=${RUSTDOC:-/usr/bin/rustdoc}
RUSTFMT=${RUSTFMT:-/usr/bin/rustfmt}
CLIPPY_DRIVER=${CLIPPY_DRIVER:-/usr/bin/clippy-driver}
if [ -z "${BINDGEN:-}" ]; then
	BINDGEN=/usr/bin/bindgen
	[ ! -x "$HOME/.cargo/bin/bindgen" ] || BINDGEN=$HOME/.cargo/bin/bindgen
fi
LIBCLANG_PATH=${LIBCLANG_PATH:-/usr/lib/llvm-19/lib}
KMAKE=(make -C "$TREE" O="$OBJ" -j"$(($(nproc) + 1))" RUSTC="$RUSTC"
       RUSTDOC="$RUSTDOC" BINDGEN="$BINDGEN" LIBCLANG_PATH="$LIBCLANG_PATH")
[ "$KARCH" = x86_64 ] || KMAKE+=(ARCH="$KARCH")
[ -z "$KCROSS" ] || KMAKE+=(CROSS_COMPILE="$KCROSS")
# KLLVM=/usr/lib/llvm-19/bin/: build with that LLVM (clang, ld.lld, its
# binutils) instead of gcc, as make LLVM=... does (the llvm cell).
[ -z "${KLLVM:-}" ] || KMAKE+=(LLVM="$KLLVM")

# An address that nobody reads and that must not sign anything: a
# no-reply address (like the project's own placeholder identity, which the
# committed series carries), the reserved .example and .invalid domains,
# git's guessed "(none)" hosts (shell patterns; b4 takes them as they are).
PLACEHOLDERS='*noreply* *no-reply* *.example *.invalid *(none)* *@localhost'
is_placeholder() {
	local a p list
	a=$(tr '[:upper:]' '[:lower:]' <<<"$1")
	read -ra list <<<"$PLACEHOLDERS"
	for p in "${list[@]}"; do
		# shellcheck disable=SC2254 # a pattern; case: no extglob
		case $a in $p) return 0 ;; esac
	done
	return 1
}

die() { echo "error: $*" >&2; exit 1; }
say() { echo "==> $*"; }

# build_lock: one kernel build at a time on this machine (two on 2 cores
# only make both slower, and two makes in one object directory break it):
# holds the lock on fd 9 until the process ends or runs build_unlock.
build_lock() {
	exec 9>"$CACHE/kernel-build.lock"
	flock -n 9 || { say "waiting for another kernel build on this machine to finish"; flock 9; }
}
build_unlock() { exec 9>&-; }

# ccache_cc [CROSS_PREFIX]: the CC= argument of a kernel make: gcc, or
# KLLVM's clang, through ccache (CCACHE_DIR) when there is one.
ccache_cc() {
	local cc=${1:-}gcc
	[ -z "${KLLVM:-}" ] || cc=${KLLVM}clang
	echo "CC=$(command -v ccache >/dev/null && echo 'ccache ')$cc"
}

# config_fragments: the Kconfig fragments of this build, in the order
# they are merged onto tinyconfig: lab.config, SERIES_FRAGMENTS,
# CONFIG_FRAGMENTS; one path a line.
config_fragments() {
	local f
	echo "$TOP/config/lab.config"
	for f in $SERIES_FRAGMENTS ${CONFIG_FRAGMENTS:-}; do echo "$TOP/config/$f"; done
}

# build_key COMMIT ARGS...: what a build's result depends on: the source
# tree at COMMIT but tools/testing (the kselftests, which make builds on
# its own), the configuration (config_fragments), the make arguments and
# the tools.
build_key() {
	local commit=$1 frags
	shift
	mapfile -t frags < <(config_fragments)
	{
		git -C "$TREE" ls-tree "$commit" | grep -v $'\ttools$'
		git -C "$TREE" ls-tree "$commit" tools/ | grep -v $'\ttools/testing$'
		cat "${frags[@]}"
		printf '%s\n' "$KARCH" "$@"
		"${KLLVM:-$KCROSS}$([ -n "${KLLVM:-}" ] && echo clang || echo gcc)" --version | head -n 1
		"$RUSTC" --version 2>/dev/null
	} | sha256sum | cut -c1-32
}

# stamped KEY, stamp KEY: whether a build of that key passed (without
# warnings) before; record that it did.
stamped() { grep -qx "$1" "$BUILD/matrix/stamps" 2>/dev/null; }
stamp() { mkdir -p "$BUILD/matrix" && echo "$1" >>"$BUILD/matrix/stamps"; }

# plain_make AFTER MAKE-ARGS...: how to see a failed build again on a
# kernel tree without this project's tooling, as a maintainer would type
# it: the configuration (tinyconfig and the project's fragments) and the
# make, in the tree of the series up to patch AFTER.
plain_make() {
	local after=$1 args=() a frags
	shift
	mapfile -t frags < <(config_fragments)
	[ "$KARCH" = x86_64 ] || args+=("ARCH=$KARCH")
	[ -z "$KCROSS" ] || args+=("CROSS_COMPILE=$KCROSS")
	[ -z "${KLLVM:-}" ] || args+=("LLVM=$KLLVM")
	# the Rust tools when the fragments, the last one winning, want Rust
	[ "$(grep -hE '^(# )?CONFIG_RUST[= ]' "${frags[@]}" | tail -n 1)" != CONFIG_RUST=y ] ||
		args+=("RUSTC=$RUSTC" "BINDGEN=$BINDGEN" "LIBCLANG_PATH=$LIBCLANG_PATH")
	echo "again, on the base with patches 1-$after applied (git am):"
	echo "  make ${args[*]}${args[*]:+ }tinyconfig"
	echo "  scripts/kconfig/merge_config.sh -m .config ${frags[*]}"
	echo "  make ${args[*]}${args[*]:+ }olddefconfig"
	for a; do [[ $a == CC=ccache* ]] || args+=("$a"); done # ccache: ours
	echo "  make ${args[*]}"
}

# need_space DIR GB WHAT: die, saying what to free, when the file system
# of DIR has less than GB gigabytes free; a full disk otherwise shows up
# as thousands of tar or compiler errors far from the cause.
need_space() {
	local dir=$1 gb=$2 what=$3 d=$1 free
	until [ -d "$d" ]; do d=$(dirname "$d"); done
	free=$(df -Pk "$d" | awk 'NR == 2 { print int($4 / 1048576) }')
	[ "$free" -ge "$gb" ] ||
		die "$what needs about $gb GB free in $dir; $free GB are free. Free space (make clean in other clones, old build trees) and run it again"
}

# The make argument that names this series, for messages ("make export
# SERIES=mainline").
SERIES_ARG=$([ "$SERIES" = kernel ] || echo " SERIES=$SERIES")

# tree_base: check that $TREE was materialised (make tree); sets base,
# the commit of its pristine base.
tree_base() {
	[ -d "$TREE/.git" ] || die "no tree at $TREE; run make tree$SERIES_ARG first"
	base=$(git -C "$TREE" rev-parse -q --verify 'base^{commit}') ||
		die "$TREE has no tag \"base\" (the pristine base); run make tree$SERIES_ARG"
}

# upstream_base: the upstream commit of the tree's base, which the cover
# letter's base-commit: names: the id that config/upstream-bases (or
# UPSTREAM_BASES) lists for the subject of the base commit ("Linux
# 7.2.8"); nothing when the base is not listed (base-commit: then names
# the import commit).
upstream_base() {
	local list=${UPSTREAM_BASES:-$TOP/config/upstream-bases} name
	[ -f "$list" ] || return 0
	name=$(git -C "$TREE" log -1 --format=%s base) || return 0
	awk -v s="$name" '!/^#/ && NF > 1 && substr($0, length($1) + 2) == s {
		print $1; exit }' "$list"
}

# series_version [COVER]: N of the cover letter's "[PATCH vN 0/n]"
# subject (default $PATCHES' cover letter); 1 without a version or file.
series_version() {
	local v
	v=$(header "${1:-$PATCHES/0000-cover-letter.patch}" Subject 2>/dev/null |
		sed -nE 's/^\[([^]]* )?v([0-9]+)( [^]]*)?\].*/\2/p') || v=
	echo "${v:-1}"
}

# series_hash: the checksum of the series in $PATCHES, cover letter
# included: what the tree's .git/series-stamp (scripts/series/tree.sh), make
# check's records (build/check.ok, build/check-matrix.ok) and its cache of
# the series' commits are keyed by.
series_hash() {
	find "$PATCHES" -maxdepth 1 -name '[0-9][0-9][0-9][0-9]-*.patch' -print0 | sort -z |
		xargs -0 -r cat | sha256sum | cut -d' ' -f1
}

# tree_is_series: true when $TREE is $PATCHES as exported or applied: its
# stamp names this series and its HEAD, and nothing changed since.
tree_is_series() {
	local have head
	read -r have head 2>/dev/null <"$TREE/.git/series-stamp" || return 1
	[ "$have" = "$(series_hash)" ] && [ "$(git -C "$TREE" rev-parse HEAD)" = "$head" ] &&
		git -C "$TREE" diff --quiet HEAD
}

# series_files: the series in $PATCHES.  Sets cover (the cover letter's
# path, which may be missing), patches (the patches in order) and n (how
# many); dies when there are none, but with --none-ok.
series_files() {
	cover=$PATCHES/0000-cover-letter.patch
	mapfile -t patches < <(find "$PATCHES" -maxdepth 1 -name '[0-9][0-9][0-9][0-9]-*.patch' \
		! -name 0000-cover-letter.patch | sort)
	n=${#patches[@]}
	[ "$n" -gt 0 ] || [ "${1:-}" = --none-ok ] || die "no patches in ${PATCHES#"$TOP"/}/; write the series (make export$SERIES_ARG) first"
}

# fail WHERE WHAT [DETAILS]: count a problem of a check in $problems and
# print it.
problems=0
fail() {
	problems=$((problems + 1))
	echo "FAIL ${1#"$TOP"/}: $2"
	[ -z "${3:-}" ] || sed 's/^/    /' <<<"$3"
}

# check_cover_letter: the checks of make check on the cover letter of the
# series (series_files and tree_base first): a title, a body, no EDITME,
# base-commit: the base's upstream commit (upstream_base) or else the
# tree's base, "[PATCH vN 0/n]".  Sets subj, version and
# prefix ("PATCH" or "PATCH vN", for the patches' subjects).
check_cover_letter() {
	if [ ! -f "$cover" ]; then
		fail "$cover" "no cover letter; make export$SERIES_ARG writes it from the tree's branch description"
		version=1
	else
		subj=$(header "$cover" Subject)
		title=$(sed -E 's/^\[[^]]*\] *//' <<<"$subj")
		body=$(cover_body "$cover" |
		       grep -v -e '^\*\*\* BLURB HERE \*\*\*$' -e '^Describe the series here\.$' |
		       grep '[^[:space:]]' || true)
		case $title in
		'' | '*** SUBJECT HERE ***' | SUBJECT)
			fail "$cover" "the cover letter has no title (Subject: $subj)" \
				"set it: git -C ${TREE#"$TOP"/} branch --edit-description (first line), then make export$SERIES_ARG" ;;
		esac
		[ -n "$body" ] || fail "$cover" "the cover letter has no body" \
			"describe the series: git -C ${TREE#"$TOP"/} branch --edit-description, then make export$SERIES_ARG"
		if grep -n 'EDITME' "$cover" >/dev/null; then
			fail "$cover" "the cover letter still has EDITME placeholders" \
				"$(grep -n EDITME "$cover")"$'\n'"describe them: git -C ${TREE#"$TOP"/} branch --edit-description, then make export$SERIES_ARG"
		fi
		bc=$(sed -n 's/^base-commit: //p' "$cover")
		up=$(upstream_base)
		if [ -z "$bc" ]; then
			fail "$cover" "no base-commit: line; make export$SERIES_ARG writes it (format-patch --base=base)"
		elif [ -n "$up" ]; then
			[ "$bc" = "$up" ] ||
				fail "$cover" "base-commit: $bc is not the upstream commit of the base ($up, config/upstream-bases); make export$SERIES_ARG writes it"
		elif [ "$bc" != "$base" ]; then
			fail "$cover" "base-commit: $bc is not the base tag of the tree ($base)"
		fi
		version=$(series_version "$cover")
	fi
	[ "$version" = 1 ] && prefix='PATCH' || prefix="PATCH v$version"
	if [ -f "$cover" ] && [[ $subj != "[$prefix 0/$n] "* ]]; then
		fail "$cover" "subject does not start with [$prefix 0/$n] (there are $n patches)" "Subject: $subj"
	fi
}

# check_subjects: the start of make check on a series (series_files, the
# cover letter, check_cover_letter) and each patch's subject: "[PATCH vN
# k/n] " in order.
check_subjects() {
	local k=0 p subj
	tree_base
	series_files
	say "checking ${PATCHES#"$TOP"/}/: $n patch(es) on $(git -C "$TREE" log -1 --format=%s "$base")"
	check_cover_letter
	for p in "${patches[@]}"; do
		k=$((k + 1))
		subj=$(header "$p" Subject)
		[[ $subj == "[$prefix $k/$n] "* ]] ||
			fail "$p" "subject does not start with [$prefix $k/$n]" "Subject: $subj"
	done
}

# commit_series OUT PARENT PATCH...: the patches (mails, as git
# format-patch writes them) applied in order onto PARENT as commits of
# $TREE, without a worktree: git mailinfo and git apply --cached on an
# index of its own, as git am does, and git commit-tree with the mail's
# author, date and message (through the command COMMIT_MSG_FILTER when
# set), committed by "Series Checker" unless the caller sets
# GIT_COMMITTER_NAME and _EMAIL.  Writes "COMMIT PATCH" a patch to OUT.
# A patch that does not apply, or that git cannot commit (no author), is a
# FAIL with git's reason, and the patches after it are not applied:
# status 1.
commit_series() {
	local out=$1 head=$2 tmp k=0 p why=
	shift 2
	tmp=$(mktemp -d "$BUILD/.commit-series.XXXXXX")
	: >"$out"
	GIT_INDEX_FILE=$tmp/index git -C "$TREE" read-tree "$head"
	for p; do
		k=$((k + 1))
		if why=$(git mailinfo "$tmp/msg" "$tmp/patch" <"$p" 2>&1 >"$tmp/info" &&
			GIT_INDEX_FILE=$tmp/index git -C "$TREE" apply --cached "$tmp/patch" 2>&1); then
			why=$({ sed -n 's/^Subject: //p' "$tmp/info"; echo; cat "$tmp/msg"; } |
				git stripspace | ${COMMIT_MSG_FILTER:-cat} |
				GIT_COMMITTER_NAME=${GIT_COMMITTER_NAME:-Series Checker} \
				GIT_COMMITTER_EMAIL=${GIT_COMMITTER_EMAIL:-checker@localhost} \
				GIT_AUTHOR_NAME=$(sed -n 's/^Author: //p' "$tmp/info") \
				GIT_AUTHOR_EMAIL=$(sed -n 's/^Email: //p' "$tmp/info") \
				GIT_AUTHOR_DATE=$(sed -n 's/^Date: //p' "$tmp/info") \
				git -C "$TREE" commit-tree "$(GIT_INDEX_FILE=$tmp/index git -C "$TREE" write-tree)" \
				-p "$head" 2>&1) && head=$why && echo "$head $p" >>"$out" && continue
			why="git cannot commit it: $why"
		fi
		fail "$p" "does not apply (git am) on top of base$([ "$k" -gt 1 ] && echo " + patches 1-$((k - 1))")" \
			"$why"$'\n'"(the patches after this one were not applied, built or checked)"
		rm -rf "$tmp"
		return 1
	done
	rm -rf "$tmp"
}

# worktree_at DIR COMMIT: DIR, a worktree of the tree, checked out at
# COMMIT (made on first use).  A checkout only rewrites the files that
# differ, so the object directories built from DIR stay incremental.
# Locks DIR until this process ends (fd 7): one make check at a time on it.
worktree_at() {
	local dir=$1 commit=$2
	if [ "${worktree_locked:-}" != "$dir" ]; then
		exec 7>"$dir.lock"
		flock -n 7 || { say "waiting for another make check using ${dir#"$TOP"/}"; flock 7; }
		worktree_locked=$dir
	fi
	if [ -e "$dir/.git" ] && git -C "$dir" rev-parse -q --verify HEAD >/dev/null 2>&1; then
		[ "$(git -C "$dir" rev-parse HEAD)" = "$commit" ] &&
			[ -z "$(git -C "$dir" status --porcelain --untracked-files=no)" ] && return 0
		git -C "$dir" checkout -q -f --detach "$commit"
	else
		rm -rf "$dir"
		git -C "$TREE" worktree prune
		say "making the worktree ${dir#"$TOP"/}"
		git -C "$TREE" worktree add -q --detach "$dir" "$commit"
	fi
}

# check_done BISECT: the end of make check on a series (k of its n
# patches checked in the worktree $SRC): a note if the tree is not what
# patches/ gives, and build/check.ok, one line a series that passed,
# "SHA256 bisect=0|1" (a BISECT=0 pass does not erase a full one).
check_done() {
	local series rec=$1 ok=$BUILD/check.ok
	if [ "$k" = "$n" ] && [ "$(git -C "$SRC" rev-parse 'HEAD^{tree}')" != \
		"$(git -C "$TREE" rev-parse 'HEAD^{tree}' 2>/dev/null)" ]; then
		echo "note: ${TREE#"$TOP"/} differs from ${PATCHES#"$TOP"/}/ (not exported yet? make export$SERIES_ARG)"
	fi
	series=$(series_hash)
	grep -qx "$series bisect=1" "$ok" 2>/dev/null && rec=1
	{ grep -v "^$series " "$ok" 2>/dev/null | tail -n 20
	  [ "$problems" -gt 0 ] || [ "$k" != "$n" ] || echo "$series bisect=$rec"; } >"$ok.tmp.$$"
	mv "$ok.tmp.$$" "$ok"
}

# cover_body COVER: the text of a cover letter, up to the shortlog.
# cover_text COVER: its subject without the [PATCH ...] prefix, a blank
# line and its text, as the tree's branch description and b4's tags hold it.
cover_body() {
	awk 'h && /^[^ ].* \([0-9]+\):$/ { exit } h { print } /^$/ { h = 1 }' "$1" |
		sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
}
cover_text() {
	header "$1" Subject | sed -E 's/^\[[^]]*\] *//'
	echo
	cover_body "$1"
}

# header FILE NAME: the unfolded value of mail header NAME in FILE.
header() {
	awk -v name="$2" '
	/^$/ { exit }
	/^[ \t]/ { if (on) val = val " " substr($0, 2); next }
	{ on = 0 }
	tolower($0) ~ "^" tolower(name) ": " { on = 1; val = substr($0, length(name) + 3) }
	END { gsub(/[ \t]+/, " ", val); print val }' "$1"
}

# run_step NAME LOG CMD...: run CMD with its output in LOG, show its
# progress, and on failure point at the log's tail and stop.
run_step() {
	local rc=0
	: >"$2"
	say "$1 (log: ${2#"$TOP"/})"
	step "$@" || rc=$?
	if [ "$rc" -ne 0 ]; then
		echo "--- last lines of $2 ---" >&2
		tail -n 25 "$2" >&2
		die "$1 failed (exit $rc) after $step_secs s; full log: $2"
	fi
	echo "    $1: done in $step_secs s"
}

# try_step NAME LOG CMD...: run CMD with its output added to LOG, show
# its progress, return its status.
try_step() {
	local rc=0
	echo "  $1 (log: ${2#"$TOP"/})"
	step "$@" || rc=$?
	echo "    $1: $([ "$rc" = 0 ] && echo ok || echo "FAILED (exit $rc)") in $step_secs s"
	return "$rc"
}

# step NAME LOG CMD...: CMD in the background, its output added to LOG,
# its elapsed time shown every 30 s; its status, and step_secs.
step() {
	local name=$1 log=$2 start rc=0 pid i=0
	shift 2
	start=$(date +%s)
	"$@" >>"$log" 2>&1 &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		sleep 1
		((++i % 30)) || echo "    ... $name: $(($(date +%s) - start)) s"
	done
	wait "$pid" || rc=$?
	step_secs=$(($(date +%s) - start))
	return "$rc"
}

# build_errors LOG: what a failed kernel build says went wrong: the
# compiler's and rustc's errors, the linker's (an undefined reference with
# the function it is in), and make's first "***" line; make's lines once.
build_errors() {
	local errs make1
	errs=$({
		grep -E -A3 '(^|: )(fatal )?error(\[E[0-9]+\])?:' "$1" | head -n 24
		grep -E -B1 '(undefined reference to|multiple definition of) ' "$1" | head -n 8
	} | awk '!/\*\*\* \[/ || !seen[$0]++') || true
	make1=$(grep -E '\*\*\* \[' "$1" | head -n 1) || true
	[ -z "$errs" ] || echo "$errs"
	[ -z "$make1" ] || grep -qxF -- "$make1" <<<"$errs" || echo "$make1"
}
