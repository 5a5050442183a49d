/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lazyfpu-fuzz: a structure-aware fuzzer of the /dev/lazyfpu ABI.
 *
 * The fuzzer runs a fixed number of operations.  Each operation draws all
 * of its random decisions from a generator seeded with (seed, op index),
 * picks a category (system fd, VM fd, vCPU fd, FP state images, guest
 * programs, mmaps, concurrency) and makes a few calls whose outcome it
 * predicts from Documentation/api.rst and guest-isa.rst.  A call whose
 * outcome is not one the documents allow is a failure, reported with the
 * seed and the op index that reproduce it.
 */
#ifndef _LAZYFPU_FUZZ_H
#define _LAZYFPU_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/lazyfpu.h>
#include <linux/lazyfpu_isa.h>

/* Announced by the per-process VM limit (issue #7); absent from older headers. */
#ifndef LAZYFPU_CAP_MAX_VMS
#define LAZYFPU_CAP_MAX_VMS	7
#endif

/* One KTAP result each. */
enum fz_cat {
	FZ_SYSTEM,
	FZ_VM,
	FZ_VCPU,
	FZ_FPU,
	FZ_GUEST,
	FZ_MMAP,
	FZ_CONCURRENCY,
	FZ_NR_CATS,
};

/*
 * Expectations that follow the module's ABI as it is being changed.  Each
 * is one documented (or announced) rule; see expect.c for the values and
 * the reason of each.
 */
struct fz_rules {
	bool create_vm_enospc;
	bool mxcsr_masks_required;
	bool fcw_masks_required;
	bool fsw_pending_rejected;
	bool fpcr_traps_rejected;
	bool get_fpu_canonical;
	bool run_ebusy_only_against_run;
	bool mmap_beyond_einval;
	bool mmap_refaults;
	bool unused_operands_ignored;
	bool sve_padding_rejected;
};

extern const struct fz_rules fz_rules;

/* The ioctls, with the errnos api.rst documents for each. */
enum fz_fd_kind { FZ_FD_SYS = 1, FZ_FD_VM = 2, FZ_FD_VCPU = 4 };

struct fz_ioctl {
	const char *name;
	unsigned long cmd;
	unsigned int kinds;	/* FZ_FD_* it is implemented on */
	uint64_t env;		/* errnos valid input may still get */
};

#define EB(e)	(1ULL << (e))

enum fz_ioctl_id {
	IO_GET_API_VERSION,
	IO_CHECK_EXTENSION,
	IO_CREATE_VM,
	IO_GET_VCPU_MMAP_SIZE,
	IO_SET_GUEST_MEMORY,
	IO_SET_FP_POLICY,
	IO_CREATE_VCPU,
	IO_SET_VECTOR_LENGTH,
	IO_RUN,
	IO_GET_REGS,
	IO_SET_REGS,
	IO_GET_FPU,
	IO_SET_FPU,
	IO_GET_STATS,
	IO_NR,
};

extern const struct fz_ioctl fz_ioctls[IO_NR];

/* Bookkeeping of what the fuzzer has open. */
#define FZ_VMS		3
#define FZ_VCPUS	3

struct fz_vcpu {
	int fd;			/* -1: empty slot */
	unsigned int id;
	struct lazyfpu_run *run;
	struct lazyfpu_vcpu_stats stats;	/* last GET_STATS, for monotonicity */
};

struct fz_vm {
	int fd;			/* -1: empty slot */
	uint8_t *mem;		/* the whole guest memory, mapped */
	uint64_t mem_size;	/* 0 until SET_GUEST_MEMORY */
	uint64_t ids[2];	/* vCPU ids taken (bit per id, up to 128) */
	bool has_vcpus;
	uint32_t vector_bytes;
	uint32_t fpu_size;
	uint64_t max_vcpus;	/* the VM's own limits, fixed at creation */
	uint64_t max_memory;
	struct fz_vcpu vcpu[FZ_VCPUS];
};

/* What the host reported at start; later answers must agree. */
struct fz_host {
	long page;
	long caps[LAZYFPU_CAP_MAX_VMS + 1];	/* system fd CHECK_EXTENSION */
	uint32_t max_fpu_size;			/* largest state image of any VM */
};

struct fz {
	uint64_t seed;
	uint64_t ops;
	uint64_t op;		/* the op running now */
	/* "KVER=.. ARCH=.. [FLAVOUR=..] ": make fuzz's words for this kernel */
	char make_target[64];
	int sys_fd;		/* open for the whole run: rmmod must fail */
	struct fz_host host;
	struct fz_vm vm[FZ_VMS];
};

extern struct fz fz;

/* Random numbers: one generator, reseeded from (seed, op) per op. */
void fz_rng_seed(uint64_t seed, uint64_t op);
uint64_t fz_u64(void);
uint64_t fz_below(uint64_t n);
bool fz_chance(unsigned int percent);
void fz_fill(void *buf, size_t len);
/* An "interesting" value: edges of the integer types, small numbers. */
uint64_t fz_edge64(void);

/* Outcome checks. */
void fz_fail(enum fz_cat cat, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/*
 * One call's result: @ret (-1 and @err on failure).  Input with a known
 * error (@must, errno bits) must fail with one of those errnos or one of
 * @env; valid input (@must 0) must succeed or fail with one of @env.
 * Counts the call.  Returns true when it behaved.
 */
bool fz_expect(enum fz_cat cat, const char *what, long ret, int err, uint64_t must,
	       uint64_t env);
bool fz_expect_ioctl(enum fz_cat cat, enum fz_ioctl_id io, long ret, int err, uint64_t must);
void fz_count(enum fz_cat cat);
/* An op of @cat took @seconds (for the final diagnostics). */
void fz_op_done(enum fz_cat cat, double seconds);
const char *fz_errname(int err);
/* The KTAP plan, and at the end one result per category; the exit code. */
void fz_plan(void);
int fz_report(double seconds);

/* User pointers for ioctl arguments, good and bad. */
enum fz_ptr {
	FZ_PTR_OK,		/* aligned, mapped read-write */
	FZ_PTR_MISALIGNED,	/* mapped read-write, odd address */
	FZ_PTR_AT_GUARD,	/* ends exactly where a PROT_NONE page starts */
	FZ_PTR_READONLY,	/* mapped read-only */
	FZ_PTR_NULL,
	FZ_PTR_LOW,		/* inside the first page, never mappable */
	FZ_PTR_PAST_USER,	/* above the user address space */
	FZ_PTR_KERNEL,		/* a kernel address */
	FZ_PTR_GUARD,		/* inside the PROT_NONE page */
	FZ_PTR_CROSS,		/* starts mapped, runs into the PROT_NONE page */
	FZ_NR_PTRS,
};

enum fz_ptr fz_pick_ptr(void);
/*
 * Where @size bytes of @content (or zeroes) are placed for @mode: an ioctl
 * struct, or a buffer a struct points to (never overlapping the struct).
 */
void *fz_ptr(enum fz_ptr mode, size_t size, const void *content);
void *fz_buf_ptr(enum fz_ptr mode, size_t size, const void *content);
bool fz_ptr_readable(enum fz_ptr mode);
bool fz_ptr_writable(enum fz_ptr mode);
void fz_arena_init(size_t max_buf);

/* Signals: RUN under a periodic timer, faults caught around touches. */
void fz_signals_init(void);
void fz_timer_arm(unsigned int usec);
void fz_timer_disarm(void);
/* Read (and write back, if @write) one byte per page; 0 or the signal. */
int fz_touch(volatile uint8_t *p, size_t len, bool write);
/* Block the timer signal in the calling thread (helper threads). */
void fz_block_timer(void);

/* Objects. */
void fz_objects_init(void);
void fz_vm_reset(struct fz_vm *vm);
void fz_objects_close(void);
struct fz_vm *fz_vm_slot(void);
struct fz_vm *fz_vm_with_memory(void);
struct fz_vcpu *fz_vcpu_slot(struct fz_vm **vmp, bool need_memory);
void fz_vm_close(struct fz_vm *vm);
void fz_vcpu_close(struct fz_vcpu *v);
int fz_vm_open(struct fz_vm *vm, enum fz_cat cat);
int fz_vm_set_memory(struct fz_vm *vm, uint64_t size, enum fz_cat cat);
int fz_vcpu_open(struct fz_vm *vm, struct fz_vcpu *v, enum fz_cat cat);
bool fz_id_taken(const struct fz_vm *vm, uint64_t id);
uint32_t fz_vm_fpu_size(const struct fz_vm *vm);
void fz_vm_limits(struct fz_vm *vm, enum fz_cat cat);
long fz_get_regs(enum fz_cat cat, struct fz_vcpu *v, struct lazyfpu_regs *regs);
long fz_get_fpu(enum fz_cat cat, struct fz_vm *vm, struct fz_vcpu *v, void *buf);

/* The categories. */
void fz_system_op(void);
void fz_vm_op(void);
void fz_vcpu_op(void);
void fz_fpu_op(void);
void fz_guest_op(void);
void fz_mmap_op(void);
void fz_concurrency_op(void);

/* fpstate.c, used by others. */
void fz_fpu_init(void);
/* GET_FPU must return an image SET_FPU takes back unchanged. */
void fz_fpu_check_roundtrip(enum fz_cat cat, struct fz_vm *vm, struct fz_vcpu *v);
/* The FP control word a guest GETCSR reads: exceptions still masked? */
bool fz_csr_masked(uint64_t csr);

/* guest.c, used by others: RUN with a timer, checked. */
long fz_run(enum fz_cat cat, struct fz_vm *vm, struct fz_vcpu *v, unsigned int timer_us);
/* An instruction word. */
uint64_t fz_insn(uint8_t op, uint8_t a, uint8_t b, uint8_t c, int32_t imm);

#endif
