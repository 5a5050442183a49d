/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The world the model checker runs fpu/core.c in (tools/model/model.c):
 * what the shim headers route the core's per-CPU data, preemption and
 * softirq checks, tracepoints and WARNs to.
 */
#ifndef _LAZYFPU_MODEL_H
#define _LAZYFPU_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#define MODEL_NR_CPUS	2

#define READ_ONCE(x)		(x)
#define WRITE_ONCE(x, val)	((x) = (val))
#define unlikely(x)		__builtin_expect(!!(x), 0)

int model_cpu(void);
int model_cpu_checked(void);
bool model_need_resched(void);
bool model_softirq_pending(void);
bool model_irqs_disabled(void);
void model_core_warned(const char *file, int line, const char *what);
void model_trace(const char *event, int cpu, unsigned int vm, unsigned int vcpu,
		 unsigned int bytes, unsigned int reason);

#endif /* _LAZYFPU_MODEL_H */
