// SPDX-License-Identifier: GPL-2.0
/*
 * clone3_flags_fuzz: random clone3() calls around CLONE_AUTOREAP, CLONE_NNP
 * and CLONE_PIDFD_AUTOKILL, the engine of make compare.  It has no oracle:
 * it records what each call did, and scripts/compare/compare.py compares the
 * record of our kernel with mainline's, case by case.  Mainline's answer
 * is the oracle.  Runs as root in the lab guest (static, x86_64).
 *
 * Six kinds of caller make FUZZ_ITERATIONS calls each (default 1000), each
 * kind in a worker process of its own, all at once: root, root without
 * CAP_SYS_ADMIN, uid 65534 with and without no_new_privs, uid 65534 in a
 * user namespace of its own, and a process itself created with
 * CLONE_AUTOREAP.  Case n of a kind follows from FUZZ_SEED (default
 * 0x5eed), the kind and n alone: FUZZ_ONLY=kind:n runs that case alone.
 *
 * Output, a line each (the kinds' cases interleaved, each line written
 * whole as it comes, so that a run cut short keeps what it did):
 *   fuzz-seed 0x5eed
 *   fuzz-case root:7 flags=PIDFD|AUTOREAP exit_signal=0 pidfd=ok => OUTCOME
 *   fuzz-kind root => ok 1000 cases | skip REASON | not ok REASON
 *   fuzz-end 6000
 * OUTCOME is the errno's name, or "ok" and what was seen of the new task:
 * task= (thread or process), exit= (a thread seen to exit), fd= (the
 * clone3() pidfd: FD_CLOEXEC; "otherpid" if it names another task),
 * nnp= (the child's no_new_privs), close= (the pidfd closed while the
 * child waits: died, lived or plain), reap= (waitid: waitid with wait=,
 * none for ECHILD, never), signals= (the exit signals we got), status=
 * (PIDFD_INFO_EXIT).
 *
 * Any bit above CLONE_PIDFD_AUTOKILL may be set too, shown as bitN: what
 * a kernel makes of it is recorded like the rest.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/pidfd.h>
#include <linux/sched.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef __x86_64__
#error "x86_64 only: a CLONE_VM child runs on our stack (do_clone3)"
#endif
_Static_assert(CLONE_AUTOREAP == 1ULL << 34 && CLONE_NNP == 1ULL << 35 &&
	       CLONE_PIDFD_AUTOKILL == 1ULL << 36, "the flags' values");

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
/* Seconds to wait for a child to report, to exit, to be reaped. */
#define WAIT_SECS 10
/*
 * ... and to die when its pidfd is closed: a kernel that does not kill
 * makes each such case wait this long.
 */
#define KILL_SECS 2
#define IMMEDIATE (CLONE_VM | CLONE_VFORK | CLONE_THREAD | CLONE_SIGHAND)

enum { PTR_OK, PTR_NULL, PTR_BAD };
static const char *const ptr_names[] = { "ok", "NULL", "bad" };

struct fuzz_case {
	unsigned long long flags, exit_signal;
	int ptr;		/* where clone_args.pidfd points */
	int code;		/* the child's exit code */
	bool close_plain;	/* close a pidfd without AUTOKILL early */
};

static const struct kind {
	const char *name;
	bool drop_cap, nobody, nnp, userns, autoreap;
} kinds[] = {
	{ "root" },
	{ "root-nocap", .drop_cap = true },
	{ "nobody", .nobody = true },
	{ "nobody-nnp", .nobody = true, .nnp = true },
	{ "userns", .nobody = true, .userns = true },
	{ "autoreap", .autoreap = true },
};
#define NR_KINDS ARRAY_SIZE(kinds)

/* What each worker tells the main process (shared memory). */
static struct report {
	int done;
	bool finished;
	char skip[160];
} *reports;

static unsigned long long seed = 0x5eed;
static int iterations = 1000, only_kind = -1, only_n = -1;
static char *bad_ptr;
static sigset_t exit_signals;

/* splitmix64 */
static unsigned long long rnd(unsigned long long *s)
{
	unsigned long long z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static bool chance(unsigned long long *s, unsigned int percent)
{
	return rnd(s) % 100 < percent;
}

static void gen_case(int k, int n, struct fuzz_case *fc)
{
	static const unsigned long long signals[] = {
		0, SIGCHLD, SIGUSR1, 64, 65, 0x100 | SIGCHLD,
		(1ULL << 32) | SIGCHLD,
	};
	/* Threads, shared memory, vfork, CLONE_PARENT, or a plain child. */
	static const unsigned long long shapes[] = {
		CLONE_THREAD | CLONE_SIGHAND | CLONE_VM, CLONE_VM,
		CLONE_VM | CLONE_VFORK, CLONE_VFORK, CLONE_PARENT, CLONE_PARENT,
		CLONE_PARENT | CLONE_THREAD | CLONE_SIGHAND | CLONE_VM,
	};
	unsigned long long s = seed ^ ((unsigned long long)k << 56) ^
			       (n * 0xd1342543de82ef95ULL);
	unsigned long long f = 0, r;

	rnd(&s);
	f |= chance(&s, 50) ? CLONE_AUTOREAP : 0;
	f |= chance(&s, 50) ? CLONE_NNP : 0;
	f |= chance(&s, 45) ? CLONE_PIDFD_AUTOKILL : 0;
	f |= chance(&s, 70) ? CLONE_PIDFD : 0;
	r = rnd(&s) % 20;
	if (r < ARRAY_SIZE(shapes)) {
		f |= shapes[r];
	} else if (r == ARRAY_SIZE(shapes)) {
		f |= chance(&s, 50) ? CLONE_THREAD : 0;
		f |= chance(&s, 50) ? CLONE_SIGHAND : 0;
		f |= chance(&s, 50) ? CLONE_VM : 0;
	}
	f |= chance(&s, 10) ? CLONE_CLEAR_SIGHAND : 0;
	f |= chance(&s, 10) ? CLONE_FILES : 0;
	/* a bit that 6.19 does not know: 37 is CLONE_EMPTY_MNTNS in 7.1 */
	if (chance(&s, 5))
		f |= 1ULL << (37 + rnd(&s) % 27);
	fc->flags = f;
	/* Mostly 0 where only 0 is allowed, to reach the later checks. */
	if ((f & (CLONE_AUTOREAP | CLONE_THREAD | CLONE_PARENT)) && chance(&s, 75))
		fc->exit_signal = 0;
	else
		fc->exit_signal = signals[rnd(&s) % ARRAY_SIZE(signals)];
	fc->ptr = chance(&s, 88) ? PTR_OK : chance(&s, 50) ? PTR_NULL : PTR_BAD;
	fc->code = 1 + rnd(&s) % 100;
	fc->close_plain = chance(&s, 20);
}

/* "VM|PIDFD|AUTOREAP|bit40": the bits by name, others by number. */
static void describe_flags(unsigned long long f, char *buf, size_t len)
{
	static const struct {
		unsigned long long flag;
		const char *name;
	} names[] = {
		{ CLONE_VM, "VM" }, { CLONE_FILES, "FILES" },
		{ CLONE_SIGHAND, "SIGHAND" }, { CLONE_PIDFD, "PIDFD" },
		{ CLONE_VFORK, "VFORK" }, { CLONE_PARENT, "PARENT" },
		{ CLONE_THREAD, "THREAD" }, { CLONE_CLEAR_SIGHAND, "CLEAR_SIGHAND" },
		{ CLONE_AUTOREAP, "AUTOREAP" }, { CLONE_NNP, "NNP" },
		{ CLONE_PIDFD_AUTOKILL, "PIDFD_AUTOKILL" },
	};
	size_t n = 0, i;
	int bit;

	buf[0] = '\0';
	for (bit = 0; bit < 64; bit++) {
		const char *name = NULL;
		char num[8];

		if (!(f & (1ULL << bit)))
			continue;
		for (i = 0; i < ARRAY_SIZE(names); i++)
			if (names[i].flag == 1ULL << bit)
				name = names[i].name;
		if (!name) {
			snprintf(num, sizeof(num), "bit%d", bit);
			name = num;
		}
		n += snprintf(buf + n, len - n, "%s%s", n ? "|" : "", name);
	}
	if (!n)
		snprintf(buf, len, "0");
}

/* The errno's name ("EINVAL"), not libc's message. */
static const char *errno_name(int err)
{
	static char buf[16];
	const char *name = strerrorname_np(err);

	if (name)
		return name;
	snprintf(buf, sizeof(buf), "errno%d", err);
	return buf;
}

/* What was seen of one case, "key=value" words. */
struct rec {
	char buf[400];
	size_t len;
};

static __attribute__((format(printf, 2, 3))) void add(struct rec *r, const char *fmt, ...)
{
	va_list ap;

	if (r->len >= sizeof(r->buf) - 1)
		return;
	va_start(ap, fmt);
	r->len += vsnprintf(r->buf + r->len, sizeof(r->buf) - r->len, fmt, ap);
	va_end(ap);
	if (r->len > sizeof(r->buf) - 1)
		r->len = sizeof(r->buf) - 1;
}

/*
 * clone3() whose child, when @immediate, exits with @code at once without
 * touching memory: a CLONE_VM child runs on our stack, and a CLONE_VFORK
 * child must not wait for us.  Otherwise the child returns 0 like fork().
 */
static long do_clone3(struct clone_args *args, bool immediate, int code)
{
	long ret;

	asm volatile("syscall\n\t"
		     "test %%rax, %%rax\n\t"
		     "jnz 1f\n\t"
		     "test %[imm], %[imm]\n\t"
		     "jz 1f\n\t"
		     "mov %[code], %%edi\n\t"
		     "mov %[nr_exit], %%eax\n\t"
		     "syscall\n\t"
		     "1:\n\t"
		     : "=a" (ret)
		     : "0" ((long)__NR_clone3), "D" (args), "S" (sizeof(*args)),
		       [imm] "r" ((long)immediate), [code] "r" (code),
		       [nr_exit] "i" (__NR_exit)
		     : "rcx", "r11", "memory");
	if (ret < 0) {
		errno = -ret;
		return -1;
	}
	return ret;
}

/* A child that does not exit at once: reports no_new_privs, waits. */
static void child_body(int rep, int go, int code)
{
	char c = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1 ? '1' : '0';

	if (write(rep, &c, 1) != 1)
		_exit(120);
	while (read(go, &c, 1) < 0 && errno == EINTR)
		;
	_exit(code);
}

static bool readable(int fd, int secs)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int ret;

	do {
		ret = poll(&pfd, 1, secs * 1000);
	} while (ret < 0 && errno == EINTR);
	return ret == 1;
}

static long ms_since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t0->tv_sec) * 1000 +
	       (now.tv_nsec - t0->tv_nsec) / 1000000;
}

/* The wait status the pidfd reports once the task was reaped, or -1. */
static int exit_status(int pidfd)
{
	struct pidfd_info info;
	struct timespec t0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		memset(&info, 0, sizeof(info));
		info.mask = PIDFD_INFO_EXIT;
		if (ioctl(pidfd, PIDFD_GET_INFO, &info) == 0 &&
		    (info.mask & PIDFD_INFO_EXIT))
			return info.exit_code;
		usleep(1000);
	} while (ms_since(&t0) < WAIT_SECS * 1000);
	return -1;
}

/* The exit signals pending for us, taken: " signals=17,10" or "none". */
static void take_signals(struct rec *r)
{
	struct timespec zero = {};
	int sig, n = 0;

	add(r, " signals=");
	while ((sig = sigtimedwait(&exit_signals, NULL, &zero)) > 0)
		add(r, "%s%d", n++ ? "," : "", sig);
	if (!n)
		add(r, "none");
}

static void see_thread(struct rec *r, int pidfd)
{
	add(r, " task=thread");
	if (pidfd >= 0)
		add(r, " exit=%s", readable(pidfd, WAIT_SECS) ? "seen" : "never");
}

static void see_process(struct rec *r, const struct fuzz_case *fc, pid_t pid,
			int *pidfd, int rep, int go)
{
	bool immediate = fc->flags & IMMEDIATE;
	struct timespec t0;
	siginfo_t si;
	int watch, fd;
	char c = '?';

	add(r, " task=process");
	/* A pidfd of our own, to see it go: it must change nothing. */
	watch = syscall(SYS_pidfd_open, pid, 0);
	if (*pidfd >= 0)
		add(r, " fd=%s", syscall(SYS_fcntl, *pidfd, F_GETFD) & FD_CLOEXEC ?
		    "cloexec" : "inherit");
	if (!immediate) {
		struct pidfd_info info = { .mask = PIDFD_INFO_PID };

		/* alive until told to go: the pidfd must name it */
		if (*pidfd >= 0 && (ioctl(*pidfd, PIDFD_GET_INFO, &info) ||
				    info.pid != (__u32)pid))
			add(r, " fd=otherpid");
		if (!readable(rep, WAIT_SECS) || read(rep, &c, 1) != 1)
			c = '?';
		add(r, " nnp=%c", c);
		if (*pidfd >= 0 && ((fc->flags & CLONE_PIDFD_AUTOKILL) ||
				    fc->close_plain)) {
			close(*pidfd);
			*pidfd = -1;
			if (!(fc->flags & CLONE_PIDFD_AUTOKILL))
				add(r, " close=plain");	/* status= tells */
			else
				add(r, " close=%s", watch >= 0 &&
				    readable(watch, KILL_SECS) ? "died" : "lived");
		}
		if (write(go, "x", 1) != 1)
			add(r, " go=failed");
	}
	if (watch >= 0 && !readable(watch, WAIT_SECS)) {
		add(r, " exit=never");
		syscall(SYS_pidfd_send_signal, watch, SIGKILL, NULL, 0);
		readable(watch, WAIT_SECS);
	}

	/* Ours to wait for, or reaped by the kernel or by our parent? */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		memset(&si, 0, sizeof(si));
		if (waitid(P_PID, pid, &si, WEXITED | __WALL | WNOHANG) < 0) {
			add(r, " reap=%s", errno == ECHILD ? "none" : errno_name(errno));
			break;
		}
		if (si.si_pid == pid) {
			add(r, " reap=waitid wait=%s:%d",
			    si.si_code == CLD_EXITED ? "exited" :
			    si.si_code == CLD_KILLED ? "killed" : "other",
			    si.si_status);
			break;
		}
		if (ms_since(&t0) > WAIT_SECS * 1000) {
			add(r, " reap=never");
			break;
		}
		usleep(200);
	}
	take_signals(r);
	/* A child that exits at once may be gone before pidfd_open(). */
	fd = *pidfd >= 0 ? *pidfd : watch;
	if (fd >= 0 && (fd == *pidfd || !immediate))
		add(r, " status=0x%x", exit_status(fd));
	if (watch >= 0)
		close(watch);
}

static void run_case(int k, int n)
{
	struct clone_args args = {};
	struct fuzz_case fc;
	struct rec r = {};
	int pidfd = -1, rep[2], go[2], err;
	char flags[200];
	long ret;

	gen_case(k, n, &fc);
	if (pipe2(rep, O_CLOEXEC) || pipe2(go, O_CLOEXEC)) {
		perror("pipe2");
		exit(1);
	}
	args.flags = fc.flags;
	args.exit_signal = fc.exit_signal;
	if (fc.ptr == PTR_OK)
		args.pidfd = (unsigned long)&pidfd;
	else if (fc.ptr == PTR_BAD)
		args.pidfd = (unsigned long)bad_ptr;
	take_signals(&(struct rec){});	/* none are this case's */
	fflush(stdout);

	ret = do_clone3(&args, fc.flags & IMMEDIATE, fc.code);
	if (ret == 0)
		child_body(rep[1], go[0], fc.code);
	err = errno;
	if (ret < 0) {
		add(&r, "%s", errno_name(err));
	} else {
		add(&r, "ok");
		if (fc.flags & CLONE_THREAD)
			see_thread(&r, pidfd);
		else
			see_process(&r, &fc, ret, &pidfd, rep[0], go[1]);
	}
	if (pidfd >= 0)
		close(pidfd);
	close(rep[0]);
	close(rep[1]);
	close(go[0]);
	close(go[1]);

	describe_flags(fc.flags, flags, sizeof(flags));
	printf("fuzz-case %s:%d flags=%s exit_signal=%llu pidfd=%s => %s\n",
	       kinds[k].name, n, flags, fc.exit_signal, ptr_names[fc.ptr], r.buf);
}

static int drop_cap_sys_admin(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];
	int i = CAP_TO_INDEX(CAP_SYS_ADMIN);

	if (syscall(SYS_capget, &hdr, data))
		return -1;
	data[i].effective &= ~CAP_TO_MASK(CAP_SYS_ADMIN);
	data[i].permitted &= ~CAP_TO_MASK(CAP_SYS_ADMIN);
	data[i].inheritable &= ~CAP_TO_MASK(CAP_SYS_ADMIN);
	return syscall(SYS_capset, &hdr, data);
}

static void worker(int k)
{
	const struct kind *c = &kinds[k];
	struct report *rep = &reports[k];
	const char *fail = NULL;
	int n;

	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (c->drop_cap && drop_cap_sys_admin())
		fail = "cannot drop CAP_SYS_ADMIN";
	else if (c->nobody && (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
			       setresuid(65534, 65534, 65534)))
		fail = "cannot become uid 65534";
	else if (c->userns && unshare(CLONE_NEWUSER))
		fail = "unshare(CLONE_NEWUSER)";
	else if (c->nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		fail = "cannot set no_new_privs";
	if (fail) {
		snprintf(rep->skip, sizeof(rep->skip), "%s: %s", fail,
			 errno_name(errno));
		_exit(0);
	}
	sigprocmask(SIG_BLOCK, &exit_signals, NULL);
	for (n = 0; n < iterations; n++) {
		if (only_n < 0 || n == only_n) {
			run_case(k, n);
			rep->done++;
		}
	}
	fflush(stdout);
	rep->finished = true;
	_exit(0);
}

/* Start kind @k's worker; its pidfd. */
static int start_worker(int k)
{
	int pidfd = -1;
	struct clone_args args = {
		.flags = CLONE_PIDFD | (kinds[k].autoreap ? CLONE_AUTOREAP : 0),
		.exit_signal = kinds[k].autoreap ? 0 : SIGCHLD,
		.pidfd = (unsigned long)&pidfd,
	};
	long pid;

	fflush(stdout);
	pid = syscall(SYS_clone3, &args, sizeof(args));
	if (pid == 0)
		worker(k);
	if (pid < 0)
		snprintf(reports[k].skip, sizeof(reports[k].skip),
			 "clone3() of the worker: %s", errno_name(errno));
	return pidfd;
}

int main(void)
{
	int pidfds[NR_KINDS], running = 0, total = 0, bad = 0;
	struct pollfd pfds[NR_KINDS];
	const char *s;
	size_t k;

	s = getenv("FUZZ_SEED");
	if (s && *s)
		seed = strtoull(s, NULL, 0);
	s = getenv("FUZZ_ITERATIONS");
	if (s && *s)
		iterations = atoi(s);
	s = getenv("FUZZ_ONLY");
	if (s && *s) {
		const char *colon = strchr(s, ':');

		for (k = 0; colon && k < NR_KINDS; k++)
			if (!strncmp(kinds[k].name, s, colon - s) &&
			    !kinds[k].name[colon - s])
				only_kind = k;
		if (only_kind < 0) {
			fprintf(stderr, "FUZZ_ONLY=%s: want kind:n\n", s);
			return 2;
		}
		only_n = atoi(colon + 1);
		if (iterations <= only_n)
			iterations = only_n + 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("fuzz-seed 0x%llx\n", seed);
	if (geteuid() != 0) {
		fprintf(stderr, "needs root: it makes its unprivileged callers itself\n");
		return 1;
	}
	sigemptyset(&exit_signals);
	sigaddset(&exit_signals, SIGCHLD);
	sigaddset(&exit_signals, SIGUSR1);
	sigaddset(&exit_signals, 64);
	bad_ptr = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	reports = mmap(NULL, NR_KINDS * sizeof(*reports), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (bad_ptr == MAP_FAILED || reports == MAP_FAILED) {
		perror("mmap");
		return 1;
	}

	for (k = 0; k < NR_KINDS; k++) {
		pidfds[k] = -1;
		if (only_kind < 0 || only_kind == (int)k)
			pidfds[k] = start_worker(k);
		running += pidfds[k] >= 0;
	}
	/*
	 * Until every worker is gone, reap what they hand us: the
	 * CLONE_PARENT children, whose exit status they wait for.
	 */
	while (running) {
		for (k = 0; k < NR_KINDS; k++)
			pfds[k] = (struct pollfd){ .fd = pidfds[k], .events = POLLIN };
		poll(pfds, NR_KINDS, 20);
		while (waitpid(-1, NULL, WNOHANG | __WALL) > 0)
			;
		for (k = 0; k < NR_KINDS; k++) {
			if (pidfds[k] >= 0 && (pfds[k].revents & POLLIN)) {
				close(pidfds[k]);
				pidfds[k] = -1;
				running--;
			}
		}
	}
	while (waitpid(-1, NULL, WNOHANG | __WALL) > 0)
		;

	for (k = 0; k < NR_KINDS; k++) {
		struct report *rep = &reports[k];

		if (only_kind >= 0 && only_kind != (int)k)
			continue;
		total += rep->done;
		if (rep->skip[0]) {
			printf("fuzz-kind %s => skip %s\n", kinds[k].name, rep->skip);
		} else if (rep->finished) {
			printf("fuzz-kind %s => ok %d cases\n", kinds[k].name, rep->done);
		} else {
			printf("fuzz-kind %s => not ok: the worker ended after %d cases\n",
			       kinds[k].name, rep->done);
			bad = 1;
		}
	}
	printf("fuzz-end %d\n", total);
	return bad;
}
