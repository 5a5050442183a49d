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
	s.fpcr = LFPU_ARM64_FPCR_VALID & ~LFPU_ARM64_FPCR_TRAP_ENABLES;
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

/* Each of IOE, DZE, OFE, UFE, IXE and IDE alone is refused. */
static void lfpu_fpsimd_rejects_trap_enables(struct kunit *test)
{
	static const unsigned int trap_bits[] = { 8, 9, 10, 11, 12, 15 };
	struct user_fpsimd_state s = {};
	int i;

	for (i = 0; i < ARRAY_SIZE(trap_bits); i++) {
		s.fpcr = BIT(trap_bits[i]);
		KUNIT_EXPECT_EQ_MSG(test, lfpu_arm64_validate_fpsimd(&s), -EINVAL,
				    "FPCR bit %u", trap_bits[i]);
		KUNIT_EXPECT_EQ(test, lfpu_arm64_validate_csr(0, BIT(trap_bits[i])), -EINVAL);
	}
	/* The same with the rounding mode and flush bits a guest may set. */
	s.fpcr = (3U << 22) | BIT(24) | BIT(25) | BIT(8);
	KUNIT_EXPECT_EQ(test, lfpu_arm64_validate_fpsimd(&s), -EINVAL);
	s.fpcr &= ~BIT(8);
	KUNIT_EXPECT_EQ(test, lfpu_arm64_validate_fpsimd(&s), 0);
}

static struct kunit_case lfpu_fpsimd_cases[] = {
	KUNIT_CASE(lfpu_fpsimd_accepts_valid),
	KUNIT_CASE(lfpu_fpsimd_rejects_reserved_bits),
	KUNIT_CASE(lfpu_fpsimd_rejects_trap_enables),
	{}
};

static struct kunit_suite lfpu_fpsimd_suite = {
	.name = "lazyfpu_arm64_fpsimd",
	.test_cases = lfpu_fpsimd_cases,
};

kunit_test_suite(lfpu_fpsimd_suite);
