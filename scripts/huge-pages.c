// SPDX-License-Identifier: GPL-2.0
/*
 * huge-pages.so: an LD_PRELOAD object that asks for transparent huge
 * pages (madvise(MADV_HUGEPAGE)) on every private, writable, anonymous
 * mapping its process makes.  The harness runs the test kernels' builds
 * and the module's strict builds under it (scripts/lib.sh,
 * with_huge_pages), so that the compilers get on a machine whose
 * transparent_hugepage setting is "madvise" (Debian's default) what
 * "always" would give them, without changing that machine-wide setting.
 *
 * Why: cc1 takes its memory from mmap() (GCC's garbage-collected heap),
 * a hundred MB or more per kernel source file, and touches all of it.
 * In 4 KiB pages that is tens of thousands of page faults per file, and
 * as many TLB misses again; in 2 MiB pages both nearly vanish.  On the
 * 2-core test machine a 7.3 x86_64 test kernel built alone in 452.6 s
 * (877 CPU-s) without this and in 374.9 s (722 CPU-s) with it, and
 * three heavy objects compiled 17 % faster, the same as with the
 * machine switched to "always" (Documentation/testing.rst).
 *
 * Nothing else changes: the mapping is made exactly as asked, and a
 * madvise() that fails (no THP in the kernel, "never") is ignored.  The
 * object calls the mmap system call itself, so that it needs neither
 * dlsym() nor any state, and works in every program of a build.  The
 * harness supports 64-bit hosts only, where off_t is 64 bits wide and
 * mmap64() is mmap().
 */
#define _GNU_SOURCE
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

void *mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset)
{
	void *map = (void *)syscall(SYS_mmap, addr, length, prot, flags, fd, offset);

	if (map != MAP_FAILED && (flags & MAP_ANONYMOUS) &&
	    (flags & MAP_PRIVATE) && (prot & PROT_WRITE))
		madvise(map, length, MADV_HUGEPAGE);
	return map;
}

/* Large-file programs call mmap64(), the same function on a 64-bit host. */
void *mmap64(void *addr, size_t length, int prot, int flags, int fd, off_t offset)
{
	return mmap(addr, length, prot, flags, fd, offset);
}
