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

/*
 * The fields of an instruction word (guest-isa.rst).  A register field is
 * read masked to its range: the engine has checked it first
 * (lfpu_insn_fields_ok()), and the mask tells the compiler that the
 * index stays inside the register file.
 */
static_assert(LAZYFPU_NR_GPRS == 16 && LFPU_NR_VREGS == 16,
	      "register fields are checked and read as 4-bit numbers");
#define LFPU_REG_MASK		0xf

static u8 lfpu_insn_op(u64 raw)
{
	return raw & 0xff;
}

static unsigned int lfpu_insn_a(u64 raw)
{
	return (raw >> 8) & LFPU_REG_MASK;
}

static unsigned int lfpu_insn_b(u64 raw)
{
	return (raw >> 16) & LFPU_REG_MASK;
}

static unsigned int lfpu_insn_c(u64 raw)
{
	return (raw >> 24) & LFPU_REG_MASK;
}

/* Byte 3 whole: a vector instruction's width. */
static u8 lfpu_insn_width(u64 raw)
{
	return (raw >> 24) & 0xff;
}

static s32 lfpu_insn_imm(u64 raw)
{
	return (s32)(raw >> 32);
}

/*
 * Which bits of its word each defined instruction forbids, from the
 * operand forms (LFPU_ISA_FORMS in the ISA header): none of the opcode
 * byte or the immediate; none of an unused field; all but the low four
 * bits of a register field (sixteen registers); all but the low two of a
 * width, whose one value above LFPU_WIDTH_VL, 3, is refused where widths
 * are read (lfpu_exec_fp()); all of a field that must be LFPU_WIDTH_128,
 * zero.  So one AND decides, on every instruction, before any field is
 * used.  An undefined opcode forbids nothing here (the table's zero
 * fill): it fails at dispatch instead, which every opcode goes through.
 */
#define LFPU_ALLOW_NONE		0xffULL
#define LFPU_ALLOW_GPR		0x0fULL
#define LFPU_ALLOW_VREG		0x0fULL
#define LFPU_ALLOW_WIDTH	0x03ULL
#define LFPU_ALLOW_WIDTH128	0x00ULL
static_assert(LFPU_NR_VREGS - 1 == LFPU_ALLOW_VREG, "a VREG field is 4 bits");
static_assert(LFPU_WIDTH_VL + 1 == LFPU_ALLOW_WIDTH, "one width above the largest passes the mask");
static_assert(LFPU_WIDTH_128 == 0, "WIDTH128 admits exactly zero");

#define LFPU_FORBIDDEN_BITS(op_, a_, b_, c_)				\
	[LFPU_OP_##op_] = ~(0xffULL | LFPU_ALLOW_##a_ << 8 |		\
			    LFPU_ALLOW_##b_ << 16 | LFPU_ALLOW_##c_ << 24 |	\
			    0xffffffffULL << 32),

static const u64 lfpu_insn_forbidden_bits[256] = {
	LFPU_ISA_FORMS(LFPU_FORBIDDEN_BITS)
};

/*
 * Are the used operand fields in range (but see above for widths)?  For
 * a defined opcode, this is whether the word is well formed.
 */
static bool lfpu_insn_fields_ok(u64 raw)
{
	return !(raw & lfpu_insn_forbidden_bits[lfpu_insn_op(raw)]);
}

/* Is c a width, that is, is the instruction a vector operation? */
#define LFPU_HAS_WIDTH(op_, a_, b_, c_)					\
	[LFPU_OP_##op_] = LFPU_FIELD_##c_ == LFPU_FIELD_WIDTH,

static const bool lfpu_insn_has_width[256] = {
	LFPU_ISA_FORMS(LFPU_HAS_WIDTH)
};

/*
 * What else the FP engine needs to know of each FP opcode, as flags, so
 * that an FP instruction pays one table read for all of it.
 */
#define LFPU_FP_MEM		BIT(0)	/* accesses memory at rb + imm */
#define LFPU_FP_GPR_IN		BIT(1)	/* reads rb */
#define LFPU_FP_GPR_OUT		BIT(2)	/* writes ra */
#define LFPU_FP_WRITES		BIT(3)	/* changes the FP state (below) */
#define LFPU_FP_RM		BIT(4)	/* imm is a rounding mode */

/*
 * Arithmetic also sets the sticky exception flags (MXCSR, FPSR), so only
 * pure reads of the vector registers leave the state clean: stores,
 * reductions and GETCSR.  This is what the lazy policy's dirty tracking
 * rests on.
 */
static const u8 lfpu_fp_op_effects[256] = {
	[LFPU_OP_VLD] = LFPU_FP_MEM | LFPU_FP_WRITES,
	[LFPU_OP_VST] = LFPU_FP_MEM,
	[LFPU_OP_VMOV] = LFPU_FP_WRITES,
	[LFPU_OP_VADDPS] = LFPU_FP_WRITES,
	[LFPU_OP_VMULPS] = LFPU_FP_WRITES,
	[LFPU_OP_VADDPD] = LFPU_FP_WRITES,
	[LFPU_OP_VMULPD] = LFPU_FP_WRITES,
	[LFPU_OP_VSUBPD] = LFPU_FP_WRITES,
	[LFPU_OP_VXOR] = LFPU_FP_WRITES,
	[LFPU_OP_VADDQ] = LFPU_FP_WRITES,
	[LFPU_OP_VRED] = LFPU_FP_GPR_OUT,
	[LFPU_OP_SETRM] = LFPU_FP_RM | LFPU_FP_WRITES,
	[LFPU_OP_GETCSR] = LFPU_FP_GPR_OUT,
	[LFPU_OP_CVTIF] = LFPU_FP_GPR_IN | LFPU_FP_WRITES,
	[LFPU_OP_CVTFI] = LFPU_FP_GPR_OUT | LFPU_FP_WRITES,
};

static bool lfpu_is_fp_op(u8 op)
{
	return op >= LFPU_OP_VLD && op <= LFPU_OP_CVTFI;
}

/*
 * The instruction @raw at @pc faults: describe it in the run page and
 * leave the pc on it.
 */
static u32 lfpu_fault(struct lfpu_vcpu *vcpu, u64 pc, u64 raw, u32 code, u64 addr)
{
	struct lazyfpu_run *run = vcpu->run;

	vcpu->pc = pc;
	memset(&run->fault, 0, sizeof(run->fault));
	run->fault.code = code;
	run->fault.pc = pc;
	run->fault.insn = raw;
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

/*
 * May an instruction be fetched at @addr?  @last: the last address that
 * may.  The engine checks alignment where a pc comes from outside (RUN
 * entry, SET_REGS) and at every jump, so that stepping from one
 * instruction to the next needs only the bound (addr <= last).
 */
static bool lfpu_insn_addr_ok(u64 addr, u64 last)
{
	return IS_ALIGNED(addr, LFPU_INSN_BYTES) && addr <= last;
}

/* Fetch the word at @pc, which lfpu_insn_addr_ok() passed. */
static u64 lfpu_fetch(const u8 *mem, u64 pc)
{
	/* Aligned, and userspace may write it concurrently: one load. */
	return le64_to_cpu(READ_ONCE(*(const __le64 *)(mem + pc)));
}

/*
 * A hypercall: HCALL @raw at @pc, which is well formed.  Return: the exit,
 * with the pc past the instruction unless it faults.
 */
static u32 lfpu_exec_hypercall(struct lfpu_vcpu *vcpu, u64 pc, u64 raw)
{
	u64 *ra = &vcpu->gpr[lfpu_insn_a(raw)];

	switch (lfpu_insn_imm(raw)) {
	case LFPU_HCALL_VCPU_ID:
		*ra = vcpu->id;
		break;
	case LFPU_HCALL_COUNT:
		*ra = vcpu->stats.hypercalls + 1;
		break;
	default:
		return lfpu_fault(vcpu, pc, raw, LAZYFPU_FAULT_BAD_OPCODE, 0);
	}
	vcpu->stats.hypercalls++;
	vcpu->pc = pc + LFPU_INSN_BYTES;
	return LAZYFPU_EXIT_HYPERCALL;
}

/*
 * OUT or IN @raw at @pc, which is well formed: fill in the run page's I/O
 * exit.  Return: LAZYFPU_EXIT_IO, with the pc past the instruction.
 */
static u32 lfpu_exec_io(struct lfpu_vcpu *vcpu, u64 pc, u64 raw)
{
	struct lazyfpu_run *run = vcpu->run;
	bool out = lfpu_insn_op(raw) == LFPU_OP_OUT;

	memset(&run->io, 0, sizeof(run->io));
	run->io.direction = out ? LAZYFPU_IO_OUT : LAZYFPU_IO_IN;
	run->io.size = sizeof(u64);
	run->io.port = (u16)lfpu_insn_imm(raw);
	if (out)
		run->io.data = vcpu->gpr[lfpu_insn_a(raw)];
	else
		vcpu->pending_in = lfpu_insn_a(raw);
	vcpu->pc = pc + LFPU_INSN_BYTES;
	return LAZYFPU_EXIT_IO;
}

/*
 * One FP instruction, @raw at @pc, whose fields passed
 * lfpu_insn_fields_ok(): check what the forbidden bits cannot (the width
 * and whether this host and vCPU have it, a memory operand, a rounding
 * mode), open the window if it is not open yet, and run the instruction
 * in it.  @host_bytes: lfpu_fpu_vector_bytes(), which the caller reads
 * once per run of FP instructions; @fi: the run's decoded instruction,
 * whose fields this instruction uses are set here (and @fi->vl_bytes by
 * the caller).  Return: LAZYFPU_EXIT_NONE, or a fault (the pc left on the
 * instruction).
 */
static u32 lfpu_exec_fp(struct lfpu_vcpu *vcpu, u64 pc, u64 raw, u32 host_bytes,
			struct lfpu_fp_insn *fi)
{
	u8 op = lfpu_insn_op(raw);
	u8 effects = lfpu_fp_op_effects[op];
	u32 bytes = 16;
	u64 addr;
	int ret;

	fi->op = op;
	fi->va = lfpu_insn_a(raw);
	fi->vb = lfpu_insn_b(raw);
	fi->width = LFPU_WIDTH_128;
	fi->imm = lfpu_insn_imm(raw);

	/* Nothing would set the host's registers aside for it. */
	if (!LFPU_FP_TRACKING)
		return lfpu_fault(vcpu, pc, raw, LAZYFPU_FAULT_UNSUPPORTED, 0);
	/*
	 * c is a used field only of vector operations: their width.  Every
	 * host runs 128 bits; 256 needs AVX2; the SVE width needs an SVE vCPU.
	 */
	if (lfpu_insn_has_width[op] && lfpu_insn_width(raw) != LFPU_WIDTH_128) {
		fi->width = lfpu_insn_width(raw);
		if (fi->width > LFPU_WIDTH_VL)
			return lfpu_fault(vcpu, pc, raw, LAZYFPU_FAULT_BAD_OPCODE, 0);
		bytes = fi->width == LFPU_WIDTH_VL ? vcpu->fp.vector_bytes : 32;
		if (!bytes || (fi->width == LFPU_WIDTH_256 && bytes > host_bytes))
			return lfpu_fault(vcpu, pc, raw, LAZYFPU_FAULT_UNSUPPORTED, 0);
	}
	if (unlikely(effects & (LFPU_FP_RM | LFPU_FP_MEM | LFPU_FP_GPR_IN))) {
		if ((effects & LFPU_FP_RM) &&
		    (fi->imm < LFPU_RM_NEAREST || fi->imm > LFPU_RM_ZERO))
			return lfpu_fault(vcpu, pc, raw, LAZYFPU_FAULT_BAD_OPCODE, 0);
		if (effects & LFPU_FP_MEM) {
			addr = vcpu->gpr[lfpu_insn_b(raw)] + (s64)fi->imm;
			fi->mem = lfpu_guest_ptr(vcpu, addr, bytes);
			if (!fi->mem)
				return lfpu_fault(vcpu, pc, raw, LAZYFPU_FAULT_MEMORY, addr);
		}
		if (effects & LFPU_FP_GPR_IN)
			fi->gpr_in = vcpu->gpr[lfpu_insn_b(raw)];
	}

	if (!lfpu_fp_in_window(&vcpu->fp))
		lfpu_fp_insn_begin(&vcpu->fp);
	ret = lfpu_arch_exec_fp(fi);
	lfpu_fp_insn_retire(&vcpu->fp, !ret && (effects & LFPU_FP_WRITES));
	if (ret)
		return lfpu_fault(vcpu, pc, raw, LAZYFPU_FAULT_UNSUPPORTED, 0);

	if (effects & LFPU_FP_GPR_OUT)
		vcpu->gpr[lfpu_insn_a(raw)] = fi->gpr_out;
	return LAZYFPU_EXIT_NONE;
}

/*
 * The FP instruction @raw at @pc (well formed), and the FP instructions
 * that follow it, in one window: each of them is fetched here, and runs in
 * the window while it is well formed and lfpu_fp_window_may_extend()
 * agrees, up to @room more instructions.  The first that does not qualify
 * is left for lfpu_engine_run() to fetch again (the window is closed by
 * then); so is an address it may not fetch from.  Integer instructions
 * never see a window, and never pay for testing whether one is open.
 *
 * Return: the exit (LAZYFPU_EXIT_NONE or a fault), with vcpu->pc on the
 * next instruction to run or on the faulting one; *@more: how many
 * instructions ran after the first.
 *
 * Out of line on purpose: inlined into lfpu_engine_run(), its state
 * crowds the integer loop's registers, and the integer path and the no-FP
 * RUN round trip pay for it (Documentation/performance.rst, P3 and P4);
 * a call per run of up to LFPU_FP_WINDOW_MAX_INSNS instructions costs
 * little.
 */
static noinline u32 lfpu_exec_fp_run(struct lfpu_vcpu *vcpu, u64 pc, u64 raw,
				     u64 last_pc, u32 room, u32 *more)
{
	u32 host_bytes = lfpu_fpu_vector_bytes();
	const u8 *mem = vcpu->vm->mem;
	/* One for the whole run: each instruction sets what it uses. */
	struct lfpu_fp_insn fi = { .vl_bytes = vcpu->fp.vector_bytes };
	u32 ran = 0, exit;

	for (;;) {
		exit = lfpu_exec_fp(vcpu, pc, raw, host_bytes, &fi);
		if (exit != LAZYFPU_EXIT_NONE)
			break;
		pc += LFPU_INSN_BYTES;
		if (ran >= room || pc > last_pc)
			break;
		raw = lfpu_fetch(mem, pc);
		if (!lfpu_is_fp_op(lfpu_insn_op(raw)) || !lfpu_insn_fields_ok(raw) ||
		    !lfpu_fp_window_may_extend(&vcpu->fp))
			break;
		ran++;
	}
	/* A fault left the pc on its instruction (lfpu_fault()). */
	if (exit == LAZYFPU_EXIT_NONE)
		vcpu->pc = pc;
	/* An instruction that faults before the window opens leaves it shut. */
	if (lfpu_fp_in_window(&vcpu->fp))
		lfpu_fp_window_end(&vcpu->fp);
	*more = ran;
	return exit;
}

/*
 * The budget and the end of guest memory, as one bound on the pc.  The
 * engine counts instructions by where a straight run of them began
 * (@start, with @done counted before it): the instruction at pc is the
 * (done + (pc - start) / 8 + 1)th.  So stepping to the next instruction
 * needs one comparison, against the last pc the run may reach before
 * either the budget or guest memory ends; only a jump, an FP run or an
 * exit brings @done up to date.  Context: @done < @budget.
 */
static u64 lfpu_run_stop(u64 start, u64 last_pc, u32 done, u32 budget)
{
	return min(last_pc, start + (u64)(budget - done - 1) * LFPU_INSN_BYTES);
}

/* Instructions run by the straight run from @start up to, not including, @pc. */
static u32 lfpu_run_count(u32 done, u64 start, u64 pc)
{
	return done + (pc - start) / LFPU_INSN_BYTES;
}

/**
 * lfpu_engine_run() - run the guest until an exit or @budget instructions
 * @vcpu: the vCPU
 * @budget: at most this many instructions
 *
 * The interpreter's loop.  It keeps the pc and the instruction count in
 * locals and writes them back when it returns.  Each instruction is
 * fetched, its operand fields are checked whole against its opcode's
 * forbidden bits (one AND, lfpu_insn_fields_ok()), and it is dispatched
 * once, undefined opcodes faulting there; each case reads only
 * the fields it uses.  Every exit but a fault leaves the pc past its
 * instruction; a fault leaves it on the instruction (lfpu_fault()).  An
 * instruction counts once it is fetched, whether it runs or faults.
 *
 * Context: the vCPU's task in RUN, vCPU mutex held; possibly inside an FP
 * backend section with preemption disabled (hence the budget).  No FP
 * window is open on entry or on return.  Return: the exit reason;
 * LAZYFPU_EXIT_PREEMPT when the budget ran out.
 */
u32 lfpu_engine_run(struct lfpu_vcpu *vcpu, u32 budget)
{
	const u8 *mem = vcpu->vm->mem;
	u64 *r = vcpu->gpr;
	u64 pc = vcpu->pc;
	u64 raw, last_pc, start, stop, target;
	u32 done = 0, more, exit;
	bool taken;
	void *ptr;

	if (!mem) {
		memset(&vcpu->run->fault, 0, sizeof(vcpu->run->fault));
		vcpu->run->fault.code = LAZYFPU_FAULT_NO_MEMORY;
		vcpu->run->fault.pc = pc;
		return LAZYFPU_EXIT_FAULT;
	}
	/*
	 * Guest memory is set once, before the first vCPU exists, and is at
	 * least a page: its bounds are fixed for the whole run.
	 */
	last_pc = vcpu->vm->mem_size - LFPU_INSN_BYTES;
	if (!lfpu_insn_addr_ok(pc, last_pc))
		return lfpu_fault(vcpu, pc, 0, LAZYFPU_FAULT_MEMORY, pc);
	if (!budget)
		return LAZYFPU_EXIT_PREEMPT;
	start = pc;
	stop = lfpu_run_stop(start, last_pc, done, budget);

	for (;;) {
		/* pc is aligned: it was checked at entry and at every jump. */
		if (unlikely(pc > stop)) {
			done = lfpu_run_count(done, start, pc);
			if (done < budget) {
				exit = lfpu_fault(vcpu, pc, 0, LAZYFPU_FAULT_MEMORY, pc);
				goto out;
			}
			exit = LAZYFPU_EXIT_PREEMPT;
			vcpu->pc = pc;
			goto out;
		}
		raw = lfpu_fetch(mem, pc);
		if (unlikely(!lfpu_insn_fields_ok(raw))) {
			exit = lfpu_fault(vcpu, pc, raw, LAZYFPU_FAULT_BAD_OPCODE, 0);
			goto out_counted;
		}

		switch (lfpu_insn_op(raw)) {
		case LFPU_OP_NOP:
			break;
		case LFPU_OP_MOVI:
			r[lfpu_insn_a(raw)] = (s64)lfpu_insn_imm(raw);
			break;
		case LFPU_OP_MOVHI:
			r[lfpu_insn_a(raw)] = (r[lfpu_insn_a(raw)] & 0xffffffffULL) |
					      (u64)(u32)lfpu_insn_imm(raw) << 32;
			break;
		case LFPU_OP_MOV:
			r[lfpu_insn_a(raw)] = r[lfpu_insn_b(raw)];
			break;
		case LFPU_OP_ADD:
			r[lfpu_insn_a(raw)] = r[lfpu_insn_b(raw)] + r[lfpu_insn_c(raw)];
			break;
		case LFPU_OP_SUB:
			r[lfpu_insn_a(raw)] = r[lfpu_insn_b(raw)] - r[lfpu_insn_c(raw)];
			break;
		case LFPU_OP_MUL:
			r[lfpu_insn_a(raw)] = r[lfpu_insn_b(raw)] * r[lfpu_insn_c(raw)];
			break;
		case LFPU_OP_AND:
			r[lfpu_insn_a(raw)] = r[lfpu_insn_b(raw)] & r[lfpu_insn_c(raw)];
			break;
		case LFPU_OP_OR:
			r[lfpu_insn_a(raw)] = r[lfpu_insn_b(raw)] | r[lfpu_insn_c(raw)];
			break;
		case LFPU_OP_XOR:
			r[lfpu_insn_a(raw)] = r[lfpu_insn_b(raw)] ^ r[lfpu_insn_c(raw)];
			break;
		case LFPU_OP_SHL:
			r[lfpu_insn_a(raw)] = r[lfpu_insn_b(raw)] << (lfpu_insn_imm(raw) & 63);
			break;
		case LFPU_OP_SHR:
			r[lfpu_insn_a(raw)] = r[lfpu_insn_b(raw)] >> (lfpu_insn_imm(raw) & 63);
			break;
		case LFPU_OP_ADDI:
			r[lfpu_insn_a(raw)] = r[lfpu_insn_b(raw)] + (s64)lfpu_insn_imm(raw);
			break;
		case LFPU_OP_LD:
		case LFPU_OP_ST:
			target = r[lfpu_insn_b(raw)] + (s64)lfpu_insn_imm(raw);
			ptr = lfpu_guest_ptr(vcpu, target, sizeof(u64));
			if (!ptr) {
				exit = lfpu_fault(vcpu, pc, raw, LAZYFPU_FAULT_MEMORY, target);
				goto out_counted;
			}
			/* Guest addresses need no alignment: copy bytewise. */
			if (lfpu_insn_op(raw) == LFPU_OP_LD) {
				__le64 v;

				memcpy(&v, ptr, sizeof(v));
				r[lfpu_insn_a(raw)] = le64_to_cpu(v);
			} else {
				__le64 v = cpu_to_le64(r[lfpu_insn_a(raw)]);

				memcpy(ptr, &v, sizeof(v));
			}
			break;
		case LFPU_OP_JMP:
		case LFPU_OP_BEQ:
		case LFPU_OP_BNE:
		case LFPU_OP_BLT:
		case LFPU_OP_LOOP:
			/*
			 * A fault must change nothing: LOOP counts down
			 * only once it jumps validly.
			 */
			switch (lfpu_insn_op(raw)) {
			case LFPU_OP_LOOP:
				taken = r[lfpu_insn_a(raw)] - 1 != 0;
				break;
			case LFPU_OP_BEQ:
				taken = r[lfpu_insn_a(raw)] == r[lfpu_insn_b(raw)];
				break;
			case LFPU_OP_BNE:
				taken = r[lfpu_insn_a(raw)] != r[lfpu_insn_b(raw)];
				break;
			case LFPU_OP_BLT:
				taken = (s64)r[lfpu_insn_a(raw)] < (s64)r[lfpu_insn_b(raw)];
				break;
			default:
				taken = true;
				break;
			}
			target = (s64)lfpu_insn_imm(raw);
			if (taken && !lfpu_insn_addr_ok(target, last_pc)) {
				exit = lfpu_fault(vcpu, pc, raw, LAZYFPU_FAULT_BAD_JUMP, target);
				goto out_counted;
			}
			if (lfpu_insn_op(raw) == LFPU_OP_LOOP)
				r[lfpu_insn_a(raw)]--;
			if (!taken)
				break;
			/* A new straight run begins at the target. */
			done = lfpu_run_count(done, start, pc + LFPU_INSN_BYTES);
			pc = target;
			goto new_run;
		case LFPU_OP_VLD ... LFPU_OP_CVTFI:
			done = lfpu_run_count(done, start, pc + LFPU_INSN_BYTES);
			exit = lfpu_exec_fp_run(vcpu, pc, raw, last_pc, budget - done, &more);
			done += more;
			if (exit != LAZYFPU_EXIT_NONE)
				goto out;
			pc = vcpu->pc;
			goto new_run;
		case LFPU_OP_HLT:
			exit = LAZYFPU_EXIT_HLT;
			vcpu->pc = pc + LFPU_INSN_BYTES;
			goto out_counted;
		case LFPU_OP_YIELD:
			exit = LAZYFPU_EXIT_YIELD;
			vcpu->pc = pc + LFPU_INSN_BYTES;
			goto out_counted;
		case LFPU_OP_OUT:
		case LFPU_OP_IN:
			exit = lfpu_exec_io(vcpu, pc, raw);
			goto out_counted;
		case LFPU_OP_HCALL:
			exit = lfpu_exec_hypercall(vcpu, pc, raw);
			goto out_counted;
		default:
			/* An undefined opcode. */
			exit = lfpu_fault(vcpu, pc, raw, LAZYFPU_FAULT_BAD_OPCODE, 0);
			goto out_counted;
		}
		pc += LFPU_INSN_BYTES;
		continue;
new_run:
		if (done >= budget) {
			exit = LAZYFPU_EXIT_PREEMPT;
			vcpu->pc = pc;
			goto out;
		}
		start = pc;
		stop = lfpu_run_stop(start, last_pc, done, budget);
	}

out_counted:
	/* The instruction at pc ran or faulted: it counts. */
	done = lfpu_run_count(done, start, pc + LFPU_INSN_BYTES);
out:
	WARN_ON_ONCE(lfpu_fp_in_window(&vcpu->fp));
	WRITE_ONCE(vcpu->stats.instructions, vcpu->stats.instructions + done);
	return exit;
}
