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

/*
 * The first letter picks the only name the event can be, and one string
 * comparison confirms it: the model check feeds every transition of its
 * 190 million sequences through here, and comparing each event against
 * every name in turn was a third of its time.
 */
void trace_oracle_feed(struct trace_oracle *t, const char *event, int cpu, const char *reason)
{
	struct oracle_event e = { .cpu = cpu, .taker = ORACLE_MODULE_SAVES };

	switch (event[0]) {
	case 'u':
		if (strcmp(event, "use"))
			return;
		e.kind = ORACLE_FP_READ;
		break;
	case 'w':
		if (strcmp(event, "write"))
			return;
		e.kind = ORACLE_FP_WRITE;
		break;
	case 's':
		/* save and skip are a scheme's doing: none of ours. */
		if (!strcmp(event, "sched_out")) {
			e.kind = ORACLE_TAKE;
			e.taker = t->at_sched_out;
		} else if (!strcmp(event, "sched_in")) {
			e.kind = ORACLE_RESUME;
		} else {
			return;
		}
		break;
	case 'r':
		if (strcmp(event, "run_exit"))
			return;
		e.kind = ORACLE_TAKE;
		break;
	case 'p':
		if (strcmp(event, "put") ||
		    (strcmp(reason, "resched") && strcmp(reason, "softirq")))
			return;
		e.kind = ORACLE_TAKE;
		break;
	case 'i':
		if (strcmp(event, "invalidate") || strcmp(reason, "foreign"))
			return;
		e.kind = ORACLE_TAKE;
		e.cpu = -1;
		e.taker = ORACLE_KERNEL_SAVES;
		break;
	default:
		/* claim, load: what a scheme did. */
		return;
	}
	oracle_step(&t->oracle, &e);
}
