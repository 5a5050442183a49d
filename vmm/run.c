// SPDX-License-Identifier: GPL-2.0
/*
 * LAZYFPU_RUN: the loop that runs a vCPU in the calling thread.
 *
 *   RUN:
 *     vcpu_load        register preempt notifiers, bind FP state
 *     loop:
 *       signal pending?            -> -EINTR (state intact, RUN resumes it)
 *       need_resched()?            -> preemption point: the FP core releases
 *                                     the state if its backend must, then
 *                                     cond_resched()
 *       guest entry                (per-run/eager FP policies load here)
 *       run the guest engine until an exit or LFPU_RUN_BUDGET instructions
 *       guest exit                 (eager saves here)
 *       in-kernel exit?            -> handled here, loop
 *       exit to userspace          -> leave the loop
 *     vcpu_put         release FP state, unregister notifiers
 *
 * While the task runs RUN it may also be preempted anywhere outside an FP
 * window; the preempt notifiers tell the FP core (sched_out, sched_in).
 */
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>

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
 * vcpu_load/vcpu_put bracket RUN, as in KVM: the notifier is attached to
 * the running task, with preemption off so that no switch happens half
 * way.
 */
static void lfpu_vcpu_load(struct lfpu_vcpu *vcpu)
{
	preempt_notifier_init(&vcpu->notifier, &lfpu_preempt_ops);
	preempt_disable();
	preempt_notifier_register(&vcpu->notifier);
	preempt_enable();
	lfpu_fp_vcpu_load(&vcpu->fp);
}

static void lfpu_vcpu_put(struct lfpu_vcpu *vcpu, enum lfpu_fp_reason why)
{
	lfpu_fp_vcpu_put(&vcpu->fp, why);
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

/**
 * lfpu_vcpu_run() - LAZYFPU_RUN
 * @vcpu: the vCPU
 *
 * Context: process context, the VM's own process.  Return: 0 with
 * run->exit_reason set, -EBUSY if another thread is running this vCPU,
 * -EINTR if a signal arrived (run->exit_reason is LAZYFPU_EXIT_INTR and
 * the next RUN resumes the guest where it stopped).
 */
int lfpu_vcpu_run(struct lfpu_vcpu *vcpu)
{
	struct lazyfpu_run *run = vcpu->run;
	enum lfpu_fp_reason put_reason = LFPU_REASON_RUN;
	int ret = 0;
	u32 reason;

	if (!mutex_trylock(&vcpu->mutex))
		return -EBUSY;

	/* Complete an IN: the VMM left the value in the run page. */
	if (vcpu->pending_in >= 0) {
		vcpu->gpr[vcpu->pending_in] = READ_ONCE(run->io.data);
		vcpu->pending_in = -1;
	}
	WRITE_ONCE(run->exit_reason, LAZYFPU_EXIT_NONE);

	lfpu_vcpu_load(vcpu);
	for (;;) {
		if (signal_pending(current)) {
			lfpu_count_exit(vcpu, LAZYFPU_EXIT_INTR);
			WRITE_ONCE(run->exit_reason, LAZYFPU_EXIT_INTR);
			put_reason = LFPU_REASON_SIGNAL;
			ret = -EINTR;
			break;
		}
		if (need_resched()) {
			lfpu_fp_before_resched(&vcpu->fp);
			cond_resched();
		}

		lfpu_fp_guest_enter(&vcpu->fp);
		reason = lfpu_engine_run(vcpu, LFPU_RUN_BUDGET);
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
