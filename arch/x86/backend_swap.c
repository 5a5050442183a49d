// SPDX-License-Identifier: GPL-2.0
/*
 * x86-64 primary backend: the kernel's guest fpstate, swapped in lazily.
 *
 * This is KVM's mechanism (fpu_swap_kvm_fpstate()), used lazily: the swap
 * happens at the guest's first FP instruction instead of at RUN entry.
 * While the guest fpstate is swapped in, the kernel treats it as the
 * task's own FP state, so it does all the hard work:
 *
 *  - a context switch or a softirq kernel_fpu_begin() saves the guest's
 *    registers into the guest fpstate and sets TIF_NEED_FPU_LOAD;
 *  - switch_fpu_return() loads them back, skipping the XRSTOR when this
 *    CPU's registers are still valid (the kernel's fpregs_state_valid());
 *  - the host task's user state sits in its own fpstate meanwhile, and
 *    swapping back restores it before the task returns to userspace.
 *
 * So the registers hold the guest state exactly when the guest fpstate is
 * swapped in and TIF_NEED_FPU_LOAD is clear, and every guest FP
 * instruction runs under fpregs_lock() (BH and preemption off) so that
 * nothing takes them in the middle.
 *
 * PKRU is never loaded from the guest fpstate (XFEATURE_MASK_FPSTATE
 * excludes it), and SET_FPU refuses PKRU and AMX components.
 */
#include <linux/bug.h>
#include <linux/errno.h>
#include <linux/slab.h>
#include <linux/thread_info.h>
#include <asm/fpu/api.h>
#include <asm/page.h>
#include <asm/fpu/types.h>
#include <lazyfpu/arch.h>
#include <uapi/linux/lazyfpu.h>

#include "../../fpu/fpu.h"
#include "x86.h"

#if LFPU_HAVE_KVM_FPSTATE_API

struct lfpu_x86_swap {
	struct fpu_guest gfpu;
};

static struct fpu_guest *lfpu_gfpu(struct lfpu_vcpu_fp *fp)
{
	return &((struct lfpu_x86_swap *)fp->arch)->gfpu;
}

/* Process context, may sleep: fpu_alloc_guest_fpstate() uses vzalloc(). */
static int lfpu_x86_swap_init(struct lfpu_vcpu_fp *fp)
{
	struct lfpu_x86_swap *swap = kzalloc(sizeof(*swap), GFP_KERNEL_ACCOUNT);

	if (!swap)
		return -ENOMEM;
	if (!fpu_alloc_guest_fpstate(&swap->gfpu)) {
		kfree(swap);
		return -ENOMEM;
	}
	fp->arch = swap;
	return 0;
}

static void lfpu_x86_swap_destroy(struct lfpu_vcpu_fp *fp)
{
	fpu_free_guest_fpstate(lfpu_gfpu(fp));
	kfree(fp->arch);
	fp->arch = NULL;
}

/*
 * Swap in: the kernel saves the live user state into the task's fpstate
 * and XRSTORs the guest fpstate.  Preemptible.
 */
static u32 lfpu_x86_swap_claim(struct lfpu_vcpu_fp *fp)
{
	struct fpu_guest *gfpu = lfpu_gfpu(fp);

	fpu_swap_kvm_fpstate(gfpu, true);
	return gfpu->fpstate->size;
}

/* Called under fpregs_lock(). */
static bool lfpu_x86_swap_regs_hold_guest(struct lfpu_vcpu_fp *fp)
{
	return !test_thread_flag(TIF_NEED_FPU_LOAD);
}

/* Called under fpregs_lock(), with TIF_NEED_FPU_LOAD set. */
static u32 lfpu_x86_swap_reload(struct lfpu_vcpu_fp *fp)
{
	switch_fpu_return();
	return lfpu_gfpu(fp)->fpstate->size;
}

static void lfpu_x86_swap_window_open(struct lfpu_vcpu_fp *fp)
{
	fpregs_lock();
}

static void lfpu_x86_swap_window_close(struct lfpu_vcpu_fp *fp)
{
	fpregs_unlock();
}

/*
 * Swap out: the kernel saves the guest registers into the guest fpstate if
 * they are live, and restores the host task's user state.
 *
 * When the core knows the state is clean (@save false), the registers
 * equal the guest fpstate in memory, so setting TIF_NEED_FPU_LOAD (which
 * only ever means "the registers may not match memory, reload before
 * use") makes the kernel skip the redundant XSAVE.
 */
static u32 lfpu_x86_swap_release(struct lfpu_vcpu_fp *fp, bool save)
{
	struct fpu_guest *gfpu = lfpu_gfpu(fp);
	bool live;

	fpregs_lock();
	live = !test_thread_flag(TIF_NEED_FPU_LOAD);
	if (!save && live)
		set_thread_flag(TIF_NEED_FPU_LOAD);
	fpregs_unlock();

	fpu_swap_kvm_fpstate(gfpu, false);
	return save && live ? gfpu->fpstate->size : 0;
}

/*
 * The kernel's uabi copy reports MXCSR's init value whenever XSTATE_BV has
 * neither SSE nor AVX, but XSAVES stores the real MXCSR whenever either is
 * requested (and set_state below makes sure the kernel stored ours), so
 * MXCSR is taken from the guest fpstate itself.  The legacy area is at the
 * start of every XSAVE format, compacted or not.
 */
static int lfpu_x86_swap_get_state(struct lfpu_vcpu_fp *fp, void *buf)
{
	struct fpu_guest *gfpu = lfpu_gfpu(fp);

	memset(buf, 0, lfpu_x86_state_size);
	fpu_copy_guest_fpstate_to_uabi(gfpu, buf, lfpu_x86_state_size,
				       lfpu_x86_guest_xfeatures, 0);
	((struct fxregs_state *)buf)->mxcsr = gfpu->fpstate->regs.fxsave.mxcsr;
	lfpu_x86_canonicalize_xstate(buf);
	return 0;
}

/*
 * The kernel's uabi copy keeps the old MXCSR when XSTATE_BV has none of
 * x87, SSE and AVX, where XRSTOR (the XSAVE backend) loads the image's.
 * Marking SSE present, with the XMM registers the canonical image already
 * zeroed, makes the kernel take the image's MXCSR too.
 */
static int lfpu_x86_swap_set_state(struct lfpu_vcpu_fp *fp, void *buf)
{
	struct xstate_header *hdr = buf + LFPU_XSAVE_HDR_OFFSET;
	u32 unused_pkru = 0;
	int ret;

	ret = lfpu_x86_check_guest_xstate(buf);
	if (ret)
		return ret;
	lfpu_x86_canonicalize_xstate(buf);
	hdr->xfeatures |= XFEATURE_MASK_SSE;
	return fpu_copy_uabi_to_guest_fpstate(lfpu_gfpu(fp), buf,
					      lfpu_x86_guest_xfeatures,
					      &unused_pkru);
}

const struct lfpu_fp_backend lfpu_x86_swap_backend = {
	.name = "x86-fpstate-swap",
	.id = LAZYFPU_BACKEND_X86_FPSTATE_SWAP,
	.release_before_resched = false,
	/* A kthread's fpstate is not saved on context switch. */
	.usable_in_kthread = false,
	.init = lfpu_x86_swap_init,
	.destroy = lfpu_x86_swap_destroy,
	.claim = lfpu_x86_swap_claim,
	.regs_hold_guest = lfpu_x86_swap_regs_hold_guest,
	.reload = lfpu_x86_swap_reload,
	.window_open = lfpu_x86_swap_window_open,
	.window_close = lfpu_x86_swap_window_close,
	.release = lfpu_x86_swap_release,
	.get_state = lfpu_x86_swap_get_state,
	.set_state = lfpu_x86_swap_set_state,
};

#endif /* LFPU_HAVE_KVM_FPSTATE_API */
