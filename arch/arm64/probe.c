// SPDX-License-Identifier: GPL-2.0
/*
 * arm64: discover the FPSIMD/SVE state shape.
 *
 * Every arm64 CPU Linux supports has FPSIMD (V0-V31, FPSR, FPCR), and the
 * state image is laid out as the kernel's own struct user_fpsimd_state, the
 * layout userspace already knows from ptrace (NT_PRFPREG) and signal
 * frames.  SVE, where the system implements it on every CPU, is recorded
 * as feature bit 0, with the vector lengths every CPU supports: the
 * kernel's own record of them (vl_info) is not exported, so each CPU is
 * asked directly, by writing each length to ZCR_EL1 and reading back what
 * RDVL reports, when the module loads and whenever a CPU comes online.
 */
#include <linux/bits.h>
#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/printk.h>
#include <asm/cpufeature.h>
#include <asm/neon.h>
#include <asm/ptrace.h>
#include <asm/sysreg.h>
#include <lazyfpu/arch.h>

#include "arm64.h"

#define LFPU_ARM64_FEATURE_SVE	BIT_ULL(0)

/* The architectural maximum: 16 quadwords, 2048 bits. */
#define LFPU_SVE_VQ_MAX		16

static u32 lfpu_arm64_rdvl(void)
{
	u64 vl;

	asm volatile(".arch_extension sve\n\t"
		     "rdvl %0, #1\n\t"
		     ".arch_extension nosve" : "=r" (vl));
	return vl;
}

/* The SVE vector lengths this CPU supports.  Runs on that CPU, preemptible. */
static u32 lfpu_arm64_probe_vqs(void)
{
	struct user_fpsimd_state section_state;
	unsigned int vq;
	u32 map = 0;
	u64 zcr;

	lfpu_kernel_neon_begin(&section_state);
	lfpu_arm64_sve_span_begin();
	zcr = read_sysreg_s(SYS_ZCR_EL1);
	for (vq = 1; vq <= LFPU_SVE_VQ_MAX; vq++) {
		write_sysreg_s((zcr & ~ZCR_ELx_LEN_MASK) | (vq - 1), SYS_ZCR_EL1);
		isb();
		if (lfpu_arm64_rdvl() == vq * 16)
			map |= BIT(vq - 1);
	}
	write_sysreg_s(zcr, SYS_ZCR_EL1);
	isb();
	lfpu_arm64_sve_span_end();
	lfpu_kernel_neon_end(&section_state);
	return map;
}

/*
 * Vector lengths are probed on every CPU as it comes online, through a
 * CPU hotplug state: first for each CPU online at load, where the lengths
 * lazyfpu offers become those every one of them has; then for each CPU
 * onlined later, which must have every length offered, since a VM may
 * already use any of them and vCPU threads may run on any CPU.  One that
 * lacks one is refused (the kernel refuses a late CPU that lacks one of
 * its own SVE lengths in the same way, in sve_verify_vq_map()).  The offer
 * therefore never changes after load.  The callbacks run in the CPU's
 * hotplug thread with the hotplug lock held, so they never race with each
 * other.
 */
static u32 lfpu_arm64_offered_vqs;
static bool lfpu_arm64_probing_at_load;
static enum cpuhp_state lfpu_arm64_cpuhp_state;

static int lfpu_arm64_cpu_online(unsigned int cpu)
{
	u32 map = lfpu_arm64_probe_vqs();

	if (lfpu_arm64_probing_at_load) {
		lfpu_arm64_offered_vqs &= map;
		return 0;
	}
	if (lfpu_arm64_offered_vqs & ~map) {
		pr_warn("CPU%u lacks SVE vector lengths %#x that lazyfpu offers (vq bits); refusing it while lazyfpu is loaded\n",
			cpu, lfpu_arm64_offered_vqs & ~map);
		return -EINVAL;
	}
	pr_info("CPU%u online: SVE vector lengths %#x (vq bits), all offered ones present\n",
		cpu, map);
	return 0;
}

/**
 * lfpu_arch_probe_fpu() - arm64: read the FPSIMD/SVE state shape
 * @host: filled in on success
 *
 * Context: process context, module init.
 */
int lfpu_arch_probe_fpu(struct lfpu_host_fpu *host)
{
	int ret;

	if (!system_supports_fpsimd()) {
		pr_err("this system has no FPSIMD; lazyfpu needs it\n");
		return -ENODEV;
	}

	host->name = "arm64 FPSIMD (struct user_fpsimd_state)";
	host->features = 0;
	host->vector_bytes = 16;
	host->sve_vq_map = 0;
	if (!system_supports_sve())
		return 0;

	lfpu_arm64_offered_vqs = ~0U;
	lfpu_arm64_probing_at_load = true;
	ret = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "lazyfpu/sve:online",
				lfpu_arm64_cpu_online, NULL);
	lfpu_arm64_probing_at_load = false;
	if (ret < 0)
		return ret;
	lfpu_arm64_cpuhp_state = ret;
	host->features = LFPU_ARM64_FEATURE_SVE;
	host->sve_vq_map = lfpu_arm64_offered_vqs;
	return 0;
}

/**
 * lfpu_arch_release_fpu() - arm64: stop probing CPUs that come online
 *
 * Context: process context, module exit (or init failure after
 * lfpu_arch_probe_fpu() succeeded).
 */
void lfpu_arch_release_fpu(void)
{
	if (lfpu_arm64_cpuhp_state)
		cpuhp_remove_state_nocalls(lfpu_arm64_cpuhp_state);
	lfpu_arm64_cpuhp_state = 0;
}
