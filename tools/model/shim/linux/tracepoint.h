/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MODEL_SHIM_LINUX_TRACEPOINT_H
#define _MODEL_SHIM_LINUX_TRACEPOINT_H

#include "../../model.h"

/*
 * Each tracepoint becomes a call into the model, which keeps the
 * transitions of the current step (what the core says it did).
 */
#define TP_PROTO(...)	__VA_ARGS__
#define TP_ARGS(...)	__VA_ARGS__
#define DECLARE_EVENT_CLASS(name, proto, args, tstruct, assign, print)
#define DEFINE_EVENT(class, name, proto, args)				\
	static inline void trace_##name(proto)				\
	{								\
		model_trace(#name, args);				\
	}

#endif
