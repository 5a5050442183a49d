// SPDX-License-Identifier: GPL-2.0
/*
 * signals: a signal interrupts RUN with EINTR, and the next RUN resumes the
 * guest with its state intact, even when the signal handler itself uses
 * FP; the thread's own registers are intact after every return, EINTR
 * included.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/time.h>

#include "ktap.h"
#include "checksum.h"
#include "../lib/hostregs.h"
#include "../lib/testlib.h"

static volatile double handler_result;
static volatile int handled;

/* Compiler-generated SSE/NEON code, run in the interrupted thread. */
static void on_alarm(int sig)
{
	handler_result += lfpu_host_fp_work((unsigned int)sig + handled);
	handled++;
}

static int run_interrupted(const struct lfpu_test_cfg *cfg, long iterations)
{
	struct itimerval every = { { 0, 3000 }, { 0, 3000 } }, off = {};
	uint64_t want[CHECKSUM_OUTS], got[CHECKSUM_OUTS];
	struct lfpu_vcpu vcpu;
	struct lfpu_vm vm;
	int n, runs, eintr;
	char src[2048];

	checksum_program(src, sizeof(src), iterations, "nop");
	checksum_reference(iterations, want);
	if (lfpu_test_vm(&vm, cfg, src) || lfpu_test_vcpu(&vm, &vcpu, 0))
		return 0;

	handled = 0;
	setitimer(ITIMER_REAL, &every, NULL);
	n = lfpu_test_run_checking_host(&vcpu, cfg->name, got, CHECKSUM_OUTS, &runs, &eintr);
	setitimer(ITIMER_REAL, &off, NULL);
	lfpu_vcpu_destroy(&vcpu);
	lfpu_vm_destroy(&vm);

	ktap_diag("%s: %d RUNs interrupted, %d signals handled", cfg->name, eintr, handled);
	if (!eintr)
		ktap_diag("%s: no RUN was interrupted; the test proves nothing", cfg->name);
	if (n != CHECKSUM_OUTS || memcmp(got, want, sizeof(want)))
		ktap_diag("%s: checksum differs from the reference", cfg->name);
	return eintr > 0 && n == CHECKSUM_OUTS && !memcmp(got, want, sizeof(want));
}

int main(void)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct lfpu_test_cfg cfgs[8];
	int n = lfpu_test_configs(cfgs, 8), i;

	sigaction(SIGALRM, &sa, NULL);
	ktap_plan(n);
	for (i = 0; i < n; i++) {
		char name[64];

		snprintf(name, sizeof(name), "eintr_resumes_intact_%s", cfgs[i].name);
		ktap_result(run_interrupted(&cfgs[i], lfpu_test_iterations(60000)), name);
	}
	return ktap_finished();
}
