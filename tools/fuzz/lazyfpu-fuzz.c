// SPDX-License-Identifier: GPL-2.0
/*
 * lazyfpu-fuzz: the driver.  Random numbers, user pointers good and bad,
 * signals, the VMs and vCPUs the operations share, and the op loop.
 *
 *   lazyfpu-fuzz [--seed N] [--ops M] [--target KVER/ARCH[/FLAVOUR]]
 *
 * Without arguments: the short fixed-seed pass of make check.  A failure
 * is reported with its seed and op index; "--seed N --ops <index + 1>"
 * replays the run up to it.  --target names the test kernel the harness
 * booted (scripts/run-qemu.sh passes it), so that the replay command
 * printed with a failure is whole: make fuzz KVER= ARCH= [FLAVOUR=] SEED=
 * OPS=.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "ktap.h"
#include "fuzz.h"

#define FZ_DEFAULT_SEED	1
#define FZ_DEFAULT_OPS	20000

struct fz fz;

/* ---- Random numbers: splitmix64, so every libc gives the same run. ---- */

static uint64_t fz_rng;

static uint64_t fz_splitmix(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/*
 * Each op gets its own stream, so an op's decisions do not depend on how
 * earlier ops went (a RUN ended by the timer or by HLT draws the same).
 */
void fz_rng_seed(uint64_t seed, uint64_t op)
{
	uint64_t s = seed;

	fz_rng = fz_splitmix(&s) ^ (op * 0xd1342543de82ef95ULL);
	fz_splitmix(&fz_rng);
}

uint64_t fz_u64(void)
{
	return fz_splitmix(&fz_rng);
}

uint64_t fz_below(uint64_t n)
{
	return n ? fz_u64() % n : 0;
}

bool fz_chance(unsigned int percent)
{
	return fz_below(100) < percent;
}

void fz_fill(void *buf, size_t len)
{
	uint8_t *p = buf;
	uint64_t r;
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		r = fz_u64();
		memcpy(p + i, &r, 8);
	}
	r = fz_u64();
	memcpy(p + i, &r, len - i);
}

uint64_t fz_edge64(void)
{
	static const uint64_t edges[] = {
		0, 1, 2, 7, 8, 15, 16, 17, 63, 64, 127, 128, 255, 256, 4095, 4096, 65535,
		0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ULL, 0x7fffffffffffffffULL,
		0x8000000000000000ULL, ~0ULL, ~0ULL - 7, -4096ULL,
	};

	if (fz_chance(20))
		return fz_u64();
	return edges[fz_below(sizeof(edges) / sizeof(edges[0]))] + (fz_chance(20) ? fz_below(3) : 0);
}

/* ---- User pointers ---- */

/*
 * Two arenas, for ioctl structs and for the buffers they point to, so that
 * a struct never lands on its own buffer.  Each: read-write pages, then a
 * PROT_NONE guard page; and as many read-only pages.
 */
static struct fz_arena {
	uint8_t *rw, *guard, *ro;
} fz_arenas[2];
static size_t fz_arena_size;

void fz_arena_init(size_t max_buf)
{
	size_t page = (size_t)fz.host.page;
	int i;

	fz_arena_size = (max_buf + 64 + page - 1) / page * page;
	for (i = 0; i < 2; i++) {
		struct fz_arena *a = &fz_arenas[i];

		a->rw = mmap(NULL, fz_arena_size + page, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		a->ro = mmap(NULL, fz_arena_size, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (a->rw == MAP_FAILED || a->ro == MAP_FAILED) {
			perror("mmap");
			exit(1);
		}
		a->guard = a->rw + fz_arena_size;
		mprotect(a->guard, page, PROT_NONE);
	}
}

enum fz_ptr fz_pick_ptr(void)
{
	/* Mostly good pointers, so that the calls get past copy_from_user. */
	static const uint8_t weights[FZ_NR_PTRS] = {
		[FZ_PTR_OK] = 45, [FZ_PTR_MISALIGNED] = 12, [FZ_PTR_AT_GUARD] = 12,
		[FZ_PTR_READONLY] = 5, [FZ_PTR_NULL] = 4, [FZ_PTR_LOW] = 4,
		[FZ_PTR_PAST_USER] = 4, [FZ_PTR_KERNEL] = 5, [FZ_PTR_GUARD] = 4,
		[FZ_PTR_CROSS] = 5,
	};
	uint64_t r = fz_below(100);
	int mode;

	for (mode = 0; mode < FZ_NR_PTRS - 1; mode++) {
		if (r < weights[mode])
			break;
		r -= weights[mode];
	}
	return mode;
}

static void fz_copy_in(uint8_t *dst, size_t size, const void *content)
{
	if (content)
		memcpy(dst, content, size);
	else
		memset(dst, 0, size);
}

static void *fz_place(struct fz_arena *a, enum fz_ptr mode, size_t size, const void *content)
{
	static const uint64_t kernel[] = { 0xffff800000000000ULL, 0xffffffff81000000ULL };
	size_t page = (size_t)fz.host.page;
	uint8_t *p;

	switch (mode) {
	case FZ_PTR_OK:
		p = a->rw;
		break;
	case FZ_PTR_MISALIGNED:
		p = a->rw + 1 + fz_below(7);
		break;
	case FZ_PTR_AT_GUARD:
		p = a->guard - size;
		break;
	case FZ_PTR_READONLY:
		mprotect(a->ro, fz_arena_size, PROT_READ | PROT_WRITE);
		fz_copy_in(a->ro, size, content);
		mprotect(a->ro, fz_arena_size, PROT_READ);
		return a->ro;
	case FZ_PTR_NULL:
		return NULL;
	case FZ_PTR_LOW:
		return (void *)(uintptr_t)(8 + 8 * fz_below(500));
	case FZ_PTR_PAST_USER:
#ifdef __x86_64__
		return (void *)(uintptr_t)((1ULL << 47) + page * fz_below(16));
#else
		return (void *)(uintptr_t)((1ULL << 48) + page * fz_below(16));
#endif
	case FZ_PTR_KERNEL:
		return (void *)(uintptr_t)kernel[fz_below(2)];
	case FZ_PTR_GUARD:
		return a->guard + fz_below(page - (size < page ? size : page - 1));
	case FZ_PTR_CROSS:
	default:
		/* At least one byte in the guard page, at most all but one. */
		p = a->guard - size + 1 + (size > 2 ? fz_below(size - 1) : 0);
		fz_copy_in(p, a->guard - p, content);
		return p;
	}
	fz_copy_in(p, size, content);
	return p;
}

void *fz_ptr(enum fz_ptr mode, size_t size, const void *content)
{
	return fz_place(&fz_arenas[0], mode, size, content);
}

void *fz_buf_ptr(enum fz_ptr mode, size_t size, const void *content)
{
	return fz_place(&fz_arenas[1], mode, size, content);
}

bool fz_ptr_readable(enum fz_ptr mode)
{
	return mode <= FZ_PTR_READONLY;
}

bool fz_ptr_writable(enum fz_ptr mode)
{
	return mode < FZ_PTR_READONLY;
}

/* ---- Signals ---- */

static __thread sigjmp_buf fz_touch_env;
static __thread volatile sig_atomic_t fz_touching;

static void fz_on_fault(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (fz_touching)
		siglongjmp(fz_touch_env, sig);
	/* Not a touch: a bug in the fuzzer.  Die of the signal. */
	fprintf(stdout, "# signal %d at %p outside a touch, op %llu\n", sig, si->si_addr,
		(unsigned long long)fz.op);
	fflush(stdout);
	signal(sig, SIG_DFL);
}

/* SIGALRM and SIGUSR1 only interrupt RUN. */
static void fz_on_interrupt(int sig)
{
	(void)sig;
}

void fz_signals_init(void)
{
	struct sigaction sa = { .sa_sigaction = fz_on_fault, .sa_flags = SA_SIGINFO };

	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	/* No SA_RESTART: these are there to interrupt RUN. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fz_on_interrupt;
	sigaction(SIGALRM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
}

/*
 * The first tick after @usec, then periodic, not one-shot: a tick that
 * lands just before RUN starts is followed by another, so a looping guest
 * is always ended.  The later ticks come at least FZ_TIMER_REPEAT_US
 * apart: on a slow machine (a sanitizer kernel under emulation) a period
 * of 100 us left the kernel doing little but deliver SIGALRM, and the
 * short pass took 185 s instead of 10.
 */
#define FZ_TIMER_REPEAT_US	5000

void fz_timer_arm(unsigned int usec)
{
	unsigned int repeat = usec > FZ_TIMER_REPEAT_US ? usec : FZ_TIMER_REPEAT_US;
	struct itimerval it = {
		.it_interval = { .tv_sec = repeat / 1000000, .tv_usec = repeat % 1000000 },
		.it_value = { .tv_sec = usec / 1000000, .tv_usec = usec % 1000000 },
	};

	setitimer(ITIMER_REAL, &it, NULL);
}

void fz_timer_disarm(void)
{
	struct itimerval it = {};

	setitimer(ITIMER_REAL, &it, NULL);
}

void fz_block_timer(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGALRM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
}

int fz_touch(volatile uint8_t *p, size_t len, bool write)
{
	size_t page = (size_t)fz.host.page, off;
	int sig;

	sig = sigsetjmp(fz_touch_env, 1);
	if (sig) {
		fz_touching = 0;
		return sig;
	}
	fz_touching = 1;
	for (off = 0; off < len; off += page) {
		uint8_t b = p[off];

		if (write)
			p[off] = b;
	}
	fz_touching = 0;
	return 0;
}

/* ---- VMs and vCPUs ---- */

/* An empty record: no fd, no memory, no vCPUs. */
void fz_vm_reset(struct fz_vm *vm)
{
	int i;

	memset(vm, 0, sizeof(*vm));
	vm->fd = -1;
	for (i = 0; i < FZ_VCPUS; i++)
		vm->vcpu[i].fd = -1;
}

void fz_objects_init(void)
{
	int i;

	for (i = 0; i < FZ_VMS; i++)
		fz_vm_reset(&fz.vm[i]);
}

void fz_vcpu_close(struct fz_vcpu *v)
{
	if (v->fd < 0)
		return;
	munmap(v->run, (size_t)fz.host.page);
	close(v->fd);
	memset(v, 0, sizeof(*v));
	v->fd = -1;
}

/* Closed in a random order: every order must be safe (api.rst, lifetimes). */
void fz_vm_close(struct fz_vm *vm)
{
	int first = (int)fz_below(3), i;

	if (vm->fd < 0)
		return;
	if (first == 0)
		close(vm->fd);
	if (first == 1 && vm->mem)
		munmap(vm->mem, vm->mem_size);
	for (i = 0; i < FZ_VCPUS; i++)
		fz_vcpu_close(&vm->vcpu[i]);
	if (first != 0)
		close(vm->fd);
	if (first != 1 && vm->mem)
		munmap(vm->mem, vm->mem_size);
	fz_vm_reset(vm);
}

void fz_objects_close(void)
{
	int i;

	for (i = 0; i < FZ_VMS; i++)
		fz_vm_close(&fz.vm[i]);
}

bool fz_id_taken(const struct fz_vm *vm, uint64_t id)
{
	return id < 128 && (vm->ids[id / 64] & (1ULL << (id % 64)));
}

/* LAZYFPU_CAP_FPU_STATE_SIZE of a VM, from api.rst. */
uint32_t fz_vm_fpu_size(const struct fz_vm *vm)
{
	uint32_t vl = vm->vector_bytes;

	if (!vl)
		return (uint32_t)fz.host.caps[LAZYFPU_CAP_FPU_STATE_SIZE];
	return ((32 * vl + 17 * vl / 8 + 15) & ~15U) + 16;
}

/*
 * A VM's vCPU and memory limits, which its fd reports: fixed when it was
 * created, so they are what the system fd reported then.
 */
void fz_vm_limits(struct fz_vm *vm, enum fz_cat cat)
{
	long vcpus = ioctl(vm->fd, LAZYFPU_CHECK_EXTENSION, LAZYFPU_CAP_MAX_VCPUS);
	long memory = ioctl(vm->fd, LAZYFPU_CHECK_EXTENSION, LAZYFPU_CAP_MAX_MEMORY);

	fz_count(cat);
	if (vcpus != fz.host.caps[LAZYFPU_CAP_MAX_VCPUS] ||
	    memory != fz.host.caps[LAZYFPU_CAP_MAX_MEMORY])
		fz_fail(cat, "a new VM's limits: %ld vCPUs, %ld bytes; the system fd said %ld, %ld",
			vcpus, memory, fz.host.caps[LAZYFPU_CAP_MAX_VCPUS],
			fz.host.caps[LAZYFPU_CAP_MAX_MEMORY]);
	vm->max_vcpus = (uint64_t)vcpus;
	vm->max_memory = (uint64_t)memory;
}

/* A new VM with a random policy and, on arm64 with SVE, maybe a length. */
int fz_vm_open(struct fz_vm *vm, enum fz_cat cat)
{
	struct lazyfpu_fp_policy p = { .policy = (uint32_t)fz_below(3) };
	struct lazyfpu_vector_length vl = {};
	uint32_t vqs = (uint32_t)fz.host.caps[LAZYFPU_CAP_ARM64_SVE_VQS];
	long fd, ret;

	fd = ioctl(fz.sys_fd, LAZYFPU_CREATE_VM, 0);
	if (!fz_expect_ioctl(FZ_SYSTEM, IO_CREATE_VM, fd, errno, 0) || fd < 0)
		return -1;
	vm->fd = (int)fd;
	fz_vm_limits(vm, cat);
	ret = ioctl(vm->fd, LAZYFPU_SET_FP_POLICY, &p);
	fz_expect_ioctl(cat, IO_SET_FP_POLICY, ret, errno, 0);
	if (vqs && fz_chance(50)) {
		unsigned int vq;

		do
			vq = 1 + (unsigned int)fz_below(32);
		while (!(vqs & (1U << (vq - 1))));
		vl.bytes = 16 * vq;
		ret = ioctl(vm->fd, LAZYFPU_SET_VECTOR_LENGTH, &vl);
		if (fz_expect_ioctl(cat, IO_SET_VECTOR_LENGTH, ret, errno, 0) && !ret)
			vm->vector_bytes = vl.bytes;
	}
	vm->fpu_size = fz_vm_fpu_size(vm);
	ret = ioctl(vm->fd, LAZYFPU_CHECK_EXTENSION, LAZYFPU_CAP_FPU_STATE_SIZE);
	fz_count(cat);
	if (ret != vm->fpu_size)
		fz_fail(cat, "VM CHECK_EXTENSION(FPU_STATE_SIZE) %ld, want %u (vector length %u)",
			ret, vm->fpu_size, vm->vector_bytes);
	return 0;
}

int fz_vm_set_memory(struct fz_vm *vm, uint64_t size, enum fz_cat cat)
{
	struct lazyfpu_guest_memory m = { .size = size };
	long ret = ioctl(vm->fd, LAZYFPU_SET_GUEST_MEMORY, &m);
	void *mem;

	if (!fz_expect_ioctl(cat, IO_SET_GUEST_MEMORY, ret, errno, 0) || ret)
		return -1;
	vm->mem_size = size;
	mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vm->fd, 0);
	fz_expect(FZ_MMAP, "mmap of guest memory", mem == MAP_FAILED ? -1 : 0, errno, 0, 0);
	vm->mem = mem == MAP_FAILED ? NULL : mem;
	return vm->mem ? 0 : -1;
}

int fz_vcpu_open(struct fz_vm *vm, struct fz_vcpu *v, enum fz_cat cat)
{
	uint64_t max = vm->max_vcpus, id = 0;
	long fd;
	void *run;
	int tries;

	if (max > 128)
		max = 128;
	for (tries = 0; tries < 8; tries++) {
		id = fz_below(max);
		if (!fz_id_taken(vm, id))
			break;
	}
	if (fz_id_taken(vm, id))
		return -1;
	fd = ioctl(vm->fd, LAZYFPU_CREATE_VCPU, id);
	if (!fz_expect_ioctl(cat, IO_CREATE_VCPU, fd, errno, 0) || fd < 0)
		return -1;
	vm->ids[id / 64] |= 1ULL << (id % 64);
	vm->has_vcpus = true;
	run = mmap(NULL, (size_t)fz.host.page, PROT_READ | PROT_WRITE, MAP_SHARED, (int)fd, 0);
	if (!fz_expect(FZ_MMAP, "mmap of the run page", run == MAP_FAILED ? -1 : 0, errno, 0, 0)) {
		close((int)fd);
		return -1;
	}
	memset(v, 0, sizeof(*v));
	v->fd = (int)fd;
	v->id = (unsigned int)id;
	v->run = run;
	return 0;
}

/* A VM slot, opened if empty; now and then a fresh one (no vCPUs yet). */
struct fz_vm *fz_vm_slot(void)
{
	struct fz_vm *vm = &fz.vm[fz_below(FZ_VMS)];

	if (vm->fd >= 0 && fz_chance(3))
		fz_vm_close(vm);
	if (vm->fd < 0 && fz_vm_open(vm, FZ_VM))
		return NULL;
	return vm;
}

struct fz_vm *fz_vm_with_memory(void)
{
	/* Small, mostly: a guest that runs into zeroed memory slides to its end. */
	static const uint64_t pages[] = { 1, 1, 1, 2, 2, 3, 4, 8, 16, 64, 256 };
	struct fz_vm *vm = fz_vm_slot();

	if (vm && !vm->mem && vm->has_vcpus) {
		/* Too late for memory: start over. */
		fz_vm_close(vm);
		if (fz_vm_open(vm, FZ_VM))
			return NULL;
	}
	if (vm && !vm->mem &&
	    fz_vm_set_memory(vm, pages[fz_below(fz_chance(95) ? 9 : 11)] * (uint64_t)fz.host.page,
			     FZ_VM))
		return NULL;
	return vm;
}

struct fz_vcpu *fz_vcpu_slot(struct fz_vm **vmp, bool need_memory)
{
	struct fz_vm *vm = need_memory ? fz_vm_with_memory() : fz_vm_slot();
	struct fz_vcpu *v;

	if (!vm)
		return NULL;
	v = &vm->vcpu[fz_below(FZ_VCPUS)];
	if (v->fd < 0 && fz_vcpu_open(vm, v, FZ_VCPU))
		return NULL;
	*vmp = vm;
	return v;
}

long fz_get_regs(enum fz_cat cat, struct fz_vcpu *v, struct lazyfpu_regs *regs)
{
	long ret = ioctl(v->fd, LAZYFPU_GET_REGS, regs);

	fz_expect_ioctl(cat, IO_GET_REGS, ret, errno, 0);
	return ret;
}

long fz_get_fpu(enum fz_cat cat, struct fz_vm *vm, struct fz_vcpu *v, void *buf)
{
	struct lazyfpu_fpu f = { .addr = (uintptr_t)buf, .size = vm->fpu_size };
	long ret = ioctl(v->fd, LAZYFPU_GET_FPU, &f);

	fz_expect_ioctl(cat, IO_GET_FPU, ret, errno, 0);
	return ret;
}

/* ---- The op loop ---- */

static void fz_host_init(void)
{
	uint32_t vqs;
	int cap;

	fz.host.page = sysconf(_SC_PAGESIZE);
	for (cap = 1; cap <= LAZYFPU_CAP_MAX_VMS; cap++)
		fz.host.caps[cap] = ioctl(fz.sys_fd, LAZYFPU_CHECK_EXTENSION, cap);
	fz.host.max_fpu_size = (uint32_t)fz.host.caps[LAZYFPU_CAP_FPU_STATE_SIZE];
	vqs = (uint32_t)fz.host.caps[LAZYFPU_CAP_ARM64_SVE_VQS];
	if (vqs) {
		struct fz_vm widest = { .vector_bytes = 16 * (32 - __builtin_clz(vqs)) };

		fz.host.max_fpu_size = fz_vm_fpu_size(&widest);
	}
	ktap_diag("host: page %ld, state size %ld, vector bytes %ld, SVE VQs %#lx, max vCPUs %ld, max memory %ld, max VMs %ld",
		  fz.host.page, fz.host.caps[LAZYFPU_CAP_FPU_STATE_SIZE],
		  fz.host.caps[LAZYFPU_CAP_VECTOR_BYTES], fz.host.caps[LAZYFPU_CAP_ARM64_SVE_VQS],
		  fz.host.caps[LAZYFPU_CAP_MAX_VCPUS], fz.host.caps[LAZYFPU_CAP_MAX_MEMORY],
		  fz.host.caps[LAZYFPU_CAP_MAX_VMS]);
}

static void fz_usage(const char *argv0)
{
	fprintf(stderr, "usage: %s [--seed N] [--ops M] [--target KVER/ARCH[/FLAVOUR]]\n"
		"  default: seed %d, %d ops (the make check pass)\n",
		argv0, FZ_DEFAULT_SEED, FZ_DEFAULT_OPS);
	exit(2);
}

/*
 * "6.12/x86_64/san" -> fz.make_target "KVER=6.12 ARCH=x86_64 FLAVOUR=san ".
 * Returns false for anything else than two or three words of [0-9a-z._].
 */
static bool fz_set_target(const char *target)
{
	static const char *const keys[] = { "KVER", "ARCH", "FLAVOUR" };
	size_t used = 0, len;
	unsigned int word;
	const char *p = target;

	for (word = 0; word < 3 && *p; word++) {
		len = strspn(p, "0123456789abcdefghijklmnopqrstuvwxyz._");
		if (!len || (p[len] && p[len] != '/') ||
		    used + strlen(keys[word]) + len + 3 > sizeof(fz.make_target))
			return false;
		used += sprintf(fz.make_target + used, "%s=%.*s ", keys[word], (int)len, p);
		p += len + (p[len] == '/');
	}
	return word >= 2 && !*p;
}

static void fz_parse_args(int argc, char **argv)
{
	char *end;
	int i;

	fz.seed = FZ_DEFAULT_SEED;
	fz.ops = FZ_DEFAULT_OPS;
	for (i = 1; i < argc; i++) {
		uint64_t *val;

		if (!strcmp(argv[i], "--target")) {
			if (++i == argc || !fz_set_target(argv[i]))
				fz_usage(argv[0]);
			continue;
		}
		if (!strcmp(argv[i], "--seed"))
			val = &fz.seed;
		else if (!strcmp(argv[i], "--ops"))
			val = &fz.ops;
		else
			fz_usage(argv[0]);
		if (++i == argc)
			fz_usage(argv[0]);
		errno = 0;
		*val = strtoull(argv[i], &end, 0);
		if (errno || *end || end == argv[i])
			fz_usage(argv[0]);
	}
}

static void (*const fz_ops[FZ_NR_CATS])(void) = {
	[FZ_SYSTEM] = fz_system_op,
	[FZ_VM] = fz_vm_op,
	[FZ_VCPU] = fz_vcpu_op,
	[FZ_FPU] = fz_fpu_op,
	[FZ_GUEST] = fz_guest_op,
	[FZ_MMAP] = fz_mmap_op,
	[FZ_CONCURRENCY] = fz_concurrency_op,
};

/* Per mille of the ops each category gets; threads and forks are costly. */
static const uint16_t fz_weights[FZ_NR_CATS] = {
	[FZ_SYSTEM] = 125, [FZ_VM] = 140, [FZ_VCPU] = 230, [FZ_FPU] = 145,
	[FZ_GUEST] = 263, [FZ_MMAP] = 95, [FZ_CONCURRENCY] = 2,
};

static double fz_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	double start;

	fz_parse_args(argc, argv);
	fz_plan();
	ktap_diag("lazyfpu-fuzz: seed %llu, %llu ops (replay: make fuzz %sSEED=%llu OPS=%llu)",
		  (unsigned long long)fz.seed, (unsigned long long)fz.ops, fz.make_target,
		  (unsigned long long)fz.seed, (unsigned long long)fz.ops);
	fz.sys_fd = open("/dev/lazyfpu", O_RDWR | O_CLOEXEC);
	if (fz.sys_fd < 0) {
		ktap_diag("open /dev/lazyfpu: %s", strerror(errno));
		return fz_report(0);
	}
	fz_host_init();
	fz_arena_init(fz.host.max_fpu_size > sizeof(struct lazyfpu_vcpu_stats) ?
		      fz.host.max_fpu_size : sizeof(struct lazyfpu_vcpu_stats));
	fz_signals_init();
	fz_objects_init();
	fz_fpu_init();

	start = fz_now();
	for (fz.op = 0; fz.op < fz.ops; fz.op++) {
		double t = fz_now();
		uint64_t r;
		int cat;

		fz_rng_seed(fz.seed, fz.op);
		r = fz_below(1000);
		for (cat = 0; cat < FZ_NR_CATS - 1; cat++) {
			if (r < fz_weights[cat])
				break;
			r -= fz_weights[cat];
		}
		fz_ops[cat]();
		fz_op_done(cat, fz_now() - t);
	}
	fz_objects_close();
	close(fz.sys_fd);
	return fz_report(fz_now() - start);
}
