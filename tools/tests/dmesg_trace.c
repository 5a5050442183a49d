// SPDX-License-Identifier: GPL-2.0
/*
 * dmesg_trace: the module parameter that mirrors FP ownership transitions
 * to the kernel log (Documentation/tracing.rst).
 *
 *  - it reads back as a bool does ("Y"/"N"), takes what a bool takes,
 *    and refuses anything else with EINVAL, keeping its value;
 *  - set, a guest that runs an FP instruction logs its claim and its RUN
 *    exit, and a guest that runs none still logs the RUN exit: that is
 *    the one event of a RUN that never claimed the registers, and
 *    lfpu_fp_vcpu_put() must see the parameter (a static key) to send it;
 *  - cleared, neither guest logs anything.
 *
 * Needs root (the parameter, /dev/kmsg).  The mirror prints from an
 * irq_work on the vCPU's CPU, so the log is polled for a short while.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ktap.h"
#include "../lib/testlib.h"

#define PARAM	"/sys/module/lazyfpu/parameters/dmesg_trace"

static const char fp_guest[] =
	"	vaddpd	v0, v1\n"
	"	hlt\n";

static const char no_fp_guest[] =
	"	addi	r1, r1, 1\n"
	"	hlt\n";

/* The parameter's value as sysfs shows it, e.g. "Y\n"; "" on error. */
static const char *param_value(void)
{
	static char buf[16];
	ssize_t n;
	int fd;

	buf[0] = '\0';
	fd = open(PARAM, O_RDONLY);
	if (fd < 0)
		return buf;
	n = read(fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	close(fd);
	return buf;
}

/* Write @value; 0, or the errno the write failed with. */
static int param_write(const char *value)
{
	int fd = open(PARAM, O_WRONLY), err = 0;

	if (fd < 0)
		return errno;
	if (write(fd, value, strlen(value)) < 0)
		err = errno;
	close(fd);
	return err;
}

static int expect_value(const char *want)
{
	const char *got = param_value();

	if (strcmp(got, want)) {
		ktap_diag("dmesg_trace reads \"%.*s\", want \"%.*s\"",
			  (int)strcspn(got, "\n"), got, (int)strcspn(want, "\n"), want);
		return 0;
	}
	return 1;
}

static int reads_back_as_bool(void)
{
	return expect_value("N\n") &&
	       !param_write("1") && expect_value("Y\n") &&
	       !param_write("n") && expect_value("N\n") &&
	       !param_write("on") && expect_value("Y\n") &&
	       !param_write("0") && expect_value("N\n");
}

static int refuses_garbage(void)
{
	int ok = 1, err;

	err = param_write("maybe");
	if (err != EINVAL) {
		ktap_diag("\"maybe\" while off: errno %d, want EINVAL", err);
		ok = 0;
	}
	ok &= expect_value("N\n");
	if (param_write("1"))
		return 0;
	err = param_write("2x");
	if (err != EINVAL) {
		ktap_diag("\"2x\" while on: errno %d, want EINVAL", err);
		ok = 0;
	}
	ok &= expect_value("Y\n");
	return !param_write("0") && ok;
}

/*
 * Run @program to HLT on a lazy vCPU and count the mirror's lines for
 * @claims and @run_exits.  -1 if the guest did not run.
 */
static int run_and_count(const char *program, int *claims, int *run_exits)
{
	static const char *const needles[] = { "lazyfpu: fp claim ", "lazyfpu: fp run_exit " };
	struct lfpu_test_cfg cfg = { .policy = LAZYFPU_FP_POLICY_LAZY, .name = "lazy" };
	int counts[2] = { 0, 0 };
	struct lfpu_vcpu vcpu;
	struct lfpu_vm vm;
	uint64_t outs[1];
	int kmsg, ret = -1, i;

	*claims = *run_exits = 0;
	kmsg = lfpu_test_log_open();
	if (kmsg < 0) {
		ktap_diag("/dev/kmsg: %s", strerror(errno));
		return -1;
	}
	if (lfpu_test_vm(&vm, &cfg, program))
		goto out_kmsg;
	if (lfpu_test_vcpu(&vm, &vcpu, 0))
		goto out_vm;
	ret = lfpu_test_run_to_halt(&vcpu, outs, 1) < 0 ? -1 : 0;
	lfpu_vcpu_destroy(&vcpu);
	/* The irq_work prints as soon as the CPU takes interrupts; allow 1 s. */
	for (i = 0; i < 20 && !ret; i++) {
		lfpu_test_log_count(kmsg, needles, counts, 2);
		if (counts[1])
			break;
		usleep(50000);
	}
	*claims = counts[0];
	*run_exits = counts[1];
out_vm:
	lfpu_vm_destroy(&vm);
out_kmsg:
	close(kmsg);
	return ret;
}

static int mirrored(const char *program, int want_claims)
{
	int claims, run_exits;

	if (param_write("1") || run_and_count(program, &claims, &run_exits)) {
		param_write("0");
		return 0;
	}
	if (param_write("0"))
		return 0;
	if (claims != want_claims || run_exits != 1) {
		ktap_diag("%d claim and %d run_exit lines, want %d and 1",
			  claims, run_exits, want_claims);
		return 0;
	}
	return 1;
}

static int silent_when_off(void)
{
	static const char *const programs[] = { fp_guest, no_fp_guest };
	int claims, run_exits, ok = 1, i;

	for (i = 0; i < 2; i++) {
		if (run_and_count(programs[i], &claims, &run_exits))
			return 0;
		if (claims || run_exits) {
			ktap_diag("%s guest, off: %d claim and %d run_exit lines",
				  i ? "no-FP" : "FP", claims, run_exits);
			ok = 0;
		}
	}
	return ok;
}

int main(void)
{
	static const char *const names[] = {
		"reads_back_as_bool", "refuses_garbage", "fp_guest_logs_claim_and_run_exit",
		"no_fp_guest_logs_run_exit", "silent_when_off",
	};
	unsigned int i;

	ktap_plan(5);
	if (access(PARAM, W_OK)) {
		for (i = 0; i < 5; i++)
			ktap_skip(names[i], "dmesg_trace is not writable here (not root?)");
		return ktap_finished();
	}
	ktap_result(reads_back_as_bool(), names[0]);
	ktap_result(refuses_garbage(), names[1]);
	ktap_result(mirrored(fp_guest, 1), names[2]);
	ktap_result(mirrored(no_fp_guest, 0), names[3]);
	ktap_result(silent_when_off(), names[4]);
	return ktap_finished();
}
