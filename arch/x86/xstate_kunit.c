// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite lazyfpu_x86_xstate: which XSAVE images SET_FPU accepts.
 *
 * Each rejected image is one that would make XRSTOR raise #GP in the
 * kernel, load PKRU or AMX state for the guest, or let a guest FP
 * instruction raise #XM or #MF at CPL0, if it got through.
 */
#include <kunit/test.h>
#include <linux/slab.h>
#include <asm/page.h>
#include <asm/fpu/types.h>
#include <asm/fpu/xcr.h>
#include <lazyfpu/arch.h>

#include "../../fpu/fpu.h"
#include "x86.h"

#define IMAGE_SIZE	4096
#define ALLOWED		(XFEATURE_MASK_FP | XFEATURE_MASK_SSE | XFEATURE_MASK_YMM)
#define MXCSR_MASK	0x0000ffbf

static void *good_image(struct kunit *test)
{
	u8 *img = kunit_kzalloc(test, IMAGE_SIZE, GFP_KERNEL);
	u32 mxcsr = LFPU_MXCSR_DEFAULT;
	u16 fcw = LFPU_FCW_DEFAULT;

	KUNIT_ASSERT_NOT_NULL(test, img);
	memcpy(img + LFPU_XSAVE_MXCSR_OFFSET, &mxcsr, sizeof(mxcsr));
	memcpy(img + LFPU_XSAVE_FCW_OFFSET, &fcw, sizeof(fcw));
	((struct xstate_header *)(img + LFPU_XSAVE_HDR_OFFSET))->xfeatures = ALLOWED;
	return img;
}

static int validate(void *img, u32 size)
{
	return lfpu_x86_validate_xstate(img, size, ALLOWED, MXCSR_MASK);
}

static void lfpu_xstate_accepts_valid(struct kunit *test)
{
	u8 *img = good_image(test);

	KUNIT_EXPECT_EQ(test, validate(img, IMAGE_SIZE), 0);
	/* All components in their init state is valid too. */
	((struct xstate_header *)(img + LFPU_XSAVE_HDR_OFFSET))->xfeatures = 0;
	KUNIT_EXPECT_EQ(test, validate(img, IMAGE_SIZE), 0);
}

static void lfpu_xstate_rejects_foreign_features(struct kunit *test)
{
	struct xstate_header *hdr;
	u8 *img = good_image(test);

	hdr = (struct xstate_header *)(img + LFPU_XSAVE_HDR_OFFSET);
	hdr->xfeatures = ALLOWED | XFEATURE_MASK_PKRU;
	KUNIT_EXPECT_EQ(test, validate(img, IMAGE_SIZE), -EINVAL);
	hdr->xfeatures = ALLOWED | XFEATURE_MASK_XTILE_DATA;
	KUNIT_EXPECT_EQ(test, validate(img, IMAGE_SIZE), -EINVAL);
	hdr->xfeatures = BIT_ULL(63);
	KUNIT_EXPECT_EQ(test, validate(img, IMAGE_SIZE), -EINVAL);
}

static void lfpu_xstate_rejects_compacted_and_reserved(struct kunit *test)
{
	struct xstate_header *hdr;
	u8 *img = good_image(test);
	int i;

	hdr = (struct xstate_header *)(img + LFPU_XSAVE_HDR_OFFSET);
	hdr->xcomp_bv = BIT_ULL(63) | ALLOWED;
	KUNIT_EXPECT_EQ(test, validate(img, IMAGE_SIZE), -EINVAL);
	hdr->xcomp_bv = 0;
	for (i = 0; i < ARRAY_SIZE(hdr->reserved); i++) {
		hdr->reserved[i] = 1;
		KUNIT_EXPECT_EQ(test, validate(img, IMAGE_SIZE), -EINVAL);
		hdr->reserved[i] = 0;
	}
	KUNIT_EXPECT_EQ(test, validate(img, IMAGE_SIZE), 0);
}

static void lfpu_xstate_rejects_reserved_mxcsr(struct kunit *test)
{
	u8 *img = good_image(test);
	u32 mxcsr = LFPU_MXCSR_DEFAULT | BIT(16);

	memcpy(img + LFPU_XSAVE_MXCSR_OFFSET, &mxcsr, sizeof(mxcsr));
	KUNIT_EXPECT_EQ(test, validate(img, IMAGE_SIZE), -EINVAL);
	mxcsr = LFPU_MXCSR_DEFAULT | BIT(6);	/* DAZ, outside the legacy mask */
	memcpy(img + LFPU_XSAVE_MXCSR_OFFSET, &mxcsr, sizeof(mxcsr));
	KUNIT_EXPECT_EQ(test, validate(img, IMAGE_SIZE), -EINVAL);
}

static void set_u16(u8 *img, unsigned int offset, u16 v)
{
	memcpy(img + offset, &v, sizeof(v));
}

/* Clearing any one of MXCSR's six exception masks is refused. */
static void lfpu_xstate_rejects_unmasked_sse_exceptions(struct kunit *test)
{
	struct xstate_header *hdr;
	u8 *img = good_image(test);
	u32 mxcsr;
	int bit;

	hdr = (struct xstate_header *)(img + LFPU_XSAVE_HDR_OFFSET);
	for (bit = 7; bit <= 12; bit++) {
		mxcsr = LFPU_MXCSR_DEFAULT & ~BIT(bit);
		memcpy(img + LFPU_XSAVE_MXCSR_OFFSET, &mxcsr, sizeof(mxcsr));
		hdr->xfeatures = ALLOWED;
		KUNIT_EXPECT_EQ_MSG(test, validate(img, IMAGE_SIZE), -EINVAL, "MXCSR bit %d", bit);
		/* XRSTOR loads MXCSR even with SSE and AVX in their init state. */
		hdr->xfeatures = 0;
		KUNIT_EXPECT_EQ_MSG(test, validate(img, IMAGE_SIZE), -EINVAL, "MXCSR bit %d", bit);
	}
	/* Rounding mode, FTZ and the sticky flags are the guest's to set. */
	mxcsr = LFPU_MXCSR_DEFAULT | (3U << 13) | BIT(15) | 0x3f;
	memcpy(img + LFPU_XSAVE_MXCSR_OFFSET, &mxcsr, sizeof(mxcsr));
	hdr->xfeatures = ALLOWED;
	KUNIT_EXPECT_EQ(test, validate(img, IMAGE_SIZE), 0);
}

/* With x87 state present: unmasked or pending x87 exceptions are refused. */
static void lfpu_xstate_rejects_x87_exceptions(struct kunit *test)
{
	struct xstate_header *hdr;
	u8 *img = good_image(test);
	int bit;

	hdr = (struct xstate_header *)(img + LFPU_XSAVE_HDR_OFFSET);
	for (bit = 0; bit <= 5; bit++) {
		set_u16(img, LFPU_XSAVE_FCW_OFFSET, LFPU_FCW_DEFAULT & ~BIT(bit));
		KUNIT_EXPECT_EQ_MSG(test, validate(img, IMAGE_SIZE), -EINVAL, "FCW bit %d", bit);
	}
	set_u16(img, LFPU_XSAVE_FCW_OFFSET, LFPU_FCW_DEFAULT);
	set_u16(img, LFPU_XSAVE_FSW_OFFSET, BIT(7));	/* ES */
	KUNIT_EXPECT_EQ(test, validate(img, IMAGE_SIZE), -EINVAL);
	set_u16(img, LFPU_XSAVE_FSW_OFFSET, BIT(15));	/* B */
	KUNIT_EXPECT_EQ(test, validate(img, IMAGE_SIZE), -EINVAL);
	/* Sticky flags of masked exceptions and the stack top are fine. */
	set_u16(img, LFPU_XSAVE_FSW_OFFSET, 0x3f | (5 << 11));
	KUNIT_EXPECT_EQ(test, validate(img, IMAGE_SIZE), 0);
	/* Without XSTATE_BV.FP, XRSTOR ignores these bytes: x87 gets its init state. */
	set_u16(img, LFPU_XSAVE_FCW_OFFSET, 0);
	set_u16(img, LFPU_XSAVE_FSW_OFFSET, 0xffff);
	hdr->xfeatures = ALLOWED & ~XFEATURE_MASK_FP;
	KUNIT_EXPECT_EQ(test, validate(img, IMAGE_SIZE), 0);
}

static void lfpu_xstate_rejects_short_image(struct kunit *test)
{
	u8 *img = good_image(test);

	KUNIT_EXPECT_EQ(test, validate(img, 575), -EINVAL);
	KUNIT_EXPECT_EQ(test, validate(img, 576), 0);
}

/* Standard-format offset of the YMM upper halves (CPUID(0xD, 2).EBX). */
#define YMM_OFFSET	576

static struct xstate_header *header_of(u8 *img)
{
	return (struct xstate_header *)(img + LFPU_XSAVE_HDR_OFFSET);
}

/* Bytes no register lives in, filled with junk a writer may leave there. */
static void fill_junk(u8 *img, u32 size)
{
	struct fxregs_state *fx = (struct fxregs_state *)img;

	memset(fx->padding, 0xa5, sizeof(fx->padding));
	memset(fx->sw_reserved, 0x5a, sizeof(fx->sw_reserved));
	fx->mxcsr_mask = 0x1234;
	memset(img + size - 64, 0xc3, 64);	/* past every guest component */
}

static void lfpu_xstate_canonical_form(struct kunit *test)
{
	u32 size = lfpu_arch_state_size(0);
	u8 *img = kunit_kzalloc(test, size, GFP_KERNEL);
	struct fxregs_state *fx = (struct fxregs_state *)img;
	u8 *zero = kunit_kzalloc(test, size, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, img);
	KUNIT_ASSERT_NOT_NULL(test, zero);

	/* Present-but-init components and junk: all of it disappears. */
	fx->cwd = LFPU_FCW_DEFAULT;
	fx->mxcsr = LFPU_MXCSR_DEFAULT;
	header_of(img)->xfeatures = XFEATURE_MASK_FP | XFEATURE_MASK_SSE;
	fill_junk(img, size);
	lfpu_x86_canonicalize_xstate(img);
	KUNIT_EXPECT_EQ(test, header_of(img)->xfeatures, 0);
	KUNIT_EXPECT_EQ(test, fx->cwd, LFPU_FCW_DEFAULT);
	KUNIT_EXPECT_EQ(test, fx->mxcsr, LFPU_MXCSR_DEFAULT);
	KUNIT_EXPECT_NE(test, fx->mxcsr_mask, 0x1234);
	KUNIT_EXPECT_EQ(test, memcmp(fx->padding, zero, sizeof(fx->padding)), 0);
	KUNIT_EXPECT_EQ(test, memcmp(fx->sw_reserved, zero, sizeof(fx->sw_reserved)), 0);
	KUNIT_EXPECT_EQ(test, memcmp(img + size - 64, zero, 64), 0);

	/* Stale bytes of absent components read as init values. */
	memset(fx->xmm_space, 0x77, sizeof(fx->xmm_space));
	fx->swd = 0x3800;
	header_of(img)->xfeatures = 0;
	lfpu_x86_canonicalize_xstate(img);
	KUNIT_EXPECT_EQ(test, memcmp(fx->xmm_space, zero, sizeof(fx->xmm_space)), 0);
	KUNIT_EXPECT_EQ(test, fx->swd, 0);

	/* A non-default MXCSR is SSE state: it stays, and marks SSE present. */
	fx->mxcsr = LFPU_MXCSR_DEFAULT | (1U << 13);
	lfpu_x86_canonicalize_xstate(img);
	KUNIT_EXPECT_EQ(test, fx->mxcsr, LFPU_MXCSR_DEFAULT | (1U << 13));
	KUNIT_EXPECT_EQ(test, header_of(img)->xfeatures, XFEATURE_MASK_SSE);
}

/* One image set on every x86 backend must read back identically from all. */
static void expect_backends_agree(struct kunit *test, const u8 *img, u32 size)
{
	const struct lfpu_fp_backend *const *be;
	u8 *want = kunit_kmalloc(test, size, GFP_KERNEL);
	u8 *buf = kunit_kmalloc(test, size, GFP_KERNEL);
	u8 *got = kunit_kmalloc(test, size, GFP_KERNEL);
	struct lfpu_vcpu_fp *fp = kunit_kzalloc(test, sizeof(*fp), GFP_KERNEL);
	int n = 0;

	KUNIT_ASSERT_NOT_NULL(test, want);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_NOT_NULL(test, got);
	KUNIT_ASSERT_NOT_NULL(test, fp);
	memcpy(want, img, size);
	lfpu_x86_canonicalize_xstate(want);

	for (be = lfpu_arch_backends; *be; be++, n++) {
		memset(fp, 0, sizeof(*fp));
		KUNIT_ASSERT_EQ(test, lfpu_fp_vcpu_init_backend(fp, *be, LAZYFPU_FP_POLICY_LAZY,
								0, 0, 0), 0);
		memcpy(buf, img, size);
		KUNIT_EXPECT_EQ(test, lfpu_fp_set_state(fp, buf), 0);
		KUNIT_EXPECT_EQ(test, lfpu_fp_get_state(fp, got), 0);
		KUNIT_EXPECT_EQ_MSG(test, memcmp(got, want, size), 0, "backend %s", (*be)->name);
		/* And GET, SET, GET is the identity. */
		memcpy(buf, got, size);
		KUNIT_EXPECT_EQ(test, lfpu_fp_set_state(fp, buf), 0);
		KUNIT_EXPECT_EQ(test, lfpu_fp_get_state(fp, buf), 0);
		KUNIT_EXPECT_EQ_MSG(test, memcmp(buf, got, size), 0, "backend %s", (*be)->name);
		lfpu_fp_vcpu_destroy(fp);
	}
	KUNIT_EXPECT_GE(test, n, 1);
}

static void lfpu_xstate_backends_agree(struct kunit *test)
{
	u32 size = lfpu_arch_state_size(0);
	u8 *img = kunit_kzalloc(test, size, GFP_KERNEL);
	struct fxregs_state *fx = (struct fxregs_state *)img;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, img);

	/* Every component in its init state, junk around. */
	fx->cwd = LFPU_FCW_DEFAULT;
	fx->mxcsr = LFPU_MXCSR_DEFAULT;
	fill_junk(img, size);
	expect_backends_agree(test, img, size);

	/* XSTATE_BV without x87, SSE or AVX: MXCSR still comes from the image. */
	fx->mxcsr = LFPU_MXCSR_DEFAULT | (2U << 13);
	memset(fx->xmm_space, 0x11, sizeof(fx->xmm_space));
	expect_backends_agree(test, img, size);

	/* Real register contents, AVX upper halves too where XCR0 has them. */
	header_of(img)->xfeatures = XFEATURE_MASK_FP | XFEATURE_MASK_SSE;
	fx->swd = 0x0020;	/* a masked precision exception's sticky flag */
	for (i = 0; i < sizeof(fx->xmm_space); i++)
		((u8 *)fx->xmm_space)[i] = i * 7 + 3;
	if (xgetbv(XCR_XFEATURE_ENABLED_MASK) & XFEATURE_MASK_YMM) {
		header_of(img)->xfeatures |= XFEATURE_MASK_YMM;
		memset(img + YMM_OFFSET, 0x42, 256);
	}
	expect_backends_agree(test, img, size);
}

static struct kunit_case lfpu_xstate_cases[] = {
	KUNIT_CASE(lfpu_xstate_canonical_form),
	KUNIT_CASE(lfpu_xstate_backends_agree),
	KUNIT_CASE(lfpu_xstate_accepts_valid),
	KUNIT_CASE(lfpu_xstate_rejects_foreign_features),
	KUNIT_CASE(lfpu_xstate_rejects_compacted_and_reserved),
	KUNIT_CASE(lfpu_xstate_rejects_reserved_mxcsr),
	KUNIT_CASE(lfpu_xstate_rejects_unmasked_sse_exceptions),
	KUNIT_CASE(lfpu_xstate_rejects_x87_exceptions),
	KUNIT_CASE(lfpu_xstate_rejects_short_image),
	{}
};

static struct kunit_suite lfpu_xstate_suite = {
	.name = "lazyfpu_x86_xstate",
	.test_cases = lfpu_xstate_cases,
};

kunit_test_suite(lfpu_xstate_suite);
