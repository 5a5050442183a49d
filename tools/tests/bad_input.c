// SPDX-License-Identifier: GPL-2.0
/*
 * bad_input: every misuse gets its documented errno or guest exit, and the
 * module keeps working afterwards.
 *
 * (panic_on_warn=1 in the test guest turns any WARN this provokes into a
 * failed run, and the harness checks the kernel log and kmemleak after.)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ktap.h"
#include "../lib/testlib.h"

#define BAD_PTR ((void *)16)

static int fails_with(long ret, int err, const char *what)
{
	if (ret != -1 || errno != err) {
		ktap_diag("%s: got %ld errno %d (%s), want errno %d (%s)", what, ret,
			  ret == -1 ? errno : 0, ret == -1 ? strerror(errno) : "-", err,
			  strerror(err));
		return 0;
	}
	return 1;
}

static int fresh_vm(struct lfpu_vm *vm, const char *src)
{
	struct lfpu_test_cfg cfg = { .policy = LAZYFPU_FP_POLICY_LAZY };

	return lfpu_test_vm(vm, &cfg, src);
}

static int bad_system_ioctls(void)
{
	int fd = open("/dev/lazyfpu", O_RDWR), ok = 1;

	ok &= fails_with(ioctl(fd, LAZYFPU_CREATE_VM, 1), EINVAL, "CREATE_VM arg 1");
	ok &= fails_with(ioctl(fd, LAZYFPU_GET_VCPU_MMAP_SIZE, 1), EINVAL, "MMAP_SIZE arg 1");
	ok &= fails_with(ioctl(fd, _IO(LAZYFPUIO, 0x30), 0), ENOTTY, "unknown");
	ok &= fails_with(ioctl(fd, LAZYFPU_RUN, 0), ENOTTY, "RUN on system fd");
	close(fd);
	return ok;
}

static int bad_vm_ioctls(void)
{
	struct lazyfpu_guest_memory m = { .size = 4096 };
	struct lazyfpu_fp_policy p = { .policy = 0 };
	struct lfpu_vm vm;
	int ok = 1, fd;

	if (fresh_vm(&vm, "hlt\n"))
		return 0;
	fd = vm.vm_fd;
	ok &= fails_with(ioctl(fd, LAZYFPU_SET_GUEST_MEMORY, BAD_PTR), EFAULT, "memory bad ptr");
	ok &= fails_with(ioctl(fd, LAZYFPU_SET_GUEST_MEMORY, &m), EBUSY, "memory twice");
	m.flags = 1;
	ok &= fails_with(ioctl(fd, LAZYFPU_SET_GUEST_MEMORY, &m), EINVAL, "memory flags");
	m.flags = 0;
	m.pad = 1;
	ok &= fails_with(ioctl(fd, LAZYFPU_SET_GUEST_MEMORY, &m), EINVAL, "memory pad");
	m.pad = 0;
	m.size = 100;
	ok &= fails_with(ioctl(fd, LAZYFPU_SET_GUEST_MEMORY, &m), EINVAL, "memory size");
	m.size = 1ULL << 40;
	ok &= fails_with(ioctl(fd, LAZYFPU_SET_GUEST_MEMORY, &m), EINVAL, "memory too big");
	ok &= fails_with(ioctl(fd, LAZYFPU_SET_FP_POLICY, BAD_PTR), EFAULT, "policy bad ptr");
	p.policy = 3;
	ok &= fails_with(ioctl(fd, LAZYFPU_SET_FP_POLICY, &p), EINVAL, "policy 3");
	p.policy = 0;
	p.flags = 1;
	ok &= fails_with(ioctl(fd, LAZYFPU_SET_FP_POLICY, &p), EINVAL, "policy flags");
	ok &= fails_with(ioctl(fd, LAZYFPU_CREATE_VCPU, 64), EINVAL, "vcpu id 64");
	ok &= fails_with(ioctl(fd, LAZYFPU_CREATE_VCPU, -1L), EINVAL, "vcpu id -1");
	ok &= fails_with(ioctl(fd, _IO(LAZYFPUIO, 0x7e), 0), ENOTTY, "unknown vm ioctl");
	{
		int v = (int)ioctl(fd, LAZYFPU_CREATE_VCPU, 0);

		ok &= v >= 0;
		ok &= fails_with(ioctl(fd, LAZYFPU_CREATE_VCPU, 0), EEXIST, "vcpu id twice");
		p.flags = 0;
		ok &= fails_with(ioctl(fd, LAZYFPU_SET_FP_POLICY, &p), EBUSY, "policy after vcpu");
		close(v);
	}
	/* The memory set earlier is intact and still mapped. */
	ok &= vm.mem[0] != 0;
	lfpu_vm_destroy(&vm);
	return ok;
}

static int bad_vcpu_ioctls(void)
{
	struct lazyfpu_regs regs = {}, saved = {};
	struct lazyfpu_fpu f = {};
	struct lfpu_vcpu vcpu;
	struct lfpu_vm vm;
	long size;
	int ok = 1;

	if (fresh_vm(&vm, "hlt\n") || lfpu_test_vcpu(&vm, &vcpu, 1))
		return 0;
	size = lfpu_fpu_state_size(&vm);
	regs.gpr[3] = 42;
	regs.pc = 8;
	ok &= !ioctl(vcpu.fd, LAZYFPU_SET_REGS, &regs);
	ok &= fails_with(ioctl(vcpu.fd, LAZYFPU_SET_REGS, BAD_PTR), EFAULT, "set_regs ptr");
	ok &= fails_with(ioctl(vcpu.fd, LAZYFPU_GET_REGS, BAD_PTR), EFAULT, "get_regs ptr");
	regs.flags = 1;
	ok &= fails_with(ioctl(vcpu.fd, LAZYFPU_SET_REGS, &regs), EINVAL, "set_regs flags");
	regs.flags = 0;
	regs.pad = 7;
	ok &= fails_with(ioctl(vcpu.fd, LAZYFPU_SET_REGS, &regs), EINVAL, "set_regs pad");
	ok &= !ioctl(vcpu.fd, LAZYFPU_GET_REGS, &saved) && saved.gpr[3] == 42 && saved.pc == 8;

	f.size = (uint32_t)size;
	f.addr = (uintptr_t)BAD_PTR;
	ok &= fails_with(ioctl(vcpu.fd, LAZYFPU_GET_FPU, &f), EFAULT, "get_fpu buffer");
	ok &= fails_with(ioctl(vcpu.fd, LAZYFPU_SET_FPU, &f), EFAULT, "set_fpu buffer");
	ok &= fails_with(ioctl(vcpu.fd, LAZYFPU_GET_FPU, BAD_PTR), EFAULT, "get_fpu ptr");
	f.size = (uint32_t)size - 1;
	ok &= fails_with(ioctl(vcpu.fd, LAZYFPU_GET_FPU, &f), EINVAL, "get_fpu size");
	f.size = (uint32_t)size;
	f.flags = 1;
	ok &= fails_with(ioctl(vcpu.fd, LAZYFPU_SET_FPU, &f), EINVAL, "set_fpu flags");
	ok &= fails_with(ioctl(vcpu.fd, LAZYFPU_GET_STATS, BAD_PTR), EFAULT, "stats ptr");
	ok &= fails_with(ioctl(vcpu.fd, LAZYFPU_RUN, 1), EINVAL, "run arg");
	ok &= fails_with(ioctl(vcpu.fd, _IO(LAZYFPUIO, 0x7d), 0), ENOTTY, "unknown vcpu ioctl");
	ok &= fails_with(ioctl(vcpu.fd, LAZYFPU_CREATE_VCPU, 2), ENOTTY, "vm ioctl on vcpu");
	/* Nothing the rejected calls carried was stored. */
	ok &= !ioctl(vcpu.fd, LAZYFPU_GET_REGS, &saved) && saved.gpr[3] == 42 && saved.pc == 8;
	lfpu_vcpu_destroy(&vcpu);
	lfpu_vm_destroy(&vm);
	return ok;
}

/* RUN again while it returns -EINTR for kernel work (see api.rst). */
static int run_past_eintr(struct lfpu_vcpu *vcpu)
{
	int ret;

	do
		ret = lfpu_vcpu_run(vcpu);
	while (ret && errno == EINTR);
	return ret;
}

static int expect_fault(const char *src, uint32_t code, const char *what)
{
	struct lfpu_vcpu vcpu;
	struct lfpu_vm vm;
	int ok;

	if (fresh_vm(&vm, src) || lfpu_test_vcpu(&vm, &vcpu, 0))
		return 0;
	ok = !run_past_eintr(&vcpu) && vcpu.run->exit_reason == LAZYFPU_EXIT_FAULT &&
	     vcpu.run->fault.code == code;
	if (!ok)
		ktap_diag("%s: exit %u fault %u, want fault %u", what, vcpu.run->exit_reason,
			  vcpu.run->fault.code, code);
	/* The vCPU stays at the faulting instruction and faults again. */
	ok &= !run_past_eintr(&vcpu) && vcpu.run->fault.code == code;
	lfpu_vcpu_destroy(&vcpu);
	lfpu_vm_destroy(&vm);
	return ok;
}

static int malformed_programs(void)
{
	int ok = 1;

	ok &= expect_fault(".quad 0xee\n", LAZYFPU_FAULT_BAD_OPCODE, "opcode 0xee");
	ok &= expect_fault(".quad 0x1102\n", LAZYFPU_FAULT_BAD_OPCODE, "register r17");
	ok &= expect_fault(".quad 0x03000043\n", LAZYFPU_FAULT_BAD_OPCODE, "width 3");
	ok &= expect_fault("vaddpd.vl v0, v1\n", LAZYFPU_FAULT_UNSUPPORTED, "SVE width, no SVE vCPU");
	ok &= expect_fault("setrm 4\n", LAZYFPU_FAULT_BAD_OPCODE, "rounding mode 4");
	ok &= expect_fault("hcall r1, 99\n", LAZYFPU_FAULT_BAD_OPCODE, "hypercall 99");
	ok &= expect_fault("jmp 0x100000\n", LAZYFPU_FAULT_BAD_JUMP, "jump past memory");
	ok &= expect_fault("jmp 4\n", LAZYFPU_FAULT_BAD_JUMP, "unaligned jump");
	ok &= expect_fault("movi r1, -8\nld r2, [r1]\n", LAZYFPU_FAULT_MEMORY, "load at -8");
	ok &= expect_fault("movi r1, 0xffffc\nst r2, [r1]\n", LAZYFPU_FAULT_MEMORY, "store across end");
	ok &= expect_fault("movi r1, 0xffff8\nvld v0, [r1]\n", LAZYFPU_FAULT_MEMORY, "vld across end");
	ok &= expect_fault("movi r1, 0\nmovhi r1, 1\nvst v1, [r1]\n", LAZYFPU_FAULT_MEMORY, "vst at 4G");
	/* Zeroed memory is NOPs: execution runs off the end and faults. */
	ok &= expect_fault("nop\n", LAZYFPU_FAULT_MEMORY, "run off the end of memory");
	return ok;
}

/* A faulting instruction changes nothing: LOOP keeps its count. */
static int faults_are_precise(void)
{
	struct lazyfpu_regs regs;
	struct lfpu_vcpu vcpu;
	struct lfpu_vm vm;
	int ok;

	if (fresh_vm(&vm, "movi r1, 5\nloop r1, 0x100000\n") || lfpu_test_vcpu(&vm, &vcpu, 0))
		return 0;
	ok = !run_past_eintr(&vcpu) && vcpu.run->fault.code == LAZYFPU_FAULT_BAD_JUMP;
	ok &= !run_past_eintr(&vcpu) && vcpu.run->fault.code == LAZYFPU_FAULT_BAD_JUMP;
	ok &= !ioctl(vcpu.fd, LAZYFPU_GET_REGS, &regs) && regs.gpr[1] == 5 && regs.pc == 8;
	if (!ok)
		ktap_diag("after two faulting LOOPs: r1 = %llu, pc = %#llx",
			  (unsigned long long)regs.gpr[1], (unsigned long long)regs.pc);
	lfpu_vcpu_destroy(&vcpu);
	lfpu_vm_destroy(&vm);
	return ok;
}

/* Fields an instruction does not use are ignored, whatever they hold. */
static int unused_fields_ignored(void)
{
	static const char junk_fields[] =
		"	.quad	0xffffff00\n"			/* nop, a = b = c = 255 */
		"	.quad	0x00000001ffff404b\n"		/* setrm down, a, b, c junk */
		"	.quad	0x00000000ffff014c\n"		/* getcsr r1, b, c junk */
		"	.quad	0x00000038ffff4410\n"		/* jmp 0x38, a, b, c junk */
		"	hlt\n"
		"	hlt\n"
		"	hlt\n"
		"	.quad	0x00000003ffff0215\n"		/* out r2, 3, b, c junk */
		"	.quad	0xffffff01\n";			/* hlt, junk */
	struct lfpu_vcpu vcpu;
	struct lfpu_vm vm;
	int ok;

	if (fresh_vm(&vm, junk_fields) || lfpu_test_vcpu(&vm, &vcpu, 0))
		return 0;
	ok = !run_past_eintr(&vcpu) && vcpu.run->exit_reason == LAZYFPU_EXIT_IO &&
	     vcpu.run->io.port == 3;
	ok &= !run_past_eintr(&vcpu) && vcpu.run->exit_reason == LAZYFPU_EXIT_HLT;
	if (!ok)
		ktap_diag("exit %u, fault %u at pc %#llx", vcpu.run->exit_reason,
			  vcpu.run->fault.code, (unsigned long long)vcpu.run->fault.pc);
	lfpu_vcpu_destroy(&vcpu);
	lfpu_vm_destroy(&vm);
	return ok;
}

static void on_alarm(int sig)
{
	(void)sig;
}

static int infinite_loop_ends_with_signal(void)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct lfpu_vcpu vcpu;
	struct lfpu_vm vm;
	int ok, i;

	if (fresh_vm(&vm, "spin: jmp spin\n") || lfpu_test_vcpu(&vm, &vcpu, 0))
		return 0;
	sigaction(SIGALRM, &sa, NULL);
	ok = 1;
	for (i = 0; i < 3; i++) {
		ualarm(20000, 0);
		ok &= fails_with(lfpu_vcpu_run(&vcpu), EINTR, "spin") &&
		      vcpu.run->exit_reason == LAZYFPU_EXIT_INTR;
	}
	lfpu_vcpu_destroy(&vcpu);
	lfpu_vm_destroy(&vm);
	return ok;
}

struct runner {
	struct lfpu_vcpu *vcpu;
	volatile int stop;
	long ret;
	int err;
};

/* RUN the spinning guest until told to stop; -EINTR for kernel work resumes it. */
/*
 * RUN until stopped.  EBUSY too is retried: when the main thread's RUN
 * got in between two of ours (ours ended with -EINTR for kernel work), we
 * are the one refused; giving up then left no RUN for the main thread to
 * be refused by (seen on the arm64 sanitizer guest beside another guest).
 */
static void *run_thread(void *arg)
{
	struct runner *r = arg;

	do {
		r->ret = lfpu_vcpu_run(r->vcpu);
		r->err = errno;
	} while (r->ret && (r->err == EINTR || r->err == EBUSY) && !r->stop);
	return NULL;
}

/* RUN twice at once: -EBUSY; close the fd under a RUN: the RUN still ends. */
static int concurrent_run_and_close(void)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct runner r = {};
	struct lfpu_vcpu vcpu;
	struct lfpu_vm vm;
	int fd, i, busy = 0;
	pthread_t t;

	if (fresh_vm(&vm, "spin: jmp spin\n") || lfpu_test_vcpu(&vm, &vcpu, 0))
		return 0;
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);
	r.vcpu = &vcpu;
	pthread_create(&t, NULL, run_thread, &r);
	usleep(100000);
	/*
	 * The runner may be between two RUNs; then this RUN gets in and spins
	 * until the alarm ends it, and the next try meets the runner's RUN.
	 */
	for (i = 0; i < 50 && !busy; i++) {
		ualarm(200000, 0);
		busy = lfpu_vcpu_run(&vcpu) == -1 && errno == EBUSY;
		ualarm(0, 0);
	}
	if (!busy)
		ktap_diag("a second RUN was never refused with EBUSY");
	fd = vcpu.fd;
	munmap(vcpu.run, 4096);
	vcpu.run = NULL;
	close(fd);		/* the running RUN holds its own reference */
	r.stop = 1;
	while (pthread_tryjoin_np(t, NULL) == EBUSY) {
		pthread_kill(t, SIGUSR1);
		usleep(10000);
	}
	lfpu_vm_destroy(&vm);
	return busy && r.ret == -1 && r.err == EINTR;
}

struct short_ioctls {
	struct lfpu_vcpu *vcpu;
	void *fpu;
	uint32_t fpu_size;
	volatile int stop;
	long calls;
};

static void *short_ioctl_loop(void *arg)
{
	struct short_ioctls *s = arg;
	struct lazyfpu_fpu f = { .addr = (uintptr_t)s->fpu, .size = s->fpu_size };
	struct lazyfpu_regs regs;

	lfpu_test_pin(0);
	while (!s->stop) {
		ioctl(s->vcpu->fd, LAZYFPU_GET_REGS, &regs);
		ioctl(s->vcpu->fd, LAZYFPU_GET_FPU, &f);
		__atomic_add_fetch(&s->calls, 2, __ATOMIC_RELEASE);
	}
	return NULL;
}

/*
 * RUN is refused (-EBUSY) only against another RUN: while a second thread
 * hammers GET_REGS and GET_FPU, which hold the vCPU briefly, every RUN
 * waits for them and runs.
 */
static int run_waits_for_short_ioctls(void)
{
	struct short_ioctls s = { .stop = 0 };
	struct lfpu_vcpu vcpu;
	cpu_set_t all;
	struct lfpu_vm vm;
	int i, busy = 0, ok = 1;
	pthread_t t;

	if (lfpu_test_ncpus() < 2)
		return 1;
	if (fresh_vm(&vm, "l:	out	r0, 7\n	jmp	l\n") || lfpu_test_vcpu(&vm, &vcpu, 0))
		return 0;
	s.vcpu = &vcpu;
	s.fpu_size = (uint32_t)lfpu_fpu_state_size(&vm);
	s.fpu = calloc(1, s.fpu_size);
	pthread_create(&t, NULL, short_ioctl_loop, &s);
	lfpu_test_pin(1);
	/*
	 * The RUNs start once the other thread is hammering (for at most
	 * 10 s): on Debian's 6.1 and 6.12 PREEMPT_RT images under
	 * single-threaded TCG it was not scheduled before all 2000 had
	 * ended, 0 calls beside them.
	 */
	for (i = 0; i < 10000 && !__atomic_load_n(&s.calls, __ATOMIC_ACQUIRE); i++)
		usleep(1000);
	for (i = 0; i < 2000; i++) {
		if (!lfpu_vcpu_run(&vcpu))
			ok &= vcpu.run->exit_reason == LAZYFPU_EXIT_IO;
		else if (errno == EBUSY)
			busy++;
		else if (errno != EINTR)
			ok = 0;
	}
	s.stop = 1;
	pthread_join(t, NULL);
	CPU_ZERO(&all);
	for (i = 0; i < lfpu_test_ncpus(); i++)
		CPU_SET(i, &all);
	sched_setaffinity(0, sizeof(all), &all);
	ktap_diag("2000 RUNs beside %ld GET_REGS/GET_FPU: %d refused with EBUSY", s.calls, busy);
	free(s.fpu);
	lfpu_vcpu_destroy(&vcpu);
	lfpu_vm_destroy(&vm);
	return ok && !busy && s.calls > 0;
}

/* Another process may not use the fds: -EIO. */
static int other_process_eio(void)
{
	struct lfpu_vcpu vcpu;
	struct lfpu_vm vm;
	int status = -1;
	pid_t pid;

	if (fresh_vm(&vm, "hlt\n") || lfpu_test_vcpu(&vm, &vcpu, 0))
		return 0;
	pid = fork();
	if (pid == 0) {
		int ok = fails_with(ioctl(vcpu.fd, LAZYFPU_RUN, 0), EIO, "child RUN") &&
			 fails_with(ioctl(vm.vm_fd, LAZYFPU_CREATE_VCPU, 5), EIO, "child VM");

		_exit(ok ? 0 : 1);
	}
	waitpid(pid, &status, 0);
	lfpu_vcpu_destroy(&vcpu);
	lfpu_vm_destroy(&vm);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* Every fd pins the module: rmmod is refused while one is open. */
static int rmmod_refused_while_open(void)
{
	struct lfpu_vcpu vcpu;
	struct lfpu_vm vm;
	int ok, sys;

	if (fresh_vm(&vm, "hlt\n") || lfpu_test_vcpu(&vm, &vcpu, 0))
		return 0;
	/* Only the vCPU fd stays open: it must be enough. */
	sys = vm.sys_fd;
	vm.sys_fd = -1;
	close(sys);
	close(vm.vm_fd);
	vm.vm_fd = -1;
	munmap(vm.mem, vm.mem_size);
	vm.mem = NULL;
	ok = fails_with(syscall(SYS_delete_module, "lazyfpu", O_NONBLOCK), EWOULDBLOCK,
			"rmmod with a vCPU fd open");
	/* The VM is alive through the vCPU fd: it still runs. */
	ok &= !lfpu_test_run_once(&vcpu) && vcpu.run->exit_reason == LAZYFPU_EXIT_HLT;
	lfpu_vcpu_destroy(&vcpu);
	return ok;
}

static int still_usable(void)
{
	struct lfpu_test_cfg cfg = { .policy = LAZYFPU_FP_POLICY_LAZY };
	struct lfpu_vcpu vcpu;
	struct lfpu_vm vm;
	uint64_t out = 0;
	int ok;

	if (lfpu_test_vm(&vm, &cfg, "movi r1, 77\nout r1, 2\nhlt\n") ||
	    lfpu_test_vcpu(&vm, &vcpu, 0))
		return 0;
	ok = lfpu_test_run_to_halt(&vcpu, &out, 1) == 1 && out == 77;
	lfpu_vcpu_destroy(&vcpu);
	lfpu_vm_destroy(&vm);
	return ok;
}

int main(void)
{
	ktap_plan(12);
	ktap_result(bad_system_ioctls(), "system_fd_bad_arguments");
	ktap_result(bad_vm_ioctls(), "vm_fd_bad_arguments");
	ktap_result(bad_vcpu_ioctls(), "vcpu_fd_bad_arguments");
	ktap_result(malformed_programs(), "malformed_guest_programs_fault");
	ktap_result(unused_fields_ignored(), "unused_operand_fields_ignored");
	ktap_result(faults_are_precise(), "faulting_instruction_changes_nothing");
	ktap_result(run_waits_for_short_ioctls(), "run_not_busy_beside_short_ioctls");
	ktap_result(infinite_loop_ends_with_signal(), "infinite_loop_ended_by_signal");
	ktap_result(concurrent_run_and_close(), "concurrent_run_ebusy_and_close_during_run");
	ktap_result(other_process_eio(), "other_process_eio");
	ktap_result(rmmod_refused_while_open(), "rmmod_refused_while_fd_open");
	ktap_result(still_usable(), "module_still_usable");
	return ktap_finished();
}
