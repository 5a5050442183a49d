// SPDX-License-Identifier: GPL-2.0
/*
 * From the ownership trace to the oracle's events (trace_oracle.h).
 *
 *   use                     the guest needs its state here: FP_READ
 *   write                   it becomes newer than memory: FP_WRITE
 *   sched_out               another task takes the CPU: TAKE, by the
 *                           backend's taker
 *   sched_in                the task runs again: RESUME
 *   run_exit                RUN returns; the kernel restores the host's
 *                           registers: TAKE, the module's to save
 *   put reason=resched      the module gave the registers up for a task
 *   put reason=softirq      or a softirq waiting: TAKE, the module's
 *   invalidate reason=foreign  the kernel took the registers (a softirq
 *                           kernel-mode FPU user) and saved the state:
 *                           TAKE by the kernel, wherever it was
 *
 * Everything else (claim, load, skip, save, the other puts and
 * invalidations) is what a scheme did, which the oracle must not see:
 * an eager put at a guest exit, for one, gives the registers to nobody.
 */
#include <string.h>

#include "trace_oracle.h"

void trace_oracle_init(struct trace_oracle *t, enum oracle_taker at_sched_out)
{
	oracle_init(&t->oracle);
	t->at_sched_out = at_sched_out;
}

void trace_oracle_feed(struct trace_oracle *t, const char *event, int cpu, const char *reason)
{
	struct oracle_event e = { .cpu = cpu, .taker = ORACLE_MODULE_SAVES };

	/* Most transitions (claim, load, skip, save) are none of ours. */
	if (!strchr("uwsrpi", event[0]) || !strcmp(event, "save") || !strcmp(event, "skip"))
		return;
	if (!strcmp(event, "use")) {
		e.kind = ORACLE_FP_READ;
	} else if (!strcmp(event, "write")) {
		e.kind = ORACLE_FP_WRITE;
	} else if (!strcmp(event, "sched_out")) {
		e.kind = ORACLE_TAKE;
		e.taker = t->at_sched_out;
	} else if (!strcmp(event, "sched_in")) {
		e.kind = ORACLE_RESUME;
	} else if (!strcmp(event, "run_exit")) {
		e.kind = ORACLE_TAKE;
	} else if (!strcmp(event, "put") &&
		   (!strcmp(reason, "resched") || !strcmp(reason, "softirq"))) {
		e.kind = ORACLE_TAKE;
	} else if (!strcmp(event, "invalidate") && !strcmp(reason, "foreign")) {
		e.kind = ORACLE_TAKE;
		e.cpu = -1;
		e.taker = ORACLE_KERNEL_SAVES;
	} else {
		return;
	}
	oracle_step(&t->oracle, &e);
}
