/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * lazyfpu guest ISA.
 *
 * A vCPU executes this small bytecode from guest memory, inside
 * LAZYFPU_RUN, in the calling thread.  Its integer part is interpreted;
 * each FP/SIMD instruction runs as the corresponding real instruction on
 * the host's registers: guest vector register vN is host register N (XMM
 * or YMM on x86-64, V on arm64) and the guest's FP control and status are
 * the host's (MXCSR; FPCR and FPSR).
 *
 * Encoding: one little-endian 64-bit word per instruction, at an 8-byte
 * aligned guest address.
 *
 *   byte 0     opcode (LFPU_OP_*)
 *   byte 1     a: destination register (r0-r15 or v0-v15)
 *   byte 2     b: first source register
 *   byte 3     c: second source register; for vector instructions, the
 *              width: 0 = 128 bits, 1 = 256 bits (x86-64 with AVX2 only),
 *              2 = the vCPU's SVE vector length (arm64 SVE vCPUs only)
 *   bytes 4-7  imm: signed 32-bit immediate (address, offset, port, ...)
 *
 * An unknown opcode, an operand field the instruction uses holding a
 * register above 15 or a width above 2 (or, for CVTIF and CVTFI, any
 * width but 128 bits), or an unknown hypercall number faults with
 * LAZYFPU_FAULT_BAD_OPCODE.  Operand fields an instruction does not use
 * are ignored, whatever they hold.  Memory operands are
 * rb + imm and must lie wholly inside guest memory; jump targets must be
 * 8-byte aligned and inside guest memory.
 */
#ifndef _UAPI_LINUX_LAZYFPU_ISA_H
#define _UAPI_LINUX_LAZYFPU_ISA_H

#include <linux/types.h>

#define LFPU_INSN_BYTES		8
#define LFPU_NR_VREGS		16

/* Integer, control and exit instructions. */
#define LFPU_OP_NOP	0x00	/* */
#define LFPU_OP_HLT	0x01	/* exit to userspace: LAZYFPU_EXIT_HLT */
#define LFPU_OP_MOVI	0x02	/* ra = sext(imm) */
#define LFPU_OP_MOVHI	0x03	/* ra = (ra & 0xffffffff) | imm << 32 */
#define LFPU_OP_MOV	0x04	/* ra = rb */
#define LFPU_OP_ADD	0x05	/* ra = rb + rc */
#define LFPU_OP_SUB	0x06	/* ra = rb - rc */
#define LFPU_OP_MUL	0x07	/* ra = rb * rc */
#define LFPU_OP_AND	0x08	/* ra = rb & rc */
#define LFPU_OP_OR	0x09	/* ra = rb | rc */
#define LFPU_OP_XOR	0x0a	/* ra = rb ^ rc */
#define LFPU_OP_SHL	0x0b	/* ra = rb << (imm & 63) */
#define LFPU_OP_SHR	0x0c	/* ra = rb >> (imm & 63), logical */
#define LFPU_OP_ADDI	0x0d	/* ra = rb + sext(imm) */
#define LFPU_OP_LD	0x0e	/* ra = 64-bit load from rb + imm */
#define LFPU_OP_ST	0x0f	/* 64-bit store of ra to rb + imm */
#define LFPU_OP_JMP	0x10	/* pc = imm */
#define LFPU_OP_BEQ	0x11	/* if (ra == rb) pc = imm */
#define LFPU_OP_BNE	0x12	/* if (ra != rb) pc = imm */
#define LFPU_OP_BLT	0x13	/* if ((s64)ra < (s64)rb) pc = imm */
#define LFPU_OP_LOOP	0x14	/* if (--ra != 0) pc = imm */
#define LFPU_OP_OUT	0x15	/* exit to userspace: port imm, data ra */
#define LFPU_OP_IN	0x16	/* exit to userspace: port imm; ra = data */
#define LFPU_OP_HCALL	0x17	/* hypercall imm, handled in the kernel */
#define LFPU_OP_YIELD	0x18	/* explicit yield point (in-kernel exit) */

/* FP/SIMD instructions: va, vb are vector registers; c is the width. */
#define LFPU_OP_VLD	0x40	/* va = load from rb + imm */
#define LFPU_OP_VST	0x41	/* store va to rb + imm */
#define LFPU_OP_VMOV	0x42	/* va = vb */
#define LFPU_OP_VADDPS	0x43	/* va = va + vb, f32 lanes */
#define LFPU_OP_VMULPS	0x44	/* va = va * vb, f32 lanes */
#define LFPU_OP_VADDPD	0x45	/* va = va + vb, f64 lanes */
#define LFPU_OP_VMULPD	0x46	/* va = va * vb, f64 lanes */
#define LFPU_OP_VSUBPD	0x47	/* va = va - vb, f64 lanes */
#define LFPU_OP_VXOR	0x48	/* va = va ^ vb */
#define LFPU_OP_VADDQ	0x49	/* va = va + vb, 64-bit integer lanes */
#define LFPU_OP_VRED	0x4a	/* ra = sum of the 64-bit lanes of vb */
#define LFPU_OP_SETRM	0x4b	/* rounding mode = imm (LFPU_RM_*) */
#define LFPU_OP_GETCSR	0x4c	/* ra = FP control/status (see below) */
#define LFPU_OP_CVTIF	0x4d	/* va = { (f64)(s64)rb, 0 } (f64 lanes) */
#define LFPU_OP_CVTFI	0x4e	/* ra = (s64)trunc(vb lane 0, f64) */

/*
 * Widths.  A 128-bit instruction on x86-64 uses the legacy SSE encoding,
 * so it leaves bits 255:128 of the YMM register unchanged.  CVTIF and
 * CVTFI are 128-bit only.
 */
#define LFPU_WIDTH_128	0
#define LFPU_WIDTH_256	1	/* x86-64 with AVX2 */
#define LFPU_WIDTH_VL	2	/* arm64 SVE vCPU: its whole vector length */

/* Rounding modes for SETRM. */
#define LFPU_RM_NEAREST	0
#define LFPU_RM_DOWN	1	/* toward minus infinity */
#define LFPU_RM_UP	2	/* toward plus infinity */
#define LFPU_RM_ZERO	3	/* toward zero */

/*
 * GETCSR: x86-64: ra = MXCSR.  arm64: ra = FPCR << 32 | FPSR.
 */

/*
 * What each instruction's operand fields hold, for decoders and tools:
 * LFPU_ISA_FORMS(X) expands X(OPCODE, A, B, C) once per instruction, where
 * OPCODE is the LFPU_OP_ name without its prefix and A, B and C each name
 * an LFPU_FIELD_* kind without its prefix.  A field of kind NONE is not
 * used by the instruction and is ignored, whatever it holds; any other
 * field out of its range faults with LAZYFPU_FAULT_BAD_OPCODE.
 */
#define LFPU_FIELD_NONE		0	/* unused */
#define LFPU_FIELD_GPR		1	/* r0-r15 */
#define LFPU_FIELD_VREG		2	/* v0-v15 */
#define LFPU_FIELD_WIDTH	3	/* an LFPU_WIDTH_* value */
#define LFPU_FIELD_WIDTH128	4	/* LFPU_WIDTH_128 only */

#define LFPU_ISA_FORMS(X)						\
	X(NOP, NONE, NONE, NONE)	X(HLT, NONE, NONE, NONE)	\
	X(MOVI, GPR, NONE, NONE)	X(MOVHI, GPR, NONE, NONE)	\
	X(MOV, GPR, GPR, NONE)		X(ADD, GPR, GPR, GPR)		\
	X(SUB, GPR, GPR, GPR)		X(MUL, GPR, GPR, GPR)		\
	X(AND, GPR, GPR, GPR)		X(OR, GPR, GPR, GPR)		\
	X(XOR, GPR, GPR, GPR)		X(SHL, GPR, GPR, NONE)		\
	X(SHR, GPR, GPR, NONE)		X(ADDI, GPR, GPR, NONE)		\
	X(LD, GPR, GPR, NONE)		X(ST, GPR, GPR, NONE)		\
	X(JMP, NONE, NONE, NONE)	X(BEQ, GPR, GPR, NONE)		\
	X(BNE, GPR, GPR, NONE)		X(BLT, GPR, GPR, NONE)		\
	X(LOOP, GPR, NONE, NONE)	X(OUT, GPR, NONE, NONE)		\
	X(IN, GPR, NONE, NONE)		X(HCALL, GPR, NONE, NONE)	\
	X(YIELD, NONE, NONE, NONE)					\
	X(VLD, VREG, GPR, WIDTH)	X(VST, VREG, GPR, WIDTH)	\
	X(VMOV, VREG, VREG, WIDTH)	X(VADDPS, VREG, VREG, WIDTH)	\
	X(VMULPS, VREG, VREG, WIDTH)	X(VADDPD, VREG, VREG, WIDTH)	\
	X(VMULPD, VREG, VREG, WIDTH)	X(VSUBPD, VREG, VREG, WIDTH)	\
	X(VXOR, VREG, VREG, WIDTH)	X(VADDQ, VREG, VREG, WIDTH)	\
	X(VRED, GPR, VREG, WIDTH)	X(SETRM, NONE, NONE, NONE)	\
	X(GETCSR, GPR, NONE, NONE)	X(CVTIF, VREG, GPR, WIDTH128)	\
	X(CVTFI, GPR, VREG, WIDTH128)

/* Hypercalls (HCALL imm), handled in the kernel with no return to userspace. */
#define LFPU_HCALL_VCPU_ID	0	/* ra = the vCPU's id */
#define LFPU_HCALL_COUNT	1	/* ra = hypercalls this vCPU has made */

#endif /* _UAPI_LINUX_LAZYFPU_ISA_H */
