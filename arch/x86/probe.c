// SPDX-License-Identifier: GPL-2.0
/*
 * x86-64: discover the XSAVE state shape.
 *
 * lazyfpu requires XSAVE.  Every x86-64 CPU that can run AVX has it, and
 * depending on it lets the state image userspace sees be exactly the
 * standard-format XSAVE image that KVM_GET_XSAVE uses, with no FXSAVE-only
 * special case.
 *
 * The standard format places each component at the fixed offset CPUID leaf
 * 0xD reports for it, so the image size is CPUID(0xD, 0).EBX: the size
 * needed by every feature enabled in XCR0.  Like KVM's struct kvm_xsave the
 * image is never smaller than 4096 bytes, so a VMM written for a small
 * host also works on a larger one.
 */
#include <linux/cache.h>
#include <linux/minmax.h>
#include <linux/printk.h>
#include <linux/string.h>
#include <asm/cpufeature.h>
#include <asm/fpu/api.h>
#include <asm/fpu/xcr.h>
#include <asm/processor.h>
#include LFPU_X86_CPUID_H
#include <lazyfpu/arch.h>

#include "x86.h"

/* The minimum image size, matching KVM's struct kvm_xsave. */
#define LFPU_X86_MIN_STATE_SIZE	4096

/* CPUID leaf enumerating the XSAVE state components. */
#define LFPU_CPUID_XSTATE	0xd

/* The MXCSR mask to assume when FXSAVE reports 0 (SDM vol. 1, 11.6.6). */
#define LFPU_MXCSR_MASK_LEGACY	0x0000ffbf

u64 lfpu_x86_guest_xfeatures __ro_after_init;
u32 lfpu_x86_mxcsr_mask __ro_after_init;
u32 lfpu_x86_state_size __ro_after_init;
u32 lfpu_x86_xstate_offset[64] __ro_after_init;
u32 lfpu_x86_xstate_size[64] __ro_after_init;

/*
 * FXSAVE stores the MXCSR bits the CPU implements at offset 28.  Reading it
 * ourselves, inside a kernel FPU section, avoids depending on the kernel's
 * private declaration of mxcsr_feature_mask.
 */
static u32 lfpu_x86_read_mxcsr_mask(void)
{
	struct { u8 bytes[512]; } __aligned(16) fx;
	u32 mask;

	memset(&fx, 0, sizeof(fx));
	kernel_fpu_begin();
	asm volatile("fxsaveq %0" : "=m" (fx));
	kernel_fpu_end();
	memcpy(&mask, &fx.bytes[LFPU_XSAVE_MXCSR_MASK_OFFSET], sizeof(mask));
	return mask ? mask : LFPU_MXCSR_MASK_LEGACY;
}

/**
 * lfpu_arch_probe_fpu() - x86-64: read the XSAVE state shape
 * @host: filled in on success
 *
 * Context: process context, module init.
 */
int lfpu_arch_probe_fpu(struct lfpu_host_fpu *host)
{
	unsigned int eax, ebx, ecx, edx;
	u64 xcr0;
	int i;

	if (!boot_cpu_has(X86_FEATURE_XSAVE) ||
	    !boot_cpu_has(X86_FEATURE_OSXSAVE)) {
		pr_err("this CPU has no XSAVE (or the kernel did not enable it); lazyfpu needs it\n");
		return -ENODEV;
	}

	cpuid_count(LFPU_CPUID_XSTATE, 0, &eax, &ebx, &ecx, &edx);
	xcr0 = xgetbv(XCR_XFEATURE_ENABLED_MASK);

	lfpu_x86_guest_xfeatures = xcr0 & ~(XFEATURE_MASK_PKRU |
					    XFEATURE_MASK_XTILE_CFG |
					    XFEATURE_MASK_XTILE_DATA);
	lfpu_x86_state_size = max_t(u32, ebx, LFPU_X86_MIN_STATE_SIZE);
	lfpu_x86_mxcsr_mask = lfpu_x86_read_mxcsr_mask();
	for (i = FIRST_EXTENDED_XFEATURE; i < 64; i++) {
		if (!(lfpu_x86_guest_xfeatures & BIT_ULL(i)))
			continue;
		cpuid_count(LFPU_CPUID_XSTATE, i, &eax, &ebx, &ecx, &edx);
		lfpu_x86_xstate_size[i] = eax;
		lfpu_x86_xstate_offset[i] = ebx;
	}

	host->name = "x86 XSAVE standard format";
	host->features = lfpu_x86_guest_xfeatures;
	host->vector_bytes = boot_cpu_has(X86_FEATURE_AVX2) &&
			     (xcr0 & XFEATURE_MASK_YMM) ? 32 : 16;
	return 0;
}

/**
 * lfpu_arch_release_fpu() - x86-64: nothing to undo
 *
 * XCR0 and the XSAVE layout are the same on every CPU, boot CPU's or
 * hotplugged (the kernel enforces it), so nothing is probed per CPU.
 */
void lfpu_arch_release_fpu(void)
{
}
