/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace stand-ins for the kernel headers fpu/core.c includes, so that
 * the model checker (tools/model/) compiles and runs the unmodified core.
 * Each one provides only what the core uses; anything the core does to
 * the world (per-CPU data, preemption, softirqs, tracing) is routed to the
 * model's world in model.h.
 */
#ifndef _MODEL_SHIM_LINUX_TYPES_H
#define _MODEL_SHIM_LINUX_TYPES_H

#include_next <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int32_t s32;
typedef int64_t s64;

/* The kernel has it from compiler_attributes.h, which every file gets. */
#define __aligned(x)	__attribute__((__aligned__(x)))

#endif
