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
 * RDVL reports.
 */
#include <linux/bits.h>
#include <linux/bottom_half.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/printk.h>
#include <linux/workqueue.h>
#include <asm/cpufeature.h>
#include <asm/neon.h>
#include <asm/ptrace.h>
#include <asm/sysreg.h>
#include <lazyfpu/arch.h>

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

/* Runs on the CPU being probed, in a kworker (process context). */
static long lfpu_arm64_probe_vqs(void *unused)
{
	unsigned int vq;
	u32 map = 0;
	u64 zcr;

	kernel_neon_begin();
	local_bh_disable();
	zcr = read_sysreg_s(SYS_ZCR_EL1);
	for (vq = 1; vq <= LFPU_SVE_VQ_MAX; vq++) {
		write_sysreg_s((zcr & ~ZCR_ELx_LEN_MASK) | (vq - 1), SYS_ZCR_EL1);
		isb();
		if (lfpu_arm64_rdvl() == vq * 16)
			map |= BIT(vq - 1);
	}
	write_sysreg_s(zcr, SYS_ZCR_EL1);
	isb();
	local_bh_enable();
	kernel_neon_end();
	return map;
}

/* Vector lengths every online CPU supports (CPUs hotplugged later are not asked). */
static u32 lfpu_arm64_sve_vq_map(void)
{
	u32 map = ~0U;
	int cpu;

	cpus_read_lock();
	for_each_online_cpu(cpu)
		map &= (u32)work_on_cpu(cpu, lfpu_arm64_probe_vqs, NULL);
	cpus_read_unlock();
	return map;
}

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
	host->features = system_supports_sve() ? LFPU_ARM64_FEATURE_SVE : 0;
	host->vector_bytes = 16;
	host->sve_vq_map = system_supports_sve() ? lfpu_arm64_sve_vq_map() : 0;
	return 0;
}
