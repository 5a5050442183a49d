// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite lazyfpu_regs: a save -> clobber -> restore round trip of the
 * real FP/SIMD registers, through the core, a real backend and the real
 * instruction stubs.
 *
 * A vCPU state with a distinct pattern in every guest vector register is
 * loaded (claim), read back from the registers with VST, clobbered with
 * VXOR, saved (release), and checked: the saved image must hold zeroes.
 * Then the pattern is set again, loaded, and read back once more.
 *
 * And a softirq that wants the FPU while a vCPU holds the registers gets
 * it: either at once (the kernel saves the guest state for it) or once
 * the vCPU lets go, never "not usable" and a fallback.
 *
 * Only backends usable from a kernel thread take part (KUnit cases run
 * in one).
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/hrtimer.h>
#include <linux/ktime.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/simd.h>
#include <lazyfpu/arch.h>
#include <uapi/linux/lazyfpu_isa.h>

#include "../fpu/fpu.h"

struct regs_ctx {
	struct lfpu_vcpu_fp fp;
	void *image;
	u8 out[16];
};

static void pattern(unsigned int reg, u8 *v)
{
	int i;

	for (i = 0; i < 16; i++)
		v[i] = (u8)(0xa0 + reg * 16 + i) ^ 0x5c;
}

static int exec_one(struct lfpu_vcpu_fp *fp, u8 op, u8 va, u8 vb, void *mem)
{
	struct lfpu_fp_insn in = { .op = op, .va = va, .vb = vb, .mem = mem };
	int ret;

	lfpu_fp_insn_begin(fp);
	ret = lfpu_arch_exec_fp(&in);
	lfpu_fp_insn_end(fp, op != LFPU_OP_VST);
	return ret;
}

/* Load the image, check every register from the registers themselves. */
static void expect_registers_hold_pattern(struct kunit *test, struct regs_ctx *c)
{
	u8 want[16];
	unsigned int r;

	lfpu_fp_vcpu_load(&c->fp);
	for (r = 0; r < LFPU_NR_VREGS; r++) {
		KUNIT_ASSERT_EQ(test, exec_one(&c->fp, LFPU_OP_VST, r, 0, c->out), 0);
		pattern(r, want);
		KUNIT_EXPECT_EQ(test, memcmp(c->out, want, 16), 0);
	}
}

static void round_trip(struct kunit *test, const struct lfpu_fp_backend *be)
{
	u32 size = lfpu_arch_state_size(0);
	struct regs_ctx *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	u8 zero[16] = {};
	unsigned int r;

	KUNIT_ASSERT_NOT_NULL(test, c);
	c->image = kunit_kzalloc(test, size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c->image);
	KUNIT_ASSERT_EQ(test, lfpu_fp_vcpu_init_backend(&c->fp, be,
							LAZYFPU_FP_POLICY_LAZY, 0, 0, 0), 0);

	/* Start from the backend's init image, then write the pattern. */
	KUNIT_ASSERT_EQ(test, lfpu_fp_get_state(&c->fp, c->image), 0);
	for (r = 0; r < LFPU_NR_VREGS; r++)
		pattern(r, lfpu_arch_image_vreg(c->image, r));
	KUNIT_ASSERT_EQ(test, lfpu_fp_set_state(&c->fp, c->image), 0);

	expect_registers_hold_pattern(test, c);
	/* Clobber every register, then save by releasing. */
	for (r = 0; r < LFPU_NR_VREGS; r++)
		KUNIT_ASSERT_EQ(test, exec_one(&c->fp, LFPU_OP_VXOR, r, r, NULL), 0);
	lfpu_fp_vcpu_put(&c->fp, LFPU_REASON_RUN);
	KUNIT_EXPECT_EQ(test, c->fp.stats.fp_saves, 1ULL);

	memset(c->image, 0xff, size);
	KUNIT_ASSERT_EQ(test, lfpu_fp_get_state(&c->fp, c->image), 0);
	for (r = 0; r < LFPU_NR_VREGS; r++)
		KUNIT_EXPECT_EQ(test, memcmp(lfpu_arch_image_vreg(c->image, r), zero, 16), 0);

	/* Restore the pattern and read it back from the registers. */
	for (r = 0; r < LFPU_NR_VREGS; r++)
		pattern(r, lfpu_arch_image_vreg(c->image, r));
	KUNIT_ASSERT_EQ(test, lfpu_fp_set_state(&c->fp, c->image), 0);
	expect_registers_hold_pattern(test, c);
	lfpu_fp_vcpu_put(&c->fp, LFPU_REASON_RUN);
	/* Only VST ran: the state stayed clean, nothing was saved. */
	KUNIT_EXPECT_EQ(test, c->fp.stats.saves_avoided, 1ULL);

	lfpu_fp_vcpu_destroy(&c->fp);
}

/* Runs @check on every backend usable from this kernel thread. */
static void run_on_kthread_backends(struct kunit *test,
				    void (*check)(struct kunit *test,
						  const struct lfpu_fp_backend *be))
{
	const struct lfpu_fp_backend *const *be;
	int tried = 0;

	for (be = lfpu_arch_backends; *be; be++) {
		if (!(*be)->usable_in_kthread)
			continue;
		kunit_info(test, "backend %s", (*be)->name);
		check(test, *be);
		tried++;
	}
	KUNIT_EXPECT_GT(test, tried, 0);
}

static void lfpu_regs_save_clobber_restore(struct kunit *test)
{
	run_on_kthread_backends(test, round_trip);
}

/*
 * A soft hrtimer stands in for crypto or checksum code in softirq
 * context: it records whether the kernel would let it use the FPU.
 */
struct softirq_probe {
	struct hrtimer timer;
	bool ran;
	bool simd_usable;
};

static enum hrtimer_restart softirq_probe_fire(struct hrtimer *t)
{
	struct softirq_probe *p = container_of(t, struct softirq_probe, timer);

	WRITE_ONCE(p->simd_usable, may_use_simd());
	WRITE_ONCE(p->ran, true);
	return HRTIMER_NORESTART;
}

#define SOFTIRQ_PROBE_HOLD_MS	20
#define SOFTIRQ_PROBE_WAIT_MS	1000

static void softirq_while_held(struct kunit *test, const struct lfpu_fp_backend *be)
{
	struct regs_ctx *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	struct softirq_probe *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	bool ran, simd_usable;
	int waited;

	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_EQ(test, lfpu_fp_vcpu_init_backend(&c->fp, be,
							LAZYFPU_FP_POLICY_LAZY, 0, 0, 0), 0);
	lfpu_hrtimer_setup(&p->timer, softirq_probe_fire, CLOCK_MONOTONIC,
			   HRTIMER_MODE_REL_SOFT);

	/* The vCPU claims the registers and keeps them between instructions. */
	lfpu_fp_vcpu_load(&c->fp);
	KUNIT_ASSERT_EQ(test, exec_one(&c->fp, LFPU_OP_VXOR, 0, 0, NULL), 0);
	hrtimer_start(&p->timer, ns_to_ktime(10 * NSEC_PER_USEC), HRTIMER_MODE_REL_SOFT);
	/* Ticks and the timer's own interrupt come and go meanwhile. */
	mdelay(SOFTIRQ_PROBE_HOLD_MS);
	lfpu_fp_vcpu_put(&c->fp, LFPU_REASON_RUN);

	/* On PREEMPT_RT the softirq runs in a thread: give it the time. */
	for (waited = 0; !READ_ONCE(p->ran) && waited < SOFTIRQ_PROBE_WAIT_MS; waited += 20)
		msleep(20);
	hrtimer_cancel(&p->timer);
	ran = READ_ONCE(p->ran);
	simd_usable = READ_ONCE(p->simd_usable);
	KUNIT_EXPECT_TRUE_MSG(test, ran, "%s: the softirq never ran", be->name);
	KUNIT_EXPECT_TRUE_MSG(test, simd_usable,
			      "%s: a softirq found the FPU unusable", be->name);
	lfpu_fp_vcpu_destroy(&c->fp);
}

static void lfpu_regs_softirq_gets_the_fpu(struct kunit *test)
{
	run_on_kthread_backends(test, softirq_while_held);
}

static struct kunit_case lfpu_regs_cases[] = {
	KUNIT_CASE(lfpu_regs_save_clobber_restore),
	KUNIT_CASE(lfpu_regs_softirq_gets_the_fpu),
	{}
};

static struct kunit_suite lfpu_regs_suite = {
	.name = "lazyfpu_regs",
	.test_cases = lfpu_regs_cases,
};

kunit_test_suite(lfpu_regs_suite);
