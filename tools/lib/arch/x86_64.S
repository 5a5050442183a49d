/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86-64: make a syscall with every vector register and MXCSR set to
 * known values, and capture them right after it returns.
 *
 * long lfpu_syscall_with_regs(long nr, long a0, long a1, long a2,
 *                             const struct lfpu_host_regs *in,
 *                             struct lfpu_host_regs *out);
 *
 * struct lfpu_host_regs { u8 v[16][32]; u32 csr; ... } (tools/lib/hostregs.h)
 * Between loading and storing, only the syscall runs: no compiler code
 * can touch the registers.  The _sse variant does XMM only, for CPUs
 * without AVX.
 */
	.text
	.macro	run_with_regs name, load, store, width
	.globl	\name
	.type	\name, @function
\name:
	mov	%rdi, %rax		/* nr */
	mov	%rsi, %rdi		/* a0 */
	mov	%rdx, %rsi		/* a1 */
	mov	%rcx, %rdx		/* a2 */
	/* r8 = in, r9 = out: the syscall preserves them */
	.irp	n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	\load	(32 * \n)(%r8), %\width\n
	.endr
	ldmxcsr	512(%r8)
	syscall
	.irp	n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	\store	%\width\n, (32 * \n)(%r9)
	.endr
	stmxcsr	512(%r9)
	ret
	.size	\name, . - \name
	.endm

	run_with_regs lfpu_syscall_with_regs_avx, vmovdqu, vmovdqu, ymm
	run_with_regs lfpu_syscall_with_regs_sse, movdqu, movdqu, xmm

	.section .note.GNU-stack, "", @progbits
