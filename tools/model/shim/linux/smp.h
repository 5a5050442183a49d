/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MODEL_SHIM_LINUX_SMP_H
#define _MODEL_SHIM_LINUX_SMP_H

#include "../../model.h"

#define smp_processor_id()	model_cpu_checked()
#define raw_smp_processor_id()	model_cpu()

#endif
