/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The generic FP core's interface to the VMM layer (vmm/) and to the
 * architecture backends.  The ownership model is described at the top of
 * fpu/core.c.
 */
#ifndef _LAZYFPU_FPU_H
#define _LAZYFPU_FPU_H

#include <linux/bug.h>
#include <linux/compiler.h>
#include <linux/interrupt.h>
#include <linux/jump_label.h>
#include <linux/lockdep.h>
#include <linux/sched.h>
#include <linux/tracepoint-defs.h>
#include <linux/types.h>
#include <uapi/linux/lazyfpu.h>

struct lfpu_fp_backend;

/* Per-vCPU FP counters; see struct lazyfpu_vcpu_stats for their meaning. */
struct lfpu_fp_stats {
	u64 fp_loads;
	u64 fp_saves;
	u64 fp_bytes_loaded;
	u64 fp_bytes_saved;
	u64 reloads_skipped;
	u64 saves_avoided;
	u64 first_use_claims;
	u64 fp_instructions;
	u64 sched_outs;
	u64 yield_releases;
};

/**
 * struct lfpu_vcpu_fp - one vCPU's FP/SIMD state and where it lives
 *
 * Fields below @stats are touched only by the task running the vCPU
 * (between lfpu_fp_vcpu_load() and lfpu_fp_vcpu_put(), and from its own
 * preempt notifiers), or under the vCPU's mutex while it is not running.
 * @stats is written by that task and read locklessly by GET_STATS.
 *
 * @backend:	the architecture backend that moves this state
 * @arch:	the backend's private data (the state buffer, ...)
 * @policy:	LAZYFPU_FP_POLICY_*, fixed at creation
 * @claims_at_entry: per-run and eager: the registers are claimed at a
 *		guest entry, not at the first FP instruction; what the RUN
 *		loop tests at every guest entry, in one byte (target P3)
 * @vm_id:	for tracing
 * @vcpu_id:	for tracing
 * @vector_bytes: the VM's vector length setting (0: the default state)
 * @state_size:	bytes in this vCPU's state image (GET_FPU, SET_FPU)
 * @stats:	counters
 * @claimed:	the host task's user FP state has been set aside and the
 *		registers are bound to this vCPU's state (see core.c)
 * @live:	the core last saw this state live in @last_cpu's registers
 * @dirty:	the guest changed the state since it was last loaded or saved
 * @stale:	something happened (an exit, a sched-out) after which
 *		liveness must be re-proved before the next FP instruction
 * @stale_why:	what it was, for tracing
 * @in_window:	the window is open: guest FP instructions are executing
 *		on the registers, which hold this state
 * @window_insns: guest FP instructions run in the open window so far
 * @used:	the guest executed an FP instruction since the last guest
 *		entry, sched-in or reload (for the fp_use tracepoint); only
 *		ever set while @claimed, and cleared when the claim ends
 * @last_cpu:	the CPU whose registers last held this state, or -1
 * @bind_task:	called once per RUN, at the first claim, before any state
 *		moves: the caller attaches its preempt notifiers to the task
 *		there (vmm/run.c), so that every sched-out from then on
 *		reaches lfpu_fp_sched_out().  Until a claim the registers
 *		hold nothing of the vCPU's, and a sched-out has nothing to
 *		tell the core; a RUN that never claims never pays for the
 *		notifiers.  NULL where the caller drives lfpu_fp_sched_out()
 *		itself (KUnit, the model check).
 * @task_bound:	the registers were claimed in this RUN (and @bind_task,
 *		if any, has run); cleared by lfpu_fp_vcpu_put()
 */
struct lfpu_vcpu_fp {
	const struct lfpu_fp_backend *backend;
	void *arch;
	u32 policy;
	bool claims_at_entry;
	u32 vm_id;
	u32 vcpu_id;
	u32 vector_bytes;
	u32 state_size;
	struct lfpu_fp_stats stats;
	bool claimed;
	bool live;
	bool dirty;
	bool stale;
	u8 stale_why;
	bool in_window;
	bool used;
	u32 window_insns;
	int last_cpu;
	void (*bind_task)(struct lfpu_vcpu_fp *fp);
	bool task_bound;
};

/*
 * The most guest FP instructions one window runs.  A window holds off
 * preemption (and, for some backends, softirqs), so it must stay short
 * even when nothing is waiting: 64 vector instructions are well under a
 * microsecond on hardware.
 */
#define LFPU_FP_WINDOW_MAX_INSNS	64

/*
 * The reason an in-kernel exit or put happened, for tracing.  Numbers
 * are stable: they appear in the trace output.
 */
enum lfpu_fp_reason {
	LFPU_REASON_RUN,	/* RUN entry or exit */
	LFPU_REASON_FIRST_USE,	/* the guest's first FP instruction */
	LFPU_REASON_GUEST_ENTRY,	/* a guest entry or exit (eager) */
	LFPU_REASON_RESCHED,	/* a preemption point that will reschedule */
	LFPU_REASON_PREEMPT,	/* the task was scheduled out or in */
	LFPU_REASON_SIGNAL,	/* RUN is returning -EINTR */
	LFPU_REASON_FOREIGN,	/* someone else used the registers */
	LFPU_REASON_CLEAN,	/* the guest had not changed its state */
	LFPU_REASON_STATE_SET,	/* SET_FPU replaced the state */
	LFPU_REASON_EXIT,	/* an in-kernel exit (hypercall, yield, budget) */
	LFPU_REASON_SOFTIRQ,	/* softirqs are pending on this CPU */
	LFPU_NR_REASONS
};

int lfpu_fpu_init(void);
void lfpu_fpu_exit(void);
u32 lfpu_fpu_vector_bytes(void);
u32 lfpu_fpu_sve_vq_map(void);
u32 lfpu_fpu_backend_mask(void);

int lfpu_fp_vcpu_init(struct lfpu_vcpu_fp *fp, u32 policy, u32 vector_bytes,
		      u32 vm_id, u32 vcpu_id);
int lfpu_fp_vcpu_init_backend(struct lfpu_vcpu_fp *fp,
			      const struct lfpu_fp_backend *backend,
			      u32 policy, u32 vector_bytes, u32 vm_id, u32 vcpu_id);
void lfpu_fp_vcpu_destroy(struct lfpu_vcpu_fp *fp);

bool lfpu_fp_put_bound(struct lfpu_vcpu_fp *fp, enum lfpu_fp_reason why);
void lfpu_fp_sched_out(struct lfpu_vcpu_fp *fp);
void lfpu_fp_sched_in(struct lfpu_vcpu_fp *fp, int cpu);

void lfpu_fp_claim_at_entry(struct lfpu_vcpu_fp *fp);
void lfpu_fp_exit_claimed(struct lfpu_vcpu_fp *fp);
bool lfpu_fp_yield_claimed(struct lfpu_vcpu_fp *fp);

/*
 * The RUN loop's calls.  A RUN that has not claimed the registers (a
 * lazy vCPU that ran no FP instruction yet) must cost next to nothing
 * beside the untracked build (issue 9's target P3), so the "nothing
 * claimed" cases are inline and only the rest calls into fpu/core.c.
 */

/**
 * lfpu_fp_vcpu_load() - RUN entry: bind the vCPU's FP state to this task
 * @fp: the vCPU's FP state
 *
 * Nothing moves: under every policy the state is loaded at the first guest
 * entry (per-run, eager) or FP instruction (lazy) that needs it.  Nor is
 * anything reset: the last RUN's lfpu_fp_vcpu_put() ended any claim, and
 * the end of a claim clears @used and @stale, which only a claim sets.
 *
 * That no claim outlives its RUN is asserted where it ends, at the end of
 * lfpu_fp_put_bound(), which every RUN that claimed reaches (a claim sets
 * @task_bound first).  Here it is asserted again on lockdep kernels only,
 * as every test kernel is: on production kernels a no-FP RUN must cost
 * next to nothing beside the untracked build (target P3), and a test
 * and branch per RUN is a measurable part of that.
 *
 * Context: the vCPU's task, preemptible, at the start of RUN, with the
 * vCPU's mutex held.
 */
static inline void lfpu_fp_vcpu_load(struct lfpu_vcpu_fp *fp)
{
	lockdep_assert_once(!fp->claimed);
}

/**
 * lfpu_fp_guest_enter() - the vCPU is about to execute guest code
 * @fp: the vCPU's FP state
 *
 * Per-run claims the registers at its first guest entry of a RUN (and
 * again after a backend had to release them for a reschedule); eager at
 * every guest entry.  Lazy waits for an FP instruction.
 *
 * Context: the vCPU's task, preemptible.
 */
static inline void lfpu_fp_guest_enter(struct lfpu_vcpu_fp *fp)
{
	if (fp->claims_at_entry && !fp->claimed)
		lfpu_fp_claim_at_entry(fp);
}

/**
 * lfpu_fp_guest_exit() - the vCPU stopped executing guest code
 * @fp: the vCPU's FP state
 *
 * The state stays where it is (lazy, per-run): the next FP instruction
 * will check that it is still live.  Eager releases it at every exit.
 * An unclaimed vCPU ran no FP instruction, so there is nothing to note.
 *
 * Context: the vCPU's task; preemptible unless the backend's window
 * outlives single instructions (kernel_fpu_begin() sections).
 */
static inline void lfpu_fp_guest_exit(struct lfpu_vcpu_fp *fp)
{
	if (fp->claimed)
		lfpu_fp_exit_claimed(fp);
}

/**
 * lfpu_fp_yield_point() - the RUN loop could give the CPU away here
 * @fp: the vCPU's FP state
 *
 * See lfpu_fp_yield_claimed(): only a claimed vCPU can hold a window that
 * keeps the CPU from others.
 *
 * Context: the vCPU's task, between guest entries.  Return: true when the
 * vCPU holds no window that disables preemption, so the caller may
 * reschedule.
 */
static inline bool lfpu_fp_yield_point(struct lfpu_vcpu_fp *fp)
{
	return !fp->claimed || lfpu_fp_yield_claimed(fp);
}

/* fpu/trace.c: the RUN-exit event the transfer oracle needs, and its mirror. */
DECLARE_TRACEPOINT(fp_run_exit);
DECLARE_STATIC_KEY_FALSE(lfpu_dmesg_trace);

/*
 * Is the dmesg_trace parameter set?  A static key rather than a bool:
 * the RUN exit of every vCPU that never claimed the registers tests it
 * (lfpu_fp_vcpu_put()), and there a no-op costs one instruction where a
 * load, a test and a branch cost three (target P3).
 */
static inline bool lfpu_dmesg_trace_on(void)
{
	return static_branch_unlikely(&lfpu_dmesg_trace);
}

/**
 * lfpu_fp_vcpu_put() - RUN exit: release the registers if claimed
 * @fp: the vCPU's FP state
 * @why: LFPU_REASON_RUN, or LFPU_REASON_SIGNAL when RUN returns -EINTR
 *
 * Afterwards the vCPU's state is wholly in memory, and the host task's user
 * state is restored by the kernel before the thread reaches userspace.  A
 * RUN that never claimed the registers (lazy, no FP instruction) has
 * nothing to release or detach, and unless its fp_run_exit event is being
 * recorded it returns here, without a call (target P3).
 *
 * Context: the vCPU's task, preemptible, at the end of RUN.  Return: true
 * if @fp->bind_task ran in this RUN: the caller detaches what it attached.
 */
static inline bool lfpu_fp_vcpu_put(struct lfpu_vcpu_fp *fp, enum lfpu_fp_reason why)
{
	if (!fp->task_bound && !tracepoint_enabled(fp_run_exit) &&
	    !lfpu_dmesg_trace_on())
		return false;
	return lfpu_fp_put_bound(fp, why);
}

void lfpu_fp_insn_begin(struct lfpu_vcpu_fp *fp);
void lfpu_fp_first_write(struct lfpu_vcpu_fp *fp);
void lfpu_fp_window_end(struct lfpu_vcpu_fp *fp);
void lfpu_fp_insn_end(struct lfpu_vcpu_fp *fp, bool wrote_state);

/*
 * The per-instruction calls of an open window.  A run of consecutive FP
 * instructions pays for them on every instruction (issue 9's target P4),
 * so they are inline; only the first change of the state calls out, to
 * trace it.
 */

/**
 * lfpu_fp_insn_retire() - one guest FP instruction ran in the open window
 * @fp: the vCPU's FP state
 * @wrote_state: the instruction changed FP state (registers or flags)
 *
 * Context: inside the window opened by lfpu_fp_insn_begin().
 */
static inline void lfpu_fp_insn_retire(struct lfpu_vcpu_fp *fp, bool wrote_state)
{
	WARN_ON_ONCE(!fp->in_window);
	if (wrote_state && !fp->dirty)
		lfpu_fp_first_write(fp);
	fp->window_insns++;
}

/**
 * lfpu_fp_window_may_extend() - may the next guest FP instruction run in
 *	the window that is open, rather than in one of its own?
 * @fp: the vCPU's FP state
 *
 * Consecutive FP instructions share one window, so that a run of them
 * pays for opening it (the backend's section or fpregs_lock(), the
 * liveness proof) once.  Nothing the core tracks can change inside a
 * window - it holds preemption off, and the kernel keeps a softirq's
 * kernel-mode FPU use from showing through it - so the registers stay
 * the guest's.  What a long window would do is hold off whatever waits
 * for this CPU; so it ends after LFPU_FP_WINDOW_MAX_INSNS instructions,
 * and at once when a task waits to run here (need_resched()) or
 * softirqs are pending, as lfpu_fp_yield_point() does between guest
 * entries.
 *
 * Context: inside the window.  Return: true if the window may go on.
 */
static inline bool lfpu_fp_window_may_extend(const struct lfpu_vcpu_fp *fp)
{
	WARN_ON_ONCE(!fp->in_window);
	return fp->window_insns < LFPU_FP_WINDOW_MAX_INSNS &&
	       !need_resched() && !local_softirq_pending();
}

/* Is the window open (lfpu_fp_insn_begin() to lfpu_fp_window_end())? */
static inline bool lfpu_fp_in_window(const struct lfpu_vcpu_fp *fp)
{
	return fp->in_window;
}

int lfpu_fp_get_state(struct lfpu_vcpu_fp *fp, void *buf);
int lfpu_fp_set_state(struct lfpu_vcpu_fp *fp, void *buf);
void lfpu_fp_read_stats(struct lfpu_vcpu_fp *fp, struct lazyfpu_vcpu_stats *out);

/* Global counters (fpu/stats.c), shown in debugfs. */
void lfpu_global_count(size_t fp_stats_offset, u64 n);
void lfpu_global_count_exit(u32 reason);
int lfpu_stats_init(void);
void lfpu_stats_exit(void);

/* The dmesg mirror of the tracepoints (fpu/trace.c). */
void lfpu_trace_init(void);
void lfpu_trace_exit(void);

#endif /* _LAZYFPU_FPU_H */
