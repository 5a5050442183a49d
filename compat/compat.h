/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place where lazyfpu deals with differences between kernels.
 *
 * It is force-included into every object by Kbuild.  Differences are
 * detected by feature (a macro, a Kconfig symbol, or a probe in
 * compat/Kbuild.include that looks at the target tree) wherever the
 * feature is visible that way; the version checks here and in
 * compat/Kbuild.include only bound what is supported and what was
 * tested.  No other file may look at the kernel version.
 *
 * Supported: Linux 6.1 and newer, x86-64 and arm64.  Tested: 6.1, 6.12
 * and 7.3, from Debian's linux-source packages and kernel images.  Older
 * kernels are refused here; a newer one builds with a warning
 * (compat/Kbuild.include) and says so when it loads: the probes below are
 * what keep it building.
 */
#ifndef _LAZYFPU_COMPAT_H
#define _LAZYFPU_COMPAT_H

/* Every message is prefixed with the module's name; set before any header. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kconfig.h>
#include <linux/version.h>

#if LINUX_VERSION_MAJOR < 6 || (LINUX_VERSION_MAJOR == 6 && LINUX_VERSION_PATCHLEVEL < 1)
#error "lazyfpu needs Linux 6.1 or newer"
#endif

/* The newest kernel lazyfpu was tested on (compat/Kbuild.include agrees). */
#define LFPU_NEWEST_TESTED_KERNEL "7.3"
#ifndef LFPU_KERNEL_UNTESTED
#define LFPU_KERNEL_UNTESTED 0
#endif

#if !defined(CONFIG_X86_64) && !defined(CONFIG_ARM64)
#error "lazyfpu supports only x86-64 and arm64"
#endif

/*
 * vCPU threads are followed across context switches with preempt
 * notifiers, which exist only when something selects them (KVM does;
 * Debian's kernels have them).
 */
#ifndef CONFIG_PREEMPT_NOTIFIERS
#error "lazyfpu needs CONFIG_PREEMPT_NOTIFIERS (enable CONFIG_KVM)"
#endif

/*
 * x86: the kernel's guest-fpstate API (fpu_alloc_guest_fpstate(),
 * fpu_swap_kvm_fpstate(), fpu_copy_*_uabi(), switch_fpu_return()) is
 * built only when KVM is configured, and newer kernels export it to KVM's
 * own modules only (EXPORT_SYMBOL_FOR_KVM), or, with KVM built in, not at
 * all.  compat/Kbuild.include decides from the target's Module.symvers
 * whether a module may link to it; without it the x86 layer has only its
 * XSAVE backend.
 */
#ifndef LFPU_HAVE_KVM_FPSTATE_API
#define LFPU_HAVE_KVM_FPSTATE_API 0
#endif

/*
 * cpuid_count() moved from asm/processor.h to asm/cpuid/api.h
 * (compat/Kbuild.include probes for the header: sparse has no
 * __has_include).  A quoted include searches the kernel's include
 * directories too.
 */
#ifdef LFPU_HAVE_X86_CPUID_API_H
#define LFPU_X86_CPUID_H "asm/cpuid/api.h"
#else
#define LFPU_X86_CPUID_H "asm/processor.h"
#endif

/*
 * arm64: since 6.8 a kernel_neon_begin() section is preemptible, and the
 * kernel saves and restores its V0-V31, FPSR and FPCR with the task
 * (TIF_KERNEL_FPSTATE), including around a softirq that uses NEON.  In
 * 6.1 the section runs with softirqs (so preemption) disabled.
 */
#ifdef CONFIG_ARM64
#include <linux/thread_info.h>
#ifdef TIF_KERNEL_FPSTATE
#define LFPU_KERNEL_NEON_FOLLOWS_TASK 1
#else
#define LFPU_KERNEL_NEON_FOLLOWS_TASK 0
#endif
#endif

/*
 * arm64: newer kernel_neon_begin()/kernel_neon_end() take the buffer the
 * kernel keeps the section's V0-V31, FPSR and FPCR in while the task is
 * scheduled out or a softirq uses NEON (probed by compat/Kbuild.include);
 * older ones keep it in the task.  Macros, since no header is included
 * yet.
 */
#ifdef LFPU_HAVE_NEON_STATE_BUFFER
#define lfpu_kernel_neon_begin(state)	kernel_neon_begin(state)
#define lfpu_kernel_neon_end(state)	kernel_neon_end(state)
#else
#define lfpu_kernel_neon_begin(state)	((void)(state), kernel_neon_begin())
#define lfpu_kernel_neon_end(state)	((void)(state), kernel_neon_end())
#endif

/*
 * vm_flags_set() (6.3) replaced writing vma->vm_flags directly; probed by
 * compat/Kbuild.include.
 */
#ifdef LFPU_HAVE_VM_FLAGS_SET
#define lfpu_vm_flags_set(vma, flags)	vm_flags_set(vma, flags)
#else
#define lfpu_vm_flags_set(vma, flags)	((vma)->vm_flags |= (flags))
#endif

/* hrtimer_setup() replaced hrtimer_init() plus assigning ->function. */
#ifdef LFPU_HAVE_HRTIMER_SETUP
#define lfpu_hrtimer_setup(timer, fn, clock, mode)	hrtimer_setup(timer, fn, clock, mode)
#else
#define lfpu_hrtimer_setup(timer, fn, clock, mode)			\
	do {								\
		hrtimer_init(timer, clock, mode);			\
		(timer)->function = (fn);				\
	} while (0)
#endif

#endif /* _LAZYFPU_COMPAT_H */
