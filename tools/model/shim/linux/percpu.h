/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MODEL_SHIM_LINUX_PERCPU_H
#define _MODEL_SHIM_LINUX_PERCPU_H

#include "../../model.h"

/*
 * Per-CPU variables live in one section, so that the model can save and
 * restore them with the rest of the world (model_snapshot()).
 */
#define DEFINE_PER_CPU(type, name)					\
	__attribute__((section("model_percpu"))) type name[MODEL_NR_CPUS]

#define __this_cpu_read(var)		((var)[model_cpu()])
#define __this_cpu_write(var, val)	((var)[model_cpu()] = (val))
#define this_cpu_cmpxchg(var, old, new)					\
	({								\
		__typeof__((var)[0]) __prev = (var)[model_cpu()];	\
		if (__prev == (old))					\
			(var)[model_cpu()] = (new);			\
		__prev;							\
	})

#endif
