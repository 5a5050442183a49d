// SPDX-License-Identifier: GPL-2.0
/*
 * host-tsc-khz: print the host's TSC rate in kHz.
 *
 * Under TCG on an x86-64 host, an x86 guest's TSC is the host's RDTSC
 * plus an offset (QEMU's cpu_get_host_ticks()), so this is also the
 * guest's TSC rate.  The harness passes it as tsc_early_khz=, because the
 * guest's own calibration against the PIT can fail when the host is busy
 * (a vCPU thread descheduled mid-loop): "tsc: Unable to calibrate against
 * PIT", then a slower clocksource, or on a kernel without HPET none that
 * allows high resolution timers (scripts/lib.sh, x86_guest_tsc_cmdline).
 *
 * Each end of the measured interval is the (TSC, CLOCK_MONOTONIC_RAW)
 * pair read closest together of several tries, so a descheduling between
 * the two reads shows up as a wide pair and is discarded.
 */
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <x86intrin.h>

#define TRIES		16
#define INTERVAL_NS	200000000LL

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* The TSC and the time at one instant, to within the narrowest try. */
static void tight_pair(uint64_t *tsc, int64_t *ns)
{
	int64_t best = INT64_MAX;
	int i;

	for (i = 0; i < TRIES; i++) {
		int64_t before = now_ns();
		uint64_t t = __rdtsc();
		int64_t after = now_ns();

		if (after - before < best) {
			best = after - before;
			*tsc = t;
			*ns = before + (after - before) / 2;
		}
	}
}

int main(void)
{
	struct timespec interval = { 0, INTERVAL_NS };
	uint64_t tsc0, tsc1;
	int64_t ns0, ns1;

	tight_pair(&tsc0, &ns0);
	nanosleep(&interval, NULL);
	tight_pair(&tsc1, &ns1);
	if (ns1 <= ns0 || tsc1 <= tsc0)
		return 1;
	printf("%llu\n", (unsigned long long)((tsc1 - tsc0) * 1000000 / (uint64_t)(ns1 - ns0)));
	return 0;
}
