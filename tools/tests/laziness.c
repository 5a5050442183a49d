// SPDX-License-Identifier: GPL-2.0
/*
 * laziness: the counters show no FP transfer a perfect oracle would skip.
 *
 *  - a guest that uses no FP moves no FP state at all (lazy);
 *  - an FP guest with K in-kernel exits loads its state once, not K times,
 *    and skips K reloads (lazy);
 *  - a guest that only reads its FP registers is never saved (lazy);
 *  - per-run loads and saves once per RUN even without FP;
 *  - eager loads and saves once per guest entry (K + 1 of them).
 *
 * An involuntary preemption legitimately costs a reload, and so does a
 * RUN that gave the registers up for a waiting task or pending softirqs
 * (yield_releases: the backends that block both while the state is
 * loaded) or that ended for kernel work (an INTR exit), so such a run is
 * retried (up to 20 times).
 */
#include <stdio.h>
#include <string.h>

#include "ktap.h"
#include "../lib/testlib.h"

#define K	50

static char fp_with_exits[1024];

static const char no_fp[] =
	"	movi	r2, 50\n"
	"l:	hcall	r3, 1\n"
	"	addi	r4, r4, 3\n"
	"	loop	r2, l\n"
	"	hlt\n";

static const char read_only_fp[] =
	"	movi	r1, 256\n"
	"	vst	v0, [r1]\n"
	"	hcall	r3, 1\n"
	"	vred	r2, v0\n"
	"	getcsr	r5\n"
	"	hlt\n";

struct expect {
	long loads, saves, skipped, avoided, claims;
};

/* Did something outside the guest cost this run a reload? */
static int disturbed(const struct lazyfpu_vcpu_stats *st)
{
	return st->sched_outs || st->yield_releases || st->exits[LAZYFPU_EXIT_INTR];
}

static int run_counted(int policy, const char *program, const struct expect *e,
		       const char *name)
{
	struct lfpu_test_cfg cfg = { .policy = policy };
	struct lazyfpu_vcpu_stats st;
	int attempt;

	strcpy(cfg.name, name);
	for (attempt = 0; attempt < 20; attempt++) {
		struct lfpu_vcpu vcpu;
		struct lfpu_vm vm;
		uint64_t outs[4];
		int n;

		if (lfpu_test_vm(&vm, &cfg, program))
			return 0;
		if (lfpu_test_vcpu(&vm, &vcpu, 0)) {
			lfpu_vm_destroy(&vm);
			return 0;
		}
		n = lfpu_test_run_to_halt(&vcpu, outs, 4);
		if (n < 0 || lfpu_vcpu_stats(&vcpu, &st)) {
			lfpu_vcpu_destroy(&vcpu);
			lfpu_vm_destroy(&vm);
			return 0;
		}
		lfpu_vcpu_destroy(&vcpu);
		lfpu_vm_destroy(&vm);
		if (!disturbed(&st))
			break;
	}
	ktap_diag("%s: loads %llu saves %llu skipped %llu avoided %llu claims %llu sched_outs %llu yield_releases %llu (attempt %d)",
		  name, (unsigned long long)st.fp_loads, (unsigned long long)st.fp_saves,
		  (unsigned long long)st.reloads_skipped, (unsigned long long)st.saves_avoided,
		  (unsigned long long)st.first_use_claims, (unsigned long long)st.sched_outs,
		  (unsigned long long)st.yield_releases, attempt + 1);
	if (disturbed(&st)) {
		ktap_diag("%s: preempted or interrupted in every attempt; counts not comparable",
			  name);
		return 0;
	}
	return (long)st.fp_loads == e->loads && (long)st.fp_saves == e->saves &&
	       (long)st.reloads_skipped == e->skipped &&
	       (long)st.saves_avoided == e->avoided &&
	       (long)st.first_use_claims == e->claims &&
	       (st.fp_bytes_loaded > 0) == (e->loads > 0);
}

int main(void)
{
	const struct expect none = { 0, 0, 0, 0, 0 };
	const struct expect once = { 1, 1, K, 0, 1 };
	const struct expect clean = { 1, 0, 1, 1, 1 };
	const struct expect per_run_no_fp = { 1, 1, 0, 0, 0 };
	const struct expect eager = { K + 1, K + 1, 0, 0, 0 };

	snprintf(fp_with_exits, sizeof(fp_with_exits),
		 "	movi	r1, 512\n"
		 "	movi	r2, %d\n"
		 "	vld	v0, [r1]\n"
		 "l:	hcall	r3, 1\n"
		 "	vaddpd	v0, v0\n"
		 "	loop	r2, l\n"
		 "	hlt\n", K);

	ktap_plan(6);
	ktap_result(run_counted(LAZYFPU_FP_POLICY_LAZY, no_fp, &none, "lazy_no_fp"),
		    "lazy_no_fp_guest_moves_nothing");
	ktap_result(run_counted(LAZYFPU_FP_POLICY_LAZY, fp_with_exits, &once, "lazy_fp"),
		    "lazy_k_exits_one_load");
	ktap_result(run_counted(LAZYFPU_FP_POLICY_LAZY, read_only_fp, &clean, "lazy_ro"),
		    "lazy_clean_state_not_saved");
	ktap_result(run_counted(LAZYFPU_FP_POLICY_PER_RUN, no_fp, &per_run_no_fp, "per_run"),
		    "per_run_loads_and_saves_once_per_run");
	ktap_result(run_counted(LAZYFPU_FP_POLICY_EAGER, no_fp, &eager, "eager_no_fp"),
		    "eager_moves_state_every_guest_entry");
	ktap_result(run_counted(LAZYFPU_FP_POLICY_EAGER, fp_with_exits, &eager, "eager_fp"),
		    "eager_fp_guest_k_plus_1_transfers");
	return ktap_finished();
}
