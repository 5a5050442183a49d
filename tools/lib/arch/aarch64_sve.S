/* SPDX-License-Identifier: GPL-2.0 */
/*
 * arm64 SVE: make a syscall with Z0-Z31, P0-P15 and FFR set to known values
 * at the thread's current vector length, and capture them right after.
 *
 * long lfpu_sve_syscall(long nr, long a0, long a1, long a2,
 *                       const void *in, void *out);
 *
 * @in and @out: Z0-Z31 (VL bytes each), then P0-P15 (VL/8 bytes each),
 * then FFR (VL/8 bytes): the layout of the SVE signal frame.
 */
	.arch	armv8.2-a+sve
	.text
	.globl	lfpu_sve_syscall
	.type	lfpu_sve_syscall, %function
lfpu_sve_syscall:
	mov	x8, x0
	mov	x0, x1
	mov	x1, x2
	mov	x2, x3
	addvl	x9, x4, #31		/* predicates follow the 32 Z registers */
	addvl	x9, x9, #1
	ldr	p0, [x9, #16, MUL VL]	/* FFR, written through P0 */
	wrffr	p0.b
	.irp	n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	ldr	z\n, [x4, #\n, MUL VL]
	.endr
	.irp	n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	ldr	p\n, [x9, #\n, MUL VL]
	.endr
	svc	#0
	.irp	n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	str	z\n, [x5, #\n, MUL VL]
	.endr
	addvl	x10, x5, #31
	addvl	x10, x10, #1
	.irp	n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	str	p\n, [x10, #\n, MUL VL]
	.endr
	rdffr	p0.b
	str	p0, [x10, #16, MUL VL]
	ret
	.size	lfpu_sve_syscall, . - lfpu_sve_syscall

	.section .note.GNU-stack, "", @progbits
