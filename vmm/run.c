// SPDX-License-Identifier: GPL-2.0
/*
 * LAZYFPU_RUN: the loop that runs a vCPU in the calling thread.
 *
 *   RUN:
 *     vcpu_load        bind FP state (the preempt notifiers are registered
 *                      at its first claim, lfpu_vcpu_bind_task())
 *     loop:
 *       signal or task work pending? -> -EINTR (state intact, RUN resumes it)
 *       yield point                -> the FP core gives up a window that
 *                                     blocks preemption or softirqs if a
 *                                     task or a softirq waits; then
 *                                     cond_resched()
 *       RCU quiescent state        as KVM's guest entry reports one
 *       guest entry                (per-run/eager FP policies load here)
 *       run the guest engine until an exit or LFPU_RUN_BUDGET instructions
 *       guest exit                 (eager saves here)
 *       in-kernel exit?            -> handled here, loop
 *       exit to userspace          -> leave the loop
 *     vcpu_put         release FP state, unregister the notifiers if
 *                      registered
 *
 * While the task runs RUN it may also be preempted anywhere outside an FP
 * window; the preempt notifiers tell the FP core (sched_out, sched_in).
 *
 * A measurement-only build (LFPU_FP_TRACKING false, vmm/vmm.h) leaves out
 * the FP core's calls and the notifiers.
 */
#include <linux/irqflags.h>
#include <linux/preempt.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/task_work.h>
#include <linux/thread_info.h>

#include "vmm.h"

static struct lfpu_vcpu *lfpu_notifier_vcpu(struct preempt_notifier *pn)
{
	return container_of(pn, struct lfpu_vcpu, notifier);
}

/* IRQs off, runqueue lock held: see lfpu_fp_sched_out(). */
static void lfpu_vcpu_sched_out(struct preempt_notifier *pn, struct task_struct *next)
{
	lfpu_fp_sched_out(&lfpu_notifier_vcpu(pn)->fp);
}

static void lfpu_vcpu_sched_in(struct preempt_notifier *pn, int cpu)
{
	lfpu_fp_sched_in(&lfpu_notifier_vcpu(pn)->fp, cpu);
}

static struct preempt_ops lfpu_preempt_ops = {
	.sched_in = lfpu_vcpu_sched_in,
	.sched_out = lfpu_vcpu_sched_out,
};

/*
 * The notifier is attached to the running task when the FP core first
 * claims the registers in a RUN (KVM attaches its own at vcpu_load, where
 * it loads per-CPU state of many kinds; ours is only the FP registers),
 * and detached at vcpu_put.  A RUN that runs no FP instruction under the
 * lazy policy never attaches it: a no-FP round trip costs next to what
 * it costs with FP tracking compiled out (issue 9, target P3).
 * Preemption is off while the list changes, so that no switch happens
 * half way.
 *
 * Context: the vCPU's task, called by the FP core before it loads any
 * state (preemptible, or inside a backend's section).
 */
static void lfpu_vcpu_bind_task(struct lfpu_vcpu_fp *fp)
{
	struct lfpu_vcpu *vcpu = container_of(fp, struct lfpu_vcpu, fp);

	preempt_disable();
	preempt_notifier_register(&vcpu->notifier);
	preempt_enable();
}

/**
 * lfpu_vcpu_run_init() - prepare a new vCPU for RUN
 * @vcpu: the vCPU, its FP state initialised, not yet visible to userspace
 *
 * Context: process context, at vCPU creation.
 */
void lfpu_vcpu_run_init(struct lfpu_vcpu *vcpu)
{
	if (!LFPU_FP_TRACKING)
		return;
	preempt_notifier_init(&vcpu->notifier, &lfpu_preempt_ops);
	vcpu->fp.bind_task = lfpu_vcpu_bind_task;
}

static void lfpu_vcpu_load(struct lfpu_vcpu *vcpu)
{
	if (LFPU_FP_TRACKING)
		lfpu_fp_vcpu_load(&vcpu->fp);
}

static void lfpu_vcpu_put(struct lfpu_vcpu *vcpu, enum lfpu_fp_reason why)
{
	if (!LFPU_FP_TRACKING || !lfpu_fp_vcpu_put(&vcpu->fp, why))
		return;
	preempt_disable();
	preempt_notifier_unregister(&vcpu->notifier);
	preempt_enable();
}

static void lfpu_count_exit(struct lfpu_vcpu *vcpu, u32 reason)
{
	WRITE_ONCE(vcpu->stats.exits[reason], vcpu->stats.exits[reason] + 1);
	lfpu_global_count_exit(reason);
}

static bool lfpu_exit_to_userspace(u32 reason)
{
	return reason == LAZYFPU_EXIT_IO || reason == LAZYFPU_EXIT_HLT ||
	       reason == LAZYFPU_EXIT_FAULT;
}

/*
 * Work the kernel left for this thread that must not wait for the guest to
 * exit, checked before every guest entry as KVM's
 * xfer_to_guest_mode_handle_work() does.  Signals (and TIF_NOTIFY_SIGNAL
 * task work, which signal_pending() includes) end RUN with -EINTR.  KVM
 * runs notify-resume work in place (resume_user_mode_work()), but its
 * parts, task_work_run() above all, are not exported to modules; so when
 * task work is queued for the return to userspace, RUN ends with -EINTR
 * too, the kernel's exit-to-user path runs it, and the VMM calls RUN
 * again.  The rest of notify-resume (rseq fixups, memcg and blkcg
 * throttling of a task that allocated or did I/O, the key cache) concerns
 * the return to userspace only, and a RUN allocates nothing, so it waits.
 */
static bool lfpu_run_must_return(void)
{
	if (signal_pending(current))
		return true;
	return test_thread_flag(TIF_NOTIFY_RESUME) && task_work_pending(current);
}

/*
 * Report an RCU quiescent state, RCU-Tasks included, at a guest entry, as
 * KVM's guest_enter_irqoff() does with rcu_virt_note_context_switch():
 * nothing here holds an RCU-protected pointer or runs in a trampoline, so
 * the guest's run counts as a voluntary context switch.  Without it a
 * guest that never leaves RUN would stall synchronize_rcu_tasks(), on
 * which ftrace, kprobes and BPF trampolines wait, for as long as it runs.
 */
static void lfpu_rcu_note_guest_entry(void)
{
	local_irq_disable();
	rcu_note_context_switch(false);
	local_irq_enable();
}

/**
 * lfpu_vcpu_run() - LAZYFPU_RUN
 * @vcpu: the vCPU
 *
 * Context: process context, the VM's own process.  Return: 0 with
 * run->exit_reason set; -EBUSY if another thread is in RUN on this vCPU;
 * -EINTR if a signal arrived or task work is pending (run->exit_reason is
 * LAZYFPU_EXIT_INTR and the next RUN resumes the guest where it stopped),
 * or a fatal signal interrupted the wait for another ioctl on the vCPU.
 */
int lfpu_vcpu_run(struct lfpu_vcpu *vcpu)
{
	struct lazyfpu_run *run = vcpu->run;
	enum lfpu_fp_reason put_reason = LFPU_REASON_RUN;
	int ret = 0;
	u32 reason;

	/*
	 * Only a concurrent RUN is refused; GET_REGS, GET_FPU and the other
	 * short ioctls hold the mutex briefly, and RUN waits for them.
	 */
	if (atomic_cmpxchg(&vcpu->in_run, 0, 1))
		return -EBUSY;
	if (mutex_lock_killable(&vcpu->mutex)) {
		atomic_set_release(&vcpu->in_run, 0);
		return -EINTR;
	}

	/* Complete an IN: the VMM left the value in the run page. */
	if (vcpu->pending_in >= 0) {
		vcpu->gpr[vcpu->pending_in] = READ_ONCE(run->io.data);
		vcpu->pending_in = -1;
	}
	WRITE_ONCE(run->exit_reason, LAZYFPU_EXIT_NONE);

	lfpu_vcpu_load(vcpu);
	for (;;) {
		if (lfpu_run_must_return()) {
			lfpu_count_exit(vcpu, LAZYFPU_EXIT_INTR);
			WRITE_ONCE(run->exit_reason, LAZYFPU_EXIT_INTR);
			put_reason = LFPU_REASON_SIGNAL;
			ret = -EINTR;
			break;
		}
		if (!LFPU_FP_TRACKING || lfpu_fp_yield_point(&vcpu->fp))
			cond_resched();
		lfpu_rcu_note_guest_entry();

		if (LFPU_FP_TRACKING)
			lfpu_fp_guest_enter(&vcpu->fp);
		reason = lfpu_engine_run(vcpu, LFPU_RUN_BUDGET);
		if (LFPU_FP_TRACKING)
			lfpu_fp_guest_exit(&vcpu->fp);
		lfpu_count_exit(vcpu, reason);

		if (lfpu_exit_to_userspace(reason)) {
			WRITE_ONCE(run->exit_reason, reason);
			break;
		}
		/* HYPERCALL, YIELD, PREEMPT: handled; back to the guest. */
	}
	lfpu_vcpu_put(vcpu, put_reason);

	mutex_unlock(&vcpu->mutex);
	atomic_set_release(&vcpu->in_run, 0);
	return ret;
}

/**
 * lfpu_run_init() - enable preempt notifiers (module init)
 */
void lfpu_run_init(void)
{
	preempt_notifier_inc();
}

/**
 * lfpu_run_exit() - module exit
 */
void lfpu_run_exit(void)
{
	preempt_notifier_dec();
}
