// SPDX-License-Identifier: GPL-2.0
/*
 * x86-64: the standard-format XSAVE image, shared by both backends.
 *
 * Userspace hands us XSAVE images through SET_FPU, and the fallback backend
 * XRSTORs them directly, so every rule whose breach makes XRSTOR raise #GP
 * is checked here first (SDM vol. 1, 13.8): a rejected image gets -EINVAL
 * and never reaches the registers.  So is every state that would let a
 * guest FP instruction raise an exception at CPL0 (see
 * LFPU_MXCSR_EXCEPTION_MASKS).  The primary backend passes images to the
 * kernel, which checks them again; checking here too makes both backends
 * reject exactly the same images.
 */
#include <linux/export.h>
#include <linux/errno.h>
#include <linux/minmax.h>
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
 * byte, sets a reserved MXCSR bit, unmasks an SSE exception, or (with x87
 * state present) unmasks an x87 exception or has one pending.
 */
int lfpu_x86_validate_xstate(const void *buf, u32 size, u64 allowed_xfeatures,
			     u32 mxcsr_mask)
{
	const struct xstate_header *hdr;
	u16 fcw, fsw;
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

	/* XRSTOR loads MXCSR whenever SSE or AVX is requested, whatever XSTATE_BV says. */
	memcpy(&mxcsr, buf + LFPU_XSAVE_MXCSR_OFFSET, sizeof(mxcsr));
	if (mxcsr & ~mxcsr_mask)
		return -EINVAL;
	if ((mxcsr & LFPU_MXCSR_EXCEPTION_MASKS) != LFPU_MXCSR_EXCEPTION_MASKS)
		return -EINVAL;

	/* Without XSTATE_BV.FP, XRSTOR puts x87 in its init state (all masked). */
	if (hdr->xfeatures & XFEATURE_MASK_FP) {
		memcpy(&fcw, buf + LFPU_XSAVE_FCW_OFFSET, sizeof(fcw));
		memcpy(&fsw, buf + LFPU_XSAVE_FSW_OFFSET, sizeof(fsw));
		if ((fcw & LFPU_FCW_EXCEPTION_MASKS) != LFPU_FCW_EXCEPTION_MASKS ||
		    (fsw & LFPU_FSW_PENDING))
			return -EINVAL;
	}
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

static bool lfpu_x86_bytes_zero(const void *p, size_t len)
{
	return !memchr_inv(p, 0, len);
}

/* The x87 part of the legacy area holds its init configuration (FNINIT). */
static bool lfpu_x86_x87_is_init(const struct fxregs_state *fx)
{
	return fx->cwd == LFPU_FCW_DEFAULT && !fx->swd && !fx->twd && !fx->fop &&
	       !fx->rip && !fx->rdp &&
	       lfpu_x86_bytes_zero(fx->st_space, sizeof(fx->st_space));
}

/**
 * lfpu_x86_canonicalize_xstate() - the one form of a guest XSAVE image
 * @buf: lfpu_x86_state_size bytes, standard format, already validated
 *
 * A guest FP state has many XSAVE images: XSTATE_BV may mark a component
 * present that holds its init values, a clear bit leaves stale bytes
 * behind, and the legacy area's reserved and software bytes, MXCSR_MASK
 * and the gaps between components carry whatever the last writer left
 * (the kernel's uabi copy puts its signal-frame magic in the software
 * bytes; XSAVE leaves them alone).  GET_FPU returns, and SET_FPU stores,
 * only the canonical image, so both backends give identical bytes for
 * identical states and GET, SET, GET is the identity:
 *
 *  - a component whose XSTATE_BV bit is clear holds its init values
 *    (x87: FCW 0x37f, the rest zero; everything else zero);
 *  - MXCSR is the guest's, whatever XSTATE_BV says (XRSTOR loads it
 *    whenever SSE or AVX is requested, and so do both backends);
 *  - XSTATE_BV has a component's bit set exactly when the component is
 *    not in its init configuration, MXCSR counting as part of SSE;
 *  - MXCSR_MASK is this CPU's; every byte outside the legacy area's
 *    registers, the header's XSTATE_BV and the components is zero.
 *
 * Context: any.
 */
void lfpu_x86_canonicalize_xstate(void *buf)
{
	struct xstate_header *hdr = buf + LFPU_XSAVE_HDR_OFFSET;
	u64 xfeatures = hdr->xfeatures & lfpu_x86_guest_xfeatures;
	struct fxregs_state *fx = buf;
	u32 mxcsr = fx->mxcsr;
	u32 covered = LFPU_XSAVE_HDR_OFFSET + LFPU_XSAVE_HDR_SIZE;
	int i;

	if (!(xfeatures & XFEATURE_MASK_FP)) {
		memset(fx, 0, offsetof(struct fxregs_state, mxcsr));
		memset(fx->st_space, 0, sizeof(fx->st_space));
		fx->cwd = LFPU_FCW_DEFAULT;
	}
	if (!(xfeatures & XFEATURE_MASK_SSE))
		memset(fx->xmm_space, 0, sizeof(fx->xmm_space));
	fx->mxcsr_mask = lfpu_x86_mxcsr_mask;
	memset(fx->padding, 0, sizeof(fx->padding));
	memset(fx->sw_reserved, 0, sizeof(fx->sw_reserved));

	/* The extended area: components in offset order, zeroes around them. */
	for (i = FIRST_EXTENDED_XFEATURE; i < 64; i++) {
		u32 off = lfpu_x86_xstate_offset[i], size = lfpu_x86_xstate_size[i];

		if (!size)
			continue;
		if (!(xfeatures & BIT_ULL(i)))
			memset(buf + off, 0, size);
		if (off > covered)
			memset(buf + covered, 0, off - covered);
		covered = max(covered, off + size);
	}
	if (lfpu_x86_state_size > covered)
		memset(buf + covered, 0, lfpu_x86_state_size - covered);

	xfeatures = 0;
	if (!lfpu_x86_x87_is_init(fx))
		xfeatures |= XFEATURE_MASK_FP;
	if (!lfpu_x86_bytes_zero(fx->xmm_space, sizeof(fx->xmm_space)) ||
	    mxcsr != LFPU_MXCSR_DEFAULT)
		xfeatures |= XFEATURE_MASK_SSE;
	for (i = FIRST_EXTENDED_XFEATURE; i < 64; i++)
		if (lfpu_x86_xstate_size[i] &&
		    !lfpu_x86_bytes_zero(buf + lfpu_x86_xstate_offset[i],
					 lfpu_x86_xstate_size[i]))
			xfeatures |= BIT_ULL(i);
	memset(hdr, 0, sizeof(*hdr));
	hdr->xfeatures = xfeatures;
}
EXPORT_SYMBOL_IF_KUNIT(lfpu_x86_canonicalize_xstate);

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
