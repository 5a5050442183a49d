// SPDX-License-Identifier: GPL-2.0
/*
 * fp_windows: consecutive guest FP instructions share one FP window
 * (vmm/engine.c, lfpu_fp_window_may_extend()), and nothing about that is
 * visible to the guest or the VMM but the cost.
 *
 * For every FP configuration:
 *  - a run of 200 FP instructions, three windows' worth and more, then an
 *    integer instruction, then five more: each one computed (the guest
 *    reports 200 and 205), and GET_STATS counts every one;
 *  - a fault in the middle of a run of FP instructions (a VLD outside
 *    guest memory) ends the run at that instruction: the exit points at
 *    it, the FP instructions before it count and their result survives;
 *    after SET_REGS repairs the address, RUN resumes there.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "ktap.h"
#include "../lib/testlib.h"

#define LONG_RUN	200
#define SHORT_RUN	5

static char *long_run_program(void)
{
	size_t per = sizeof("\tvaddpd\tv0, v1\n") - 1;
	char *src = malloc(256 + (LONG_RUN + SHORT_RUN) * per);
	char *p = src;
	int i;

	if (!src)
		exit(1);
	p += sprintf(p, "\tmovi\tr5, 1\n\tcvtif\tv1, r5\n");	/* v1 = { 1.0, 0 } */
	for (i = 0; i < LONG_RUN; i++)
		p += sprintf(p, "\tvaddpd\tv0, v1\n");
	p += sprintf(p, "\tcvtfi\tr6, v0\n\tout\tr6, 2\n\taddi\tr7, r7, 1\n");
	for (i = 0; i < SHORT_RUN; i++)
		p += sprintf(p, "\tvaddpd\tv0, v1\n");
	sprintf(p, "\tcvtfi\tr6, v0\n\tout\tr6, 2\n\thlt\n");
	return src;
}

/* cvtif, the runs, and the two cvtfi. */
#define LONG_RUN_FP_INSNS	(1 + LONG_RUN + 1 + SHORT_RUN + 1)

static int long_run(const struct lfpu_test_cfg *cfg)
{
	char *src = long_run_program();
	struct lazyfpu_vcpu_stats st;
	struct lfpu_vcpu vcpu;
	struct lfpu_vm vm;
	uint64_t outs[2];
	int n, ok;

	ok = !lfpu_test_vm(&vm, cfg, src);
	free(src);
	if (!ok)
		return 0;
	if (lfpu_test_vcpu(&vm, &vcpu, 0)) {
		lfpu_vm_destroy(&vm);
		return 0;
	}
	n = lfpu_test_run_to_halt(&vcpu, outs, 2);
	ok = n == 2 && !lfpu_vcpu_stats(&vcpu, &st);
	if (ok) {
		ktap_diag("%s: outs %llu %llu, fp_instructions %llu", cfg->name,
			  (unsigned long long)outs[0], (unsigned long long)outs[1],
			  (unsigned long long)st.fp_instructions);
		ok = outs[0] == LONG_RUN && outs[1] == LONG_RUN + SHORT_RUN &&
		     st.fp_instructions == LONG_RUN_FP_INSNS;
	}
	lfpu_vcpu_destroy(&vcpu);
	lfpu_vm_destroy(&vm);
	return ok;
}

static const char fault_program[] =
	"	movi	r5, 1\n"
	"	movi	r1, -16\n"
	"	cvtif	v1, r5\n"
	"	vaddpd	v0, v1\n"
	"	vaddpd	v0, v1\n"
	"	vaddpd	v0, v1\n"
	"	vld	v2, [r1]\n"		/* pc 48: outside guest memory */
	"	cvtfi	r6, v0\n"
	"	out	r6, 2\n"
	"	hlt\n";

#define FAULT_PC	48

static int fault_in_run(const struct lfpu_test_cfg *cfg)
{
	struct lazyfpu_vcpu_stats st;
	struct lazyfpu_regs regs;
	struct lfpu_vcpu vcpu;
	struct lfpu_vm vm;
	uint64_t out;
	int ok;

	if (lfpu_test_vm(&vm, cfg, fault_program))
		return 0;
	if (lfpu_test_vcpu(&vm, &vcpu, 0)) {
		lfpu_vm_destroy(&vm);
		return 0;
	}
	lfpu_test_run_once(&vcpu);
	ok = vcpu.run->exit_reason == LAZYFPU_EXIT_FAULT &&
	     vcpu.run->fault.code == LAZYFPU_FAULT_MEMORY &&
	     vcpu.run->fault.pc == FAULT_PC && !lfpu_vcpu_stats(&vcpu, &st) &&
	     st.fp_instructions == 4 && !ioctl(vcpu.fd, LAZYFPU_GET_REGS, &regs);
	ktap_diag("%s: exit %u fault %u at pc %llu, fp_instructions %llu", cfg->name,
		  vcpu.run->exit_reason, vcpu.run->fault.code,
		  (unsigned long long)vcpu.run->fault.pc, (unsigned long long)st.fp_instructions);
	if (ok) {
		regs.gpr[1] = 0x1000;
		ok = !ioctl(vcpu.fd, LAZYFPU_SET_REGS, &regs) &&
		     lfpu_test_run_to_halt(&vcpu, &out, 1) == 1 && out == 3;
	}
	lfpu_vcpu_destroy(&vcpu);
	lfpu_vm_destroy(&vm);
	return ok;
}

int main(void)
{
	static const struct lfpu_test_per_config cases[] = {
		{ "fp_run_across_windows", long_run },
		{ "fault_ends_fp_run", fault_in_run },
	};

	return lfpu_test_run_per_config(cases, 2);
}
