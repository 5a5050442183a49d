/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The transfer oracle's events, read from the module's ownership trace
 * (the lazyfpu tracepoints, Documentation/tracing.rst): what the bench
 * computes its minimum from, and what the model checker proves equal to
 * the oracle of the events themselves.
 */
#ifndef _LAZYFPU_TRACE_ORACLE_H
#define _LAZYFPU_TRACE_ORACLE_H

#include "oracle.h"

/*
 * Who preserves a claimed guest state at a context switch, by backend:
 * the x86 guest fpstate is saved by the kernel (ORACLE_KERNEL_SAVES);
 * arm64 6.8+ kernel-mode NEON is carried with the task
 * (ORACLE_KERNEL_CARRIES); a section backend cannot be switched out while
 * claimed, so anything left is the module's (ORACLE_MODULE_SAVES).
 */
struct trace_oracle {
	struct oracle_state oracle;
	enum oracle_taker at_sched_out;
};

void trace_oracle_init(struct trace_oracle *t, enum oracle_taker at_sched_out);

/*
 * Feed one transition of this vCPU: @event without its "fp_" prefix
 * ("use", "sched_out", ...), @reason as the trace prints it ("resched").
 */
void trace_oracle_feed(struct trace_oracle *t, const char *event, int cpu, const char *reason);

#endif /* _LAZYFPU_TRACE_ORACLE_H */
