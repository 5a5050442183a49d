// SPDX-License-Identifier: GPL-2.0
/* lazyfpu_clobber, arm64: clobber V0-V31 and FPCR inside kernel_neon_begin(). */
#include <linux/types.h>
#include <asm/neon.h>
#include <asm/ptrace.h>
#include <asm/simd.h>

#include "clobber.h"

/* Softirq context, where a newer kernel_neon_begin() needs a buffer (compat.h). */
bool lfpu_clobber_regs(unsigned long seed)
{
	u64 v[2] __aligned(16) = { seed, ~seed };
	struct user_fpsimd_state section_state;

	if (!may_use_simd())
		return false;
	lfpu_kernel_neon_begin(&section_state);
	asm volatile("ld1 {v0.16b}, [%0]\n\t"
		     ".irp n,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n\t"
		     "mov v\\n\\().16b, v0.16b\n\t"
		     ".endr\n\t"
		     "msr fpcr, %1"
		     : : "r" (v), "r" (3UL << 22) : "memory");
	lfpu_kernel_neon_end(&section_state);
	return true;
}
