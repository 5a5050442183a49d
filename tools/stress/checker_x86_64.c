// SPDX-License-Identifier: GPL-2.0
/*
 * x86-64 host checkers: threads, two pinned to each CPU, that know
 * nothing of lazyfpu.  Each, in a tight loop, loads a pattern unique to
 * it and to the iteration into YMM0-15 (XMM0-15 without AVX), MXCSR (a
 * valid value: every exception masked, a rounding mode, FZ and sticky
 * flags varied) and the x87 control word (exceptions masked, precision
 * and rounding varied), spins with it live, every other time also
 * yields the CPU, then reads it all back and compares.  Whatever the
 * vCPUs, the kernel's FP users or the clobber module do on the same CPU,
 * a checker must always read back its own pattern.
 */
#define _GNU_SOURCE
#include <fenv.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "ktap.h"
#include "../lib/hostregs.h"
#include "../lib/testlib.h"
#include "stress.h"

#define PER_CPU		2
#define MAX_CHECKERS	(2 * PER_CPU * 8)
/* ~tens of microseconds natively, a scheduler tick or more under TCG. */
#define SPINS		20000
/* A checker that found this many differences has said enough. */
#define MAX_REPORTS	5

void stress_fp_hold_avx(const struct lfpu_host_regs *want, struct lfpu_host_regs *got,
			const uint16_t *fcw, uint16_t *fcw_got, unsigned long spins, long yield);
void stress_fp_hold_sse(const struct lfpu_host_regs *want, struct lfpu_host_regs *got,
			const uint16_t *fcw, uint16_t *fcw_got, unsigned long spins, long yield);

struct checker {
	pthread_t thread;
	pid_t tid;
	int id, cpu, running;
	uint64_t checks, mismatches, signals;
};

static struct checker checkers[MAX_CHECKERS];
static int nr_checkers;
static __thread uint64_t signals_here;

static void on_tick(int sig)
{
	lfpu_host_fp_work((unsigned int)(sig + signals_here));
	signals_here++;
}

/* Exceptions masked (bits 7-12); rounding, FZ and the flags vary. */
static uint32_t mxcsr_pattern(unsigned int seed)
{
	return 0x1f80 | (seed & 3) << 13 | (seed >> 2 & 1) << 15 | (seed >> 3 & 0x3f);
}

/* Exceptions masked (bits 0-5, bit 6 reads as 1); precision and rounding vary. */
static uint16_t fcw_pattern(unsigned int seed)
{
	static const uint16_t precision[] = { 0, 2, 3 };	/* 1 is reserved */

	return (uint16_t)(0x7f | precision[seed % 3] << 8 | (seed >> 2 & 3) << 10);
}

static void *checker_main(void *arg)
{
	struct checker *c = arg;
	int avx = __builtin_cpu_supports("avx");
	struct lfpu_host_regs want, got;
	uint16_t fcw, fcw_got;
	char name[32];
	fenv_t env;
	unsigned int i;

	snprintf(name, sizeof(name), "checker %d (CPU %d)", c->id, c->cpu);
	c->tid = gettid();
	stress_pin(c->tid, c->cpu);
	fegetenv(&env);
	for (i = 0; !stress_stop; i++) {
		unsigned int seed = (unsigned int)c->id << 24 | (i & 0xffffff);
		int bad;

		lfpu_host_regs_fill(&want, seed);
		want.csr = mxcsr_pattern(seed);
		fcw = fcw_pattern(seed);
		memset(&got, 0, sizeof(got));
		if (avx)
			stress_fp_hold_avx(&want, &got, &fcw, &fcw_got, SPINS, i & 1);
		else
			stress_fp_hold_sse(&want, &got, &fcw, &fcw_got, SPINS, i & 1);
		fesetenv(&env);
		c->checks++;
		bad = lfpu_host_regs_compare(&want, &got, name);
		if (fcw_got != fcw) {
			ktap_diag("%s: x87 control word %#x, want %#x", name, fcw_got, fcw);
			bad = 1;
		}
		if (bad && ++c->mismatches >= MAX_REPORTS) {
			ktap_diag("%s: stopping after %d mismatches", name, MAX_REPORTS);
			break;
		}
	}
	c->signals = signals_here;
	return NULL;
}

int stress_checkers_nr_results(void)
{
	return 1;
}

/* These run until the stop; nothing in @o concerns them. */
void stress_checkers_start(const struct stress_opts *o)
{
	struct sigaction sa = { .sa_handler = on_tick };
	int cpus = lfpu_test_ncpus(), i;

	(void)o;
	sigaction(SIGUSR1, &sa, NULL);
	for (i = 0; i < cpus * PER_CPU && i < MAX_CHECKERS; i++) {
		struct checker *c = &checkers[nr_checkers++];

		c->id = i;
		c->cpu = i % cpus;
		c->running = !pthread_create(&c->thread, NULL, checker_main, c);
	}
}

/* A signal in the middle of the spin: the frame must bring it all back. */
void stress_checkers_tick(void)
{
	int i;

	for (i = 0; i < nr_checkers; i++)
		if (checkers[i].running && checkers[i].tid)
			pthread_kill(checkers[i].thread, SIGUSR1);
}

void stress_checkers_stop(void)
{
	int i;

	for (i = 0; i < nr_checkers; i++)
		if (checkers[i].running)
			pthread_join(checkers[i].thread, NULL);
}

void stress_checkers_report(struct stress_totals *t)
{
	uint64_t signals = 0;
	int i, ran = nr_checkers > 0;

	for (i = 0; i < nr_checkers; i++) {
		t->host_checks += checkers[i].checks;
		t->host_mismatches += checkers[i].mismatches;
		signals += checkers[i].signals;
		ran &= checkers[i].checks > 0;
	}
	ktap_diag("%d YMM/MXCSR/x87 checkers: %llu checks, %llu mismatches, %llu signals",
		  nr_checkers, (unsigned long long)t->host_checks,
		  (unsigned long long)t->host_mismatches, (unsigned long long)signals);
	stress_result(ran && !t->host_mismatches, "host_ymm_mxcsr_x87_checkers");
}
