/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private to the x86-64 architecture layer.
 */
#ifndef _LAZYFPU_ARCH_X86_H
#define _LAZYFPU_ARCH_X86_H

#include <linux/types.h>
#include <lazyfpu/arch.h>

/*
 * The XSAVE features a guest may use: what XCR0 enables, less PKRU (XRSTOR
 * would change the host's protection keys, which copy_to_user() obeys) and
 * AMX tile state (XRSTOR of tile data while XFD is armed raises #NM in the
 * kernel, which the kernel treats as fatal).
 */
extern u64 lfpu_x86_guest_xfeatures;
/* MXCSR bits this CPU implements; setting any other bit makes XRSTOR #GP. */
extern u32 lfpu_x86_mxcsr_mask;
/* Standard-format XSAVE image size for XCR0, at least 4096. */
extern u32 lfpu_x86_state_size;

/* XSAVE legacy-area and header offsets (SDM vol. 1, 13.4). */
#define LFPU_XSAVE_FCW_OFFSET		0
#define LFPU_XSAVE_FSW_OFFSET		2
#define LFPU_XSAVE_MXCSR_OFFSET		24
#define LFPU_XSAVE_MXCSR_MASK_OFFSET	28
#define LFPU_XSAVE_XMM_OFFSET		160
#define LFPU_XSAVE_HDR_OFFSET		512
#define LFPU_XSAVE_HDR_SIZE		64
#define LFPU_MXCSR_DEFAULT		0x1f80
#define LFPU_FCW_DEFAULT		0x037f

/*
 * Exception masks.  A guest FP instruction runs at CPL0, where an unmasked
 * SIMD exception (#XM) or a pending x87 exception (#MF) is a kernel oops
 * (math_error() calls die(), a panic inside fpregs_lock()'s BH-disabled
 * window).  So a guest state must mask every exception: MXCSR bits 12:7
 * (PM UM OM ZM DM IM) all set, the x87 control word's bits 5:0 all set,
 * and no x87 exception pending (FSW.ES, error summary, and FSW.B, which
 * mirrors it).  The guest ISA has no instruction that writes a mask.
 */
#define LFPU_MXCSR_EXCEPTION_MASKS	0x1f80
#define LFPU_FCW_EXCEPTION_MASKS	0x003f
#define LFPU_FSW_PENDING		0x8080

/* Where CPUID leaf 0xD puts each component in the standard format. */
extern u32 lfpu_x86_xstate_offset[64];
extern u32 lfpu_x86_xstate_size[64];

void lfpu_x86_canonicalize_xstate(void *buf);
int lfpu_x86_check_guest_xstate(const void *buf);
int lfpu_x86_validate_xstate(const void *buf, u32 size, u64 allowed_xfeatures,
			     u32 mxcsr_mask);
void lfpu_x86_xsave(void *buf, u64 rfbm);
void lfpu_x86_xrstor(const void *buf, u64 rfbm);

extern const struct lfpu_fp_backend lfpu_x86_swap_backend;
extern const struct lfpu_fp_backend lfpu_x86_xsave_backend;

#endif /* _LAZYFPU_ARCH_X86_H */
