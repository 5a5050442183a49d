/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * lazyfpu: the userspace ABI of /dev/lazyfpu.
 *
 * The ABI is shaped like KVM's: the system fd, open("/dev/lazyfpu"),
 * answers discovery ioctls.
 *
 * Every ioctl is documented in Documentation/api.rst.  Rules that keep the
 * ABI extensible:
 *  - ioctl numbers and LAZYFPU_CAP_* numbers are append-only;
 *  - a new feature is announced through LAZYFPU_CHECK_EXTENSION, never by
 *    bumping LAZYFPU_API_VERSION;
 *  - every struct has a flags word and explicit padding; unknown flags and
 *    non-zero padding are rejected with -EINVAL, so that they can be given
 *    a meaning later;
 *  - an integer argument an ioctl does not use must be zero (-EINVAL).
 *
 * Only fixed-width types are used; pointers travel as __u64.
 */
#ifndef _UAPI_LINUX_LAZYFPU_H
#define _UAPI_LINUX_LAZYFPU_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* Returned by LAZYFPU_GET_API_VERSION; changes only on an ABI break. */
#define LAZYFPU_API_VERSION	1

/* ioctl type byte, registered as free in ioctl-number.rst at 6.12. */
#define LAZYFPUIO		0xB9

/* System ioctls, on the fd of /dev/lazyfpu. */
#define LAZYFPU_GET_API_VERSION		_IO(LAZYFPUIO, 0x00)
#define LAZYFPU_CHECK_EXTENSION		_IO(LAZYFPUIO, 0x01)

/*
 * Capabilities, for LAZYFPU_CHECK_EXTENSION.  An absent capability (and
 * any number the module does not know) reads as 0.
 *
 * LAZYFPU_CAP_FPU_STATE_SIZE: size in bytes of a vCPU's complete FP/SIMD
 *	state image.  x86-64: the standard-format XSAVE image of the
 *	features enabled in XCR0, at least 4096 bytes (as KVM_CAP_XSAVE2).
 *	arm64: the size of struct user_fpsimd_state.
 */
#define LAZYFPU_CAP_FPU_STATE_SIZE	1

#endif /* _UAPI_LINUX_LAZYFPU_H */
