/* SPDX-License-Identifier: GPL-2.0 */
/*
 * arm64: save and restore V0-V31, FPSR and FPCR, and the SVE registers.
 *
 * The kernel's own routines are not exported to modules, and the macros
 * they were built from (<asm/fpsimdmacros.h>, which KVM's hyp/fpsimd.S
 * also used) have since become C inlines (7.3 has no such header), so
 * these are written out in full, the same for every kernel.  The FPSIMD layout is struct
 * user_fpsimd_state: V0-V31 16 bytes each, then u32 FPSR and FPCR.
 *
 * Context: only inside kernel_neon_begin()/kernel_neon_end() (and, for
 * SVE, the span the SVE backend holds), where the registers belong to the
 * caller.
 */
#include <linux/linkage.h>
#include <asm/assembler.h>

	.arch_extension fp
	.arch_extension simd
	.arch_extension sve

/* void lfpu_arm64_fpsimd_save(struct user_fpsimd_state *state) */
SYM_FUNC_START(lfpu_arm64_fpsimd_save)
	stp	q0, q1, [x0, #16 * 0]
	stp	q2, q3, [x0, #16 * 2]
	stp	q4, q5, [x0, #16 * 4]
	stp	q6, q7, [x0, #16 * 6]
	stp	q8, q9, [x0, #16 * 8]
	stp	q10, q11, [x0, #16 * 10]
	stp	q12, q13, [x0, #16 * 12]
	stp	q14, q15, [x0, #16 * 14]
	stp	q16, q17, [x0, #16 * 16]
	stp	q18, q19, [x0, #16 * 18]
	stp	q20, q21, [x0, #16 * 20]
	stp	q22, q23, [x0, #16 * 22]
	stp	q24, q25, [x0, #16 * 24]
	stp	q26, q27, [x0, #16 * 26]
	stp	q28, q29, [x0, #16 * 28]
	stp	q30, q31, [x0, #16 * 30]
	mrs	x1, fpsr
	str	w1, [x0, #16 * 32]
	mrs	x1, fpcr
	str	w1, [x0, #16 * 32 + 4]
	ret
SYM_FUNC_END(lfpu_arm64_fpsimd_save)

/* void lfpu_arm64_fpsimd_load(const struct user_fpsimd_state *state) */
SYM_FUNC_START(lfpu_arm64_fpsimd_load)
	ldp	q0, q1, [x0, #16 * 0]
	ldp	q2, q3, [x0, #16 * 2]
	ldp	q4, q5, [x0, #16 * 4]
	ldp	q6, q7, [x0, #16 * 6]
	ldp	q8, q9, [x0, #16 * 8]
	ldp	q10, q11, [x0, #16 * 10]
	ldp	q12, q13, [x0, #16 * 12]
	ldp	q14, q15, [x0, #16 * 14]
	ldp	q16, q17, [x0, #16 * 16]
	ldp	q18, q19, [x0, #16 * 18]
	ldp	q20, q21, [x0, #16 * 20]
	ldp	q22, q23, [x0, #16 * 22]
	ldp	q24, q25, [x0, #16 * 24]
	ldp	q26, q27, [x0, #16 * 26]
	ldp	q28, q29, [x0, #16 * 28]
	ldp	q30, q31, [x0, #16 * 30]
	ldr	w1, [x0, #16 * 32]
	msr	fpsr, x1
	ldr	w1, [x0, #16 * 32 + 4]
	msr	fpcr, x1
	ret
SYM_FUNC_END(lfpu_arm64_fpsimd_load)

/*
 * SVE, at the vector length ZCR_EL1 currently selects.  x0 points at the
 * FFR slot of the image (Z0-Z31, P0-P15, FFR: the SVE signal frame's
 * order), as the kernel's own sve_save_state() used to take it, so that
 * every register is within the "MUL VL" immediate range: Z at -34..-3
 * vector lengths, P at -16..-1 predicate lengths; x1 points at FPSR,
 * followed by FPCR.  FFR is reached through P0, which is saved first and
 * loaded last.
 */

/* void lfpu_arm64_sve_save(void *ffr, u32 *fpsr) */
SYM_FUNC_START(lfpu_arm64_sve_save)
	str	z0, [x0, #-34, MUL VL]
	str	z1, [x0, #-33, MUL VL]
	str	z2, [x0, #-32, MUL VL]
	str	z3, [x0, #-31, MUL VL]
	str	z4, [x0, #-30, MUL VL]
	str	z5, [x0, #-29, MUL VL]
	str	z6, [x0, #-28, MUL VL]
	str	z7, [x0, #-27, MUL VL]
	str	z8, [x0, #-26, MUL VL]
	str	z9, [x0, #-25, MUL VL]
	str	z10, [x0, #-24, MUL VL]
	str	z11, [x0, #-23, MUL VL]
	str	z12, [x0, #-22, MUL VL]
	str	z13, [x0, #-21, MUL VL]
	str	z14, [x0, #-20, MUL VL]
	str	z15, [x0, #-19, MUL VL]
	str	z16, [x0, #-18, MUL VL]
	str	z17, [x0, #-17, MUL VL]
	str	z18, [x0, #-16, MUL VL]
	str	z19, [x0, #-15, MUL VL]
	str	z20, [x0, #-14, MUL VL]
	str	z21, [x0, #-13, MUL VL]
	str	z22, [x0, #-12, MUL VL]
	str	z23, [x0, #-11, MUL VL]
	str	z24, [x0, #-10, MUL VL]
	str	z25, [x0, #-9, MUL VL]
	str	z26, [x0, #-8, MUL VL]
	str	z27, [x0, #-7, MUL VL]
	str	z28, [x0, #-6, MUL VL]
	str	z29, [x0, #-5, MUL VL]
	str	z30, [x0, #-4, MUL VL]
	str	z31, [x0, #-3, MUL VL]
	str	p0, [x0, #-16, MUL VL]
	str	p1, [x0, #-15, MUL VL]
	str	p2, [x0, #-14, MUL VL]
	str	p3, [x0, #-13, MUL VL]
	str	p4, [x0, #-12, MUL VL]
	str	p5, [x0, #-11, MUL VL]
	str	p6, [x0, #-10, MUL VL]
	str	p7, [x0, #-9, MUL VL]
	str	p8, [x0, #-8, MUL VL]
	str	p9, [x0, #-7, MUL VL]
	str	p10, [x0, #-6, MUL VL]
	str	p11, [x0, #-5, MUL VL]
	str	p12, [x0, #-4, MUL VL]
	str	p13, [x0, #-3, MUL VL]
	str	p14, [x0, #-2, MUL VL]
	str	p15, [x0, #-1, MUL VL]
	rdffr	p0.b
	str	p0, [x0]
	ldr	p0, [x0, #-16, MUL VL]
	mrs	x2, fpsr
	str	w2, [x1]
	mrs	x2, fpcr
	str	w2, [x1, #4]
	ret
SYM_FUNC_END(lfpu_arm64_sve_save)

/* void lfpu_arm64_sve_load(const void *ffr, const u32 *fpsr) */
SYM_FUNC_START(lfpu_arm64_sve_load)
	ldr	z0, [x0, #-34, MUL VL]
	ldr	z1, [x0, #-33, MUL VL]
	ldr	z2, [x0, #-32, MUL VL]
	ldr	z3, [x0, #-31, MUL VL]
	ldr	z4, [x0, #-30, MUL VL]
	ldr	z5, [x0, #-29, MUL VL]
	ldr	z6, [x0, #-28, MUL VL]
	ldr	z7, [x0, #-27, MUL VL]
	ldr	z8, [x0, #-26, MUL VL]
	ldr	z9, [x0, #-25, MUL VL]
	ldr	z10, [x0, #-24, MUL VL]
	ldr	z11, [x0, #-23, MUL VL]
	ldr	z12, [x0, #-22, MUL VL]
	ldr	z13, [x0, #-21, MUL VL]
	ldr	z14, [x0, #-20, MUL VL]
	ldr	z15, [x0, #-19, MUL VL]
	ldr	z16, [x0, #-18, MUL VL]
	ldr	z17, [x0, #-17, MUL VL]
	ldr	z18, [x0, #-16, MUL VL]
	ldr	z19, [x0, #-15, MUL VL]
	ldr	z20, [x0, #-14, MUL VL]
	ldr	z21, [x0, #-13, MUL VL]
	ldr	z22, [x0, #-12, MUL VL]
	ldr	z23, [x0, #-11, MUL VL]
	ldr	z24, [x0, #-10, MUL VL]
	ldr	z25, [x0, #-9, MUL VL]
	ldr	z26, [x0, #-8, MUL VL]
	ldr	z27, [x0, #-7, MUL VL]
	ldr	z28, [x0, #-6, MUL VL]
	ldr	z29, [x0, #-5, MUL VL]
	ldr	z30, [x0, #-4, MUL VL]
	ldr	z31, [x0, #-3, MUL VL]
	ldr	p0, [x0]
	wrffr	p0.b
	ldr	p0, [x0, #-16, MUL VL]
	ldr	p1, [x0, #-15, MUL VL]
	ldr	p2, [x0, #-14, MUL VL]
	ldr	p3, [x0, #-13, MUL VL]
	ldr	p4, [x0, #-12, MUL VL]
	ldr	p5, [x0, #-11, MUL VL]
	ldr	p6, [x0, #-10, MUL VL]
	ldr	p7, [x0, #-9, MUL VL]
	ldr	p8, [x0, #-8, MUL VL]
	ldr	p9, [x0, #-7, MUL VL]
	ldr	p10, [x0, #-6, MUL VL]
	ldr	p11, [x0, #-5, MUL VL]
	ldr	p12, [x0, #-4, MUL VL]
	ldr	p13, [x0, #-3, MUL VL]
	ldr	p14, [x0, #-2, MUL VL]
	ldr	p15, [x0, #-1, MUL VL]
	ldr	w2, [x1]
	msr	fpsr, x2
	ldr	w2, [x1, #4]
	msr	fpcr, x2
	ret
SYM_FUNC_END(lfpu_arm64_sve_load)
