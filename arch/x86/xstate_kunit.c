// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite lazyfpu_x86_xstate: which XSAVE images SET_FPU accepts.
 *
 * Each rejected image is one that would make XRSTOR raise #GP in the
 * kernel (or load PKRU or AMX state for the guest) if it got through.
 */
#include <kunit/test.h>
#include <linux/slab.h>
#include <asm/page.h>
#include <asm/fpu/types.h>

#include "x86.h"

#define IMAGE_SIZE	4096
#define ALLOWED		(XFEATURE_MASK_FP | XFEATURE_MASK_SSE | XFEATURE_MASK_YMM)
#define MXCSR_MASK	0x0000ffbf

static void *good_image(struct kunit *test)
{
	u8 *img = kunit_kzalloc(test, IMAGE_SIZE, GFP_KERNEL);
	u32 mxcsr = LFPU_MXCSR_DEFAULT;

	KUNIT_ASSERT_NOT_NULL(test, img);
	memcpy(img + LFPU_XSAVE_MXCSR_OFFSET, &mxcsr, sizeof(mxcsr));
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

static void lfpu_xstate_rejects_short_image(struct kunit *test)
{
	u8 *img = good_image(test);

	KUNIT_EXPECT_EQ(test, validate(img, 575), -EINVAL);
	KUNIT_EXPECT_EQ(test, validate(img, 576), 0);
}

static struct kunit_case lfpu_xstate_cases[] = {
	KUNIT_CASE(lfpu_xstate_accepts_valid),
	KUNIT_CASE(lfpu_xstate_rejects_foreign_features),
	KUNIT_CASE(lfpu_xstate_rejects_compacted_and_reserved),
	KUNIT_CASE(lfpu_xstate_rejects_reserved_mxcsr),
	KUNIT_CASE(lfpu_xstate_rejects_short_image),
	{}
};

static struct kunit_suite lfpu_xstate_suite = {
	.name = "lazyfpu_x86_xstate",
	.test_cases = lfpu_xstate_cases,
};

kunit_test_suite(lfpu_xstate_suite);
