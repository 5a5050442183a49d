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
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/minmax.h>
#include <linux/printk.h>
#include <asm/cpufeature.h>
#include <asm/fpu/xcr.h>
#include <asm/processor.h>
#include <lazyfpu/arch.h>

/* The minimum image size, matching KVM's struct kvm_xsave. */
#define LFPU_X86_MIN_STATE_SIZE	4096

/* CPUID leaf enumerating the XSAVE state components. */
#define LFPU_CPUID_XSTATE	0xd

/**
 * lfpu_arch_probe_fpu() - x86-64: read the XSAVE state shape
 * @host: filled in on success
 *
 * Context: process context, module init.
 */
int lfpu_arch_probe_fpu(struct lfpu_host_fpu *host)
{
	unsigned int eax, ebx, ecx, edx;

	if (!boot_cpu_has(X86_FEATURE_XSAVE) ||
	    !boot_cpu_has(X86_FEATURE_OSXSAVE)) {
		pr_err("this CPU has no XSAVE (or the kernel did not enable it); lazyfpu needs it\n");
		return -ENODEV;
	}

	cpuid_count(LFPU_CPUID_XSTATE, 0, &eax, &ebx, &ecx, &edx);

	host->name = "x86 XSAVE standard format";
	host->features = xgetbv(XCR_XFEATURE_ENABLED_MASK);
	host->state_size = max_t(u32, ebx, LFPU_X86_MIN_STATE_SIZE);
	return 0;
}
