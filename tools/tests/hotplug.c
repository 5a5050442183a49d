// SPDX-License-Identifier: GPL-2.0
/*
 * hotplug: CPUs going offline and coming back online under running vCPUs.
 *
 * For every FP configuration, a vCPU thread runs the checksum guest (an
 * in-kernel exit every iteration) while CPU 1 is taken offline and brought
 * back online several times; its results must equal the reference.
 *
 * On arm64 with SVE, lazyfpu asks every CPU that comes online which SVE
 * vector lengths it has (a CPU hotplugged after load is not one the load
 * asked), and says so in the kernel log; afterwards an SVE vCPU pinned to
 * the re-onlined CPU runs at the longest offered length.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "ktap.h"
#include "checksum.h"
#include "../lib/testlib.h"

#define CPU1_ONLINE	"/sys/devices/system/cpu/cpu1/online"
#define CYCLES		4
#define ITERATIONS	40000
#define DATA		0x1000	/* guest address of the SVE test's vectors */

struct guest_thread {
	struct lfpu_vcpu vcpu;
	uint64_t outs[CHECKSUM_OUTS];
	int n;
};

static void *run_guest(void *arg)
{
	struct guest_thread *g = arg;

	g->n = lfpu_test_run_to_halt(&g->vcpu, g->outs, CHECKSUM_OUTS);
	return NULL;
}

static int set_cpu1_online(int online)
{
	int fd = open(CPU1_ONLINE, O_WRONLY), ret = -1;

	if (fd >= 0) {
		ret = write(fd, online ? "1" : "0", 1) == 1 ? 0 : -1;
		close(fd);
	}
	if (ret)
		ktap_diag("%s CPU 1: %s", online ? "onlining" : "offlining", strerror(errno));
	return ret;
}

/* Take CPU 1 down and up CYCLES times; how many cycles completed. */
static int cycle_cpu1(void)
{
	int i;

	for (i = 0; i < CYCLES; i++) {
		if (set_cpu1_online(0))
			break;
		usleep(20000);
		if (set_cpu1_online(1))
			break;
		usleep(20000);
	}
	return i;
}

static int checksum_across_hotplug(const struct lfpu_test_cfg *cfg)
{
	uint64_t want[CHECKSUM_OUTS];
	struct guest_thread g;
	struct lfpu_vm vm;
	char src[2048];
	int cycles;
	pthread_t t;

	checksum_program(src, sizeof(src), ITERATIONS, "hcall r6, 1");
	checksum_reference(ITERATIONS, want);
	if (lfpu_test_vm(&vm, cfg, src) || lfpu_test_vcpu(&vm, &g.vcpu, 0))
		return 0;
	pthread_create(&t, NULL, run_guest, &g);
	cycles = cycle_cpu1();
	pthread_join(t, NULL);
	lfpu_vcpu_destroy(&g.vcpu);
	lfpu_vm_destroy(&vm);
	ktap_diag("%s: %d offline/online cycles during the run", cfg->name, cycles);
	return cycles == CYCLES && g.n == CHECKSUM_OUTS && !memcmp(g.outs, want, sizeof(want));
}

/* An SVE vCPU at @vl, pinned to CPU 1: v0 = 1.5 + 2.5 in every lane; OUT the sum. */
static int sve_vcpu_on_cpu1(unsigned int vl)
{
	struct lfpu_test_cfg cfg = { .policy = LAZYFPU_FP_POLICY_LAZY };
	struct lazyfpu_vector_length len = { .bytes = vl };
	uint64_t out = 0, lanes = vl / 8;
	struct lfpu_vcpu vcpu;
	struct lfpu_vm vm;
	double four = 4.0;
	uint64_t four_bits;
	char src[512];
	int ok;

	double *data;
	uint64_t i;

	snprintf(src, sizeof(src),
		 "	movi	r1, %d\n"
		 "	vld.vl	v0, [r1]\n"
		 "	vld.vl	v1, [r1 + %u]\n"
		 "	vaddpd.vl	v0, v1\n"
		 "	vred.vl	r2, v0\n"
		 "	out	r2, 2\n"
		 "	hlt\n", DATA, vl);
	if (lfpu_test_vm(&vm, &cfg, src) || ioctl(vm.vm_fd, LAZYFPU_SET_VECTOR_LENGTH, &len) ||
	    lfpu_test_vcpu(&vm, &vcpu, 0))
		return 0;
	data = (double *)(vm.mem + DATA);
	for (i = 0; i < lanes; i++) {
		data[i] = 1.5;
		data[lanes + i] = 2.5;
	}
	lfpu_test_pin(1);
	ok = lfpu_test_run_to_halt(&vcpu, &out, 1) == 1;
	lfpu_test_pin(0);
	memcpy(&four_bits, &four, sizeof(four));
	ok &= out == four_bits * lanes;
	lfpu_vcpu_destroy(&vcpu);
	lfpu_vm_destroy(&vm);
	return ok;
}

int main(void)
{
	struct lfpu_test_cfg cfgs[8];
	static const char *const probe_line = "lazyfpu: CPU1 online: SVE vector lengths";
	int ncfg = lfpu_test_configs(cfgs, 8), i, kmsg, probes;
	long vqs;

	ktap_plan(ncfg + 2);
	if (lfpu_test_ncpus() < 2 || access(CPU1_ONLINE, W_OK)) {
		for (i = 0; i < ncfg + 2; i++)
			ktap_skip("hotplug", "CPU 1 cannot be taken offline here");
		return ktap_finished();
	}
	kmsg = lfpu_test_log_open();

	for (i = 0; i < ncfg; i++) {
		char name[64];

		snprintf(name, sizeof(name), "checksum_across_cpu_hotplug_%s", cfgs[i].name);
		ktap_result(checksum_across_hotplug(&cfgs[i]), name);
	}

	i = open("/dev/lazyfpu", O_RDWR);
	vqs = ioctl(i, LAZYFPU_CHECK_EXTENSION, LAZYFPU_CAP_ARM64_SVE_VQS);
	close(i);
	if (vqs <= 0) {
		ktap_skip("sve_lengths_probed_on_online", "no SVE");
		ktap_skip("sve_vcpu_runs_on_reonlined_cpu", "no SVE");
		return ktap_finished();
	}
	probes = 0;
	lfpu_test_log_count(kmsg, &probe_line, &probes, 1);
	ktap_diag("lazyfpu probed CPU 1 %d times for %d online transitions", probes,
		  ncfg * CYCLES);
	ktap_result(probes == ncfg * CYCLES, "sve_lengths_probed_on_online");
	ktap_result(sve_vcpu_on_cpu1(16 * (unsigned int)(64 - __builtin_clzl(vqs))),
		    "sve_vcpu_runs_on_reonlined_cpu");
	return ktap_finished();
}
