// SPDX-License-Identifier: GPL-2.0
/*
 * guest_state: guest FP instructions compute what the same operations
 * compute in userspace, and GET_FPU afterwards shows the guest's registers.
 *
 * For every FP configuration: a program exercising each FP instruction
 * (f32 and f64 add and multiply, f64 subtract, XOR, 64-bit add, moves,
 * conversions, the rounding mode, reductions), whose OUTs and final vector
 * registers are compared with references computed here.  Then the checksum
 * loop, with an in-kernel exit in every iteration.
 */
#include <fenv.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ktap.h"
#include "checksum.h"
#include "../lib/testlib.h"

static const char program[] =
	"	movi	r1, data\n"
	"	vld	v0, [r1 + 0]\n"		/* a = { 1.5, -2.25 } */
	"	vld	v1, [r1 + 16]\n"	/* b = { 3.0, 0.1 } */
	"	vmov	v2, v0\n"
	"	vaddpd	v2, v1\n"		/* a + b */
	"	vmov	v3, v0\n"
	"	vmulpd	v3, v1\n"		/* a * b */
	"	vmov	v4, v0\n"
	"	vsubpd	v4, v1\n"		/* a - b */
	"	vld	v5, [r1 + 32]\n"	/* f32 c */
	"	vld	v6, [r1 + 48]\n"	/* f32 d */
	"	vmov	v7, v5\n"
	"	vaddps	v7, v6\n"
	"	vmov	v8, v5\n"
	"	vmulps	v8, v6\n"
	"	vld	v9, [r1 + 64]\n"	/* integers */
	"	vld	v10, [r1 + 80]\n"
	"	vxor	v9, v10\n"
	"	vaddq	v10, v9\n"
	"	vred	r2, v10\n"
	"	out	r2, 2\n"		/* out[0]: lane sum of v10 */
	"	movi	r3, -7\n"
	"	cvtif	v11, r3\n"		/* { -7.0, 0 } */
	"	vmulpd	v11, v0\n"		/* { -10.5, -0 } */
	"	cvtfi	r4, v11\n"
	"	out	r4, 2\n"		/* out[1]: -10 */
	"	vld	v12, [r1 + 96]\n"	/* { 1.0, 1.0 } */
	"	vld	v13, [r1 + 112]\n"	/* { 2^-60, -2^-60 } */
	"	setrm	up\n"
	"	vaddpd	v12, v13\n"		/* rounded up: { 1 + ulp, 1.0 } */
	"	getcsr	r5\n"
	"	out	r5, 2\n"		/* out[2]: control/status */
	"	setrm	nearest\n"
	"	vld	v14, [r1 + 96]\n"
	"	vaddpd	v14, v13\n"		/* nearest: { 1.0, 1.0 } */
	"	vst	v12, [r1 + 256]\n"
	"	ld	r6, [r1 + 256]\n"
	"	out	r6, 2\n"		/* out[3]: bits of 1 + ulp */
	"	vxor	v15, v15\n"
	"	hlt\n"
	"	.align	16\n"
	"data:\n"
	"	.f64	1.5, -2.25\n"
	"	.f64	3.0, 0.1\n"
	"	.f32	1.25, -0.5, 100.0, 3.0e-3\n"
	"	.f32	2.5, 0.25, -7.0, 1.0e10\n"
	"	.quad	0x00ff00ff00ff00ff, 0x7fffffffffffffff\n"
	"	.quad	0x0f0f0f0f0f0f0f0f, 0x0000000000000001\n"
	"	.f64	1.0, 1.0\n"
	"	.f64	8.673617379884035e-19, -8.673617379884035e-19\n";

struct vreg {
	union {
		double d[2];
		float f[4];
		uint64_t q[2];
		uint8_t b[16];
	};
};

static int check_vreg(const uint8_t *image_reg, const struct vreg *want, int reg)
{
	if (memcmp(image_reg, want->b, 16)) {
		ktap_diag("v%d differs from the reference", reg);
		return 0;
	}
	return 1;
}

/* Offset of vN's low 128 bits in the GET_FPU image. */
static size_t vreg_offset(int reg)
{
#if defined(__x86_64__)
	return 160 + 16 * (size_t)reg;	/* XSAVE legacy area, XMM slots */
#else
	return 16 * (size_t)reg;	/* struct user_fpsimd_state */
#endif
}

static int run_instructions(const struct lfpu_test_cfg *cfg)
{
	struct vreg a = { .d = { 1.5, -2.25 } }, b = { .d = { 3.0, 0.1 } };
	struct vreg c = { .f = { 1.25f, -0.5f, 100.0f, 3.0e-3f } };
	struct vreg d = { .f = { 2.5f, 0.25f, -7.0f, 1.0e10f } };
	struct vreg i9 = { .q = { 0x00ff00ff00ff00ffULL, 0x7fffffffffffffffULL } };
	struct vreg i10 = { .q = { 0x0f0f0f0f0f0f0f0fULL, 1 } };
	struct vreg want[16] = {};
	uint64_t outs[8], one_up;
	struct lfpu_vcpu vcpu;
	struct lfpu_vm vm;
	double up;
	long size;
	uint8_t *image;
	int n, ok = 1, l, r;

	want[0] = a;
	want[1] = b;
	for (l = 0; l < 2; l++) {
		want[2].d[l] = a.d[l] + b.d[l];
		want[3].d[l] = a.d[l] * b.d[l];
		want[4].d[l] = a.d[l] - b.d[l];
	}
	want[5] = c;
	want[6] = d;
	for (l = 0; l < 4; l++) {
		want[7].f[l] = c.f[l] + d.f[l];
		want[8].f[l] = c.f[l] * d.f[l];
	}
	for (l = 0; l < 2; l++) {
		want[9].q[l] = i9.q[l] ^ i10.q[l];
		want[10].q[l] = i10.q[l] + want[9].q[l];
	}
	want[11].d[0] = -7.0 * 1.5;
	want[11].d[1] = 0.0 * -2.25;
	up = nextafter(1.0, 2.0);
	want[12].d[0] = up;
	want[12].d[1] = 1.0;
	want[13].d[0] = ldexp(1.0, -60);
	want[13].d[1] = -ldexp(1.0, -60);
	want[14].d[0] = 1.0;
	want[14].d[1] = 1.0;
	memcpy(&one_up, &up, sizeof(one_up));

	if (lfpu_test_vm(&vm, cfg, program))
		return 0;
	if (lfpu_test_vcpu(&vm, &vcpu, 0)) {
		lfpu_vm_destroy(&vm);
		return 0;
	}
	n = lfpu_test_run_to_halt(&vcpu, outs, 8);
	if (n != 4) {
		ktap_diag("%d OUTs, want 4", n);
		ok = 0;
	} else {
		ok &= outs[0] == want[10].q[0] + want[10].q[1];
		ok &= (int64_t)outs[1] == -10;
		ok &= outs[3] == one_up;
#if defined(__x86_64__)
		/* MXCSR: RC = up (10b), PE set by the inexact conversions. */
		ok &= ((outs[2] >> 13) & 3) == 2 && (outs[2] & 0x20);
#else
		/* FPCR.RMode = RP (01b), FPSR.IXC set. */
		ok &= ((outs[2] >> (32 + 22)) & 3) == 1 && (outs[2] & 0x10);
#endif
		if (!ok)
			ktap_diag("OUTs %#llx %lld %#llx %#llx", (unsigned long long)outs[0],
				  (long long)outs[1], (unsigned long long)outs[2],
				  (unsigned long long)outs[3]);
	}

	size = lfpu_fpu_state_size(&vm);
	image = calloc(1, (size_t)size);
	if (!image || lfpu_vcpu_get_fpu(&vcpu, image, (uint32_t)size)) {
		ktap_diag("GET_FPU failed");
		ok = 0;
	} else {
		for (r = 0; r < 16; r++)
			ok &= check_vreg(image + vreg_offset(r), &want[r], r);
	}
	free(image);
	lfpu_vcpu_destroy(&vcpu);
	lfpu_vm_destroy(&vm);
	return ok;
}

static int run_checksum(const struct lfpu_test_cfg *cfg)
{
	uint64_t outs[CHECKSUM_OUTS], want[CHECKSUM_OUTS];
	const long iterations = 2000;
	struct lfpu_vcpu vcpu;
	struct lfpu_vm vm;
	char src[2048];
	int n, ok;

	checksum_program(src, sizeof(src), iterations, "hcall r6, 1");
	checksum_reference(iterations, want);
	if (lfpu_test_vm(&vm, cfg, src))
		return 0;
	if (lfpu_test_vcpu(&vm, &vcpu, 0)) {
		lfpu_vm_destroy(&vm);
		return 0;
	}
	n = lfpu_test_run_to_halt(&vcpu, outs, CHECKSUM_OUTS);
	ok = n == CHECKSUM_OUTS && !memcmp(outs, want, sizeof(want));
	if (!ok)
		ktap_diag("checksum %#llx %#llx %#llx, want %#llx %#llx %#llx",
			  (unsigned long long)outs[0], (unsigned long long)outs[1],
			  (unsigned long long)outs[2], (unsigned long long)want[0],
			  (unsigned long long)want[1], (unsigned long long)want[2]);
	lfpu_vcpu_destroy(&vcpu);
	lfpu_vm_destroy(&vm);
	return ok;
}

int main(void)
{
	static const struct lfpu_test_per_config cases[] = {
		{ "instructions_and_get_fpu", run_instructions },
		{ "checksum_with_hypercalls", run_checksum },
	};

	return lfpu_test_run_per_config(cases, 2);
}
