/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MODEL_SHIM_LINUX_PREEMPT_H
#define _MODEL_SHIM_LINUX_PREEMPT_H

#include "../../model.h"

#define need_resched()		model_need_resched()

#endif
