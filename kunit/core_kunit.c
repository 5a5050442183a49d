// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite lazyfpu_core: the FP ownership state machine of fpu/core.c,
 * driven against a fake backend that records what it is asked to do.
 *
 * Each case plays the sequence of events the RUN loop produces (RUN entry,
 * guest entries and exits, FP instructions, preemption, RUN exit) and
 * checks both what the backend was asked to move and what the counters
 * say, for every policy.  The fake backend holds no FP state; its window
 * disables preemption, as the real ones do, because the core reads per-CPU
 * data inside the window.
 */
#include <kunit/test.h>
#include <linux/interrupt.h>
#include <linux/irqflags.h>
#include <linux/module.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <lazyfpu/arch.h>

#include "../fpu/fpu.h"

#define FAKE_STATE_BYTES	512

struct fake_backend_log {
	int inits;
	int claims;
	int reloads;
	int releases;
	int releases_saving;
	bool regs_hold_guest;	/* what the fake kernel says */
};

static struct fake_backend_log fake;

static int fake_init(struct lfpu_vcpu_fp *fp)
{
	fake.inits++;
	return 0;
}

static void fake_destroy(struct lfpu_vcpu_fp *fp)
{
}

static u32 fake_claim(struct lfpu_vcpu_fp *fp)
{
	fake.claims++;
	fake.regs_hold_guest = true;
	return FAKE_STATE_BYTES;
}

static bool fake_regs_hold_guest(struct lfpu_vcpu_fp *fp)
{
	return fake.regs_hold_guest;
}

static u32 fake_reload(struct lfpu_vcpu_fp *fp)
{
	fake.reloads++;
	fake.regs_hold_guest = true;
	return FAKE_STATE_BYTES;
}

static void fake_window_open(struct lfpu_vcpu_fp *fp)
{
	preempt_disable();
}

static void fake_window_close(struct lfpu_vcpu_fp *fp)
{
	preempt_enable();
}

static u32 fake_release(struct lfpu_vcpu_fp *fp, bool save)
{
	fake.releases++;
	if (save)
		fake.releases_saving++;
	return save ? FAKE_STATE_BYTES : 0;
}

static int fake_get_state(struct lfpu_vcpu_fp *fp, void *buf)
{
	return 0;
}

static int fake_set_state(struct lfpu_vcpu_fp *fp, void *buf)
{
	return 0;
}

static const struct lfpu_fp_backend fake_backend = {
	.name = "fake",
	.id = 0,
	.usable_in_kthread = true,
	.init = fake_init,
	.destroy = fake_destroy,
	.claim = fake_claim,
	.regs_hold_guest = fake_regs_hold_guest,
	.reload = fake_reload,
	.window_open = fake_window_open,
	.window_close = fake_window_close,
	.release = fake_release,
	.get_state = fake_get_state,
	.set_state = fake_set_state,
};

/* The same, but its window cannot survive a reschedule (set up below). */
static struct lfpu_fp_backend fake_section_backend;

static struct lfpu_vcpu_fp *new_fp(struct kunit *test, const struct lfpu_fp_backend *be,
				   u32 policy)
{
	struct lfpu_vcpu_fp *fp = kunit_kzalloc(test, sizeof(*fp), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, fp);
	memset(&fake, 0, sizeof(fake));
	KUNIT_ASSERT_EQ(test, lfpu_fp_vcpu_init_backend(fp, be, policy, 0, 1, 0), 0);
	return fp;
}

/* One guest FP instruction. */
static void fp_insn(struct lfpu_vcpu_fp *fp, bool writes)
{
	lfpu_fp_insn_begin(fp);
	lfpu_fp_insn_end(fp, writes);
}

/* The preempt notifier's view of a context switch away and back. */
static void preempted(struct lfpu_vcpu_fp *fp)
{
	unsigned long flags;

	local_irq_save(flags);
	lfpu_fp_sched_out(fp);
	local_irq_restore(flags);
	lfpu_fp_sched_in(fp, raw_smp_processor_id());
}

static void lfpu_core_lazy_no_fp_moves_nothing(struct kunit *test)
{
	struct lfpu_vcpu_fp *fp = new_fp(test, &fake_backend, LAZYFPU_FP_POLICY_LAZY);
	int i;

	preempt_disable();	/* keep the per-CPU record ours */
	lfpu_fp_vcpu_load(fp);
	for (i = 0; i < 5; i++) {
		lfpu_fp_guest_enter(fp);
		lfpu_fp_guest_exit(fp);
	}
	lfpu_fp_vcpu_put(fp, LFPU_REASON_RUN);

	KUNIT_EXPECT_EQ(test, fake.claims, 0);
	KUNIT_EXPECT_EQ(test, fake.releases, 0);
	KUNIT_EXPECT_EQ(test, fp->stats.fp_loads, 0ULL);
	KUNIT_EXPECT_EQ(test, fp->stats.fp_saves, 0ULL);
	KUNIT_EXPECT_EQ(test, fp->stats.first_use_claims, 0ULL);
	preempt_enable();
	lfpu_fp_vcpu_destroy(fp);
}

static int binds, claims_at_bind;

static void count_bind(struct lfpu_vcpu_fp *fp)
{
	/* Must come before the state moves: see it from the fake backend. */
	claims_at_bind = fake.claims;
	binds++;
}

/*
 * The task is bound (vmm/run.c attaches its preempt notifiers) once per
 * RUN, at the first claim, and not at all in a RUN that claims nothing.
 */
static void lfpu_core_task_bound_at_first_claim(struct kunit *test)
{
	struct lfpu_vcpu_fp *fp = new_fp(test, &fake_backend, LAZYFPU_FP_POLICY_LAZY);
	struct lfpu_vcpu_fp *per_run = new_fp(test, &fake_backend, LAZYFPU_FP_POLICY_PER_RUN);

	fp->bind_task = count_bind;
	per_run->bind_task = count_bind;
	binds = 0;
	preempt_disable();	/* keep the per-CPU record ours */

	/* A lazy RUN without FP instructions. */
	lfpu_fp_vcpu_load(fp);
	lfpu_fp_guest_enter(fp);
	lfpu_fp_guest_exit(fp);
	KUNIT_EXPECT_FALSE(test, lfpu_fp_vcpu_put(fp, LFPU_REASON_RUN));
	KUNIT_EXPECT_EQ(test, binds, 0);

	/* Two FP instructions and an exit between them: one bind. */
	lfpu_fp_vcpu_load(fp);
	lfpu_fp_guest_enter(fp);
	fp_insn(fp, true);
	KUNIT_EXPECT_EQ(test, claims_at_bind, fake.claims - 1);
	lfpu_fp_guest_exit(fp);
	lfpu_fp_guest_enter(fp);
	fp_insn(fp, false);
	lfpu_fp_guest_exit(fp);
	KUNIT_EXPECT_EQ(test, binds, 1);
	KUNIT_EXPECT_TRUE(test, lfpu_fp_vcpu_put(fp, LFPU_REASON_RUN));

	/* The next RUN binds again; per-run binds at guest entry. */
	lfpu_fp_vcpu_load(fp);
	fp_insn(fp, false);
	KUNIT_EXPECT_EQ(test, binds, 2);
	KUNIT_EXPECT_TRUE(test, lfpu_fp_vcpu_put(fp, LFPU_REASON_RUN));
	lfpu_fp_vcpu_load(per_run);
	lfpu_fp_guest_enter(per_run);
	KUNIT_EXPECT_EQ(test, binds, 3);
	KUNIT_EXPECT_EQ(test, claims_at_bind, fake.claims - 1);
	lfpu_fp_guest_exit(per_run);
	KUNIT_EXPECT_TRUE(test, lfpu_fp_vcpu_put(per_run, LFPU_REASON_RUN));

	preempt_enable();
	lfpu_fp_vcpu_destroy(per_run);
	lfpu_fp_vcpu_destroy(fp);
}

static void lfpu_core_lazy_claims_at_first_fp_insn(struct kunit *test)
{
	struct lfpu_vcpu_fp *fp = new_fp(test, &fake_backend, LAZYFPU_FP_POLICY_LAZY);

	preempt_disable();	/* keep the per-CPU record ours */
	lfpu_fp_vcpu_load(fp);
	lfpu_fp_guest_enter(fp);
	KUNIT_EXPECT_EQ(test, fake.claims, 0);
	fp_insn(fp, true);
	KUNIT_EXPECT_EQ(test, fake.claims, 1);
	KUNIT_EXPECT_TRUE(test, fp->claimed);
	KUNIT_EXPECT_TRUE(test, fp->dirty);
	fp_insn(fp, true);
	KUNIT_EXPECT_EQ(test, fake.claims, 1);
	lfpu_fp_guest_exit(fp);
	lfpu_fp_vcpu_put(fp, LFPU_REASON_RUN);

	KUNIT_EXPECT_FALSE(test, fp->claimed);
	KUNIT_EXPECT_EQ(test, fake.releases_saving, 1);
	KUNIT_EXPECT_EQ(test, fp->stats.fp_loads, 1ULL);
	KUNIT_EXPECT_EQ(test, fp->stats.fp_bytes_loaded, (u64)FAKE_STATE_BYTES);
	KUNIT_EXPECT_EQ(test, fp->stats.fp_saves, 1ULL);
	KUNIT_EXPECT_EQ(test, fp->stats.fp_bytes_saved, (u64)FAKE_STATE_BYTES);
	KUNIT_EXPECT_EQ(test, fp->stats.first_use_claims, 1ULL);
	KUNIT_EXPECT_EQ(test, fp->stats.fp_instructions, 2ULL);
	preempt_enable();
	lfpu_fp_vcpu_destroy(fp);
}

static void lfpu_core_lazy_k_exits_one_load(struct kunit *test)
{
	struct lfpu_vcpu_fp *fp = new_fp(test, &fake_backend, LAZYFPU_FP_POLICY_LAZY);
	const int k = 10;
	int i;

	preempt_disable();	/* keep the per-CPU record ours */
	lfpu_fp_vcpu_load(fp);
	lfpu_fp_guest_enter(fp);
	fp_insn(fp, true);
	for (i = 0; i < k; i++) {
		lfpu_fp_guest_exit(fp);		/* e.g. a hypercall */
		lfpu_fp_guest_enter(fp);
		fp_insn(fp, true);
	}
	lfpu_fp_guest_exit(fp);
	lfpu_fp_vcpu_put(fp, LFPU_REASON_RUN);

	KUNIT_EXPECT_EQ(test, fake.claims, 1);
	KUNIT_EXPECT_EQ(test, fake.reloads, 0);
	KUNIT_EXPECT_EQ(test, fp->stats.fp_loads, 1ULL);
	KUNIT_EXPECT_EQ(test, fp->stats.reloads_skipped, (u64)k);
	KUNIT_EXPECT_EQ(test, fp->stats.fp_saves, 1ULL);
	preempt_enable();
	lfpu_fp_vcpu_destroy(fp);
}

static void lfpu_core_lazy_clean_state_is_not_saved(struct kunit *test)
{
	struct lfpu_vcpu_fp *fp = new_fp(test, &fake_backend, LAZYFPU_FP_POLICY_LAZY);

	preempt_disable();	/* keep the per-CPU record ours */
	lfpu_fp_vcpu_load(fp);
	lfpu_fp_guest_enter(fp);
	fp_insn(fp, false);	/* e.g. VST: reads the registers only */
	lfpu_fp_guest_exit(fp);
	lfpu_fp_vcpu_put(fp, LFPU_REASON_RUN);

	KUNIT_EXPECT_EQ(test, fake.releases, 1);
	KUNIT_EXPECT_EQ(test, fake.releases_saving, 0);
	KUNIT_EXPECT_EQ(test, fp->stats.fp_saves, 0ULL);
	KUNIT_EXPECT_EQ(test, fp->stats.saves_avoided, 1ULL);
	preempt_enable();
	lfpu_fp_vcpu_destroy(fp);
}

static void lfpu_core_foreign_use_forces_reload(struct kunit *test)
{
	struct lfpu_vcpu_fp *fp = new_fp(test, &fake_backend, LAZYFPU_FP_POLICY_LAZY);

	preempt_disable();	/* keep the per-CPU record ours */
	lfpu_fp_vcpu_load(fp);
	lfpu_fp_guest_enter(fp);
	fp_insn(fp, true);
	lfpu_fp_guest_exit(fp);
	/* A softirq used the FPU: the kernel saved our state and took them. */
	fake.regs_hold_guest = false;
	lfpu_fp_guest_enter(fp);
	fp_insn(fp, false);
	KUNIT_EXPECT_EQ(test, fake.reloads, 1);
	/* The kernel's save made memory current: a clean put saves nothing. */
	lfpu_fp_guest_exit(fp);
	lfpu_fp_vcpu_put(fp, LFPU_REASON_RUN);

	KUNIT_EXPECT_EQ(test, fp->stats.fp_loads, 2ULL);
	KUNIT_EXPECT_EQ(test, fp->stats.reloads_skipped, 0ULL);
	KUNIT_EXPECT_EQ(test, fp->stats.fp_saves, 0ULL);
	KUNIT_EXPECT_EQ(test, fp->stats.saves_avoided, 1ULL);
	preempt_enable();
	lfpu_fp_vcpu_destroy(fp);
}

static void lfpu_core_sched_out_invalidates(struct kunit *test)
{
	struct lfpu_vcpu_fp *fp = new_fp(test, &fake_backend, LAZYFPU_FP_POLICY_LAZY);

	preempt_disable();	/* keep the per-CPU record ours */
	lfpu_fp_vcpu_load(fp);
	lfpu_fp_guest_enter(fp);
	fp_insn(fp, true);
	/*
	 * Even if the backend still vouches for the registers, the per-CPU
	 * record was cleared: another task may have run here.
	 */
	preempted(fp);
	KUNIT_EXPECT_EQ(test, fp->stats.sched_outs, 1ULL);
	fp_insn(fp, true);
	KUNIT_EXPECT_EQ(test, fake.reloads, 1);
	KUNIT_EXPECT_EQ(test, fp->stats.fp_loads, 2ULL);
	lfpu_fp_guest_exit(fp);
	lfpu_fp_vcpu_put(fp, LFPU_REASON_RUN);
	preempt_enable();
	lfpu_fp_vcpu_destroy(fp);
}

static void lfpu_core_per_run_loads_at_entry(struct kunit *test)
{
	struct lfpu_vcpu_fp *fp = new_fp(test, &fake_backend, LAZYFPU_FP_POLICY_PER_RUN);
	int i;

	preempt_disable();	/* keep the per-CPU record ours */
	lfpu_fp_vcpu_load(fp);
	for (i = 0; i < 3; i++) {
		lfpu_fp_guest_enter(fp);
		KUNIT_EXPECT_TRUE(test, fp->claimed);
		lfpu_fp_guest_exit(fp);
	}
	lfpu_fp_vcpu_put(fp, LFPU_REASON_RUN);

	/* No FP instruction at all, still one load and one save. */
	KUNIT_EXPECT_EQ(test, fake.claims, 1);
	KUNIT_EXPECT_EQ(test, fake.releases_saving, 1);
	KUNIT_EXPECT_EQ(test, fp->stats.fp_loads, 1ULL);
	KUNIT_EXPECT_EQ(test, fp->stats.fp_saves, 1ULL);
	KUNIT_EXPECT_EQ(test, fp->stats.first_use_claims, 0ULL);
	preempt_enable();
	lfpu_fp_vcpu_destroy(fp);
}

static void lfpu_core_eager_moves_state_every_entry(struct kunit *test)
{
	struct lfpu_vcpu_fp *fp = new_fp(test, &fake_backend, LAZYFPU_FP_POLICY_EAGER);
	const int entries = 4;
	int i;

	preempt_disable();	/* keep the per-CPU record ours */
	lfpu_fp_vcpu_load(fp);
	for (i = 0; i < entries; i++) {
		lfpu_fp_guest_enter(fp);
		fp_insn(fp, false);
		lfpu_fp_guest_exit(fp);
		KUNIT_EXPECT_FALSE(test, fp->claimed);
	}
	lfpu_fp_vcpu_put(fp, LFPU_REASON_RUN);

	KUNIT_EXPECT_EQ(test, fake.claims, entries);
	KUNIT_EXPECT_EQ(test, fake.reloads, 0);
	KUNIT_EXPECT_EQ(test, fake.releases_saving, entries);
	KUNIT_EXPECT_EQ(test, fp->stats.fp_loads, (u64)entries);
	KUNIT_EXPECT_EQ(test, fp->stats.fp_saves, (u64)entries);
	KUNIT_EXPECT_EQ(test, fp->stats.saves_avoided, 0ULL);
	preempt_enable();
	lfpu_fp_vcpu_destroy(fp);
}

static void lfpu_core_noop_tasklet(struct tasklet_struct *t)
{
}

/* Claim @fp, dirty, and leave the guest with an in-kernel exit. */
static void claim_dirty_and_exit(struct lfpu_vcpu_fp *fp)
{
	lfpu_fp_vcpu_load(fp);
	fp_insn(fp, true);
	lfpu_fp_guest_exit(fp);
}

static void lfpu_core_yield_releases_only_blocking_sections(struct kunit *test)
{
	struct lfpu_vcpu_fp *fp = new_fp(test, &fake_backend, LAZYFPU_FP_POLICY_LAZY);
	struct tasklet_struct tasklet;

	/* A backend the kernel preserves across preemption keeps the state. */
	preempt_disable();	/* keep the per-CPU record ours */
	claim_dirty_and_exit(fp);
	set_tsk_need_resched(current);
	lfpu_fp_yield_point(fp);
	KUNIT_EXPECT_TRUE(test, fp->claimed);
	KUNIT_EXPECT_EQ(test, fp->stats.yield_releases, 0ULL);
	lfpu_fp_vcpu_put(fp, LFPU_REASON_RUN);
	preempt_enable();
	lfpu_fp_vcpu_destroy(fp);

	/*
	 * A section backend keeps it while nothing waits for the CPU, and
	 * must give it up - saving it, since it is dirty - for a task that
	 * waits to run.
	 */
	fake_section_backend = fake_backend;
	fake_section_backend.release_before_resched = true;
	fp = new_fp(test, &fake_section_backend, LAZYFPU_FP_POLICY_LAZY);
	preempt_disable();
	claim_dirty_and_exit(fp);
	if (!need_resched() && !local_softirq_pending()) {
		lfpu_fp_yield_point(fp);
		KUNIT_EXPECT_TRUE(test, fp->claimed);
	}
	KUNIT_EXPECT_EQ(test, fp->stats.yield_releases, 0ULL);
	set_tsk_need_resched(current);
	lfpu_fp_yield_point(fp);
	KUNIT_EXPECT_FALSE(test, fp->claimed);
	KUNIT_EXPECT_EQ(test, fake.releases_saving, 1);
	KUNIT_EXPECT_EQ(test, fp->stats.yield_releases, 1ULL);
	/* The next FP instruction claims again. */
	fp_insn(fp, false);
	KUNIT_EXPECT_EQ(test, fake.claims, 2);
	KUNIT_EXPECT_EQ(test, fp->stats.first_use_claims, 2ULL);
	lfpu_fp_vcpu_put(fp, LFPU_REASON_RUN);
	KUNIT_EXPECT_EQ(test, fp->stats.saves_avoided, 1ULL);
	preempt_enable();

	/* ... and for softirqs pending on this CPU (BH off: they stay pending). */
	tasklet_setup(&tasklet, lfpu_core_noop_tasklet);
	local_bh_disable();
	fp_insn(fp, true);
	lfpu_fp_guest_exit(fp);
	tasklet_schedule(&tasklet);
	KUNIT_EXPECT_TRUE(test, local_softirq_pending());
	lfpu_fp_yield_point(fp);
	KUNIT_EXPECT_FALSE(test, fp->claimed);
	KUNIT_EXPECT_EQ(test, fake.releases_saving, 2);
	KUNIT_EXPECT_EQ(test, fp->stats.yield_releases, 2ULL);
	local_bh_enable();
	tasklet_kill(&tasklet);
	lfpu_fp_vcpu_put(fp, LFPU_REASON_RUN);
	lfpu_fp_vcpu_destroy(fp);
}

/*
 * Consecutive FP instructions share one window (vmm/engine.c): one claim,
 * one liveness proof, each instruction counted.  The window may not go on
 * while softirqs are pending or a task waits to run, nor past
 * LFPU_FP_WINDOW_MAX_INSNS instructions.
 */
static void lfpu_core_window_shared_and_bounded(struct kunit *test)
{
	struct lfpu_vcpu_fp *fp = new_fp(test, &fake_backend, LAZYFPU_FP_POLICY_LAZY);
	bool waiting_before, may_extend, waiting_after;
	struct tasklet_struct tasklet;
	unsigned long flags;
	u32 i;

	tasklet_setup(&tasklet, lfpu_core_noop_tasklet);
	preempt_disable();	/* keep the per-CPU record ours */
	lfpu_fp_vcpu_load(fp);

	/* BH off: the tasklet stays pending. */
	local_bh_disable();
	lfpu_fp_insn_begin(fp);
	for (i = 0; i < 8; i++)
		lfpu_fp_insn_retire(fp, i == 3);
	/*
	 * Another CPU may set need_resched() at any moment (a wakeup), so
	 * the answer is bracketed: with IRQs and BH off nothing clears
	 * either condition, so nothing waiting after means the window could
	 * go on, and something waiting before means it could not.
	 */
	local_irq_save(flags);
	waiting_before = need_resched() || local_softirq_pending();
	may_extend = lfpu_fp_window_may_extend(fp);
	waiting_after = need_resched() || local_softirq_pending();
	local_irq_restore(flags);
	tasklet_schedule(&tasklet);
	KUNIT_EXPECT_FALSE(test, lfpu_fp_window_may_extend(fp));
	lfpu_fp_window_end(fp);
	local_bh_enable();
	KUNIT_EXPECT_EQ(test, fp->stats.fp_instructions, 8ULL);
	KUNIT_EXPECT_EQ(test, fake.claims, 1);
	KUNIT_EXPECT_EQ(test, fake.reloads, 0);
	KUNIT_EXPECT_TRUE(test, fp->dirty);

	lfpu_fp_insn_begin(fp);
	for (i = 0; i < LFPU_FP_WINDOW_MAX_INSNS; i++)
		lfpu_fp_insn_retire(fp, false);
	KUNIT_EXPECT_FALSE(test, lfpu_fp_window_may_extend(fp));
	lfpu_fp_window_end(fp);
	KUNIT_EXPECT_EQ(test, fp->stats.fp_instructions, 8ULL + LFPU_FP_WINDOW_MAX_INSNS);

	lfpu_fp_insn_begin(fp);
	lfpu_fp_insn_retire(fp, false);
	set_tsk_need_resched(current);
	KUNIT_EXPECT_FALSE(test, lfpu_fp_window_may_extend(fp));
	lfpu_fp_window_end(fp);
	KUNIT_EXPECT_EQ(test, fake.reloads, 0);
	lfpu_fp_vcpu_put(fp, LFPU_REASON_RUN);
	preempt_enable();
	tasklet_kill(&tasklet);
	lfpu_fp_vcpu_destroy(fp);
	/* Checked here: a failed expectation allocates, which may sleep. */
	if (!waiting_after)
		KUNIT_EXPECT_TRUE(test, may_extend);
	if (waiting_before)
		KUNIT_EXPECT_FALSE(test, may_extend);
}

static void lfpu_core_rejects_unknown_policy(struct kunit *test)
{
	struct lfpu_vcpu_fp *fp = kunit_kzalloc(test, sizeof(*fp), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, fp);
	KUNIT_EXPECT_EQ(test, lfpu_fp_vcpu_init_backend(fp, &fake_backend, 3, 0, 1, 0), -EINVAL);
}

static struct kunit_case lfpu_core_cases[] = {
	KUNIT_CASE(lfpu_core_lazy_no_fp_moves_nothing),
	KUNIT_CASE(lfpu_core_lazy_claims_at_first_fp_insn),
	KUNIT_CASE(lfpu_core_task_bound_at_first_claim),
	KUNIT_CASE(lfpu_core_lazy_k_exits_one_load),
	KUNIT_CASE(lfpu_core_lazy_clean_state_is_not_saved),
	KUNIT_CASE(lfpu_core_foreign_use_forces_reload),
	KUNIT_CASE(lfpu_core_sched_out_invalidates),
	KUNIT_CASE(lfpu_core_per_run_loads_at_entry),
	KUNIT_CASE(lfpu_core_eager_moves_state_every_entry),
	KUNIT_CASE(lfpu_core_yield_releases_only_blocking_sections),
	KUNIT_CASE(lfpu_core_window_shared_and_bounded),
	KUNIT_CASE(lfpu_core_rejects_unknown_policy),
	{}
};

static struct kunit_suite lfpu_core_suite = {
	.name = "lazyfpu_core",
	.test_cases = lfpu_core_cases,
};

kunit_test_suite(lfpu_core_suite);
