// SPDX-License-Identifier: GPL-2.0
/*
 * What lazyfpu-stress throws at the vCPUs and checkers besides each other:
 *
 *  - lazyfpu_clobber.ko (testmod/): a soft hrtimer that, every 100 us,
 *    overwrites every vector register inside kernel_fpu_begin() /
 *    kernel_neon_begin() in softirq context;
 *  - CPU hotplug: CPU 1 taken offline and brought back, over and over,
 *    with vCPUs and checkers running on it; pinned checkers are pinned
 *    again once it is back;
 *  - delete_module("lazyfpu", O_NONBLOCK) every 100 ms, which must be
 *    refused while the vCPU fds are open; the same thread ticks the
 *    checkers.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ktap.h"
#include "../lib/testlib.h"
#include "stress.h"

#define CPU1_ONLINE	"/sys/devices/system/cpu/cpu1/online"
#define ONLINE_MS	400
#define OFFLINE_MS	200
#define TICK_MS		100

static struct {
	int loaded;		/* by us, so we unload it */
	int load_errno;
	long hits_before, hits_after;
} clobber;

static struct {
	pthread_t thread;
	int running;
	uint64_t cycles;
	uint64_t offline_ms, online_ms;	/* the longest each took */
	int error;		/* errno of a failed offline or online */
} hotplug;

static struct {
	pthread_t thread;
	int running;
	uint64_t attempts, refused, unloaded;
	int bad_errno;
	uint64_t late_ms;	/* the latest the thread woke up */
} rmmod;

static int set_cpu1_online(int online)
{
	int fd = open(CPU1_ONLINE, O_WRONLY), ret;

	if (fd < 0)
		return -1;
	ret = write(fd, online ? "1" : "0", 1) == 1 ? 0 : -1;
	close(fd);
	return ret;
}

/* CPU 1 must come back, whatever happens: retry for ten seconds. */
static int bring_cpu1_back(void)
{
	int tries;

	for (tries = 0; tries < 100; tries++) {
		if (!set_cpu1_online(1))
			return 0;
		usleep(100 * 1000);
	}
	return -1;
}

/* *@max = the longest time from @since to now so far. */
static void longest(uint64_t *max, uint64_t since)
{
	uint64_t now = stress_now_ms();

	if (now > since && now - since > *max)
		*max = now - since;
}

static void *hotplug_main(void *arg)
{
	uint64_t t;

	(void)arg;
	while (!stress_stop) {
		stress_nap_ms(ONLINE_MS);
		if (stress_stop)
			break;
		t = stress_now_ms();
		if (set_cpu1_online(0)) {
			hotplug.error = errno;
			ktap_diag("taking CPU 1 offline: %s", strerror(errno));
			break;
		}
		longest(&hotplug.offline_ms, t);
		stress_nap_ms(OFFLINE_MS);
		t = stress_now_ms();
		if (bring_cpu1_back()) {
			hotplug.error = errno;
			ktap_diag("bringing CPU 1 back online: %s", strerror(errno));
			break;
		}
		longest(&hotplug.online_ms, t);
		hotplug.cycles++;
		if (!stress_stop)
			stress_repin_all();
	}
	return NULL;
}

static void *tick_main(void *arg)
{
	(void)arg;
	for (;;) {
		uint64_t due = stress_now_ms() + TICK_MS;

		stress_nap_ms(TICK_MS);
		longest(&rmmod.late_ms, due);
		/* Joined before any fd closes: then rmmod is allowed to work. */
		if (stress_stop)
			break;
		rmmod.attempts++;
		if (!lfpu_test_unload_module("lazyfpu"))
			rmmod.unloaded++;
		else if (errno == EWOULDBLOCK)
			rmmod.refused++;
		else
			rmmod.bad_errno = errno;
		stress_checkers_tick();
	}
	return NULL;
}

void stress_disturb_prepare(const struct stress_opts *o)
{
	if (!lfpu_test_load_module(o->clobber_ko))
		clobber.loaded = 1;
	else if (errno != EEXIST)
		clobber.load_errno = errno;
	clobber.hits_before = lfpu_test_clobber_hits();
}

void stress_disturb_start(void)
{
	hotplug.running = !pthread_create(&hotplug.thread, NULL, hotplug_main, NULL);
	rmmod.running = !pthread_create(&rmmod.thread, NULL, tick_main, NULL);
}

void stress_disturb_stop(void)
{
	if (hotplug.running)
		pthread_join(hotplug.thread, NULL);
	if (rmmod.running)
		pthread_join(rmmod.thread, NULL);
	clobber.hits_after = lfpu_test_clobber_hits();
	if (clobber.loaded && lfpu_test_unload_module("lazyfpu_clobber"))
		ktap_diag("unloading lazyfpu_clobber: %s", strerror(errno));
}

void stress_disturb_report(struct stress_totals *t)
{
	long clobbers = clobber.hits_after - clobber.hits_before;

	if (clobber.load_errno)
		ktap_diag("loading the clobber module: %s", strerror(clobber.load_errno));
	ktap_diag("%ld softirq FPU clobbers", clobber.hits_before < 0 ? 0 : clobbers);
	stress_result(clobber.hits_before >= 0 && clobbers > 0, "softirq_clobber_ran");

	t->hotplug_cycles = hotplug.cycles;
	ktap_diag("%llu CPU 1 offline/online cycles; the longest offline took %llu ms, online %llu ms",
		  (unsigned long long)hotplug.cycles, (unsigned long long)hotplug.offline_ms,
		  (unsigned long long)hotplug.online_ms);
	stress_result(hotplug.cycles > 0 && !hotplug.error, "cpu_hotplug_cycles");

	ktap_diag("rmmod lazyfpu: %llu attempts, %llu refused, %llu succeeded%s%s",
		  (unsigned long long)rmmod.attempts, (unsigned long long)rmmod.refused,
		  (unsigned long long)rmmod.unloaded, rmmod.bad_errno ? ", last error: " : "",
		  rmmod.bad_errno ? strerror(rmmod.bad_errno) : "");
	/* Not a verdict (TCG is slow and noisy), but starvation shows here. */
	ktap_diag("the rmmod thread's %d ms naps ended up to %llu ms late", TICK_MS,
		  (unsigned long long)rmmod.late_ms);
	stress_result(rmmod.attempts > 0 && rmmod.refused == rmmod.attempts, "rmmod_refused");
}
