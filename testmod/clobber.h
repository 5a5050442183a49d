/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LAZYFPU_TESTMOD_CLOBBER_H
#define _LAZYFPU_TESTMOD_CLOBBER_H

/*
 * Overwrite every vector register with values derived from @seed, inside
 * the kernel's kernel-mode FP window.  Returns false when the window
 * cannot be taken in this context.  Context: softirq.
 */
bool lfpu_clobber_regs(unsigned long seed);

#endif
