// SPDX-License-Identifier: GPL-2.0
/*
 * lazyfpu_timerprobe: a test-only module that measures how late a timer
 * fires on a chosen CPU.
 *
 * A timer_list callback runs in TIMER_SOFTIRQ on the CPU it was added on,
 * so its lateness shows whether that CPU still runs softirqs, for example
 * while a vCPU loops on hypercalls there.  Writing "CPU DELAY_MS" to the
 * "arm" parameter (re)arms the timer; "late_us" reads -1 until it fires,
 * then how many microseconds after its due time it ran.  Built only for
 * the test harness (LAZYFPU_TESTMODS=y); never installed.
 */
#include <linux/cpu.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/timer.h>

/* Longest delay the probe accepts, in milliseconds. */
#define LFPU_PROBE_MAX_DELAY_MS	10000

static struct timer_list lfpu_probe_timer;
static u64 lfpu_probe_due_ns;
static long lfpu_probe_late_us = -1;

/* TIMER_SOFTIRQ, on the CPU the timer was armed on. */
static void lfpu_probe_fire(struct timer_list *timer)
{
	s64 late_ns = ktime_get_ns() - READ_ONCE(lfpu_probe_due_ns);

	WRITE_ONCE(lfpu_probe_late_us, div_s64(max_t(s64, late_ns, 0), NSEC_PER_USEC));
}

static int lfpu_probe_arm(const char *val, const struct kernel_param *kp)
{
	unsigned int cpu, ms;
	int ret = 0;

	if (sscanf(val, "%u %u", &cpu, &ms) != 2 || ms > LFPU_PROBE_MAX_DELAY_MS)
		return -EINVAL;

	timer_delete_sync(&lfpu_probe_timer);
	cpus_read_lock();
	if (cpu >= nr_cpu_ids || !cpu_online(cpu)) {
		ret = -EINVAL;
	} else {
		WRITE_ONCE(lfpu_probe_late_us, -1);
		WRITE_ONCE(lfpu_probe_due_ns, ktime_get_ns() + (u64)ms * NSEC_PER_MSEC);
		lfpu_probe_timer.expires = jiffies + msecs_to_jiffies(ms);
		add_timer_on(&lfpu_probe_timer, cpu);
	}
	cpus_read_unlock();
	return ret;
}

static const struct kernel_param_ops lfpu_probe_arm_ops = {
	.set = lfpu_probe_arm,
};

module_param_cb(arm, &lfpu_probe_arm_ops, NULL, 0200);
MODULE_PARM_DESC(arm, "\"CPU DELAY_MS\": arm the timer on CPU, due in DELAY_MS");
module_param_named(late_us, lfpu_probe_late_us, long, 0444);
MODULE_PARM_DESC(late_us, "microseconds the last armed timer fired after its due time; -1: pending");

static int __init lfpu_probe_init(void)
{
	timer_setup(&lfpu_probe_timer, lfpu_probe_fire, 0);
	return 0;
}

static void __exit lfpu_probe_exit(void)
{
	timer_shutdown_sync(&lfpu_probe_timer);
}

module_init(lfpu_probe_init);
module_exit(lfpu_probe_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("lazyfpu test: how late a timer fires on a given CPU");
