// SPDX-License-Identifier: GPL-2.0
/*
 * x86-64 fallback backend: our own XSAVE/XRSTOR inside kernel_fpu_begin().
 *
 * For kernels that do not export the guest-fpstate API to this module.
 * kernel_fpu_begin_mask() is the only other window the kernel grants: it
 * saves the task's live user state into its fpstate, sets
 * TIF_NEED_FPU_LOAD (so the kernel restores the user state on return to
 * userspace), and disables preemption until kernel_fpu_end().  Inside it
 * the registers are ours, so the guest state is XRSTORed from a buffer of
 * our own and XSAVEd back.
 *
 * The price is that the window cannot outlive a reschedule, a sleep or a
 * return to userspace: the core releases the state (saving it first if
 * dirty) before each of those (release_before_resched), and a later FP
 * instruction claims the registers again.  While the window is open the
 * registers provably hold the guest state, since nothing else can run on
 * this CPU's FPU.
 *
 * Softirqs are kept out of the section, not refused inside it.  Before
 * 6.15, kernel_fpu_begin() disabled only preemption: a softirq run on
 * an interrupt's exit found irq_fpu_usable() false and fell back (to
 * generic C, or to cryptd and a context switch), for as long as a vCPU
 * kept the section between guest entries.  So, like fpregs_lock() in
 * 6.15's kernel_fpu_begin(), the section disables softirqs too: they
 * stay pending, the core sees them (local_softirq_pending()) at its next
 * yield point, at most one guest entry's budget away, and releases the
 * section, and local_bh_enable() then runs them with the FPU free.  On
 * PREEMPT_RT softirqs run in threads, which cannot run here while
 * preemption is off, so disabling preemption is enough there (as with
 * fpregs_lock()).
 *
 * The buffer is the standard-format XSAVE image itself, 64-byte aligned,
 * so GET_FPU and SET_FPU are copies and the RFBM excludes PKRU and AMX.
 */
#include <linux/bottom_half.h>
#include <linux/bug.h>
#include <linux/errno.h>
#include <linux/lockdep.h>
#include <linux/preempt.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/fpu/api.h>
#include <asm/page.h>
#include <asm/fpu/types.h>
#include <lazyfpu/arch.h>
#include <uapi/linux/lazyfpu.h>

#include "../../fpu/fpu.h"
#include "x86.h"

/* XSAVE needs a 64-byte aligned area (else #GP). */
#define LFPU_XSAVE_ALIGN	64

static void lfpu_x86_xsave_init_image(void *image)
{
	u16 fcw = LFPU_FCW_DEFAULT;
	u32 mxcsr = LFPU_MXCSR_DEFAULT;

	/* XSTATE_BV = 0: every component in its init state... */
	memset(image, 0, lfpu_x86_state_size);
	/* ...except that XRSTOR loads MXCSR and FCW from the legacy area. */
	memcpy(image, &fcw, sizeof(fcw));
	memcpy(image + LFPU_XSAVE_MXCSR_OFFSET, &mxcsr, sizeof(mxcsr));
}

static int lfpu_x86_xsave_init(struct lfpu_vcpu_fp *fp)
{
	void *image = kmalloc(ALIGN(lfpu_x86_state_size, LFPU_XSAVE_ALIGN),
			      GFP_KERNEL_ACCOUNT);

	if (!image)
		return -ENOMEM;
	/* kmalloc() aligns power-of-two sizes naturally; check, never assume. */
	if (WARN_ON_ONCE(!IS_ALIGNED((unsigned long)image, LFPU_XSAVE_ALIGN))) {
		kfree(image);
		return -ENOMEM;
	}
	lfpu_x86_xsave_init_image(image);
	fp->arch = image;
	return 0;
}

static void lfpu_x86_xsave_destroy(struct lfpu_vcpu_fp *fp)
{
	kfree(fp->arch);
	fp->arch = NULL;
}

/*
 * The section: preemption, and softirqs on !PREEMPT_RT, off from claim to
 * release (see the top of this file).  Nesting with a kernel_fpu_begin()
 * that disables softirqs itself (6.15 and later) is harmless.
 */
static void lfpu_x86_xsave_section_begin(void)
{
	if (!IS_ENABLED(CONFIG_PREEMPT_RT))
		local_bh_disable();
	kernel_fpu_begin_mask(0);
}

/* Context: in_task(), interrupts on (local_bh_enable() runs softirqs). */
static void lfpu_x86_xsave_section_end(void)
{
	lockdep_assert_irqs_enabled();
	kernel_fpu_end();
	if (!IS_ENABLED(CONFIG_PREEMPT_RT))
		local_bh_enable();
}

/* Opens the section. */
static u32 lfpu_x86_xsave_claim(struct lfpu_vcpu_fp *fp)
{
	lfpu_x86_xsave_section_begin();
	lfpu_x86_xrstor(fp->arch, lfpu_x86_guest_xfeatures);
	return lfpu_x86_state_size;
}

static bool lfpu_x86_xsave_regs_hold_guest(struct lfpu_vcpu_fp *fp)
{
	/* Claimed means inside our section: nobody else can have them. */
	WARN_ON_ONCE(preemptible());
	return true;
}

static u32 lfpu_x86_xsave_reload(struct lfpu_vcpu_fp *fp)
{
	/* Unreachable: regs_hold_guest() never fails inside the section. */
	WARN_ON_ONCE(1);
	lfpu_x86_xrstor(fp->arch, lfpu_x86_guest_xfeatures);
	return lfpu_x86_state_size;
}

static void lfpu_x86_xsave_window_nop(struct lfpu_vcpu_fp *fp)
{
	/* The section opened at claim is the window. */
}

static u32 lfpu_x86_xsave_release(struct lfpu_vcpu_fp *fp, bool save)
{
	WARN_ON_ONCE(preemptible());
	if (save)
		lfpu_x86_xsave(fp->arch, lfpu_x86_guest_xfeatures);
	lfpu_x86_xsave_section_end();
	return save ? lfpu_x86_state_size : 0;
}

/*
 * XSAVE leaves components in their init state unwritten (their XSTATE_BV
 * bit clear), so copy out the canonical image (lfpu_x86_canonicalize_xstate()).
 */
static int lfpu_x86_xsave_get_state(struct lfpu_vcpu_fp *fp, void *buf)
{
	memcpy(buf, fp->arch, lfpu_x86_state_size);
	lfpu_x86_canonicalize_xstate(buf);
	return 0;
}

static int lfpu_x86_xsave_set_state(struct lfpu_vcpu_fp *fp, void *buf)
{
	int ret;

	ret = lfpu_x86_check_guest_xstate(buf);
	if (ret)
		return ret;
	lfpu_x86_canonicalize_xstate(buf);
	memcpy(fp->arch, buf, lfpu_x86_state_size);
	return 0;
}

const struct lfpu_fp_backend lfpu_x86_xsave_backend = {
	.name = "x86-xsave",
	.id = LAZYFPU_BACKEND_X86_XSAVE,
	.release_before_resched = true,
	.usable_in_kthread = true,
	.init = lfpu_x86_xsave_init,
	.destroy = lfpu_x86_xsave_destroy,
	.claim = lfpu_x86_xsave_claim,
	.regs_hold_guest = lfpu_x86_xsave_regs_hold_guest,
	.reload = lfpu_x86_xsave_reload,
	.window_open = lfpu_x86_xsave_window_nop,
	.window_close = lfpu_x86_xsave_window_nop,
	.release = lfpu_x86_xsave_release,
	.get_state = lfpu_x86_xsave_get_state,
	.set_state = lfpu_x86_xsave_set_state,
};
