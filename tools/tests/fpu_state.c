// SPDX-License-Identifier: GPL-2.0
/*
 * fpu_state: GET_FPU -> SET_FPU -> GET_FPU is bit-identical, a SET_FPU of
 * an invalid state is refused with EINVAL and changes nothing, and a state
 * set from userspace is the one the guest computes with.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "ktap.h"
#include "../lib/testlib.h"

/* OUT the lane sum of v3, then HLT. */
static const char read_v3[] =
	"	vred	r1, v3\n"
	"	out	r1, 2\n"
	"	hlt\n";

/* Make the state non-trivial first. */
static const char scribble[] =
	"	movi	r1, data\n"
	"	vld	v3, [r1]\n"
	"	vaddpd	v3, v3\n"
	"	setrm	down\n"
	"	hlt\n"
	"	.align	16\n"
	"data:	.f64	1.25, -3.5\n";

#if defined(__x86_64__)
#define CSR_OFFSET	24	/* MXCSR in the XSAVE legacy area */
#define BAD_CSR		0xffff0000u
#define HDR_OFFSET	512
#define VREG_OFFSET(r)	(160 + 16 * (r))
#else
#define CSR_OFFSET	516	/* FPCR in struct user_fpsimd_state */
#define BAD_CSR		0x80000000u
#define VREG_OFFSET(r)	(16 * (r))
#endif

int main(void)
{
	struct lfpu_test_cfg cfgs[8];
	int ncfg = lfpu_test_configs(cfgs, 8), i;

	ktap_plan(4 * ncfg);
	for (i = 0; i < ncfg; i++) {
		uint8_t *a, *b, *bad;
		struct lfpu_vcpu vcpu;
		struct lfpu_vm vm;
		char name[80];
		uint64_t out, want;
		uint32_t size;
		int ok;

		if (lfpu_test_vm(&vm, &cfgs[i], scribble) || lfpu_test_vcpu(&vm, &vcpu, 0))
			return 1;
		size = (uint32_t)lfpu_fpu_state_size(&vm);
		a = calloc(1, size);
		b = calloc(1, size);
		bad = calloc(1, size);
		lfpu_test_run_to_halt(&vcpu, &out, 1);

		ok = !lfpu_vcpu_get_fpu(&vcpu, a, size) && !lfpu_vcpu_set_fpu(&vcpu, a, size) &&
		     !lfpu_vcpu_get_fpu(&vcpu, b, size) && !memcmp(a, b, size);
		snprintf(name, sizeof(name), "get_set_get_identical_%s", cfgs[i].name);
		ktap_result(ok, name);

		/* A reserved control bit: refused, and nothing changes. */
		memcpy(bad, a, size);
		bad[CSR_OFFSET + 3] |= (uint8_t)(BAD_CSR >> 24);
		ok = lfpu_vcpu_set_fpu(&vcpu, bad, size) == -1 && errno == EINVAL;
		memset(b, 0, size);
		ok &= !lfpu_vcpu_get_fpu(&vcpu, b, size) && !memcmp(a, b, size);
		snprintf(name, sizeof(name), "set_reserved_csr_einval_unchanged_%s", cfgs[i].name);
		ktap_result(ok, name);

#if defined(__x86_64__)
		/* A feature the guest may not have (PKRU, bit 9), then XCOMP_BV. */
		memcpy(bad, a, size);
		bad[HDR_OFFSET + 1] |= 0x02;
		ok = lfpu_vcpu_set_fpu(&vcpu, bad, size) == -1 && errno == EINVAL;
		memcpy(bad, a, size);
		bad[HDR_OFFSET + 15] |= 0x80;
		ok &= lfpu_vcpu_set_fpu(&vcpu, bad, size) == -1 && errno == EINVAL;
#else
		memcpy(bad, a, size);
		bad[520] = 1;	/* padding after FPCR */
		ok = lfpu_vcpu_set_fpu(&vcpu, bad, size) == -1 && errno == EINVAL;
#endif
		memset(b, 0, size);
		ok &= !lfpu_vcpu_get_fpu(&vcpu, b, size) && !memcmp(a, b, size);
		snprintf(name, sizeof(name), "set_bad_header_einval_unchanged_%s", cfgs[i].name);
		ktap_result(ok, name);

		/* A state set from userspace is what the guest sees. */
		memcpy(b, a, size);
		for (int k = 0; k < 16; k++)
			b[VREG_OFFSET(3) + k] = (uint8_t)(k * 17 + 1);
#if defined(__x86_64__)
		b[HDR_OFFSET] |= 0x02;	/* XSTATE_BV.SSE: the XMM slots are live */
#endif
		want = 0;
		for (int q = 0; q < 2; q++) {
			uint64_t lane;

			memcpy(&lane, b + VREG_OFFSET(3) + 8 * q, 8);
			want += lane;
		}
		ok = !lfpu_vcpu_set_fpu(&vcpu, b, size);
		{
			struct lazyfpu_regs regs = { .pc = 0 };
			char err[128];

			ok &= !lfpu_vm_load(&vm, read_v3, err, sizeof(err));
			ok &= !ioctl(vcpu.fd, LAZYFPU_SET_REGS, &regs);
		}
		ok &= lfpu_test_run_to_halt(&vcpu, &out, 1) == 1 && out == want;
		snprintf(name, sizeof(name), "set_state_reaches_guest_%s", cfgs[i].name);
		ktap_result(ok, name);

		free(a);
		free(b);
		free(bad);
		lfpu_vcpu_destroy(&vcpu);
		lfpu_vm_destroy(&vm);
	}
	return ktap_finished();
}
