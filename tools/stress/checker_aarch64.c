// SPDX-License-Identifier: GPL-2.0
/*
 * arm64 host checkers: the kernel's own FP context-switch tests, from
 * tools/testing/selftests/arm64/fp of the kernel under test
 * (scripts/build-guest.sh builds them into /checkers):
 *
 *  - fpsimd-test, one pinned to each CPU: writes a pattern unique to its
 *    pid and iteration into V0-V31, yields, reads it back;
 *  - sve-test, one pinned to each CPU, at the default vector length: the
 *    same on Z0-Z31, P0-P15 and FFR, and checks its vector length;
 *  - fp-stress, the kernel's driver of both, in runs of a minute or more:
 *    on every CPU, fpsimd-test, sve-test at every vector length, and
 *    kernel-test (hashing through AF_ALG, or one more fpsimd-test where
 *    the kernel has no AF_ALG), tickled with signals every second.
 *
 * Stopped with SIGTERM, each test prints "Terminated by signal 15, no
 * error, iterations=N, signals=M"; at the first difference it prints
 * "Mismatch: ..." with the expected and actual values, and exits.  Their
 * iterations are the checks counted here.  The tests pinned here also
 * get SIGUSR2 (counted in their signals) at every tick.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/wait.h>
#include <unistd.h>
#include <asm/hwcap.h>
#include <asm/unistd.h>

#include "ktap.h"
#include "../lib/testlib.h"
#include "stress.h"

#define MAX_PROCS	(2 * 8 + 1)
#define MAX_OUTPUT	(1 << 20)
/* fp-stress runs in runs this long or longer (seconds). */
#define FP_STRESS_MIN_DURATION	60
/* Seconds fp-stress may take to get all its tests started. */
#define FP_STRESS_GRACE	120
/* Seconds a checker may take to exit after SIGTERM (fp-stress: its tests too). */
#define STOP_TIMEOUT	60

struct proc {
	char label[48];
	char *argv[4];
	int cpu;		/* pinned there, or -1 */
	pid_t pid;
	int fd;
	pthread_t reader;
	int reading;
	volatile int output_seen;	/* its signal handlers are set */
	char *out;			/* read once the reader is joined */
	size_t len;
	int status, reaped;
};

static struct proc procs[MAX_PROCS];
static struct proc *fp_stress;
static int nr_procs;
static int have_sve;
static char fp_stress_timeout[16];

static void *reader_main(void *arg)
{
	struct proc *p = arg;
	char buf[4096], *out;
	ssize_t n;

	while ((n = read(p->fd, buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR)) {
		if (n <= 0)
			continue;
		p->output_seen = 1;
		if (p->len + (size_t)n >= MAX_OUTPUT)
			continue;
		out = realloc(p->out, p->len + (size_t)n + 1);
		if (out) {
			memcpy(out + p->len, buf, (size_t)n);
			p->len += (size_t)n;
			out[p->len] = '\0';
			p->out = out;
		}
	}
	close(p->fd);
	return NULL;
}

static struct proc *spawn(const char *dir, const char *label, int cpu, char *prog, char *arg1,
			  char *arg2)
{
	struct proc *p = &procs[nr_procs++];
	int pipefd[2];

	snprintf(p->label, sizeof(p->label), "%s", label);
	p->argv[0] = prog;
	p->argv[1] = arg1;
	p->argv[2] = arg2;
	p->cpu = cpu;
	p->pid = -1;
	if (pipe2(pipefd, O_CLOEXEC)) {
		ktap_diag("%s: pipe: %s", label, strerror(errno));
		return p;
	}
	p->pid = fork();
	if (p->pid == 0) {
		/*
		 * A group of its own: the tests kill(0, ...) on some errors,
		 * and so does a child of fp-stress that gets SIGTERM before
		 * its exec (it still has fp-stress's handler and pid 0).
		 */
		setpgid(0, 0);
		dup2(pipefd[1], 1);
		dup2(pipefd[1], 2);
		close(pipefd[0]);
		close(pipefd[1]);
		/* fp-stress runs the other tests as ./name. */
		if (!chdir(dir))
			execv(prog, p->argv);
		printf("exec %s/%s: %s\n", dir, prog, strerror(errno));
		_exit(127);
	}
	close(pipefd[1]);
	p->fd = pipefd[0];
	if (p->pid < 0) {
		ktap_diag("%s: fork: %s", label, strerror(errno));
		close(p->fd);
		return p;
	}
	if (cpu >= 0)
		stress_pin(p->pid, cpu);
	p->reading = !pthread_create(&p->reader, NULL, reader_main, p);
	return p;
}

int stress_checkers_nr_results(void)
{
	return 3;
}

void stress_checkers_start(const struct stress_opts *o)
{
	int cpus = lfpu_test_ncpus(), cpu;
	char label[48];

	have_sve = !!(getauxval(AT_HWCAP) & HWCAP_SVE);
	for (cpu = 0; cpu < cpus && nr_procs + 2 < MAX_PROCS; cpu++) {
		snprintf(label, sizeof(label), "fpsimd-test on CPU %d", cpu);
		spawn(o->checkers, label, cpu, "./fpsimd-test", NULL, NULL);
		if (have_sve) {
			snprintf(label, sizeof(label), "sve-test on CPU %d", cpu);
			spawn(o->checkers, label, cpu, "./sve-test", NULL, NULL);
		}
	}
	/*
	 * Starting its tests (up to 34 under QEMU -cpu max on 6.1) takes it
	 * tens of seconds under TCG, and it must not be stopped before (see
	 * fp_stress_stoppable()): not worth it in a short run.  The stop
	 * comes before its own timeout, which is a safety net.
	 */
	if (o->duration < FP_STRESS_MIN_DURATION)
		return;
	snprintf(fp_stress_timeout, sizeof(fp_stress_timeout), "%u",
		 o->duration + FP_STRESS_GRACE);
	fp_stress = spawn(o->checkers, "fp-stress", -1, "./fp-stress", "-t", fp_stress_timeout);
}

/* SIGUSR2 counts as a signal in the tests, once their handlers are set. */
void stress_checkers_tick(void)
{
	int i;

	for (i = 0; i < nr_procs; i++)
		if (procs[i].cpu >= 0 && procs[i].pid > 0 && procs[i].output_seen)
			kill(procs[i].pid, SIGUSR2);
}

/* Occurrences of @what in @p's output. */
static int occurrences(const struct proc *p, const char *what)
{
	const char *s;
	int n = 0;

	for (s = p->out; s && (s = strstr(s, what)); s++)
		n++;
	return n;
}

static int reaped(struct proc *p)
{
	if (!p->reaped && waitpid(p->pid, &p->status, WNOHANG) == p->pid)
		p->reaped = 1;
	return p->reaped;
}

/* /proc/@pid/@what into @buf, NUL-terminated; its length, or -1. */
static ssize_t read_proc(int pid, const char *what, char *buf, size_t size)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, what);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

/*
 * The processes in @p's group: @p, its children and theirs.  With @show,
 * a diagnostic for each: its state, its syscall and pending signals.
 * Returns how many children are still named fp-stress: children of
 * fp-stress before their exec (see stress_checkers_stop()).
 */
static int scan_group(const struct proc *p, int show)
{
	DIR *dir = opendir("/proc");
	struct dirent *de;
	int before_exec = 0;

	while (dir && (de = readdir(dir))) {
		char stat[512], syscall[128] = "", status[2048] = "", *comm_end, *c;
		int pid = atoi(de->d_name), pgrp = 0;
		char state = '?';

		/* "pid (comm) state ppid pgrp ...": comm may hold anything. */
		if (pid <= 0 || read_proc(pid, "stat", stat, sizeof(stat)) <= 0)
			continue;
		comm_end = strrchr(stat, ')');
		if (!comm_end || sscanf(comm_end, ") %c %*d %d", &state, &pgrp) != 2 ||
		    pgrp != p->pid)
			continue;
		before_exec += pid != p->pid && strstr(stat, " (fp-stress)");
		if (!show)
			continue;
		read_proc(pid, "syscall", syscall, sizeof(syscall));
		read_proc(pid, "status", status, sizeof(status));
		for (c = status; *c; c++)
			if (*c == '\n' || *c == '\t')
				*c = ' ';
		c = strstr(status, "SigPnd:");
		ktap_diag("%s: %.*s state %c, syscall %.*s, %.56s", p->label,
			  (int)(comm_end + 1 - stat), stat, state, (int)strcspn(syscall, "\n"),
			  syscall, c ? c : "");
	}
	if (dir)
		closedir(dir);
	return before_exec;
}

/*
 * Whether fp-stress may be sent SIGTERM.  It passes the signal on to its
 * tests, and a test still between fork and exec runs fp-stress's handler
 * instead, which kill(0)s the group; a test forked after the signal is
 * never stopped.  So only once fp-stress waits in its main loop's
 * epoll_wait(), which it enters after forking every test, and none is
 * still named fp-stress, before its exec.  (Its output cannot tell: before
 * 6.12 it is block-buffered through the pipe.)
 */
static int fp_stress_stoppable(void)
{
	char syscall[128] = "";

	return read_proc(fp_stress->pid, "syscall", syscall, sizeof(syscall)) > 0 &&
	       atoi(syscall) == __NR_epoll_pwait && !scan_group(fp_stress, 0);
}

/*
 * SIGTERM to every test, and to fp-stress once it is stoppable (within
 * FP_STRESS_GRACE seconds).  Anything still there STOP_TIMEOUT seconds
 * later is shown, then killed with its group.
 */
void stress_checkers_stop(void)
{
	int i, waited;

	for (i = 0; i < nr_procs; i++)
		if (procs[i].pid > 0 && &procs[i] != fp_stress)
			kill(procs[i].pid, SIGTERM);
	for (waited = 0; fp_stress && fp_stress->pid > 0 && !reaped(fp_stress) &&
			 !fp_stress_stoppable(); waited++) {
		if (waited == 10 * FP_STRESS_GRACE) {
			ktap_diag("fp-stress: still starting its tests %d s after the stop",
				  FP_STRESS_GRACE);
			break;
		}
		usleep(100 * 1000);
	}
	if (fp_stress && fp_stress->pid > 0 && !reaped(fp_stress))
		kill(fp_stress->pid, SIGTERM);
	for (i = 0; i < nr_procs; i++) {
		struct proc *p = &procs[i];

		if (p->pid <= 0)
			continue;
		for (waited = 0; !reaped(p); waited++) {
			if (waited == 10 * STOP_TIMEOUT) {
				ktap_diag("%s: no exit %d s after SIGTERM; killing its group",
					  p->label, STOP_TIMEOUT);
				scan_group(p, 1);
				/* Children left would hold the pipe open. */
				kill(-p->pid, SIGKILL);
			}
			usleep(100 * 1000);
		}
		if (p->reading)
			pthread_join(p->reader, NULL);
	}
}

/* Copy the lines of @p's output holding @what into diagnostics. */
static void show_lines(const struct proc *p, const char *const *what)
{
	const char *line = p->out;

	while (line && *line) {
		const char *end = strchrnul(line, '\n');
		int i;

		for (i = 0; what[i]; i++)
			if (memmem(line, (size_t)(end - line), what[i], strlen(what[i]))) {
				ktap_diag("%s: %.*s", p->label, (int)(end - line), line);
				break;
			}
		line = *end ? end + 1 : end;
	}
}

static const char *const trouble[] = {
	"Mismatch", "Expected", "Got", "Bad", "not ok", "exited", "fail", "exec ", NULL,
};

static int exited_cleanly(const struct proc *p)
{
	return p->pid > 0 && WIFEXITED(p->status) && WEXITSTATUS(p->status) == 0;
}

/* Every "iterations=N" in @p's output, summed. */
static uint64_t iterations(const struct proc *p, int *found)
{
	const char *s = p->out;
	uint64_t n = 0;

	*found = 0;
	while (s && (s = strstr(s, "iterations="))) {
		s += strlen("iterations=");
		n += strtoull(s, NULL, 10);
		(*found)++;
	}
	return n;
}

/* The fpsimd-test or sve-test processes we pinned. */
static void report_pinned(const char *prog, const char *name, struct stress_totals *t)
{
	uint64_t checks = 0;
	int i, ok = 1, n = 0;

	for (i = 0; i < nr_procs; i++) {
		struct proc *p = &procs[i];
		uint64_t it;
		int found, bad;

		if (p->cpu < 0 || strcmp(p->argv[0], prog))
			continue;
		n++;
		it = iterations(p, &found);
		bad = occurrences(p, "Mismatch");
		checks += it;
		t->host_mismatches += bad;
		ktap_diag("%s: %llu iterations%s", p->label, (unsigned long long)it,
			  bad ? ", MISMATCH" : found ? ", no error" : ", no report");
		if (bad || found != 1 || !it || !exited_cleanly(p)) {
			show_lines(p, trouble);
			ok = 0;
		}
	}
	t->host_checks += checks;
	stress_result(ok && n > 0, name);
}

static void report_fp_stress(struct stress_totals *t)
{
	struct proc *p = fp_stress;
	int found, bad = occurrences(p, "Mismatch"), pass = 0, fail = -1;
	uint64_t it = iterations(p, &found);
	const char *totals = p->out ? strstr(p->out, "Totals: pass:") : NULL;

	if (totals)
		sscanf(totals, "Totals: pass:%d fail:%d", &pass, &fail);
	t->host_checks += it;
	t->host_mismatches += bad;
	ktap_diag("fp-stress: %d tests passed, %d failed, %llu iterations, %d mismatches",
		  pass, fail, (unsigned long long)it, bad);
	if (!exited_cleanly(p) || !pass || fail || bad || !it)
		show_lines(p, trouble);
	stress_result(exited_cleanly(p) && pass > 0 && !fail && !bad && it, "host_fp_stress");
}

void stress_checkers_report(struct stress_totals *t)
{
	report_pinned("./fpsimd-test", "host_fpsimd_test", t);
	if (have_sve)
		report_pinned("./sve-test", "host_sve_test", t);
	else
		stress_skip("host_sve_test", "no SVE");
	if (fp_stress)
		report_fp_stress(t);
	else
		stress_skip("host_fp_stress", "runs with --duration 60 or more");
}
