/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The transfer oracle: the least number of loads and saves of one vCPU's
 * FP state that any correct scheme could make for a given sequence of
 * events.  Documentation/performance.rst defines it; in short:
 *
 *  - a load is necessary when the guest executes an FP instruction and its
 *    current state is not in this CPU's registers;
 *  - a save is necessary when the registers hold a guest state newer than
 *    memory and another owner is about to take them, unless the kernel
 *    saves it itself on that path.
 *
 * The events say what happens to the registers, not what a scheme did:
 * the oracle knows nothing of claims, windows or policies.
 */
#ifndef _LAZYFPU_ORACLE_H
#define _LAZYFPU_ORACLE_H

#include <stdbool.h>

/* Who preserves the guest state when another owner takes the registers. */
enum oracle_taker {
	/* Nobody but the module: a return to userspace, or a kernel path
	 * that a window the module holds had to be closed for first. */
	ORACLE_MODULE_SAVES,
	/* The kernel saves it to the vCPU's memory on the way (a context
	 * switch or kernel-mode FPU use under a swapped-in guest fpstate). */
	ORACLE_KERNEL_SAVES,
	/* The kernel carries it with the task and puts it back in the
	 * registers of whichever CPU the task resumes on (arm64 6.8+
	 * kernel-mode NEON). */
	ORACLE_KERNEL_CARRIES,
};

enum oracle_event_kind {
	ORACLE_FP_READ,		/* a guest FP instruction that only reads */
	ORACLE_FP_WRITE,	/* a guest FP instruction that changes state */
	ORACLE_TAKE,		/* another owner takes @cpu's registers */
	ORACLE_RESUME,		/* the vCPU's task runs again on @cpu */
};

struct oracle_event {
	enum oracle_event_kind kind;
	int cpu;			/* ORACLE_TAKE: -1 for wherever it is */
	enum oracle_taker taker;	/* ORACLE_TAKE */
};

/* Where one vCPU's current state is; the oracle's whole memory. */
struct oracle_state {
	int in_regs_of;		/* CPU whose registers hold it, -1: none */
	bool carried;		/* the kernel holds it for the task's resume */
	bool memory_current;	/* the vCPU's memory holds it */
	unsigned long loads;
	unsigned long saves;
};

void oracle_init(struct oracle_state *o);
void oracle_step(struct oracle_state *o, const struct oracle_event *e);
void oracle_run(struct oracle_state *o, const struct oracle_event *events, int n);

#endif /* _LAZYFPU_ORACLE_H */
