// SPDX-License-Identifier: GPL-2.0
/*
 * lazyfpu-model: an exhaustive check of the FP core against the oracle.
 *
 * fpu/core.c, compiled unmodified against the headers in shim/, runs here
 * in userspace against fake backends that model the registers of two
 * CPUs, the vCPUs' memory, and what the kernel itself does with the
 * registers (its saves at a context switch, its lazy restores, kernel-mode
 * FPU users).  The model drives it through every sequence of events up to
 * a length, depth first, restoring a snapshot of the whole world (the
 * core's per-CPU data included) before each next event.  The events:
 *
 *   read      the guest executes an FP instruction that reads its state
 *   write     ... one that changes it
 *   exit      an in-kernel exit (a hypercall): back to the guest at once
 *   user      an exit to userspace: RUN returns, the VMM calls it again
 *   preempt   a task that uses the FPU takes the vCPU's CPU, then leaves
 *   migrate   the vCPU's task resumes on the other CPU; an FPU-using task
 *             takes the CPU it left
 *   softirq   a softirq uses the FPU in kernel mode on the vCPU's CPU
 *   vcpu2     a second vCPU's task (another VM's) runs on the same CPU,
 *             reads and writes its FP state, and leaves
 *
 * After every event it asserts that the guest sees exactly the state its
 * own writes produced, that no host task's state ever changes, that the
 * core never WARNs, and that its counters agree with the transfers the
 * fake backend made; after every sequence, that the lazy policy's
 * transfers equal the oracle's (tools/lib/oracle.c) and that no policy's
 * are fewer; and that the oracle computed from the core's tracepoints
 * (tools/lib/trace_oracle.c, what lazyfpu-bench uses) agrees with it.
 *
 * The three backend kinds are the three ways the real backends hold the
 * registers (include/lazyfpu/arch.h):
 *
 *   swap     x86 guest fpstate (backend_swap.c): the kernel treats the
 *            guest state as the task's own, saves it on a context switch
 *            or a kernel-mode FPU use, and the core reloads it;
 *   section  a kernel-mode FPU section held across instructions (x86
 *            XSAVE, arm64 6.1 NEON, arm64 SVE): no preemption or softirq
 *            while claimed, so the core releases at the RUN loop's
 *            yield point when one waits (release_before_resched);
 *   carried  arm64 6.8+ kernel-mode NEON: a preemptible section whose
 *            registers the kernel saves and restores with the task
 *            (follows_task).
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/types.h>
#include "model.h"
#include "../lib/oracle.h"
#include "../lib/trace_oracle.h"
#include "../../fpu/fpu.h"
#include "../../include/lazyfpu/arch.h"
#include "../include/ktap.h"

#define STATE_BYTES	512
#define MAX_DEPTH	12

enum kind { KIND_SWAP, KIND_SECTION, KIND_CARRIED, NR_KINDS };
static const char *const kind_names[] = { "swap", "section", "carried" };

enum event {
	EV_READ, EV_WRITE, EV_EXIT, EV_USER, EV_PREEMPT, EV_MIGRATE, EV_SOFTIRQ,
	EV_VCPU2, NR_EVENTS
};
static const char *const event_names[] = {
	"read", "write", "exit", "user", "preempt", "migrate", "softirq", "vcpu2"
};

static const char *const policy_names[] = { "lazy", "per-run", "eager" };

/*
 * A task, as far as the kernel's FP handling goes.  @fpstate is where the
 * kernel saves its registers: its user state, or under the swap kind the
 * guest state once swapped in.  @need_load is TIF_NEED_FPU_LOAD (x86) or
 * TIF_FOREIGN_FPSTATE (arm64): the registers may not hold @fpstate.
 */
struct task {
	int cpu;		/* the CPU it runs on, or -1 */
	bool need_load;
	int *fpstate;
	int user;		/* its user FP state, in memory */
	int user_expected;	/* what its user state must be */
	bool kernel_fpstate;	/* carried: TIF_KERNEL_FPSTATE */
	int kernel_buf;		/* carried: the kernel's copy at a switch */
	int vcpu;		/* the vCPU it runs, or -1 */
	bool in_run;
	bool left_via_exit;	/* its last switch went through the yield point */
};

/* A vCPU: its state's memory, what the guest last wrote, its oracle. */
struct vcpu {
	struct lfpu_vcpu_fp fp;
	int memory;
	int expected;
	bool section_open;	/* section kind: claimed, preemption off */
	unsigned long loads, saves;	/* what the fake backend moved */
	struct oracle_state oracle;	/* from the events themselves */
	struct trace_oracle traced;	/* from the core's tracepoints */
};

enum { TASK_V, TASK_W, TASK_X0, TASK_X1, NR_TASKS };	/* X0, X1: per-CPU hogs */

/* Everything a step may change, so that a snapshot is one copy. */
struct world {
	int regs[MODEL_NR_CPUS];
	struct task task[NR_TASKS];
	struct vcpu vcpu[2];	/* A (run by V), B (run by W) */
	int current;		/* the task the core is running in */
	int preempt_count;
	bool irqs_off;
	bool need_resched;
	bool softirq_pending;
	int next_value;
};

static struct world w;
static enum kind kind;
static int policy;

extern char __start_model_percpu[], __stop_model_percpu[];

struct snapshot {
	struct world w;
	char percpu[256];
};

static void snapshot_take(struct snapshot *s)
{
	if ((size_t)(__stop_model_percpu - __start_model_percpu) > sizeof(s->percpu)) {
		fprintf(stderr, "lazyfpu-model: the core's per-CPU data outgrew the snapshot\n");
		exit(1);
	}
	s->w = w;
	memcpy(s->percpu, __start_model_percpu, __stop_model_percpu - __start_model_percpu);
}

static void snapshot_restore(const struct snapshot *s)
{
	w = s->w;
	memcpy(__start_model_percpu, s->percpu, __stop_model_percpu - __start_model_percpu);
}

/* ---- Failures: the first one ends the run with the sequence that hit it. */

static enum event seq[MAX_DEPTH];
static int seq_len;
static bool failed;

static void model_fail(const char *fmt, ...)
{
	va_list ap;
	int i;

	if (failed)
		return;
	failed = true;
	printf("# FAIL %s/%s after:", kind_names[kind], policy_names[policy]);
	for (i = 0; i < seq_len; i++)
		printf(" %s", event_names[seq[i]]);
	printf("\n# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/* ---- What the shim headers call. */

int model_cpu(void)
{
	return w.task[w.current].cpu;
}

int model_cpu_checked(void)
{
	if (w.preempt_count <= 0)
		model_fail("smp_processor_id() in preemptible context");
	return model_cpu();
}

bool model_need_resched(void)
{
	return w.need_resched;
}

bool model_softirq_pending(void)
{
	return w.softirq_pending;
}

bool model_irqs_disabled(void)
{
	return w.irqs_off;
}

void model_core_warned(const char *file, int line, const char *what)
{
	model_fail("core WARN at %s:%d: %s", file, line, what);
}

/* The trace's reason names (fpu/trace.h, LFPU_TRACE_REASONS). */
static const char *const reason_names[LFPU_NR_REASONS] = {
	[LFPU_REASON_RUN] = "run", [LFPU_REASON_FIRST_USE] = "first_use",
	[LFPU_REASON_GUEST_ENTRY] = "guest_entry", [LFPU_REASON_RESCHED] = "resched",
	[LFPU_REASON_PREEMPT] = "preempt", [LFPU_REASON_SIGNAL] = "signal",
	[LFPU_REASON_FOREIGN] = "foreign", [LFPU_REASON_CLEAN] = "clean",
	[LFPU_REASON_STATE_SET] = "state_set", [LFPU_REASON_EXIT] = "exit",
	[LFPU_REASON_SOFTIRQ] = "softirq",
};

/* Each transition feeds the oracle the bench computes from a trace. */
void model_trace(const char *event, int cpu, unsigned int vm, unsigned int vcpu,
		 unsigned int bytes, unsigned int reason)
{
	if (vm < 1 || vm > 2 || reason >= LFPU_NR_REASONS) {
		model_fail("trace %s: vm %u, reason %u", event, vm, reason);
		return;
	}
	trace_oracle_feed(&w.vcpu[vm - 1].traced, event + 3, cpu, reason_names[reason]);
}

DEFINE_STATIC_KEY_FALSE(lfpu_dmesg_trace);

void lfpu_dmesg_transition(const char *event, int cpu, u32 vm, u32 vcpu, u32 bytes,
			   enum lfpu_fp_reason why)
{
}

void lfpu_global_count(size_t fp_stats_offset, u64 n)
{
}

/* The architecture layer, as far as the core calls it. */
u32 lfpu_arch_state_size(u32 vector_bytes)
{
	return STATE_BYTES;
}

const struct lfpu_fp_backend *lfpu_arch_select_backend(u32 vector_bytes)
{
	return NULL;	/* the model passes its backend itself */
}

/* ---- The kernel: context switches, kernel-mode FPU, return to user. */

static int fresh_value(void)
{
	return ++w.next_value;
}

static struct task *cur(void)
{
	return &w.task[w.current];
}

static struct vcpu *vcpu_of(struct lfpu_vcpu_fp *fp)
{
	return fp == &w.vcpu[0].fp ? &w.vcpu[0] : &w.vcpu[1];
}

/* The kernel saves the live registers of @t (switch_fpu_prepare()). */
static void kernel_save_task(struct task *t)
{
	if (t->kernel_fpstate)
		t->kernel_buf = w.regs[t->cpu];
	else if (!t->need_load)
		*t->fpstate = w.regs[t->cpu];
	t->need_load = true;
}

static void switch_out(struct task *t)
{
	kernel_save_task(t);
	t->cpu = -1;
}

static void switch_in(int id, int cpu)
{
	struct task *t = &w.task[id];

	t->cpu = cpu;
	w.current = id;
	/* Carried kernel-mode state comes back at once; user state lazily. */
	if (t->kernel_fpstate)
		w.regs[cpu] = t->kernel_buf;
}

/* The kernel restores @t's user state on the way to userspace. */
static void return_to_user(struct task *t)
{
	if (t->kernel_fpstate || t->fpstate != &t->user)
		model_fail("return to userspace with kernel or guest FP state bound");
	if (t->need_load) {
		w.regs[t->cpu] = t->user;
		t->need_load = false;
	}
	if (w.regs[t->cpu] != t->user_expected)
		model_fail("task %ld's user FP state changed: %d, want %d",
			   (long)(t - w.task), w.regs[t->cpu], t->user_expected);
}

/* A host task that uses the FPU runs a while on @cpu. */
static void hog_runs(int cpu)
{
	int id = TASK_X0 + cpu;
	struct task *t = &w.task[id];
	int prev = w.current;

	switch_in(id, cpu);
	return_to_user(t);
	t->user_expected = fresh_value();
	w.regs[cpu] = t->user_expected;
	switch_out(t);
	w.current = prev;
}

/* kernel_fpu_begin()/kernel_neon_begin() in a softirq on @cpu, and end. */
static void softirq_uses_fpu(int cpu)
{
	struct task *t = cur();
	int kept = w.regs[cpu];

	if (t->kernel_fpstate) {
		/* 6.8+ arm64: the task's kernel-mode state is saved, restored. */
		w.regs[cpu] = fresh_value();
		w.regs[cpu] = kept;
		return;
	}
	if (!t->need_load)
		*t->fpstate = w.regs[cpu];
	t->need_load = true;
	w.regs[cpu] = fresh_value();
}

/* ---- The fake backends: the real ones' register handling, per kind. */

static int fake_init(struct lfpu_vcpu_fp *fp)
{
	return 0;
}

static void fake_destroy(struct lfpu_vcpu_fp *fp)
{
}

static u32 fake_load(struct vcpu *v)
{
	w.regs[model_cpu()] = v->memory;
	v->loads++;
	return STATE_BYTES;
}

/* Set the task's user state aside, as the kernel does for a claim. */
static void set_user_state_aside(struct task *t)
{
	if (!t->need_load)
		t->user = w.regs[t->cpu];
	t->need_load = true;
}

static u32 fake_claim(struct lfpu_vcpu_fp *fp)
{
	struct vcpu *v = vcpu_of(fp);
	struct task *t = cur();
	u32 bytes;

	switch (kind) {
	case KIND_SWAP:		/* fpu_swap_kvm_fpstate(gfpu, true) */
		set_user_state_aside(t);
		t->fpstate = &v->memory;
		bytes = fake_load(v);
		t->need_load = false;
		return bytes;
	case KIND_SECTION:	/* kernel_fpu_begin(): preemption off */
		set_user_state_aside(t);
		w.preempt_count++;
		v->section_open = true;
		return fake_load(v);
	case KIND_CARRIED:	/* kernel_neon_begin(), 6.8+ */
		set_user_state_aside(t);
		t->kernel_fpstate = true;
		return fake_load(v);
	default:
		return 0;
	}
}

static bool fake_regs_hold_guest(struct lfpu_vcpu_fp *fp)
{
	if (kind == KIND_SWAP)
		return !cur()->need_load;
	return true;
}

static u32 fake_reload(struct lfpu_vcpu_fp *fp)
{
	struct vcpu *v = vcpu_of(fp);

	if (kind != KIND_SWAP) {
		model_fail("reload on a backend that never loses the registers");
		return 0;
	}
	/* switch_fpu_return() */
	cur()->need_load = false;
	return fake_load(v);
}

static void fake_window_open(struct lfpu_vcpu_fp *fp)
{
	w.preempt_count++;
}

static void fake_window_close(struct lfpu_vcpu_fp *fp)
{
	w.preempt_count--;
}

static u32 fake_release(struct lfpu_vcpu_fp *fp, bool save)
{
	struct vcpu *v = vcpu_of(fp);
	struct task *t = cur();
	int cpu = model_cpu();
	bool live = true;

	if (kind == KIND_SWAP)
		live = !t->need_load;
	/* The core says memory is current: if it is wrong, state is lost. */
	if (!save && live && w.regs[cpu] != v->memory)
		model_fail("release without a save, but registers %d != memory %d",
			   w.regs[cpu], v->memory);
	if (save && live) {
		v->memory = w.regs[cpu];
		v->saves++;
	}
	switch (kind) {
	case KIND_SWAP:		/* fpu_swap_kvm_fpstate(gfpu, false) */
		t->fpstate = &t->user;
		w.regs[cpu] = t->user;
		t->need_load = false;
		break;
	case KIND_SECTION:	/* kernel_fpu_end() */
		v->section_open = false;
		w.preempt_count--;
		break;
	case KIND_CARRIED:	/* kernel_neon_end() */
		t->kernel_fpstate = false;
		break;
	default:
		break;
	}
	return save && live ? STATE_BYTES : 0;
}

static int fake_get_state(struct lfpu_vcpu_fp *fp, void *buf)
{
	memcpy(buf, &vcpu_of(fp)->memory, sizeof(int));
	return 0;
}

static int fake_set_state(struct lfpu_vcpu_fp *fp, void *buf)
{
	return 0;
}

static struct lfpu_fp_backend fake_backend = {
	.name = "model",
	.init = fake_init,
	.destroy = fake_destroy,
	.claim = fake_claim,
	.regs_hold_guest = fake_regs_hold_guest,
	.reload = fake_reload,
	.window_open = fake_window_open,
	.window_close = fake_window_close,
	.release = fake_release,
	.get_state = fake_get_state,
	.set_state = fake_set_state,
};

/* ---- The RUN loop around the core (vmm/run.c), and the events. */

static enum oracle_taker taker(void)
{
	switch (kind) {
	case KIND_SWAP:
		return ORACLE_KERNEL_SAVES;
	case KIND_CARRIED:
		return ORACLE_KERNEL_CARRIES;
	default:
		return ORACLE_MODULE_SAVES;
	}
}

static void oracle_note(int vcpu, enum oracle_event_kind k, int cpu, enum oracle_taker by)
{
	struct oracle_event e = { .kind = k, .cpu = cpu, .taker = by };

	oracle_step(&w.vcpu[vcpu].oracle, &e);
}

/* Another owner takes @cpu's registers from whichever vCPU is there. */
static void oracle_take(int cpu, enum oracle_taker by)
{
	oracle_note(0, ORACLE_TAKE, cpu, by);
	oracle_note(1, ORACLE_TAKE, cpu, by);
}

static void run_enter(struct task *t)
{
	struct lfpu_vcpu_fp *fp = &w.vcpu[t->vcpu].fp;

	t->in_run = true;
	lfpu_fp_vcpu_load(fp);
	lfpu_fp_guest_enter(fp);
}

/* RUN returns to userspace and the kernel restores the host state. */
static void run_leave(struct task *t)
{
	struct lfpu_vcpu_fp *fp = &w.vcpu[t->vcpu].fp;

	lfpu_fp_guest_exit(fp);
	lfpu_fp_vcpu_put(fp, LFPU_REASON_RUN);
	t->in_run = false;
	oracle_take(t->cpu, ORACLE_MODULE_SAVES);
	return_to_user(t);
}

/*
 * With shared windows, consecutive FP events of a vCPU run in one window,
 * as the engine runs consecutive FP instructions (vmm/engine.c); the
 * first other event closes it.  Without, each opens and closes its own,
 * as when the window's bounds end it after every instruction.
 */
static bool shared_windows;

static void window_close(struct vcpu *v)
{
	if (lfpu_fp_in_window(&v->fp))
		lfpu_fp_window_end(&v->fp);
}

static void guest_fp(struct task *t, bool write)
{
	struct vcpu *v = &w.vcpu[t->vcpu];

	if (!lfpu_fp_in_window(&v->fp))
		lfpu_fp_insn_begin(&v->fp);
	else if (!lfpu_fp_window_may_extend(&v->fp))
		model_fail("a window with nothing waiting may not go on");
	if (w.regs[t->cpu] != v->expected)
		model_fail("vCPU %d reads %d, its last write was %d", t->vcpu,
			   w.regs[t->cpu], v->expected);
	if (write) {
		v->expected = fresh_value();
		w.regs[t->cpu] = v->expected;
	}
	lfpu_fp_insn_retire(&v->fp, write);
	if (!shared_windows)
		lfpu_fp_window_end(&v->fp);
	oracle_note(t->vcpu, write ? ORACLE_FP_WRITE : ORACLE_FP_READ, t->cpu, 0);
}

/* An in-kernel exit, with whatever the yield point finds waiting. */
static bool exit_and_yield(struct task *t)
{
	struct lfpu_vcpu_fp *fp = &w.vcpu[t->vcpu].fp;
	bool may_resched;

	lfpu_fp_guest_exit(fp);
	may_resched = lfpu_fp_yield_point(fp);
	if ((w.need_resched || w.softirq_pending) && !may_resched)
		model_fail("yield point kept a window with %s waiting",
			   w.need_resched ? "a task" : "a softirq");
	return may_resched;
}

/*
 * Task @t leaves its CPU, through the preempt notifiers.  A backend whose
 * window blocks preemption gets there through an exit and the yield point,
 * as a real reschedule does; the others are preempted between guest
 * instructions.
 */
static void task_leaves(struct task *t)
{
	struct lfpu_vcpu_fp *fp = &w.vcpu[t->vcpu].fp;
	int cpu = t->cpu;

	t->left_via_exit = t->in_run && fp->claimed && fp->backend->release_before_resched;
	if (t->left_via_exit) {
		w.need_resched = true;
		exit_and_yield(t);
		w.need_resched = false;
		oracle_take(cpu, ORACLE_MODULE_SAVES);
	} else {
		oracle_take(cpu, taker());
	}
	if (w.preempt_count)
		model_fail("context switch with preemption disabled (%d)", w.preempt_count);
	w.irqs_off = true;
	if (t->in_run)
		lfpu_fp_sched_out(fp);
	w.irqs_off = false;
	switch_out(t);
}

/* Task @id comes (back) on @cpu. */
static void task_arrives(int id, int cpu)
{
	struct task *t = &w.task[id];
	struct lfpu_vcpu_fp *fp = &w.vcpu[t->vcpu].fp;

	switch_in(id, cpu);
	if (!t->in_run)
		return;
	lfpu_fp_sched_in(fp, cpu);
	oracle_note(t->vcpu, ORACLE_RESUME, cpu, 0);
	if (t->left_via_exit)
		lfpu_fp_guest_enter(fp);
	t->left_via_exit = false;
}

/*
 * The second vCPU's task takes @cpu from V: it starts RUN the first time,
 * then the guest reads and writes its FP state; with @finish, RUN ends
 * instead.  Then it leaves and V comes back.
 */
static void vcpu2_turn(bool finish)
{
	struct task *v = &w.task[TASK_V], *t = &w.task[TASK_W];
	int cpu = v->cpu;

	task_leaves(v);
	task_arrives(TASK_W, cpu);
	if (finish) {
		run_leave(t);
	} else {
		if (!t->in_run) {
			return_to_user(t);
			run_enter(t);
		}
		guest_fp(t, false);
		guest_fp(t, true);
		window_close(&w.vcpu[t->vcpu]);
	}
	task_leaves(t);
	task_arrives(TASK_V, cpu);
}

static void step(enum event ev)
{
	struct task *v = &w.task[TASK_V];
	int cpu = v->cpu;

	if (ev != EV_READ && ev != EV_WRITE)
		window_close(&w.vcpu[0]);
	switch (ev) {
	case EV_READ:
	case EV_WRITE:
		guest_fp(v, ev == EV_WRITE);
		break;
	case EV_EXIT:
		exit_and_yield(v);
		lfpu_fp_guest_enter(&w.vcpu[0].fp);
		break;
	case EV_USER:
		run_leave(v);
		run_enter(v);
		break;
	case EV_PREEMPT:
	case EV_MIGRATE:
		task_leaves(v);
		hog_runs(cpu);
		task_arrives(TASK_V, ev == EV_MIGRATE ? !cpu : cpu);
		break;
	case EV_SOFTIRQ:
		if (w.vcpu[0].fp.claimed && w.vcpu[0].fp.backend->release_before_resched) {
			/* Softirqs wait for the window: the yield point ends it. */
			w.softirq_pending = true;
			exit_and_yield(v);
			w.softirq_pending = false;
			oracle_take(cpu, ORACLE_MODULE_SAVES);
			softirq_uses_fpu(cpu);
			lfpu_fp_guest_enter(&w.vcpu[0].fp);
		} else {
			oracle_take(cpu, taker());
			softirq_uses_fpu(cpu);
			oracle_note(0, ORACLE_RESUME, cpu, 0);
		}
		break;
	case EV_VCPU2:
		vcpu2_turn(false);
		break;
	default:
		break;
	}
}

/* Both RUNs end; then everything must be in memory and accounted for. */
static void finish_and_check(void)
{
	int i;

	window_close(&w.vcpu[0]);
	if (w.task[TASK_W].in_run)
		vcpu2_turn(true);
	run_leave(&w.task[TASK_V]);
	for (i = 0; i < 2; i++) {
		struct vcpu *c = &w.vcpu[i];

		if (c->memory != c->expected)
			model_fail("vCPU %d's memory holds %d after RUN, its last write was %d",
				   i, c->memory, c->expected);
		if (c->fp.stats.fp_loads != c->loads || c->fp.stats.fp_saves != c->saves)
			model_fail("vCPU %d counted %llu loads, %llu saves; the backend made %lu, %lu",
				   i, (unsigned long long)c->fp.stats.fp_loads,
				   (unsigned long long)c->fp.stats.fp_saves, c->loads, c->saves);
		if (c->loads < c->oracle.loads || c->saves < c->oracle.saves)
			model_fail("vCPU %d made %lu loads, %lu saves: fewer than the oracle's %lu, %lu",
				   i, c->loads, c->saves, c->oracle.loads, c->oracle.saves);
		/*
		 * The trace shows every take of the registers while the vCPU
		 * holds them, but not one while it has released them and
		 * they still hold its state (eager, between its put at a
		 * guest exit and its claim at the next entry): there the
		 * trace's oracle may miss a necessary load.  Under lazy,
		 * which releases only when the registers are taken, the two
		 * must agree exactly; elsewhere the trace's is a lower bound.
		 */
		if (c->traced.oracle.loads > c->oracle.loads ||
		    c->traced.oracle.saves > c->oracle.saves ||
		    (policy == LAZYFPU_FP_POLICY_LAZY &&
		     (c->traced.oracle.loads != c->oracle.loads ||
		      c->traced.oracle.saves != c->oracle.saves)))
			model_fail("vCPU %d: the oracle from the trace says %lu loads, %lu saves; from the events %lu, %lu",
				   i, c->traced.oracle.loads, c->traced.oracle.saves,
				   c->oracle.loads, c->oracle.saves);
		if (policy == LAZYFPU_FP_POLICY_LAZY &&
		    (c->loads != c->oracle.loads || c->saves != c->oracle.saves))
			model_fail("vCPU %d (lazy) made %lu loads, %lu saves; the oracle needs %lu, %lu",
				   i, c->loads, c->saves, c->oracle.loads, c->oracle.saves);
	}
}

/* ---- The search. */

struct totals {
	unsigned long sequences;
	unsigned long transfers;	/* the module's, summed over sequences */
	unsigned long oracle;		/* the oracle's */
	unsigned long above_oracle;	/* sequences where the module made more */
	unsigned long trace_below;	/* where the trace's oracle was lower */
};

static void world_init(void)
{
	static const struct task init_tasks[NR_TASKS] = {
		[TASK_V] = { .cpu = 0, .user = 1, .user_expected = 1, .vcpu = 0 },
		[TASK_W] = { .cpu = -1, .need_load = true, .user = 3, .user_expected = 3,
			     .vcpu = 1 },
		[TASK_X0] = { .cpu = -1, .need_load = true, .user = 4, .user_expected = 4,
			      .vcpu = -1 },
		[TASK_X1] = { .cpu = -1, .need_load = true, .user = 2, .user_expected = 2,
			      .vcpu = -1 },
	};
	int i;

	memset(&w, 0, sizeof(w));
	memset(__start_model_percpu, 0, __stop_model_percpu - __start_model_percpu);
	memcpy(w.task, init_tasks, sizeof(init_tasks));
	for (i = 0; i < NR_TASKS; i++)
		w.task[i].fpstate = &w.task[i].user;
	w.regs[0] = 1;		/* V is in userspace on CPU 0 */
	w.regs[1] = 2;		/* X1 ran last on CPU 1 */
	w.next_value = 1000;
	fake_backend.release_before_resched = kind == KIND_SECTION;
	fake_backend.follows_task = kind == KIND_CARRIED;
	for (i = 0; i < 2; i++) {
		w.vcpu[i].memory = w.vcpu[i].expected = 100 * (i + 1);
		oracle_init(&w.vcpu[i].oracle);
		trace_oracle_init(&w.vcpu[i].traced, taker());
		if (lfpu_fp_vcpu_init_backend(&w.vcpu[i].fp, &fake_backend, policy, 0,
					      i + 1, 0))
			model_fail("vcpu init failed");
	}
	run_enter(&w.task[TASK_V]);
}

/*
 * Every sequence of @depth more events after the current world; each one
 * is checked to the end with finish_and_check().  The world is restored
 * from a snapshot for each next event, and for the check.
 */
static void explore(int depth, struct totals *t)
{
	struct snapshot here;
	int e, i;

	snapshot_take(&here);
	finish_and_check();
	t->sequences++;
	for (i = 0; i < 2; i++) {
		unsigned long mine = w.vcpu[i].loads + w.vcpu[i].saves;
		unsigned long best = w.vcpu[i].oracle.loads + w.vcpu[i].oracle.saves;

		t->transfers += mine;
		t->oracle += best;
		if (mine > best && i == 0)
			t->above_oracle++;
		if (i == 0 && w.vcpu[0].traced.oracle.loads + w.vcpu[0].traced.oracle.saves < best)
			t->trace_below++;
	}
	snapshot_restore(&here);
	if (!depth || failed)
		return;
	for (e = 0; e < NR_EVENTS && !failed; e++) {
		seq[seq_len++] = e;
		step(e);
		if (!failed)
			explore(depth - 1, t);
		seq_len--;
		snapshot_restore(&here);
	}
}

/* ---- The oracle on hand-written traces. */

#define T_READ(c)	{ ORACLE_FP_READ, (c), 0 }
#define T_WRITE(c)	{ ORACLE_FP_WRITE, (c), 0 }
#define T_TAKE(c, by)	{ ORACLE_TAKE, (c), ORACLE_##by }
#define T_RESUME(c)	{ ORACLE_RESUME, (c), 0 }

struct oracle_case {
	const char *name;
	struct oracle_event events[8];
	int n;
	unsigned long loads, saves;
};

static const struct oracle_case oracle_cases[] = {
	{ "no_fp_moves_nothing", { T_TAKE(0, MODULE_SAVES) }, 1, 0, 0 },
	{ "reads_load_once", { T_READ(0), T_READ(0), T_TAKE(0, MODULE_SAVES) }, 3, 1, 0 },
	{ "write_then_userspace_saves", { T_WRITE(0), T_TAKE(0, MODULE_SAVES) }, 2, 1, 1 },
	{ "kernel_save_is_not_ours",
	  { T_WRITE(0), T_TAKE(0, KERNEL_SAVES), T_READ(0), T_TAKE(0, MODULE_SAVES) }, 4, 2, 0 },
	{ "carried_state_follows_the_task",
	  { T_WRITE(0), T_TAKE(0, KERNEL_CARRIES), T_RESUME(1), T_READ(1),
	    T_TAKE(1, MODULE_SAVES) }, 5, 1, 1 },
	{ "other_cpu_taken_costs_nothing",
	  { T_WRITE(0), T_TAKE(1, MODULE_SAVES), T_WRITE(0) }, 3, 1, 0 },
	{ "migration_reloads",
	  { T_READ(0), T_TAKE(0, KERNEL_SAVES), T_RESUME(1), T_READ(1) }, 4, 2, 0 },
	{ "section_yield_saves_dirty_only",
	  { T_READ(0), T_TAKE(0, MODULE_SAVES), T_WRITE(0), T_TAKE(0, MODULE_SAVES),
	    T_READ(0) }, 5, 3, 1 },
};

/*
 * A scheme is minimal for a trace when its transfers equal the oracle's;
 * the eager policy's, for a guest that writes between two in-kernel exits
 * and then returns to userspace, are not: it loads at each of the three
 * guest entries and saves at each of the three exits.
 */
static bool oracle_flags_eager(void)
{
	static const struct oracle_event trace[] = {
		T_WRITE(0), T_WRITE(0), T_WRITE(0), T_TAKE(0, MODULE_SAVES),
	};
	const unsigned long eager_loads = 3, eager_saves = 3;
	struct oracle_state o;

	oracle_init(&o);
	oracle_run(&o, trace, 4);
	return o.loads == 1 && o.saves == 1 && eager_loads + eager_saves > o.loads + o.saves;
}

static void usage(const char *argv0)
{
	fprintf(stderr, "usage: %s [--depth N]  (default 8: every sequence of up to 8 events)\n",
		argv0);
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned int ncases = sizeof(oracle_cases) / sizeof(oracle_cases[0]);
	int depth = 8, i;
	char name[128];

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--depth") && i + 1 < argc)
			depth = atoi(argv[++i]);
		else
			usage(argv[0]);
	}
	if (depth < 0 || depth > MAX_DEPTH)
		usage(argv[0]);

	ktap_plan(ncases + 1 + NR_KINDS * 3 * 2);
	for (i = 0; i < (int)ncases; i++) {
		const struct oracle_case *c = &oracle_cases[i];
		struct oracle_state o;

		oracle_init(&o);
		oracle_run(&o, c->events, c->n);
		if (o.loads != c->loads || o.saves != c->saves)
			ktap_diag("%s: oracle says %lu loads, %lu saves; want %lu, %lu", c->name,
				  o.loads, o.saves, c->loads, c->saves);
		snprintf(name, sizeof(name), "oracle_%s", c->name);
		ktap_result(o.loads == c->loads && o.saves == c->saves, name);
	}
	ktap_result(oracle_flags_eager(), "oracle_flags_a_scheme_that_is_not_minimal");

	/*
	 * One window per FP event to the full depth; consecutive FP events
	 * sharing a window one event shorter (an eighth of the time).
	 */
	for (shared_windows = false; ; shared_windows = true) {
		int d = shared_windows && depth ? depth - 1 : depth;

		for (kind = 0; kind < NR_KINDS; kind++) {
			for (policy = 0; policy <= LAZYFPU_FP_POLICY_EAGER; policy++) {
				struct totals t = {};
				struct timespec t0, t1;

				failed = false;
				seq_len = 0;
				clock_gettime(CLOCK_MONOTONIC, &t0);
				world_init();
				if (!failed)
					explore(d, &t);
				clock_gettime(CLOCK_MONOTONIC, &t1);
				ktap_diag("%s/%s%s: %lu sequences of up to %d events in %.1f s; transfers %lu, oracle %lu (%.3fx); %lu above the oracle, %lu where the trace's oracle is lower",
					  kind_names[kind], policy_names[policy],
					  shared_windows ? " (shared windows)" : "", t.sequences, d,
					  t1.tv_sec - t0.tv_sec + (t1.tv_nsec - t0.tv_nsec) / 1e9,
					  t.transfers, t.oracle,
					  t.oracle ? (double)t.transfers / t.oracle : 1.0,
					  t.above_oracle, t.trace_below);
				snprintf(name, sizeof(name), "core_%s_%s%s", kind_names[kind],
					 policy_names[policy],
					 shared_windows ? "_shared_windows" : "");
				ktap_result(!failed, name);
			}
		}
		if (shared_windows)
			break;
	}
	return ktap_finished();
}
