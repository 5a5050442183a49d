// SPDX-License-Identifier: GPL-2.0
/*
 * lazyfpu-stress: every FP configuration of lazyfpu at once, beside host
 * FP checkers that know nothing of lazyfpu, under softirq FPU users,
 * signals, CPU hotplug and rmmod attempts.
 *
 *   lazyfpu-stress [--duration SECONDS] [--clobber-module PATH] [--checkers DIR]
 *
 * Without --duration it runs the short variant that `make check` boots
 * with.  The timeline: start the host checkers, create the vCPUs, load
 * the softirq clobber module, start the vCPU threads and the CPU hotplug
 * and rmmod threads; after the duration stop everything and report, as
 * KTAP, one result per component with the number of checks each ran.  A
 * component that did not run (no checks, no signal, no hotplug cycle, no
 * clobber) fails, as does any mismatch: a stress run that cannot fail
 * proves nothing.  The last diagnostic line, "stress-summary: ...", is
 * for scripts/stress.sh.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ktap.h"
#include "stress.h"

/* The short variant: it adds 10-15 s to a boot under QEMU TCG. */
#define SHORT_DURATION	8

volatile sig_atomic_t stress_stop;

void stress_result(int pass, const char *name)
{
	ktap_result(pass, name);
}

void stress_skip(const char *name, const char *why)
{
	ktap_skip(name, why);
}

uint64_t stress_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void stress_nap_ms(unsigned int ms)
{
	uint64_t end = stress_now_ms() + ms;

	while (!stress_stop && stress_now_ms() < end) {
		struct timespec step = { 0, 20 * 1000 * 1000 };

		nanosleep(&step, NULL);
	}
}

#define MAX_PINNED	64

static struct {
	pid_t tid;
	int cpu;
} pinned[MAX_PINNED];
static int nr_pinned;
static pthread_mutex_t pinned_lock = PTHREAD_MUTEX_INITIALIZER;

static void pin(pid_t tid, int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	/* A task that has exited (ESRCH) needs no pinning. */
	if (sched_setaffinity(tid, sizeof(set), &set) && errno != ESRCH)
		ktap_diag("pinning task %d to CPU %d: %s", tid, cpu, strerror(errno));
}

void stress_pin(pid_t tid, int cpu)
{
	pthread_mutex_lock(&pinned_lock);
	if (nr_pinned < MAX_PINNED) {
		pinned[nr_pinned].tid = tid;
		pinned[nr_pinned++].cpu = cpu;
	}
	pthread_mutex_unlock(&pinned_lock);
	pin(tid, cpu);
}

void stress_repin_all(void)
{
	int i;

	pthread_mutex_lock(&pinned_lock);
	for (i = 0; i < nr_pinned; i++)
		pin(pinned[i].tid, pinned[i].cpu);
	pthread_mutex_unlock(&pinned_lock);
}

/* Milliseconds since *@t, which becomes now. */
static uint64_t lap(uint64_t *t)
{
	uint64_t now = stress_now_ms(), ms = now - *t;

	*t = now;
	return ms;
}

static void usage(const char *argv0)
{
	fprintf(stderr,
		"usage: %s [--duration SECONDS] [--clobber-module PATH] [--checkers DIR]\n"
		"  --duration        seconds of load (default %d, the make check variant)\n"
		"  --clobber-module  lazyfpu_clobber.ko (default /lib/modules/lazyfpu_clobber.ko)\n"
		"  --checkers        arm64: the kernel's fp selftests (default /checkers)\n",
		argv0, SHORT_DURATION);
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "duration", required_argument, NULL, 'd' },
		{ "clobber-module", required_argument, NULL, 'c' },
		{ "checkers", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct stress_opts o = {
		.duration = SHORT_DURATION,
		.clobber_ko = "/lib/modules/lazyfpu_clobber.ko",
		.checkers = "/checkers",
	};
	struct stress_totals sum = { 0 };
	uint64_t t = stress_now_ms(), loaded, stopped[3];
	int c, ready;

	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (c) {
		case 'd':
			o.duration = (unsigned int)strtoul(optarg, NULL, 0);
			if (!o.duration)
				usage(argv[0]);
			break;
		case 'c':
			o.clobber_ko = optarg;
			break;
		case 'k':
			o.checkers = optarg;
			break;
		default:
			usage(argv[0]);
		}
	}
	if (optind != argc)
		usage(argv[0]);

	ready = stress_guests_configure();
	ktap_plan(stress_guests_nr_results() + stress_checkers_nr_results() +
		  STRESS_DISTURB_RESULTS);
	ktap_diag("lazyfpu-stress: %u s on %ld CPUs", o.duration, sysconf(_SC_NPROCESSORS_ONLN));
	/* First: the arm64 checkers take seconds to start theirs. */
	stress_checkers_start(&o);
	ready = ready == 0 && stress_guests_setup() == 0;
	/* Loaded before the load: under it, a module load takes seconds. */
	stress_disturb_prepare(&o);
	ktap_diag("set up in %llu ms", (unsigned long long)lap(&t));

	if (ready)
		stress_guests_start();
	stress_disturb_start();
	/* Slow starts and stops under load are worth seeing: a starved CPU. */
	ktap_diag("started in %llu ms", (unsigned long long)lap(&t));
	stress_nap_ms(o.duration * 1000);
	loaded = lap(&t);

	/* The checkers before the vCPUs, which then have the CPUs to leave. */
	stress_stop = 1;
	stress_disturb_stop();
	stopped[0] = lap(&t);
	stress_checkers_stop();
	stopped[1] = lap(&t);
	stress_guests_stop();
	stopped[2] = lap(&t);
	ktap_diag("stopped: hotplug and rmmod threads in %llu ms, checkers in %llu ms, "
		  "vCPUs in %llu ms", (unsigned long long)stopped[0],
		  (unsigned long long)stopped[1], (unsigned long long)stopped[2]);

	stress_guests_report(&sum);
	stress_checkers_report(&sum);
	stress_disturb_report(&sum);
	ktap_diag("stress-summary: seconds=%llu guest_checks=%llu guest_mismatches=%llu "
		  "run_checks=%llu run_mismatches=%llu host_checks=%llu host_mismatches=%llu "
		  "signals=%llu hotplug_cycles=%llu",
		  (unsigned long long)loaded / 1000,
		  (unsigned long long)sum.guest_checks, (unsigned long long)sum.guest_mismatches,
		  (unsigned long long)sum.run_checks, (unsigned long long)sum.run_mismatches,
		  (unsigned long long)sum.host_checks, (unsigned long long)sum.host_mismatches,
		  (unsigned long long)sum.signals, (unsigned long long)sum.hotplug_cycles);
	return ktap_finished();
}
