// SPDX-License-Identifier: GPL-2.0
/*
 * limits: what a local user can make the module allocate is charged to
 * the user's memory cgroup and bounded by documented limits, and guest
 * memory mappings behave like memory, not like a fragile device.
 *
 *  - max_vms_per_process: the limit is per process, and CREATE_VM beyond
 *    it fails with ENOSPC until a VM goes away;
 *  - max_vcpus_per_vm, max_memory_per_vm: reported by CHECK_EXTENSION,
 *    enforced with EINVAL, fixed per VM at its creation, and the module
 *    parameters refuse values out of range;
 *  - a process in a memory cgroup with memory.max cannot allocate guest
 *    memory past it (ENOMEM, without the OOM killer);
 *  - MADV_DONTNEED then a touch finds guest memory and the run page
 *    intact, and mappings past the end are refused.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ktap.h"
#include "../lib/testlib.h"

#define CGROUP_ROOT	"/sys/fs/cgroup"
#define CGROUP		CGROUP_ROOT "/lazyfpu_limits"
#define CGROUP_MAX	(32L << 20)
#define VM_MEMORY	(8L << 20)
#define MAX_TRIES	16

static long sys_cap(long cap)
{
	int fd = open("/dev/lazyfpu", O_RDWR);
	long v = ioctl(fd, LAZYFPU_CHECK_EXTENSION, cap);

	close(fd);
	return v;
}

/* A bare VM: its fd, on a fresh system fd that is closed again. */
static int bare_vm(void)
{
	int sys = open("/dev/lazyfpu", O_RDWR), vm;

	vm = (int)ioctl(sys, LAZYFPU_CREATE_VM, 0);
	close(sys);
	return vm;
}

static int set_memory(int vm, long size)
{
	struct lazyfpu_guest_memory m = { .size = (uint64_t)size };

	return (int)ioctl(vm, LAZYFPU_SET_GUEST_MEMORY, &m);
}

/* Create VMs until CREATE_VM fails; returns how many, and the errno. */
static int create_until_refused(int *fds, int max, int *err)
{
	int n;

	for (n = 0; n < max; n++) {
		fds[n] = bare_vm();
		if (fds[n] < 0) {
			*err = errno;
			return n;
		}
	}
	*err = 0;
	return n;
}

static void close_all(int *fds, int n)
{
	while (n--)
		close(fds[n]);
}

static int vms_per_process(void)
{
	long max = sys_cap(LAZYFPU_CAP_MAX_VMS);
	int fds[64], n, err, status = -1, ok = 1;
	pid_t child;

	if (max < 1 || max > 60) {
		ktap_diag("LAZYFPU_CAP_MAX_VMS is %ld", max);
		return 0;
	}
	n = create_until_refused(fds, (int)max + 1, &err);
	ok &= n == max && err == ENOSPC;
	ktap_diag("created %d VMs of %ld, then errno %d", n, max, err);

	/* Another process has its own count... */
	child = fork();
	if (child == 0) {
		int mine[64], e;

		_exit(create_until_refused(mine, (int)max + 1, &e) == max && e == ENOSPC ? 0 : 1);
	}
	waitpid(child, &status, 0);
	ok &= WIFEXITED(status) && WEXITSTATUS(status) == 0;

	/* ...and a VM that goes away makes room. */
	close(fds[--n]);
	fds[n] = bare_vm();
	ok &= fds[n] >= 0;
	close_all(fds, n + 1);
	return ok;
}

static int write_param(const char *name, const char *value)
{
	int ret = lfpu_test_set_param(name, value);

	return ret ? -errno : 0;
}

static int vcpu_limit(void)
{
	int vm, vcpu, ok = 1;

	ok &= write_param("max_vcpus_per_vm", "0") == -EINVAL;
	ok &= write_param("max_vcpus_per_vm", "65") == -EINVAL;
	ok &= write_param("max_vcpus_per_vm", "4") == 0;
	ok &= sys_cap(LAZYFPU_CAP_MAX_VCPUS) == 4;
	vm = bare_vm();
	ok &= write_param("max_vcpus_per_vm", "64") == 0;
	/* The VM keeps the limit it was created with. */
	ok &= ioctl(vm, LAZYFPU_CHECK_EXTENSION, LAZYFPU_CAP_MAX_VCPUS) == 4;
	ok &= ioctl(vm, LAZYFPU_CREATE_VCPU, 4) == -1 && errno == EINVAL;
	vcpu = (int)ioctl(vm, LAZYFPU_CREATE_VCPU, 3);
	ok &= vcpu >= 0;
	close(vcpu);
	close(vm);
	return ok;
}

static int memory_limit(void)
{
	int before = bare_vm(), vm, ok = 1;

	ok &= write_param("max_memory_per_vm", "4097") == -EINVAL;
	ok &= write_param("max_memory_per_vm", "0") == -EINVAL;
	ok &= write_param("max_memory_per_vm", "1048576") == 0;
	ok &= sys_cap(LAZYFPU_CAP_MAX_MEMORY) == 1 << 20;
	vm = bare_vm();
	ok &= write_param("max_memory_per_vm", "67108864") == 0;
	ok &= ioctl(vm, LAZYFPU_CHECK_EXTENSION, LAZYFPU_CAP_MAX_MEMORY) == 1 << 20;
	ok &= set_memory(vm, 2 << 20) == -1 && errno == EINVAL;
	ok &= set_memory(vm, 1 << 20) == 0;
	/* A VM created before the change keeps its larger limit. */
	ok &= ioctl(before, LAZYFPU_CHECK_EXTENSION, LAZYFPU_CAP_MAX_MEMORY) == 64 << 20;
	ok &= set_memory(before, 2 << 20) == 0;
	close(vm);
	close(before);
	return ok;
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY), ret = -1;

	if (fd >= 0) {
		ret = write(fd, text, strlen(text)) < 0 ? -1 : 0;
		close(fd);
	}
	if (ret)
		ktap_diag("writing %s to %s: %s", text, path, strerror(errno));
	return ret;
}

static long read_cgroup_value(const char *file, const char *key)
{
	char path[128], line[128];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), CGROUP "/%s", file);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f)) {
		size_t k = strlen(key);

		if (!k)
			v = atol(line);
		else if (!strncmp(line, key, k) && line[k] == ' ')
			v = atol(line + k + 1);
	}
	if (f)
		fclose(f);
	return v;
}

/*
 * In a cgroup with memory.max = CGROUP_MAX, a child creates VMs with
 * VM_MEMORY of guest memory each until one fails.  It reports through its
 * exit status how many it got (and 100 + that when the failure was not
 * ENOMEM).  Uncharged memory would let all MAX_TRIES succeed.
 */
static int memory_cgroup_bounds_guest_memory(void)
{
	int status = 0, ok = 1, got;
	long peak, ooms;
	char buf[32];
	pid_t child;

	mkdir(CGROUP_ROOT, 0755);
	if (mount("cgroup2", CGROUP_ROOT, "cgroup2", 0, NULL) && errno != EBUSY) {
		ktap_diag("mount cgroup2: %s", strerror(errno));
		return 0;
	}
	rmdir(CGROUP);
	if (write_file(CGROUP_ROOT "/cgroup.subtree_control", "+memory") ||
	    mkdir(CGROUP, 0755))
		return 0;
	snprintf(buf, sizeof(buf), "%ld", CGROUP_MAX);
	ok &= !write_file(CGROUP "/memory.max", buf);

	child = fork();
	if (child == 0) {
		int fds[MAX_TRIES], n;

		snprintf(buf, sizeof(buf), "%d", getpid());
		if (write_file(CGROUP "/cgroup.procs", buf))
			_exit(255);
		for (n = 0; n < MAX_TRIES; n++) {
			fds[n] = bare_vm();
			if (fds[n] < 0 || set_memory(fds[n], VM_MEMORY))
				_exit(errno == ENOMEM ? n : 100 + n);
		}
		_exit(n);
	}
	waitpid(child, &status, 0);
	peak = read_cgroup_value("memory.peak", "");
	ooms = read_cgroup_value("memory.events", "oom_kill");
	got = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	ktap_diag("memory.max %ld MiB: %d VMs of %ld MiB before ENOMEM; peak %ld KiB, oom kills %ld",
		  CGROUP_MAX >> 20, got, VM_MEMORY >> 20, peak >> 10, ooms);
	ok &= got >= 1 && got * VM_MEMORY < CGROUP_MAX && !ooms;
	/* The guest memory that was allocated was charged. */
	ok &= peak >= got * VM_MEMORY;
	rmdir(CGROUP);
	return ok;
}

static sigjmp_buf touch_fault;

static void on_touch_fault(int sig)
{
	siglongjmp(touch_fault, sig);
}

/* Read a byte at @p; -1 (instead of dying) if the access raises a signal. */
static int touch(volatile uint8_t *p)
{
	struct sigaction sa = { .sa_handler = on_touch_fault }, old_bus, old_segv;
	int v;

	sigaction(SIGBUS, &sa, &old_bus);
	sigaction(SIGSEGV, &sa, &old_segv);
	v = sigsetjmp(touch_fault, 1) ? -1 : *p;
	sigaction(SIGBUS, &old_bus, NULL);
	sigaction(SIGSEGV, &old_segv, NULL);
	return v;
}

/*
 * A mapping of @fd at @map (the whole object, @size bytes) cannot grow:
 * mmap of the next offset right after it (which the kernel would merge
 * into the existing mapping, without asking the module, were it allowed
 * to grow) is refused, and so is mremap() in place.
 */
static int no_growth(int fd, uint8_t *map, size_t size)
{
	long page = sysconf(_SC_PAGESIZE);
	uint8_t *space, *next;
	int ok;

	/* Reserve room for a copy of the mapping and one page after it. */
	space = mmap(NULL, size + (size_t)page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (space == MAP_FAILED)
		return 0;
	ok = mmap(space, size, PROT_READ, MAP_SHARED | MAP_FIXED, fd, 0) == space;
	next = mmap(space + size, (size_t)page, PROT_READ, MAP_SHARED | MAP_FIXED, fd, (off_t)size);
	ok &= next == MAP_FAILED && errno == EINVAL;
	ok &= mremap(space, size, size + (size_t)page, 0) == MAP_FAILED;
	munmap(space, size + (size_t)page);
	if (!ok)
		ktap_diag("a mapping of %zu bytes could grow (%p)", size, (void *)map);
	return ok;
}

static int mappings(void)
{
	struct lfpu_test_cfg cfg = { .policy = LAZYFPU_FP_POLICY_LAZY };
	long page = sysconf(_SC_PAGESIZE);
	struct lfpu_vcpu vcpu;
	struct lfpu_vm vm;
	char err[128];
	int ok = 1;

	if (lfpu_test_vm(&vm, &cfg, "hlt\n") || lfpu_test_vcpu(&vm, &vcpu, 0))
		return 0;

	/* Dropped page table entries come back with the same memory. */
	memset(vm.mem + page, 0x5a, (size_t)page);
	ok &= !madvise(vm.mem, vm.mem_size, MADV_DONTNEED);
	ok &= touch(vm.mem + page) == 0x5a && touch(vm.mem + 2 * page - 1) == 0x5a;
	ok &= !madvise(vcpu.run, (size_t)page, MADV_DONTNEED);
	ok &= touch((uint8_t *)vcpu.run) >= 0;
	/* The guest sees what userspace writes through the mapping afterwards. */
	ok &= !lfpu_vm_load(&vm, "out r0, 9\nhlt\n", err, sizeof(err));
	if (lfpu_test_run_once(&vcpu) || vcpu.run->exit_reason != LAZYFPU_EXIT_IO ||
	    vcpu.run->io.port != 9) {
		ktap_diag("RUN after MADV_DONTNEED: %s, exit %u, port %u", strerror(errno),
			  vcpu.run->exit_reason, (unsigned int)vcpu.run->io.port);
		ok = 0;
	}

	ok &= no_growth(vm.vm_fd, vm.mem, vm.mem_size);
	ok &= no_growth(vcpu.fd, (uint8_t *)vcpu.run, (size_t)page);

	/* Past the end: refused. */
	ok &= mmap(NULL, vm.mem_size + page, PROT_READ, MAP_SHARED, vm.vm_fd, 0) == MAP_FAILED &&
	      errno == EINVAL;
	ok &= mmap(NULL, page, PROT_READ, MAP_SHARED, vm.vm_fd, vm.mem_size) == MAP_FAILED &&
	      errno == EINVAL;
	ok &= mmap(NULL, page, PROT_READ, MAP_SHARED, vcpu.fd, page) == MAP_FAILED &&
	      errno == EINVAL;
	ok &= mmap(NULL, 2 * page, PROT_READ, MAP_SHARED, vcpu.fd, 0) == MAP_FAILED &&
	      errno == EINVAL;

	lfpu_vcpu_destroy(&vcpu);
	lfpu_vm_destroy(&vm);
	return ok;
}

int main(void)
{
	ktap_plan(5);
	ktap_result(vms_per_process(), "vms_per_process_limit_enospc");
	ktap_result(vcpu_limit(), "vcpus_per_vm_limit");
	ktap_result(memory_limit(), "memory_per_vm_limit");
	ktap_result(memory_cgroup_bounds_guest_memory(), "memory_cgroup_bounds_guest_memory");
	ktap_result(mappings(), "mappings_survive_dontneed_and_stay_in_bounds");
	return ktap_finished();
}
