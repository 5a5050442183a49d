// SPDX-License-Identifier: GPL-2.0
/*
 * x86-64: choosing the FP backend of a new vCPU.
 *
 * The primary backend swaps the kernel's own guest fpstate in, as KVM
 * does; it needs the guest-fpstate API (fpu_alloc_guest_fpstate() and
 * friends), which the kernel exports only when KVM is configured, and
 * newer kernels only to KVM itself (EXPORT_SYMBOL_FOR_KVM).
 * compat/Kbuild.include probes for it.
 * The fallback does its own XSAVE/XRSTOR inside kernel_fpu_begin()
 * sections and works on every kernel.
 *
 * force_xsave selects the fallback even where the primary backend works,
 * so that both run in the test matrix.  It is read when a vCPU is created,
 * so writing /sys/module/lazyfpu/parameters/force_xsave affects only
 * vCPUs created afterwards; where XSAVE is the only backend, it changes
 * nothing.
 */
#include <linux/export.h>
#include <linux/errno.h>
#include <linux/moduleparam.h>
#include <kunit/visibility.h>
#include <lazyfpu/arch.h>

#include "x86.h"

static bool lfpu_force_xsave;
module_param_named(force_xsave, lfpu_force_xsave, bool, 0644);
MODULE_PARM_DESC(force_xsave,
		 "x86: new vCPUs use the XSAVE fallback backend, not the kernel's guest fpstate");

const struct lfpu_fp_backend *const lfpu_arch_backends[] = {
#if LFPU_HAVE_KVM_FPSTATE_API
	&lfpu_x86_swap_backend,
#endif
	&lfpu_x86_xsave_backend,
	NULL,
};
EXPORT_SYMBOL_IF_KUNIT(lfpu_arch_backends);

/**
 * lfpu_arch_backend_usable() - x86-64: every backend built is usable
 * @backend: one of lfpu_arch_backends[]
 *
 * The fpstate swap is built only where the kernel lets modules link to
 * its guest-fpstate API (compat/Kbuild.include); XSAVE is always there.
 * Context: any.
 */
bool lfpu_arch_backend_usable(const struct lfpu_fp_backend *backend)
{
	return true;
}

/**
 * lfpu_arch_select_backend() - x86-64: fpstate swap, unless unavailable
 * or force_xsave is set
 * @vector_bytes: always 0 on x86-64 (see lfpu_arch_check_vector_length())
 *
 * Context: process context.
 */
const struct lfpu_fp_backend *lfpu_arch_select_backend(u32 vector_bytes)
{
#if LFPU_HAVE_KVM_FPSTATE_API
	if (!READ_ONCE(lfpu_force_xsave))
		return &lfpu_x86_swap_backend;
#endif
	return &lfpu_x86_xsave_backend;
}

/**
 * lfpu_arch_check_vector_length() - x86-64 has no vector length setting
 * @bytes: must be 0
 *
 * Context: any.
 */
int lfpu_arch_check_vector_length(u32 bytes)
{
	return bytes ? -EINVAL : 0;
}

/**
 * lfpu_arch_state_size() - x86-64: the XSAVE image size, always
 * @vector_bytes: always 0
 *
 * Context: any.
 */
u32 lfpu_arch_state_size(u32 vector_bytes)
{
	return lfpu_x86_state_size;
}
EXPORT_SYMBOL_IF_KUNIT(lfpu_arch_state_size);
