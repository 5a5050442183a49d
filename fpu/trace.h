/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints for FP ownership transitions, and their dmesg mirror.
 *
 * One event per transition of the model described in fpu/core.c, all of
 * one class so that a single format describes them:
 *
 *   fp_claim fp_load fp_skip fp_invalidate fp_save fp_put fp_sched_out
 *   fp_sched_in
 *
 * and three that record what the guest and the RUN loop did, so that the
 * transfer oracle can be computed from a trace (tools/lib/trace_oracle.c):
 *
 *   fp_use fp_write fp_run_exit
 *
 * Documentation/tracing.rst lists them with the dmesg format.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM lazyfpu

#if !defined(_LAZYFPU_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _LAZYFPU_TRACE_H

#include <linux/tracepoint.h>

#include "fpu.h"

#define LFPU_TRACE_REASONS						\
	{ LFPU_REASON_RUN,		"run" },			\
	{ LFPU_REASON_FIRST_USE,	"first_use" },			\
	{ LFPU_REASON_GUEST_ENTRY,	"guest_entry" },		\
	{ LFPU_REASON_RESCHED,		"resched" },			\
	{ LFPU_REASON_PREEMPT,		"preempt" },			\
	{ LFPU_REASON_SIGNAL,		"signal" },			\
	{ LFPU_REASON_FOREIGN,		"foreign" },			\
	{ LFPU_REASON_CLEAN,		"clean" },			\
	{ LFPU_REASON_STATE_SET,	"state_set" },			\
	{ LFPU_REASON_EXIT,		"exit" },			\
	{ LFPU_REASON_SOFTIRQ,		"softirq" }

DECLARE_EVENT_CLASS(lazyfpu_fp_transition,
	TP_PROTO(int cpu, u32 vm, u32 vcpu, u32 bytes, u32 reason),
	TP_ARGS(cpu, vm, vcpu, bytes, reason),

	TP_STRUCT__entry(
		__field(int, cpu)
		__field(u32, vm)
		__field(u32, vcpu)
		__field(u32, bytes)
		__field(u32, reason)
	),

	TP_fast_assign(
		__entry->cpu = cpu;
		__entry->vm = vm;
		__entry->vcpu = vcpu;
		__entry->bytes = bytes;
		__entry->reason = reason;
	),

	TP_printk("cpu=%d vm=%u vcpu=%u bytes=%u reason=%s", __entry->cpu,
		  __entry->vm, __entry->vcpu, __entry->bytes,
		  __print_symbolic(__entry->reason, LFPU_TRACE_REASONS))
);

#define LFPU_DEFINE_FP_EVENT(name)					\
DEFINE_EVENT(lazyfpu_fp_transition, name,				\
	TP_PROTO(int cpu, u32 vm, u32 vcpu, u32 bytes, u32 reason),	\
	TP_ARGS(cpu, vm, vcpu, bytes, reason))

LFPU_DEFINE_FP_EVENT(fp_claim);
LFPU_DEFINE_FP_EVENT(fp_load);
LFPU_DEFINE_FP_EVENT(fp_skip);
LFPU_DEFINE_FP_EVENT(fp_invalidate);
LFPU_DEFINE_FP_EVENT(fp_save);
LFPU_DEFINE_FP_EVENT(fp_put);
LFPU_DEFINE_FP_EVENT(fp_sched_out);
LFPU_DEFINE_FP_EVENT(fp_sched_in);
LFPU_DEFINE_FP_EVENT(fp_use);
LFPU_DEFINE_FP_EVENT(fp_write);
LFPU_DEFINE_FP_EVENT(fp_run_exit);

/*
 * lfpu_transition() - record one ownership transition
 *
 * Fires the tracepoint and, when the dmesg_trace module parameter is set,
 * mirrors it to the kernel log.  Safe in every context the core runs in,
 * including preempt notifiers under the runqueue lock.
 */
void lfpu_dmesg_transition(const char *event, int cpu, u32 vm, u32 vcpu,
			   u32 bytes, enum lfpu_fp_reason why);

#define lfpu_transition_bytes(event, fp, why, nbytes)			\
	do {								\
		int __cpu = raw_smp_processor_id();			\
									\
		trace_fp_##event(__cpu, (fp)->vm_id, (fp)->vcpu_id,	\
				 (nbytes), (why));			\
		if (lfpu_dmesg_trace_on())				\
			lfpu_dmesg_transition(#event, __cpu, (fp)->vm_id, \
					      (fp)->vcpu_id, (nbytes), (why)); \
	} while (0)

#define lfpu_transition(event, fp, why) lfpu_transition_bytes(event, fp, why, 0)

#endif /* _LAZYFPU_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
