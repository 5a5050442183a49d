// SPDX-License-Identifier: GPL-2.0
/*
 * x86-64: the standard-format XSAVE image, shared by both backends.
 *
 * Userspace hands us XSAVE images through SET_FPU, and the fallback backend
 * XRSTORs them directly, so every rule whose breach makes XRSTOR raise #GP
 * is checked here first (SDM vol. 1, 13.8): a rejected image gets -EINVAL
 * and never reaches the registers.  The primary backend passes images to
 * the kernel, which checks them again; checking here too makes both
 * backends reject exactly the same images.
 */
#include <linux/export.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <kunit/visibility.h>
#include <asm/page.h>
#include <asm/fpu/types.h>

#include "x86.h"

/**
 * lfpu_x86_validate_xstate() - may this image be XRSTORed for a guest?
 * @buf:		the image, standard format
 * @size:		its size in bytes
 * @allowed_xfeatures:	XSTATE_BV bits the guest may set
 * @mxcsr_mask:		MXCSR bits the CPU implements
 *
 * Context: any.  Return: 0, or -EINVAL when the image is too small, sets a
 * feature outside @allowed_xfeatures (this includes PKRU and AMX), is in
 * the compacted format (XCOMP_BV != 0), has a non-zero reserved header
 * byte, or sets a reserved MXCSR bit.
 */
int lfpu_x86_validate_xstate(const void *buf, u32 size, u64 allowed_xfeatures,
			     u32 mxcsr_mask)
{
	const struct xstate_header *hdr;
	u32 mxcsr;
	int i;

	if (size < LFPU_XSAVE_HDR_OFFSET + LFPU_XSAVE_HDR_SIZE)
		return -EINVAL;

	hdr = buf + LFPU_XSAVE_HDR_OFFSET;
	if (hdr->xfeatures & ~allowed_xfeatures)
		return -EINVAL;
	if (hdr->xcomp_bv)
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(hdr->reserved); i++)
		if (hdr->reserved[i])
			return -EINVAL;

	memcpy(&mxcsr, buf + LFPU_XSAVE_MXCSR_OFFSET, sizeof(mxcsr));
	if (mxcsr & ~mxcsr_mask)
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(lfpu_x86_validate_xstate);

/**
 * lfpu_x86_check_guest_xstate() - may SET_FPU load this image for a guest?
 * @buf: lfpu_x86_state_size bytes from userspace
 *
 * The one rule both backends apply, so they refuse exactly the same images.
 * Context: any.  Return: 0 or -EINVAL.
 */
int lfpu_x86_check_guest_xstate(const void *buf)
{
	return lfpu_x86_validate_xstate(buf, lfpu_x86_state_size,
					lfpu_x86_guest_xfeatures, lfpu_x86_mxcsr_mask);
}

/**
 * lfpu_x86_normalize_xstate() - give init-state components their values
 * @buf: an image XSAVE wrote, lfpu_x86_state_size bytes
 *
 * XSAVE does not write a component that is in its init state; it only
 * clears the component's XSTATE_BV bit, leaving stale bytes behind.  The
 * kernel's own uabi copy (used by the primary backend) writes the init
 * values instead, and so do we, so that both backends return identical
 * images for identical states.  Every init value is zero except the x87
 * control word.
 *
 * Context: any.
 */
void lfpu_x86_normalize_xstate(void *buf)
{
	const struct xstate_header *hdr = buf + LFPU_XSAVE_HDR_OFFSET;
	struct fxregs_state *fx = buf;
	int i;

	if (!(hdr->xfeatures & XFEATURE_MASK_FP)) {
		u32 mxcsr = fx->mxcsr, mxcsr_mask = fx->mxcsr_mask;

		memset(fx, 0, offsetof(struct fxregs_state, xmm_space));
		fx->cwd = LFPU_FCW_DEFAULT;
		fx->mxcsr = mxcsr;
		fx->mxcsr_mask = mxcsr_mask;
	}
	if (!(hdr->xfeatures & XFEATURE_MASK_SSE))
		memset(fx->xmm_space, 0, sizeof(fx->xmm_space));
	for (i = FIRST_EXTENDED_XFEATURE; i < 64; i++)
		if (lfpu_x86_xstate_size[i] && !(hdr->xfeatures & BIT_ULL(i)))
			memset(buf + lfpu_x86_xstate_offset[i], 0,
			       lfpu_x86_xstate_size[i]);
}

/* See include/lazyfpu/arch.h. */
void *lfpu_arch_image_vreg(void *image, unsigned int reg)
{
	struct xstate_header *hdr = image + LFPU_XSAVE_HDR_OFFSET;

	hdr->xfeatures |= XFEATURE_MASK_SSE;
	return image + LFPU_XSAVE_XMM_OFFSET + 16 * reg;
}
EXPORT_SYMBOL_IF_KUNIT(lfpu_arch_image_vreg);

/**
 * lfpu_x86_xsave() - XSAVE the registers' components @rfbm into @buf
 * @buf: destination image
 * @rfbm: requested-feature bitmap
 *
 * Context: inside kernel_fpu_begin()/kernel_fpu_end(), with the registers
 * holding the state to save.  @buf is 64-byte aligned, lfpu_x86_state_size
 * bytes.
 */
void lfpu_x86_xsave(void *buf, u64 rfbm)
{
	asm volatile("xsave64 %0"
		     : "+m" (*(struct xregs_state *)buf)
		     : "a" ((u32)rfbm), "d" ((u32)(rfbm >> 32))
		     : "memory");
}

/**
 * lfpu_x86_xrstor() - XRSTOR components @rfbm from @buf
 * @buf: source image
 * @rfbm: requested-feature bitmap
 *
 * Context: inside kernel_fpu_begin()/kernel_fpu_end().  @buf must have
 * passed lfpu_x86_validate_xstate() (or come from lfpu_x86_xsave()), so
 * XRSTOR cannot fault.
 */
void lfpu_x86_xrstor(const void *buf, u64 rfbm)
{
	asm volatile("xrstor64 %0"
		     :
		     : "m" (*(const struct xregs_state *)buf),
		       "a" ((u32)rfbm), "d" ((u32)(rfbm >> 32))
		     : "memory");
}
