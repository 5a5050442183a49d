// SPDX-License-Identifier: GPL-2.0
/* Shared test helpers; see testlib.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../include/ktap.h"
#include "hostregs.h"
#include "testlib.h"

int lfpu_test_set_param(const char *name, const char *value)
{
	char path[128];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/sys/module/lazyfpu/parameters/%s", name);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -1;
	n = write(fd, value, strlen(value));
	close(fd);
	return n < 0 ? -1 : 0;
}

long lfpu_test_cap(long cap)
{
	int fd = open("/dev/lazyfpu", O_RDWR | O_CLOEXEC);
	long v = fd < 0 ? -1 : ioctl(fd, LAZYFPU_CHECK_EXTENSION, cap);

	if (fd >= 0)
		close(fd);
	return v;
}

/*
 * The backends the module offers (LAZYFPU_CAP_BACKENDS) decide the
 * configurations: on x86 with both, the default one (the fpstate swap)
 * and XSAVE through force_xsave; with XSAVE alone (a kernel that keeps
 * its guest-fpstate API from modules), XSAVE, which is then the default.
 */
int lfpu_test_configs(struct lfpu_test_cfg *cfgs, int max)
{
	long backends = lfpu_test_cap(LAZYFPU_CAP_BACKENDS);
	int swap = backends > 0 && (backends & (1L << LAZYFPU_BACKEND_X86_FPSTATE_SWAP));
	int xsave = backends > 0 && (backends & (1L << LAZYFPU_BACKEND_X86_XSAVE));
	struct { int force_xsave; const char *suffix; } kinds[2];
	int nkinds = 0, n = 0, p, k;

	if (swap)
		kinds[nkinds++] = (typeof(kinds[0])){ 0, "" };
	if (xsave)
		kinds[nkinds++] = (typeof(kinds[0])){ swap, "_xsave" };
	if (!nkinds)		/* arm64: the NEON backend */
		kinds[nkinds++] = (typeof(kinds[0])){ 0, "" };

	for (k = 0; k < nkinds; k++)
		for (p = LAZYFPU_FP_POLICY_LAZY; p <= LAZYFPU_FP_POLICY_EAGER && n < max; p++) {
			cfgs[n].policy = p;
			cfgs[n].xsave = kinds[k].force_xsave;
			snprintf(cfgs[n].name, sizeof(cfgs[n].name), "%s%s",
				 lfpu_policy_name(p), kinds[k].suffix);
			n++;
		}
	return n;
}

int lfpu_test_run_per_config(const struct lfpu_test_per_config *cases, int ncases)
{
	struct lfpu_test_cfg cfgs[8];
	int n = lfpu_test_configs(cfgs, 8), i, c;
	char name[96];

	ktap_plan(ncases * n);
	for (i = 0; i < n; i++)
		for (c = 0; c < ncases; c++) {
			snprintf(name, sizeof(name), "%s_%s", cases[c].name, cfgs[i].name);
			ktap_result(cases[c].run(&cfgs[i]), name);
		}
	return ktap_finished();
}

int lfpu_test_vm(struct lfpu_vm *vm, const struct lfpu_test_cfg *cfg, const char *source)
{
	char err[256];

	if (cfg->xsave && lfpu_test_set_param("force_xsave", "1"))
		return -1;
	if (lfpu_vm_create(vm, 1 << 20, cfg->policy)) {
		ktap_diag("create VM: %s", strerror(errno));
		return -1;
	}
	if (lfpu_vm_load(vm, source, err, sizeof(err))) {
		ktap_diag("assemble: %s", err);
		lfpu_vm_destroy(vm);
		return -1;
	}
	return 0;
}

int lfpu_test_vcpu(struct lfpu_vm *vm, struct lfpu_vcpu *vcpu, int id)
{
	int ret = lfpu_vcpu_create(vm, vcpu, id);

	/* The backend is chosen at vCPU creation: reset the switch. */
	lfpu_test_set_param("force_xsave", "0");
	if (ret)
		ktap_diag("create vCPU %d: %s", id, strerror(errno));
	return ret;
}

int lfpu_test_run_once(struct lfpu_vcpu *vcpu)
{
	int ret;

	do
		ret = lfpu_vcpu_run(vcpu);
	while (ret && errno == EINTR);
	return ret;
}

int lfpu_test_run_to_halt(struct lfpu_vcpu *vcpu, uint64_t *outs, int max)
{
	struct lazyfpu_run *run = vcpu->run;
	int n = 0;

	for (;;) {
		if (lfpu_vcpu_run(vcpu)) {
			if (errno == EINTR)
				continue;
			ktap_diag("RUN: %s", strerror(errno));
			return -1;
		}
		switch (run->exit_reason) {
		case LAZYFPU_EXIT_HLT:
			return n;
		case LAZYFPU_EXIT_IO:
			if (run->io.direction == LAZYFPU_IO_OUT && run->io.port == 2 && n < max)
				outs[n++] = run->io.data;
			break;
		case LAZYFPU_EXIT_FAULT:
			ktap_diag("guest fault %u at pc %#llx", run->fault.code,
				  (unsigned long long)run->fault.pc);
			return -1;
		default:
			ktap_diag("unexpected exit %u", run->exit_reason);
			return -1;
		}
	}
}

int lfpu_test_run_checking_host(struct lfpu_vcpu *vcpu, const char *what, uint64_t *outs,
				int max, int *runs, int *eintr)
{
	struct lazyfpu_run *run = vcpu->run;
	struct lfpu_host_regs in, out;
	unsigned int seed = 1;
	int n = 0;

	*runs = 0;
	*eintr = 0;
	for (;;) {
		long ret;

		lfpu_host_regs_fill(&in, seed++);
		ret = lfpu_ioctl_with_regs(vcpu->fd, LAZYFPU_RUN, 0, &in, &out);
		(*runs)++;
		if (lfpu_host_regs_compare(&in, &out, what))
			return -1;
		if (ret) {
			if (errno != EINTR || run->exit_reason != LAZYFPU_EXIT_INTR) {
				ktap_diag("%s: RUN: %s, exit %u", what, strerror(errno),
					  run->exit_reason);
				return -1;
			}
			(*eintr)++;
			continue;
		}
		if (run->exit_reason == LAZYFPU_EXIT_HLT)
			return n;
		if (run->exit_reason != LAZYFPU_EXIT_IO) {
			ktap_diag("%s: exit %u", what, run->exit_reason);
			return -1;
		}
		if (run->io.port == 2 && n < max)
			outs[n++] = run->io.data;
	}
}

int lfpu_test_load_module(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret;

	if (fd < 0)
		return -1;
	ret = (int)syscall(SYS_finit_module, fd, "", 0);
	close(fd);
	return ret;
}

int lfpu_test_unload_module(const char *name)
{
	return (int)syscall(SYS_delete_module, name, O_NONBLOCK);
}

long lfpu_test_clobber_hits(void)
{
	char buf[32] = "";
	int fd = open("/sys/module/lazyfpu_clobber/parameters/hits", O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 ? atol(buf) : -1;
}

/*
 * The tests that disturb a running guest (a timer signal, preemption,
 * migration, a softirq FPU user) run a checksum loop long
 * enough for the disturbance to hit it, and each asserts that it did.
 * The disturbances come at a rate in time, but a sanitizer kernel runs
 * each guest instruction several times slower (KASAN checks every access
 * the engine makes: 5 to 35 times the test kernels' time per program,
 * measured), so there the same loop takes several times more
 * disturbances than it needs.  The harness divides the count for those
 * kernels, by less than their slowdown, so that a loop still runs longer
 * there than the full count elsewhere.
 */
long lfpu_test_iterations(long full)
{
	const char *env = getenv("LAZYFPU_TEST_ITERATIONS_DIVISOR");
	long divisor = env ? strtol(env, NULL, 10) : 1;

	return divisor >= 2 && divisor <= full ? full / divisor : full;
}

int lfpu_test_pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

int lfpu_test_ncpus(void)
{
	return (int)sysconf(_SC_NPROCESSORS_ONLN);
}

int lfpu_test_log_open(void)
{
	int kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);

	if (kmsg >= 0)
		lseek(kmsg, 0, SEEK_END);
	return kmsg;
}

void lfpu_test_log_count(int kmsg, const char *const *needles, int *counts, int n)
{
	char rec[1024];
	ssize_t len;
	int i;

	/* EPIPE: records were overwritten before we read them; go on. */
	while ((len = read(kmsg, rec, sizeof(rec) - 1)) > 0 || (len < 0 && errno == EPIPE)) {
		if (len <= 0)
			continue;
		rec[len] = '\0';
		for (i = 0; i < n; i++)
			counts[i] += !!strstr(rec, needles[i]);
	}
}
