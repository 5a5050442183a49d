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

#endif /* _LAZYFPU_COMPAT_H */
