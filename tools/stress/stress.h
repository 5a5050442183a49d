/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lazyfpu-stress: what its parts share.
 *
 *   main.c              options, the timeline, the KTAP report
 *   guests.c, guest.lfa the self-checking vCPUs, one thread each
 *   checker_<arch>.c    host FP checkers that know nothing of lazyfpu
 *   disturb.c           softirq FPU clobbers, CPU hotplug, rmmod attempts
 */
#ifndef _LAZYFPU_STRESS_H
#define _LAZYFPU_STRESS_H

#include <signal.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * Guest memory layout, shared with guest.lfa (which hard-codes the table
 * stride in its memory operands).  The program starts with a jump over
 * struct stress_guest_header at STRESS_HEADER_ADDR; vCPU n owns the slot
 * at header.slots + n * header.slot_size:
 *
 *   +0x0000  struct stress_slot (the guest's counters)
 *   +0x1000  shadow of v0-v15, vbytes each
 *   +0x2000  per-word XOR applied to the shadow at each step
 *   +0x3000  per-word ADD applied after the XOR
 *   +0x4000  scratch: where the guest stores its registers to compare
 */
#define STRESS_VCPUS		4	/* per VM */
#define STRESS_HEADER_ADDR	8
#define STRESS_SLOTS_ADDR	0x4000
#define STRESS_TABLE_STRIDE	0x1000	/* 16 registers of up to 256 bytes */
#define STRESS_SLOT_SIZE	(5 * STRESS_TABLE_STRIDE)
#define STRESS_SLOT_SHADOW	(1 * STRESS_TABLE_STRIDE)
#define STRESS_SLOT_XOR		(2 * STRESS_TABLE_STRIDE)
#define STRESS_SLOT_ADD		(3 * STRESS_TABLE_STRIDE)
#define STRESS_SLOT_SCRATCH	(4 * STRESS_TABLE_STRIDE)

/* Ports of the guest's OUTs. */
#define STRESS_PORT_PROGRESS	1	/* the regular exit to userspace */
#define STRESS_PORT_MISMATCH	2	/* data: byte offset of the bad word */
#define STRESS_PORT_CSR		3	/* data: the MXCSR/FPCR:FPSR read */

struct stress_guest_header {
	uint64_t vbytes;	/* bytes per vector register */
	uint64_t words;		/* 64-bit words in v0-v15 */
	uint64_t slots;		/* guest address of vCPU 0's slot */
	uint64_t slot_size;
};

struct stress_slot {
	uint64_t checks;	/* register file compared after an exit */
	uint64_t mismatches;	/* 64-bit words found different */
	uint64_t csr_mismatches;
	uint64_t csr;		/* the FP control/status the guest expects */
};

/*
 * KTAP results, numbered here in one place: ktap.h keeps its counters per
 * file.  Diagnostic lines (ktap_diag()) may come from anywhere.
 */
void stress_result(int pass, const char *name);
void stress_skip(const char *name, const char *why);

/* Set when the run is over; everything that loops polls it. */
extern volatile sig_atomic_t stress_stop;

/* Milliseconds of CLOCK_MONOTONIC. */
uint64_t stress_now_ms(void);
/* Sleep @ms, or less if the run stops. */
void stress_nap_ms(unsigned int ms);

/*
 * Tasks pinned to a CPU (threads of ours or checker processes).  Taking
 * a CPU offline breaks their affinity; the hotplug cycle re-pins them
 * once it is back.
 */
void stress_pin(pid_t tid, int cpu);
void stress_repin_all(void);

struct stress_opts {
	unsigned int duration;		/* seconds of load */
	const char *clobber_ko;		/* lazyfpu_clobber.ko */
	const char *checkers;		/* arm64: the kernel's fp selftests */
};

/* What the report sums up, for the summary line. */
struct stress_totals {
	uint64_t guest_checks, guest_mismatches;	/* the guests' own */
	uint64_t run_checks, run_mismatches;	/* vCPU threads' registers around RUN */
	uint64_t host_checks, host_mismatches;	/* the independent checkers */
	uint64_t signals, hotplug_cycles;
};

/*
 * The vCPUs (guests.c).  Configure decides the FP configurations (before
 * the KTAP plan, which counts them); setup creates every VM and vCPU (the
 * backend switch is a module parameter read at vCPU creation, so one
 * thread does it all); start runs a thread per vCPU; stop joins them.
 */
int stress_guests_configure(void);
int stress_guests_nr_results(void);
int stress_guests_setup(void);
void stress_guests_start(void);
void stress_guests_stop(void);
void stress_guests_report(struct stress_totals *t);

/*
 * The host checkers (checker_<arch>.c), pinned to every CPU: started
 * first, ticked every 100 ms (they get signals too), stopped before the
 * vCPUs.
 */
int stress_checkers_nr_results(void);
void stress_checkers_start(const struct stress_opts *o);
void stress_checkers_tick(void);
void stress_checkers_stop(void);
void stress_checkers_report(struct stress_totals *t);

/*
 * The disturbances (disturb.c): the softirq clobber module (loaded at
 * prepare, before the load), a CPU hotplug cycle of CPU 1, and rmmod
 * attempts every 100 ms.  Stopped first, before any lazyfpu fd is closed.
 */
#define STRESS_DISTURB_RESULTS	3
void stress_disturb_prepare(const struct stress_opts *o);
void stress_disturb_start(void);
void stress_disturb_stop(void);
void stress_disturb_report(struct stress_totals *t);

#endif
