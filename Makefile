# Build, boot and test the CLONE_AUTOREAP / CLONE_NNP / CLONE_PIDFD_AUTOKILL
# series.  `make help` lists the targets and the variables (config/knobs).

SHELL := /bin/bash
S := scripts

# Serial: the targets share build/ and its object directories (make -jN
# is accepted; the kernel builds use every core anyway).
.NOTPARALLEL:

# DEBUG=1: the debug kernel (config/debug.config: KASAN, lockdep, PROVE_RCU,
# DEBUG_OBJECTS, kmemleak ...) in an object directory of its own, booted with
# panic_on_warn=1 and longer timeouts (TCG runs it several times slower).
# Under TCG on a busy host that kernel interprets the ACPI _PRT loop of
# QEMU's i440fx so slowly that ACPICA's 30 s loop timeout aborts it (and
# the vCPU it hogs stalls RCU): virtio then has no IRQ and the 9p share
# hangs. pci=noacpi routes PCI interrupts through the BIOS $PIR table
# instead. RCU stall reports wait 60 s rather than 21: a starved vCPU
# thread is not a kernel bug.
ifeq ($(DEBUG),1)
export CONFIG_FRAGMENTS += debug.config
export KERNEL_CMDLINE += panic_on_warn=1 pci=noacpi rcupdate.rcu_cpu_stall_timeout=60
# kmemleak makes each fork about 60 % dearer under TCG: pidfd_test's
# 32768 forks took over 1200 s on 2026-12-05 with the host busy.
export BOOT_TIMEOUT ?= 3600
export KSFT_TIMEOUT ?= 2400
endif

.PHONY: help variables deps doctor tree kernel selftests initramfs run boot shell export \
	test test-tools clean compare test-compare

help:
	@echo 'make run        build the patched kernel, boot it, run the pidfd and'
	@echo '                clone3 kselftests and the KUnit tests, report'
	@echo '                (installs what is missing first)'
	@echo 'make test       the project test suite: tool tests, make send, bump'
	@echo '                and trailers on b4 send -o output, make check-series'
	@echo '                BISECT=0, make run, a small make compare, and make'
	@echo '                run SERIES=mainline'
	@echo 'make test-debug make run on the debug kernel (DEBUG=1): any splat'
	@echo '                fails, named by kind, and any kmemleak suspect'
	@echo 'make boot       run CMD as root in the guest (the project directory'
	@echo '                is mounted at the same path); no CMD: a shell'
	@echo 'make shell      an interactive shell in the guest'
	@echo 'make tree       materialise build/linux: base + patches/'
	@echo 'make export     write build/linux commits back to patches/'
	@echo 'make check      check the series as maintainers will: checkpatch,'
	@echo '                git am on the base, rustfmt, a build after each'
	@echo '                patch, cover letter; the man page series: git am'
	@echo '                on man-pages, its own lint-man/build-catman/'
	@echo '                check-catman; then the build matrix:'
	@$(S)/check/matrix.sh --list | sed 's/^/  /'
	@echo 'make check-CELL one cell of the matrix alone'
	@echo 'make send       b4 send -o: the mails in build/outgoing/;'
	@echo '                recipients from get_maintainer.pl, linux-api on Cc'
	@echo 'make bump       vN+1 with b4: "Changes in vN+1:", export, and its'
	@echo '                draft with the range-diff'
	@echo 'make trailers   apply the Reviewed-by... of the replies in MBOX'
	@echo 'make kernel     configure and build the kernel (incremental)'
	@echo 'make selftests  build and install the kselftests (static)'
	@echo 'make compare    mainline 7.1 as the oracle: build it, boot it and our'
	@echo '                kernels (with Rust, CONFIG_RUST=n) with the same'
	@echo '                tests and seeds, compare case by case, fuzz cases'
	@echo '                line by line (build/compare/report.md)'
	@echo 'make bench      benchmarks: spawn/reap, kill latency, pidfd close()'
	@echo '                on the patched and the base kernel (build/bench/)'
	@echo 'make deps       install what make test lacks'
	@echo 'make doctor     what was found, what is missing for which target'
	@echo 'make clean      remove build/ (the download cache is kept)'
	@echo 'make variables  write docs/variables.md from config/knobs'
	@echo
	@$(S)/knobs.py help

variables:
	@$(S)/knobs.py md >docs/variables.md

# Each goal installs what it lacks, and only that (scripts/fetch/deps.sh).
deps:
ifneq ($(NODEPS),1)
	@$(S)/fetch/deps.sh $(or $(filter-out deps doctor,$(MAKECMDGOALS)),$(FOR),test)
endif

doctor:
	@$(S)/fetch/deps.sh --report $(or $(FOR),check)

# The kernel tree (build/linux) and the man-pages tree (build/man-pages).
tree: deps
	@$(S)/series/tree.sh
	@SERIES=man-pages $(S)/series/tree.sh

kernel: tree
	@$(S)/build/kernel.sh

selftests: tree
	@$(S)/build/selftests.sh

initramfs: selftests
	@$(S)/build/initramfs.sh

run: kernel initramfs
	@$(S)/run/kselftests.sh

boot: kernel initramfs
	@if [ -n "$(CMD)" ]; then $(S)/run/boot.sh --cmd '$(subst ','\'',$(CMD))'; \
	else $(S)/run/boot.sh --shell; fi

shell: kernel initramfs
	@$(S)/run/boot.sh --shell

export:
	@$(S)/series/export.sh

.PHONY: check bump send trailers test-check test-send

# check: both series (kernel, then man pages), or the one that SERIES=
# names.
check: tree
ifeq ($(SERIES),)
	@rc=0; $(S)/check/matrix.sh || rc=1; \
	SERIES=man-pages $(S)/check/man-pages.sh || rc=1; exit $$rc
else ifeq ($(SERIES),man-pages)
	@$(S)/check/man-pages.sh
else
	@$(S)/check/matrix.sh
endif

# One cell of make check's matrix alone (with its table line): check-CELL
# for series and each cell of lib.sh's MATRIX_CELLS (scripts/check/CELL.sh);
# check/matrix.sh refuses any other name (after make tree).
check-%: tree
	@CELLS=$* $(S)/check/matrix.sh

bump: tree
	@$(S)/post/b4.sh bump

trailers: tree
	@$(S)/post/b4.sh trailers '$(MBOX)'

# send: the three series, each in a thread of its own, or SERIES= one.
send: tree
	@for s in $(or $(SERIES),kernel mainline man-pages); do \
		SERIES=$$s $(S)/series/tree.sh && SERIES=$$s $(S)/post/b4.sh send || exit; done

test-tools: tree
	@tests/run.sh

# make check's own tests on a toy series, then the series cell of the
# matrix on the real series without its builds (CI has no time for them).
test-check: tree
	@tests/make-check.sh
	@$(MAKE) --no-print-directory check-series BISECT=0

test-send: tree
	@SERIES=mainline $(S)/series/tree.sh && SERIES=man-pages $(S)/series/tree.sh
	@tests/post.sh

# The comparison with mainline, smaller in make test: 6000 fuzz cases,
# the Rust kernel only (CONFIG_RUST=n's build and boot, about 7 min cold,
# do not fit CI's 45 minutes; CONFIGS="rust rustoff" adds them).
compare: kernel initramfs
	@$(S)/compare/run.sh

test-compare: kernel initramfs
	@FUZZ_ITERATIONS=$(or $(FUZZ_ITERATIONS),1000) CONFIGS='$(or $(CONFIGS),rust)' \
		$(S)/compare/run.sh

# The mainline series built, booted and tested as make run does.
.PHONY: test-mainline
test-mainline:
	@$(MAKE) --no-print-directory run SERIES=mainline
	@$(MAKE) --no-print-directory check-series SERIES=mainline BISECT=0

# Every part runs, failed or not; the last line adds them up.
test: deps
	+@tests/all.sh test-tools test-check test-send run test-compare test-mainline

.PHONY: test-debug
test-debug:
	@$(MAKE) --no-print-directory run DEBUG=1 NAME=debug

.PHONY: bench
bench: tree
	@$(S)/bench/run.sh

clean:
	rm -rf build
