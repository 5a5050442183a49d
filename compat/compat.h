/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place where lazyfpu deals with differences between kernels.
 *
 * It is force-included into every object by Kbuild.  Differences are
 * detected by feature (a macro, a Kconfig symbol, or a probe in
 * compat/Kbuild.include that greps the target tree) wherever the feature
 * is visible that way; the version check below only bounds what we have
 * tested.  No other file may look at the kernel version.
 *
 * Supported: Linux 6.1 up to and including 6.12, as shipped by Debian's
 * linux-source-6.1 and linux-source-6.12, on x86-64 and arm64.  Kernels
 * between those two are accepted but untested.
 */
#ifndef _LAZYFPU_COMPAT_H
#define _LAZYFPU_COMPAT_H

/* Every message is prefixed with the module's name; set before any header. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kconfig.h>
#include <linux/version.h>

#if LINUX_VERSION_MAJOR != 6 || LINUX_VERSION_PATCHLEVEL < 1
#error "lazyfpu needs Linux 6.1 or newer (supported: 6.1 to 6.12)"
#endif
#if LINUX_VERSION_PATCHLEVEL > 12
#error "lazyfpu is not supported on Linux 6.13 or newer (supported: 6.1 to 6.12)"
#endif

#if !defined(CONFIG_X86_64) && !defined(CONFIG_ARM64)
#error "lazyfpu supports only x86-64 and arm64"
#endif

/*
 * vCPU threads are followed across context switches with preempt
 * notifiers, which exist only when something selects them (KVM does, in
 * both 6.1 and 6.12; Debian's kernels have them).
 */
#ifndef CONFIG_PREEMPT_NOTIFIERS
#error "lazyfpu needs CONFIG_PREEMPT_NOTIFIERS (enable CONFIG_KVM)"
#endif

/*
 * x86: the kernel's guest-fpstate API (fpu_alloc_guest_fpstate(),
 * fpu_swap_kvm_fpstate(), fpu_copy_*_uabi()) is built and exported only
 * when KVM is configured (arch/x86/kernel/fpu/core.c).  Without it the
 * x86 layer uses its XSAVE fallback backend only.
 */
#if defined(CONFIG_X86_64) && IS_ENABLED(CONFIG_KVM)
#define LFPU_HAVE_KVM_FPSTATE_API 1
#else
#define LFPU_HAVE_KVM_FPSTATE_API 0
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
 * vm_flags_set() (6.3) replaced writing vma->vm_flags directly; probed by
 * compat/Kbuild.include.  A macro, since no header is included yet.
 */
#ifdef LFPU_HAVE_VM_FLAGS_SET
#define lfpu_vm_flags_set(vma, flags)	vm_flags_set(vma, flags)
#else
#define lfpu_vm_flags_set(vma, flags)	((vma)->vm_flags |= (flags))
#endif

#endif /* _LAZYFPU_COMPAT_H */
