/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The host thread's own FP/SIMD registers, as tests see them around a
 * syscall (arch/<arch>.S).  Layouts are per architecture; the helpers in
 * hostregs.c fill, compare and describe them without caring which.
 */
#ifndef _LAZYFPU_TOOLS_HOSTREGS_H
#define _LAZYFPU_TOOLS_HOSTREGS_H

#include <stdint.h>

#if defined(__x86_64__)
struct lfpu_host_regs {
	uint8_t v[16][32];	/* YMM0-15 (XMM only without AVX) */
	uint32_t csr;		/* MXCSR */
	uint32_t pad[7];
} __attribute__((aligned(64)));
#elif defined(__aarch64__)
struct lfpu_host_regs {
	uint8_t v[32][16];	/* V0-V31 */
	uint64_t fpcr;
	uint64_t fpsr;
} __attribute__((aligned(64)));
#endif

/* Fill with a pattern unique to @seed (valid control values included). */
void lfpu_host_regs_fill(struct lfpu_host_regs *r, unsigned int seed);
/* 0 if equal (in the bits this CPU has), else prints the first difference. */
int lfpu_host_regs_compare(const struct lfpu_host_regs *want,
			   const struct lfpu_host_regs *got, const char *what);
/* ioctl(fd, cmd, arg) with the registers set from @in, captured into @out. */
long lfpu_ioctl_with_regs(int fd, unsigned long cmd, unsigned long arg,
			  const struct lfpu_host_regs *in, struct lfpu_host_regs *out);
/* Scramble the calling thread's vector registers with compiler FP code. */
double lfpu_host_fp_work(unsigned int seed);

#endif
