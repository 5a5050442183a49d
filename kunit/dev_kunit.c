// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite lazyfpu_dev: the system fd's ioctl dispatch.
 *
 * These cases call the dispatcher directly, so they pin down the errno of
 * every path, including ones a userspace test cannot reach portably.
 */
#include <kunit/test.h>
#include <linux/module.h>
#include <uapi/linux/lazyfpu.h>

#include <lazyfpu/arch.h>
#include "../vmm/vmm.h"

static void lfpu_api_version_is_stable(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, lfpu_system_ioctl(LAZYFPU_GET_API_VERSION, 0),
			(long)LAZYFPU_API_VERSION);
}

static void lfpu_api_version_rejects_argument(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, lfpu_system_ioctl(LAZYFPU_GET_API_VERSION, 1),
			(long)-EINVAL);
	KUNIT_EXPECT_EQ(test, lfpu_system_ioctl(LAZYFPU_GET_API_VERSION, ~0UL),
			(long)-EINVAL);
}

static void lfpu_unknown_capability_is_absent(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, lfpu_system_ioctl(LAZYFPU_CHECK_EXTENSION, 0), 0L);
	KUNIT_EXPECT_EQ(test, lfpu_system_ioctl(LAZYFPU_CHECK_EXTENSION, 0xffff), 0L);
	KUNIT_EXPECT_EQ(test, lfpu_system_ioctl(LAZYFPU_CHECK_EXTENSION, ~0UL), 0L);
}

static void lfpu_state_size_capability(struct kunit *test)
{
	long size = lfpu_system_ioctl(LAZYFPU_CHECK_EXTENSION,
				      LAZYFPU_CAP_FPU_STATE_SIZE);

	/* Smallest real image: arm64's 32 x 16-byte V registers + FPSR/FPCR. */
	KUNIT_EXPECT_GE(test, size, 32L * 16 + 8);
	KUNIT_EXPECT_EQ(test, size, (long)lfpu_arch_state_size(0));
}

static void lfpu_unknown_ioctl_is_enotty(struct kunit *test)
{
	/* An unused number in our type. */
	KUNIT_EXPECT_EQ(test, lfpu_system_ioctl(_IO(LAZYFPUIO, 0x7f), 0),
			(long)-ENOTTY);
	/* Our number with a different direction or size encoded. */
	KUNIT_EXPECT_EQ(test, lfpu_system_ioctl(_IOR(LAZYFPUIO, 0x00, __u32), 0),
			(long)-ENOTTY);
	/* Our number under another type byte (KVM's). */
	KUNIT_EXPECT_EQ(test, lfpu_system_ioctl(_IO(0xAE, 0x00), 0),
			(long)-ENOTTY);
}

static struct kunit_case lfpu_dev_cases[] = {
	KUNIT_CASE(lfpu_api_version_is_stable),
	KUNIT_CASE(lfpu_api_version_rejects_argument),
	KUNIT_CASE(lfpu_unknown_capability_is_absent),
	KUNIT_CASE(lfpu_state_size_capability),
	KUNIT_CASE(lfpu_unknown_ioctl_is_enotty),
	{}
};

static struct kunit_suite lfpu_dev_suite = {
	.name = "lazyfpu_dev",
	.test_cases = lfpu_dev_cases,
};

kunit_test_suite(lfpu_dev_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for lazyfpu");
/* A string works with every MODULE_IMPORT_NS() spelling (6.1 to 7.x). */
MODULE_INFO(import_ns, "EXPORTED_FOR_KUNIT_TESTING");
