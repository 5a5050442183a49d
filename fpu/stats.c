// SPDX-License-Identifier: GPL-2.0
/*
 * Global FP counters, summed over every vCPU that ever ran, in debugfs at
 * /sys/kernel/debug/lazyfpu/stats.
 *
 * Each vCPU keeps its own counters (GET_STATS); these are the same events
 * counted per CPU, so that counting needs no shared cache line and no
 * lock, and survive the vCPUs that made them.
 */
#include <linux/debugfs.h>
#include <linux/percpu.h>
#include <linux/seq_file.h>
#include <uapi/linux/lazyfpu.h>

#include "fpu.h"

#define LFPU_NR_FP_STATS (sizeof(struct lfpu_fp_stats) / sizeof(u64))

struct lfpu_global_stats {
	u64 fp[LFPU_NR_FP_STATS];
	u64 exits[LAZYFPU_EXIT_NR];
};

static DEFINE_PER_CPU(struct lfpu_global_stats, lfpu_global_stats);
static struct dentry *lfpu_debugfs_dir;

/* Names in struct lfpu_fp_stats order; checked by the BUILD_BUG_ON below. */
static const char *const lfpu_fp_stat_names[] = {
	"fp_loads", "fp_saves", "fp_bytes_loaded", "fp_bytes_saved",
	"reloads_skipped", "saves_avoided", "first_use_claims",
	"fp_instructions", "sched_outs", "yield_releases",
};

static const char *const lfpu_exit_names[LAZYFPU_EXIT_NR] = {
	[LAZYFPU_EXIT_NONE] = "none",
	[LAZYFPU_EXIT_IO] = "io",
	[LAZYFPU_EXIT_HLT] = "hlt",
	[LAZYFPU_EXIT_FAULT] = "fault",
	[LAZYFPU_EXIT_HYPERCALL] = "hypercall",
	[LAZYFPU_EXIT_YIELD] = "yield",
	[LAZYFPU_EXIT_PREEMPT] = "preempt",
	[LAZYFPU_EXIT_INTR] = "intr",
};

/**
 * lfpu_global_count() - add to one global FP counter
 * @fp_stats_offset: offsetof() the field in struct lfpu_fp_stats
 * @n: amount
 *
 * Context: any (this_cpu_add is safe against preemption and interrupts).
 */
void lfpu_global_count(size_t fp_stats_offset, u64 n)
{
	this_cpu_add(lfpu_global_stats.fp[fp_stats_offset / sizeof(u64)], n);
}

/**
 * lfpu_global_count_exit() - count one exit
 * @reason: LAZYFPU_EXIT_*
 *
 * Context: any.
 */
void lfpu_global_count_exit(u32 reason)
{
	if (reason < LAZYFPU_EXIT_NR)
		this_cpu_inc(lfpu_global_stats.exits[reason]);
}

static u64 lfpu_sum(size_t index, bool exits)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu) {
		const struct lfpu_global_stats *s = per_cpu_ptr(&lfpu_global_stats, cpu);

		sum += exits ? READ_ONCE(s->exits[index]) : READ_ONCE(s->fp[index]);
	}
	return sum;
}

static int lfpu_stats_show(struct seq_file *m, void *unused)
{
	size_t i;

	for (i = 0; i < LFPU_NR_FP_STATS; i++)
		seq_printf(m, "%s %llu\n", lfpu_fp_stat_names[i], lfpu_sum(i, false));
	for (i = 0; i < LAZYFPU_EXIT_NR; i++)
		seq_printf(m, "exits_%s %llu\n", lfpu_exit_names[i], lfpu_sum(i, true));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(lfpu_stats);

/**
 * lfpu_stats_init() - create /sys/kernel/debug/lazyfpu/stats
 *
 * Context: module init.  debugfs failures are not fatal (debugfs is
 * optional and its API reports errors through the returned dentry).
 */
int lfpu_stats_init(void)
{
	BUILD_BUG_ON(ARRAY_SIZE(lfpu_fp_stat_names) != LFPU_NR_FP_STATS);

	lfpu_debugfs_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("stats", 0444, lfpu_debugfs_dir, NULL, &lfpu_stats_fops);
	return 0;
}

/**
 * lfpu_stats_exit() - remove the debugfs directory
 *
 * Context: module exit.
 */
void lfpu_stats_exit(void)
{
	debugfs_remove_recursive(lfpu_debugfs_dir);
}
