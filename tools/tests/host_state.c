// SPDX-License-Identifier: GPL-2.0
/*
 * host_state: the VMM thread's own FP/SIMD state survives RUN.
 *
 * Before every RUN the thread loads all its vector registers (YMM where
 * there is AVX) and MXCSR (FPCR/FPSR on arm64) with a pattern, in the same
 * asm that makes the ioctl, and reads them back right after it returns.
 * The guest overwrites every register it can name, changes the rounding
 * mode and sets exception flags, and exits to userspace several times.
 * Nothing the guest did may be visible to the host: one case per FP
 * policy and backend.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "ktap.h"
#include "../lib/hostregs.h"
#include "../lib/testlib.h"

static const char clobber_128[] =
	"	movi	r1, junk\n"
	"	movi	r2, 3\n"
	"again:\n"
	"	vld	v0, [r1 + 0]\n	vld	v1, [r1 + 16]\n	vld	v2, [r1 + 32]\n"
	"	vld	v3, [r1 + 48]\n	vld	v4, [r1 + 64]\n	vld	v5, [r1 + 80]\n"
	"	vld	v6, [r1 + 96]\n	vld	v7, [r1 + 112]\n	vld	v8, [r1 + 0]\n"
	"	vld	v9, [r1 + 16]\n	vld	v10, [r1 + 32]\n	vld	v11, [r1 + 48]\n"
	"	vld	v12, [r1 + 64]\n	vld	v13, [r1 + 80]\n	vld	v14, [r1 + 96]\n"
	"	vld	v15, [r1 + 112]\n"
	"	setrm	zero\n"
	"	vmulpd	v0, v1\n"
	"	vaddps	v2, v3\n"
	"	hcall	r5, 1\n"
	"	out	r2, 2\n"
	"	loop	r2, again\n"
	"	hlt\n"
	"	.align	32\n"
	"junk:\n"
	"	.quad	0x1111111111111111, 0x2222222222222222, 0x3333333333333333, 0x4444444444444444\n"
	"	.quad	0x5555555555555555, 0x6666666666666666, 0x7777777777777777, 0x0888888888888888\n"
	"	.quad	0x0999999999999999, 0x0aaaaaaaaaaaaaaa, 0x0bbbbbbbbbbbbbbb, 0x0ccccccccccccccc\n"
	"	.quad	0x0ddddddddddddddd, 0x0eeeeeeeeeeeeeee, 0x0fffffffffffffff, 0x1234567812345678\n"
	"	.quad	0, 0, 0, 0, 0, 0, 0, 0\n";

/* The 256-bit variant also writes the upper halves of YMM. */
static char clobber_256[sizeof(clobber_128) + 256];

static int run_checked(const struct lfpu_test_cfg *cfg, const char *program)
{
	struct lfpu_vcpu vcpu;
	struct lfpu_vm vm;
	int runs, eintr, n;
	uint64_t outs[4];

	if (lfpu_test_vm(&vm, cfg, program))
		return 0;
	if (lfpu_test_vcpu(&vm, &vcpu, 0)) {
		lfpu_vm_destroy(&vm);
		return 0;
	}
	n = lfpu_test_run_checking_host(&vcpu, cfg->name, outs, 4, &runs, &eintr);
	lfpu_vcpu_destroy(&vcpu);
	lfpu_vm_destroy(&vm);
	/* Three OUTs then HLT: four RUNs, each checked. */
	return n == 3 && runs == 4 + eintr;
}

int main(void)
{
	struct lfpu_test_cfg cfgs[8];
	int n = lfpu_test_configs(cfgs, 8), i, wide;
	long vbytes;
	int sys = open("/dev/lazyfpu", O_RDWR);

	vbytes = sys >= 0 ? ioctl(sys, LAZYFPU_CHECK_EXTENSION, LAZYFPU_CAP_VECTOR_BYTES) : 16;
	if (sys >= 0)
		close(sys);
	wide = vbytes >= 32;
	if (wide) {
		char *p;

		strcpy(clobber_256, clobber_128);
		/* vld -> vld.256 for every load. */
		while ((p = strstr(clobber_256, "vld\t"))) {
			memmove(p + 7, p + 3, strlen(p + 3) + 1);
			memcpy(p, "vld.256", 7);
		}
	}

	ktap_plan(n * 2);
	for (i = 0; i < n; i++) {
		char name[64];

		snprintf(name, sizeof(name), "host_regs_kept_%s_128", cfgs[i].name);
		ktap_result(run_checked(&cfgs[i], clobber_128), name);
		snprintf(name, sizeof(name), "host_regs_kept_%s_256", cfgs[i].name);
		if (wide)
			ktap_result(run_checked(&cfgs[i], clobber_256), name);
		else
			ktap_skip(name, "no 256-bit guest vectors on this host");
	}
	return ktap_finished();
}
