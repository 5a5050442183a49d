// SPDX-License-Identifier: GPL-2.0
/*
 * fpu_state: GET_FPU -> SET_FPU -> GET_FPU is bit-identical, a SET_FPU of
 * an invalid state is refused with EINVAL and changes nothing, and a state
 * set from userspace is the one the guest computes with.
 *
 * Guest FP instructions run in the kernel, where an FP exception trap is
 * fatal, so no state may unmask one: SET_FPU refuses it, and no guest
 * instruction can write a mask.  QEMU's TCG never raises these traps, so
 * the tests check the refusal and the control register, not a crash.
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

/*
 * Every FP instruction, under every rounding mode, on inputs that raise
 * the exceptions the guest ISA can raise: overflow (huge * huge), underflow
 * (tiny * tiny), invalid (inf - inf, and converting a NaN to an integer),
 * inexact with each of them.  Then OUT GETCSR.
 */
static const char every_fp_insn[] =
	"	movi	r1, data\n"
	"	movi	r3, 1\n"
	"	shl	r3, r3, 63\n"
	"	movi	r6, 4\n"
	"loop:	vld	v0, [r1]\n"		/* huge */
	"	vld	v1, [r1 + 16]\n"	/* tiny */
	"	vld	v2, [r1 + 32]\n"	/* +inf */
	"	vmov	v4, v0\n"
	"	vaddps	v4, v1\n"
	"	vmulps	v4, v4\n"
	"	vmulpd	v0, v0\n"
	"	vmulpd	v1, v1\n"
	"	vsubpd	v2, v2\n"
	"	vaddpd	v2, v0\n"
	"	vxor	v5, v2\n"
	"	vaddq	v5, v1\n"
	"	vred	r2, v5\n"
	"	cvtif	v3, r3\n"
	"	cvtfi	r4, v2\n"
	"	vst	v2, [r1 + 48]\n"
	"	setrm	down\n"
	"	setrm	up\n"
	"	setrm	zero\n"
	"	setrm	nearest\n"
	"	loop	r6, loop\n"
	"	getcsr	r5\n"
	"	out	r5, 2\n"
	"	hlt\n"
	"	.align	16\n"
	"data:	.f64	1e308, 1e308\n"
	"	.f64	1e-308, 3e-300\n"
	"	.quad	0x7ff0000000000000, 0x7ff0000000000000\n"
	"	.zero	16\n";

#if defined(__x86_64__)
#define CSR_OFFSET	24	/* MXCSR in the XSAVE legacy area */
#define BAD_CSR		0xffff0000u
#define HDR_OFFSET	512
#define VREG_OFFSET(r)	(160 + 16 * (r))

/* MXCSR: masks PM UM OM ZM DM IM at 12:7, flags PE UE OE ZE DE IE at 5:0. */
#define CSR_MASKS_INTACT(csr)	(((csr) & 0x1f80) == 0x1f80)
#define CSR_FLAGS_RAISED(csr)	(((csr) & 0x39) == 0x39)	/* PE UE OE IE */

/* Unmask one exception in @img: each is refused. */
static int n_unmasked_variants(void)
{
	return 6 + 6 + 2;
}

static void unmask_variant(uint8_t *img, int v)
{
	uint16_t fcw, fsw;
	uint32_t mxcsr;

	if (v < 6) {			/* an SSE mask, MXCSR bits 7-12 */
		memcpy(&mxcsr, img + 24, 4);
		mxcsr &= ~(1u << (7 + v));
		memcpy(img + 24, &mxcsr, 4);
		return;
	}
	img[HDR_OFFSET] |= 0x01;	/* XSTATE_BV.FP: the x87 bytes count */
	memcpy(&fcw, img, 2);
	memcpy(&fsw, img + 2, 2);
	if (v < 12)			/* an x87 mask, FCW bits 0-5 */
		fcw &= ~(1u << (v - 6));
	else				/* a pending x87 exception: FSW.ES or FSW.B */
		fsw |= v == 12 ? 0x0080 : 0x8000;
	memcpy(img, &fcw, 2);
	memcpy(img + 2, &fsw, 2);
}
#else
#define CSR_OFFSET	516	/* FPCR in struct user_fpsimd_state */
#define BAD_CSR		0x80000000u
#define VREG_OFFSET(r)	(16 * (r))

/* GETCSR is FPCR << 32 | FPSR.  Trap enables: FPCR 15, 12:8; flags: FPSR 4:0, 7. */
#define CSR_MASKS_INTACT(csr)	((((csr) >> 32) & 0x9f00) == 0)
#define CSR_FLAGS_RAISED(csr)	(((csr) & 0x1d) == 0x1d)	/* IXC UFC OFC IOC */

static int n_unmasked_variants(void)
{
	return 6;
}

static void unmask_variant(uint8_t *img, int v)
{
	static const int trap_bits[] = { 8, 9, 10, 11, 12, 15 };
	uint32_t fpcr;

	memcpy(&fpcr, img + CSR_OFFSET, 4);
	fpcr |= 1u << trap_bits[v];
	memcpy(img + CSR_OFFSET, &fpcr, 4);
}
#endif

/* Every variant of unmask_variant() is refused, and the state is unchanged. */
static int unmasked_states_refused(struct lfpu_vcpu *vcpu, const uint8_t *good,
				   uint8_t *bad, uint8_t *check, uint32_t size)
{
	int ok = 1, v;

	for (v = 0; v < n_unmasked_variants(); v++) {
		memcpy(bad, good, size);
		unmask_variant(bad, v);
		if (lfpu_vcpu_set_fpu(vcpu, bad, size) != -1 || errno != EINVAL) {
			ktap_diag("unmasking variant %d was not refused with EINVAL", v);
			ok = 0;
		}
	}
	memset(check, 0, size);
	return ok && !lfpu_vcpu_get_fpu(vcpu, check, size) && !memcmp(good, check, size);
}

/* Run every FP instruction; the masks must survive, the flags must be raised. */
static int no_insn_unmasks(const struct lfpu_test_cfg *cfg)
{
	struct lfpu_vcpu vcpu;
	struct lfpu_vm vm;
	uint64_t csr = 0;
	int ok;

	if (lfpu_test_vm(&vm, cfg, every_fp_insn) || lfpu_test_vcpu(&vm, &vcpu, 0))
		return 0;
	ok = lfpu_test_run_to_halt(&vcpu, &csr, 1) == 1;
	if (!ok || !CSR_MASKS_INTACT(csr) || !CSR_FLAGS_RAISED(csr)) {
		ktap_diag("control/status after every FP instruction: %#llx",
			  (unsigned long long)csr);
		ok = 0;
	}
	lfpu_vcpu_destroy(&vcpu);
	lfpu_vm_destroy(&vm);
	return ok;
}

#if defined(__x86_64__)
/* GETCSR, then HLT: the MXCSR the guest sees. */
static const char read_csr[] =
	"	getcsr	r1\n"
	"	out	r1, 2\n"
	"	hlt\n";

/*
 * The same image, SET on a vCPU of each backend, reads back identically
 * and gives the guest the same MXCSR.  The image is the awkward one: no
 * x87, SSE or AVX in XSTATE_BV (so the kernel's own uabi copy would keep
 * the old MXCSR, where XRSTOR loads the image's), stale XMM bytes, and
 * junk in the software-reserved bytes (where the kernel's copy puts its
 * signal-frame magic).
 */
static int backends_agree(const struct lfpu_test_cfg *cfgs, int ncfg)
{
	const uint32_t mxcsr = 0x1f80 | 1u << 13;	/* round down */
	struct lfpu_test_cfg swap = cfgs[0], xsave = cfgs[ncfg / 2];
	const struct lfpu_test_cfg *cfg[2] = { &swap, &xsave };
	uint8_t *img = NULL, *got[2] = { NULL, NULL };
	uint64_t csr[2] = { 0, 0 };
	uint32_t size = 0;
	int ok = 1, b;

	for (b = 0; b < 2; b++) {
		struct lfpu_vcpu vcpu;
		struct lfpu_vm vm;

		if (lfpu_test_vm(&vm, cfg[b], read_csr) || lfpu_test_vcpu(&vm, &vcpu, 0))
			return 0;
		if (!size) {
			size = (uint32_t)lfpu_fpu_state_size(&vm);
			img = calloc(1, size);
			got[0] = calloc(1, size);
			got[1] = calloc(1, size);
		}
		memset(img, 0, size);
		memcpy(img + CSR_OFFSET, &mxcsr, 4);
		memset(img + VREG_OFFSET(0), 0x3c, 256);
		memset(img + 464, 0xa5, 48);
		ok &= !lfpu_vcpu_set_fpu(&vcpu, img, size) && !lfpu_vcpu_get_fpu(&vcpu, got[b], size);
		ok &= lfpu_test_run_to_halt(&vcpu, &csr[b], 1) == 1;
		lfpu_vcpu_destroy(&vcpu);
		lfpu_vm_destroy(&vm);
	}
	if (memcmp(got[0], got[1], size)) {
		for (b = 0; b < (int)size && got[0][b] == got[1][b]; b++)
			;
		ktap_diag("GET_FPU differs between backends first at byte %d: %#x vs %#x", b,
			  got[0][b], got[1][b]);
		ok = 0;
	}
	if ((csr[0] & 0xffff) != mxcsr || (csr[1] & 0xffff) != mxcsr) {
		ktap_diag("guest MXCSR %#llx (%s) and %#llx (%s), want %#x",
			  (unsigned long long)csr[0], swap.name, (unsigned long long)csr[1],
			  xsave.name, mxcsr);
		ok = 0;
	}
	free(img);
	free(got[0]);
	free(got[1]);
	return ok;
}
#endif

int main(void)
{
	struct lfpu_test_cfg cfgs[8];
	int ncfg = lfpu_test_configs(cfgs, 8), i;

	ktap_plan(6 * ncfg + 1);
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

		ok = unmasked_states_refused(&vcpu, a, bad, b, size);
		snprintf(name, sizeof(name), "set_unmasked_exception_einval_unchanged_%s",
			 cfgs[i].name);
		ktap_result(ok, name);

		snprintf(name, sizeof(name), "no_guest_insn_unmasks_exceptions_%s", cfgs[i].name);
		ktap_result(no_insn_unmasks(&cfgs[i]), name);

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
#if defined(__x86_64__)
	if (ncfg > 3)
		ktap_result(backends_agree(cfgs, ncfg),
			    "x86_backends_agree_on_image_and_mxcsr");
	else
		ktap_skip("x86_backends_agree_on_image_and_mxcsr", "one backend only");
#else
	ktap_skip("x86_backends_agree_on_image_and_mxcsr", "x86 only");
#endif
	return ktap_finished();
}
