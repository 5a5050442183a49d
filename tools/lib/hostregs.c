// SPDX-License-Identifier: GPL-2.0
/* Host register patterns for the tests; see hostregs.h. */
#include <errno.h>
#include <fenv.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>

#include "../include/ktap.h"
#include "hostregs.h"

long lfpu_syscall_with_regs_avx(long nr, long a0, long a1, long a2,
				const struct lfpu_host_regs *in, struct lfpu_host_regs *out);
long lfpu_syscall_with_regs_sse(long nr, long a0, long a1, long a2,
				const struct lfpu_host_regs *in, struct lfpu_host_regs *out);
long lfpu_syscall_with_regs(long nr, long a0, long a1, long a2,
			    const struct lfpu_host_regs *in, struct lfpu_host_regs *out);

#if defined(__x86_64__)
static int have_avx(void)
{
	return __builtin_cpu_supports("avx");
}
#endif

void lfpu_host_regs_fill(struct lfpu_host_regs *r, unsigned int seed)
{
	uint32_t x = seed * 2654435761u + 12345;
	size_t i;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < sizeof(r->v); i++) {
		x = x * 1103515245u + 12345;
		((uint8_t *)r->v)[i] = (uint8_t)(x >> 16);
	}
#if defined(__x86_64__)
	/* Round toward minus infinity, all exceptions masked, PE and UE set. */
	r->csr = 0x3f80 | 0x30;
	if (!have_avx())
		for (i = 0; i < 16; i++)
			memset(&r->v[i][16], 0, 16);
#elif defined(__aarch64__)
	r->fpcr = 2u << 22;	/* RMode = round toward minus infinity */
	r->fpsr = 0x10 | (seed & 1 ? 0x8 : 0);
#endif
}

int lfpu_host_regs_compare(const struct lfpu_host_regs *want,
			   const struct lfpu_host_regs *got, const char *what)
{
	size_t i, width = sizeof(want->v[0]);

#if defined(__x86_64__)
	if (!have_avx())
		width = 16;
	if (want->csr != got->csr) {
		ktap_diag("%s: MXCSR %#x, want %#x", what, got->csr, want->csr);
		return 1;
	}
#elif defined(__aarch64__)
	if (want->fpcr != got->fpcr || want->fpsr != got->fpsr) {
		ktap_diag("%s: FPCR/FPSR %#llx/%#llx, want %#llx/%#llx", what,
			  (unsigned long long)got->fpcr, (unsigned long long)got->fpsr,
			  (unsigned long long)want->fpcr, (unsigned long long)want->fpsr);
		return 1;
	}
#endif
	for (i = 0; i < sizeof(want->v) / sizeof(want->v[0]); i++)
		if (memcmp(want->v[i], got->v[i], width)) {
			ktap_diag("%s: vector register %zu differs", what, i);
			return 1;
		}
	return 0;
}

long lfpu_ioctl_with_regs(int fd, unsigned long cmd, unsigned long arg,
			  const struct lfpu_host_regs *in, struct lfpu_host_regs *out)
{
	fenv_t env;
	long ret;

	/* The pattern's rounding mode must not outlive the call. */
	fegetenv(&env);
#if defined(__x86_64__)
	if (have_avx())
		ret = lfpu_syscall_with_regs_avx(SYS_ioctl, fd, (long)cmd, (long)arg, in, out);
	else
		ret = lfpu_syscall_with_regs_sse(SYS_ioctl, fd, (long)cmd, (long)arg, in, out);
#else
	ret = lfpu_syscall_with_regs(SYS_ioctl, fd, (long)cmd, (long)arg, in, out);
#endif
	fesetenv(&env);
	if (ret < 0 && ret > -4096) {
		errno = (int)-ret;
		return -1;
	}
	return ret;
}

double lfpu_host_fp_work(unsigned int seed)
{
	volatile double acc = seed;
	int i;

	for (i = 1; i < 200; i++)
		acc = acc * 1.0000001 + (double)i / (seed + 3.0);
	return acc;
}
