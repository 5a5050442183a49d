/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The interface between lazyfpu's generic code and its architecture
 * layers (arch/<arch>/).  Generic code (vmm/, fpu/) reaches architecture
 * specifics only through the functions declared here; it never tests
 * CONFIG_X86 or CONFIG_ARM64 itself.
 */
#ifndef _LAZYFPU_ARCH_H
#define _LAZYFPU_ARCH_H

#include <linux/types.h>

/**
 * struct lfpu_host_fpu - the host's FP/SIMD state shape, fixed at load
 * @name:	short human-readable name of the state format, for logs
 * @state_size:	bytes in one complete FP/SIMD state image (the value of
 *		LAZYFPU_CAP_FPU_STATE_SIZE)
 * @features:	architecture-defined feature bits (x86: XCR0; arm64: bit 0
 *		set when SVE is implemented)
 */
struct lfpu_host_fpu {
	const char *name;
	u32 state_size;
	u64 features;
};

/**
 * lfpu_arch_probe_fpu() - discover the host FP/SIMD state shape
 * @host: filled in on success
 *
 * Context: process context, module init.  Returns 0, or -ENODEV when the
 * CPU lacks what the architecture layer needs (for example XSAVE on x86).
 */
int lfpu_arch_probe_fpu(struct lfpu_host_fpu *host);

#endif /* _LAZYFPU_ARCH_H */
