// SPDX-License-Identifier: GPL-2.0
/*
 * softirq: kernel-mode FP users in softirq context do not corrupt guests
 * or the host thread.
 *
 * lazyfpu_clobber.ko (testmod/) arms a soft hrtimer that, every 100 us, takes
 * the FPU with kernel_fpu_begin() (kernel_neon_begin() on arm64) and
 * overwrites every vector register.  While it runs, the checksum guest and
 * the host-register check run under every FP configuration.  The module
 * counts its clobbers, so the test can tell it really ran.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ktap.h"
#include "checksum.h"
#include "../lib/hostregs.h"
#include "../lib/testlib.h"

#define CLOBBER_KO	"/lib/modules/lazyfpu_clobber.ko"
#define ITERATIONS	60000

/* One checksum run; returns whether the guest and the host state held. */
static int run_once(const struct lfpu_test_cfg *cfg, long *clobbers)
{
	uint64_t want[CHECKSUM_OUTS], got[CHECKSUM_OUTS];
	struct lfpu_vcpu vcpu;
	struct lfpu_vm vm;
	long before = lfpu_test_clobber_hits();
	long iterations = lfpu_test_iterations(ITERATIONS);
	int n, runs, eintr;
	char src[2048];

	/*
	 * Exit to userspace every 64 iterations: a backend that keeps a
	 * kernel_fpu_begin() section open for a whole RUN leaves softirqs no
	 * room to use the FPU otherwise.
	 */
	checksum_program_exiting(src, sizeof(src), iterations, "nop", 63);
	checksum_reference(iterations, want);
	if (lfpu_test_vm(&vm, cfg, src) || lfpu_test_vcpu(&vm, &vcpu, 0))
		return 0;
	n = lfpu_test_run_checking_host(&vcpu, cfg->name, got, CHECKSUM_OUTS, &runs, &eintr);
	*clobbers += lfpu_test_clobber_hits() - before;
	lfpu_vcpu_destroy(&vcpu);
	lfpu_vm_destroy(&vm);
	return n == CHECKSUM_OUTS && !memcmp(got, want, sizeof(want));
}

/*
 * A run proves something only if clobbers landed during it.  How many do
 * depends on the host (single-threaded TCG runs both vCPUs in one host
 * thread, and a short run can see few timer expiries), so the run is
 * repeated, every repetition checked, until MIN_CLOBBERS have landed or
 * MAX_ROUNDS have run; at least one clobber is required.
 */
#define MIN_CLOBBERS	20
#define MAX_ROUNDS	10

static int run(const struct lfpu_test_cfg *cfg)
{
	long clobbers = 0;
	int ok = 1, rounds;

	for (rounds = 0; ok && rounds < MAX_ROUNDS && clobbers < MIN_CLOBBERS; rounds++)
		ok = run_once(cfg, &clobbers);
	ktap_diag("%s: %ld softirq clobbers during %d run(s)", cfg->name, clobbers, rounds);
	return ok && clobbers > 0;
}

int main(void)
{
	struct lfpu_test_cfg cfgs[8];
	int n = lfpu_test_configs(cfgs, 8), i;

	ktap_plan(n);
	if (lfpu_test_load_module(CLOBBER_KO)) {
		ktap_diag("loading %s: %s", CLOBBER_KO, strerror(errno));
		for (i = 0; i < n; i++)
			ktap_result(0, cfgs[i].name);
		return ktap_finished();
	}
	for (i = 0; i < n; i++) {
		char name[64];

		snprintf(name, sizeof(name), "softirq_fpu_users_%s", cfgs[i].name);
		ktap_result(run(&cfgs[i]), name);
	}
	if (lfpu_test_unload_module("lazyfpu_clobber"))
		ktap_diag("unloading lazyfpu_clobber: %s", strerror(errno));
	return ktap_finished();
}
