// SPDX-License-Identifier: GPL-2.0
/* lazyfpu_clobber, x86-64: clobber XMM/YMM 0-15 inside kernel_fpu_begin(). */
#include <linux/types.h>
#include <asm/cpufeature.h>
#include <asm/fpu/api.h>

#include "clobber.h"

bool lfpu_clobber_regs(unsigned long seed)
{
	u64 v[4] __aligned(32) = { seed, ~seed, seed * 3, seed ^ 0x5a5a5a5a };
	u32 round_to_zero = 0x7f80;

	if (!irq_fpu_usable())
		return false;
	kernel_fpu_begin();
	if (boot_cpu_has(X86_FEATURE_AVX)) {
		asm volatile("vmovdqa %0, %%ymm0\n\t"
			     ".irp n,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n\t"
			     "vmovdqa %%ymm0, %%ymm\\n\n\t"
			     ".endr" : : "m" (v));
	} else {
		asm volatile("movdqa %0, %%xmm0\n\t"
			     ".irp n,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n\t"
			     "movdqa %%xmm0, %%xmm\\n\n\t"
			     ".endr" : : "m" (v));
	}
	/* Round toward zero: a guest or host that kept it would notice. */
	asm volatile("ldmxcsr %0" : : "m" (round_to_zero));
	kernel_fpu_end();
	return true;
}
