// SPDX-License-Identifier: GPL-2.0
/*
 * arm64: discover the FPSIMD/SVE state shape.
 *
 * Every arm64 CPU Linux supports has FPSIMD (V0-V31, FPSR, FPCR), and the
 * state image is laid out as the kernel's own struct user_fpsimd_state, the
 * layout userspace already knows from ptrace (NT_PRFPREG) and signal
 * frames.  SVE, where the system implements it on every CPU, is recorded
 * as feature bit 0 so later code can offer it; its state is sized per vCPU
 * from the vector length userspace chooses, not here.
 */
#include <linux/printk.h>
#include <asm/cpufeature.h>
#include <asm/ptrace.h>
#include <lazyfpu/arch.h>

#define LFPU_ARM64_FEATURE_SVE	BIT_ULL(0)

/**
 * lfpu_arch_probe_fpu() - arm64: read the FPSIMD/SVE state shape
 * @host: filled in on success
 *
 * Context: process context, module init.
 */
int lfpu_arch_probe_fpu(struct lfpu_host_fpu *host)
{
	if (!system_supports_fpsimd()) {
		pr_err("this system has no FPSIMD; lazyfpu needs it\n");
		return -ENODEV;
	}

	host->name = "arm64 FPSIMD (struct user_fpsimd_state)";
	host->state_size = sizeof(struct user_fpsimd_state);
	host->features = system_supports_sve() ? LFPU_ARM64_FEATURE_SVE : 0;
	host->vector_bytes = 16;
	return 0;
}
