// SPDX-License-Identifier: GPL-2.0
/*
 * pidfd_bench: what CLONE_AUTOREAP, CLONE_NNP and CLONE_PIDFD_AUTOKILL
 * cost and save, against the ways a supervisor spawns, kills and reaps
 * children without them.  Runs in the lab guest (statically linked).
 *
 *   pidfd_bench [-o DIR] [-l LABEL] [-s SCALE] [-r ROUNDS] [-c CPU]
 *
 * Three groups of measurements, each sample one operation in ns:
 *
 *   spawn  start a child that exits at once, and be done with it (reaped,
 *          or known dead for an autoreap child)
 *   kill   from the supervisor's action to the child seen dead through a
 *          second pidfd (pidfd_open, POLLIN)
 *   close  close() of an ordinary pidfd (pidfd_open), per call, in
 *          batches, against close() of an eventfd in the same loop
 *
 * The methods of a group run interleaved, a chunk each in every round,
 * so that drift of the machine (TCG, other load) hits them alike.  The
 * process and its children are pinned to one CPU (-c, default 0; -c -1
 * does not pin): under TCG a wake-up across vCPUs costs milliseconds of
 * host scheduling, which would drown the kernel's own work.
 *
 * Output: one tab-separated line per method on stdout,
 *   R  group id status n median p10 p90 p99 mean min max unit label
 * (status "ok", or "unsupported" with the errno name where n would be),
 * plus "M key value" lines about the run; DIR gets results.tsv (the same
 * lines) and GROUP.ID.txt with the raw samples, one per line.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif
#ifndef CLONE_AUTOREAP
#define CLONE_AUTOREAP 0x400000000ULL
#endif
#ifndef CLONE_NNP
#define CLONE_NNP 0x800000000ULL
#endif
#ifndef CLONE_PIDFD_AUTOKILL
#define CLONE_PIDFD_AUTOKILL 0x1000000000ULL
#endif
#ifndef P_PIDFD
#define P_PIDFD 3
#endif
#ifndef __NR_clone3
#define __NR_clone3 435
#endif
#ifndef __NR_pidfd_open
#define __NR_pidfd_open 434
#endif
#ifndef __NR_pidfd_send_signal
#define __NR_pidfd_send_signal 424
#endif

/* clone3's argument, declared here so that old headers do not matter. */
struct bench_clone_args {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack,
		stack_size, tls;
};

extern char **environ;

static char self_exe[4096];
static char outdir[4096];
static const char *label = "";
static FILE *tsv;

static void die(const char *what)
{
	fprintf(stderr, "pidfd_bench: %s: %s\n", what, strerror(errno));
	exit(2);
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* Raw clone3 without a new stack: the child returns here like fork's. */
static pid_t clone3_pidfd(uint64_t flags, int *pidfd, int exit_signal)
{
	struct bench_clone_args a;

	memset(&a, 0, sizeof(a));
	a.flags = flags;
	a.pidfd = (uintptr_t)pidfd;
	a.exit_signal = exit_signal;
	return syscall(__NR_clone3, &a, sizeof(a));
}

static int pidfd_open(pid_t pid)
{
	return syscall(__NR_pidfd_open, pid, 0);
}

static int pidfd_kill(int pidfd, int sig)
{
	return syscall(__NR_pidfd_send_signal, pidfd, sig, NULL, 0);
}

/* Block until the pidfd says its process has exited. */
static void wait_pollin(int pidfd)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };

	while (poll(&p, 1, -1) < 0)
		if (errno != EINTR)
			die("poll");
}

static void reap_pidfd(int pidfd)
{
	siginfo_t si;

	if (waitid(P_PIDFD, pidfd, &si, WEXITED) < 0)
		die("waitid(P_PIDFD)");
}

static void reap_pid(pid_t pid)
{
	while (waitpid(pid, NULL, 0) < 0)
		if (errno != EINTR)
			die("waitpid");
}

/* A child that tells it is ready, then sleeps until it is killed. */
static void __attribute__((noreturn)) sleeper(int ready)
{
	pid_t me = syscall(SYS_getpid);

	if (write(ready, &me, sizeof(me)) != sizeof(me))
		_exit(3);
	for (;;)
		pause();
}

static pid_t read_pid(int fd)
{
	pid_t pid;

	if (read(fd, &pid, sizeof(pid)) != sizeof(pid))
		die("read from a child");
	return pid;
}

/* ---------------------------------------------------------------- spawn */

/*
 * fork() or vfork(), then waitpid(). The vfork() child never returns
 * from this function: it calls _exit() right here, as vfork() requires.
 */
static int spawn_forked(int use_vfork)
{
	pid_t pid = use_vfork ? vfork() : fork();

	if (pid < 0)
		return -1;
	if (pid == 0)
		_exit(0);
	reap_pid(pid);
	return 0;
}

static int spawn_fork(void) { return spawn_forked(0); }
static int spawn_vfork(void) { return spawn_forked(1); }

static int spawn_posix_spawn(void)
{
	char *argv[] = { "pidfd_bench", "--exit", NULL };
	pid_t pid;
	int err;

	err = posix_spawn(&pid, self_exe, NULL, NULL, argv, environ);
	if (err) {
		errno = err;
		return -1;
	}
	reap_pid(pid);
	return 0;
}

/* clone3 with a pidfd; exit_signal SIGCHLD unless the kernel reaps. */
static int spawn_clone3(uint64_t flags)
{
	int autoreap = !!(flags & CLONE_AUTOREAP);
	int pidfd = -1;
	pid_t pid;

	pid = clone3_pidfd(CLONE_PIDFD | flags, &pidfd, autoreap ? 0 : SIGCHLD);
	if (pid < 0)
		return -1;
	if (pid == 0)
		_exit(0);
	wait_pollin(pidfd);
	if (!autoreap)
		reap_pidfd(pidfd);
	close(pidfd);
	return 0;
}

static int spawn_clone3_wait(void) { return spawn_clone3(0); }
static int spawn_autoreap(void) { return spawn_clone3(CLONE_AUTOREAP); }
static int spawn_autoreap_nnp(void)
{
	return spawn_clone3(CLONE_AUTOREAP | CLONE_NNP);
}
static int spawn_autokill(void)
{
	return spawn_clone3(CLONE_AUTOREAP | CLONE_PIDFD_AUTOKILL | CLONE_NNP);
}

/* ----------------------------------------------------------------- kill */

/*
 * Each kill method starts a sleeper, waits for its word, opens a second
 * pidfd on it to watch, then times the action up to POLLIN on that watch
 * pidfd.  It stores the time in *ns.
 */
static int start_sleeper(uint64_t flags, int *pidfd, int *watch)
{
	int autoreap = !!(flags & CLONE_AUTOREAP);
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		die("pipe");
	pid = clone3_pidfd(CLONE_PIDFD | flags, pidfd, autoreap ? 0 : SIGCHLD);
	if (pid < 0) {
		int e = errno;

		close(p[0]);
		close(p[1]);
		errno = e;
		return -1;
	}
	if (pid == 0)
		sleeper(p[1]);
	close(p[1]);
	read_pid(p[0]);
	close(p[0]);
	*watch = pidfd_open(pid);
	if (*watch < 0)
		die("pidfd_open");
	return pid;
}

static int kill_autokill_close(double *ns)
{
	int pidfd, watch;
	double t0;

	if (start_sleeper(CLONE_AUTOREAP | CLONE_PIDFD_AUTOKILL | CLONE_NNP,
			  &pidfd, &watch) < 0)
		return -1;
	t0 = now_ns();
	close(pidfd);
	wait_pollin(watch);
	*ns = now_ns() - t0;
	close(watch);
	return 0;
}

static int kill_signal(int how, uint64_t flags, double *ns)
{
	int pidfd, watch;
	pid_t pid;
	double t0;

	pid = start_sleeper(flags, &pidfd, &watch);
	if (pid < 0)
		return -1;
	t0 = now_ns();
	if (how ? kill(pid, SIGKILL) : pidfd_kill(pidfd, SIGKILL))
		die("kill");
	wait_pollin(watch);
	*ns = now_ns() - t0;
	if (!(flags & CLONE_AUTOREAP))
		reap_pidfd(pidfd);
	close(pidfd);
	close(watch);
	return 0;
}

static int kill_pidfd_send_signal(double *ns) { return kill_signal(0, 0, ns); }
static int kill_kill(double *ns) { return kill_signal(1, 0, ns); }
static int kill_pidfd_autoreap(double *ns)
{
	return kill_signal(0, CLONE_AUTOREAP, ns);
}

/*
 * The supervisor's own exit: a forked supervisor starts the child (with
 * PR_SET_PDEATHSIG, or holding its autokill pidfd), then exits when told,
 * noting the time just before.  This process is a child subreaper, so the
 * orphan comes back here to be reaped.
 */
static double *shared_t0;

static int kill_supervisor_exit(int autokill, double *ns)
{
	int ready[2], go[2], watch, status;
	pid_t sup, child;
	char c;

	if (pipe2(ready, O_CLOEXEC) < 0 || pipe2(go, O_CLOEXEC) < 0)
		die("pipe");
	sup = fork();
	if (sup < 0)
		die("fork");
	if (sup == 0) {
		pid_t me = getpid();
		int pidfd = -1;

		close(ready[0]);
		close(go[1]);
		if (autokill) {
			child = clone3_pidfd(CLONE_PIDFD | CLONE_AUTOREAP |
					     CLONE_PIDFD_AUTOKILL | CLONE_NNP,
					     &pidfd, 0);
		} else {
			child = fork();
		}
		if (child < 0) {
			pid_t none = -errno;

			if (write(ready[1], &none, sizeof(none)) < 0)
				_exit(4);
			_exit(1);
		}
		if (child == 0) {
			if (!autokill) {
				prctl(PR_SET_PDEATHSIG, SIGKILL);
				if (getppid() != me)
					_exit(5);
			}
			sleeper(ready[1]);
		}
		if (read(go[0], &c, 1) != 1)
			_exit(6);
		*shared_t0 = now_ns();
		_exit(0);
	}
	close(ready[1]);
	close(go[0]);
	child = read_pid(ready[0]);
	close(ready[0]);
	if (child < 0) {
		close(go[1]);
		reap_pid(sup);
		errno = -child;
		return -1;
	}
	watch = pidfd_open(child);
	if (watch < 0)
		die("pidfd_open");
	if (write(go[1], "x", 1) != 1)
		die("write");
	wait_pollin(watch);
	*ns = now_ns() - *shared_t0;
	close(go[1]);
	if (waitpid(sup, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		die("supervisor did not exit cleanly");
	if (!autokill)
		reap_pidfd(watch);
	close(watch);
	return 0;
}

static int kill_pdeathsig(double *ns) { return kill_supervisor_exit(0, ns); }
static int kill_autokill_holder_exit(double *ns)
{
	return kill_supervisor_exit(1, ns);
}

/* ---------------------------------------------------------------- close */

#define BATCH_MAX 512
static int batch = 256;

/*
 * One batch: open `batch` pidfds on ourselves, close them; then the same
 * with eventfds.  Per-call times: pidfd open, pidfd close, eventfd close,
 * and the pidfd/eventfd close ratio of this batch.
 */
static void close_batch(double out[4])
{
	int fds[BATCH_MAX];
	pid_t me = getpid();
	double t0, t1, t2, t3, t4;
	int i;

	t0 = now_ns();
	for (i = 0; i < batch; i++) {
		fds[i] = pidfd_open(me);
		if (fds[i] < 0)
			die("pidfd_open");
	}
	t1 = now_ns();
	for (i = 0; i < batch; i++)
		close(fds[i]);
	t2 = now_ns();
	for (i = 0; i < batch; i++) {
		fds[i] = eventfd(0, 0);
		if (fds[i] < 0)
			die("eventfd");
	}
	t3 = now_ns();
	for (i = 0; i < batch; i++)
		close(fds[i]);
	t4 = now_ns();
	out[0] = (t1 - t0) / batch;
	out[1] = (t2 - t1) / batch;
	out[2] = (t4 - t3) / batch;
	out[3] = out[1] / out[2];
}

/* ---------------------------------------------------------- bookkeeping */

struct series {
	const char *group, *id, *label, *unit;
	int (*spawn)(void);
	int (*kill)(double *ns);
	int n, cap, err; /* err: errno that made it unsupported */
	double *v;
};

static void add(struct series *s, double v)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 1024;
		s->v = realloc(s->v, s->cap * sizeof(*s->v));
		if (!s->v)
			die("realloc");
	}
	s->v[s->n++] = v;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted values. */
static double pct(const double *v, int n, double p)
{
	return v[(int)(p * (n - 1) + 0.5)];
}

static void report(struct series *s)
{
	char line[1024], path[4400];
	double *v, sum = 0;
	FILE *f;
	int i;

	if (s->err || !s->n) {
		snprintf(line, sizeof(line),
			 "R\t%s\t%s\tunsupported\t%s\t\t\t\t\t\t\t\t%s\t%s\n",
			 s->group, s->id, s->err ? strerrorname_np(s->err) : "",
			 s->unit, s->label);
	} else {
		v = malloc(s->n * sizeof(*v));
		memcpy(v, s->v, s->n * sizeof(*v));
		qsort(v, s->n, sizeof(*v), cmp_double);
		for (i = 0; i < s->n; i++)
			sum += v[i];
		snprintf(line, sizeof(line),
			 "R\t%s\t%s\tok\t%d\t%.4g\t%.4g\t%.4g\t%.4g\t%.4g\t%.4g\t%.4g\t%s\t%s\n",
			 s->group, s->id, s->n, pct(v, s->n, .5),
			 pct(v, s->n, .1), pct(v, s->n, .9), pct(v, s->n, .99),
			 sum / s->n, v[0], v[s->n - 1], s->unit, s->label);
		free(v);
		if (outdir[0]) {
			snprintf(path, sizeof(path), "%s/%s.%s.txt", outdir,
				 s->group, s->id);
			f = fopen(path, "w");
			if (!f)
				die(path);
			for (i = 0; i < s->n; i++)
				fprintf(f, "%.6g\n", s->v[i]);
			fclose(f);
		}
	}
	fputs(line, stdout);
	if (tsv)
		fputs(line, tsv);
}

static void __attribute__((format(printf, 2, 3)))
meta(const char *key, const char *fmt, ...)
{
	char val[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	printf("M\t%s\t%s\n", key, val);
	if (tsv)
		fprintf(tsv, "M\t%s\t%s\n", key, val);
}

static struct series spawn_methods[] = {
	{ "spawn", "fork_waitpid", "fork()+waitpid()", "ns", spawn_fork },
	{ "spawn", "vfork_waitpid", "vfork()+_exit+waitpid()", "ns",
	  spawn_vfork },
	{ "spawn", "posix_spawn", "posix_spawn()+waitpid() (exec)", "ns",
	  spawn_posix_spawn },
	{ "spawn", "clone3_pidfd_waitid", "clone3(PIDFD)+poll+waitid(P_PIDFD)",
	  "ns", spawn_clone3_wait },
	{ "spawn", "clone3_autoreap", "clone3(PIDFD|AUTOREAP)+poll", "ns",
	  spawn_autoreap },
	{ "spawn", "clone3_autoreap_nnp", "clone3(PIDFD|AUTOREAP|NNP)+poll",
	  "ns", spawn_autoreap_nnp },
	{ "spawn", "clone3_autokill", "clone3(PIDFD|AUTOREAP|AUTOKILL|NNP)+poll",
	  "ns", spawn_autokill },
};

static struct series kill_methods[] = {
	{ "kill", "pidfd_send_signal", "pidfd_send_signal(SIGKILL)", "ns",
	  NULL, kill_pidfd_send_signal },
	{ "kill", "kill", "kill(SIGKILL)", "ns", NULL, kill_kill },
	{ "kill", "autokill_close", "close() of the AUTOKILL pidfd", "ns",
	  NULL, kill_autokill_close },
	{ "kill", "pidfd_send_signal_autoreap",
	  "pidfd_send_signal(SIGKILL), AUTOREAP child", "ns", NULL,
	  kill_pidfd_autoreap },
	{ "kill", "pdeathsig_exit", "supervisor exit, PR_SET_PDEATHSIG", "ns",
	  NULL, kill_pdeathsig },
	{ "kill", "autokill_holder_exit", "supervisor exit, AUTOKILL pidfd",
	  "ns", NULL, kill_autokill_holder_exit },
};

static struct series close_series[] = {
	{ "close", "pidfd_close", "close(pidfd_open() fd)", "ns" },
	{ "close", "pidfd_open", "pidfd_open()", "ns" },
	{ "close", "eventfd_close", "close(eventfd) (control)", "ns" },
	{ "close", "pidfd_vs_eventfd", "close(pidfd) / close(eventfd)", "x" },
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static int one(struct series *s)
{
	double t0, ns;

	if (s->spawn) {
		t0 = now_ns();
		if (s->spawn())
			return -1;
		ns = now_ns() - t0;
	} else if (s->kill(&ns)) {
		return -1;
	}
	add(s, ns);
	return 0;
}

/*
 * Run the methods of a group interleaved: warm-up (and the probe for
 * support) first, then `rounds` rounds of n/rounds each.
 */
static void run_group(struct series *m, int nm, int n, int rounds)
{
	int i, j, r, chunk = (n + rounds - 1) / rounds;

	for (i = 0; i < nm; i++) {
		for (j = 0; j < 10; j++) {
			if (one(&m[i])) {
				m[i].err = errno;
				break;
			}
		}
		m[i].n = 0;
	}
	for (r = 0; r < rounds; r++)
		for (i = 0; i < nm; i++)
			for (j = 0; j < chunk && !m[i].err; j++)
				if (one(&m[i]))
					die(m[i].id);
	for (i = 0; i < nm; i++)
		report(&m[i]);
	fflush(stdout);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: pidfd_bench [-o DIR] [-l LABEL] [-s SCALE] [-r ROUNDS]\n"
		"                   [-c CPU] [-g spawn,kill,close]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *groups = "spawn,kill,close";
	double scale = 1, t0;
	int rounds = 10, cpu = 0, opt, i, n;
	struct utsname u;
	struct rlimit rl = { 4096, 4096 };
	char path[4400];

	if (argc > 1 && !strcmp(argv[1], "--exit"))
		_exit(0);
	while ((opt = getopt(argc, argv, "o:l:s:r:c:g:")) != -1) {
		switch (opt) {
		case 'o': snprintf(outdir, sizeof(outdir), "%s", optarg); break;
		case 'l': label = optarg; break;
		case 's': scale = atof(optarg); break;
		case 'r': rounds = atoi(optarg); break;
		case 'g': groups = optarg; break;
		case 'c': cpu = atoi(optarg); break;
		default: usage();
		}
	}
	if (scale <= 0 || rounds < 1)
		usage();
	if (readlink("/proc/self/exe", self_exe, sizeof(self_exe) - 1) < 0)
		die("readlink /proc/self/exe");
	if (outdir[0]) {
		char *slash = outdir;

		/* mkdir -p */
		while ((slash = strchr(slash + 1, '/'))) {
			*slash = 0;
			mkdir(outdir, 0755);
			*slash = '/';
		}
		mkdir(outdir, 0755);
		snprintf(path, sizeof(path), "%s/results.tsv", outdir);
		tsv = fopen(path, "w");
		if (!tsv)
			die(path);
	}
	setrlimit(RLIMIT_NOFILE, &rl);
	if (cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set) < 0)
			die("sched_setaffinity");
	}
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		die("PR_SET_CHILD_SUBREAPER");
	shared_t0 = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared_t0 == MAP_FAILED)
		die("mmap");

	uname(&u);
	meta("label", "%s", label);
	meta("kernel", "%s %s", u.release, u.version);
	meta("cpus", "%ld", sysconf(_SC_NPROCESSORS_ONLN));
	meta("scale", "%g", scale);
	meta("rounds", "%d", rounds);
	meta("pinned_cpu", "%d", cpu);
	t0 = now_ns();

	if (strstr(groups, "spawn")) {
		n = 2000 * scale;
		run_group(spawn_methods, ARRAY_SIZE(spawn_methods), n, rounds);
	}
	if (strstr(groups, "kill")) {
		n = 300 * scale;
		run_group(kill_methods, ARRAY_SIZE(kill_methods), n, rounds);
	}
	if (strstr(groups, "close")) {
		double out[4];

		n = 1000 * scale;
		for (i = 0; i < 10; i++)
			close_batch(out);
		for (i = 0; i < n; i++) {
			close_batch(out);
			add(&close_series[0], out[1]);
			add(&close_series[1], out[0]);
			add(&close_series[2], out[2]);
			add(&close_series[3], out[3]);
		}
		meta("close_batch", "%d", batch);
		for (i = 0; i < (int)ARRAY_SIZE(close_series); i++)
			report(&close_series[i]);
	}
	meta("seconds", "%.1f", (now_ns() - t0) / 1e9);
	if (tsv)
		fclose(tsv);
	return 0;
}
