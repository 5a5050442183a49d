// SPDX-License-Identifier: GPL-2.0
/*
 * host_sve (arm64): a VMM thread that uses SVE keeps its vector length and
 * gets exactly the SVE syscall ABI back from every RUN.
 *
 * For each vector length the host supports (set with PR_SVE_SET_VL) and
 * each FP policy, the thread fills Z0-Z31, P0-P15 and FFR with a pattern
 * in the same asm that makes the RUN ioctl, and checks them when it
 * returns, while the guest overwrites every V register it can name.  The
 * arm64 SVE ABI (Documentation/arch/arm64/sve.rst) says a syscall
 * preserves bits 127:0 of each Z register (the V registers) and zeroes
 * the rest of Z, all of P and FFR; so the low 128 bits must be the host's
 * own, everything else zero - never a guest value - and the vector length
 * unchanged.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <asm/hwcap.h>

#include "ktap.h"
#include "../lib/testlib.h"

long lfpu_sve_syscall(long nr, long a0, long a1, long a2, const void *in, void *out);

static const char clobber[] =
	"	movi	r1, junk\n"
	"	movi	r2, 3\n"
	"again:\n"
	"	vld	v0, [r1 + 0]\n	vld	v1, [r1 + 16]\n	vld	v2, [r1 + 32]\n"
	"	vld	v3, [r1 + 48]\n	vld	v4, [r1 + 0]\n	vld	v5, [r1 + 16]\n"
	"	vld	v6, [r1 + 32]\n	vld	v7, [r1 + 48]\n	vld	v8, [r1 + 0]\n"
	"	vld	v9, [r1 + 16]\n	vld	v10, [r1 + 32]\n	vld	v11, [r1 + 48]\n"
	"	vld	v12, [r1 + 0]\n	vld	v13, [r1 + 16]\n	vld	v14, [r1 + 32]\n"
	"	vld	v15, [r1 + 48]\n"
	"	setrm	up\n"
	"	vmulpd	v0, v1\n"
	"	hcall	r5, 1\n"
	"	out	r2, 2\n"
	"	loop	r2, again\n"
	"	hlt\n"
	"	.align	16\n"
	"junk:	.quad	0x1111111111111111, 0x2222222222222222, 0x3333333333333333\n"
	"	.quad	0x4444444444444444, 0x5555555555555555, 0x6666666666666666\n"
	"	.quad	0x7777777777777777, 0x0888888888888888\n";

static size_t frame_size(int vl)
{
	return 32 * (size_t)vl + 17 * (size_t)(vl / 8);
}

static int check_frame(const uint8_t *in, const uint8_t *out, int vl, const char *what)
{
	size_t z, i;

	for (z = 0; z < 32; z++) {
		const uint8_t *zi = in + z * vl, *zo = out + z * vl;

		if (memcmp(zi, zo, 16)) {
			ktap_diag("%s: Z%zu bits 127:0 changed", what, z);
			return 0;
		}
		for (i = 16; i < (size_t)vl; i++)
			if (zo[i]) {
				ktap_diag("%s: Z%zu byte %zu is %#x, the ABI says 0", what, z, i, zo[i]);
				return 0;
			}
	}
	for (i = 32 * (size_t)vl; i < frame_size(vl); i++)
		if (out[i]) {
			ktap_diag("%s: P/FFR byte %zu is %#x, the ABI says 0", what,
				  i - 32 * (size_t)vl, out[i]);
			return 0;
		}
	return 1;
}

static int run_at(int vl, int policy)
{
	struct lfpu_test_cfg cfg = { .policy = policy };
	uint8_t *in = calloc(1, frame_size(vl)), *out = calloc(1, frame_size(vl));
	struct lfpu_vcpu vcpu;
	struct lfpu_vm vm;
	int runs = 0, ok = 1;
	size_t i;

	snprintf(cfg.name, sizeof(cfg.name), "vl%d_%s", vl, lfpu_policy_name(policy));
	if (!in || !out || lfpu_test_vm(&vm, &cfg, clobber) || lfpu_test_vcpu(&vm, &vcpu, 0))
		return 0;
	for (;;) {
		long ret;

		for (i = 0; i < frame_size(vl); i++)
			in[i] = (uint8_t)(i * 7 + runs * 13 + vl + 1);
		memset(out, 0xee, frame_size(vl));
		ret = lfpu_sve_syscall(SYS_ioctl, vcpu.fd, LAZYFPU_RUN, 0, in, out);
		/* An -EINTR RUN (kernel work for the way out) is checked, not counted. */
		if (!(ret == -EINTR && vcpu.run->exit_reason == LAZYFPU_EXIT_INTR))
			runs++;
		else
			ret = 0;
		ok &= check_frame(in, out, vl, cfg.name);
		if ((prctl(PR_SVE_GET_VL) & PR_SVE_VL_LEN_MASK) != vl) {
			ktap_diag("%s: vector length changed", cfg.name);
			ok = 0;
		}
		if (ret || vcpu.run->exit_reason == LAZYFPU_EXIT_HLT || !ok || runs > 10)
			break;
	}
	ok &= runs == 4;
	lfpu_vcpu_destroy(&vcpu);
	lfpu_vm_destroy(&vm);
	free(in);
	free(out);
	return ok;
}

int main(void)
{
	static const int vls[] = { 16, 32, 64, 128, 256 };
	int i, p, n = sizeof(vls) / sizeof(vls[0]);

	ktap_plan(n * 3);
	for (i = 0; i < n; i++) {
		int set = -1;
		char name[64];

		if (getauxval(AT_HWCAP) & HWCAP_SVE)
			set = prctl(PR_SVE_SET_VL, vls[i]);
		for (p = LAZYFPU_FP_POLICY_LAZY; p <= LAZYFPU_FP_POLICY_EAGER; p++) {
			snprintf(name, sizeof(name), "host_sve_vl%d_%s", vls[i], lfpu_policy_name(p));
			if (set < 0)
				ktap_skip(name, "no SVE");
			else if ((set & PR_SVE_VL_LEN_MASK) != vls[i])
				ktap_skip(name, "vector length not supported by this CPU");
			else
				ktap_result(run_at(vls[i], p), name);
		}
	}
	return ktap_finished();
}
