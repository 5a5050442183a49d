// SPDX-License-Identifier: GPL-2.0
/*
 * arm64 SVE backend: a vCPU with SVE state (Z0-Z31, P0-P15, FFR) at its
 * own vector length, inside kernel_neon_begin() sections.
 *
 * The kernel preserves only V0-V31, FPSR and FPCR of a kernel-mode NEON
 * section (6.8+, TIF_KERNEL_FPSTATE; in 7.x in a buffer the caller
 * provides): the bits of Z above 128, P, FFR and ZCR_EL1 are lost to a
 * preemption or to a softirq that uses NEON.  So while SVE state is live,
 * neither may happen (lfpu_arm64_sve_span_begin(): softirqs off, which
 * also disables preemption, or on PREEMPT_RT preemption off): on 6.1 the
 * section already does that, later we add it.  The span is released,
 * saving the state first if dirty, at the RUN loop's yield point whenever
 * a task or a softirq waits for the CPU (release_before_resched), as the
 * XSAVE fallback does on x86.  The host's ZCR_EL1 is saved at claim and
 * restored at release, so the host task's own vector length is never
 * disturbed (the kernel also re-sets it before the task's next SVE use).
 */
#include <linux/bug.h>
#include <linux/errno.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/neon.h>
#include <asm/simd.h>
#include <asm/sysreg.h>
#include <lazyfpu/arch.h>
#include <uapi/linux/lazyfpu.h>

#include "../../fpu/fpu.h"
#include "arm64.h"

/*
 * @section_state: the buffer a newer kernel_neon_begin() keeps the
 * section's FPSIMD state in while it is preemptible, between the section
 * and the span opening (compat.h); scratch, never the guest's image,
 * which the span's own save and load keep.
 */
struct lfpu_sve {
	u32 vl;
	u64 host_zcr;
	struct user_fpsimd_state section_state;
	u8 image[];
};

static struct lfpu_sve *lfpu_sve(struct lfpu_vcpu_fp *fp)
{
	return fp->arch;
}

static struct lfpu_arm64_sve_csr *lfpu_sve_csr(struct lfpu_sve *sve)
{
	return (void *)sve->image + lfpu_arm64_sve_csr_offset(sve->vl);
}

/* Init values: every register zero, round to nearest. */
static int lfpu_sve_init(struct lfpu_vcpu_fp *fp)
{
	struct lfpu_sve *sve;

	sve = kzalloc(struct_size(sve, image, fp->state_size), GFP_KERNEL_ACCOUNT);
	if (!sve)
		return -ENOMEM;
	sve->vl = fp->vector_bytes;
	fp->arch = sve;
	return 0;
}

static void lfpu_sve_destroy(struct lfpu_vcpu_fp *fp)
{
	kfree(fp->arch);
	fp->arch = NULL;
}

/* Switch ZCR_EL1 to the guest's vector length; returns the host's value. */
static u64 lfpu_sve_set_vl(u32 vl)
{
	u64 zcr = read_sysreg_s(SYS_ZCR_EL1);

	write_sysreg_s((zcr & ~ZCR_ELx_LEN_MASK) | (vl / 16 - 1), SYS_ZCR_EL1);
	isb();
	return zcr;
}

static u32 lfpu_sve_claim(struct lfpu_vcpu_fp *fp)
{
	struct lfpu_sve *sve = lfpu_sve(fp);

	WARN_ON_ONCE(!may_use_simd());
	lfpu_kernel_neon_begin(&sve->section_state);
	lfpu_arm64_sve_span_begin();
	sve->host_zcr = lfpu_sve_set_vl(sve->vl);
	lfpu_arm64_sve_load(sve->image + lfpu_arm64_sve_ffr_offset(sve->vl),
			    &lfpu_sve_csr(sve)->fpsr);
	return fp->state_size;
}

static bool lfpu_sve_regs_hold_guest(struct lfpu_vcpu_fp *fp)
{
	/* Preemption (and, on !RT, softirqs) are off while claimed. */
	WARN_ON_ONCE(preemptible());
	return true;
}

static u32 lfpu_sve_reload(struct lfpu_vcpu_fp *fp)
{
	/* Unreachable: regs_hold_guest() never fails while claimed. */
	WARN_ON_ONCE(1);
	return 0;
}

static void lfpu_sve_window_nop(struct lfpu_vcpu_fp *fp)
{
	/* The span opened at claim is the window. */
}

static u32 lfpu_sve_release(struct lfpu_vcpu_fp *fp, bool save)
{
	struct lfpu_sve *sve = lfpu_sve(fp);

	if (save)
		lfpu_arm64_sve_save(sve->image + lfpu_arm64_sve_ffr_offset(sve->vl),
				    &lfpu_sve_csr(sve)->fpsr);
	write_sysreg_s(sve->host_zcr, SYS_ZCR_EL1);
	isb();
	lfpu_arm64_sve_span_end();
	lfpu_kernel_neon_end(&sve->section_state);
	return save ? fp->state_size : 0;
}

static int lfpu_sve_get_state(struct lfpu_vcpu_fp *fp, void *buf)
{
	memcpy(buf, lfpu_sve(fp)->image, fp->state_size);
	return 0;
}

/*
 * FPSR and FPCR as for FPSIMD, and every byte that holds no register (the
 * padding after FFR, the reserved words after FPCR) zero, as api.rst says.
 */
static int lfpu_sve_set_state(struct lfpu_vcpu_fp *fp, void *buf)
{
	struct lfpu_sve *sve = lfpu_sve(fp);
	u32 pad = lfpu_arm64_sve_ffr_offset(sve->vl) + sve->vl / 8;
	u32 csr_offset = lfpu_arm64_sve_csr_offset(sve->vl);
	const struct lfpu_arm64_sve_csr *csr = buf + csr_offset;

	if (lfpu_arm64_validate_csr(csr->fpsr, csr->fpcr) || csr->reserved[0] ||
	    csr->reserved[1] || memchr_inv(buf + pad, 0, csr_offset - pad))
		return -EINVAL;
	memcpy(sve->image, buf, fp->state_size);
	return 0;
}

const struct lfpu_fp_backend lfpu_arm64_sve_backend = {
	.name = "arm64-sve",
	.id = LAZYFPU_BACKEND_ARM64_SVE,
	.release_before_resched = true,
	.usable_in_kthread = false,	/* needs a vector length: a VM setting */
	.init = lfpu_sve_init,
	.destroy = lfpu_sve_destroy,
	.claim = lfpu_sve_claim,
	.regs_hold_guest = lfpu_sve_regs_hold_guest,
	.reload = lfpu_sve_reload,
	.window_open = lfpu_sve_window_nop,
	.window_close = lfpu_sve_window_nop,
	.release = lfpu_sve_release,
	.get_state = lfpu_sve_get_state,
	.set_state = lfpu_sve_set_state,
};
