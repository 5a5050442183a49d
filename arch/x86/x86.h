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
#define LFPU_XSAVE_MXCSR_OFFSET		24
#define LFPU_XSAVE_MXCSR_MASK_OFFSET	28
#define LFPU_XSAVE_XMM_OFFSET		160
#define LFPU_XSAVE_HDR_OFFSET		512
#define LFPU_XSAVE_HDR_SIZE		64
#define LFPU_MXCSR_DEFAULT		0x1f80
#define LFPU_FCW_DEFAULT		0x037f

/* Where CPUID leaf 0xD puts each component in the standard format. */
extern u32 lfpu_x86_xstate_offset[64];
extern u32 lfpu_x86_xstate_size[64];

void lfpu_x86_normalize_xstate(void *buf);
int lfpu_x86_check_guest_xstate(const void *buf);
int lfpu_x86_validate_xstate(const void *buf, u32 size, u64 allowed_xfeatures,
			     u32 mxcsr_mask);
void lfpu_x86_xsave(void *buf, u64 rfbm);
void lfpu_x86_xrstor(const void *buf, u64 rfbm);

extern const struct lfpu_fp_backend lfpu_x86_swap_backend;
extern const struct lfpu_fp_backend lfpu_x86_xsave_backend;

#endif /* _LAZYFPU_ARCH_X86_H */
