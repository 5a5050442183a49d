// SPDX-License-Identifier: GPL-2.0
/*
 * Guest programs: random words, random valid instructions with edge
 * operands, and single instructions whose effect is predicted exactly by a
 * model of the ISA (guest-isa.rst): which faults they may raise, where
 * execution goes, which registers and memory change.  Every RUN runs
 * under a periodic timer signal, so a looping guest ends with EINTR.
 *
 * Every exit, predicted or not, is checked against what the documents say
 * an exit carries: its reason, the pc it leaves, and its I/O or fault
 * fields, which must describe the instruction at that pc.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "fuzz.h"

uint64_t fz_insn(uint8_t op, uint8_t a, uint8_t b, uint8_t c, int32_t imm)
{
	return op | (uint64_t)a << 8 | (uint64_t)b << 16 | (uint64_t)c << 24 |
	       (uint64_t)(uint32_t)imm << 32;
}

/* What each opcode uses of its operand fields, and what else it does. */
#define U_DEF	0x01	/* a defined opcode */
#define U_A	0x02	/* a is a register */
#define U_B	0x04	/* b is a register */
#define U_C	0x08	/* c is an integer register */
#define U_W	0x10	/* c is a vector width */
#define U_W0	0x20	/* c must be 0: a 128-bit-only FP instruction */
#define U_MEM	0x40	/* accesses memory at rb + imm */
#define U_JMP	0x80	/* may jump to imm */

/* The fields, from the ISA header's LFPU_ISA_FORMS: the one source. */
#define FZ_A_NONE	0
#define FZ_A_GPR	U_A
#define FZ_A_VREG	U_A
#define FZ_B_NONE	0
#define FZ_B_GPR	U_B
#define FZ_B_VREG	U_B
#define FZ_C_NONE	0
#define FZ_C_GPR	U_C
#define FZ_C_WIDTH	U_W
#define FZ_C_WIDTH128	U_W0
#define FZ_FORM(op, a, b, c)	[LFPU_OP_##op] = U_DEF | FZ_A_##a | FZ_B_##b | FZ_C_##c,

static const uint8_t fz_use[256] = {
	LFPU_ISA_FORMS(FZ_FORM)
};

/* Memory operands and jumps, which the forms do not say. */
static const uint8_t fz_effects[256] = {
	[LFPU_OP_LD] = U_MEM, [LFPU_OP_ST] = U_MEM,
	[LFPU_OP_VLD] = U_MEM, [LFPU_OP_VST] = U_MEM,
	[LFPU_OP_JMP] = U_JMP, [LFPU_OP_BEQ] = U_JMP, [LFPU_OP_BNE] = U_JMP,
	[LFPU_OP_BLT] = U_JMP, [LFPU_OP_LOOP] = U_JMP,
};

static bool fz_is_fp(uint8_t op)
{
	return op >= LFPU_OP_VLD && op <= LFPU_OP_CVTFI;
}

static unsigned int fz_uses(uint8_t op)
{
	unsigned int use = fz_use[op] | fz_effects[op];

	/* Before the fix the engine checked a and b always, c if integer. */
	if (!fz_rules.unused_operands_ignored && (use & U_DEF))
		use |= U_A | U_B | (fz_is_fp(op) ? 0 : U_C);
	return use;
}

#define FAULT(code)	(1U << (code))

/* The model's prediction for one instruction. */
struct fz_pred {
	unsigned int faults;	/* FAULT() of each fault it may end in; 0: none */
	uint64_t addr;		/* for a MEMORY or BAD_JUMP fault */
	bool loops;		/* jumps to itself: ends by a signal, or who knows */
	uint32_t exit;		/* LAZYFPU_EXIT_NONE: goes on at @next */
	uint64_t next;
	__u64 gpr[LAZYFPU_NR_GPRS];
	uint16_t unknown;	/* registers written with values not modelled */
	int csr_reg;		/* GETCSR's register, or -1 */
	uint64_t st_addr;	/* memory written: [st_addr, st_addr + st_len) */
	uint32_t st_len;
	uint64_t st_value;	/* for ST */
};

static uint64_t fz_load64(const struct fz_vm *vm, uint64_t addr)
{
	uint64_t v;

	memcpy(&v, vm->mem + addr, sizeof(v));
	return v;
}

/* Is [addr, addr + len) wholly inside guest memory? */
static bool fz_in_memory(const struct fz_vm *vm, uint64_t addr, uint64_t len)
{
	return addr + len >= addr && addr + len <= vm->mem_size;
}

static uint32_t fz_width_bytes(const struct fz_vm *vm, uint8_t c)
{
	return c == LFPU_WIDTH_VL ? vm->vector_bytes : c == LFPU_WIDTH_256 ? 32 : 16;
}

/* Does a jump or branch with operands @ra and @rb go to its target? */
static bool fz_taken(uint8_t op, uint64_t ra, uint64_t rb)
{
	switch (op) {
	case LFPU_OP_LOOP:
		return ra - 1 != 0;
	case LFPU_OP_BEQ:
		return ra == rb;
	case LFPU_OP_BNE:
		return ra != rb;
	case LFPU_OP_BLT:
		return (int64_t)ra < (int64_t)rb;
	default:
		return true;
	}
}

/* The faults @raw at @pc may raise with registers @gpr; 0 if none. */
static unsigned int fz_predict_faults(const struct fz_vm *vm, struct fz_vcpu *v, uint64_t raw,
				      const __u64 *gpr, struct fz_pred *p)
{
	uint8_t op = raw & 0xff, a = raw >> 8, b = raw >> 16, c = raw >> 24;
	int32_t imm = (int32_t)(raw >> 32);
	unsigned int use = fz_uses(op), faults = 0;
	uint64_t target = (uint64_t)(int64_t)imm, addr, len;
	bool taken;

	(void)v;
	if (!(use & U_DEF) || ((use & U_A) && a > 15) || ((use & U_B) && b > 15) ||
	    ((use & U_C) && c > 15) || ((use & U_W) && c > LFPU_WIDTH_VL) ||
	    ((use & U_W0) && c) || (op == LFPU_OP_SETRM && (imm < 0 || imm > LFPU_RM_ZERO)) ||
	    (op == LFPU_OP_HCALL && imm != LFPU_HCALL_VCPU_ID && imm != LFPU_HCALL_COUNT))
		return FAULT(LAZYFPU_FAULT_BAD_OPCODE);
	if ((use & U_W) && c == LFPU_WIDTH_256 && fz.host.caps[LAZYFPU_CAP_VECTOR_BYTES] < 32)
		return FAULT(LAZYFPU_FAULT_UNSUPPORTED);
	if ((use & U_W) && c == LFPU_WIDTH_VL && !vm->vector_bytes)
		return FAULT(LAZYFPU_FAULT_UNSUPPORTED);
	if (use & U_MEM) {
		addr = gpr[b] + (uint64_t)(int64_t)imm;
		len = fz_is_fp(op) ? fz_width_bytes(vm, c) : 8;
		if (!fz_in_memory(vm, addr, len)) {
			p->addr = addr;
			faults |= FAULT(LAZYFPU_FAULT_MEMORY);
		}
	}
	if (use & U_JMP) {
		taken = fz_taken(op, gpr[a & 15], gpr[b & 15]);
		if (taken && (target % 8 || !fz_in_memory(vm, target, 8))) {
			p->addr = target;
			faults |= FAULT(LAZYFPU_FAULT_BAD_JUMP);
		}
	}
	return faults;
}

/* The whole effect of @raw at @pc, for an instruction that does not fault. */
static void fz_predict(const struct fz_vm *vm, struct fz_vcpu *v, uint64_t pc, uint64_t raw,
		       const __u64 *gpr, struct fz_pred *p)
{
	uint8_t op = raw & 0xff, a = raw >> 8, b = raw >> 16, c = raw >> 24;
	int32_t imm = (int32_t)(raw >> 32);
	uint64_t target = (uint64_t)(int64_t)imm;
	__u64 *r = p->gpr;

	memset(p, 0, sizeof(*p));
	memcpy(r, gpr, sizeof(p->gpr));
	p->csr_reg = -1;
	p->next = pc + 8;
	p->faults = fz_predict_faults(vm, v, raw, gpr, p);
	if (p->faults)
		return;
	switch (op) {
	case LFPU_OP_HLT:
		p->exit = LAZYFPU_EXIT_HLT;
		break;
	case LFPU_OP_MOVI:
		r[a] = (uint64_t)(int64_t)imm;
		break;
	case LFPU_OP_MOVHI:
		r[a] = (r[a] & 0xffffffffULL) | (uint64_t)(uint32_t)imm << 32;
		break;
	case LFPU_OP_MOV:
		r[a] = gpr[b];
		break;
	case LFPU_OP_ADD:
		r[a] = gpr[b] + gpr[c];
		break;
	case LFPU_OP_SUB:
		r[a] = gpr[b] - gpr[c];
		break;
	case LFPU_OP_MUL:
		r[a] = gpr[b] * gpr[c];
		break;
	case LFPU_OP_AND:
		r[a] = gpr[b] & gpr[c];
		break;
	case LFPU_OP_OR:
		r[a] = gpr[b] | gpr[c];
		break;
	case LFPU_OP_XOR:
		r[a] = gpr[b] ^ gpr[c];
		break;
	case LFPU_OP_SHL:
		r[a] = gpr[b] << (imm & 63);
		break;
	case LFPU_OP_SHR:
		r[a] = gpr[b] >> (imm & 63);
		break;
	case LFPU_OP_ADDI:
		r[a] = gpr[b] + (uint64_t)(int64_t)imm;
		break;
	case LFPU_OP_LD:
		r[a] = fz_load64(vm, gpr[b] + (uint64_t)(int64_t)imm);
		break;
	case LFPU_OP_ST:
	case LFPU_OP_VST:
		p->st_addr = gpr[b] + (uint64_t)(int64_t)imm;
		p->st_len = op == LFPU_OP_ST ? 8 : fz_width_bytes(vm, c);
		p->st_value = gpr[a];
		break;
	case LFPU_OP_JMP:
	case LFPU_OP_BEQ:
	case LFPU_OP_BNE:
	case LFPU_OP_BLT:
	case LFPU_OP_LOOP:
		/* fz_predict_faults() found the target of a taken jump valid. */
		if (fz_taken(op, gpr[a & 15], gpr[b & 15]))
			p->next = target;
		if (op == LFPU_OP_LOOP)
			r[a]--;
		p->loops = p->next == pc;
		break;
	case LFPU_OP_OUT:
	case LFPU_OP_IN:
		p->exit = LAZYFPU_EXIT_IO;
		break;
	case LFPU_OP_HCALL:
		if (imm == LFPU_HCALL_VCPU_ID)
			r[a] = v->id;
		else
			p->unknown |= 1U << a;
		break;
	case LFPU_OP_GETCSR:
		p->csr_reg = a;
		p->unknown |= 1U << a;
		break;
	case LFPU_OP_VRED:
	case LFPU_OP_CVTFI:
		p->unknown |= 1U << a;
		break;
	default:
		break;
	}
}

/* ---- RUN, and what every exit must look like ---- */

static bool fz_word_at(const struct fz_vm *vm, uint64_t addr, uint64_t *word)
{
	if (addr % 8 || !fz_in_memory(vm, addr, 8))
		return false;
	*word = fz_load64(vm, addr);
	return true;
}

static void fz_check_io(enum fz_cat cat, const struct fz_vm *vm, const struct lazyfpu_run *run,
			const struct lazyfpu_regs *regs)
{
	uint64_t w;
	uint8_t op;

	if (run->io.size != 8 || run->io.direction > LAZYFPU_IO_IN) {
		fz_fail(cat, "I/O exit with size %u direction %u", run->io.size,
			run->io.direction);
		return;
	}
	if (!fz_word_at(vm, regs->pc - 8, &w)) {
		fz_fail(cat, "I/O exit with pc %#llx: no instruction before it",
			(unsigned long long)regs->pc);
		return;
	}
	op = w & 0xff;
	if (op != (run->io.direction == LAZYFPU_IO_OUT ? LFPU_OP_OUT : LFPU_OP_IN) ||
	    run->io.port != (uint16_t)(w >> 32) ||
	    (op == LFPU_OP_OUT && run->io.data != regs->gpr[(w >> 8) & 15]))
		fz_fail(cat, "I/O exit (direction %u port %#x data %#llx) does not match %#llx at %#llx",
			run->io.direction, run->io.port, (unsigned long long)run->io.data,
			(unsigned long long)w, (unsigned long long)regs->pc - 8);
}

static void fz_check_fault(enum fz_cat cat, const struct fz_vm *vm, struct fz_vcpu *v,
			   const struct lazyfpu_run *run, const struct lazyfpu_regs *regs)
{
	struct fz_pred p = {};
	unsigned int faults;
	uint64_t w;

	if (run->fault.pc != regs->pc)
		fz_fail(cat, "fault at pc %#llx but the vCPU is at %#llx",
			(unsigned long long)run->fault.pc, (unsigned long long)regs->pc);
	if (!vm->mem_size) {
		if (run->fault.code != LAZYFPU_FAULT_NO_MEMORY)
			fz_fail(cat, "RUN without memory: fault %u, want NO_MEMORY", run->fault.code);
		return;
	}
	if (!fz_word_at(vm, regs->pc, &w)) {
		/* The fetch itself faults. */
		if (run->fault.code != LAZYFPU_FAULT_MEMORY || run->fault.addr != regs->pc)
			fz_fail(cat, "fetch at %#llx: fault %u addr %#llx, want MEMORY there",
				(unsigned long long)regs->pc, run->fault.code,
				(unsigned long long)run->fault.addr);
		return;
	}
	if (run->fault.insn != w) {
		fz_fail(cat, "fault insn %#llx, but %#llx is at pc %#llx",
			(unsigned long long)run->fault.insn, (unsigned long long)w,
			(unsigned long long)regs->pc);
		return;
	}
	/* LOOP decrements before its jump faults: its registers moved on. */
	if ((w & 0xff) == LFPU_OP_LOOP)
		return;
	faults = fz_predict_faults(vm, v, w, regs->gpr, &p);
	if (!(faults & FAULT(run->fault.code)))
		fz_fail(cat, "fault %u on %#llx at pc %#llx, the ISA allows mask %#x",
			run->fault.code, (unsigned long long)w, (unsigned long long)regs->pc, faults);
	else if (faults == FAULT(run->fault.code) && (faults & (FAULT(LAZYFPU_FAULT_MEMORY) |
							       FAULT(LAZYFPU_FAULT_BAD_JUMP))) &&
		 run->fault.addr != p.addr)
		fz_fail(cat, "fault %u addr %#llx, want %#llx", run->fault.code,
			(unsigned long long)run->fault.addr, (unsigned long long)p.addr);
}

long fz_run(enum fz_cat cat, struct fz_vm *vm, struct fz_vcpu *v, unsigned int timer_us)
{
	struct lazyfpu_run *run = v->run;
	struct lazyfpu_regs regs;
	uint64_t w;
	long ret;
	int err;

	fz_timer_arm(timer_us);
	ret = ioctl(v->fd, LAZYFPU_RUN, 0);
	err = errno;
	fz_timer_disarm();
	if (!fz_expect_ioctl(cat, IO_RUN, ret, err, 0))
		return -1;
	if (ret) {
		if (run->exit_reason != LAZYFPU_EXIT_INTR)
			fz_fail(cat, "RUN: EINTR with exit reason %u", run->exit_reason);
		return -1;
	}
	if (fz_get_regs(cat, v, &regs))
		return -1;
	switch (run->exit_reason) {
	case LAZYFPU_EXIT_IO:
		fz_check_io(cat, vm, run, &regs);
		break;
	case LAZYFPU_EXIT_HLT:
		if (!fz_word_at(vm, regs.pc - 8, &w) || (w & 0xff) != LFPU_OP_HLT)
			fz_fail(cat, "HLT exit at pc %#llx: no HLT before it",
				(unsigned long long)regs.pc);
		break;
	case LAZYFPU_EXIT_FAULT:
		fz_check_fault(cat, vm, v, run, &regs);
		break;
	default:
		fz_fail(cat, "RUN returned 0 with exit reason %u", run->exit_reason);
		return -1;
	}
	return 0;
}

/* ---- Generating instructions ---- */

static const uint8_t fz_opcodes[] = {
	LFPU_OP_NOP, LFPU_OP_HLT, LFPU_OP_MOVI, LFPU_OP_MOVHI, LFPU_OP_MOV, LFPU_OP_ADD,
	LFPU_OP_SUB, LFPU_OP_MUL, LFPU_OP_AND, LFPU_OP_OR, LFPU_OP_XOR, LFPU_OP_SHL,
	LFPU_OP_SHR, LFPU_OP_ADDI, LFPU_OP_LD, LFPU_OP_ST, LFPU_OP_JMP, LFPU_OP_BEQ,
	LFPU_OP_BNE, LFPU_OP_BLT, LFPU_OP_LOOP, LFPU_OP_OUT, LFPU_OP_IN, LFPU_OP_HCALL,
	LFPU_OP_YIELD, LFPU_OP_VLD, LFPU_OP_VST, LFPU_OP_VMOV, LFPU_OP_VADDPS,
	LFPU_OP_VMULPS, LFPU_OP_VADDPD, LFPU_OP_VMULPD, LFPU_OP_VSUBPD, LFPU_OP_VXOR,
	LFPU_OP_VADDQ, LFPU_OP_VRED, LFPU_OP_SETRM, LFPU_OP_GETCSR, LFPU_OP_CVTIF,
	LFPU_OP_CVTFI,
};

/* A register field: mostly valid, sometimes 15, 16, 255 or anything. */
static uint8_t fz_reg_field(void)
{
	static const uint8_t edges[] = { 15, 16, 255, 0x80 };

	if (fz_chance(85))
		return (uint8_t)fz_below(16);
	return fz_chance(70) ? edges[fz_below(4)] : (uint8_t)fz_u64();
}

/* An address near the edges of guest memory (and outside it). */
static uint64_t fz_guest_addr(const struct fz_vm *vm, uint64_t pc)
{
	uint64_t m = vm->mem_size;
	const uint64_t addrs[] = {
		0, 8, m - 8, m - 16, m - 32, m, m + 8, pc, pc + 8, pc + 16, pc + 4, -8ULL,
		8 * fz_below(m / 8), fz_below(m), 0x7fffffff, 0x80000000ULL, -0x80000000LL,
	};

	return addrs[fz_below(sizeof(addrs) / sizeof(addrs[0]))];
}

static int32_t fz_imm(const struct fz_vm *vm, uint8_t op, uint64_t pc)
{
	static const int32_t edges[] = { 0, 1, -1, 8, -8, 63, 64, INT32_MIN, INT32_MAX };
	unsigned int use = fz_use[op] | fz_effects[op];

	if (op == LFPU_OP_SETRM || op == LFPU_OP_HCALL)
		return fz_chance(80) ? (int32_t)fz_below(op == LFPU_OP_SETRM ? 5 : 3) :
				       edges[fz_below(9)];
	if ((use & (U_JMP | U_MEM)) && fz_chance(80)) {
		uint64_t addr = fz_guest_addr(vm, pc);

		/* A jump to itself only ends with a signal: not too often. */
		if ((use & U_JMP) && addr == pc && fz_chance(80))
			addr += 8;
		return (int32_t)addr;
	}
	return fz_chance(50) ? edges[fz_below(9)] : (int32_t)fz_u64();
}

static uint64_t fz_gen_insn(const struct fz_vm *vm, uint64_t pc)
{
	uint8_t op = fz_chance(90) ? fz_opcodes[fz_below(sizeof(fz_opcodes))] : (uint8_t)fz_u64();
	uint8_t c;

	if (fz_is_fp(op))
		c = fz_chance(70) ? 0 : fz_chance(85) ? (uint8_t)fz_below(4) : (uint8_t)fz_u64();
	else
		c = fz_reg_field();
	return fz_insn(op, fz_reg_field(), fz_reg_field(), c, fz_imm(vm, op, pc));
}

/* Register values that make addresses and branch conditions interesting. */
static void fz_gen_regs(const struct fz_vm *vm, uint64_t pc, struct lazyfpu_regs *regs)
{
	int i;

	memset(regs, 0, sizeof(*regs));
	for (i = 0; i < LAZYFPU_NR_GPRS; i++)
		regs->gpr[i] = fz_chance(50) ? fz_guest_addr(vm, pc) : fz_edge64();
	regs->pc = pc;
}

static bool fz_set_regs(enum fz_cat cat, struct fz_vcpu *v, const struct lazyfpu_regs *regs)
{
	long ret = ioctl(v->fd, LAZYFPU_SET_REGS, regs);

	return fz_expect_ioctl(cat, IO_SET_REGS, ret, errno, 0) && !ret;
}

/* ---- One predicted instruction ---- */

static bool fz_overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

/* The registers after RUN are the predicted ones. */
static void fz_check_regs(const struct fz_pred *p, const struct lazyfpu_regs *got,
			  uint64_t raw, uint64_t want_pc)
{
	int i;

	if (got->pc != want_pc)
		fz_fail(FZ_GUEST, "%#llx: pc %#llx, want %#llx", (unsigned long long)raw,
			(unsigned long long)got->pc, (unsigned long long)want_pc);
	for (i = 0; i < LAZYFPU_NR_GPRS; i++)
		if (!(p->unknown & (1U << i)) && got->gpr[i] != p->gpr[i])
			fz_fail(FZ_GUEST, "%#llx: r%d = %#llx, want %#llx", (unsigned long long)raw, i,
				(unsigned long long)got->gpr[i], (unsigned long long)p->gpr[i]);
	if (p->csr_reg >= 0 && !fz_csr_masked(got->gpr[p->csr_reg]))
		fz_fail(FZ_GUEST, "GETCSR reads %#llx: FP exceptions unmasked",
			(unsigned long long)got->gpr[p->csr_reg]);
}

/* RUN until an exit that is not a signal's (the timer is a safety net). */
static long fz_run_through(struct fz_vm *vm, struct fz_vcpu *v)
{
	long ret;
	int tries = 0;

	do
		ret = fz_run(FZ_GUEST, vm, v, 20000);
	while (ret && v->run->exit_reason == LAZYFPU_EXIT_INTR && ++tries < 4);
	return ret;
}

/*
 * IN at @pc: the next RUN completes it with run->io.data and runs on to the
 * HLT after it; SET_REGS in between abandons it (api.rst).
 */
static void fz_complete_in(struct fz_vm *vm, struct fz_vcpu *v, struct fz_pred *p,
			   uint64_t raw, uint64_t pc)
{
	struct lazyfpu_regs regs = { .pc = pc + 8 };
	uint64_t data = fz_edge64();

	if (fz_chance(30)) {
		memcpy(regs.gpr, p->gpr, sizeof(regs.gpr));
		if (!fz_set_regs(FZ_GUEST, v, &regs))
			return;
	} else {
		p->gpr[(raw >> 8) & 15] = data;
	}
	v->run->io.data = data;
	if (fz_run_through(vm, v) || fz_get_regs(FZ_GUEST, v, &regs))
		return;
	if (!fz_in_memory(vm, pc + 8, 8))
		return;		/* the fetch after it faulted, as fz_run() checked */
	if (v->run->exit_reason != LAZYFPU_EXIT_HLT)
		fz_fail(FZ_GUEST, "after IN %#llx at %#llx: exit %u, want HLT",
			(unsigned long long)raw, (unsigned long long)pc, v->run->exit_reason);
	else
		fz_check_regs(p, &regs, raw, pc + 16);
}

static void fz_one_insn(struct fz_vm *vm, struct fz_vcpu *v)
{
	uint64_t m = vm->mem_size, hlt = fz_insn(LFPU_OP_HLT, 0, 0, 0, 0), raw, pc, want_pc;
	struct lazyfpu_regs regs, got;
	struct lazyfpu_run *run = v->run;
	struct fz_pred p;

	pc = fz_chance(25) ? m - 8 * (1 + fz_below(3)) : 8 * fz_below(m / 8 - 1);
	raw = fz_gen_insn(vm, pc);
	fz_gen_regs(vm, pc, &regs);
	memcpy(vm->mem + pc, &raw, 8);
	if (pc + 16 <= m)
		memcpy(vm->mem + pc + 8, &hlt, 8);
	fz_predict(vm, v, pc, raw, regs.gpr, &p);
	if (!p.faults && !p.exit && !p.loops && p.next != pc + 8) {
		/* A taken jump lands on a HLT; then predict again (LD may read it). */
		memcpy(vm->mem + p.next, &hlt, 8);
		fz_predict(vm, v, pc, raw, regs.gpr, &p);
	}
	/* A store over the next instruction makes the rest unpredictable. */
	if (p.st_len && (fz_overlaps(p.st_addr, p.st_len, pc + 8, 8) ||
			 fz_overlaps(p.st_addr, p.st_len, p.next, 8)))
		p.loops = true;
	if (!fz_set_regs(FZ_GUEST, v, &regs))
		return;
	if (p.loops) {
		fz_run(FZ_GUEST, vm, v, 300);
		return;
	}
	if (fz_run_through(vm, v) || fz_get_regs(FZ_GUEST, v, &got))
		return;

	if (p.faults) {
		if (run->exit_reason != LAZYFPU_EXIT_FAULT || !(p.faults & FAULT(run->fault.code)))
			fz_fail(FZ_GUEST, "%#llx at %#llx: exit %u fault %u, want fault mask %#x",
				(unsigned long long)raw, (unsigned long long)pc, run->exit_reason,
				run->exit_reason == LAZYFPU_EXIT_FAULT ? run->fault.code : 0,
				p.faults);
		else if (got.pc != pc)
			fz_fail(FZ_GUEST, "%#llx: faulted, but pc %#llx is not the instruction's %#llx",
				(unsigned long long)raw, (unsigned long long)got.pc,
				(unsigned long long)pc);
		return;
	}
	if (p.exit) {
		want_pc = pc + 8;
	} else if (fz_in_memory(vm, p.next, 8)) {
		p.exit = LAZYFPU_EXIT_HLT;
		want_pc = p.next + 8;
	} else {
		/* Ran off the end of memory: the fetch faults. */
		p.exit = LAZYFPU_EXIT_FAULT;
		want_pc = p.next;
	}
	if (run->exit_reason != p.exit) {
		fz_fail(FZ_GUEST, "%#llx at %#llx: exit %u (fault %u), want exit %u",
			(unsigned long long)raw, (unsigned long long)pc, run->exit_reason,
			run->fault.code, p.exit);
		return;
	}
	fz_check_regs(&p, &got, raw, want_pc);
	if (p.st_len == 8 && (raw & 0xff) == LFPU_OP_ST && fz_load64(vm, p.st_addr) != p.st_value)
		fz_fail(FZ_GUEST, "ST %#llx: memory at %#llx holds %#llx", (unsigned long long)raw,
			(unsigned long long)p.st_addr,
			(unsigned long long)fz_load64(vm, p.st_addr));
	if ((raw & 0xff) == LFPU_OP_IN && run->io.direction == LAZYFPU_IO_IN)
		fz_complete_in(vm, v, &p, raw, pc);
}

/* ---- Programs ---- */

static void fz_program(struct fz_vm *vm, struct fz_vcpu *v)
{
	uint64_t m = vm->mem_size, base = 8 * fz_below(m / 8), words = 1 + fz_below(64), i, w;
	bool valid = fz_chance(50);
	struct lazyfpu_regs regs;
	struct lazyfpu_run *run = v->run;
	int runs;

	for (i = 0; i < words && base + 8 * i + 8 <= m; i++) {
		w = valid ? fz_gen_insn(vm, base + 8 * i) : fz_u64();
		/* Mostly a HLT at the end, not a slide through zeroed memory. */
		if (i == words - 1 && fz_chance(80))
			w = fz_insn(LFPU_OP_HLT, 0, 0, 0, 0);
		memcpy(vm->mem + base + 8 * i, &w, 8);
	}
	fz_gen_regs(vm, base, &regs);
	if (fz_chance(15))
		regs.pc = fz_chance(50) ? base + 1 + fz_below(7) : fz_guest_addr(vm, base);
	if (!fz_set_regs(FZ_GUEST, v, &regs))
		return;
	for (runs = fz_chance(30) ? 2 : 1; runs; runs--) {
		/* A hostile VMM scribbles on the run page between RUNs. */
		if (fz_chance(10))
			fz_fill(run, sizeof(*run));
		if (fz_run(FZ_GUEST, vm, v, 100 + (unsigned int)fz_below(200)))
			continue;
		if (run->exit_reason == LAZYFPU_EXIT_IO && run->io.direction == LAZYFPU_IO_IN)
			run->io.data = fz_edge64();
	}
	if (fz_chance(20))
		fz_fpu_check_roundtrip(FZ_GUEST, vm, v);
}

void fz_guest_op(void)
{
	struct fz_vm *vm;
	struct fz_vcpu *v = fz_vcpu_slot(&vm, fz_chance(97));

	if (!v)
		return;
	if (!vm->mem) {
		fz_run(FZ_GUEST, vm, v, 1000);
		return;
	}
	/*
	 * Programs cost more: most loop until the timer ends RUN, which RUN
	 * notices only between runs of 4096 guest instructions.
	 */
	if (fz_chance(90))
		fz_one_insn(vm, v);
	else
		fz_program(vm, v);
}
