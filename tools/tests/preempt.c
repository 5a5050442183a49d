// SPDX-License-Identifier: GPL-2.0
/*
 * preempt: several vCPUs and several host FP users share one CPU.
 *
 * Two vCPU threads run long FP loops (no exits, so they are preempted in
 * the middle of RUN), while two host threads, on the same CPU, load their
 * vector registers with a pattern and call sched_yield() with it loaded,
 * over and over, checking it each time.  Every guest result must match the
 * reference and no host thread may see a foreign value.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ktap.h"
#include "checksum.h"
#include "../lib/hostregs.h"
#include "../lib/testlib.h"

#define VCPUS		2
#define HOSTS		2
#define ITERATIONS	40000

static volatile int guests_running;

struct guest {
	const struct lfpu_test_cfg *cfg;
	uint64_t outs[CHECKSUM_OUTS];
	int n;
	unsigned long long sched_outs;
};

struct host {
	int id;
	long checks;
	int bad;
};

static void *guest_main(void *arg)
{
	struct lazyfpu_vcpu_stats st = {};
	struct guest *g = arg;
	struct lfpu_vcpu vcpu;
	struct lfpu_vm vm;
	char src[2048];

	lfpu_test_pin(0);
	checksum_program(src, sizeof(src), lfpu_test_iterations(ITERATIONS), "nop");
	g->n = -1;
	if (lfpu_test_vm(&vm, g->cfg, src) == 0 && lfpu_test_vcpu(&vm, &vcpu, 0) == 0) {
		g->n = lfpu_test_run_to_halt(&vcpu, g->outs, CHECKSUM_OUTS);
		lfpu_vcpu_stats(&vcpu, &st);
		lfpu_vcpu_destroy(&vcpu);
		lfpu_vm_destroy(&vm);
	}
	g->sched_outs = st.sched_outs;
	__sync_fetch_and_sub(&guests_running, 1);
	return NULL;
}

static void *host_main(void *arg)
{
	struct lfpu_host_regs in, out;
	struct host *h = arg;
	int fd = open("/dev/lazyfpu", O_RDWR);

	lfpu_test_pin(0);
	while (guests_running && !h->bad) {
		lfpu_host_regs_fill(&in, (unsigned int)(h->id * 100000 + h->checks));
		/* A syscall with the pattern loaded: a chance to be switched out. */
		if (lfpu_ioctl_with_regs(fd, LAZYFPU_GET_API_VERSION, 0, &in, &out) < 0)
			h->bad = 1;
		h->bad |= lfpu_host_regs_compare(&in, &out, "host thread");
		sched_yield();
		h->checks++;
	}
	close(fd);
	return NULL;
}

static int run(const struct lfpu_test_cfg *cfg)
{
	struct guest guests[VCPUS] = {};
	struct host hosts[HOSTS] = {};
	pthread_t gt[VCPUS], ht[HOSTS];
	uint64_t want[CHECKSUM_OUTS];
	int i, ok = 1;
	unsigned long long preemptions = 0;

	checksum_reference(lfpu_test_iterations(ITERATIONS), want);
	guests_running = VCPUS;
	for (i = 0; i < VCPUS; i++) {
		guests[i].cfg = cfg;
		pthread_create(&gt[i], NULL, guest_main, &guests[i]);
	}
	for (i = 0; i < HOSTS; i++) {
		hosts[i].id = i + 1;
		pthread_create(&ht[i], NULL, host_main, &hosts[i]);
	}
	for (i = 0; i < VCPUS; i++) {
		pthread_join(gt[i], NULL);
		ok &= guests[i].n == CHECKSUM_OUTS && !memcmp(guests[i].outs, want, sizeof(want));
		preemptions += guests[i].sched_outs;
	}
	for (i = 0; i < HOSTS; i++) {
		pthread_join(ht[i], NULL);
		ok &= !hosts[i].bad && hosts[i].checks > 0;
	}
	ktap_diag("%s: vCPU sched-outs %llu, host checks %ld + %ld", cfg->name, preemptions,
		  hosts[0].checks, hosts[1].checks);
	if (!preemptions) {
		ktap_diag("%s: the vCPUs were never preempted; the test proves nothing", cfg->name);
		ok = 0;
	}
	return ok;
}

int main(void)
{
	struct lfpu_test_cfg cfgs[8];
	int n = lfpu_test_configs(cfgs, 8), i;

	ktap_plan(n);
	for (i = 0; i < n; i++) {
		char name[64];

		snprintf(name, sizeof(name), "shared_cpu_%s", cfgs[i].name);
		ktap_result(run(&cfgs[i]), name);
	}
	return ktap_finished();
}
