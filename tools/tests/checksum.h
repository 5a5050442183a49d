/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The checksum guest: a long FP loop whose three results depend on every
 * f64 add and multiply, every XOR and every 64-bit add it performs, so any
 * corruption of its vector registers or its MXCSR/FPCR shows up.  The same
 * loop is computed in C for the reference (tools are built with
 * -ffp-contract=off, so no fused multiply-add changes the rounding).
 */
#ifndef _LAZYFPU_TESTS_CHECKSUM_H
#define _LAZYFPU_TESTS_CHECKSUM_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define CHECKSUM_OUTS	3

/*
 * @iterations of the loop; @exit_insn runs in every iteration: "nop",
 * "hcall r6, 1" (an in-kernel exit) or "yield".  With @out_mask non-zero,
 * the loop also exits to userspace (OUT to port 5) whenever the remaining
 * count & @out_mask is 0, so the computation spans many RUNs.
 */
static inline void checksum_program_exiting(char *buf, size_t len, long iterations,
					    const char *exit_insn, long out_mask)
{
	char exits[160];

	if (out_mask)
		snprintf(exits, sizeof(exits),
			 "	%s\n"
			 "	movi	r8, %ld\n"
			 "	and	r7, r2, r8\n"
			 "	bne	r7, r9, no_out\n"	/* r9 is always 0 */
			 "	out	r2, 5\n"
			 "no_out:", exit_insn, out_mask);
	else
		snprintf(exits, sizeof(exits), "	%s", exit_insn);

	snprintf(buf, len,
		 "	movi	r1, data\n"
		 "	vld	v0, [r1 + 0]\n"
		 "	vld	v1, [r1 + 16]\n"
		 "	vld	v2, [r1 + 32]\n"
		 "	vld	v3, [r1 + 48]\n"
		 "	vld	v4, [r1 + 64]\n"
		 "	vld	v5, [r1 + 80]\n"
		 "	movi	r2, %ld\n"
		 "loop:\n"
		 "	vaddpd	v0, v1\n"
		 "	vmulpd	v1, v2\n"
		 "	vxor	v3, v4\n"
		 "	vaddq	v5, v3\n"
		 "	vaddq	v4, v5\n"
		 "%s\n"
		 "	loop	r2, loop\n"
		 "	vred	r3, v0\n"
		 "	out	r3, 2\n"
		 "	vred	r3, v1\n"
		 "	out	r3, 2\n"
		 "	vred	r3, v5\n"
		 "	out	r3, 2\n"
		 "	hlt\n"
		 "	.align	16\n"
		 "data:\n"
		 "	.f64	0.5, 0.25\n"
		 "	.f64	1.0, 2.0\n"
		 "	.f64	1.0000001, 0.9999999\n"
		 "	.quad	0x0123456789abcdef, -81985529216486896\n"
		 "	.quad	-7046029254386353131, 0x243f6a8885a308d3\n"
		 "	.quad	0, 0\n",
		 iterations, exits);
}

static inline void checksum_program(char *buf, size_t len, long iterations,
				    const char *exit_insn)
{
	checksum_program_exiting(buf, len, iterations, exit_insn, 0);
}

static inline uint64_t checksum_bits(double d)
{
	uint64_t u;

	memcpy(&u, &d, sizeof(u));
	return u;
}

static inline void checksum_reference(long iterations, uint64_t out[CHECKSUM_OUTS])
{
	double acc[2] = { 0.5, 0.25 }, x[2] = { 1.0, 2.0 };
	const double mult[2] = { 1.0000001, 0.9999999 };
	uint64_t bits[2] = { 0x0123456789abcdefULL, (uint64_t)-81985529216486896LL };
	uint64_t key[2] = { (uint64_t)-7046029254386353131LL, 0x243f6a8885a308d3ULL };
	uint64_t sum[2] = { 0, 0 };
	long i;
	int l;

	for (i = 0; i < iterations; i++)
		for (l = 0; l < 2; l++) {
			acc[l] += x[l];
			x[l] *= mult[l];
			bits[l] ^= key[l];
			sum[l] += bits[l];
			key[l] += sum[l];
		}
	out[0] = checksum_bits(acc[0]) + checksum_bits(acc[1]);
	out[1] = checksum_bits(x[0]) + checksum_bits(x[1]);
	out[2] = sum[0] + sum[1];
}

#endif
