# A toy kernel and a two-patch series on it, for the tests of make check
# and make send: sourced, not run.  The toy base has the files that
# checkpatch.pl and get_maintainer.pl look for, those two scripts (copied
# from the real tree, REAL_TREE, default build/linux), a MAINTAINERS file,
# one C file and a Makefile whose rustfmtcheck runs the real rustfmt.
#
#   toy_series DIR: DIR/b/linux the tree (base + 2 commits), DIR/patches the
#   exported series (v1); sets TOY_ENV (the env overrides for the scripts)
#   and TOY_GIT (git on the tree as the toy author).  Returns 1 (with a
#   message) when the real tree is missing.
# shellcheck shell=bash

toy_series() {
	local dir=$1 real=${REAL_TREE:-$TOP/build/linux} toy f
	if [ ! -f "$real/scripts/checkpatch.pl" ]; then
		echo "no kernel tree at $real for checkpatch.pl and get_maintainer.pl; run make tree" >&2
		return 1
	fi
	toy=$dir/toy
	mkdir -p "$toy"/{Documentation,arch,include,drivers,fs,init,ipc,kernel,lib,scripts,rust}
	for f in Documentation arch include drivers fs init ipc lib; do
		echo "$f" >"$toy/$f/README"
	done
	for f in COPYING CREDITS Kbuild README; do
		echo "toy $f" >"$toy/$f"
	done
	cp "$real"/scripts/{checkpatch.pl,get_maintainer.pl,spelling.txt,const_structs.checkpatch} \
		"$toy/scripts/"
	cp "$real/.rustfmt.toml" "$toy/"
	printf '%s\n' 'kernelversion:' '	@echo 0.0.1' 'rustfmtcheck:' \
		"	@find \$(CURDIR) -name '*.rs' | xargs -r \$(RUSTFMT) --check" \
		>"$toy/Makefile"
	cat >"$toy/MAINTAINERS" <<'EOF'
List of maintainers of the toy kernel

TOY KERNEL CORE
M:	Kay Maintainer <kay@example.org>
R:	Rae Reviewer <rae@example.org>
L:	toy-core@lists.example.org
S:	Maintained
F:	kernel/

THE REST
M:	Top Dog <top@example.org>
L:	toy-kernel@lists.example.org
S:	Buried alive in reporters
F:	*
F:	*/
EOF
	printf '%s\n' '// SPDX-License-Identifier: GPL-2.0' '' 'int answer;' \
		>"$toy/kernel/answer.c"
	tar -C "$dir" -cJf "$dir/toy.tar.xz" toy
	mkdir -p "$dir/patches"
	TOY_ENV=(env BUILD="$dir/b" PIDFD_CACHE="$dir/cache" PATCHES="$dir/patches"
		 KERNEL_SRC="$dir/toy.tar.xz")
	"${TOY_ENV[@]}" "$TOP/scripts/series/tree.sh" >/dev/null || return 1
	TOY_GIT=(git -C "$dir/b/linux" -c user.name="Toy Dev" -c user.email=dev@example.org)

	printf '%s\n' '// SPDX-License-Identifier: GPL-2.0' '' 'int answer = 42;' \
		>"$dir/b/linux/kernel/answer.c"
	"${TOY_GIT[@]}" commit -q -a -s -m "kernel: give the answer a value" \
		-m "The answer was zero. Make it the value that everybody expects."
	cat >>"$dir/b/linux/MAINTAINERS" <<'EOF'

TOY RUST
M:	Rusty Maintainer <rusty@example.org>
M:	Kay Maintainer <kay@example.org>
L:	toy-rust@lists.example.org
S:	Maintained
F:	rust/
EOF
	printf '%s\n' '// SPDX-License-Identifier: GPL-2.0' '' \
		'//! The answer, in Rust.' '' '/// The answer.' \
		'pub const ANSWER: i32 = 42;' >"$dir/b/linux/rust/answer.rs"
	"${TOY_GIT[@]}" add rust/answer.rs
	"${TOY_GIT[@]}" commit -q -a -s -m "rust: add the answer" \
		-m "Give Rust code the answer as a constant, and name who looks after it."
	"${TOY_GIT[@]}" config branch.master.description \
		"$(printf 'toy: the answer\n\nThis series gives the toy kernel its answer, in C and in Rust.')"
	"${TOY_ENV[@]}" "$TOP/scripts/series/export.sh" >/dev/null
}

# The build that make check runs after each patch of the toy series.
# shellcheck disable=SC2016 # expanded by scripts/check/series.sh
TOY_BUILD='mkdir -p "$OBJ" && for f in kernel/*.c; do cc -Wall -c "$f" -o "$OBJ/$(basename "$f" .c).o" || exit; done'
