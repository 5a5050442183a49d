// SPDX-License-Identifier: GPL-2.0
/*
 * smoke: the system fd of /dev/lazyfpu, driven from userspace.
 *
 * Checks what a VMM does first: open the device, agree on the API version,
 * and discover capabilities, and that misuse gets the documented errno.
 * The FP state size is cross-checked against what userspace can learn
 * about the CPU by itself (CPUID on x86-64, the fixed FPSIMD layout on
 * arm64), so a module that reported a plausible but wrong size fails.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/lazyfpu.h>

#include "ktap.h"

#if defined(__x86_64__)
#include <cpuid.h>

/* Standard-format XSAVE size for XCR0's features, at least kvm_xsave's. */
static long expected_fpu_state_size(void)
{
	unsigned int eax, ebx, ecx, edx;

	__cpuid_count(0xd, 0, eax, ebx, ecx, edx);
	return ebx > 4096 ? ebx : 4096;
}
#elif defined(__aarch64__)
#include <asm/ptrace.h>

static long expected_fpu_state_size(void)
{
	return sizeof(struct user_fpsimd_state);
}
#else
#error "unsupported architecture"
#endif

static int expect_errno(long ret, int err)
{
	if (ret != -1 || errno != err) {
		ktap_diag("got %ld errno %d (%s), expected -1 errno %d (%s)",
			  ret, errno, strerror(errno), err, strerror(err));
		return 0;
	}
	return 1;
}

int main(void)
{
	struct stat st;
	long ret;
	int fd;

	ktap_plan(8);

	fd = open("/dev/lazyfpu", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		ktap_diag("open /dev/lazyfpu: %s", strerror(errno));
	ktap_result(fd >= 0 && fstat(fd, &st) == 0 && S_ISCHR(st.st_mode),
		    "open_dev_lazyfpu");
	if (fd < 0) {
		while (ktap_reported < ktap_planned)
			ktap_skip("after_open", "no /dev/lazyfpu");
		return 1;
	}

	ret = ioctl(fd, LAZYFPU_GET_API_VERSION, 0);
	if (ret != LAZYFPU_API_VERSION)
		ktap_diag("GET_API_VERSION returned %ld", ret);
	ktap_result(ret == LAZYFPU_API_VERSION, "get_api_version");

	ktap_result(expect_errno(ioctl(fd, LAZYFPU_GET_API_VERSION, 1), EINVAL),
		    "get_api_version_nonzero_arg_einval");

	ret = ioctl(fd, LAZYFPU_CHECK_EXTENSION, 0x7fffffffUL);
	ktap_result(ret == 0, "check_extension_unknown_is_zero");

	ret = ioctl(fd, LAZYFPU_CHECK_EXTENSION, LAZYFPU_CAP_FPU_STATE_SIZE);
	if (ret != expected_fpu_state_size())
		ktap_diag("FPU_STATE_SIZE is %ld, userspace expects %ld",
			  ret, expected_fpu_state_size());
	ktap_result(ret == expected_fpu_state_size(), "fpu_state_size_matches_cpu");

	/* The module under test is the real one, not the measurement build. */
	ret = ioctl(fd, LAZYFPU_CHECK_EXTENSION, LAZYFPU_CAP_NO_FP_TRACKING);
	ktap_result(ret == 0, "fp_tracking_compiled_in");

	ktap_result(expect_errno(ioctl(fd, _IO(LAZYFPUIO, 0x7f), 0), ENOTTY),
		    "unknown_ioctl_enotty");

	ktap_result(close(fd) == 0, "close");
	return ktap_finished();
}
