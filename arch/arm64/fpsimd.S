/* SPDX-License-Identifier: GPL-2.0 */
/*
 * arm64: save and restore V0-V31, FPSR and FPCR.
 *
 * The kernel's own fpsimd_save_state()/fpsimd_load_state() are not
 * exported to modules, so, like KVM's hyp/fpsimd.S, we build ours from the
 * kernel's <asm/fpsimdmacros.h>.  The layout is struct user_fpsimd_state.
 *
 * Context: only inside kernel_neon_begin()/kernel_neon_end(), where the
 * registers belong to the caller.
 */
#include <linux/linkage.h>
#include <asm/assembler.h>
#include <asm/fpsimdmacros.h>

/* void lfpu_arm64_fpsimd_save(struct user_fpsimd_state *state) */
SYM_FUNC_START(lfpu_arm64_fpsimd_save)
	fpsimd_save	x0, 1
	ret
SYM_FUNC_END(lfpu_arm64_fpsimd_save)

/* void lfpu_arm64_fpsimd_load(const struct user_fpsimd_state *state) */
SYM_FUNC_START(lfpu_arm64_fpsimd_load)
	fpsimd_restore	x0, 1
	ret
SYM_FUNC_END(lfpu_arm64_fpsimd_load)

/*
 * SVE, at the vector length ZCR_EL1 currently selects.  @ffr points at the
 * FFR slot of the image (Z0-Z31, P0-P15, FFR, the signal-frame order), as
 * the kernel's own sve_save_state()/sve_load_state() take it; @fpsr at
 * FPSR, followed by FPCR.
 */

/* void lfpu_arm64_sve_save(void *ffr, u32 *fpsr) */
SYM_FUNC_START(lfpu_arm64_sve_save)
	mov	x2, #1
	sve_save 0, x1, x2, 3
	ret
SYM_FUNC_END(lfpu_arm64_sve_save)

/* void lfpu_arm64_sve_load(const void *ffr, const u32 *fpsr) */
SYM_FUNC_START(lfpu_arm64_sve_load)
	mov	x2, #1
	sve_load 0, x1, x2, 3
	ret
SYM_FUNC_END(lfpu_arm64_sve_load)
