// SPDX-License-Identifier: GPL-2.0
/*
 * The generic FP core: who owns the FP/SIMD registers, and when a vCPU's
 * FP state moves.
 *
 * A guest's FP/SIMD instructions run natively on the host's registers, so
 * at any moment the registers of a CPU hold the state of exactly one of:
 *
 *  - the host task: the VMM thread's own user FP state (or another task's,
 *    or the kernel's, which the kernel manages on its own);
 *  - a vCPU: the guest's state, put there by this module;
 *  - nobody valid: the kernel took the registers for something else (a
 *    context switch, a softirq kernel-mode FPU user) and the last owner's
 *    state is in memory.
 *
 * The host task's user state is never saved or restored by this module.
 * When a vCPU claims the registers, the backend asks the kernel to set the
 * task's user state aside (x86: fpu_swap_kvm_fpstate() or
 * kernel_fpu_begin(); arm64: kernel_neon_begin()); the kernel restores it
 * through its own deferred mechanism on the way back to userspace
 * (TIF_NEED_FPU_LOAD, TIF_FOREIGN_FPSTATE).
 *
 * Two pieces of state describe where a vCPU's FP state lives, as
 * arch/arm64/kernel/fpsimd.c does for tasks:
 *
 *  - per vCPU, fp->last_cpu: the CPU whose registers last held it, with
 *    fp->claimed (the registers are bound to this vCPU for the current
 *    RUN) and fp->dirty (the guest changed the state since it was loaded);
 *  - per CPU, lfpu_live_fp: the vCPU whose state the core last made live
 *    in this CPU's registers, or NULL.
 *
 * The state is provably live in this CPU's registers only if
 * lfpu_live_fp == fp && fp->last_cpu == this CPU, *and* the backend
 * confirms that the kernel has not taken the registers since
 * (->regs_hold_guest(), e.g. TIF_NEED_FPU_LOAD is still clear).  Each
 * check alone is not enough: the per-CPU record is cleared when the vCPU's
 * task is scheduled out (another vCPU or task may run here), and the
 * backend check catches what the core cannot see (a softirq using the
 * FPU).  A reload is skipped exactly when both agree.  The one exception
 * is a backend whose claimed registers the kernel itself carries with the
 * task (arm64 6.8+ kernel-mode NEON, ->follows_task): there a sched-out
 * loses nothing, and the backend's word alone decides.
 *
 * Transitions (the tracepoints of fpu/trace.h carry the same names):
 *
 *  claim	The guest needs the registers and they are not bound to it
 *		in this RUN.  The host user state is set aside, the guest
 *		state loaded; claimed = true, dirty = false.  Under the lazy
 *		policy this happens at the guest's first FP instruction (the
 *		software "trap"), under per-run at RUN entry, under eager at
 *		every guest entry.
 *  skip	An FP instruction after an exit or a sched-in finds the state
 *		provably live: no reload.
 *  invalidate	The state is no longer provably live: the task was
 *		scheduled out, or the backend reports the kernel took the
 *		registers.  The kernel saved the guest state when it took
 *		them, so memory is current and dirty = false.
 *  load	The guest state goes into the registers (by claim, or by a
 *		reload after an invalidation).
 *  save	The guest state goes back to memory: at release, and only if
 *		dirty (lazy) or always (per-run, eager).
 *  put		The vCPU releases the registers (RUN exit, signal, a
 *		reschedule or pending softirqs the backend's window would
 *		hold off, or every guest exit under eager); claimed = false.
 *  sched_out, sched_in	The vCPU's task leaves or regains a CPU (preempt
 *		notifiers); sched_out clears lfpu_live_fp.
 *
 * Three more tracepoints move nothing; they record what the guest and the
 * RUN loop did, which is what the transfer oracle needs to compute the
 * least any scheme could have moved (Documentation/performance.rst):
 *
 *  use		The guest's first FP instruction since its last guest
 *		entry, sched-in or reload: it needs its state in this CPU's
 *		registers.
 *  write	The guest's first change of its state since it was loaded,
 *		saved, or saved by the kernel: from now on the registers are
 *		newer than memory.
 *  run_exit	RUN returns to userspace, where the kernel restores the
 *		host task's registers, whether or not the vCPU is claimed.
 *
 * Context: every function below runs in the task that runs the vCPU,
 * except lfpu_fp_sched_out()/lfpu_fp_sched_in() (its preempt notifiers, on
 * the same task) and lfpu_fp_get_state()/set_state()/read_stats(), which
 * need the vCPU not to be running (vCPU mutex held).  Nothing here sleeps
 * except where a backend callback says it may.
 */
#include <linux/export.h>
#include <linux/bug.h>
#include <linux/errno.h>
#include <linux/interrupt.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/smp.h>
#include <kunit/visibility.h>
#include <lazyfpu/arch.h>

#include "fpu.h"
#include "trace.h"

static DEFINE_PER_CPU(struct lfpu_vcpu_fp *, lfpu_live_fp);

/*
 * Count into the vCPU's stats and the global totals.  Only the vCPU's task
 * writes its stats, so a plain add suffices; WRITE_ONCE pairs with the
 * lockless reader in lfpu_fp_read_stats().
 */
#define lfpu_count(fp, field, n)					\
	do {								\
		WRITE_ONCE((fp)->stats.field, (fp)->stats.field + (n));	\
		lfpu_global_count(offsetof(struct lfpu_fp_stats, field), (n)); \
	} while (0)

static void lfpu_fp_note_load(struct lfpu_vcpu_fp *fp, u32 bytes,
			      enum lfpu_fp_reason why)
{
	lfpu_count(fp, fp_loads, 1);
	lfpu_count(fp, fp_bytes_loaded, bytes);
	lfpu_transition_bytes(load, fp, why, bytes);
}

static void lfpu_fp_claim(struct lfpu_vcpu_fp *fp, enum lfpu_fp_reason why)
{
	u32 bytes;

	if (WARN_ON_ONCE(fp->claimed))
		return;

	/* Before the state moves: see @bind_task in fpu.h. */
	if (!fp->task_bound) {
		fp->task_bound = true;
		if (fp->bind_task)
			fp->bind_task(fp);
	}
	bytes = fp->backend->claim(fp);
	fp->claimed = true;
	fp->dirty = false;
	fp->stale = false;
	fp->live = true;
	fp->last_cpu = -1;	/* set once the window pins us to a CPU */
	if (why == LFPU_REASON_FIRST_USE)
		lfpu_count(fp, first_use_claims, 1);
	lfpu_transition(claim, fp, why);
	lfpu_fp_note_load(fp, bytes, why);
}

/*
 * Give the registers back.  Lazy saves only a dirty state; per-run and
 * eager save unconditionally, as KVM x86 and bhyve do, so that the
 * counters show what laziness buys.
 */
static void lfpu_fp_release(struct lfpu_vcpu_fp *fp, enum lfpu_fp_reason why)
{
	bool save = fp->policy != LAZYFPU_FP_POLICY_LAZY || fp->dirty;
	u32 bytes;

	if (WARN_ON_ONCE(!fp->claimed || fp->in_window))
		return;

	/*
	 * Unbind first: a section backend re-enables preemption as it ends
	 * the section, and the sched_out that may follow at once must find
	 * the vCPU no longer claimed.
	 */
	fp->claimed = false;
	fp->live = false;
	fp->stale = false;
	fp->used = false;
	this_cpu_cmpxchg(lfpu_live_fp, fp, NULL);

	bytes = fp->backend->release(fp, save);
	fp->dirty = false;
	if (!save) {
		/* "save bytes=0 reason=clean": the save a clean state avoids. */
		lfpu_count(fp, saves_avoided, 1);
		lfpu_transition(save, fp, LFPU_REASON_CLEAN);
	} else if (bytes) {
		lfpu_count(fp, fp_saves, 1);
		lfpu_count(fp, fp_bytes_saved, bytes);
		lfpu_transition_bytes(save, fp, why, bytes);
	} else {
		/* The kernel saved it when it took the registers. */
		lfpu_transition(invalidate, fp, LFPU_REASON_FOREIGN);
	}
	lfpu_transition(put, fp, why);
}

/**
 * lfpu_fp_vcpu_init_backend() - set up a vCPU's FP state on a given backend
 * @fp:		zeroed by the caller
 * @backend:	the backend that will move the state
 * @policy:	LAZYFPU_FP_POLICY_*
 * @vector_bytes: the VM's vector length setting (0: the default state)
 * @vm_id:	for tracing
 * @vcpu_id:	for tracing
 *
 * The state starts in its architectural init values.  KUnit passes a fake
 * backend here; everything else uses lfpu_fp_vcpu_init().
 *
 * Context: process context, may sleep.
 */
int lfpu_fp_vcpu_init_backend(struct lfpu_vcpu_fp *fp,
			      const struct lfpu_fp_backend *backend,
			      u32 policy, u32 vector_bytes, u32 vm_id, u32 vcpu_id)
{
	if (policy > LAZYFPU_FP_POLICY_EAGER)
		return -EINVAL;

	fp->vector_bytes = vector_bytes;
	fp->state_size = lfpu_arch_state_size(vector_bytes);
	fp->backend = backend;
	fp->policy = policy;
	fp->claims_at_entry = policy != LAZYFPU_FP_POLICY_LAZY;
	fp->vm_id = vm_id;
	fp->vcpu_id = vcpu_id;
	fp->last_cpu = -1;
	return backend->init(fp);
}
EXPORT_SYMBOL_IF_KUNIT(lfpu_fp_vcpu_init_backend);

/**
 * lfpu_fp_vcpu_init() - set up a vCPU's FP state on the arch's backend
 * @fp: zeroed by the caller
 * @policy: LAZYFPU_FP_POLICY_*
 * @vector_bytes: the VM's vector length setting, already validated
 * @vm_id: for tracing
 * @vcpu_id: for tracing
 *
 * Context: process context, may sleep.
 */
int lfpu_fp_vcpu_init(struct lfpu_vcpu_fp *fp, u32 policy, u32 vector_bytes,
		      u32 vm_id, u32 vcpu_id)
{
	return lfpu_fp_vcpu_init_backend(fp, lfpu_arch_select_backend(vector_bytes),
					 policy, vector_bytes, vm_id, vcpu_id);
}

/**
 * lfpu_fp_vcpu_destroy() - free a vCPU's FP state
 * @fp: the vCPU's FP state
 *
 * Context: process context; the vCPU is not running.
 */
void lfpu_fp_vcpu_destroy(struct lfpu_vcpu_fp *fp)
{
	if (WARN_ON_ONCE(fp->claimed))
		return;
	this_cpu_cmpxchg(lfpu_live_fp, fp, NULL);
	fp->backend->destroy(fp);
}
EXPORT_SYMBOL_IF_KUNIT(lfpu_fp_vcpu_destroy);

/**
 * lfpu_fp_put_bound() - lfpu_fp_vcpu_put() of a RUN that claimed the
 *	registers, or whose exit is being traced
 * @fp: the vCPU's FP state
 * @why: as for lfpu_fp_vcpu_put()
 *
 * Context: as lfpu_fp_vcpu_put().  Return: as lfpu_fp_vcpu_put().
 */
bool lfpu_fp_put_bound(struct lfpu_vcpu_fp *fp, enum lfpu_fp_reason why)
{
	bool was_bound = fp->task_bound;

	if (fp->claimed)
		lfpu_fp_release(fp, why);
	lfpu_transition(run_exit, fp, why);
	fp->task_bound = false;
	/* No claim outlives its RUN (see lfpu_fp_vcpu_load()). */
	WARN_ON_ONCE(fp->claimed);
	return was_bound;
}
EXPORT_SYMBOL_IF_KUNIT(lfpu_fp_put_bound);

/**
 * lfpu_fp_sched_out() - the vCPU's task is being scheduled out
 * @fp: the vCPU's FP state
 *
 * Another task may use this CPU's registers next, so the per-CPU record
 * forgets the vCPU.  The kernel itself saves whatever the registers hold
 * (for a claimed vCPU: the guest state) if they are still live.
 *
 * Context: preempt notifier sched_out: IRQs off, runqueue lock held.  Must
 * not touch the registers or sleep.  No window can be open (windows
 * disable preemption), and a backend that cannot hold state across a
 * reschedule has released it before reaching here.
 */
void lfpu_fp_sched_out(struct lfpu_vcpu_fp *fp)
{
	lockdep_assert_irqs_disabled();
	WARN_ON_ONCE(fp->in_window);
	WARN_ON_ONCE(fp->claimed && fp->backend->release_before_resched);

	lfpu_count(fp, sched_outs, 1);
	if (__this_cpu_read(lfpu_live_fp) == fp) {
		__this_cpu_write(lfpu_live_fp, NULL);
		lfpu_transition(invalidate, fp, LFPU_REASON_PREEMPT);
	}
	if (fp->claimed) {
		fp->stale = true;
		fp->stale_why = LFPU_REASON_PREEMPT;
	}
	fp->used = false;
	lfpu_transition(sched_out, fp, LFPU_REASON_PREEMPT);
}
EXPORT_SYMBOL_IF_KUNIT(lfpu_fp_sched_out);

/**
 * lfpu_fp_sched_in() - the vCPU's task runs again, on @cpu
 * @fp: the vCPU's FP state
 * @cpu: the CPU it runs on
 *
 * Nothing is loaded here: the next FP instruction re-proves liveness and
 * reloads only if it must.
 *
 * Context: preempt notifier sched_in: preemption disabled.
 */
void lfpu_fp_sched_in(struct lfpu_vcpu_fp *fp, int cpu)
{
	lfpu_transition(sched_in, fp, LFPU_REASON_PREEMPT);
}
EXPORT_SYMBOL_IF_KUNIT(lfpu_fp_sched_in);

/**
 * lfpu_fp_claim_at_entry() - guest entry of a per-run or eager vCPU that
 * does not hold the registers (lfpu_fp_guest_enter())
 * @fp: the vCPU's FP state
 *
 * Context: the vCPU's task, preemptible.
 */
void lfpu_fp_claim_at_entry(struct lfpu_vcpu_fp *fp)
{
	lfpu_fp_claim(fp, fp->policy == LAZYFPU_FP_POLICY_EAGER ?
			  LFPU_REASON_GUEST_ENTRY : LFPU_REASON_RUN);
}
EXPORT_SYMBOL_IF_KUNIT(lfpu_fp_claim_at_entry);

/**
 * lfpu_fp_exit_claimed() - guest exit of a vCPU that holds the registers
 * (lfpu_fp_guest_exit())
 * @fp: the vCPU's FP state
 *
 * Context: as lfpu_fp_guest_exit().
 */
void lfpu_fp_exit_claimed(struct lfpu_vcpu_fp *fp)
{
	fp->used = false;
	fp->stale = true;
	fp->stale_why = LFPU_REASON_EXIT;
	if (fp->policy == LAZYFPU_FP_POLICY_EAGER)
		lfpu_fp_release(fp, LFPU_REASON_GUEST_ENTRY);
}
EXPORT_SYMBOL_IF_KUNIT(lfpu_fp_exit_claimed);

/**
 * lfpu_fp_yield_claimed() - the yield point of a vCPU that holds the
 * registers (lfpu_fp_yield_point())
 * @fp: the vCPU's FP state
 *
 * A backend whose window disables preemption, or softirqs with it
 * (release_before_resched: a kernel_fpu_begin() section, a 6.1
 * kernel_neon_begin() section, an SVE span), keeps the guest state loaded
 * across in-kernel exits only while nothing else wants this CPU.  Here,
 * once per guest entry, it gives the window up - saving the state first
 * if dirty - when a task waits to run (need_resched()) or softirqs are
 * pending: those cannot run while the window is open, and a guest looping
 * on hypercalls would otherwise hold timers, RCU callbacks and network
 * receive on this CPU off indefinitely.  Backends whose state the kernel
 * itself preserves never block either and keep it claimed.
 *
 * Context: the vCPU's task, between guest entries.  Return: true when the
 * vCPU holds no window that disables preemption, so the caller may
 * reschedule.
 */
bool lfpu_fp_yield_claimed(struct lfpu_vcpu_fp *fp)
{
	if (!fp->backend->release_before_resched)
		return true;
	if (need_resched())
		lfpu_fp_release(fp, LFPU_REASON_RESCHED);
	else if (local_softirq_pending())
		lfpu_fp_release(fp, LFPU_REASON_SOFTIRQ);
	else
		return false;
	lfpu_count(fp, yield_releases, 1);
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(lfpu_fp_yield_claimed);

/**
 * lfpu_fp_insn_begin() - make the guest state live and open the window
 * @fp: the vCPU's FP state
 *
 * The guest's FP instruction is the software "trap": the first one of a
 * RUN claims the registers; later ones re-prove liveness after any exit
 * or sched-in, and reload only when the proof fails.
 *
 * Context: the vCPU's task, preemptible (or inside a backend section).
 * On return the window is open: until lfpu_fp_window_end() (or
 * lfpu_fp_insn_end()) the registers are the guest's and the caller must
 * not sleep.
 */
void lfpu_fp_insn_begin(struct lfpu_vcpu_fp *fp)
{
	bool on_this_cpu;
	int cpu;

	if (WARN_ON_ONCE(fp->in_window))
		return;
	if (!fp->claimed)
		lfpu_fp_claim(fp, LFPU_REASON_FIRST_USE);

	fp->backend->window_open(fp);
	cpu = smp_processor_id();

	/*
	 * A claim that no window has pinned to a CPU yet (last_cpu == -1)
	 * loaded the registers of whichever CPU we are on, unless the kernel
	 * took them since; after that, the per-CPU record must agree too.
	 */
	on_this_cpu = fp->last_cpu == -1 || fp->backend->follows_task ||
		      (__this_cpu_read(lfpu_live_fp) == fp && fp->last_cpu == cpu);
	if (on_this_cpu && fp->backend->regs_hold_guest(fp)) {
		if (fp->stale) {
			lfpu_count(fp, reloads_skipped, 1);
			lfpu_transition(skip, fp, fp->stale_why);
		}
	} else {
		lfpu_transition(invalidate, fp, LFPU_REASON_FOREIGN);
		/* Whoever took the registers saved our state first. */
		fp->dirty = false;
		lfpu_fp_note_load(fp, fp->backend->reload(fp), LFPU_REASON_FOREIGN);
		fp->used = false;
	}
	if (!fp->used) {
		fp->used = true;
		lfpu_transition(use, fp, LFPU_REASON_FIRST_USE);
	}

	__this_cpu_write(lfpu_live_fp, fp);
	fp->last_cpu = cpu;
	fp->live = true;
	fp->stale = false;
	fp->window_insns = 0;
	fp->in_window = true;
}
EXPORT_SYMBOL_IF_KUNIT(lfpu_fp_insn_begin);

/**
 * lfpu_fp_first_write() - the guest's first change of its state since it
 *	was loaded or saved (lfpu_fp_insn_retire())
 * @fp: the vCPU's FP state
 *
 * From now on the registers are newer than memory: a release must save.
 *
 * Context: inside the window opened by lfpu_fp_insn_begin().
 */
void lfpu_fp_first_write(struct lfpu_vcpu_fp *fp)
{
	WARN_ON_ONCE(!fp->in_window || fp->dirty);
	fp->dirty = true;
	lfpu_transition(write, fp, LFPU_REASON_FIRST_USE);
}
EXPORT_SYMBOL_IF_KUNIT(lfpu_fp_first_write);

/**
 * lfpu_fp_window_end() - close the window after its last guest FP instruction
 * @fp: the vCPU's FP state
 *
 * Context: inside the window opened by lfpu_fp_insn_begin(); afterwards
 * as before it (preemptible, or inside a backend section).
 */
void lfpu_fp_window_end(struct lfpu_vcpu_fp *fp)
{
	WARN_ON_ONCE(!fp->in_window);
	fp->in_window = false;
	lfpu_count(fp, fp_instructions, fp->window_insns);
	fp->window_insns = 0;
	fp->backend->window_close(fp);
}
EXPORT_SYMBOL_IF_KUNIT(lfpu_fp_window_end);

/**
 * lfpu_fp_insn_end() - close the window after one guest FP instruction
 * @fp: the vCPU's FP state
 * @wrote_state: the instruction changed FP state (registers or flags)
 *
 * lfpu_fp_insn_retire() and lfpu_fp_window_end() in one.
 *
 * Context: inside the window opened by lfpu_fp_insn_begin().
 */
void lfpu_fp_insn_end(struct lfpu_vcpu_fp *fp, bool wrote_state)
{
	lfpu_fp_insn_retire(fp, wrote_state);
	lfpu_fp_window_end(fp);
}
EXPORT_SYMBOL_IF_KUNIT(lfpu_fp_insn_end);

/**
 * lfpu_fp_get_state() - copy the vCPU's FP state out, in the uabi layout
 * @fp: the vCPU's FP state
 * @buf: fp->state_size bytes
 *
 * Context: process context, vCPU mutex held, vCPU not running: the state
 * is wholly in memory.
 */
int lfpu_fp_get_state(struct lfpu_vcpu_fp *fp, void *buf)
{
	if (WARN_ON_ONCE(fp->claimed))
		return -EBUSY;
	return fp->backend->get_state(fp, buf);
}
EXPORT_SYMBOL_IF_KUNIT(lfpu_fp_get_state);

/**
 * lfpu_fp_set_state() - replace the vCPU's FP state from the uabi layout
 * @fp: the vCPU's FP state
 * @buf: fp->state_size bytes, validated by the backend, which may rewrite
 *	 them (into its canonical form)
 *
 * Context: as lfpu_fp_get_state().  On -EINVAL nothing changed.
 */
int lfpu_fp_set_state(struct lfpu_vcpu_fp *fp, void *buf)
{
	int ret;

	if (WARN_ON_ONCE(fp->claimed))
		return -EBUSY;
	ret = fp->backend->set_state(fp, buf);
	if (!ret) {
		/* Registers elsewhere may hold the old state: forget them. */
		this_cpu_cmpxchg(lfpu_live_fp, fp, NULL);
		fp->last_cpu = -1;
		lfpu_transition(invalidate, fp, LFPU_REASON_STATE_SET);
	}
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(lfpu_fp_set_state);

/**
 * lfpu_fp_read_stats() - fill the FP part of struct lazyfpu_vcpu_stats
 * @fp: the vCPU's FP state
 * @out: the GET_STATS result being built
 *
 * Context: any; the counters are read without locking, so a concurrent
 * RUN may make them slightly inconsistent with each other.
 */
void lfpu_fp_read_stats(struct lfpu_vcpu_fp *fp, struct lazyfpu_vcpu_stats *out)
{
	const struct lfpu_fp_stats *s = &fp->stats;

	out->backend = fp->backend->id;
	out->fp_loads = READ_ONCE(s->fp_loads);
	out->fp_saves = READ_ONCE(s->fp_saves);
	out->fp_bytes_loaded = READ_ONCE(s->fp_bytes_loaded);
	out->fp_bytes_saved = READ_ONCE(s->fp_bytes_saved);
	out->reloads_skipped = READ_ONCE(s->reloads_skipped);
	out->saves_avoided = READ_ONCE(s->saves_avoided);
	out->first_use_claims = READ_ONCE(s->first_use_claims);
	out->fp_instructions = READ_ONCE(s->fp_instructions);
	out->sched_outs = READ_ONCE(s->sched_outs);
	out->yield_releases = READ_ONCE(s->yield_releases);
}
EXPORT_SYMBOL_IF_KUNIT(lfpu_fp_read_stats);
