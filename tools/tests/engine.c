// SPDX-License-Identifier: GPL-2.0
/*
 * engine: the interpreter's bookkeeping (vmm/engine.c), which the guest
 * cannot see but the VMM can: GET_STATS counts every instruction exactly
 * once, and execution goes on at the right pc however RUN's budget of
 * instructions between preemption points (LFPU_RUN_BUDGET, 4096) falls.
 *
 * The engine counts instructions by where a straight run of them began,
 * and tests one bound per instruction that stands for both the budget and
 * the end of guest memory; a jump, a run of FP instructions and an exit
 * each end a straight run.  So for every FP configuration:
 *  - a straight line of ADDIs several budgets long: its sum, and the count;
 *  - a loop of integer instructions, FP instructions and a taken branch,
 *    thousands of iterations, whose length is prime to the budget so that
 *    the budget ends in every kind of place: the guest's sums match what
 *    is computed here, and the count is exact;
 *  - a straight line that runs off the end of guest memory: the fault is
 *    at the end, and the count holds every instruction up to it.
 */
#include <stdio.h>
#include <sys/ioctl.h>
#include <linux/lazyfpu_isa.h>

#include "ktap.h"
#include "../lib/testlib.h"

/* Guest memory, as lfpu_test_vm() makes it. */
#define GUEST_MEMORY	(1024 * 1024)

/*
 * Long straight lines are written into guest memory word by word rather
 * than assembled: the assembler would take a few seconds for each
 * configuration on the slower test kernels.
 */
static void put_insn(struct lfpu_vm *vm, uint64_t addr, uint8_t op, uint8_t a, uint8_t b,
		     int32_t imm)
{
	uint64_t w = op | (uint64_t)a << 8 | (uint64_t)b << 16 | (uint64_t)(uint32_t)imm << 32;
	int i;

	for (i = 0; i < 8; i++)
		vm->mem[addr + i] = (uint8_t)(w >> (8 * i));
}

static int expect_count(struct lfpu_vcpu *vcpu, const char *what, uint64_t want)
{
	struct lazyfpu_vcpu_stats st;

	if (lfpu_vcpu_stats(vcpu, &st)) {
		ktap_diag("%s: GET_STATS failed", what);
		return 0;
	}
	if (st.instructions != want) {
		ktap_diag("%s: %llu instructions counted, %llu ran", what,
			  (unsigned long long)st.instructions, (unsigned long long)want);
		return 0;
	}
	return 1;
}

/* A VM running @src, and vCPU 0; 0 when both exist. */
static int setup(struct lfpu_vm *vm, struct lfpu_vcpu *vcpu, const struct lfpu_test_cfg *cfg,
		 const char *src)
{
	if (lfpu_test_vm(vm, cfg, src))
		return -1;
	if (lfpu_test_vcpu(vm, vcpu, 0)) {
		lfpu_vm_destroy(vm);
		return -1;
	}
	return 0;
}

#define STRAIGHT_ADDIS	10007	/* about 2.4 budgets */

static int straight_line(const struct lfpu_test_cfg *cfg)
{
	struct lfpu_vcpu vcpu;
	struct lfpu_vm vm;
	uint64_t out, pc;
	int ok;

	if (setup(&vm, &vcpu, cfg, "hlt\n"))
		return 0;
	for (pc = 0; pc < STRAIGHT_ADDIS * 8; pc += 8)
		put_insn(&vm, pc, LFPU_OP_ADDI, 1, 1, 3);
	put_insn(&vm, pc, LFPU_OP_OUT, 1, 0, 2);
	put_insn(&vm, pc + 8, LFPU_OP_HLT, 0, 0, 0);
	ok = lfpu_test_run_to_halt(&vcpu, &out, 1) == 1 && out == 3ULL * STRAIGHT_ADDIS;
	if (!ok)
		ktap_diag("%s: sum %llu, want %llu", cfg->name, (unsigned long long)out,
			  3ULL * STRAIGHT_ADDIS);
	ok &= expect_count(&vcpu, cfg->name, STRAIGHT_ADDIS + 2);
	lfpu_vcpu_destroy(&vcpu);
	lfpu_vm_destroy(&vm);
	return ok;
}

/*
 * 13 instructions an iteration (with the LOOP), prime to the budget:
 * integer, a run of four FP instructions, integer, a taken BNE over one
 * instruction, and a VRED that ends a run of one.
 */
#define LOOP_ITERATIONS	3001
#define LOOP_BODY	13

static const char loop_program[] =
	"	movi	r1, 3001\n"		/* LOOP_ITERATIONS */
	"	movi	r5, 1\n"
	"	cvtif	v1, r5\n"		/* v1 = { 1.0, 0 } */
	"	vxor	v0, v0\n"
	"	vxor	v2, v2\n"
	"top:\n"
	"	addi	r2, r2, 1\n"
	"	vaddpd	v0, v1\n"
	"	vaddq	v2, v1\n"
	"	vaddq	v2, v1\n"
	"	vmov	v4, v2\n"
	"	xor	r3, r3, r2\n"
	"	bne	r2, r0, over\n"		/* always taken: r0 stays 0 */
	"	addi	r4, r4, 1\n"		/* never runs */
	"over:\n"
	"	add	r6, r6, r3\n"
	"	vred	r7, v4\n"
	"	shl	r8, r7, 1\n"
	"	add	r9, r9, r8\n"
	"	mov	r11, r9\n"
	"	loop	r1, top\n"
	"	cvtfi	r10, v0\n"
	"	out	r2, 2\n"
	"	out	r4, 2\n"
	"	out	r6, 2\n"
	"	out	r9, 2\n"
	"	out	r10, 2\n"
	"	hlt\n";

/* Instructions before the loop, and after it. */
#define LOOP_PROLOGUE	5
#define LOOP_EPILOGUE	7

static int loop_with_fp(const struct lfpu_test_cfg *cfg)
{
	uint64_t out[5], r3 = 0, r6 = 0, r9 = 0, v2 = 0, want;
	struct lfpu_vcpu vcpu;
	struct lfpu_vm vm;
	uint64_t i, d;
	int n, ok;

	/* What the guest computes: v2's lane 0 gains twice v1's bits, 1.0's, each time. */
	d = 0x3ff0000000000000ULL;
	for (i = 1; i <= LOOP_ITERATIONS; i++) {
		r3 ^= i;
		r6 += r3;
		v2 += 2 * d;
		r9 += v2 << 1;
	}
	if (setup(&vm, &vcpu, cfg, loop_program))
		return 0;
	n = lfpu_test_run_to_halt(&vcpu, out, 5);
	ok = n == 5 && out[0] == LOOP_ITERATIONS && out[1] == 0 && out[2] == r6 &&
	     out[3] == r9 && out[4] == LOOP_ITERATIONS;
	if (!ok)
		ktap_diag("%s: %d outs: %llu %llu %#llx %#llx %llu, want %d 0 %#llx %#llx %d",
			  cfg->name, n, (unsigned long long)out[0], (unsigned long long)out[1],
			  (unsigned long long)out[2], (unsigned long long)out[3],
			  (unsigned long long)out[4], LOOP_ITERATIONS, (unsigned long long)r6,
			  (unsigned long long)r9, LOOP_ITERATIONS);
	want = LOOP_PROLOGUE + (uint64_t)LOOP_ITERATIONS * LOOP_BODY + LOOP_EPILOGUE;
	ok &= expect_count(&vcpu, cfg->name, want);
	lfpu_vcpu_destroy(&vcpu);
	lfpu_vm_destroy(&vm);
	return ok;
}

/*
 * A jump to the last 5000 instructions of guest memory, all ADDIs: the
 * fetch after the last faults (LAZYFPU_FAULT_MEMORY at the end of
 * memory), and every ADDI ran and counts, the fetch that faulted not.
 */
#define TAIL_ADDIS	5000

static int off_the_end(const struct lfpu_test_cfg *cfg)
{
	uint64_t tail = GUEST_MEMORY - TAIL_ADDIS * 8, pc;
	struct lazyfpu_regs regs;
	struct lfpu_vcpu vcpu;
	struct lfpu_vm vm;
	char src[32];
	int ok;

	snprintf(src, sizeof(src), "jmp %llu\n", (unsigned long long)tail);
	if (setup(&vm, &vcpu, cfg, src))
		return 0;
	for (pc = tail; pc < GUEST_MEMORY; pc += 8)
		put_insn(&vm, pc, LFPU_OP_ADDI, 1, 1, 1);
	lfpu_test_run_once(&vcpu);
	ok = vcpu.run->exit_reason == LAZYFPU_EXIT_FAULT &&
	     vcpu.run->fault.code == LAZYFPU_FAULT_MEMORY &&
	     vcpu.run->fault.pc == GUEST_MEMORY && vcpu.run->fault.addr == GUEST_MEMORY &&
	     !ioctl(vcpu.fd, LAZYFPU_GET_REGS, &regs) && regs.pc == GUEST_MEMORY &&
	     regs.gpr[1] == TAIL_ADDIS;
	if (!ok)
		ktap_diag("%s: exit %u fault %u at %#llx, r1 %llu", cfg->name,
			  vcpu.run->exit_reason, vcpu.run->fault.code,
			  (unsigned long long)vcpu.run->fault.pc, (unsigned long long)regs.gpr[1]);
	ok &= expect_count(&vcpu, cfg->name, 1 + TAIL_ADDIS);
	lfpu_vcpu_destroy(&vcpu);
	lfpu_vm_destroy(&vm);
	return ok;
}

int main(void)
{
	static const struct lfpu_test_per_config cases[] = {
		{ "straight_line_across_budgets", straight_line },
		{ "loop_with_fp_across_budgets", loop_with_fp },
		{ "run_off_the_end_counted", off_the_end },
	};

	return lfpu_test_run_per_config(cases, 3);
}
