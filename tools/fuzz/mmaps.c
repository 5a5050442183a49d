// SPDX-License-Identifier: GPL-2.0
/*
 * mmap of VM fds (guest memory) and vCPU fds (the run page) with random
 * offsets, lengths, protections and flags; then touching the mappings,
 * MADV_DONTNEED and touching again, mremap and mprotect.  A mapping the
 * fuzzer was allowed to make must never raise SIGBUS or SIGSEGV where its
 * protection allows the access, and must show the same memory as the
 * VM's other mappings.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "fuzz.h"

static uint64_t fz_round_up(uint64_t len)
{
	uint64_t page = (uint64_t)fz.host.page;

	return (len + page - 1) / page * page;
}

/* Touch [p, p + len) as @prot allows; a signal is a failure. */
static bool fz_touch_ok(const char *what, uint8_t *p, uint64_t len, int prot)
{
	int sig;

	if (!(prot & (PROT_READ | PROT_WRITE)) || !len)
		return true;
	sig = fz_touch(p, len, prot & PROT_WRITE);
	if (sig)
		fz_fail(FZ_MMAP, "%s: touching the mapping raised signal %d", what, sig);
	return !sig;
}

/* A byte written through one mapping reads back through the other. */
static void fz_check_shared(const char *what, volatile uint8_t *p, volatile uint8_t *other,
			    uint64_t len)
{
	uint64_t at = fz_below(len);
	uint8_t val = (uint8_t)fz_u64();

	p[at] = val;
	if (other[at] != val)
		fz_fail(FZ_MMAP, "%s: a byte written at +%#llx does not show in the VM's memory",
			what, (unsigned long long)at);
}

/*
 * MADV_DONTNEED, then a touch: the pages come back with their contents.
 * Returns false when they did not and may not (!fz_rules.mmap_refaults):
 * then the mapping is not to be touched again.
 */
static bool fz_dontneed(const char *what, uint8_t *p, uint64_t len, int prot,
			const volatile uint8_t *other)
{
	uint64_t page = (uint64_t)fz.host.page, first = fz_below(len / page);
	uint64_t n = 1 + fz_below(len / page - first), at = first * page + fz_below(n * page);
	uint8_t before = other[at];
	int sig;

	if (madvise(p + first * page, n * page, MADV_DONTNEED))
		return true;
	if (!(prot & PROT_READ))
		return fz_rules.mmap_refaults;
	fz_count(FZ_MMAP);
	sig = fz_touch(p + first * page, n * page, false);
	if (sig && fz_rules.mmap_refaults)
		fz_fail(FZ_MMAP, "%s: touch after MADV_DONTNEED raised signal %d", what, sig);
	else if (!sig && p[at] != before)
		fz_fail(FZ_MMAP, "%s: after MADV_DONTNEED the mapping reads other data", what);
	return !sig;
}

/* Move or resize the mapping; whatever mremap allows must stay usable. */
static void fz_mremap(const char *what, uint8_t **p, uint64_t *len, uint64_t inside, int prot)
{
	uint64_t page = (uint64_t)fz.host.page;
	uint64_t new_len = fz_chance(50) ? *len + page : fz_round_up(*len / 2 + 1);
	void *q = mremap(*p, *len, new_len, MREMAP_MAYMOVE);

	char after[200];

	fz_count(FZ_MMAP);
	if (q == MAP_FAILED)
		return;
	*p = q;
	*len = new_len;
	snprintf(after, sizeof(after), "%s, after mremap to %#llx", what,
		 (unsigned long long)new_len);
	fz_touch_ok(after, q, new_len < inside ? new_len : inside, prot);
}

static void fz_map_vm(void)
{
	static const int prots[] = {
		PROT_READ, PROT_WRITE, PROT_READ | PROT_WRITE, PROT_NONE,
		PROT_READ | PROT_WRITE | PROT_EXEC,
	};
	struct fz_vm *vm = fz_chance(90) ? fz_vm_with_memory() : fz_vm_slot();
	uint64_t page = (uint64_t)fz.host.page, pages, off, len, inside, must = 0, env = 0;
	int prot = prots[fz_below(5)], flags = fz_chance(85) ? MAP_SHARED : MAP_PRIVATE;
	char what[160];
	uint8_t *p;

	if (!vm)
		return;
	pages = vm->mem_size / page;
	off = page * (fz_chance(50) ? 0 : fz_below(pages + 2));
	switch (fz_below(6)) {
	case 0:
		len = vm->mem_size - (off < vm->mem_size ? off : 0);
		break;
	case 1:
		len = page * (1 + fz_below(pages + 2));
		break;
	case 2:
		len = 1 + fz_below(3 * page);
		break;
	case 3:
		len = fz_chance(50) ? 0 : vm->mem_size + page;
		break;
	default:
		len = page;
		break;
	}
	if (fz_chance(5))
		off += 1 + fz_below(page - 1);
	if (off % page || !len)
		must |= EB(EINVAL);
	if (off + fz_round_up(len) > vm->mem_size)
		*(fz_rules.mmap_beyond_einval ? &must : &env) |= EB(EINVAL);
	if (prot & PROT_EXEC)
		env |= EB(EPERM) | EB(EACCES);
	/* api.rst documents shared mappings only. */
	if (flags == MAP_PRIVATE)
		env |= EB(EINVAL) | EB(EACCES) | EB(EPERM) | EB(ENODEV);
	snprintf(what, sizeof(what), "%s VM mapping, offset %#llx, length %#llx of %#llx, prot %d",
		 flags == MAP_SHARED ? "shared" : "private", (unsigned long long)off,
		 (unsigned long long)len, (unsigned long long)vm->mem_size, prot);
	p = mmap(NULL, len, prot, flags, vm->fd, (off_t)off);
	if (!fz_expect(FZ_MMAP, what, p == MAP_FAILED ? -1 : 0, errno, must, env | EB(ENOMEM)) ||
	    p == MAP_FAILED)
		return;
	len = fz_round_up(len);
	inside = off < vm->mem_size ? vm->mem_size - off : 0;
	inside = inside < len ? inside : len;
	if (flags == MAP_PRIVATE) {
		/* Reads see the VM's memory until written. */
		if ((prot & PROT_READ) && fz_touch_ok(what, p, inside, PROT_READ) && inside &&
		    memcmp(p, vm->mem + off, inside))
			fz_fail(FZ_MMAP, "%s: reads other data than the VM's memory", what);
		munmap(p, len);
		return;
	}
	if (!fz_touch_ok(what, p, inside, prot)) {
		munmap(p, len);
		return;
	}
	if (inside && vm->mem && (prot & PROT_WRITE))
		fz_check_shared(what, p, vm->mem + off, inside);
	if (inside >= page && vm->mem && !fz_dontneed(what, p, inside, prot, vm->mem + off)) {
		munmap(p, len);
		return;
	}
	if (fz_chance(20))
		fz_mremap(what, &p, &len, inside, prot);
	if (fz_chance(10) && !mprotect(p, len, PROT_READ))
		fz_touch_ok("VM mapping made read-only", p, inside < len ? inside : len, PROT_READ);
	munmap(p, len);
}

static void fz_map_run_page(void)
{
	uint64_t page = (uint64_t)fz.host.page, must = 0, env = EB(ENOMEM);
	const uint64_t offs[] = { 0, 0, page, 2 * page, 1 + fz_below(page - 1) };
	const uint64_t lens[] = { page, page, 1 + fz_below(page), 2 * page, 0, page + 1 };
	uint64_t off = offs[fz_below(5)], len = lens[fz_below(6)];
	int prot = fz_chance(70) ? PROT_READ | PROT_WRITE : PROT_READ;
	struct fz_vm *vm;
	struct fz_vcpu *v = fz_vcpu_slot(&vm, false);
	struct lazyfpu_run *run;
	char what[80];

	if (!v)
		return;
	if (off % page || !len)
		must |= EB(EINVAL);
	if (off + fz_round_up(len) > page)
		*(fz_rules.mmap_beyond_einval ? &must : &env) |= EB(EINVAL);
	snprintf(what, sizeof(what), "vCPU mapping, offset %#llx, length %#llx",
		 (unsigned long long)off, (unsigned long long)len);
	run = mmap(NULL, len, prot, MAP_SHARED, v->fd, (off_t)off);
	if (!fz_expect(FZ_MMAP, what, run == MAP_FAILED ? -1 : 0, errno, must, env) ||
	    run == MAP_FAILED)
		return;
	len = fz_round_up(len);
	if (!off && fz_touch_ok("run page mapping", (uint8_t *)run, page, prot)) {
		if (run->exit_reason != v->run->exit_reason)
			fz_fail(FZ_MMAP, "two mappings of the run page disagree");
		fz_dontneed("run page mapping", (uint8_t *)run, page, prot, (uint8_t *)v->run);
	}
	munmap(run, len);
}

void fz_mmap_op(void)
{
	uint64_t r = fz_below(100);
	void *p;

	if (r < 60) {
		fz_map_vm();
	} else if (r < 92) {
		fz_map_run_page();
	} else {
		/* The system fd has nothing to map. */
		p = mmap(NULL, (size_t)fz.host.page, PROT_READ, MAP_SHARED, fz.sys_fd, 0);
		fz_expect(FZ_MMAP, "mmap of the system fd", p == MAP_FAILED ? -1 : 0, errno,
			  EB(ENODEV), 0);
		if (p != MAP_FAILED)
			munmap(p, (size_t)fz.host.page);
	}
}
