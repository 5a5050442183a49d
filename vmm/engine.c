// SPDX-License-Identifier: GPL-2.0
/*
 * The guest engine: executes the lazyfpu guest ISA
 * (include/uapi/linux/lazyfpu_isa.h) from guest memory.
 *
 * The integer part is interpreted here, in ordinary kernel C: it never
 * touches FP/SIMD registers (the kernel is built with -mno-sse or
 * -mgeneral-regs-only).  An FP instruction goes through the FP core,
 * which makes the guest's state live and opens a window
 * (lfpu_fp_insn_begin()), then through the architecture's stub, which runs
 * the real instruction on the real registers (lfpu_arch_exec_fp()).  The
 * FP instructions that follow it run in the same window, in an inner loop
 * of their own (lfpu_exec_fp_run()), as long as the core allows
 * (lfpu_fp_window_may_extend()); the loop closes the window
 * (lfpu_fp_window_end()) before anything else runs, so the integer path
 * never has one open.
 *
 * Everything a guest can do wrong (a bad opcode or operand, a memory
 * access or jump outside guest memory) ends in a FAULT exit that describes
 * it; nothing here trusts guest input.  The engine may run inside an FP
 * window that disabled preemption, so it never sleeps and never touches
 * user memory: guest memory is kernel memory, and the run page too.
 */
#include <linux/bits.h>
#include <linux/kernel.h>
#include <linux/overflow.h>
#include <linux/string.h>
#include <lazyfpu/arch.h>

#include "vmm.h"

/* A decoded instruction word. */
struct lfpu_insn {
	u64 raw;
	u8 op;
	u8 a;
	u8 b;
	u8 c;
	s32 imm;
};

static void lfpu_decode(u64 raw, struct lfpu_insn *in)
{
	in->raw = raw;
	in->op = raw & 0xff;
	in->a = (raw >> 8) & 0xff;
	in->b = (raw >> 16) & 0xff;
	in->c = (raw >> 24) & 0xff;
	in->imm = (s32)(raw >> 32);
}

/*
 * What each operand field of each instruction may hold (LFPU_ISA_FORMS in
 * the ISA header), as a limit: a field is valid when its value is below
 * it.  A field an instruction does not use has the limit 256 and passes
 * whatever it holds; every field of an undefined opcode has the limit 0
 * (the table's zero fill) and fails.  So one comparison per field decides,
 * on every instruction, before anything indexes with a field.
 */
#define LFPU_LIMIT_NONE		256
#define LFPU_LIMIT_GPR		LAZYFPU_NR_GPRS
#define LFPU_LIMIT_VREG		LFPU_NR_VREGS
#define LFPU_LIMIT_WIDTH	(LFPU_WIDTH_VL + 1)
#define LFPU_LIMIT_WIDTH128	(LFPU_WIDTH_128 + 1)
static_assert(LFPU_WIDTH_128 == 0, "WIDTH128's limit admits exactly LFPU_WIDTH_128");

struct lfpu_insn_form {
	u16 limit_a, limit_b, limit_c;
	bool has_width;		/* c is an LFPU_FIELD_WIDTH: a vector operation */
};

#define LFPU_FORM(op_, a_, b_, c_)					\
	[LFPU_OP_##op_] = { LFPU_LIMIT_##a_, LFPU_LIMIT_##b_, LFPU_LIMIT_##c_, \
			    LFPU_FIELD_##c_ == LFPU_FIELD_WIDTH },

static const struct lfpu_insn_form lfpu_insn_forms[256] = {
	LFPU_ISA_FORMS(LFPU_FORM)
};

/* A defined opcode whose used operand fields are all in range. */
static bool lfpu_insn_well_formed(const struct lfpu_insn *in)
{
	const struct lfpu_insn_form *form = &lfpu_insn_forms[in->op];

	return (in->a < form->limit_a) & (in->b < form->limit_b) & (in->c < form->limit_c);
}

/**
 * lfpu_fp_op_writes_state() - does an FP opcode change the FP state?
 * @op: an FP opcode (LFPU_OP_*)
 *
 * Arithmetic also sets the sticky exception flags (MXCSR, FPSR), so only
 * pure reads of the vector registers leave the state clean: stores,
 * reductions and GETCSR.  This is what the lazy policy's dirty tracking
 * rests on.
 */
bool lfpu_fp_op_writes_state(u8 op)
{
	switch (op) {
	case LFPU_OP_VST:
	case LFPU_OP_VRED:
	case LFPU_OP_GETCSR:
		return false;
	default:
		return true;
	}
}

static bool lfpu_is_fp_op(u8 op)
{
	return op >= LFPU_OP_VLD && op <= LFPU_OP_CVTFI;
}

static u32 lfpu_fault(struct lfpu_vcpu *vcpu, const struct lfpu_insn *in,
		      u32 code, u64 addr)
{
	struct lazyfpu_run *run = vcpu->run;

	/* The pc stays on the faulting instruction. */
	vcpu->pc -= LFPU_INSN_BYTES;
	memset(&run->fault, 0, sizeof(run->fault));
	run->fault.code = code;
	run->fault.pc = vcpu->pc;
	run->fault.insn = in->raw;
	run->fault.addr = addr;
	return LAZYFPU_EXIT_FAULT;
}

/* A pointer to @len bytes of guest memory at @addr, or NULL. */
static void *lfpu_guest_ptr(struct lfpu_vcpu *vcpu, u64 addr, u64 len)
{
	struct lfpu_vm *vm = vcpu->vm;
	u64 end;

	if (check_add_overflow(addr, len, &end) || end > vm->mem_size)
		return NULL;
	return vm->mem + addr;
}

/* May an instruction be fetched at @addr?  @last: the last address that may. */
static bool lfpu_insn_addr_ok(u64 addr, u64 last)
{
	return IS_ALIGNED(addr, LFPU_INSN_BYTES) && addr <= last;
}

static bool lfpu_jump_ok(struct lfpu_vcpu *vcpu, u64 target)
{
	return lfpu_insn_addr_ok(target, vcpu->vm->mem_size - LFPU_INSN_BYTES);
}

static u32 lfpu_exec_hypercall(struct lfpu_vcpu *vcpu, const struct lfpu_insn *in)
{
	vcpu->stats.hypercalls++;
	switch (in->imm) {
	case LFPU_HCALL_VCPU_ID:
		vcpu->gpr[in->a] = vcpu->id;
		return LAZYFPU_EXIT_HYPERCALL;
	case LFPU_HCALL_COUNT:
		vcpu->gpr[in->a] = vcpu->stats.hypercalls;
		return LAZYFPU_EXIT_HYPERCALL;
	default:
		vcpu->stats.hypercalls--;
		return lfpu_fault(vcpu, in, LAZYFPU_FAULT_BAD_OPCODE, 0);
	}
}

static u32 lfpu_exec_fp(struct lfpu_vcpu *vcpu, const struct lfpu_insn *in)
{
	struct lfpu_fp_insn fi = {
		.op = in->op, .va = in->a, .vb = in->b, .width = in->c,
		.imm = in->imm, .vl_bytes = vcpu->fp.vector_bytes,
	};
	u32 bytes;
	u64 addr = 0;
	int ret;

	/* Nothing would set the host's registers aside for it. */
	if (!LFPU_FP_TRACKING)
		return lfpu_fault(vcpu, in, LAZYFPU_FAULT_UNSUPPORTED, 0);
	/* c, the width, is a used field only of vector operations. */
	if (!lfpu_insn_forms[in->op].has_width)
		fi.width = LFPU_WIDTH_128;
	if (in->op == LFPU_OP_SETRM && (in->imm < LFPU_RM_NEAREST || in->imm > LFPU_RM_ZERO))
		return lfpu_fault(vcpu, in, LAZYFPU_FAULT_BAD_OPCODE, 0);
	/* 256 bits needs AVX2; the SVE width needs an SVE vCPU. */
	if (fi.width == LFPU_WIDTH_VL) {
		bytes = vcpu->fp.vector_bytes;
		if (!bytes)
			return lfpu_fault(vcpu, in, LAZYFPU_FAULT_UNSUPPORTED, 0);
	} else {
		bytes = fi.width == LFPU_WIDTH_256 ? 32 : 16;
		if (bytes > lfpu_fpu_vector_bytes())
			return lfpu_fault(vcpu, in, LAZYFPU_FAULT_UNSUPPORTED, 0);
	}

	if (in->op == LFPU_OP_VLD || in->op == LFPU_OP_VST) {
		addr = vcpu->gpr[in->b] + (s64)in->imm;
		fi.mem = lfpu_guest_ptr(vcpu, addr, bytes);
		if (!fi.mem)
			return lfpu_fault(vcpu, in, LAZYFPU_FAULT_MEMORY, addr);
	}
	if (in->op == LFPU_OP_CVTIF)
		fi.gpr_in = vcpu->gpr[in->b];

	if (!lfpu_fp_in_window(&vcpu->fp))
		lfpu_fp_insn_begin(&vcpu->fp);
	ret = lfpu_arch_exec_fp(&fi);
	lfpu_fp_insn_retire(&vcpu->fp, !ret && lfpu_fp_op_writes_state(in->op));
	if (ret)
		return lfpu_fault(vcpu, in, LAZYFPU_FAULT_UNSUPPORTED, 0);

	if (in->op == LFPU_OP_VRED || in->op == LFPU_OP_GETCSR || in->op == LFPU_OP_CVTFI)
		vcpu->gpr[in->a] = fi.gpr_out;
	return LAZYFPU_EXIT_NONE;
}

/*
 * One integer instruction.  Returns LAZYFPU_EXIT_NONE to go on, or the
 * exit the instruction caused (the pc already points past it, except for
 * faults).
 */
static u32 lfpu_exec_one(struct lfpu_vcpu *vcpu, const struct lfpu_insn *in)
{
	struct lazyfpu_run *run = vcpu->run;
	u64 *r = vcpu->gpr;
	void *mem;
	u64 addr;

	if (!lfpu_insn_well_formed(in))
		return lfpu_fault(vcpu, in, LAZYFPU_FAULT_BAD_OPCODE, 0);

	switch (in->op) {
	case LFPU_OP_NOP:
		break;
	case LFPU_OP_HLT:
		return LAZYFPU_EXIT_HLT;
	case LFPU_OP_MOVI:
		r[in->a] = (s64)in->imm;
		break;
	case LFPU_OP_MOVHI:
		r[in->a] = (r[in->a] & 0xffffffffULL) | ((u64)(u32)in->imm << 32);
		break;
	case LFPU_OP_MOV:
		r[in->a] = r[in->b];
		break;
	case LFPU_OP_ADD:
		r[in->a] = r[in->b] + r[in->c];
		break;
	case LFPU_OP_SUB:
		r[in->a] = r[in->b] - r[in->c];
		break;
	case LFPU_OP_MUL:
		r[in->a] = r[in->b] * r[in->c];
		break;
	case LFPU_OP_AND:
		r[in->a] = r[in->b] & r[in->c];
		break;
	case LFPU_OP_OR:
		r[in->a] = r[in->b] | r[in->c];
		break;
	case LFPU_OP_XOR:
		r[in->a] = r[in->b] ^ r[in->c];
		break;
	case LFPU_OP_SHL:
		r[in->a] = r[in->b] << (in->imm & 63);
		break;
	case LFPU_OP_SHR:
		r[in->a] = r[in->b] >> (in->imm & 63);
		break;
	case LFPU_OP_ADDI:
		r[in->a] = r[in->b] + (s64)in->imm;
		break;
	case LFPU_OP_LD:
	case LFPU_OP_ST:
		addr = r[in->b] + (s64)in->imm;
		mem = lfpu_guest_ptr(vcpu, addr, sizeof(u64));
		if (!mem)
			return lfpu_fault(vcpu, in, LAZYFPU_FAULT_MEMORY, addr);
		/* Guest addresses need no alignment: copy bytewise. */
		if (in->op == LFPU_OP_LD) {
			__le64 v;

			memcpy(&v, mem, sizeof(v));
			r[in->a] = le64_to_cpu(v);
		} else {
			__le64 v = cpu_to_le64(r[in->a]);

			memcpy(mem, &v, sizeof(v));
		}
		break;
	case LFPU_OP_JMP:
	case LFPU_OP_BEQ:
	case LFPU_OP_BNE:
	case LFPU_OP_BLT:
	case LFPU_OP_LOOP: {
		bool taken;

		/* A fault must change nothing: LOOP counts down only once it jumps validly. */
		if (in->op == LFPU_OP_LOOP)
			taken = r[in->a] - 1 != 0;
		else if (in->op == LFPU_OP_BEQ)
			taken = r[in->a] == r[in->b];
		else if (in->op == LFPU_OP_BNE)
			taken = r[in->a] != r[in->b];
		else if (in->op == LFPU_OP_BLT)
			taken = (s64)r[in->a] < (s64)r[in->b];
		else
			taken = true;
		if (taken && !lfpu_jump_ok(vcpu, (u64)(s64)in->imm))
			return lfpu_fault(vcpu, in, LAZYFPU_FAULT_BAD_JUMP, (u64)(s64)in->imm);
		if (in->op == LFPU_OP_LOOP)
			r[in->a]--;
		if (taken)
			vcpu->pc = (u64)(s64)in->imm;
		break;
	}
	case LFPU_OP_OUT:
	case LFPU_OP_IN:
		memset(&run->io, 0, sizeof(run->io));
		run->io.direction = in->op == LFPU_OP_OUT ? LAZYFPU_IO_OUT : LAZYFPU_IO_IN;
		run->io.size = sizeof(u64);
		run->io.port = (u16)in->imm;
		if (in->op == LFPU_OP_OUT)
			run->io.data = r[in->a];
		else
			vcpu->pending_in = in->a;
		return LAZYFPU_EXIT_IO;
	case LFPU_OP_HCALL:
		return lfpu_exec_hypercall(vcpu, in);
	case LFPU_OP_YIELD:
		return LAZYFPU_EXIT_YIELD;
	default:
		return lfpu_fault(vcpu, in, LAZYFPU_FAULT_BAD_OPCODE, 0);
	}
	return LAZYFPU_EXIT_NONE;
}

/* Fetch and decode the instruction at @pc, which lfpu_insn_addr_ok() passed. */
static void lfpu_fetch(const u8 *mem, u64 pc, struct lfpu_insn *in)
{
	/* Aligned, and userspace may write it concurrently: one load. */
	lfpu_decode(le64_to_cpu(READ_ONCE(*(const __le64 *)(mem + pc))), in);
}

/*
 * The FP instruction @in, and the FP instructions that follow it, in one
 * window: each of them is fetched here, and runs in the window while it is
 * well formed and lfpu_fp_window_may_extend() agrees.  The first that does
 * not qualify is left for lfpu_engine_run() to fetch again (the window is
 * closed by then); so is an address it may not fetch from.  *@done counts
 * the instructions run, up to @budget.  Integer instructions never see a
 * window, and never pay for testing whether one is open.
 *
 * Out of line on purpose: inlined into lfpu_engine_run(), its state
 * crowds the integer loop's registers, and the integer path and the no-FP
 * RUN round trip pay for it (Documentation/performance.rst, P3 and P4);
 * a call per run of up to LFPU_FP_WINDOW_MAX_INSNS instructions costs
 * little.
 */
static noinline u32 lfpu_exec_fp_run(struct lfpu_vcpu *vcpu, struct lfpu_insn *in,
			    u64 last_pc, u32 budget, u32 *done)
{
	const u8 *mem = vcpu->vm->mem;
	u32 exit;
	u64 pc;

	if (!lfpu_insn_well_formed(in))
		return lfpu_fault(vcpu, in, LAZYFPU_FAULT_BAD_OPCODE, 0);
	for (;;) {
		exit = lfpu_exec_fp(vcpu, in);
		if (exit != LAZYFPU_EXIT_NONE || *done >= budget)
			break;
		pc = vcpu->pc;
		if (!lfpu_insn_addr_ok(pc, last_pc))
			break;
		lfpu_fetch(mem, pc, in);
		if (!lfpu_is_fp_op(in->op) || !lfpu_insn_well_formed(in) ||
		    !lfpu_fp_window_may_extend(&vcpu->fp))
			break;
		vcpu->pc = pc + LFPU_INSN_BYTES;
		(*done)++;
	}
	/* An instruction that faults before the window opens leaves it shut. */
	if (lfpu_fp_in_window(&vcpu->fp))
		lfpu_fp_window_end(&vcpu->fp);
	return exit;
}

/**
 * lfpu_engine_run() - run the guest until an exit or @budget instructions
 * @vcpu: the vCPU
 * @budget: at most this many instructions
 *
 * Context: the vCPU's task in RUN, vCPU mutex held; possibly inside an FP
 * backend section with preemption disabled (hence the budget).  No FP
 * window is open on entry or on return.  Return: the exit reason;
 * LAZYFPU_EXIT_PREEMPT when the budget ran out.
 */
u32 lfpu_engine_run(struct lfpu_vcpu *vcpu, u32 budget)
{
	static const struct lfpu_insn no_insn;
	u32 exit = LAZYFPU_EXIT_PREEMPT;
	const u8 *mem = vcpu->vm->mem;
	struct lfpu_insn in;
	u64 pc, last_pc;
	u32 done;

	if (!mem) {
		memset(&vcpu->run->fault, 0, sizeof(vcpu->run->fault));
		vcpu->run->fault.code = LAZYFPU_FAULT_NO_MEMORY;
		vcpu->run->fault.pc = vcpu->pc;
		return LAZYFPU_EXIT_FAULT;
	}
	/*
	 * Guest memory is set once, before the first vCPU exists, and is at
	 * least a page: its bounds are fixed for the whole run.
	 */
	last_pc = vcpu->vm->mem_size - LFPU_INSN_BYTES;

	for (done = 0; done < budget; ) {
		pc = vcpu->pc;
		if (!lfpu_insn_addr_ok(pc, last_pc)) {
			vcpu->pc += LFPU_INSN_BYTES;	/* lfpu_fault() steps back */
			exit = lfpu_fault(vcpu, &no_insn, LAZYFPU_FAULT_MEMORY, pc);
			break;
		}
		lfpu_fetch(mem, pc, &in);
		vcpu->pc = pc + LFPU_INSN_BYTES;
		done++;
		if (lfpu_is_fp_op(in.op))
			exit = lfpu_exec_fp_run(vcpu, &in, last_pc, budget, &done);
		else
			exit = lfpu_exec_one(vcpu, &in);
		if (exit != LAZYFPU_EXIT_NONE)
			break;
		exit = LAZYFPU_EXIT_PREEMPT;
	}
	WARN_ON_ONCE(lfpu_fp_in_window(&vcpu->fp));
	WRITE_ONCE(vcpu->stats.instructions, vcpu->stats.instructions + done);
	return exit;
}
