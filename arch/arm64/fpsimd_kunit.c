// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite lazyfpu_arm64_fpsimd: which FPSIMD states SET_FPU accepts.
 */
#include <kunit/test.h>
#include <asm/ptrace.h>

#include "arm64.h"

static void lfpu_fpsimd_accepts_valid(struct kunit *test)
{
	struct user_fpsimd_state s = {};

	KUNIT_EXPECT_EQ(test, lfpu_arm64_validate_fpsimd(&s), 0);
	s.fpsr = LFPU_ARM64_FPSR_VALID;
	s.fpcr = LFPU_ARM64_FPCR_VALID;
	s.vregs[31] = ~(__uint128_t)0;
	KUNIT_EXPECT_EQ(test, lfpu_arm64_validate_fpsimd(&s), 0);
}

static void lfpu_fpsimd_rejects_reserved_bits(struct kunit *test)
{
	struct user_fpsimd_state s = {};

	s.fpsr = BIT(8);
	KUNIT_EXPECT_EQ(test, lfpu_arm64_validate_fpsimd(&s), -EINVAL);
	s.fpsr = 0;
	s.fpcr = BIT(31);
	KUNIT_EXPECT_EQ(test, lfpu_arm64_validate_fpsimd(&s), -EINVAL);
	s.fpcr = 0;
	s.__reserved[1] = 1;
	KUNIT_EXPECT_EQ(test, lfpu_arm64_validate_fpsimd(&s), -EINVAL);
}

static struct kunit_case lfpu_fpsimd_cases[] = {
	KUNIT_CASE(lfpu_fpsimd_accepts_valid),
	KUNIT_CASE(lfpu_fpsimd_rejects_reserved_bits),
	{}
};

static struct kunit_suite lfpu_fpsimd_suite = {
	.name = "lazyfpu_arm64_fpsimd",
	.test_cases = lfpu_fpsimd_cases,
};

kunit_test_suite(lfpu_fpsimd_suite);
