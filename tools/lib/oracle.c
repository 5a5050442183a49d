// SPDX-License-Identifier: GPL-2.0
/*
 * The transfer oracle (oracle.h): a replay of the events that keeps only
 * where the vCPU's current state is, and counts a transfer exactly when
 * the definition in Documentation/performance.rst makes one necessary.
 */
#include "oracle.h"

void oracle_init(struct oracle_state *o)
{
	o->in_regs_of = -1;
	o->carried = false;
	o->memory_current = true;	/* a new vCPU's state is in memory */
	o->loads = 0;
	o->saves = 0;
}

void oracle_step(struct oracle_state *o, const struct oracle_event *e)
{
	switch (e->kind) {
	case ORACLE_FP_READ:
	case ORACLE_FP_WRITE:
		if (o->in_regs_of != e->cpu) {
			o->loads++;
			o->in_regs_of = e->cpu;
			o->carried = false;
		}
		/* The only current copy is now in these registers. */
		if (e->kind == ORACLE_FP_WRITE)
			o->memory_current = false;
		break;
	case ORACLE_TAKE:
		if (o->in_regs_of < 0 || (e->cpu >= 0 && o->in_regs_of != e->cpu))
			break;	/* they hold nothing of ours worth keeping */
		o->in_regs_of = -1;
		switch (e->taker) {
		case ORACLE_MODULE_SAVES:
			if (!o->memory_current) {
				o->saves++;
				o->memory_current = true;
			}
			break;
		case ORACLE_KERNEL_SAVES:
			o->memory_current = true;
			break;
		case ORACLE_KERNEL_CARRIES:
			o->carried = true;
			break;
		}
		break;
	case ORACLE_RESUME:
		if (o->carried) {
			o->in_regs_of = e->cpu;
			o->carried = false;
		}
		break;
	}
}

void oracle_run(struct oracle_state *o, const struct oracle_event *events, int n)
{
	int i;

	for (i = 0; i < n; i++)
		oracle_step(o, &events[i]);
}
