// SPDX-License-Identifier: GPL-2.0
/*
 * Host FP/SIMD feature discovery.
 *
 * The shape of the FP/SIMD state (which registers exist, how large one
 * complete image is) is fixed for the lifetime of the module: it is read
 * once at load, from the architecture layer, and every later decision
 * (which vectors guests may use, which SVE lengths are offered) is derived
 * from this one record; the size of a state image comes from the arch
 * layer's lfpu_arch_state_size() alone.  Reading it once, rather than on each use, keeps
 * every buffer of a given module instance the same size even if a
 * userspace-visible control such as the default SVE vector length changes
 * while the module is loaded.
 */
#include <linux/export.h>
#include <linux/bits.h>
#include <linux/bug.h>
#include <linux/cache.h>
#include <linux/errno.h>
#include <linux/init.h>
#include <linux/printk.h>
#include <linux/string.h>
#include <kunit/visibility.h>
#include <lazyfpu/arch.h>

#include "fpu.h"

static struct lfpu_host_fpu lfpu_host_fpu __ro_after_init;
static u32 lfpu_backend_mask __ro_after_init;

/* Which backends can serve vCPUs here, for the log and LAZYFPU_CAP_BACKENDS. */
static void __init lfpu_fpu_find_backends(void)
{
	const struct lfpu_fp_backend *const *be;
	char names[128] = "";

	for (be = lfpu_arch_backends; *be; be++) {
		if (!lfpu_arch_backend_usable(*be))
			continue;
		lfpu_backend_mask |= BIT((*be)->id);
		strlcat(names, " ", sizeof(names));
		strlcat(names, (*be)->name, sizeof(names));
	}
	pr_info("FP backends:%s\n", names);
}

/**
 * lfpu_fpu_init() - probe the host FP/SIMD state shape
 *
 * Context: process context, module init only.
 */
int __init lfpu_fpu_init(void)
{
	int ret;

	ret = lfpu_arch_probe_fpu(&lfpu_host_fpu);
	if (ret)
		return ret;

	pr_info("host FP/SIMD state: %s, %u bytes, features %#llx, guest vectors up to %u bytes, SVE vector lengths %#x\n",
		lfpu_host_fpu.name, lfpu_arch_state_size(0),
		lfpu_host_fpu.features, lfpu_host_fpu.vector_bytes,
		lfpu_host_fpu.sve_vq_map);
	lfpu_fpu_find_backends();
	return 0;
}

/**
 * lfpu_fpu_backend_mask() - BIT(LAZYFPU_BACKEND_*) of every usable backend
 *
 * Context: any.  Valid once lfpu_fpu_init() has succeeded.
 */
u32 lfpu_fpu_backend_mask(void)
{
	return lfpu_backend_mask;
}

/**
 * lfpu_fpu_exit() - release what lfpu_fpu_init() set up
 *
 * Context: process context, module exit.
 */
void lfpu_fpu_exit(void)
{
	lfpu_arch_release_fpu();
}

/**
 * lfpu_fpu_vector_bytes() - widest guest vector this host can execute
 *
 * Context: any.  Valid once lfpu_fpu_init() has succeeded.
 */
u32 lfpu_fpu_vector_bytes(void)
{
	return lfpu_host_fpu.vector_bytes;
}

/**
 * lfpu_fpu_sve_vq_map() - SVE vector lengths every CPU supports
 *
 * Context: any.  Bit (vq - 1) for vq * 16 bytes; 0 without SVE.
 */
u32 lfpu_fpu_sve_vq_map(void)
{
	return lfpu_host_fpu.sve_vq_map;
}
