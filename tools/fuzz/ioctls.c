// SPDX-License-Identifier: GPL-2.0
/*
 * Every ioctl on every kind of fd: the system fd, VM fds, vCPU fds and
 * fds of other kinds, with ioctl numbers that are ours, ours with another
 * direction or size, and other subsystems'; arguments with bad pointers,
 * sizes, flags and padding.  Each call's errno is predicted from api.rst.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"

struct fz_call {
	enum fz_cat cat;
	int fd;
	unsigned int kind;	/* FZ_FD_* of @fd; 0 for an fd not ours */
	unsigned long cmd;
	struct fz_vm *vm;	/* VM and vCPU fds */
	struct fz_vcpu *v;	/* vCPU fds */
};

/* The ioctl @cmd is on a fd of @kind, or -1 (ENOTTY). */
static int fz_lookup(unsigned long cmd, unsigned int kind)
{
	int io;

	/* The kernel's cmd is an unsigned int: bits above 31 are dropped. */
	for (io = 0; io < IO_NR; io++)
		if ((unsigned int)fz_ioctls[io].cmd == (unsigned int)cmd &&
		    (fz_ioctls[io].kinds & kind))
			return io;
	return -1;
}

/* An ioctl number near ours, or another subsystem's. */
static unsigned long fz_mutate_cmd(void)
{
	/* Types the VFS does not handle itself (do_vfs_ioctl()). */
	static const uint8_t foreign[] = { 0xae /* KVM */, 0xb8, 0xba, 0x01, 0x22, 0x7c, 0xcd };
	unsigned long cmd = fz_ioctls[fz_below(IO_NR)].cmd;

	switch (fz_below(5)) {
	case 0:
		return (cmd & ~((unsigned long)_IOC_DIRMASK << _IOC_DIRSHIFT)) |
		       (fz_below(4) << _IOC_DIRSHIFT);
	case 1:
		return (cmd & ~((unsigned long)_IOC_SIZEMASK << _IOC_SIZESHIFT)) |
		       (fz_below(_IOC_SIZEMASK + 1) << _IOC_SIZESHIFT);
	case 2:
		return _IOC(fz_below(4), LAZYFPUIO, fz_below(256), fz_below(1024));
	case 3:
		/* Bits the kernel never sees: this is still our ioctl. */
		return cmd | (fz_u64() << 32);
	default:
		return _IOC(fz_below(4), foreign[fz_below(sizeof(foreign))], fz_below(256),
			    fz_below(1024));
	}
}

/* A random ioctl argument: an integer or a pointer, good or bad. */
static unsigned long fz_any_arg(void)
{
	if (fz_chance(50))
		return (unsigned long)fz_edge64();
	return (unsigned long)fz_ptr(fz_pick_ptr(), 256, NULL);
}

/* A non-zero integer for an argument that must be 0. */
static unsigned long fz_nonzero(void)
{
	return (unsigned long)(fz_edge64() | (fz_chance(50) ? 1 : 1ULL << 32));
}

/* ---- System fd ---- */

static void fz_api_version(struct fz_call *c)
{
	unsigned long arg = fz_chance(70) ? 0 : fz_nonzero();
	long ret = ioctl(c->fd, c->cmd, arg);

	if (fz_expect_ioctl(c->cat, IO_GET_API_VERSION, ret, errno, arg ? EB(EINVAL) : 0) &&
	    !arg && ret != LAZYFPU_API_VERSION)
		fz_fail(c->cat, "GET_API_VERSION %ld, want %d", ret, LAZYFPU_API_VERSION);
}

/* Capabilities must read the same every time, and per VM as api.rst says. */
static void fz_check_extension(struct fz_call *c)
{
	uint64_t cap = fz_chance(60) ? fz_below(LAZYFPU_CAP_MAX_VMS + 2) : fz_edge64();
	long ret = ioctl(c->fd, c->cmd, cap), want;
	struct fz_vm *vm = c->kind == FZ_FD_VM ? c->vm : NULL;

	if (!fz_expect_ioctl(c->cat, IO_CHECK_EXTENSION, ret, errno, 0))
		return;
	if (cap >= LAZYFPU_CAP_FPU_STATE_SIZE && cap <= LAZYFPU_CAP_ARM64_SVE_VQS) {
		want = fz.host.caps[cap];
		if (vm && cap == LAZYFPU_CAP_FPU_STATE_SIZE)
			want = vm->fpu_size;
		if (vm && cap == LAZYFPU_CAP_VECTOR_BYTES && vm->vector_bytes)
			want = vm->vector_bytes;
		if (vm && cap == LAZYFPU_CAP_MAX_VCPUS)
			want = (long)vm->max_vcpus;
		if (vm && cap == LAZYFPU_CAP_MAX_MEMORY)
			want = (long)vm->max_memory;
	} else if (cap == 0 || cap >= 256) {
		/* Unknown: absent.  (Numbers up to 255 are left for new ones.) */
		want = 0;
	} else {
		return;
	}
	if (ret != want)
		fz_fail(c->cat, "%s CHECK_EXTENSION(%#llx) %ld, want %ld", vm ? "VM" : "system",
			(unsigned long long)cap, ret, want);
}

static void fz_create_vm(struct fz_call *c)
{
	unsigned long arg = fz_chance(80) ? 0 : fz_nonzero();
	long fd = ioctl(c->fd, c->cmd, arg);
	struct fz_vm *vm = &fz.vm[fz_below(FZ_VMS)];

	if (!fz_expect_ioctl(c->cat, IO_CREATE_VM, fd, errno, arg ? EB(EINVAL) : 0) || fd < 0)
		return;
	if (fcntl((int)fd, F_GETFD) != FD_CLOEXEC)
		fz_fail(c->cat, "CREATE_VM: the VM fd is not O_CLOEXEC");
	if (vm->fd >= 0) {
		close((int)fd);
		return;
	}
	/* Adopted as it is: lazy policy, no memory, no vector length. */
	vm->fd = (int)fd;
	vm->fpu_size = fz_vm_fpu_size(vm);
	fz_vm_limits(vm, c->cat);
}

static void fz_mmap_size(struct fz_call *c)
{
	unsigned long arg = fz_chance(70) ? 0 : fz_nonzero();
	long ret = ioctl(c->fd, c->cmd, arg);

	if (fz_expect_ioctl(c->cat, IO_GET_VCPU_MMAP_SIZE, ret, errno, arg ? EB(EINVAL) : 0) &&
	    !arg && ret != fz.host.page)
		fz_fail(c->cat, "GET_VCPU_MMAP_SIZE %ld, want the page size %ld", ret,
			fz.host.page);
}

/* ---- VM fd ---- */

static uint64_t fz_busy(const struct fz_vm *vm)
{
	return vm->has_vcpus ? EB(EBUSY) : 0;
}

static void fz_set_guest_memory(struct fz_call *c)
{
	uint64_t page = (uint64_t)fz.host.page, max = c->vm->max_memory;
	const uint64_t sizes[] = {
		page, 2 * page, 5 * page, 64 * page, 256 * page,	/* valid */
		0, 100, page + 1, 3 * page - 8, max + page, 2 * max, 1ULL << 40,
		-page, fz_edge64() & ~(page - 1),
	};
	struct lazyfpu_guest_memory m = {
		.size = sizes[fz_below(sizeof(sizes) / sizeof(sizes[0]))],
		.flags = fz_chance(10) ? (uint32_t)fz_edge64() | 1 : 0,
		.pad = fz_chance(10) ? (uint32_t)fz_edge64() | 2 : 0,
	};
	enum fz_ptr mode = fz_pick_ptr();
	struct fz_vm *vm = c->vm;
	uint64_t must = fz_busy(vm) | (vm->mem ? EB(EBUSY) : 0);
	long ret;

	/* Never ask for more than 1 MiB of a VM that could get it. */
	if (m.size > 256 * page && m.size <= max)
		m.size = max + page;
	if (!fz_ptr_readable(mode))
		must |= EB(EFAULT);
	if (m.flags || m.pad || !m.size || m.size % page || m.size > max)
		must |= EB(EINVAL);
	ret = ioctl(c->fd, c->cmd, fz_ptr(mode, sizeof(m), &m));
	if (!fz_expect_ioctl(c->cat, IO_SET_GUEST_MEMORY, ret, errno, must) || ret)
		return;
	vm->mem_size = m.size;
	vm->mem = mmap(NULL, m.size, PROT_READ | PROT_WRITE, MAP_SHARED, vm->fd, 0);
	if (!fz_expect(FZ_MMAP, "mmap of guest memory", vm->mem == MAP_FAILED ? -1 : 0, errno,
		       0, 0))
		vm->mem = NULL;
}

static void fz_set_fp_policy(struct fz_call *c)
{
	struct lazyfpu_fp_policy p = {
		.policy = fz_chance(70) ? (uint32_t)fz_below(4) : (uint32_t)fz_edge64(),
		.flags = fz_chance(10) ? (uint32_t)fz_edge64() | 4 : 0,
	};
	enum fz_ptr mode = fz_pick_ptr();
	uint64_t must = fz_busy(c->vm);
	long ret;

	if (!fz_ptr_readable(mode))
		must |= EB(EFAULT);
	if (p.flags || p.policy > LAZYFPU_FP_POLICY_EAGER)
		must |= EB(EINVAL);
	ret = ioctl(c->fd, c->cmd, fz_ptr(mode, sizeof(p), &p));
	fz_expect_ioctl(c->cat, IO_SET_FP_POLICY, ret, errno, must);
}

static bool fz_vector_length_ok(uint32_t bytes)
{
	uint32_t vqs = (uint32_t)fz.host.caps[LAZYFPU_CAP_ARM64_SVE_VQS];

	if (!bytes)
		return true;
	return bytes % 16 == 0 && bytes / 16 <= 32 && (vqs & (1U << (bytes / 16 - 1)));
}

/* A rejected SET_VECTOR_LENGTH leaves what the VM reports unchanged. */
static void fz_set_vector_length(struct fz_call *c)
{
	struct lazyfpu_vector_length vl = {
		.bytes = fz_chance(70) ? 16 * (uint32_t)fz_below(34) : (uint32_t)fz_edge64(),
		.flags = fz_chance(10) ? (uint32_t)fz_edge64() | 8 : 0,
	};
	enum fz_ptr mode = fz_pick_ptr();
	struct fz_vm *vm = c->vm;
	uint64_t must = fz_busy(vm);
	long ret, size, bytes;

	if (!fz_ptr_readable(mode))
		must |= EB(EFAULT);
	if (vl.flags || !fz_vector_length_ok(vl.bytes))
		must |= EB(EINVAL);
	ret = ioctl(c->fd, c->cmd, fz_ptr(mode, sizeof(vl), &vl));
	if (!fz_expect_ioctl(c->cat, IO_SET_VECTOR_LENGTH, ret, errno, must))
		return;
	if (!ret) {
		vm->vector_bytes = vl.bytes;
		vm->fpu_size = fz_vm_fpu_size(vm);
	}
	size = ioctl(vm->fd, LAZYFPU_CHECK_EXTENSION, LAZYFPU_CAP_FPU_STATE_SIZE);
	bytes = ioctl(vm->fd, LAZYFPU_CHECK_EXTENSION, LAZYFPU_CAP_VECTOR_BYTES);
	if (size != vm->fpu_size ||
	    bytes != (vm->vector_bytes ? vm->vector_bytes : fz.host.caps[LAZYFPU_CAP_VECTOR_BYTES]))
		fz_fail(c->cat, "SET_VECTOR_LENGTH(%u) %s: the VM reports state size %ld, vector bytes %ld; want %u, %u",
			vl.bytes, ret ? "refused" : "accepted", size, bytes, vm->fpu_size,
			vm->vector_bytes);
}

static void fz_create_vcpu(struct fz_call *c)
{
	struct fz_vm *vm = c->vm;
	uint64_t max = vm->max_vcpus, id, must = 0;
	struct fz_vcpu *slot = &vm->vcpu[fz_below(FZ_VCPUS)];
	long fd;

	switch (fz_below(4)) {
	case 0:
		id = fz_edge64();
		break;
	case 1:
		id = max + fz_below(2);
		break;
	default:
		id = fz_below(max < 128 ? max : 128);
		break;
	}
	if (id >= max)
		must |= EB(EINVAL);
	else if (fz_id_taken(vm, id))
		must |= EB(EEXIST);
	fd = ioctl(c->fd, c->cmd, id);
	if (!fz_expect_ioctl(c->cat, IO_CREATE_VCPU, fd, errno, must) || fd < 0)
		return;
	vm->ids[id / 64] |= 1ULL << (id % 64);
	vm->has_vcpus = true;
	if (fcntl((int)fd, F_GETFD) != FD_CLOEXEC)
		fz_fail(c->cat, "CREATE_VCPU: the vCPU fd is not O_CLOEXEC");
	if (slot->fd >= 0) {
		close((int)fd);
		return;
	}
	slot->run = mmap(NULL, (size_t)fz.host.page, PROT_READ | PROT_WRITE, MAP_SHARED,
			 (int)fd, 0);
	if (!fz_expect(FZ_MMAP, "mmap of the run page", slot->run == MAP_FAILED ? -1 : 0,
		       errno, 0, 0)) {
		close((int)fd);
		return;
	}
	slot->fd = (int)fd;
	slot->id = (unsigned int)id;
}

/* ---- vCPU fd ---- */

static void fz_run_ioctl(struct fz_call *c)
{
	unsigned long arg;
	long ret;

	if (fz_chance(80)) {
		fz_run(c->cat, c->vm, c->v, 2000);
		return;
	}
	/* A RUN that wrongly ran the guest must still end: the timer. */
	arg = fz_nonzero();
	fz_timer_arm(2000);
	ret = ioctl(c->fd, c->cmd, arg);
	fz_timer_disarm();
	fz_expect_ioctl(c->cat, IO_RUN, ret, errno, EB(EINVAL));
}

static void fz_get_regs_ioctl(struct fz_call *c)
{
	enum fz_ptr mode = fz_pick_ptr();
	long ret = ioctl(c->fd, c->cmd, fz_ptr(mode, sizeof(struct lazyfpu_regs), NULL));

	fz_expect_ioctl(c->cat, IO_GET_REGS, ret, errno, fz_ptr_writable(mode) ? 0 : EB(EFAULT));
}

/* Accepted registers read back; refused ones change nothing. */
static void fz_set_regs_ioctl(struct fz_call *c)
{
	struct lazyfpu_regs before, after, regs = {
		.flags = fz_chance(10) ? (uint32_t)fz_edge64() | 1 : 0,
		.pad = fz_chance(10) ? (uint32_t)fz_edge64() | 1 : 0,
	};
	enum fz_ptr mode = fz_pick_ptr();
	uint64_t must = 0;
	int i, err;
	long ret;

	for (i = 0; i < LAZYFPU_NR_GPRS; i++)
		regs.gpr[i] = fz_edge64();
	regs.pc = fz_chance(70) ? 8 * fz_below(c->vm->mem_size / 8 + 2) : fz_edge64();
	if (!fz_ptr_readable(mode))
		must |= EB(EFAULT);
	if (regs.flags || regs.pad)
		must |= EB(EINVAL);
	if (fz_get_regs(c->cat, c->v, &before))
		return;
	ret = ioctl(c->fd, c->cmd, fz_ptr(mode, sizeof(regs), &regs));
	err = errno;
	if (!fz_expect_ioctl(c->cat, IO_SET_REGS, ret, err, must) ||
	    fz_get_regs(c->cat, c->v, &after))
		return;
	if (ret && (memcmp(before.gpr, after.gpr, sizeof(after.gpr)) || before.pc != after.pc))
		fz_fail(c->cat, "SET_REGS refused (%s) but the registers changed", fz_errname(err));
	if (!ret && (memcmp(regs.gpr, after.gpr, sizeof(after.gpr)) || regs.pc != after.pc))
		fz_fail(c->cat, "SET_REGS accepted but GET_REGS reads other registers");
}

/* GET_FPU and SET_FPU: the struct and the buffer, each good or bad. */
static void fz_fpu_ioctl(struct fz_call *c, bool set)
{
	uint32_t size = c->vm->fpu_size;
	const uint32_t sizes[] = {
		size - 1, size + 1, size + 16, size - 16, 0, ~0U, 528, 4096,
		(uint32_t)fz.host.caps[LAZYFPU_CAP_FPU_STATE_SIZE], (uint32_t)fz_edge64(),
	};
	enum fz_ptr smode = fz_pick_ptr(), bmode = fz_pick_ptr();
	static uint8_t image[1 << 16];
	struct lazyfpu_fpu f = {
		.size = fz_chance(70) ? size : sizes[fz_below(sizeof(sizes) / sizeof(sizes[0]))],
		.flags = fz_chance(10) ? (uint32_t)fz_edge64() | 1 : 0,
	};
	enum fz_ioctl_id io = set ? IO_SET_FPU : IO_GET_FPU;
	uint64_t must = 0;
	long ret;

	/* SET writes back the current state: the content is valid. */
	if (size > sizeof(image) || fz_get_fpu(c->cat, c->vm, c->v, image))
		return;
	/* The buffer is placed for the real state size, whatever f.size says. */
	f.addr = (uintptr_t)fz_buf_ptr(bmode, size, image);
	if (!fz_ptr_readable(smode))
		must |= EB(EFAULT);
	if (f.size != size || f.flags)
		must |= EB(EINVAL);
	else if (!(set ? fz_ptr_readable(bmode) : fz_ptr_writable(bmode)))
		must |= EB(EFAULT);
	ret = ioctl(c->fd, c->cmd, fz_ptr(smode, sizeof(f), &f));
	fz_expect_ioctl(c->cat, io, ret, errno, must);
}

static void fz_get_fpu_ioctl(struct fz_call *c)
{
	fz_fpu_ioctl(c, false);
}

static void fz_set_fpu_ioctl(struct fz_call *c)
{
	fz_fpu_ioctl(c, true);
}

static bool fz_backend_ok(const struct fz_vm *vm, uint32_t backend)
{
#ifdef __x86_64__
	(void)vm;
	return backend == LAZYFPU_BACKEND_X86_FPSTATE_SWAP || backend == LAZYFPU_BACKEND_X86_XSAVE;
#else
	return backend == (vm->vector_bytes ? LAZYFPU_BACKEND_ARM64_SVE : LAZYFPU_BACKEND_ARM64_NEON);
#endif
}

/* Counters only grow; flags and reserved fields read 0. */
static void fz_get_stats_ioctl(struct fz_call *c)
{
	enum fz_ptr mode = fz_pick_ptr();
	struct lazyfpu_vcpu_stats *st = fz_ptr(mode, sizeof(*st), NULL);
	const struct lazyfpu_vcpu_stats *last = &c->v->stats;
	long ret = ioctl(c->fd, c->cmd, st);
	int i;

	if (!fz_expect_ioctl(c->cat, IO_GET_STATS, ret, errno,
			     fz_ptr_writable(mode) ? 0 : EB(EFAULT)) || ret)
		return;
	if (st->flags || !fz_backend_ok(c->vm, st->backend))
		fz_fail(c->cat, "GET_STATS: flags %#x backend %u", st->flags, st->backend);
	for (i = 0; i < (int)(sizeof(st->reserved) / sizeof(st->reserved[0])); i++)
		if (st->reserved[i])
			fz_fail(c->cat, "GET_STATS: reserved[%d] = %#llx", i,
				(unsigned long long)st->reserved[i]);
	for (i = 0; i < LAZYFPU_EXIT_NR; i++)
		if (st->exits[i] < last->exits[i])
			fz_fail(c->cat, "GET_STATS: exits[%d] went from %llu to %llu", i,
				(unsigned long long)last->exits[i],
				(unsigned long long)st->exits[i]);
	if (st->instructions < last->instructions || st->fp_loads < last->fp_loads ||
	    st->fp_saves < last->fp_saves || st->yield_releases < last->yield_releases)
		fz_fail(c->cat, "GET_STATS: a counter went down");
	c->v->stats = *st;
}

static void (*const fz_handlers[IO_NR])(struct fz_call *c) = {
	[IO_GET_API_VERSION] = fz_api_version,
	[IO_CHECK_EXTENSION] = fz_check_extension,
	[IO_CREATE_VM] = fz_create_vm,
	[IO_GET_VCPU_MMAP_SIZE] = fz_mmap_size,
	[IO_SET_GUEST_MEMORY] = fz_set_guest_memory,
	[IO_SET_FP_POLICY] = fz_set_fp_policy,
	[IO_CREATE_VCPU] = fz_create_vcpu,
	[IO_SET_VECTOR_LENGTH] = fz_set_vector_length,
	[IO_RUN] = fz_run_ioctl,
	[IO_GET_REGS] = fz_get_regs_ioctl,
	[IO_SET_REGS] = fz_set_regs_ioctl,
	[IO_GET_FPU] = fz_get_fpu_ioctl,
	[IO_SET_FPU] = fz_set_fpu_ioctl,
	[IO_GET_STATS] = fz_get_stats_ioctl,
};

/*
 * One call on @c->fd: mostly an ioctl of the fd's kind, else another
 * kind's or a mutated number, which must get ENOTTY unless it happens to
 * be one of the fd's own.
 */
static void fz_dispatch(struct fz_call *c)
{
	uint64_t r = fz_below(100);
	long ret;
	int io;

	if (r < 70 && c->kind) {
		do
			io = (int)fz_below(IO_NR);
		while (!(fz_ioctls[io].kinds & c->kind));
		c->cmd = fz_ioctls[io].cmd;
	} else if (r < 85) {
		c->cmd = fz_ioctls[fz_below(IO_NR)].cmd;
	} else {
		c->cmd = fz_mutate_cmd();
	}
	io = fz_lookup(c->cmd, c->kind);
	if (io >= 0) {
		fz_handlers[io](c);
		return;
	}
	ret = ioctl(c->fd, c->cmd, fz_any_arg());
	fz_expect(c->cat, "an ioctl the fd does not implement", ret, errno, EB(ENOTTY), 0);
}

/* Fds of other kinds: none of our ioctls may reach anything there. */
static int fz_foreign_fd(void)
{
	static int fds[4] = { -1, -1, -1, -1 };
	int i = (int)fz_below(4), p[2];

	if (fds[i] >= 0)
		return fds[i];
	switch (i) {
	case 0:
		fds[i] = open("/dev/null", O_RDWR | O_CLOEXEC);
		break;
	case 1:
		fds[i] = eventfd(0, EFD_CLOEXEC);
		break;
	case 2:
		fds[i] = memfd_create("lazyfpu-fuzz", MFD_CLOEXEC);
		break;
	default:
		if (!pipe2(p, O_CLOEXEC)) {
			close(p[1]);
			fds[i] = p[0];
		}
		break;
	}
	return fds[i];
}

void fz_system_op(void)
{
	struct fz_call c = { .cat = FZ_SYSTEM, .fd = fz.sys_fd, .kind = FZ_FD_SYS };
	uint64_t r = fz_below(100);

	if (r < 8) {
		c.fd = fz_foreign_fd();
		c.kind = 0;
		if (c.fd < 0)
			return;
		fz_dispatch(&c);
	} else if (r < 15) {
		/* The system fd keeps no state: a fresh one behaves the same. */
		c.fd = open("/dev/lazyfpu", O_RDWR | O_CLOEXEC);
		if (!fz_expect(FZ_SYSTEM, "open /dev/lazyfpu", c.fd, errno, 0, EB(EMFILE)))
			return;
		fz_dispatch(&c);
		close(c.fd);
	} else {
		fz_dispatch(&c);
	}
}

void fz_vm_op(void)
{
	struct fz_call c = { .cat = FZ_VM, .kind = FZ_FD_VM };

	c.vm = fz_vm_slot();
	if (!c.vm)
		return;
	c.fd = c.vm->fd;
	fz_dispatch(&c);
}

void fz_vcpu_op(void)
{
	struct fz_call c = { .cat = FZ_VCPU, .kind = FZ_FD_VCPU };

	c.v = fz_vcpu_slot(&c.vm, fz_chance(70));
	if (!c.v)
		return;
	c.fd = c.v->fd;
	fz_dispatch(&c);
}
