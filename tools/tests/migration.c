// SPDX-License-Identifier: GPL-2.0
/*
 * migration: a vCPU thread moved between CPUs, between RUNs (by itself)
 * and during one (by another thread, with sched_setaffinity()), computes
 * what it would have computed in place.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ktap.h"
#include "checksum.h"
#include "../lib/testlib.h"

#define ITERATIONS	30000

struct mover {
	pid_t tid;
	volatile int stop;
	long moves;
};

static void *mover_main(void *arg)
{
	struct mover *m = arg;
	int ncpus = lfpu_test_ncpus();

	while (!m->stop) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET((int)(m->moves % ncpus), &set);
		if (!sched_setaffinity(m->tid, sizeof(set), &set))
			m->moves++;
		usleep(2000);
	}
	return NULL;
}

static int run(const struct lfpu_test_cfg *cfg)
{
	uint64_t want[CHECKSUM_OUTS], outs[CHECKSUM_OUTS];
	struct mover m = { .tid = (pid_t)syscall(SYS_gettid) };
	struct lazyfpu_run *run;
	struct lfpu_vcpu vcpu;
	struct lfpu_vm vm;
	char src[2048];
	long iterations = lfpu_test_iterations(ITERATIONS);
	int n = 0, runs = 0, ok = 1, ncpus = lfpu_test_ncpus();
	pthread_t t;

	/* An OUT to port 5 every 1024 iterations: a RUN boundary to move at. */
	checksum_program_exiting(src, sizeof(src), iterations, "nop", 1023);
	checksum_reference(iterations, want);
	if (lfpu_test_vm(&vm, cfg, src) || lfpu_test_vcpu(&vm, &vcpu, 0))
		return 0;
	run = vcpu.run;
	pthread_create(&t, NULL, mover_main, &m);
	for (;;) {
		if (lfpu_vcpu_run(&vcpu)) {
			/* Kernel work for the way out (see api.rst): RUN again. */
			if (errno == EINTR)
				continue;
			ok = 0;
			break;
		}
		runs++;
		if (run->exit_reason == LAZYFPU_EXIT_HLT)
			break;
		if (run->exit_reason != LAZYFPU_EXIT_IO) {
			ok = 0;
			break;
		}
		if (run->io.port == 2 && n < CHECKSUM_OUTS)
			outs[n++] = run->io.data;
		else
			lfpu_test_pin(runs % ncpus);	/* move between RUNs */
	}
	m.stop = 1;
	pthread_join(t, NULL);
	lfpu_vcpu_destroy(&vcpu);
	lfpu_vm_destroy(&vm);
	ktap_diag("%s: %d RUNs, %ld moves during RUN", cfg->name, runs, m.moves);
	return ok && n == CHECKSUM_OUTS && !memcmp(outs, want, sizeof(want)) && m.moves > 1;
}

int main(void)
{
	struct lfpu_test_cfg cfgs[8];
	int n = lfpu_test_configs(cfgs, 8), i;
	cpu_set_t all;

	ktap_plan(n);
	CPU_ZERO(&all);
	for (i = 0; i < lfpu_test_ncpus(); i++)
		CPU_SET(i, &all);
	for (i = 0; i < n; i++) {
		char name[64];

		snprintf(name, sizeof(name), "migrated_%s", cfgs[i].name);
		if (lfpu_test_ncpus() < 2) {
			ktap_skip(name, "needs two CPUs");
			continue;
		}
		ktap_result(run(&cfgs[i]), name);
		sched_setaffinity(0, sizeof(all), &all);
	}
	return ktap_finished();
}
