// SPDX-License-Identifier: GPL-2.0
/*
 * starvation: a vCPU that never leaves RUN does not starve its CPU.
 *
 * A guest that claims the FP registers and then loops on hypercalls forever
 * runs pinned to CPU 1, under the lazy policy (which keeps a backend's
 * window open across in-kernel exits), on every FP backend: x86's fpstate
 * swap and XSAVE section, arm64's NEON section and, with SVE, the SVE
 * span.  Meanwhile, from CPU 0:
 *
 *  - softirqs: CPU 1's total in /proc/softirqs keeps rising;
 *  - timer: a timer_list armed on CPU 1 (it fires in TIMER_SOFTIRQ) by
 *    lazyfpu_timerprobe.ko fires within TIMER_BOUND_US of its due time;
 *  - rcu_tasks: turning off an ftrace instance's function tracer, which
 *    waits for an RCU-Tasks grace period (ftrace_shutdown() of dynamically
 *    allocated ftrace_ops), completes within RCU_TASKS_BOUND_S.
 *
 * And a process's CPU-time limit holds for a guest that never exits: the
 * kernel delivers CPU-time timers through task work on the way back to
 * userspace (POSIX_CPU_TIMERS_TASK_WORK, x86 and arm64), so RUN must
 * return for it, or a guest would escape RLIMIT_CPU.
 *
 * The bounds are generous for QEMU's TCG; starvation shows as never.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ktap.h"
#include "../lib/testlib.h"

#define PROBE_KO		"/lib/modules/lazyfpu_timerprobe.ko"
#define PROBE_PARAM(p)		"/sys/module/lazyfpu_timerprobe/parameters/" p
#define TRACING			"/sys/kernel/tracing"
#define INSTANCE		TRACING "/instances/lazyfpu_rcu_tasks"
#define GUEST_CPU		1
#define TIMER_DELAY_MS		20
#define TIMER_BOUND_US		250000
#define RCU_TASKS_BOUND_S	15
/* A kernel function to trace: rarely called, in every kernel. */
#define TRACED_FUNCTION		"ksys_sync"
#define CPU_LIMIT_S		1
#define CPU_LIMIT_WAIT_S	30

/* Claim the FP registers, then loop on in-kernel exits forever. */
static const char hypercall_loop[] =
	"	movi	r1, data\n"
	"	vld	v0, [r1]\n"
	"loop:	vaddpd	v0, v0\n"
	"	hcall	r2, 0\n"
	"	jmp	loop\n"
	"	.align	16\n"
	"data:	.f64	1.0, 2.0\n";

struct looping_vcpu {
	struct lfpu_vcpu vcpu;
	pthread_t thread;
	volatile int stop;
	int run_error;
};

static void on_stop_signal(int sig)
{
	(void)sig;
}

static void *vcpu_thread(void *arg)
{
	struct looping_vcpu *lv = arg;

	lfpu_test_pin(GUEST_CPU);
	while (!lv->stop) {
		if (lfpu_vcpu_run(&lv->vcpu) && errno != EINTR) {
			lv->run_error = errno;
			break;
		}
		if (!lv->stop && lv->vcpu.run->exit_reason != LAZYFPU_EXIT_INTR) {
			lv->run_error = -1;	/* the guest never exits on its own */
			break;
		}
	}
	return NULL;
}

static uint64_t hypercalls(struct lfpu_vcpu *vcpu)
{
	struct lazyfpu_vcpu_stats st;

	return lfpu_vcpu_stats(vcpu, &st) ? 0 : st.exits[LAZYFPU_EXIT_HYPERCALL];
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* The sum over all softirq kinds of CPU @cpu's column in /proc/softirqs. */
static long long softirqs_on(int cpu)
{
	char line[1024], *tok, *save;
	long long total = 0;
	FILE *f = fopen("/proc/softirqs", "r");
	int col = -1, i;

	if (!f)
		return -1;
	if (fgets(line, sizeof(line), f))
		for (i = 0, tok = strtok_r(line, " \n", &save); tok;
		     i++, tok = strtok_r(NULL, " \n", &save))
			if (!strncmp(tok, "CPU", 3) && atoi(tok + 3) == cpu)
				col = i;
	while (col >= 0 && fgets(line, sizeof(line), f)) {
		tok = strtok_r(line, " \n", &save);	/* "TIMER:" */
		for (i = 0; i <= col && (tok = strtok_r(NULL, " \n", &save)); i++)
			if (i == col)
				total += atoll(tok);
	}
	fclose(f);
	return col >= 0 ? total : -1;
}

static int write_str(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_TRUNC);
	ssize_t n = -1;

	if (fd >= 0) {
		n = write(fd, text, strlen(text));
		close(fd);
	}
	if (n < 0)
		ktap_diag("writing \"%s\" to %s: %s", text, path, strerror(errno));
	return n < 0 ? -1 : 0;
}

static long long read_ll(const char *path)
{
	char buf[64] = "";
	int fd = open(path, O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

	if (fd >= 0)
		close(fd);
	return n > 0 ? atoll(buf) : -2;
}

/* Arm the probe on the guest's CPU; how late it fired, or -1. */
static long long timer_lateness_us(void)
{
	char arm[32];
	long long late = -1;
	int waited;

	snprintf(arm, sizeof(arm), "%d %d", GUEST_CPU, TIMER_DELAY_MS);
	if (write_str(PROBE_PARAM("arm"), arm))
		return -1;
	for (waited = 0; late == -1 && waited < 3000; waited += 10) {
		sleep_ms(10);
		late = read_ll(PROBE_PARAM("late_us"));
	}
	return late;
}

struct ftrace_toggle {
	volatile int done;
	int ok;
};

/*
 * An ftrace instance with its own, dynamically allocated ftrace_ops:
 * switching its function tracer off waits for RCU-Tasks, since a task
 * preempted in the ops' trampoline must leave it before it is freed.
 */
static void *toggle_function_tracer(void *arg)
{
	struct ftrace_toggle *t = arg;

	rmdir(INSTANCE);
	t->ok = !mkdir(INSTANCE, 0755) &&
		!write_str(INSTANCE "/set_ftrace_filter", TRACED_FUNCTION) &&
		!write_str(INSTANCE "/current_tracer", "function") &&
		!write_str(INSTANCE "/current_tracer", "nop");
	rmdir(INSTANCE);
	t->done = 1;
	return NULL;
}

/* Seconds the toggle took, or -1 if it did not finish within the bound. */
static int rcu_tasks_seconds(void)
{
	struct ftrace_toggle t = { 0, 0 };
	pthread_t thread;
	int s;

	if (pthread_create(&thread, NULL, toggle_function_tracer, &t))
		return -1;
	for (s = 0; !t.done && s < RCU_TASKS_BOUND_S * 10; s++)
		sleep_ms(100);
	if (!t.done) {
		/* It completes once RUN returns; wait for that in stop_vcpu(). */
		pthread_detach(thread);
		return -1;
	}
	pthread_join(thread, NULL);
	return t.ok ? s / 10 : -1;
}

static int start_vcpu(struct lfpu_vm *vm, struct looping_vcpu *lv)
{
	uint64_t before;
	int waited;

	if (lfpu_test_vcpu(vm, &lv->vcpu, 0))
		return -1;
	if (pthread_create(&lv->thread, NULL, vcpu_thread, lv)) {
		lfpu_vcpu_destroy(&lv->vcpu);
		return -1;
	}
	/* Running: claimed its FP state, now making hypercalls. */
	before = hypercalls(&lv->vcpu);
	for (waited = 0; hypercalls(&lv->vcpu) < before + 1000 && waited < 5000; waited += 10)
		sleep_ms(10);
	return 0;
}

static void stop_vcpu(struct looping_vcpu *lv)
{
	lv->stop = 1;
	while (pthread_tryjoin_np(lv->thread, NULL) == EBUSY) {
		pthread_kill(lv->thread, SIGUSR1);
		sleep_ms(10);
	}
	lfpu_vcpu_destroy(&lv->vcpu);
}

/* The SVE vector length to test (the shortest offered), or 0. */
static unsigned int sve_length(void)
{
	int fd = open("/dev/lazyfpu", O_RDWR);
	long vqs = fd >= 0 ? ioctl(fd, LAZYFPU_CHECK_EXTENSION, LAZYFPU_CAP_ARM64_SVE_VQS) : 0;

	if (fd >= 0)
		close(fd);
	return vqs > 0 ? 16 * (__builtin_ctzl(vqs) + 1) : 0;
}

static void report(int pass, const char *check, const char *cfg)
{
	char name[160];

	snprintf(name, sizeof(name), "%s_%s", check, cfg);
	ktap_result(pass, name);
}

static void run_case(const struct lfpu_test_cfg *cfg, unsigned int vl)
{
	struct lazyfpu_vector_length len = { .bytes = vl };
	struct looping_vcpu lv = { .stop = 0 };
	long long s0, s1, late;
	struct lfpu_vm vm;
	char name[64];
	int secs;

	if (vl)
		snprintf(name, sizeof(name), "%s_sve%u", cfg->name, vl);
	else
		snprintf(name, sizeof(name), "%s", cfg->name);
	if (lfpu_test_vm(&vm, cfg, hypercall_loop) ||
	    (vl && ioctl(vm.vm_fd, LAZYFPU_SET_VECTOR_LENGTH, &len)) ||
	    start_vcpu(&vm, &lv)) {
		ktap_diag("%s: cannot start the looping vCPU: %s", name, strerror(errno));
		report(0, "softirqs_run_on_guest_cpu", name);
		report(0, "timer_fires_on_guest_cpu", name);
		report(0, "rcu_tasks_grace_period_completes", name);
		return;
	}

	s0 = softirqs_on(GUEST_CPU);
	late = timer_lateness_us();
	sleep_ms(500);
	s1 = softirqs_on(GUEST_CPU);
	ktap_diag("%s: CPU%d softirqs %lld -> %lld; timer %lld us late", name, GUEST_CPU,
		  s0, s1, late);
	report(s0 >= 0 && s1 > s0, "softirqs_run_on_guest_cpu", name);
	report(late >= 0 && late < TIMER_BOUND_US, "timer_fires_on_guest_cpu", name);

	secs = rcu_tasks_seconds();
	ktap_diag("%s: function tracer off in %d s (-1: not within %d s)", name, secs,
		  RCU_TASKS_BOUND_S);
	report(secs >= 0 && !lv.run_error, "rcu_tasks_grace_period_completes", name);

	stop_vcpu(&lv);
	lfpu_vm_destroy(&vm);
}

/* A child with a 1 s CPU limit runs a guest that never exits: SIGXCPU ends it. */
static int cpu_time_limit_holds(const struct lfpu_test_cfg *cfg)
{
	int status = 0, waited;
	pid_t pid = fork();

	if (pid == 0) {
		struct rlimit limit = { CPU_LIMIT_S, CPU_LIMIT_S + 1 };
		struct lfpu_vcpu vcpu;
		struct lfpu_vm vm;

		if (lfpu_test_vm(&vm, cfg, "spin:	jmp	spin\n") || lfpu_test_vcpu(&vm, &vcpu, 0) ||
		    setrlimit(RLIMIT_CPU, &limit))
			_exit(2);
		for (;;)
			if (lfpu_vcpu_run(&vcpu) && errno != EINTR)
				_exit(3);
	}
	if (pid < 0)
		return 0;
	for (waited = 0; waited < CPU_LIMIT_WAIT_S * 10; waited++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
		sleep_ms(100);
	}
	if (waited == CPU_LIMIT_WAIT_S * 10) {
		ktap_diag("the guest outlived its %d s CPU limit by %d s", CPU_LIMIT_S,
			  CPU_LIMIT_WAIT_S);
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		return 0;
	}
	ktap_diag("guest process ended after %d ms, status %#x", waited * 100, status);
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGXCPU;
}

int main(void)
{
	struct sigaction sa = { .sa_handler = on_stop_signal };
	struct lfpu_test_cfg cfgs[8], lazy[2];
	int ncfg = lfpu_test_configs(cfgs, 8), nlazy = 0, i;
	unsigned int vl = sve_length();

	for (i = 0; i < ncfg; i++)
		if (cfgs[i].policy == LAZYFPU_FP_POLICY_LAZY)
			lazy[nlazy++] = cfgs[i];
	ktap_plan(3 * (nlazy + (vl ? 1 : 0)) + 1);
	sigaction(SIGUSR1, &sa, NULL);
	lfpu_test_pin(0);

	if (lfpu_test_ncpus() <= GUEST_CPU || lfpu_test_load_module(PROBE_KO)) {
		ktap_diag("need CPU %d and %s", GUEST_CPU, PROBE_KO);
		for (i = 0; i < 3 * (nlazy + (vl ? 1 : 0)) + 1; i++)
			ktap_result(0, "setup");
		return ktap_finished();
	}
	ktap_result(cpu_time_limit_holds(&lazy[0]), "cpu_time_limit_ends_looping_guest");
	for (i = 0; i < nlazy; i++)
		run_case(&lazy[i], 0);
	if (vl)
		run_case(&lazy[0], vl);
	lfpu_test_unload_module("lazyfpu_timerprobe");
	return ktap_finished();
}
