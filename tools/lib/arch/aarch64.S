/* SPDX-License-Identifier: GPL-2.0 */
/*
 * arm64: make a syscall with V0-V31, FPCR and FPSR set to known values,
 * and capture them right after it returns.
 *
 * long lfpu_syscall_with_regs(long nr, long a0, long a1, long a2,
 *                             const struct lfpu_host_regs *in,
 *                             struct lfpu_host_regs *out);
 *
 * struct lfpu_host_regs { u8 v[32][16]; u64 fpcr; u64 fpsr; } here.
 */
	.text
	.globl	lfpu_syscall_with_regs
	.type	lfpu_syscall_with_regs, %function
lfpu_syscall_with_regs:
	mov	x8, x0			/* nr */
	mov	x0, x1
	mov	x1, x2
	mov	x2, x3
	/* x4 = in, x5 = out: the syscall preserves them */
	.irp	n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	ldr	q\n, [x4, #(16 * \n)]
	.endr
	ldr	x9, [x4, #512]
	msr	fpcr, x9
	ldr	x9, [x4, #520]
	msr	fpsr, x9
	svc	#0
	.irp	n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	str	q\n, [x5, #(16 * \n)]
	.endr
	mrs	x9, fpcr
	str	x9, [x5, #512]
	mrs	x9, fpsr
	str	x9, [x5, #520]
	ret
	.size	lfpu_syscall_with_regs, . - lfpu_syscall_with_regs

	.section .note.GNU-stack, "", @progbits
