/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private to the arm64 architecture layer.
 */
#ifndef _LAZYFPU_ARCH_ARM64_H
#define _LAZYFPU_ARCH_ARM64_H

#include <linux/types.h>
#include <asm/ptrace.h>

/* FPSR bits that exist: N Z C V QC, IDC, IXC UFC OFC DZC IOC. */
#define LFPU_ARM64_FPSR_VALID	0xf800009fU
/* FPCR bits that exist: AHP DN FZ RMode Stride FZ16 Len, IDE, IXE..IOE, NEP AH FIZ. */
#define LFPU_ARM64_FPCR_VALID	0x07ff9f07U

void lfpu_arm64_fpsimd_save(struct user_fpsimd_state *state);
void lfpu_arm64_fpsimd_load(const struct user_fpsimd_state *state);
int lfpu_arm64_validate_fpsimd(const struct user_fpsimd_state *state);

extern const struct lfpu_fp_backend lfpu_arm64_neon_backend;

#endif /* _LAZYFPU_ARCH_ARM64_H */
