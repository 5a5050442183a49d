// SPDX-License-Identifier: GPL-2.0
/*
 * Concurrency and lifetimes: a vCPU thread in RUN on a looping guest
 * while another thread closes its fds, calls the other vCPU ioctls or
 * RUNs it too; signals ending RUN; fork() with the fds open and the child
 * using them (EIO); fds closed in every order; rmmod while fds are open.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fuzz.h"
#include "../lib/testlib.h"

/*
 * A thread that RUNs one vCPU until told to stop, and optionally a second
 * one that keeps signalling it, so that RUN keeps returning EINTR and
 * other threads' ioctls, which wait for RUN, get their turn.
 */
struct fz_runner {
	struct fz_vcpu *v;
	pthread_t thread, kicker;
	bool once;		/* one RUN only: its fd is about to be closed */
	bool kicked;
	volatile bool stop;
	volatile bool done;
	unsigned long eintr, ebusy, other;
	int other_errno;
	uint32_t exit_reason;	/* of the last RUN */
};

static void fz_sleep_us(unsigned long us)
{
	struct timespec ts = { .tv_sec = 0, .tv_nsec = (long)us * 1000 };

	nanosleep(&ts, NULL);
}

static void *fz_runner_main(void *arg)
{
	struct fz_runner *r = arg;
	long ret;

	do {
		ret = ioctl(r->v->fd, LAZYFPU_RUN, 0);
		r->exit_reason = r->v->run->exit_reason;
		if (ret && errno == EINTR)
			r->eintr++;
		else if (ret && errno == EBUSY)
			r->ebusy++;
		else if (r->other++ == 0)
			r->other_errno = ret ? errno : 0;
	} while (!r->once && !r->stop);
	r->done = true;
	return NULL;
}

static void *fz_kicker_main(void *arg)
{
	struct fz_runner *r = arg;

	while (!r->done) {
		pthread_kill(r->thread, SIGUSR1);
		fz_sleep_us(250);
	}
	return NULL;
}

static bool fz_runner_start(struct fz_runner *r, struct fz_vcpu *v, bool once, bool kicked)
{
	sigset_t set;
	bool ok;

	memset(r, 0, sizeof(*r));
	r->v = v;
	r->once = once;
	/* The timer signal is the main thread's; the runner ends by SIGUSR1. */
	fz_block_timer();
	ok = !pthread_create(&r->thread, NULL, fz_runner_main, r);
	if (ok && kicked) {
		r->kicked = !pthread_create(&r->kicker, NULL, fz_kicker_main, r);
		ok = r->kicked;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGALRM);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	if (!ok)
		fz_fail(FZ_CONCURRENCY, "pthread_create: %s", strerror(errno));
	return ok;
}

/* Signal the runner until its RUNs end, then check how they ended. */
static void fz_runner_stop(struct fz_runner *r, const char *what)
{
	r->stop = true;
	while (!r->done) {
		pthread_kill(r->thread, SIGUSR1);
		fz_sleep_us(200);
	}
	pthread_join(r->thread, NULL);
	if (r->kicked)
		pthread_join(r->kicker, NULL);
	fz_count(FZ_CONCURRENCY);
	if (r->other)
		fz_fail(FZ_CONCURRENCY, "%s: a looping guest's RUN returned %s", what,
			r->other_errno ? fz_errname(r->other_errno) : "0");
	if (r->ebusy && fz_rules.run_ebusy_only_against_run)
		fz_fail(FZ_CONCURRENCY, "%s: RUN got EBUSY %lu times with no other RUN", what,
			r->ebusy);
	if (r->eintr && r->exit_reason != LAZYFPU_EXIT_INTR)
		fz_fail(FZ_CONCURRENCY, "%s: RUN ended by EINTR with exit reason %u", what,
			r->exit_reason);
}

/* Wait until the vCPU executes instructions: its RUN is under way. */
static bool fz_wait_running(struct fz_vcpu *v)
{
	struct lazyfpu_vcpu_stats st;
	uint64_t before = 0;
	int i;

	for (i = 0; i < 10000; i++) {
		if (ioctl(v->fd, LAZYFPU_GET_STATS, &st))
			break;
		if (i == 0)
			before = st.instructions;
		else if (st.instructions != before)
			return true;
		fz_sleep_us(100);
	}
	fz_fail(FZ_CONCURRENCY, "the vCPU thread never got to run its guest");
	return false;
}

/* A private VM with one page of memory holding @code, and one vCPU. */
static bool fz_private_vm(struct fz_vm *vm, uint64_t code)
{
	fz_vm_reset(vm);
	if (fz_vm_open(vm, FZ_CONCURRENCY))
		return false;
	if (fz_vm_set_memory(vm, (uint64_t)fz.host.page, FZ_CONCURRENCY) ||
	    fz_vcpu_open(vm, &vm->vcpu[0], FZ_CONCURRENCY)) {
		fz_vm_close(vm);
		return false;
	}
	memcpy(vm->mem, &code, sizeof(code));
	return true;
}

static uint64_t fz_spin(void)
{
	return fz_insn(LFPU_OP_JMP, 0, 0, 0, 0);
}

/* Close the fds under a RUN: it holds its own reference and ends normally. */
static void fz_close_during_run(void)
{
	struct fz_runner r;
	struct fz_vm vm;
	struct fz_vcpu *v = &vm.vcpu[0];
	struct lazyfpu_run *run;
	int order = (int)fz_below(2);

	if (!fz_private_vm(&vm, fz_spin()))
		return;
	if (!fz_runner_start(&r, v, true, false))
		goto out;
	if (!fz_wait_running(v)) {
		fz_runner_stop(&r, "close during RUN");
		goto out;
	}
	/* Keep the run page to read the exit; drop every fd, in any order. */
	run = v->run;
	if (order)
		close(vm.fd);
	close(v->fd);
	if (!order)
		close(vm.fd);
	munmap(vm.mem, vm.mem_size);
	fz_runner_stop(&r, "close during RUN");
	munmap(run, (size_t)fz.host.page);
	return;
out:
	fz_vm_close(&vm);
}

/*
 * Other vCPU ioctls while RUN loops: they wait for it (the signal ends
 * it), and RUN never gets EBUSY from them.
 */
static void fz_ioctls_during_run(void)
{
	struct fz_runner r;
	struct fz_vm vm;
	struct fz_vcpu *v = &vm.vcpu[0];
	struct lazyfpu_regs regs;
	struct lazyfpu_vcpu_stats st;
	static uint8_t image[1 << 16];
	struct lazyfpu_fpu f = { .addr = (uintptr_t)image };
	int i, n = 2 + (int)fz_below(4);
	long ret;

	if (!fz_private_vm(&vm, fz_spin()))
		return;
	f.size = vm.fpu_size;
	if (vm.fpu_size > sizeof(image) || !fz_runner_start(&r, v, false, true))
		goto out;
	for (i = 0; i < n; i++) {
		unsigned long cmd;

		switch (fz_below(5)) {
		case 0:
			cmd = LAZYFPU_GET_REGS;
			ret = ioctl(v->fd, cmd, &regs);
			break;
		case 1:
			/* The spinning program again, from its start. */
			memset(&regs, 0, sizeof(regs));
			cmd = LAZYFPU_SET_REGS;
			ret = ioctl(v->fd, cmd, &regs);
			break;
		case 2:
			cmd = LAZYFPU_GET_FPU;
			ret = ioctl(v->fd, cmd, &f);
			break;
		case 3:
			cmd = LAZYFPU_GET_STATS;
			ret = ioctl(v->fd, cmd, &st);
			break;
		default:
			cmd = LAZYFPU_GET_FPU;
			ret = ioctl(v->fd, cmd, &f);
			if (!ret) {
				cmd = LAZYFPU_SET_FPU;
				ret = ioctl(v->fd, cmd, &f);
			}
			break;
		}
		fz_expect(FZ_CONCURRENCY, cmd == LAZYFPU_SET_FPU ? "SET_FPU during RUN" :
			  "a vCPU ioctl during RUN", ret, errno, 0, 0);
		fz_sleep_us(fz_below(100));
	}
	fz_runner_stop(&r, "ioctls during RUN");
out:
	fz_vm_close(&vm);
}

/*
 * A second RUN of a running vCPU: EBUSY (api.rst).  The running RUN may
 * step out for a moment (a signal, or task work the kernel queued on its
 * thread), and a RUN that comes in then runs the guest until the timer
 * ends it with EINTR: try again, but EBUSY must come.
 */
static void fz_double_run(void)
{
	struct fz_runner r;
	struct fz_vm vm;
	struct fz_vcpu *v = &vm.vcpu[0];
	int tries = 0, err = 0;
	long ret = 0;

	if (!fz_private_vm(&vm, fz_spin()))
		return;
	if (!fz_runner_start(&r, v, false, false))
		goto out;
	if (fz_wait_running(v)) {
		do {
			fz_timer_arm(5000);
			ret = ioctl(v->fd, LAZYFPU_RUN, 0);
			err = errno;
			fz_timer_disarm();
		} while (ret && err == EINTR && ++tries < 4);
		fz_expect(FZ_CONCURRENCY, "RUN while another thread runs the vCPU", ret, err,
			  EB(EBUSY), 0);
	}
	fz_runner_stop(&r, "double RUN");
out:
	fz_vm_close(&vm);
}

/* What a child reports through its pipe: how many checks, which failed. */
struct fz_child {
	int fd;
	unsigned int checks;
};

static void fz_child_expect(struct fz_child *c, const char *what, long ret, int err, int want)
{
	char msg[200];
	int n;

	c->checks++;
	if (want ? ret == -1 && err == want : ret >= 0)
		return;
	n = snprintf(msg, sizeof(msg), "child: %s: %s, want %s\n", what,
		     ret == -1 ? fz_errname(err) : "success", want ? fz_errname(want) : "success");
	if (write(c->fd, msg, (size_t)n) < 0)
		_exit(1);
}

/* In the child: the parent's VM and vCPU fds answer EIO, mappings work. */
static void fz_child(struct fz_child *c, struct fz_vm *vm, struct fz_vcpu *v)
{
	struct lazyfpu_guest_memory m = { .size = (uint64_t)fz.host.page };
	struct lazyfpu_regs regs;
	char msg[64];
	void *p;
	long ret;
	int n;

	ret = ioctl(v->fd, LAZYFPU_RUN, 0);
	fz_child_expect(c, "RUN", ret, errno, EIO);
	ret = ioctl(v->fd, LAZYFPU_GET_REGS, &regs);
	fz_child_expect(c, "GET_REGS", ret, errno, EIO);
	ret = ioctl(vm->fd, LAZYFPU_CREATE_VCPU, 63);
	fz_child_expect(c, "CREATE_VCPU", ret, errno, EIO);
	ret = ioctl(vm->fd, LAZYFPU_CHECK_EXTENSION, LAZYFPU_CAP_FPU_STATE_SIZE);
	fz_child_expect(c, "VM CHECK_EXTENSION", ret, errno, EIO);
	p = mmap(NULL, vm->mem_size, PROT_READ, MAP_SHARED, vm->fd, 0);
	fz_child_expect(c, "mmap of the VM fd", p == MAP_FAILED ? -1 : 0, errno, EIO);
	p = mmap(NULL, (size_t)fz.host.page, PROT_READ, MAP_SHARED, v->fd, 0);
	fz_child_expect(c, "mmap of the vCPU fd", p == MAP_FAILED ? -1 : 0, errno, EIO);
	/* Mappings inherited from the parent are plain shared memory. */
	fz_child_expect(c, "touching inherited mappings",
			fz_touch(vm->mem, vm->mem_size, true) ||
			fz_touch((uint8_t *)v->run, (size_t)fz.host.page, false) ? -1 : 0, 0, 0);
	/* The system fd serves the child: a VM of its own. */
	ret = ioctl(fz.sys_fd, LAZYFPU_GET_API_VERSION, 0);
	fz_child_expect(c, "GET_API_VERSION", ret == LAZYFPU_API_VERSION ? 0 : -1, errno, 0);
	ret = ioctl(fz.sys_fd, LAZYFPU_CREATE_VM, 0);
	fz_child_expect(c, "CREATE_VM", ret, errno, 0);
	if (ret >= 0) {
		ret = ioctl((int)ret, LAZYFPU_SET_GUEST_MEMORY, &m);
		fz_child_expect(c, "SET_GUEST_MEMORY on its own VM", ret, errno, 0);
	}
	n = snprintf(msg, sizeof(msg), "checks %u\n", c->checks);
	_exit(write(c->fd, msg, (size_t)n) == n ? 0 : 1);
}

static void fz_fork(void)
{
	struct fz_child c = {};
	struct fz_vm *vm;
	struct fz_vcpu *v = fz_vcpu_slot(&vm, true);
	char buf[4096], *line, *save;
	int pipefd[2], status = 0;
	unsigned int checks = 0;
	ssize_t len = 0, n;
	pid_t pid;

	if (!v || pipe(pipefd))
		return;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(pipefd[0]);
		c.fd = pipefd[1];
		fz_child(&c, vm, v);
	}
	close(pipefd[1]);
	while (pid > 0 && (n = read(pipefd[0], buf + len, sizeof(buf) - 1 - (size_t)len)) > 0)
		len += n;
	close(pipefd[0]);
	buf[len] = '\0';
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		fz_fail(FZ_CONCURRENCY, "fork: the child did not exit cleanly (status %#x)", status);
		return;
	}
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (sscanf(line, "checks %u", &checks) != 1)
			fz_fail(FZ_CONCURRENCY, "%s", line);
	while (checks--)
		fz_count(FZ_CONCURRENCY);
	/* The parent's VM is untouched by the child's exit. */
	fz_run(FZ_CONCURRENCY, vm, v, 2000);
}

/* A VM lives while any fd or mapping of it is open (api.rst). */
static void fz_lifetimes(void)
{
	struct fz_vm vm;
	struct fz_vcpu *v = &vm.vcpu[0];
	uint64_t hlt = fz_insn(LFPU_OP_HLT, 0, 0, 0, 0);
	uint8_t *mem;
	int sig;

	if (!fz_private_vm(&vm, hlt))
		return;
	close(vm.fd);
	vm.fd = -2;	/* closed: fz_run() needs only the vCPU and memory */
	if (!fz_run(FZ_CONCURRENCY, &vm, v, 20000) && v->run->exit_reason != LAZYFPU_EXIT_HLT)
		fz_fail(FZ_CONCURRENCY, "RUN after the VM fd was closed: exit %u",
			v->run->exit_reason);
	mem = vm.mem;
	fz_vcpu_close(v);
	fz_count(FZ_CONCURRENCY);
	sig = fz_touch(mem, vm.mem_size, true);
	if (sig)
		fz_fail(FZ_CONCURRENCY, "guest memory mapping after every fd closed: signal %d",
			sig);
	else if (memcmp(mem, &hlt, sizeof(hlt)))
		fz_fail(FZ_CONCURRENCY, "guest memory changed after every fd closed");
	munmap(mem, vm.mem_size);
}

/* Every fd pins the module: rmmod must be refused during the whole run. */
static void fz_rmmod(void)
{
	long ret = lfpu_test_unload_module("lazyfpu");

	fz_expect(FZ_CONCURRENCY, "delete_module(lazyfpu) with fds open", ret, errno,
		  geteuid() ? EB(EPERM) : EB(EWOULDBLOCK), 0);
}

void fz_concurrency_op(void)
{
	uint64_t r = fz_below(100);

	if (r < 20)
		fz_close_during_run();
	else if (r < 45)
		fz_ioctls_during_run();
	else if (r < 60)
		fz_double_run();
	else if (r < 70)
		fz_fork();
	else if (r < 85)
		fz_lifetimes();
	else
		fz_rmmod();
}
