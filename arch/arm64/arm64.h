/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private to the arm64 architecture layer.
 */
#ifndef _LAZYFPU_ARCH_ARM64_H
#define _LAZYFPU_ARCH_ARM64_H

#include <linux/align.h>
#include <linux/bottom_half.h>
#include <linux/kconfig.h>
#include <linux/preempt.h>
#include <linux/types.h>
#include <asm/ptrace.h>

/* FPSR bits that exist: N Z C V QC, IDC, IXC UFC OFC DZC IOC. */
#define LFPU_ARM64_FPSR_VALID	0xf800009fU
/* FPCR bits that exist: AHP DN FZ RMode Stride FZ16 Len, IDE, IXE..IOE, NEP AH FIZ. */
#define LFPU_ARM64_FPCR_VALID	0x07ff9f07U
/*
 * FPCR trap enables: IDE (15), IXE UFE OFE DZE IOE (12:8).  On a core that
 * implements FP exception trapping, a trapped exception taken from a guest
 * FP instruction at EL1 is unhandled there, which is a kernel panic.  No
 * guest state may set one (SET_FPU refuses it), and no guest instruction
 * writes them.
 */
#define LFPU_ARM64_FPCR_TRAP_ENABLES	0x00009f00U

void lfpu_arm64_fpsimd_save(struct user_fpsimd_state *state);
void lfpu_arm64_fpsimd_load(const struct user_fpsimd_state *state);
int lfpu_arm64_validate_fpsimd(const struct user_fpsimd_state *state);
int lfpu_arm64_validate_csr(u32 fpsr, u32 fpcr);

/*
 * A span in which live SVE state must survive: the kernel preserves only
 * V0-V31, FPSR and FPCR of a kernel_neon_begin() section, so neither a
 * preemption nor a softirq that uses NEON may happen inside it.  On !RT,
 * disabling softirqs excludes both; on PREEMPT_RT, softirqs run in
 * threads and local_bh_disable() leaves the task preemptible, so
 * disabling preemption does (x86's fpregs_lock() makes the same choice).
 */
static inline void lfpu_arm64_sve_span_begin(void)
{
	if (IS_ENABLED(CONFIG_PREEMPT_RT))
		preempt_disable();
	else
		local_bh_disable();
}

static inline void lfpu_arm64_sve_span_end(void)
{
	if (IS_ENABLED(CONFIG_PREEMPT_RT))
		preempt_enable();
	else
		local_bh_enable();
}

void lfpu_arm64_sve_save(void *ffr, u32 *fpsr);
void lfpu_arm64_sve_load(const void *ffr, const u32 *fpsr);

/*
 * The SVE state image at vector length @vl: Z0-Z31 (@vl bytes each),
 * P0-P15 and FFR (@vl / 8 each), padding to 16, then struct
 * lfpu_arm64_sve_csr.
 */
struct lfpu_arm64_sve_csr {
	u32 fpsr;
	u32 fpcr;
	u32 reserved[2];
};

static inline u32 lfpu_arm64_sve_ffr_offset(u32 vl)
{
	return 32 * vl + 16 * (vl / 8);
}

static inline u32 lfpu_arm64_sve_csr_offset(u32 vl)
{
	return ALIGN(lfpu_arm64_sve_ffr_offset(vl) + vl / 8, 16);
}

static inline u32 lfpu_arm64_sve_state_size(u32 vl)
{
	return lfpu_arm64_sve_csr_offset(vl) + sizeof(struct lfpu_arm64_sve_csr);
}

extern const struct lfpu_fp_backend lfpu_arm64_neon_backend;
extern const struct lfpu_fp_backend lfpu_arm64_sve_backend;

#endif /* _LAZYFPU_ARCH_ARM64_H */
