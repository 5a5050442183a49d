// SPDX-License-Identifier: GPL-2.0
/*
 * The FP ownership tracepoints, and their mirror in the kernel log.
 *
 * The mirror is for watching a VMM without tracefs: with the dmesg_trace
 * parameter set (at load, or at any time through
 * /sys/module/lazyfpu/parameters/dmesg_trace), every transition prints one
 * line:
 *
 *   lazyfpu: fp <event> cpu=<cpu> vm=<vm> vcpu=<vcpu> bytes=<n> reason=<reason>
 *
 * Lines are rate-limited (a burst of LFPU_DMESG_BURST per second) because
 * a guest can cause millions of transitions.  They are not printed where
 * they happen: sched_out and sched_in are reported from preempt notifiers
 * under the runqueue lock, where printk() could deadlock waking the
 * console (and printk_deferred() is not exported to modules).  Instead
 * each transition is queued on a small per-CPU ring and printed by an
 * irq_work on the same CPU, which runs as soon as interrupts are enabled.
 * A full ring drops lines and says how many.
 */
#include <linux/irq_work.h>
#include <linux/export.h>
#include <linux/jump_label.h>
#include <linux/kstrtox.h>
#include <linux/moduleparam.h>
#include <linux/percpu.h>
#include <linux/printk.h>
#include <linux/ratelimit.h>
#include <linux/sysfs.h>
#include <kunit/visibility.h>

#define CREATE_TRACE_POINTS
#include "trace.h"

/*
 * lfpu_fp_vcpu_put() is inline (fpu.h) and tests the RUN-exit event and
 * the dmesg mirror itself; the KUnit suites, a module of their own, reach
 * both through it.
 */
#ifdef CONFIG_TRACEPOINTS
EXPORT_SYMBOL_IF_KUNIT(__tracepoint_fp_run_exit);
#endif

#define LFPU_DMESG_BURST	200

DEFINE_STATIC_KEY_FALSE(lfpu_dmesg_trace);
EXPORT_SYMBOL_IF_KUNIT(lfpu_dmesg_trace);

/*
 * dmesg_trace is a bool parameter kept in a static key (see
 * lfpu_dmesg_trace_on()).  Writes through sysfs are serialised by the
 * kernel's parameter lock; at module load the parameters are set after
 * the module's jump labels are initialised, and before anything runs.
 */
static int lfpu_dmesg_trace_set(const char *val, const struct kernel_param *kp)
{
	bool on;
	int ret;

	/* A bare "dmesg_trace" on the command line means on, as for bool. */
	ret = kstrtobool(val ? val : "1", &on);
	if (ret)
		return ret;
	if (on)
		static_branch_enable(&lfpu_dmesg_trace);
	else
		static_branch_disable(&lfpu_dmesg_trace);
	return 0;
}

static int lfpu_dmesg_trace_get(char *buffer, const struct kernel_param *kp)
{
	return sysfs_emit(buffer, "%c\n", lfpu_dmesg_trace_on() ? 'Y' : 'N');
}

static const struct kernel_param_ops lfpu_dmesg_trace_ops = {
	.flags = KERNEL_PARAM_OPS_FL_NOARG,
	.set = lfpu_dmesg_trace_set,
	.get = lfpu_dmesg_trace_get,
};

module_param_cb(dmesg_trace, &lfpu_dmesg_trace_ops, NULL, 0644);
__MODULE_PARM_TYPE(dmesg_trace, "bool");
MODULE_PARM_DESC(dmesg_trace, "Mirror every FP ownership transition to the kernel log");

static const char *const lfpu_reason_names[LFPU_NR_REASONS] = {
	[LFPU_REASON_RUN] = "run",
	[LFPU_REASON_FIRST_USE] = "first_use",
	[LFPU_REASON_GUEST_ENTRY] = "guest_entry",
	[LFPU_REASON_RESCHED] = "resched",
	[LFPU_REASON_PREEMPT] = "preempt",
	[LFPU_REASON_SIGNAL] = "signal",
	[LFPU_REASON_FOREIGN] = "foreign",
	[LFPU_REASON_CLEAN] = "clean",
	[LFPU_REASON_STATE_SET] = "state_set",
	[LFPU_REASON_EXIT] = "exit",
};

static DEFINE_RATELIMIT_STATE(lfpu_dmesg_ratelimit, HZ, LFPU_DMESG_BURST);

#define LFPU_DMESG_RING	32

struct lfpu_dmesg_line {
	const char *event;
	int cpu;
	u32 vm;
	u32 vcpu;
	u32 bytes;
	u32 why;
};

/* Written with IRQs off, drained by @flush on the same CPU: no lock. */
struct lfpu_dmesg_ring {
	struct lfpu_dmesg_line line[LFPU_DMESG_RING];
	unsigned int head;
	unsigned int tail;
	unsigned int dropped;
	struct irq_work flush;
};

static DEFINE_PER_CPU(struct lfpu_dmesg_ring, lfpu_dmesg_rings);

/* irq_work: hardirq context on the ring's CPU. */
static void lfpu_dmesg_flush(struct irq_work *work)
{
	struct lfpu_dmesg_ring *ring = container_of(work, struct lfpu_dmesg_ring, flush);

	while (ring->tail != ring->head) {
		const struct lfpu_dmesg_line *l = &ring->line[ring->tail++ % LFPU_DMESG_RING];

		pr_info("fp %s cpu=%d vm=%u vcpu=%u bytes=%u reason=%s\n",
			l->event, l->cpu, l->vm, l->vcpu, l->bytes,
			l->why < LFPU_NR_REASONS ? lfpu_reason_names[l->why] : "?");
	}
	if (ring->dropped) {
		pr_info("fp trace: %u lines dropped\n", ring->dropped);
		ring->dropped = 0;
	}
}

/**
 * lfpu_dmesg_transition() - queue one transition for the kernel log
 * @event: the transition's name (the tracepoint's, without "fp_")
 * @cpu: the CPU it happened on
 * @vm: the VM's id
 * @vcpu: the vCPU's id
 * @bytes: bytes moved (load, save), else 0
 * @why: the reason
 *
 * Context: any, including IRQs off under the runqueue lock.
 */
void lfpu_dmesg_transition(const char *event, int cpu, u32 vm, u32 vcpu,
			   u32 bytes, enum lfpu_fp_reason why)
{
	struct lfpu_dmesg_ring *ring;
	unsigned long flags;

	if (!__ratelimit(&lfpu_dmesg_ratelimit))
		return;

	local_irq_save(flags);
	ring = this_cpu_ptr(&lfpu_dmesg_rings);
	if (ring->head - ring->tail < LFPU_DMESG_RING) {
		ring->line[ring->head++ % LFPU_DMESG_RING] = (struct lfpu_dmesg_line) {
			.event = event, .cpu = cpu, .vm = vm, .vcpu = vcpu,
			.bytes = bytes, .why = why,
		};
	} else {
		ring->dropped++;
	}
	irq_work_queue(&ring->flush);
	local_irq_restore(flags);
}

/**
 * lfpu_trace_init() - prepare the dmesg rings
 *
 * Context: module init.
 */
void lfpu_trace_init(void)
{
	int cpu;

	for_each_possible_cpu(cpu)
		init_irq_work(&per_cpu_ptr(&lfpu_dmesg_rings, cpu)->flush, lfpu_dmesg_flush);
}

/**
 * lfpu_trace_exit() - wait for queued lines before the module goes away
 *
 * Context: module exit; nothing can queue any more (no fd is open).
 */
void lfpu_trace_exit(void)
{
	int cpu;

	for_each_possible_cpu(cpu)
		irq_work_sync(&per_cpu_ptr(&lfpu_dmesg_rings, cpu)->flush);
}
