// SPDX-License-Identifier: GPL-2.0
/*
 * arm64 backend: guest FPSIMD state inside kernel_neon_begin() sections.
 *
 * arm64 exports no guest-state binding to modules
 * (fpsimd_bind_state_to_cpu() and fpsimd_save_and_flush_cpu_state() are
 * KVM-internal), so the only window is kernel-mode NEON:
 * kernel_neon_begin() saves the task's live user state and marks it
 * foreign (TIF_FOREIGN_FPSTATE), so the kernel reloads it on the way back
 * to userspace; until kernel_neon_end() the registers are ours.
 *
 * The guest state is loaded into the section at claim and saved back at
 * release.  On 6.1 the section runs with softirqs and preemption off, so
 * the core must release the state before every reschedule
 * (release_before_resched).  Since 6.8 sections are preemptible and the
 * kernel carries V0-V31, FPSR and FPCR with the task across preemption
 * and softirq NEON use (TIF_KERNEL_FPSTATE), so an FPSIMD guest stays
 * loaded for the whole RUN, preemption points and migrations included
 * (follows_task), and is saved once at its end.  SVE state is not carried
 * that way; SVE vCPUs use backend_sve.c.
 */
#include <linux/export.h>
#include <linux/bits.h>
#include <linux/bug.h>
#include <linux/errno.h>
#include <linux/preempt.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/neon.h>
#include <asm/simd.h>
#include <kunit/visibility.h>
#include <lazyfpu/arch.h>
#include <uapi/linux/lazyfpu.h>

#include "../../fpu/fpu.h"
#include "arm64.h"

static struct user_fpsimd_state *lfpu_neon_state(struct lfpu_vcpu_fp *fp)
{
	return fp->arch;
}

/* Init values: all registers zero, FPSR and FPCR zero (round to nearest). */
static int lfpu_neon_init(struct lfpu_vcpu_fp *fp)
{
	struct user_fpsimd_state *state = kzalloc(sizeof(*state), GFP_KERNEL_ACCOUNT);

	fp->arch = state;
	return state ? 0 : -ENOMEM;
}

static void lfpu_neon_destroy(struct lfpu_vcpu_fp *fp)
{
	kfree(fp->arch);
	fp->arch = NULL;
}

/*
 * Where the kernel asks for one (compat.h), the section's buffer is the
 * vCPU's own image: when the task is scheduled out, the kernel saves the
 * guest's V0-V31, FPSR and FPCR exactly where the vCPU keeps them, and
 * skips the reload when the task comes back to a CPU nothing else used,
 * which is what KVM gets from fpsimd_bind_state_to_cpu().  That is also
 * why the section must not be preempted between opening and the load:
 * the kernel would save the registers' previous contents over the image.
 */
static u32 lfpu_neon_claim(struct lfpu_vcpu_fp *fp)
{
	WARN_ON_ONCE(!may_use_simd());
	preempt_disable();
	lfpu_kernel_neon_begin(lfpu_neon_state(fp));
	lfpu_arm64_fpsimd_load(lfpu_neon_state(fp));
	preempt_enable();
	return sizeof(struct user_fpsimd_state);
}

static bool lfpu_neon_regs_hold_guest(struct lfpu_vcpu_fp *fp)
{
	/* Claimed means inside our section: the registers are ours. */
	return true;
}

static u32 lfpu_neon_reload(struct lfpu_vcpu_fp *fp)
{
	/* Unreachable: regs_hold_guest() never fails inside the section. */
	WARN_ON_ONCE(1);
	lfpu_arm64_fpsimd_load(lfpu_neon_state(fp));
	return sizeof(struct user_fpsimd_state);
}

/*
 * The section opened at claim already owns the registers; the window only
 * pins the task to its CPU while the core updates its per-CPU record (a
 * 6.8+ section is preemptible).
 */
static void lfpu_neon_window_open(struct lfpu_vcpu_fp *fp)
{
	preempt_disable();
}

static void lfpu_neon_window_close(struct lfpu_vcpu_fp *fp)
{
	preempt_enable();
}

static u32 lfpu_neon_release(struct lfpu_vcpu_fp *fp, bool save)
{
	if (save)
		lfpu_arm64_fpsimd_save(lfpu_neon_state(fp));
	lfpu_kernel_neon_end(lfpu_neon_state(fp));
	return save ? sizeof(struct user_fpsimd_state) : 0;
}

/**
 * lfpu_arm64_validate_csr() - may these FPSR and FPCR be loaded?
 * @fpsr: status
 * @fpcr: control
 *
 * Context: any.  Return: 0, or -EINVAL for a reserved bit or an FP
 * exception trap enable (LFPU_ARM64_FPCR_TRAP_ENABLES).
 */
int lfpu_arm64_validate_csr(u32 fpsr, u32 fpcr)
{
	if (fpsr & ~LFPU_ARM64_FPSR_VALID || fpcr & ~LFPU_ARM64_FPCR_VALID)
		return -EINVAL;
	return fpcr & LFPU_ARM64_FPCR_TRAP_ENABLES ? -EINVAL : 0;
}
EXPORT_SYMBOL_IF_KUNIT(lfpu_arm64_validate_csr);

/**
 * lfpu_arm64_validate_fpsimd() - may this state be loaded for a guest?
 * @state: V0-V31, FPSR, FPCR
 *
 * Context: any.  Return: 0, or -EINVAL if FPSR or FPCR sets a reserved
 * bit, FPCR enables an exception trap, or the padding after FPCR is not
 * zero.
 */
int lfpu_arm64_validate_fpsimd(const struct user_fpsimd_state *state)
{
	if (lfpu_arm64_validate_csr(state->fpsr, state->fpcr))
		return -EINVAL;
	if (state->__reserved[0] || state->__reserved[1])
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(lfpu_arm64_validate_fpsimd);

static int lfpu_neon_get_state(struct lfpu_vcpu_fp *fp, void *buf)
{
	memcpy(buf, lfpu_neon_state(fp), sizeof(struct user_fpsimd_state));
	return 0;
}

static int lfpu_neon_set_state(struct lfpu_vcpu_fp *fp, void *buf)
{
	int ret = lfpu_arm64_validate_fpsimd(buf);

	if (ret)
		return ret;
	memcpy(lfpu_neon_state(fp), buf, sizeof(struct user_fpsimd_state));
	return 0;
}

const struct lfpu_fp_backend lfpu_arm64_neon_backend = {
	.name = "arm64-neon",
	.id = LAZYFPU_BACKEND_ARM64_NEON,
	.release_before_resched = !LFPU_KERNEL_NEON_FOLLOWS_TASK,
	.usable_in_kthread = true,
	.follows_task = LFPU_KERNEL_NEON_FOLLOWS_TASK,
	.init = lfpu_neon_init,
	.destroy = lfpu_neon_destroy,
	.claim = lfpu_neon_claim,
	.regs_hold_guest = lfpu_neon_regs_hold_guest,
	.reload = lfpu_neon_reload,
	.window_open = lfpu_neon_window_open,
	.window_close = lfpu_neon_window_close,
	.release = lfpu_neon_release,
	.get_state = lfpu_neon_get_state,
	.set_state = lfpu_neon_set_state,
};

const struct lfpu_fp_backend *const lfpu_arch_backends[] = {
	&lfpu_arm64_neon_backend,
	&lfpu_arm64_sve_backend,
	NULL,
};
EXPORT_SYMBOL_IF_KUNIT(lfpu_arch_backends);

/* See include/lazyfpu/arch.h. */
void *lfpu_arch_image_vreg(void *image, unsigned int reg)
{
	return &((struct user_fpsimd_state *)image)->vregs[reg];
}
EXPORT_SYMBOL_IF_KUNIT(lfpu_arch_image_vreg);

/**
 * lfpu_arch_backend_usable() - arm64: NEON always, SVE where every CPU has it
 * @backend: one of lfpu_arch_backends[]
 *
 * Context: any, after lfpu_arch_probe_fpu().
 */
bool lfpu_arch_backend_usable(const struct lfpu_fp_backend *backend)
{
	return backend != &lfpu_arm64_sve_backend || lfpu_fpu_sve_vq_map();
}

/**
 * lfpu_arch_select_backend() - arm64: NEON, or SVE at a vector length
 * @vector_bytes: 0 for an FPSIMD vCPU, else its SVE vector length
 *
 * Context: process context.
 */
const struct lfpu_fp_backend *lfpu_arch_select_backend(u32 vector_bytes)
{
	return vector_bytes ? &lfpu_arm64_sve_backend : &lfpu_arm64_neon_backend;
}

/**
 * lfpu_arch_check_vector_length() - arm64: 0, or a length every CPU has
 * @bytes: the requested SVE vector length in bytes
 *
 * Context: any.
 */
int lfpu_arch_check_vector_length(u32 bytes)
{
	u32 vq = bytes / 16;

	if (!bytes)
		return 0;
	if (bytes % 16 || vq < 1 || vq > 32 || !(lfpu_fpu_sve_vq_map() & BIT(vq - 1)))
		return -EINVAL;
	return 0;
}

/**
 * lfpu_arch_state_size() - arm64: struct user_fpsimd_state, or the SVE image
 * @vector_bytes: 0, or the vCPU's SVE vector length
 *
 * Context: any.
 */
u32 lfpu_arch_state_size(u32 vector_bytes)
{
	if (!vector_bytes)
		return sizeof(struct user_fpsimd_state);
	return lfpu_arm64_sve_state_size(vector_bytes);
}
EXPORT_SYMBOL_IF_KUNIT(lfpu_arch_state_size);
