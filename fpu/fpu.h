/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The generic FP core's interface to the rest of the module.
 */
#ifndef _LAZYFPU_FPU_H
#define _LAZYFPU_FPU_H

#include <linux/types.h>

int lfpu_fpu_init(void);
u32 lfpu_fpu_state_size(void);

#endif /* _LAZYFPU_FPU_H */
