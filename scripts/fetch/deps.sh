#!/bin/bash
# deps.sh [--report] [GOAL...]: make sure that what the make goals need is
# here, and install what is missing (make deps, make doctor, and before
# every goal).  GOAL is a make goal: run and the goals under it (tree,
# kernel, boot, compare, bench ...), test, check, send; none means test.
#
# Each need is checked by what it does (a command that answers, a header
# that is there, a Rust toolchain with its library sources), not by
# package name, and only the missing ones are installed: Debian packages
# with apt-get as root (without root: the command to run as root, and
# stop), bindgen-cli with cargo where Debian's bindgen is too old.  When
# apt refuses a package because an installed sibling of the same source
# package is of another version (Debian 12's qemu-system-x86 7.2 beside
# qemu-utils 10.0 from bookworm-backports), the package is installed from
# the release that the sibling came from, through a private apt state in
# the cache; the system's apt configuration is not touched, nothing is
# downgraded or removed.  Where that fails too, the error names the
# conflict and what resolves it.
#
# --report: what was found and what is missing for which goal, and how
# to get it; installs nothing.  --plan PKG...: print the apt-get commands
# that would install PKG (tests/run.sh runs it on recorded apt answers).
# Environment: RUSTC RUSTDOC BINDGEN LIBCLANG_PATH QEMU RUSTFMT
# CLIPPY_DRIVER (the tools' paths, see lib.sh), NODEPS=1 (make skips this).
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
# No make below: rustc would warn of make -jN's jobserver, closed here.
unset MAKEFLAGS MFLAGS

BINDGEN_MIN=0.65.1		# the kernel's minimum (scripts/min-tool-version.sh)
BINDGEN_CARGO=0.73.2		# what cargo installs where Debian's is older
RUSTC_MIN=1.78.0

# The needs: name | the goals that need it (wanted below; send: b4's and
# pyperf's venvs) | the check (no "|") | its Debian 12 | Debian 13
# packages, comma-separated ("cargo": bindgen-cli from crates.io).
read -r -d '' NEEDS <<'EOF' || true
gcc       | run   | have gcc && have make && c_header stdio.h   | build-essential        | build-essential
flex      | run   | have flex                                   | flex                   | flex
bison     | run   | have bison                                  | bison                  | bison
bc        | run   | have bc                                     | bc                     | bc
libelf    | run   | c_header gelf.h                             | libelf-dev             | libelf-dev
libssl    | run   | c_header openssl/ssl.h                      | libssl-dev             | libssl-dev
libcap    | run   | c_header sys/capability.h                   | libcap-dev             | libcap-dev
cpio      | run   | have cpio                                   | cpio                   | cpio
kmod      | run   | have_sbin depmod                            | kmod                   | kmod
xz        | run   | have xz                                     | xz-utils               | xz-utils
rsync     | run   | have rsync                                  | rsync                  | rsync
python3   | run   | have python3                                | python3                | python3
perl      | run   | have perl                                   | perl                   | perl
git       | run   | have git                                    | git                    | git
rust      | run   | rust_ok                                     | rustc-web,rust-web-src | rustc,rust-src
libclang  | run   | libclang_ok                                 | libclang-19-dev        | libclang-19-dev
bindgen   | run   | bindgen_ok                                  | cargo                  | bindgen
qemu      | run   | qemu_ok "${QEMU:-qemu-system-x86_64}"       | qemu-system-x86        | qemu-system-x86
busybox   | run   | static_busybox                              | busybox-static         | busybox-static
ccache    | test  | have ccache                                 | ccache                 | ccache
rustfmt   | test  | have "$RUSTFMT"                             | rustfmt-web            | rustfmt
pyply     | test  | /usr/bin/python3 -c 'import ply' 2>/dev/null      | python3-ply            | python3-ply
pygit     | test  | /usr/bin/python3 -c 'import git' 2>/dev/null      | python3-git            | python3-git
gpg       | test  | have gpg && have gpg-agent                  | gpg,gpg-agent          | gpg,gpg-agent
mandoc    | test  | have mandoc                                 | mandoc                 | mandoc
groff     | test  | have groff                                  | groff-base             | groff-base
man       | test  | have man                                    | man-db                 | man-db
col       | test  | have col                                    | bsdextrautils          | bsdextrautils
venv      | send  | python3 -c 'import ensurepip' 2>/dev/null          | python3-venv           | python3-venv
arm64-gcc | check | have aarch64-linux-gnu-gcc                  | gcc-aarch64-linux-gnu  | gcc-aarch64-linux-gnu
arm64-libc| check | [ -f /usr/aarch64-linux-gnu/lib/libc.a ]    | libc6-dev-arm64-cross  | libc6-dev-arm64-cross
qemu-arm  | check | qemu_ok qemu-system-aarch64                 | qemu-system-arm        | qemu-system-arm
sparse    | check | have sparse                                 | sparse                 | sparse
llvm      | check | llvm_ok                                     | clang-19,lld-19,llvm-19 | clang-19,lld-19,llvm-19
clippy    | check | [ -x "$CLIPPY_DRIVER" ]                     | rust-web-clippy        | rust-clippy
EOF

have() { command -v "$1" >/dev/null; }
# LLVM 19's tools that make LLVM=/usr/lib/llvm-19/bin/ uses (the llvm cell).
llvm_ok() {
	local t
	for t in clang ld.lld llvm-ar llvm-nm llvm-objcopy llvm-strip; do
		[ -x "/usr/lib/llvm-19/bin/$t" ] || return 1
	done
}
have_sbin() { have "$1" || [ -x "/usr/sbin/$1" ]; }	# not in a user's PATH
c_header() { [ -f "/usr/include/$1" ] || [ -f "/usr/include/$(gcc -dumpmachine 2>/dev/null)/$1" ]; }
# The kernel's Rust toolchain: rustc, rustdoc and rust-src (in the sysroot).
rust_ok() {
	local v
	v=$("$RUSTC" --version 2>/dev/null | awk '{ print $2 }') && [ -n "$v" ] &&
		dpkg --compare-versions "${v%%-*}" ge "$RUSTC_MIN" && have "$RUSTDOC" &&
		[ -d "$("$RUSTC" --print sysroot)/lib/rustlib/src/rust/library/core" ]
}
libclang_ok() { compgen -G "$LIBCLANG_PATH/libclang*.so*" >/dev/null; }
bindgen_ok() {
	local v
	v=$("$BINDGEN" --version 2>/dev/null | awk '{ print $2 }') && [ -n "$v" ] &&
		dpkg --compare-versions "$v" ge "$BINDGEN_MIN"
}
# A QEMU that starts (a package of another version than its installed
# siblings may be there and not run).
qemu_ok() { "$1" --version >/dev/null 2>&1; }
static_busybox() { [ -x /bin/busybox ] && ! ldd /bin/busybox >/dev/null 2>&1; }

# The Debian release (12, 13 ...) and its codename, from os-release.
os_release() { sed -n "s/^$1=\"\{0,1\}\([^\"]*\)\"\{0,1\}\$/\1/p" /etc/os-release 2>/dev/null; }
release=$(os_release VERSION_ID) codename=$(os_release VERSION_CODENAME)
release=${release:-13}

# wanted TAG: true if one of the goals asked for needs what TAG marks.
# make send and make bump run the series cell (check-series), which
# needs what make test does.
wanted() {
	local g
	for g in "${goals[@]}"; do
		case $1/$g in
		check/check-series) ;;
		run/* | test/test* | test/check* | test/send | test/bump) return 0 ;;
		check/check* | bench/bench) return 0 ;;
		send/send | send/bump | send/trailers | send/bench | send/test* | send/check*) return 0 ;;
		esac
	done
	return 1
}

# found NEED: what was found of it, for the report.
found() {
	case $1 in
	rust) echo "$RUSTC: $("$RUSTC" --version)" ;;
	bindgen) echo "$BINDGEN: $("$BINDGEN" --version)" ;;
	libclang) compgen -G "$LIBCLANG_PATH/libclang*.so*" | head -n 1 ;;
	qemu) "${QEMU:-qemu-system-x86_64}" --version | head -n 1 ;;
	qemu-arm) qemu-system-aarch64 --version | head -n 1 ;;
	*) if [[ $2 == have\ * ]]; then read -r _ t _ <<<"$2"; eval "command -v $t"; else echo yes; fi ;;
	esac
}

# plan PKG...: the apt-get commands that install PKG (one a line, its
# arguments shell-quoted), or stop with the conflict explained.  apt's
# own way out of a conflict is to remove or downgrade what is installed
# (qemu-utils, see the top): a plan that would is refused.
APT_PRIVATE=$CACHE/apt-install
APT_PRIVATE_OPTS=(-o Dir::Etc::sourceparts="$APT_PRIVATE/sources" -o Dir::State::Lists="$APT_PRIVATE/lists"
		  -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=)
declare -A sibling_of
plan() {
	local p src sib ver plain=() pinned=() opts
	clean_sim "$@" && { printf '%q ' apt-get install -y -q "$@"; echo; return 0; }
	sim0=$sim
	for p in "$@"; do
		clean_sim "$p" && { plain+=("$p"); continue; }
		src=$(apt-cache show --no-all-versions "$p" 2>/dev/null |
		      sed -n 's/^Source: \([^ ]*\).*/\1/p' | head -n 1)
		read -r sib ver < <(dpkg-query -W -f '${binary:Package} ${Version} ${source:Package} ${db:Status-Abbrev}\n' 2>/dev/null |
			awk -v s="${src:-$p}" '$3 == s && $4 ~ /^ii/ { print $1, $2; exit }') || true
		[ -n "${ver:-}" ] && [ "$ver" != "$(candidate "$p")" ] || conflict "$sim" "$p"
		pinned+=("$p") sibling_of[$p]="$sib $ver"
	done
	[ ${#pinned[@]} -gt 0 ] || conflict "$sim0" "$@"
	[ ${#plain[@]} -eq 0 ] || clean_sim "${plain[@]}" || conflict "$sim" "${plain[@]}"
	private_apt
	opts=("${APT_PRIVATE_OPTS[@]}" -t "$codename-backports")
	clean_sim "${opts[@]}" "${pinned[@]}" || conflict "$sim0" "${pinned[@]}"
	for p in "${pinned[@]}"; do	# of the sibling's version, or no way out
		grep -q "^Inst $p .*(${sibling_of[$p]#* } " <<<"$sim" || conflict "$sim0" "$p"
	done
	[ ${#plain[@]} -eq 0 ] || { printf '%q ' apt-get install -y -q "${plain[@]}"; echo; }
	printf '%q ' apt-get "${opts[@]}" install -y -q "${pinned[@]}"; echo
}
candidate() { apt-cache policy "$1" 2>/dev/null | sed -n 's/^ *Candidate: //p'; }

# clean_sim [OPTIONS] PKG...: apt-get's simulated install, in $sim; true
# if it succeeds and removes or downgrades nothing.
clean_sim() {
	local opts=()
	while [[ ${1:-} == -* ]]; do opts+=("$1" "$2"); shift 2; done
	sim=$(apt-get "${opts[@]}" install -s -q "$@" 2>&1) || return 1
	! grep -qE '^Remv |^The following packages will be DOWNGRADED' <<<"$sim"
}

# private_apt: an apt state in the cache that reads the system's sources
# and the backports suite of this release (the only Debian suite whose
# packages stand beside a stable release's own), updated once a day.
private_apt() {
	local mirror key f
	[ -n "$codename" ] || die "cannot tell this system's release (no VERSION_CODENAME in /etc/os-release)"
	read -r mirror key < <("$TOP/scripts/fetch/apt-mirror.sh" 2>/dev/null) ||
		die "cannot tell which Debian mirror the apt sources name (scripts/fetch/apt-mirror.sh)"
	mkdir -p "$APT_PRIVATE/sources" "$APT_PRIVATE/lists/partial"
	rm -f "$APT_PRIVATE/sources/"*
	eval "$(apt-config shell sp Dir::Etc::sourceparts/d)"
	for f in "${sp:-/etc/apt/sources.list.d}"/*.list "${sp:-/etc/apt/sources.list.d}"/*.sources; do
		[ -f "$f" ] && ln -s "$f" "$APT_PRIVATE/sources/"
	done
	printf '%s\n' 'Types: deb' "URIs: $mirror" "Suites: $codename-backports" 'Components: main' \
		"Signed-By: $key" >"$APT_PRIVATE/sources/zz-$codename-backports.sources"
	if [ -z "$(find "$APT_PRIVATE/lists" -maxdepth 1 -name '*backports*Packages*' -mmin -1440)" ]; then
		echo "reading $codename-backports into a private apt state ($APT_PRIVATE)" >&2
		apt-get -q "${APT_PRIVATE_OPTS[@]}" update >"$LOGS/apt-private-update.log" 2>&1 ||
			die "apt-get update of $codename-backports failed (log: $LOGS/apt-private-update.log)"
	fi
}

# conflict SIM PKG...: stop with apt's reason and what resolves it.
conflict() {
	local sim=$1 p
	shift
	echo "error: apt installs $* only by removing or downgrading what is installed, or not at all; it says:" >&2
	grep -E 'Breaks:|Depends:|Conflicts:|^E:|^Remv |DOWNGRADED' <<<"$sim" | sed 's/^/    /' >&2
	for p in "$@"; do
		[ -z "${sibling_of[$p]:-}" ] && continue
		echo "$p must be of the version of the installed ${sibling_of[$p]%% *} (${sibling_of[$p]#* }), which neither the apt sources nor $codename-backports have." >&2
		echo "Either install $p of that version from where ${sibling_of[$p]%% *} came from, or bring ${sibling_of[$p]%% *} back to this release's version (apt-get install ${sibling_of[$p]%% *}/$codename, a downgrade this script does not do), then run make again." >&2
	done
	[ -n "${sibling_of[*]}" ] ||
		echo "Resolve the conflict (apt-get install -s $* shows it), or install the tools your own way and run make with NODEPS=1." >&2
	exit 1
}

[ "${1:-}" != --plan ] || { shift; plan "$@"; exit; }
report=0
[ "${1:-}" != --report ] || { report=1; shift; }
goals=("$@")
[ ${#goals[@]} -gt 0 ] || goals=(test)

# needs: each line of NEEDS as need|tag|check|the packages of this release.
needs() {
	awk -F'|' -v OFS='|' -v r="$release" '{
		for (i = 1; i <= NF; i++) gsub(/^[ \t]+|[ \t]+$/, "", $i)
		print $1, $2, $3, (r == 12 ? $4 : $5) }' <<<"$NEEDS"
}

missing=() rechecks=() pkgs=() cargo=0
while IFS='|' read -r need tag check pk; do
	if eval "$check"; then
		[ "$report" = 0 ] || printf '  %-10s %-5s found: %s\n' "$need" "$tag" "$(found "$need" "$check" 2>&1)"
		continue
	fi
	if [ "$need" = bindgen ] && [ "$pk" != cargo ] &&
	   ! dpkg --compare-versions "$(candidate bindgen | sed 's/^[0-9]*://; s/-.*//')" ge "$BINDGEN_MIN" 2>/dev/null; then
		pk=cargo	# Debian's is too old: crates.io
	fi
	how=$([ "$pk" = cargo ] && echo "cargo install bindgen-cli" || echo "Debian ${pk//,/ }")
	[ "$report" = 0 ] || printf '  %-10s %-5s MISSING: %s\n' "$need" "$tag" "$how"
	wanted "$tag" || continue
	missing+=("$need") rechecks+=("$check")
	if [ "$pk" = cargo ]; then cargo=1; else IFS=, read -r -a a <<<"$pk"; pkgs+=("${a[@]}"); fi
done < <(needs)

if [ "$report" = 1 ]; then
	echo "Debian $release${codename:+ ($codename)}; RUSTC=$RUSTC RUSTDOC=$RUSTDOC BINDGEN=$BINDGEN LIBCLANG_PATH=$LIBCLANG_PATH QEMU=${QEMU:-qemu-system-x86_64}"
	echo "(tag: the goal that needs it; run: every goal; test: make test and make check)"
	[ ${#missing[@]} -gt 0 ] || { echo "nothing missing for make ${goals[*]}"; exit 0; }
	echo "missing for make ${goals[*]}: ${missing[*]}; make ${goals[0]} installs them$([ "$(id -u)" = 0 ] || echo " (as root)")"
	exit 0
fi
[ ${#missing[@]} -gt 0 ] || exit 0

if [ ${#pkgs[@]} -gt 0 ]; then
	if [ "$(id -u)" != 0 ]; then
		# apt's simulation needs no root; the commands are for root.
		cmds=$(plan "${pkgs[@]}" 2>/dev/null | sed 's/^/    sudo /') ||
			cmds="    sudo $TOP/scripts/fetch/deps.sh ${goals[*]}"
		die "missing for make ${goals[*]}: ${missing[*]}. As root, run:
$cmds
then run make again (NODEPS=1 skips this check)"
	fi
	# The lists may be old or absent on a new machine.
	[ -n "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mmin -1440 2>/dev/null)" ] ||
		run_step "apt-get update" "$LOGS/apt-update.log" apt-get update -q
	cmds=$(plan "${pkgs[@]}") || exit 1
	while read -r line; do
		eval "cmd=($line)"
		name="apt-get install ${line##*-q }"
		[[ $line != *-backports* ]] || name+=" (from $codename-backports)"
		run_step "$name" "$LOGS/apt-install.log" env DEBIAN_FRONTEND=noninteractive "${cmd[@]}"
	done <<<"$cmds"
fi
if [ "$cargo" = 1 ]; then
	have cargo || die "bindgen $BINDGEN_MIN or later is missing, and so is cargo to build it: install Rust with rustup, or set BINDGEN= to a bindgen-cli of $BINDGEN_MIN or later"
	run_step "cargo install bindgen-cli $BINDGEN_CARGO (~2 min)" "$LOGS/bindgen-install.log" \
		cargo install --locked --version "$BINDGEN_CARGO" bindgen-cli
	BINDGEN=${CARGO_HOME:-$HOME/.cargo}/bin/bindgen
fi
# What was installed must now pass its check.
still=()
for i in "${!missing[@]}"; do eval "${rechecks[i]}" || still+=("${missing[i]}"); done
[ ${#still[@]} -eq 0 ] || die "installed, but still not working: ${still[*]} (make doctor tells more)"
