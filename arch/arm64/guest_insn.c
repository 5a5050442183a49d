// SPDX-License-Identifier: GPL-2.0
/*
 * arm64: the guest FP instruction stubs.
 *
 * Guest vector register vN is host register VN, so each guest FP
 * instruction becomes the real instruction on VN, through one small switch
 * per operation over the sixteen guest registers.  AArch64 vector
 * arithmetic has no memory operand, so a two-register operation borrows
 * V31 for the source: V31 is saved to memory, loaded with the source
 * register's value, used, and restored, all in one asm statement (the
 * memory is the instruction's staging space, @stage of struct
 * lfpu_fp_insn).  (V31 is
 * part of the guest state that GET_FPU returns, but no guest instruction
 * names it, so borrowing it this way is invisible.)
 *
 * An SVE vCPU's full-width instructions (LFPU_WIDTH_VL) run on Z registers
 * instead, inside the SVE backend's span.
 *
 * This file is compiled with -mgeneral-regs-only like all kernel C: the
 * compiler never touches a vector register, so nothing here disturbs the
 * guest's registers between instructions.  Every stub runs inside the
 * kernel_neon_begin() section the backend opened at claim.
 */
#include <linux/export.h>
#include <linux/errno.h>
#include <linux/types.h>
#include <kunit/visibility.h>
#include <lazyfpu/arch.h>
#include <uapi/linux/lazyfpu_isa.h>

#include "../../fpu/fpu.h"

struct lfpu_vec {
	u64 q[2];
} __aligned(16);

/* Load VN from memory. */
#define LFPU_CASE_LOAD(n, unused)					\
	case n:								\
		asm volatile("ld1 {v" #n ".16b}, [%0]" : : "r" (v) : "memory"); \
		break;

/* Store VN to memory. */
#define LFPU_CASE_STORE(n, unused)					\
	case n:								\
		asm volatile("st1 {v" #n ".16b}, [%0]" : : "r" (v) : "memory"); \
		break;

/* VN = VN op source, the source lent through V31. */
#define LFPU_CASE_BINOP(n, insn, arr)					\
	case n:								\
		asm volatile("str q31, [%1]\n\t"			\
			     "ldr q31, [%0]\n\t"			\
			     insn " v" #n "." arr ", v" #n "." arr ", v31." arr "\n\t" \
			     "ldr q31, [%1]"				\
			     : : "r" (v), "r" (spill) : "memory");	\
		break;

static __always_inline void lfpu_v_load(unsigned int r, struct lfpu_vec *v, struct lfpu_vec *spill)
{
	switch (r) {
	LFPU_FOR_EACH_VREG(LFPU_CASE_LOAD, 0)
	}
}

static __always_inline void lfpu_v_store(unsigned int r, struct lfpu_vec *v, struct lfpu_vec *spill)
{
	switch (r) {
	LFPU_FOR_EACH_VREG(LFPU_CASE_STORE, 0)
	}
}

#define LFPU_DEFINE_BINOP(fn, insn, arr)				\
static __always_inline void fn(unsigned int r, struct lfpu_vec *v, struct lfpu_vec *spill) \
{									\
	switch (r) {							\
	LFPU_FOR_EACH_VREG(LFPU_CASE_BINOP, insn, arr)			\
	}								\
}

LFPU_DEFINE_BINOP(lfpu_v_vaddps, "fadd", "4s")
LFPU_DEFINE_BINOP(lfpu_v_vmulps, "fmul", "4s")
LFPU_DEFINE_BINOP(lfpu_v_vaddpd, "fadd", "2d")
LFPU_DEFINE_BINOP(lfpu_v_vmulpd, "fmul", "2d")
LFPU_DEFINE_BINOP(lfpu_v_vsubpd, "fsub", "2d")
LFPU_DEFINE_BINOP(lfpu_v_vxor, "eor", "16b")
LFPU_DEFINE_BINOP(lfpu_v_vaddq, "add", "2d")

/* scvtf dN, x: lane 0 = (double)(s64)x, lane 1 = 0. */
#define LFPU_CASE_SCVTF(n, unused)					\
	case n:								\
		asm volatile("scvtf d" #n ", %0" : : "r" (val));	\
		break;

static __always_inline void lfpu_v_scvtf(unsigned int r, s64 val)
{
	switch (r) {
	LFPU_FOR_EACH_VREG(LFPU_CASE_SCVTF, 0)
	}
}

/* fcvtzs x, dN: truncate lane 0 to a signed 64-bit integer. */
#define LFPU_CASE_FCVTZS(n, unused)					\
	case n:								\
		asm volatile("fcvtzs %0, d" #n : "=r" (out));		\
		break;

static __always_inline s64 lfpu_v_fcvtzs(unsigned int r)
{
	s64 out = 0;

	switch (r) {
	LFPU_FOR_EACH_VREG(LFPU_CASE_FCVTZS, 0)
	}
	return out;
}

/*
 * Two-register operations: va = va op vb, vb already in @v.  Every stub is
 * inline, and this is a switch rather than a table of functions, so that
 * a guest FP instruction is a switch on its operation and one on its
 * register, with no call between them (Documentation/performance.rst, P4).
 */
#define LFPU_CASE_OP(op, name, w)					\
	case LFPU_OP_##op:						\
		lfpu_##w##_##name(r, v, spill);				\
		break;

#define LFPU_DEFINE_BINOP_SWITCH(fn, w)					\
static __always_inline void fn(u8 op, unsigned int r, struct lfpu_vec *v,	\
			       struct lfpu_vec *spill)			\
{									\
	switch (op) {							\
	LFPU_FOR_EACH_BINOP(LFPU_CASE_OP, w)				\
	}								\
}

LFPU_DEFINE_BINOP_SWITCH(lfpu_v_binop, v)

/*
 * SVE, for LFPU_WIDTH_VL on an SVE vCPU: the same operations on whole Z
 * registers, at the vector length the backend set in ZCR_EL1.  Unpredicated
 * forms only, so no guest predicate is touched; Z31 is borrowed like V31.
 * GNU as keeps ".arch_extension sve" for the rest of the file, hence the
 * "nosve" after each use.
 */
#define LFPU_SVE(insns)	".arch_extension sve\n\t" insns "\n\t.arch_extension nosve"

#define LFPU_CASE_SVE_LOAD(n, unused)					\
	case n:								\
		asm volatile(LFPU_SVE("ldr z" #n ", [%0]") : : "r" (v) : "memory"); \
		break;

#define LFPU_CASE_SVE_STORE(n, unused)					\
	case n:								\
		asm volatile(LFPU_SVE("str z" #n ", [%0]") : : "r" (v) : "memory"); \
		break;

#define LFPU_CASE_SVE_BINOP(n, insn, t)				\
	case n:								\
		asm volatile(LFPU_SVE("str z31, [%1]\n\t"			\
				      "ldr z31, [%0]\n\t"			\
				      insn " z" #n "." t ", z" #n "." t ", z31." t "\n\t" \
				      "ldr z31, [%1]")			\
			     : : "r" (v), "r" (spill) : "memory");	\
		break;

static __always_inline void lfpu_z_load(unsigned int r, struct lfpu_vec *v, struct lfpu_vec *spill)
{
	switch (r) {
	LFPU_FOR_EACH_VREG(LFPU_CASE_SVE_LOAD, 0)
	}
}

static __always_inline void lfpu_z_store(unsigned int r, struct lfpu_vec *v, struct lfpu_vec *spill)
{
	switch (r) {
	LFPU_FOR_EACH_VREG(LFPU_CASE_SVE_STORE, 0)
	}
}

#define LFPU_DEFINE_SVE_BINOP(fn, insn, t)				\
static __always_inline void fn(unsigned int r, struct lfpu_vec *v, struct lfpu_vec *spill) \
{									\
	switch (r) {							\
	LFPU_FOR_EACH_VREG(LFPU_CASE_SVE_BINOP, insn, t)		\
	}								\
}

LFPU_DEFINE_SVE_BINOP(lfpu_z_vaddps, "fadd", "s")
LFPU_DEFINE_SVE_BINOP(lfpu_z_vmulps, "fmul", "s")
LFPU_DEFINE_SVE_BINOP(lfpu_z_vaddpd, "fadd", "d")
LFPU_DEFINE_SVE_BINOP(lfpu_z_vmulpd, "fmul", "d")
LFPU_DEFINE_SVE_BINOP(lfpu_z_vsubpd, "fsub", "d")
LFPU_DEFINE_SVE_BINOP(lfpu_z_vxor, "eor", "d")
LFPU_DEFINE_SVE_BINOP(lfpu_z_vaddq, "add", "d")

LFPU_DEFINE_BINOP_SWITCH(lfpu_z_binop, z)

/* The largest SVE vector, 2048 bits. */
struct lfpu_zvec {
	u64 q[32];
} __aligned(16);

/*
 * Out of line: its two whole Z vectors on the stack (the staging space
 * of struct lfpu_fp_insn holds 256 bits each) would otherwise give every
 * NEON instruction a stack-protector check.
 */
static noinline int lfpu_exec_sve(struct lfpu_fp_insn *insn)
{
	struct lfpu_zvec scratch, spill;
	unsigned int i;

	if (!insn->vl_bytes || insn->vl_bytes > sizeof(scratch))
		return -EOPNOTSUPP;

	if (lfpu_fp_op_is_binop(insn->op)) {
		lfpu_z_store(insn->vb, (struct lfpu_vec *)&scratch, NULL);
		lfpu_z_binop(insn->op, insn->va, (struct lfpu_vec *)&scratch,
			     (struct lfpu_vec *)&spill);
		return 0;
	}

	switch (insn->op) {
	case LFPU_OP_VLD:
		lfpu_z_load(insn->va, insn->mem, NULL);
		return 0;
	case LFPU_OP_VST:
		lfpu_z_store(insn->va, insn->mem, NULL);
		return 0;
	case LFPU_OP_VRED:
		lfpu_z_store(insn->vb, (struct lfpu_vec *)&scratch, NULL);
		insn->gpr_out = 0;
		for (i = 0; i < insn->vl_bytes / 8; i++)
			insn->gpr_out += scratch.q[i];
		return 0;
	default:
		return -EOPNOTSUPP;
	}
}

/* FPCR.RMode, bits 23:22: RN=0, RP=1, RM=2, RZ=3. */
#define LFPU_FPCR_RMODE_SHIFT	22
#define LFPU_FPCR_RMODE_MASK	(3UL << LFPU_FPCR_RMODE_SHIFT)

static const u8 lfpu_rm_to_rmode[] = {
	[LFPU_RM_NEAREST] = 0, [LFPU_RM_UP] = 1, [LFPU_RM_DOWN] = 2, [LFPU_RM_ZERO] = 3,
};

/**
 * lfpu_arch_exec_fp() - arm64: run one guest FP instruction
 * @insn: the decoded instruction
 *
 * Context: inside the core's FP window (a kernel_neon_begin() section).
 */
int lfpu_arch_exec_fp(struct lfpu_fp_insn *insn)
{
	struct lfpu_vec *scratch = (struct lfpu_vec *)insn->stage[0];
	struct lfpu_vec *spill = (struct lfpu_vec *)insn->stage[1];
	u64 fpcr, fpsr;

	if (insn->width == LFPU_WIDTH_VL)
		return lfpu_exec_sve(insn);
	if (insn->width != LFPU_WIDTH_128)
		return -EOPNOTSUPP;

	if (lfpu_fp_op_is_binop(insn->op)) {
		lfpu_v_store(insn->vb, scratch, NULL);
		lfpu_v_binop(insn->op, insn->va, scratch, spill);
		return 0;
	}

	switch (insn->op) {
	case LFPU_OP_VLD:
		lfpu_v_load(insn->va, insn->mem, NULL);
		return 0;
	case LFPU_OP_VST:
		lfpu_v_store(insn->va, insn->mem, NULL);
		return 0;
	case LFPU_OP_VRED:
		lfpu_v_store(insn->vb, scratch, NULL);
		insn->gpr_out = scratch->q[0] + scratch->q[1];
		return 0;
	case LFPU_OP_SETRM:
		asm volatile("mrs %0, fpcr" : "=r" (fpcr));
		fpcr &= ~LFPU_FPCR_RMODE_MASK;
		fpcr |= (u64)lfpu_rm_to_rmode[insn->imm & 3] << LFPU_FPCR_RMODE_SHIFT;
		asm volatile("msr fpcr, %0" : : "r" (fpcr));
		return 0;
	case LFPU_OP_GETCSR:
		asm volatile("mrs %0, fpcr" : "=r" (fpcr));
		asm volatile("mrs %0, fpsr" : "=r" (fpsr));
		insn->gpr_out = fpcr << 32 | (u32)fpsr;
		return 0;
	case LFPU_OP_CVTIF:
		lfpu_v_scvtf(insn->va, (s64)insn->gpr_in);
		return 0;
	case LFPU_OP_CVTFI:
		insn->gpr_out = lfpu_v_fcvtzs(insn->vb);
		return 0;
	default:
		return -EOPNOTSUPP;
	}
}
EXPORT_SYMBOL_IF_KUNIT(lfpu_arch_exec_fp);
