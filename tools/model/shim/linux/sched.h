/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MODEL_SHIM_LINUX_SCHED_H
#define _MODEL_SHIM_LINUX_SCHED_H

/* The kernel declares need_resched() here; the model defines it in preempt.h. */
#include "preempt.h"

#endif
