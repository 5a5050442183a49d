// SPDX-License-Identifier: GPL-2.0
/*
 * lazyfpu_clobber: a test-only module that uses the FPU from softirq
 * context, as crypto and checksum code do, to check that no guest or host
 * state is lost when that happens in the middle of a vCPU's RUN.
 *
 * A soft hrtimer fires every LFPU_CLOBBER_PERIOD_NS; its callback
 * (softirq context) takes the FPU with the kernel's kernel-mode FP API
 * when the API allows it there, and overwrites every vector register
 * (lfpu_clobber_regs(), per arch).  The period is short so that the
 * clobbers also land in the brief gaps between a vCPU's FP sections.
 * "hits" counts the clobbers.  Built only for the test harness
 * (LAZYFPU_TESTMODS=y); never installed.
 */
#include <linux/hrtimer.h>
#include <linux/ktime.h>
#include <linux/module.h>

#include "clobber.h"

static unsigned long lfpu_clobber_hits;
module_param_named(hits, lfpu_clobber_hits, ulong, 0444);
MODULE_PARM_DESC(hits, "Times the registers were clobbered from softirq context");

#define LFPU_CLOBBER_PERIOD_NS	(100 * NSEC_PER_USEC)

static struct hrtimer lfpu_clobber_timer;
static bool lfpu_clobber_stopping;

static enum hrtimer_restart lfpu_clobber_tick(struct hrtimer *t)
{
	if (lfpu_clobber_regs(lfpu_clobber_hits))
		WRITE_ONCE(lfpu_clobber_hits, lfpu_clobber_hits + 1);
	if (READ_ONCE(lfpu_clobber_stopping))
		return HRTIMER_NORESTART;
	hrtimer_forward_now(t, ns_to_ktime(LFPU_CLOBBER_PERIOD_NS));
	return HRTIMER_RESTART;
}

static int __init lfpu_clobber_init(void)
{
	/* _SOFT: the callback runs in softirq context, like crypto users. */
	lfpu_hrtimer_setup(&lfpu_clobber_timer, lfpu_clobber_tick, CLOCK_MONOTONIC,
			   HRTIMER_MODE_REL_SOFT);
	hrtimer_start(&lfpu_clobber_timer, ns_to_ktime(LFPU_CLOBBER_PERIOD_NS),
		      HRTIMER_MODE_REL_SOFT);
	return 0;
}

static void __exit lfpu_clobber_exit(void)
{
	WRITE_ONCE(lfpu_clobber_stopping, true);
	hrtimer_cancel(&lfpu_clobber_timer);
}

module_init(lfpu_clobber_init);
module_exit(lfpu_clobber_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("lazyfpu test: clobber FP registers from softirq context");
