// SPDX-License-Identifier: GPL-2.0
/*
 * FP state images: GET_FPU, mutate, SET_FPU.  Each mutated image is
 * classified by the rules of api.rst (and fz_rules) as one SET_FPU must
 * accept, must refuse, or may do either with; then:
 *   - a refused SET changes nothing (GET before and after are equal);
 *   - an accepted image reads back with its state intact, and GET, SET,
 *     GET returns the same bytes;
 *   - GET never returns an image SET would refuse, and its components
 *     that are in the init state read as init values;
 *   - a guest's GETCSR sees the control word that was set.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "fuzz.h"

enum fz_class { FZ_VALID, FZ_EITHER, FZ_INVALID };

/* Large enough for any XSAVE image and for SVE at 2048 bits. */
#define FZ_IMAGE_MAX	(1 << 16)

static uint8_t fz_base[FZ_IMAGE_MAX], fz_img[FZ_IMAGE_MAX];
static uint8_t fz_got[FZ_IMAGE_MAX], fz_again[FZ_IMAGE_MAX];

static uint32_t fz_get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static void fz_put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

static bool fz_zero(const uint8_t *p, size_t len)
{
	while (len--)
		if (*p++)
			return false;
	return true;
}

#ifdef __x86_64__
#include <cpuid.h>

static uint64_t fz_get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static void fz_put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, sizeof(v));
}

/* The standard-format XSAVE image (SDM vol. 1, 13.4). */
#define X_FCW		0
#define X_FSW		2
#define X_FTW		4
#define X_MXCSR		24
#define X_MXCSR_MASK	28
#define X_ST		32
#define X_XMM		160
#define X_SW_RESERVED	416
#define X_HDR		512
#define X_XSTATE_BV	512
#define X_XCOMP_BV	520
#define X_HDR_RESERVED	528
#define X_EXTENDED	576

#define XF_X87		(1ULL << 0)
#define XF_SSE		(1ULL << 1)
#define XF_YMM		(1ULL << 2)
#define XF_PKRU		(1ULL << 9)
#define XF_AMX		((1ULL << 17) | (1ULL << 18))

#define MXCSR_MASKS	0x1f80	/* exception masks, bits 7-12 */
#define FCW_MASKS	0x3f	/* x87 exception masks, bits 0-5 */
#define FSW_ES_B	0x8080	/* x87 error summary, busy */

static struct {
	uint64_t xcr0, guest;
	uint32_t mxcsr_mask;
	uint32_t off[64], size[64];	/* extended components of the guest */
} fz_x86;

static uint64_t fz_xgetbv0(void)
{
	uint32_t lo, hi;

	asm volatile("xgetbv" : "=a" (lo), "=d" (hi) : "c" (0));
	return (uint64_t)hi << 32 | lo;
}

/* The MXCSR bits this CPU implements, as FXSAVE reports them. */
static uint32_t fz_read_mxcsr_mask(void)
{
	uint8_t fx[512] __attribute__((aligned(16))) = {};
	uint32_t mask;

	asm volatile("fxsave64 %0" : "=m" (fx));
	mask = fz_get32(fx + X_MXCSR_MASK);
	return mask ? mask : 0xffbf;
}

void fz_fpu_init(void)
{
	unsigned int eax, ebx, ecx, edx, avx2, i;
	long want;

	fz_x86.xcr0 = fz_xgetbv0();
	fz_x86.guest = fz_x86.xcr0 & ~(XF_PKRU | XF_AMX);
	fz_x86.mxcsr_mask = fz_read_mxcsr_mask();
	for (i = 2; i < 64; i++) {
		if (!(fz_x86.guest & (1ULL << i)))
			continue;
		__cpuid_count(0xd, i, eax, ebx, ecx, edx);
		fz_x86.size[i] = eax;
		fz_x86.off[i] = ebx;
	}
	/* api.rst: the standard-format image of XCR0, at least 4096 bytes. */
	__cpuid_count(0xd, 0, eax, ebx, ecx, edx);
	want = ebx > 4096 ? ebx : 4096;
	fz_count(FZ_FPU);
	if (fz.host.caps[LAZYFPU_CAP_FPU_STATE_SIZE] != want)
		fz_fail(FZ_FPU, "CAP_FPU_STATE_SIZE %ld, want %ld (CPUID 0xd)",
			fz.host.caps[LAZYFPU_CAP_FPU_STATE_SIZE], want);
	__cpuid_count(7, 0, eax, ebx, ecx, edx);
	avx2 = (ebx & (1U << 5)) && (fz_x86.xcr0 & XF_YMM);
	if (fz.host.caps[LAZYFPU_CAP_VECTOR_BYTES] != (avx2 ? 32 : 16) ||
	    fz.host.caps[LAZYFPU_CAP_ARM64_SVE_VQS])
		fz_fail(FZ_FPU, "CAP_VECTOR_BYTES %ld, CAP_ARM64_SVE_VQS %ld on x86-64 (AVX2: %u)",
			fz.host.caps[LAZYFPU_CAP_VECTOR_BYTES],
			fz.host.caps[LAZYFPU_CAP_ARM64_SVE_VQS], avx2);
}

static bool fz_in_component(uint32_t off)
{
	int i;

	for (i = 2; i < 64; i++)
		if (fz_x86.size[i] && off >= fz_x86.off[i] && off < fz_x86.off[i] + fz_x86.size[i])
			return true;
	return false;
}

static enum fz_class fz_classify(const struct fz_vm *vm, const uint8_t *img, const char **why)
{
	uint64_t bv = fz_get64(img + X_XSTATE_BV);
	uint32_t mxcsr = fz_get32(img + X_MXCSR);
	uint16_t fcw = img[X_FCW] | img[X_FCW + 1] << 8;
	uint16_t fsw = img[X_FSW] | img[X_FSW + 1] << 8;

	(void)vm;
	*why = "";
	if (bv & ~fz_x86.guest)
		*why = "XSTATE_BV outside the guest's features";
	else if (fz_get64(img + X_XCOMP_BV))
		*why = "XCOMP_BV set";
	else if (!fz_zero(img + X_HDR_RESERVED, X_EXTENDED - X_HDR_RESERVED))
		*why = "reserved header byte set";
	else if (mxcsr & ~fz_x86.mxcsr_mask)
		*why = "reserved MXCSR bit set";
	else if (fz_rules.mxcsr_masks_required && (mxcsr & MXCSR_MASKS) != MXCSR_MASKS)
		*why = "MXCSR exception unmasked";
	else if (fz_rules.fcw_masks_required && (bv & XF_X87) && (fcw & FCW_MASKS) != FCW_MASKS)
		*why = "x87 FCW exception unmasked";
	else if (fz_rules.fsw_pending_rejected && (bv & XF_X87) && (fsw & FSW_ES_B))
		*why = "x87 FSW ES or B set";
	if (**why)
		return FZ_INVALID;
	/* Without x87 state the FSW is not loaded; the rule may still apply. */
	if (fz_rules.fsw_pending_rejected && (fsw & FSW_ES_B)) {
		*why = "x87 FSW ES or B set, x87 in its init state";
		return FZ_EITHER;
	}
	return FZ_VALID;
}

static void fz_mutate(const struct fz_vm *vm, uint8_t *img)
{
	uint32_t size = vm->fpu_size, i;
	uint64_t bv = fz_get64(img + X_XSTATE_BV);

	switch (fz_below(14)) {
	case 0:
		bv ^= 1ULL << fz_below(fz_chance(70) ? 3 : 64);
		fz_put64(img + X_XSTATE_BV, bv);
		break;
	case 1:
		fz_put64(img + X_XCOMP_BV, fz_chance(50) ? 1ULL << 63 | bv : fz_u64());
		break;
	case 2:
		img[X_HDR_RESERVED + fz_below(X_EXTENDED - X_HDR_RESERVED)] = (uint8_t)(1 + fz_below(255));
		break;
	case 3:
		fz_put32(img + X_MXCSR, fz_get32(img + X_MXCSR) ^ 1U << fz_below(32));
		break;
	case 4:
		/* Valid bits with all masks, or one mask cleared. */
		i = (uint32_t)fz_u64() & fz_x86.mxcsr_mask;
		fz_put32(img + X_MXCSR, fz_chance(50) ? i | MXCSR_MASKS : i & ~(1U << (7 + fz_below(6))));
		break;
	case 5:
		img[X_FCW + fz_below(2)] ^= (uint8_t)(1U << fz_below(8));
		break;
	case 6:
		img[X_FSW + fz_below(2)] |= fz_chance(50) ? 0x80 : (uint8_t)fz_u64();
		break;
	case 7:
		fz_fill(img + X_FTW, X_MXCSR - X_FTW);	/* FTW, FOP, FIP, FDP */
		break;
	case 8:
		fz_fill(img + X_ST + 16 * fz_below(8), 10);
		fz_put64(img + X_XSTATE_BV, bv | XF_X87);
		break;
	case 9:
		fz_fill(img + X_XMM + 16 * fz_below(16), 16);
		fz_put64(img + X_XSTATE_BV, bv | (fz_chance(80) ? XF_SSE : 0));
		break;
	case 10:
		if (fz_x86.size[2]) {
			fz_fill(img + fz_x86.off[2] + 16 * fz_below(16), 16);
			fz_put64(img + X_XSTATE_BV, bv | (fz_chance(80) ? XF_YMM : 0));
		}
		break;
	case 11:
		fz_fill(img + X_SW_RESERVED + fz_below(X_HDR - X_SW_RESERVED - 8), 8);
		break;
	case 12:
		img[X_EXTENDED + fz_below(size - X_EXTENDED)] ^= (uint8_t)(1 + fz_below(255));
		break;
	default:
		fz_fill(img + X_MXCSR_MASK, 4);
		break;
	}
}

/* What an accepted image keeps: the registers of its components. */
static const char *fz_kept(const struct fz_vm *vm, const uint8_t *set, const uint8_t *got)
{
	uint64_t bv = fz_get64(set + X_XSTATE_BV);

	(void)vm;
	if ((bv & XF_SSE) && memcmp(set + X_XMM, got + X_XMM, 256))
		return "XMM registers";
	if ((bv & XF_SSE) && fz_get32(set + X_MXCSR) != fz_get32(got + X_MXCSR))
		return "MXCSR";
	if ((bv & XF_YMM) && fz_x86.size[2] &&
	    memcmp(set + fz_x86.off[2], got + fz_x86.off[2], fz_x86.size[2]))
		return "YMM upper halves";
	if ((bv & XF_X87) && memcmp(set + X_FCW, got + X_FCW, 4))
		return "x87 FCW/FSW";
	return NULL;
}

/* A GET_FPU image: init components read as init values; no stray bytes. */
static const char *fz_canonical(const struct fz_vm *vm, const uint8_t *img)
{
	uint64_t bv = fz_get64(img + X_XSTATE_BV);
	uint32_t off;
	int i;

	if (!(bv & XF_X87) && (img[X_FCW] != 0x7f || img[X_FCW + 1] != 0x03 ||
			       !fz_zero(img + X_FSW, X_MXCSR - X_FSW) ||
			       !fz_zero(img + X_ST, X_XMM - X_ST)))
		return "x87 in its init state but not reading as FCW 0x37f and zeroes";
	if (!(bv & XF_SSE) && !fz_zero(img + X_XMM, 256))
		return "SSE in its init state but XMM registers not zero";
	for (i = 2; i < 64; i++)
		if (fz_x86.size[i] && !(bv & (1ULL << i)) &&
		    !fz_zero(img + fz_x86.off[i], fz_x86.size[i]))
			return "an extended component in its init state but not zero";
	if (!fz_rules.get_fpu_canonical)
		return NULL;
	if (!fz_zero(img + X_SW_RESERVED, X_HDR - X_SW_RESERVED))
		return "bytes 416-511 not zero";
	for (off = X_EXTENDED; off < vm->fpu_size; off++)
		if (img[off] && !fz_in_component(off))
			return "a byte outside every component not zero";
	return NULL;
}

/* GETCSR (MXCSR) after an accepted SET_FPU: the image's MXCSR. */
static bool fz_csr_matches(const struct fz_vm *vm, const uint8_t *img, uint64_t csr)
{
	(void)vm;
	return !(fz_get64(img + X_XSTATE_BV) & XF_SSE) || csr == fz_get32(img + X_MXCSR);
}

bool fz_csr_masked(uint64_t csr)
{
	return !fz_rules.mxcsr_masks_required || (csr & MXCSR_MASKS) == MXCSR_MASKS;
}

#else /* arm64 */

#define FPSR_VALID	0xf800009fU	/* IOC..IXC, IDC, QC, NZCV */
#define FPCR_RES0	0xf80060f8U	/* RES0 in AArch64 */
#define FPCR_TRAPS	0x00009f00U	/* IOE, DZE, OFE, UFE, IXE; IDE */
#define FPCR_MAYBE	0x00370007U	/* FEAT_AFP bits, AArch32 Len and Stride */
#define FPCR_CHECKED	0x03c00000U	/* RMode, FZ, DN: what GETCSR must show */
#define FPSR_CHECKED	0x0800009fU	/* cumulative flags, QC (NZCV may be RES0) */

void fz_fpu_init(void)
{
	fz_count(FZ_FPU);
	if (fz.host.caps[LAZYFPU_CAP_FPU_STATE_SIZE] != 528 ||
	    fz.host.caps[LAZYFPU_CAP_VECTOR_BYTES] != 16 ||
	    (fz.host.caps[LAZYFPU_CAP_ARM64_SVE_VQS] & ~0xffffL))
		fz_fail(FZ_FPU, "arm64 capabilities: state size %ld, vector bytes %ld, SVE VQs %#lx",
			fz.host.caps[LAZYFPU_CAP_FPU_STATE_SIZE],
			fz.host.caps[LAZYFPU_CAP_VECTOR_BYTES],
			fz.host.caps[LAZYFPU_CAP_ARM64_SVE_VQS]);
}

/* FPSIMD: V0-V31, then FPSR, FPCR, 8 reserved bytes.  SVE: see api.rst. */
static uint32_t fz_csr_off(const struct fz_vm *vm)
{
	return vm->fpu_size - 16;
}

/* Where the SVE padding starts (its end is the CSR block). */
static uint32_t fz_pad_off(const struct fz_vm *vm)
{
	uint32_t vl = vm->vector_bytes;

	return vl ? 32 * vl + 17 * vl / 8 : fz_csr_off(vm);
}

static enum fz_class fz_classify(const struct fz_vm *vm, const uint8_t *img, const char **why)
{
	uint32_t csr = fz_csr_off(vm), fpsr = fz_get32(img + csr), fpcr = fz_get32(img + csr + 4);
	uint32_t pad = fz_pad_off(vm);

	*why = "";
	if (fpsr & ~FPSR_VALID)
		*why = "reserved FPSR bit set";
	else if (fpcr & FPCR_RES0)
		*why = "reserved FPCR bit set";
	else if (fz_rules.fpcr_traps_rejected && (fpcr & FPCR_TRAPS))
		*why = "FPCR trap enabled";
	else if (!fz_zero(img + csr + 8, 8))
		*why = "reserved bytes set";
	else if (fz_rules.sve_padding_rejected && !fz_zero(img + pad, csr - pad))
		*why = "SVE padding set";
	if (**why)
		return FZ_INVALID;
	if (fpcr & FPCR_MAYBE) {
		*why = "FPCR AFP, Len or Stride bits";
		return FZ_EITHER;
	}
	return FZ_VALID;
}

static void fz_mutate(const struct fz_vm *vm, uint8_t *img)
{
	uint32_t csr = fz_csr_off(vm), pad = fz_pad_off(vm);

	switch (fz_below(8)) {
	case 0:
		fz_fill(img + 16 * fz_below(csr / 16), 16);	/* V or Z, P, FFR */
		break;
	case 1:
		fz_put32(img + csr, fz_get32(img + csr) ^ 1U << fz_below(32));
		break;
	case 2:
		fz_put32(img + csr + 4, fz_get32(img + csr + 4) ^ 1U << fz_below(32));
		break;
	case 3:
		/* A trap enable, or the valid controls. */
		fz_put32(img + csr + 4, fz_chance(50) ? 1U << (8 + fz_below(8)) :
			 (uint32_t)fz_u64() & FPCR_CHECKED);
		break;
	case 4:
		fz_put32(img + csr, (uint32_t)fz_u64() & (fz_chance(80) ? FPSR_VALID : ~0U));
		break;
	case 5:
		img[csr + 8 + fz_below(8)] = (uint8_t)(1 + fz_below(255));
		break;
	case 6:
		if (csr > pad)
			img[pad + fz_below(csr - pad)] = (uint8_t)(1 + fz_below(255));
		break;
	default:
		fz_fill(img, csr);
		break;
	}
}

/* arm64 images hold nothing but state and zeroes: they read back whole. */
static const char *fz_kept(const struct fz_vm *vm, const uint8_t *set, const uint8_t *got)
{
	return memcmp(set, got, vm->fpu_size) ? "the image" : NULL;
}

static const char *fz_canonical(const struct fz_vm *vm, const uint8_t *img)
{
	(void)vm;
	(void)img;
	return NULL;
}

/* GETCSR is FPCR << 32 | FPSR. */
static bool fz_csr_matches(const struct fz_vm *vm, const uint8_t *img, uint64_t csr)
{
	uint32_t off = fz_csr_off(vm);

	return ((csr >> 32) & FPCR_CHECKED) == (fz_get32(img + off + 4) & FPCR_CHECKED) &&
	       ((uint32_t)csr & FPSR_CHECKED) == (fz_get32(img + off) & FPSR_CHECKED);
}

bool fz_csr_masked(uint64_t csr)
{
	return !fz_rules.fpcr_traps_rejected || !((csr >> 32) & FPCR_TRAPS);
}

#endif

static long fz_set_fpu(struct fz_vcpu *v, uint32_t size, const void *img)
{
	struct lazyfpu_fpu f = { .size = size };

	/* Any placement a valid buffer may have. */
	f.addr = (uintptr_t)fz_buf_ptr((enum fz_ptr)fz_below(FZ_PTR_READONLY + 1), size, img);
	return ioctl(v->fd, LAZYFPU_SET_FPU, &f);
}

/* A GET image: acceptable to SET, canonical, and it round-trips. */
static void fz_check_got(enum fz_cat cat, struct fz_vm *vm, struct fz_vcpu *v,
			 const uint8_t *got, const char *when)
{
	const char *why;
	long ret;

	if (fz_classify(vm, got, &why) == FZ_INVALID)
		fz_fail(cat, "GET_FPU %s returned an image SET_FPU must refuse: %s", when, why);
	why = fz_canonical(vm, got);
	if (why)
		fz_fail(cat, "GET_FPU %s: %s", when, why);
	ret = fz_set_fpu(v, vm->fpu_size, got);
	if (!fz_expect_ioctl(cat, IO_SET_FPU, ret, errno, 0) || ret ||
	    fz_get_fpu(cat, vm, v, fz_again))
		return;
	if (memcmp(got, fz_again, vm->fpu_size))
		fz_fail(cat, "GET, SET, GET %s: the images differ", when);
}

void fz_fpu_check_roundtrip(enum fz_cat cat, struct fz_vm *vm, struct fz_vcpu *v)
{
	if (vm->fpu_size <= FZ_IMAGE_MAX && !fz_get_fpu(cat, vm, v, fz_got))
		fz_check_got(cat, vm, v, fz_got, "after RUN");
}

/* getcsr r1; hlt at 0: the control word the guest sees. */
static void fz_guest_reads_csr(struct fz_vm *vm, struct fz_vcpu *v, const uint8_t *img)
{
	struct lazyfpu_regs regs = {};
	uint64_t code[2] = {
		fz_insn(LFPU_OP_GETCSR, 1, 0, 0, 0), fz_insn(LFPU_OP_HLT, 0, 0, 0, 0),
	};
	long ret;

	memcpy(vm->mem, code, sizeof(code));
	ret = ioctl(v->fd, LAZYFPU_SET_REGS, &regs);
	if (!fz_expect_ioctl(FZ_FPU, IO_SET_REGS, ret, errno, 0) || ret ||
	    fz_run(FZ_FPU, vm, v, 20000) || v->run->exit_reason != LAZYFPU_EXIT_HLT ||
	    fz_get_regs(FZ_FPU, v, &regs))
		return;
	if (!fz_csr_matches(vm, img, regs.gpr[1]))
		fz_fail(FZ_FPU, "the guest's GETCSR reads %#llx, not the control word SET_FPU set",
			(unsigned long long)regs.gpr[1]);
}

void fz_fpu_op(void)
{
	static const char *const class_names[] = { "valid", "either", "invalid" };
	struct fz_vm *vm;
	struct fz_vcpu *v = fz_vcpu_slot(&vm, fz_chance(50));
	enum fz_class cls;
	const char *why;
	char what[128];
	uint32_t size;
	int n, err;
	long ret;

	if (!v || vm->fpu_size > FZ_IMAGE_MAX)
		return;
	size = vm->fpu_size;
	if (fz_get_fpu(FZ_FPU, vm, v, fz_base))
		return;
	if (fz_chance(10))
		fz_check_got(FZ_FPU, vm, v, fz_base, "of the current state");
	memcpy(fz_img, fz_base, size);
	for (n = 1 + (int)fz_below(3); n; n--)
		fz_mutate(vm, fz_img);
	cls = fz_classify(vm, fz_img, &why);

	ret = fz_set_fpu(v, size, fz_img);
	err = errno;
	snprintf(what, sizeof(what), "SET_FPU of a %s image%s%s", class_names[cls],
		 *why ? ": " : "", why);
	fz_expect(FZ_FPU, what, ret, err, cls == FZ_INVALID ? EB(EINVAL) : 0,
		  EB(EINTR) | EB(ENOMEM) | (cls == FZ_EITHER ? EB(EINVAL) : 0));
	if (fz_get_fpu(FZ_FPU, vm, v, fz_got))
		return;
	if (ret) {
		if (memcmp(fz_base, fz_got, size))
			fz_fail(FZ_FPU, "SET_FPU refused an image (%s) but the state changed",
				fz_errname(err));
		return;
	}
	why = fz_kept(vm, fz_img, fz_got);
	if (why)
		fz_fail(FZ_FPU, "SET_FPU accepted an image but GET_FPU reads other %s", why);
	if (fz_chance(50))
		fz_check_got(FZ_FPU, vm, v, fz_got, "after SET_FPU");
	if (vm->mem && fz_chance(30))
		fz_guest_reads_csr(vm, v, fz_img);
}
