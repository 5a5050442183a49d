/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the userspace tests share: the matrix of FP configurations they
 * run under, and a small driver that runs a vCPU to HLT collecting OUTs.
 */
#ifndef _LAZYFPU_TOOLS_TESTLIB_H
#define _LAZYFPU_TOOLS_TESTLIB_H

#include <stdint.h>

#include "vmm.h"

/* One FP configuration: a policy on a backend. */
struct lfpu_test_cfg {
	int policy;
	int xsave;	/* x86: choose the XSAVE backend with force_xsave */
	char name[32];
};

/* LAZYFPU_CHECK_EXTENSION(@cap) on a system fd; -1 on error. */
long lfpu_test_cap(long cap);

/*
 * Every configuration this host supports: the three policies, times each
 * x86 backend LAZYFPU_CAP_BACKENDS offers.  Returns how many.
 */
int lfpu_test_configs(struct lfpu_test_cfg *cfgs, int max);

/* A check run once under every FP configuration, as NAME_CONFIG. */
struct lfpu_test_per_config {
	const char *name;
	int (*run)(const struct lfpu_test_cfg *cfg);
};

/*
 * Plan and report each of @cases under each configuration of
 * lfpu_test_configs(), configuration by configuration.  Returns
 * ktap_finished(), the test program's exit status.
 */
int lfpu_test_run_per_config(const struct lfpu_test_per_config *cases, int ncases);

/* Create a VM for @cfg with 1 MiB of memory and @source loaded at 0. */
int lfpu_test_vm(struct lfpu_vm *vm, const struct lfpu_test_cfg *cfg, const char *source);

/* Create vCPU @id; fails the test program if it cannot. */
int lfpu_test_vcpu(struct lfpu_vm *vm, struct lfpu_vcpu *vcpu, int id);

/*
 * One RUN to its next exit to userspace, retrying -EINTR: RUN returns it
 * for signals and for kernel task work on the way to userspace (6.12's
 * mm_cid scan queues some every 100 ms), with the vCPU state intact.
 * Returns RUN's result otherwise (0, or -1 with errno).
 */
int lfpu_test_run_once(struct lfpu_vcpu *vcpu);

/*
 * RUN until HLT, storing the data of OUTs to port 2 into @outs (up to
 * @max).  Returns the number of OUTs, or -1 on a fault or RUN error (a
 * diagnostic says which).  -EINTR from RUN is retried.
 */
int lfpu_test_run_to_halt(struct lfpu_vcpu *vcpu, uint64_t *outs, int max);

/*
 * As lfpu_test_run_to_halt(), but every RUN is made with the thread's
 * vector registers loaded with a fresh pattern, checked when RUN returns
 * (lfpu_ioctl_with_regs()).  Counts RUNs in *@runs and the ones a signal
 * interrupted in *@eintr.  Returns the number of OUTs, or -1 when a RUN
 * failed or the host registers changed.
 */
int lfpu_test_run_checking_host(struct lfpu_vcpu *vcpu, const char *what, uint64_t *outs,
				int max, int *runs, int *eintr);

/* finit_module(@path) / delete_module(@name); 0 or -1 with errno set. */
int lfpu_test_load_module(const char *path);
int lfpu_test_unload_module(const char *name);

/* lazyfpu_clobber.ko's count of softirq clobbers so far, or -1. */
long lfpu_test_clobber_hits(void);

/*
 * How many iterations a long test guest runs: @full, divided by the
 * LAZYFPU_TEST_ITERATIONS_DIVISOR in the environment when it names a
 * number from 2 to @full (the test guest's init sets it from the kernel
 * command line's lazyfpu.iterations_divisor; see testlib.c for why).
 */
long lfpu_test_iterations(long full);

/* Pin the calling thread to @cpu. */
int lfpu_test_pin(int cpu);

/* Number of online CPUs. */
int lfpu_test_ncpus(void);

/* Write a lazyfpu module parameter; 0 or -1. */
int lfpu_test_set_param(const char *name, const char *value);

/*
 * /dev/kmsg opened for reading from now on, without blocking; -1 on
 * error.  lfpu_test_log_count() then reads the records logged since and
 * adds, for each of the @n strings in @needles, the number of records that
 * contain it to @counts[i].  Each call consumes what it read.
 */
int lfpu_test_log_open(void);
void lfpu_test_log_count(int kmsg, const char *const *needles, int *counts, int n);

#endif
