// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite lazyfpu_abi: validation of ioctl arguments.
 *
 * Every rule a rejected call relies on (unknown flags, non-zero padding,
 * out-of-range values) is checked here against the helpers the ioctls
 * use, including the boundaries of each range.
 */
#include <kunit/test.h>
#include <linux/mm.h>
#include <uapi/linux/lazyfpu.h>

#include "../vmm/vmm.h"

/* Any VM's limit: the check compares against the limit it is given. */
#define LFPU_TEST_MAX_MEMORY	(8ULL << 20)

static void lfpu_abi_guest_memory(struct kunit *test)
{
	struct lazyfpu_guest_memory m = { .size = PAGE_SIZE };

	KUNIT_EXPECT_EQ(test, lfpu_abi_check_guest_memory(&m, LFPU_TEST_MAX_MEMORY), 0);
	m.size = LFPU_TEST_MAX_MEMORY;
	KUNIT_EXPECT_EQ(test, lfpu_abi_check_guest_memory(&m, LFPU_TEST_MAX_MEMORY), 0);
	m.size = LFPU_TEST_MAX_MEMORY + PAGE_SIZE;
	KUNIT_EXPECT_EQ(test, lfpu_abi_check_guest_memory(&m, LFPU_TEST_MAX_MEMORY), -EINVAL);
	m.size = 0;
	KUNIT_EXPECT_EQ(test, lfpu_abi_check_guest_memory(&m, LFPU_TEST_MAX_MEMORY), -EINVAL);
	m.size = PAGE_SIZE + 8;
	KUNIT_EXPECT_EQ(test, lfpu_abi_check_guest_memory(&m, LFPU_TEST_MAX_MEMORY), -EINVAL);
	m.size = PAGE_SIZE;
	m.flags = 1;
	KUNIT_EXPECT_EQ(test, lfpu_abi_check_guest_memory(&m, LFPU_TEST_MAX_MEMORY), -EINVAL);
	m.flags = 0;
	m.pad = 1;
	KUNIT_EXPECT_EQ(test, lfpu_abi_check_guest_memory(&m, LFPU_TEST_MAX_MEMORY), -EINVAL);
}

static void lfpu_abi_fp_policy(struct kunit *test)
{
	struct lazyfpu_fp_policy p = {};

	for (p.policy = LAZYFPU_FP_POLICY_LAZY; p.policy <= LAZYFPU_FP_POLICY_EAGER; p.policy++)
		KUNIT_EXPECT_EQ(test, lfpu_abi_check_fp_policy(&p), 0);
	p.policy = LAZYFPU_FP_POLICY_EAGER + 1;
	KUNIT_EXPECT_EQ(test, lfpu_abi_check_fp_policy(&p), -EINVAL);
	p.policy = LAZYFPU_FP_POLICY_LAZY;
	p.flags = 0x80000000;
	KUNIT_EXPECT_EQ(test, lfpu_abi_check_fp_policy(&p), -EINVAL);
}

static void lfpu_abi_regs(struct kunit *test)
{
	struct lazyfpu_regs r = { .pc = ~0ULL };

	/* Any register value is fine: the guest faults on a bad pc. */
	KUNIT_EXPECT_EQ(test, lfpu_abi_check_regs(&r), 0);
	r.flags = 2;
	KUNIT_EXPECT_EQ(test, lfpu_abi_check_regs(&r), -EINVAL);
	r.flags = 0;
	r.pad = 1;
	KUNIT_EXPECT_EQ(test, lfpu_abi_check_regs(&r), -EINVAL);
}

static void lfpu_abi_fpu(struct kunit *test)
{
	struct lazyfpu_fpu f = { .size = 4096 };

	KUNIT_EXPECT_EQ(test, lfpu_abi_check_fpu(&f, 4096), 0);
	KUNIT_EXPECT_EQ(test, lfpu_abi_check_fpu(&f, 4160), -EINVAL);
	f.size = 4095;
	KUNIT_EXPECT_EQ(test, lfpu_abi_check_fpu(&f, 4096), -EINVAL);
	f.size = 4096;
	f.flags = 1;
	KUNIT_EXPECT_EQ(test, lfpu_abi_check_fpu(&f, 4096), -EINVAL);
}

static void lfpu_abi_struct_layout(struct kunit *test)
{
	/* The ABI is fixed: these sizes may never change. */
	KUNIT_EXPECT_EQ(test, sizeof(struct lazyfpu_guest_memory), 16UL);
	KUNIT_EXPECT_EQ(test, sizeof(struct lazyfpu_fp_policy), 8UL);
	KUNIT_EXPECT_EQ(test, sizeof(struct lazyfpu_regs), 144UL);
	KUNIT_EXPECT_EQ(test, sizeof(struct lazyfpu_fpu), 16UL);
	KUNIT_EXPECT_EQ(test, sizeof(struct lazyfpu_run), 288UL);
	KUNIT_EXPECT_EQ(test, sizeof(struct lazyfpu_vcpu_stats), 208UL);
	KUNIT_EXPECT_LE(test, sizeof(struct lazyfpu_run), PAGE_SIZE);
}

static struct kunit_case lfpu_abi_cases[] = {
	KUNIT_CASE(lfpu_abi_guest_memory),
	KUNIT_CASE(lfpu_abi_fp_policy),
	KUNIT_CASE(lfpu_abi_regs),
	KUNIT_CASE(lfpu_abi_fpu),
	KUNIT_CASE(lfpu_abi_struct_layout),
	{}
};

static struct kunit_suite lfpu_abi_suite = {
	.name = "lazyfpu_abi",
	.test_cases = lfpu_abi_cases,
};

kunit_test_suite(lfpu_abi_suite);
