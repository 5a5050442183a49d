/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86-64 host checker: hold a pattern in the FP registers for a while.
 *
 * void stress_fp_hold_avx(const struct lfpu_host_regs *want,
 *                         struct lfpu_host_regs *got,
 *                         const uint16_t *fcw, uint16_t *fcw_got,
 *                         unsigned long spins, long yield);
 *
 * Loads YMM0-15 and MXCSR from @want and the x87 control word from @fcw,
 * spins @spins (>= 1) times in integer code, where timer interrupts,
 * softirqs and preemption find the pattern live, makes a sched_yield()
 * if @yield, then stores them all back into @got and @fcw_got.  No
 * compiler code runs in between.  The _sse variant does XMM only, for
 * CPUs without AVX.
 */
#include <asm/unistd.h>

	.text
	.macro	hold name, load, store, width
	.globl	\name
	.type	\name, @function
\name:
	.irp	n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	\load	(32 * \n)(%rdi), %\width\n
	.endr
	ldmxcsr	512(%rdi)
	fldcw	(%rdx)
	mov	%rcx, %r10		/* the syscall clobbers rcx and r11 */
1:	dec	%r8
	jnz	1b
	test	%r9, %r9
	jz	2f
	mov	$__NR_sched_yield, %eax
	syscall
2:
	.irp	n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	\store	%\width\n, (32 * \n)(%rsi)
	.endr
	stmxcsr	512(%rsi)
	fnstcw	(%r10)
	ret
	.size	\name, . - \name
	.endm

	hold	stress_fp_hold_avx, vmovdqu, vmovdqu, ymm
	hold	stress_fp_hold_sse, movdqu, movdqu, xmm

	.section .note.GNU-stack, "", @progbits
