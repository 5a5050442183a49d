// SPDX-License-Identifier: GPL-2.0
/*
 * lazyfpu-bench: what each FP policy and backend moves, and costs, for a
 * fixed set of workloads, against the least any correct scheme could move.
 *
 * For every (workload, policy, backend) it runs the workload --repeat
 * times: the first run records the trace, and its counts are reported
 * with the oracle computed from it; the times are the medians of the
 * other runs, made with the tracepoints off (with one run, or without
 * tracefs, everything is the median of all).  The figures: RUNs and exits
 * by kind, the module's loads,
 * saves and bytes, reloads skipped, the vCPU task's sched-outs, time per
 * RUN round trip and per guest instruction (nanoseconds, and the
 * architecture's counter where userspace may read it: the TSC on x86-64,
 * CNTVCT_EL0 on arm64) and the RUN thread's own CPU time, and, with
 * tracefs, the transfer oracle's minimum
 * computed from the module's ownership trace (tools/lib/trace_oracle.c,
 * Documentation/performance.rst) and the ratio of the module's transfers
 * to it.  --json prints the same as JSON.
 *
 * The workloads:
 *   io_no_fp        no FP; an OUT (an exit to userspace) every 3 instructions
 *   fp_compute      FP arithmetic, no exits but the RUN loop's budget
 *   int_compute     integer arithmetic, no FP, no exits but the budget (with
 *                   fp_compute: the engine's cost per guest instruction,
 *                   target P4)
 *   fp_user_exit    FP, an OUT every K instructions
 *   fp_hypercall    FP, a hypercall (an in-kernel exit) every K instructions
 *   fp_read_only    reads its vector registers only, hypercalls between
 *   two_vms         two vCPUs of different VMs, one CPU, taking turns at
 *                   each OUT
 *   host_fp_thread  fp_hypercall beside an FP-busy host thread, one CPU
 *   softirq_fpu     fp_hypercall while lazyfpu_clobber.ko uses the FPU in
 *                   softirqs on every CPU
 *
 * On the measurement-only build of the module with FP tracking compiled
 * out (LAZYFPU_CAP_NO_FP_TRACKING; make bench loads it after the real
 * one), only io_no_fp can run, under the policy name "untracked": what a
 * RUN costs without the FP core's bookkeeping, the base of target P3
 * (Documentation/performance.rst).
 *
 * Needs root for the x86 XSAVE backend (the force_xsave parameter), the
 * trace (tracefs) and softirq_fpu (module loading); without, those parts
 * are skipped and say so.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "../lib/testlib.h"
#include "../lib/trace_oracle.h"

#define MAX_REPEAT	15
#define TRACING		"/sys/kernel/tracing"

static struct {
	int repeat;
	int k;
	int json;
	const char *only;
	const char *clobber_ko;
	int trace;		/* tracefs usable */
	const char *timeline;	/* the workload whose traces --timeline keeps */
	int untracked;		/* the module has FP tracking compiled out */
	int trace_now;		/* this run records the trace */
} opt = { .repeat = 5, .k = 16, .clobber_ko = "/lib/modules/lazyfpu_clobber.ko" };

/* A backend as the bench selects it. */
struct backend {
	char name[24];
	int force_xsave;		/* x86: the XSAVE backend */
	unsigned int vector_bytes;	/* arm64: an SVE vector length */
	enum oracle_taker at_sched_out;
};

/* One run's figures; summed over its vCPUs. */
struct figures {
	double runs, exits[LAZYFPU_EXIT_NR], loads, saves, bytes, skipped, sched_outs;
	double instructions, ns, ticks;
	double task_ns;		/* the RUN thread's own CPU time; 0: not measured */
	double oracle_loads, oracle_saves;	/* -1: no trace */
	double kernel_saves, kernel_reloads;	/* -1: no trace */
};

static uint64_t counter_now(void)
{
#if defined(__x86_64__)
	unsigned int lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
#elif defined(__aarch64__)
	uint64_t v;

	__asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v));
	return v;
#else
	return 0;
#endif
}

/*
 * The calling thread's CPU time: what the RUN loop itself costs, without
 * the other tasks and the interrupts that shared its CPU meanwhile.
 */
static uint64_t thread_ns_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static uint64_t ns_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* ---- Guest programs. */

static char *fp_block(int n)
{
	static const char *const ops[] = {
		"	vaddpd	v0, v1\n", "	vmulpd	v1, v2\n", "	vxor	v3, v4\n",
		"	vaddq	v5, v3\n",
	};
	char *s = calloc(n + 1, 32);
	int i;

	for (i = 0; i < n; i++)
		strcat(s, ops[i % 4]);
	return s;
}

/*
 * @iterations of @body, then @leave (the instruction ending each block of
 * K, or "" for none).  @load_vectors: first load v1 and v2 from memory,
 * for the workloads that compute; the no-FP and read-only workloads must
 * not, since a load is an FP instruction that changes the state.
 */
static char *program(int iterations, const char *body, const char *leave, int load_vectors)
{
	char *src;

	if (asprintf(&src,
		     "	movi	r1, 0x1000\n"
		     "%s"
		     "	movi	r2, %d\n"
		     "l:\n%s%s"
		     "	loop	r2, l\n"
		     "	hlt\n",
		     load_vectors ? "	vld	v1, [r1]\n	vld	v2, [r1 + 16]\n" : "",
		     iterations, body, leave) < 0)
		exit(1);
	return src;
}

/* ---- Running vCPUs. */

struct guest {
	struct lfpu_vm vm;
	struct lfpu_vcpu vcpu;
	unsigned long runs;
	int failed;
};

static int guest_create(struct guest *g, int policy, const struct backend *b, const char *src)
{
	struct lfpu_test_cfg cfg = { .policy = policy, .xsave = b->force_xsave };
	struct lazyfpu_vector_length len = { .bytes = b->vector_bytes };

	memset(g, 0, sizeof(*g));
	snprintf(cfg.name, sizeof(cfg.name), "bench");
	if (lfpu_test_vm(&g->vm, &cfg, src))
		return -1;
	if (b->vector_bytes && ioctl(g->vm.vm_fd, LAZYFPU_SET_VECTOR_LENGTH, &len)) {
		lfpu_vm_destroy(&g->vm);
		return -1;
	}
	if (lfpu_test_vcpu(&g->vm, &g->vcpu, 0)) {
		lfpu_vm_destroy(&g->vm);
		return -1;
	}
	return 0;
}

static void guest_destroy(struct guest *g)
{
	lfpu_vcpu_destroy(&g->vcpu);
	lfpu_vm_destroy(&g->vm);
}

/* One RUN; returns the exit reason, or -1 on an error or a fault. */
static int guest_run_once(struct guest *g)
{
	for (;;) {
		g->runs++;
		if (!lfpu_vcpu_run(&g->vcpu))
			break;
		if (errno != EINTR) {
			g->failed = 1;
			return -1;
		}
	}
	if (g->vcpu.run->exit_reason == LAZYFPU_EXIT_FAULT) {
		g->failed = 1;
		return -1;
	}
	return g->vcpu.run->exit_reason;
}

static int guest_run_to_halt(struct guest *g)
{
	int reason;

	while ((reason = guest_run_once(g)) == LAZYFPU_EXIT_IO)
		;
	return reason == LAZYFPU_EXIT_HLT ? 0 : -1;
}

static void add_stats(struct figures *f, struct guest *g)
{
	struct lazyfpu_vcpu_stats st;
	int i;

	if (lfpu_vcpu_stats(&g->vcpu, &st)) {
		g->failed = 1;
		return;
	}
	f->runs += g->runs;
	for (i = 0; i < LAZYFPU_EXIT_NR; i++)
		f->exits[i] += st.exits[i];
	f->loads += st.fp_loads;
	f->saves += st.fp_saves;
	f->bytes += st.fp_bytes_loaded + st.fp_bytes_saved;
	f->skipped += st.reloads_skipped;
	f->sched_outs += st.sched_outs;
	f->instructions += st.instructions;
}

/* ---- The trace. */

static int trace_write(const char *file, const char *text)
{
	char path[128];
	int fd, ok;

	snprintf(path, sizeof(path), TRACING "/%s", file);
	fd = open(path, O_WRONLY | O_TRUNC);
	if (fd < 0)
		return -1;
	ok = write(fd, text, strlen(text)) == (ssize_t)strlen(text);
	close(fd);
	return ok ? 0 : -1;
}

static void trace_start(void)
{
	if (!opt.trace_now)
		return;
	trace_write("tracing_on", "0");
	trace_write("trace", "");
	trace_write("tracing_on", "1");
}

#define MAX_TRACED_VCPUS	8

/*
 * The transfers the kernel makes of a vCPU's state on its own paths,
 * followed through the module's trace: where the module left the state
 * live in a CPU's registers (a load or a skip) and another task or a
 * softirq takes them, the kernel saves it (the x86 guest fpstate at a
 * context switch, or a kernel-mode FPU user, which the module learns at
 * its release: invalidate reason=foreign) or carries it with the task
 * and puts it back at the sched-in (arm64 6.8+ kernel-mode NEON: a save
 * and a reload).  A section backend cannot be switched out while
 * claimed, and a put or an invalidate hands nothing live to the kernel.
 */
struct kernel_transfers {
	int live_cpu;		/* CPU whose registers hold the state, -1: none */
	int carried;		/* the kernel holds it for the sched-in */
	unsigned long saves, reloads;
};

static void kernel_transfers_feed(struct kernel_transfers *k, const char *event, int cpu,
				  const char *reason, enum oracle_taker at_sched_out)
{
	if (!strcmp(event, "load") || !strcmp(event, "skip")) {
		k->live_cpu = cpu;
	} else if (!strcmp(event, "invalidate") && !strcmp(reason, "foreign")) {
		/* Not again for a state the kernel saved at a sched-out. */
		if (k->live_cpu >= 0)
			k->saves++;
		k->live_cpu = -1;
	} else if (!strcmp(event, "put") || !strcmp(event, "invalidate")) {
		k->live_cpu = -1;
	} else if (!strcmp(event, "sched_out")) {
		if (k->live_cpu >= 0 && at_sched_out != ORACLE_MODULE_SAVES) {
			k->saves++;
			k->carried = at_sched_out == ORACLE_KERNEL_CARRIES;
		}
		k->live_cpu = -1;
	} else if (!strcmp(event, "sched_in") && k->carried) {
		k->reloads++;
		k->carried = 0;
		k->live_cpu = cpu;
	}
}

/*
 * --timeline WORKLOAD: the first TIMELINE_LINES transitions of that
 * workload's first run under each policy and backend, kept in a
 * temporary file and printed after the results as
 * "#timeline BACKEND POLICY <tracefs line>", for lazyfpu-timeline.
 */
#define TIMELINE_LINES	400
static FILE *timeline_file;
static char timeline_tag[64];	/* "BACKEND POLICY" while recording, else "" */

/*
 * Stop tracing and feed every vCPU's transitions to an oracle of its own;
 * the minimum is their sum.  -1 when there is no trace or it lost events.
 */
static void trace_oracle_collect(struct figures *f, enum oracle_taker at_sched_out)
{
	struct {
		unsigned int vm, vcpu;
		struct trace_oracle t;
		struct kernel_transfers k;
	} v[MAX_TRACED_VCPUS];
	char line[512], event[32], reason[32];
	int nv = 0, i, lost = 0, kept = 0;
	FILE *in;

	f->oracle_loads = f->oracle_saves = -1;
	f->kernel_saves = f->kernel_reloads = -1;
	if (!opt.trace_now)
		return;
	trace_write("tracing_on", "0");
	in = fopen(TRACING "/trace", "r");
	if (!in)
		return;
	while (fgets(line, sizeof(line), in)) {
		unsigned int vm, vcpu, bytes, written, entries;
		char *p = strstr(line, ": fp_");
		int cpu;

		if (p && timeline_tag[0] && kept++ < TIMELINE_LINES)
			fprintf(timeline_file, "#timeline %s %s", timeline_tag, line);

		if (line[0] == '#') {
			/* "# entries-in-buffer/entries-written: N/M" */
			if (sscanf(line, "# entries-in-buffer/entries-written: %u/%u",
				   &entries, &written) == 2 && entries != written)
				lost = 1;
			continue;
		}
		if (!p || sscanf(p + 5, "%31[a-z_]: cpu=%d vm=%u vcpu=%u bytes=%u reason=%31s",
				 event, &cpu, &vm, &vcpu, &bytes, reason) != 6)
			continue;
		for (i = 0; i < nv && (v[i].vm != vm || v[i].vcpu != vcpu); i++)
			;
		if (i == nv) {
			if (nv == MAX_TRACED_VCPUS) {
				lost = 1;
				continue;
			}
			v[nv].vm = vm;
			v[nv].vcpu = vcpu;
			v[nv].k = (struct kernel_transfers){ .live_cpu = -1 };
			trace_oracle_init(&v[nv++].t, at_sched_out);
		}
		trace_oracle_feed(&v[i].t, event, cpu, reason);
		kernel_transfers_feed(&v[i].k, event, cpu, reason, at_sched_out);
	}
	fclose(in);
	if (lost)
		return;
	f->oracle_loads = f->oracle_saves = 0;
	f->kernel_saves = f->kernel_reloads = 0;
	for (i = 0; i < nv; i++) {
		f->oracle_loads += v[i].t.oracle.loads;
		f->oracle_saves += v[i].t.oracle.saves;
		f->kernel_saves += v[i].k.saves;
		f->kernel_reloads += v[i].k.reloads;
	}
}

/* ---- Workloads: each fills one run's figures; -1 on failure. */

#define ITER	500

/*
 * Before a run whose times are reported, let the kernel finish what
 * creating its guest and destroying the last one left for later
 * (kworkers, RCU callbacks).  Otherwise that work preempts the run: on
 * Debian's 7.3 amd64 image under -icount every io_no_fp run of the real
 * module was preempted once, for 1.4 ms, which added 10 instructions to
 * each of its 501 RUN round trips in the thread's own time (the switch
 * out and back) and decided target P3's ratio.  Under -icount the
 * guest's idle time passes at once; on hardware this is 20 ms per run.
 * A run that records the trace has times nobody reads as such (with
 * --repeat 1, the smoke test's, they include the trace's cost anyway).
 */
static void settle(void)
{
	if (!opt.trace_now)
		usleep(20000);
}

/*
 * CPU 0's busy and total time so far, in /proc/stat's units (USER_HZ,
 * hundredths of a second).  0 on success.
 */
static int cpu0_times(unsigned long long *busy, unsigned long long *total)
{
	unsigned long long v[8];
	char line[512];
	FILE *f = fopen("/proc/stat", "r");
	int found = 0, i;

	if (!f)
		return -1;
	while (!found && fgets(line, sizeof(line), f))
		found = sscanf(line, "cpu0 %llu %llu %llu %llu %llu %llu %llu %llu",
			       &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) == 8;
	fclose(f);
	if (!found)
		return -1;
	*total = 0;
	for (i = 0; i < 8; i++)
		*total += v[i];
	*busy = *total - v[3] - v[4];	/* all but idle and iowait */
	return 0;
}

/*
 * Wait, up to 10 s, for a tenth of a second in which CPU 0, where the
 * workloads run, is idle but for one hundredth.  A guest booted just
 * before the bench still has work of its own to finish (on Debian's
 * amd64 image under -icount, about 50 ms of it, which preempted the
 * first workloads' runs 18 times each), and it would be charged to the
 * figures.  Under -icount the idle time passes at once.
 */
static void wait_for_quiet_cpu(void)
{
	unsigned long long busy0, total0, busy1, total1;
	int i;

	lfpu_test_pin(0);
	for (i = 0; i < 100; i++) {
		if (cpu0_times(&busy0, &total0))
			return;
		usleep(100000);
		if (cpu0_times(&busy1, &total1))
			return;
		if (busy1 - busy0 <= 1)
			return;
	}
	fprintf(stderr, "lazyfpu-bench: CPU 0 still busy after 10 s; the times include its work\n");
}

static int one_guest(struct figures *f, int policy, const struct backend *b, const char *src)
{
	struct guest g;
	uint64_t t0, c0, task0;
	int ret;

	if (guest_create(&g, policy, b, src))
		return -1;
	lfpu_test_pin(0);
	trace_start();
	settle();
	t0 = ns_now();
	c0 = counter_now();
	task0 = thread_ns_now();
	ret = guest_run_to_halt(&g);
	f->task_ns = thread_ns_now() - task0;
	f->ticks = counter_now() - c0;
	f->ns = ns_now() - t0;
	trace_oracle_collect(f, b->at_sched_out);
	add_stats(f, &g);
	ret |= g.failed ? -1 : 0;
	guest_destroy(&g);
	return ret;
}

static int w_io_no_fp(struct figures *f, int policy, const struct backend *b)
{
	char *src = program(ITER, "	addi	r3, r3, 1\n", "	out	r3, 3\n", 0);
	int ret = one_guest(f, policy, b, src);

	free(src);
	return ret;
}

static int w_fp_compute(struct figures *f, int policy, const struct backend *b)
{
	char *body = fp_block(64), *src = program(ITER * 4, body, "", 1);
	int ret = one_guest(f, policy, b, src);

	free(body);
	free(src);
	return ret;
}

static int w_int_compute(struct figures *f, int policy, const struct backend *b)
{
	static const char *const ops[] = {
		"	addi	r3, r3, 1\n", "	xor	r4, r4, r3\n", "	add	r5, r5, r4\n",
		"	shl	r6, r5, 1\n",
	};
	char *body = calloc(65, 32), *src;
	int i, ret;

	for (i = 0; i < 64; i++)
		strcat(body, ops[i % 4]);
	src = program(ITER * 4, body, "", 0);
	ret = one_guest(f, policy, b, src);
	free(body);
	free(src);
	return ret;
}

static int fp_with_exit(struct figures *f, int policy, const struct backend *b, const char *leave)
{
	char *body = fp_block(opt.k > 1 ? opt.k - 1 : 1), *src = program(ITER, body, leave, 1);
	int ret = one_guest(f, policy, b, src);

	free(body);
	free(src);
	return ret;
}

static int w_fp_user_exit(struct figures *f, int policy, const struct backend *b)
{
	return fp_with_exit(f, policy, b, "	out	r3, 3\n");
}

static int w_fp_hypercall(struct figures *f, int policy, const struct backend *b)
{
	return fp_with_exit(f, policy, b, "	hcall	r4, 1\n");
}

static int w_fp_read_only(struct figures *f, int policy, const struct backend *b)
{
	char *src = program(ITER, "	vst	v1, [r1 + 64]\n	vred	r5, v2\n", "	hcall	r4, 1\n", 0);
	int ret = one_guest(f, policy, b, src);

	free(src);
	return ret;
}

/*
 * two_vms: each thread RUNs its vCPU to the next OUT, then hands the CPU
 * to the other; once its guest halted it keeps handing over until the
 * other's has too.
 */
struct turn {
	struct guest g;
	sem_t mine;
	struct turn *peer;
	int done;		/* 1: halted, -1: failed */
};

static int turn_done(const struct turn *t)
{
	return __atomic_load_n(&t->done, __ATOMIC_ACQUIRE);
}

static void *turn_main(void *arg)
{
	struct turn *t = arg;
	int reason;

	lfpu_test_pin(0);
	do {
		sem_wait(&t->mine);
		reason = guest_run_once(&t->g);
		if (reason != LAZYFPU_EXIT_IO)
			__atomic_store_n(&t->done, reason == LAZYFPU_EXIT_HLT ? 1 : -1,
					 __ATOMIC_RELEASE);
		sem_post(&t->peer->mine);
	} while (reason == LAZYFPU_EXIT_IO);
	while (!turn_done(t->peer)) {
		if (sem_trywait(&t->mine) == 0)
			sem_post(&t->peer->mine);
		sched_yield();
	}
	return NULL;
}

static int w_two_vms(struct figures *f, int policy, const struct backend *b)
{
	char *body = fp_block(opt.k > 1 ? opt.k - 1 : 1),
	     *src = program(ITER, body, "	out	r3, 3\n", 1);
	struct turn t[2];
	pthread_t th[2];
	uint64_t t0, c0;
	int i, ret = 0;

	for (i = 0; i < 2; i++)
		if (guest_create(&t[i].g, policy, b, src)) {
			if (i)
				guest_destroy(&t[0].g);
			free(body);
			free(src);
			return -1;
		}
	for (i = 0; i < 2; i++) {
		sem_init(&t[i].mine, 0, i == 0);
		t[i].done = 0;
	}
	t[0].peer = &t[1];
	t[1].peer = &t[0];
	trace_start();
	settle();
	t0 = ns_now();
	c0 = counter_now();
	for (i = 0; i < 2; i++)
		pthread_create(&th[i], NULL, turn_main, &t[i]);
	for (i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	f->ticks = counter_now() - c0;
	f->ns = ns_now() - t0;
	trace_oracle_collect(f, b->at_sched_out);
	for (i = 0; i < 2; i++) {
		add_stats(f, &t[i].g);
		ret |= t[i].done == 1 && !t[i].g.failed ? 0 : -1;
		guest_destroy(&t[i].g);
		sem_destroy(&t[i].mine);
	}
	free(body);
	free(src);
	return ret;
}

static volatile int host_busy;

static void *host_fp_main(void *arg)
{
	volatile double x = 1.0;

	(void)arg;
	lfpu_test_pin(0);
	while (__atomic_load_n(&host_busy, __ATOMIC_RELAXED))
		x = x * 1.0000001 + 0.5;
	return NULL;
}

static int w_host_fp_thread(struct figures *f, int policy, const struct backend *b)
{
	pthread_t th;
	int ret;

	host_busy = 1;
	pthread_create(&th, NULL, host_fp_main, NULL);
	ret = w_fp_hypercall(f, policy, b);
	host_busy = 0;
	pthread_join(th, NULL);
	return ret;
}

static int w_softirq_fpu(struct figures *f, int policy, const struct backend *b)
{
	int ret;

	if (lfpu_test_load_module(opt.clobber_ko) && errno != EEXIST)
		return -2;
	ret = w_fp_hypercall(f, policy, b);
	lfpu_test_unload_module("lazyfpu_clobber");
	return ret;
}

static const struct workload {
	const char *name;
	int (*run)(struct figures *f, int policy, const struct backend *b);
} workloads[] = {
	{ "io_no_fp", w_io_no_fp },
	{ "fp_compute", w_fp_compute },
	{ "int_compute", w_int_compute },
	{ "fp_user_exit", w_fp_user_exit },
	{ "fp_hypercall", w_fp_hypercall },
	{ "fp_read_only", w_fp_read_only },
	{ "two_vms", w_two_vms },
	{ "host_fp_thread", w_host_fp_thread },
	{ "softirq_fpu", w_softirq_fpu },
};

/* ---- Backends this host offers. */

static int kernel_at_least(int major, int minor)
{
	struct utsname u;
	int ma = 0, mi = 0;

	if (uname(&u) || sscanf(u.release, "%d.%d", &ma, &mi) != 2)
		return 0;
	return ma > major || (ma == major && mi >= minor);
}

static int list_backends(struct backend *out, int max)
{
	long mask = lfpu_test_cap(LAZYFPU_CAP_BACKENDS);
	long vqs = lfpu_test_cap(LAZYFPU_CAP_ARM64_SVE_VQS);
	int n = 0, vq, lo = 0, hi = 0;

	if (mask < 0)
		return 0;
	if (mask & (1L << LAZYFPU_BACKEND_X86_FPSTATE_SWAP) && n < max)
		out[n++] = (struct backend){ "x86-fpstate-swap", 0, 0, ORACLE_KERNEL_SAVES };
	if (mask & (1L << LAZYFPU_BACKEND_X86_XSAVE) && n < max)
		out[n++] = (struct backend){ "x86-xsave",
			!!(mask & (1L << LAZYFPU_BACKEND_X86_FPSTATE_SWAP)), 0, ORACLE_MODULE_SAVES };
	if (mask & (1L << LAZYFPU_BACKEND_ARM64_NEON) && n < max)
		out[n++] = (struct backend){ "arm64-neon", 0, 0,
			kernel_at_least(6, 8) ? ORACLE_KERNEL_CARRIES : ORACLE_MODULE_SAVES };
	if (mask & (1L << LAZYFPU_BACKEND_ARM64_SVE) && vqs > 0) {
		/* Two vector lengths: the shortest and the longest offered. */
		for (vq = 1; vq <= 16; vq++)
			if (vqs & (1L << (vq - 1))) {
				lo = lo ? lo : vq;
				hi = vq;
			}
		for (vq = lo; vq && n < max; vq = vq == hi ? 0 : hi) {
			out[n] = (struct backend){ "", 0, 16 * vq, ORACLE_MODULE_SAVES };
			snprintf(out[n].name, sizeof(out[n].name), "arm64-sve%d", 128 * vq);
			n++;
		}
	}
	return n;
}

/* ---- Medians and output. */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * The median of each figure over @n runs, figure by figure; of an even
 * count, the mean of the middle two, so that of two runs a timer tick in
 * one does not decide the figure.  A tick that lands in one run of a
 * short workload (io_no_fp's 501 RUNs take half a millisecond) adds
 * thousands of instructions to that run alone, and the median of three
 * runs leaves them out.
 */
static void median(struct figures *out, struct figures *runs, int n)
{
	size_t nfields = sizeof(*out) / sizeof(double), i;
	double vals[MAX_REPEAT];
	int r;

	for (i = 0; i < nfields; i++) {
		for (r = 0; r < n; r++)
			vals[r] = ((double *)&runs[r])[i];
		qsort(vals, n, sizeof(double), cmp_double);
		((double *)out)[i] = n % 2 ? vals[n / 2] : (vals[n / 2 - 1] + vals[n / 2]) / 2;
	}
}

static int printed;

static void report(const char *workload, const char *policy, const struct backend *b,
		   const struct figures *m, const char *status)
{
	static const struct figures none;
	double transfers, oracle;

	if (!m)
		m = &none;
	transfers = m->loads + m->saves;
	oracle = m->oracle_loads < 0 ? -1 : m->oracle_loads + m->oracle_saves;
	if (opt.json) {
		printf("%s\n  {\"workload\": \"%s\", \"policy\": \"%s\", \"backend\": \"%s\", "
		       "\"status\": \"%s\"", printed++ ? "," : "[", workload, policy, b->name, status);
		if (!strcmp(status, "ok"))
			printf(", \"runs\": %.0f, \"exits_io\": %.0f, \"exits_hypercall\": %.0f, "
			       "\"exits_preempt\": %.0f, \"exits_intr\": %.0f, \"fp_loads\": %.0f, "
			       "\"fp_saves\": %.0f, \"bytes_moved\": %.0f, \"reloads_skipped\": %.0f, "
			       "\"sched_outs\": %.0f, \"guest_instructions\": %.0f, \"ns\": %.0f, "
			       "\"counter_ticks\": %.0f, \"oracle_loads\": %.0f, \"oracle_saves\": %.0f, "
			       "\"kernel_saves\": %.0f, \"kernel_reloads\": %.0f, \"task_ns\": %.0f",
			       m->runs, m->exits[LAZYFPU_EXIT_IO], m->exits[LAZYFPU_EXIT_HYPERCALL],
			       m->exits[LAZYFPU_EXIT_PREEMPT], m->exits[LAZYFPU_EXIT_INTR], m->loads,
			       m->saves, m->bytes, m->skipped, m->sched_outs, m->instructions, m->ns,
			       m->ticks, m->oracle_loads, m->oracle_saves, m->kernel_saves,
			       m->kernel_reloads, m->task_ns);
		printf("}");
		return;
	}
	if (!printed++)
		printf("%-15s %-8s %-16s %6s %6s %6s %6s %6s %8s %6s %6s %6s %7s %6s %9s %8s\n",
		       "workload", "policy", "backend", "RUNs", "io", "hcall", "loads", "saves",
		       "kB", "skip", "k.save", "k.load", "oracle", "ratio", "ns/RUN", "ns/insn");
	if (strcmp(status, "ok")) {
		printf("%-15s %-8s %-16s %s\n", workload, policy, b->name, status);
		return;
	}
	printf("%-15s %-8s %-16s %6.0f %6.0f %6.0f %6.0f %6.0f %8.1f %6.0f ", workload, policy,
	       b->name, m->runs, m->exits[LAZYFPU_EXIT_IO], m->exits[LAZYFPU_EXIT_HYPERCALL],
	       m->loads, m->saves, m->bytes / 1024, m->skipped);
	if (oracle >= 0)
		printf("%6.0f %6.0f %7.0f %6.2f ", m->kernel_saves, m->kernel_reloads, oracle,
		       oracle ? transfers / oracle : transfers ? 99.99 : 1.0);
	else
		printf("%6s %6s %7s %6s ", "-", "-", "-", "-");
	printf("%9.0f %8.1f\n", m->runs ? m->ns / m->runs : 0,
	       m->instructions ? m->ns / m->instructions : 0);
}

static void usage(const char *argv0)
{
	fprintf(stderr,
		"usage: %s [--json] [--repeat N (1-%d, default 5)] [--k K (default 16)]\n"
		"          [--only WORKLOAD] [--clobber-ko PATH] [--timeline WORKLOAD]\n",
		argv0, MAX_REPEAT);
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' }, { "repeat", required_argument, NULL, 'r' },
		{ "k", required_argument, NULL, 'k' }, { "only", required_argument, NULL, 'o' },
		{ "clobber-ko", required_argument, NULL, 'c' },
		{ "timeline", required_argument, NULL, 't' }, { NULL, 0, NULL, 0 },
	};
	struct backend backends[8];
	int nb, c, w, p, b, r;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'j': opt.json = 1; break;
		case 'r': opt.repeat = atoi(optarg); break;
		case 'k': opt.k = atoi(optarg); break;
		case 'o': opt.only = optarg; break;
		case 'c': opt.clobber_ko = optarg; break;
		case 't': opt.timeline = optarg; break;
		default: usage(argv[0]);
		}
	}
	if (optind != argc || opt.repeat < 1 || opt.repeat > MAX_REPEAT || opt.k < 2)
		usage(argv[0]);
	nb = list_backends(backends, 8);
	opt.untracked = lfpu_test_cap(LAZYFPU_CAP_NO_FP_TRACKING) > 0;
	if (!nb) {
		fprintf(stderr, "lazyfpu-bench: no backend (is lazyfpu.ko loaded?)\n");
		return 1;
	}
	opt.trace = !trace_write("events/lazyfpu/enable", "1") &&
		    !trace_write("buffer_size_kb", "16384");
	if (opt.timeline && opt.trace)
		timeline_file = tmpfile();
	/* One run's times are the traced run's: only a real measurement waits. */
	if (opt.repeat > 1)
		wait_for_quiet_cpu();

	for (w = 0; w < (int)(sizeof(workloads) / sizeof(workloads[0])); w++) {
		if (opt.only && strcmp(opt.only, workloads[w].name))
			continue;
		/* Without FP tracking a guest FP instruction faults. */
		if (opt.untracked && workloads[w].run != w_io_no_fp)
			continue;
		for (b = 0; b < nb; b++)
			for (p = LAZYFPU_FP_POLICY_LAZY; p <= LAZYFPU_FP_POLICY_EAGER; p++) {
				const char *policy = opt.untracked ? "untracked" : lfpu_policy_name(p);
				struct figures runs[MAX_REPEAT], m;
				int ret = 0;

				/*
				 * The first run records the trace (the oracle,
				 * the kernel's transfers, the timeline); the
				 * others run with the tracepoints off, and give
				 * the times, which the trace would inflate.
				 */
				for (r = 0; r < opt.repeat && !ret; r++) {
					opt.trace_now = opt.trace && !r;
					if (opt.trace)
						trace_write("events/lazyfpu/enable",
							    opt.trace_now ? "1" : "0");
					if (timeline_file && !r &&
					    !strcmp(opt.timeline, workloads[w].name))
						snprintf(timeline_tag, sizeof(timeline_tag), "%.23s %.15s",
							 backends[b].name, policy);
					memset(&runs[r], 0, sizeof(runs[r]));
					ret = workloads[w].run(&runs[r], p, &backends[b]);
					timeline_tag[0] = 0;
				}
				if (ret) {
					report(workloads[w].name, policy, &backends[b], NULL,
					       ret == -2 ? "skipped: cannot load the clobber module"
							 : "failed");
					continue;
				}
				median(&m, runs, opt.repeat);
				if (opt.trace && opt.repeat > 1) {
					/*
					 * The counts with the oracle of the same
					 * run (what a preemption or a softirq
					 * cost varies from run to run), the times
					 * of the untraced runs.
					 */
					struct figures untraced;

					median(&untraced, runs + 1, opt.repeat - 1);
					m = runs[0];
					m.ns = untraced.ns;
					m.ticks = untraced.ticks;
					m.task_ns = untraced.task_ns;
				}
				report(workloads[w].name, policy, &backends[b], &m, "ok");
				if (opt.untracked)
					break;	/* the policy changes nothing there */
			}
	}
	if (opt.json)
		printf("\n]\n");
	if (timeline_file) {
		char line[600];

		rewind(timeline_file);
		while (fgets(line, sizeof(line), timeline_file))
			fputs(line, stdout);
		fclose(timeline_file);
	}
	if (opt.trace)
		trace_write("events/lazyfpu/enable", "0");
	if (!opt.trace && !opt.json)
		printf("# no tracefs (root and %s needed): no oracle\n", TRACING);
	return 0;
}
