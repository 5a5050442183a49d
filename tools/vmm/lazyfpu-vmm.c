// SPDX-License-Identifier: GPL-2.0
/*
 * lazyfpu-vmm: a minimal VMM on /dev/lazyfpu.
 *
 * Assembles a guest program (Documentation/guest-isa.rst), creates a VM
 * with N vCPUs, one thread each, all starting at address 0 with r15 set to
 * their vCPU id, and services their exits until every vCPU halts.
 *
 * I/O ports:
 *   OUT 1  print the low byte as a character (a line per vCPU at '\n')
 *   OUT 2  print the value in decimal, on a line of its own
 *   OUT 3  print the value in hex, on a line of its own
 *   IN  1  read a counter that increments on every read (per vCPU)
 *
 * Then it prints each vCPU's counters (GET_STATS).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/vmm.h"

#define MAX_VCPUS	16
#define LINE_LEN	256

static const char *trace_param = "/sys/module/lazyfpu/parameters/dmesg_trace";
static const char *xsave_param = "/sys/module/lazyfpu/parameters/force_xsave";
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;

struct vcpu_thread {
	struct lfpu_vcpu vcpu;
	pthread_t thread;
	char line[LINE_LEN];
	size_t len;
	uint64_t in_counter;
	int failed;
	int nvcpus;
};

static void flush_line(struct vcpu_thread *t)
{
	pthread_mutex_lock(&out_lock);
	if (t->nvcpus > 1)
		printf("[vcpu%d] ", t->vcpu.id);
	printf("%.*s\n", (int)t->len, t->line);
	fflush(stdout);
	pthread_mutex_unlock(&out_lock);
	t->len = 0;
}

static void put_text(struct vcpu_thread *t, const char *s)
{
	if (t->len)
		flush_line(t);
	snprintf(t->line, sizeof(t->line), "%s", s);
	t->len = strlen(t->line);
	flush_line(t);
}

static void handle_io(struct vcpu_thread *t)
{
	struct lazyfpu_run *run = t->vcpu.run;
	char buf[32];

	if (run->io.direction == LAZYFPU_IO_IN) {
		run->io.data = run->io.port == 1 ? t->in_counter++ : 0;
		return;
	}
	switch (run->io.port) {
	case 1: {
		char c = (char)(run->io.data & 0xff);

		if (c == '\n' || t->len == LINE_LEN - 1)
			flush_line(t);
		if (c != '\n')
			t->line[t->len++] = c;
		break;
	}
	case 2:
		snprintf(buf, sizeof(buf), "%" PRId64, (int64_t)run->io.data);
		put_text(t, buf);
		break;
	case 3:
		snprintf(buf, sizeof(buf), "%#" PRIx64, (uint64_t)run->io.data);
		put_text(t, buf);
		break;
	default:
		snprintf(buf, sizeof(buf), "out port %u: %#" PRIx64, run->io.port,
			 (uint64_t)run->io.data);
		put_text(t, buf);
	}
}

static void *vcpu_main(void *arg)
{
	struct vcpu_thread *t = arg;
	struct lazyfpu_run *run = t->vcpu.run;

	for (;;) {
		if (lfpu_vcpu_run(&t->vcpu)) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "vcpu%d: RUN: %s\n", t->vcpu.id, strerror(errno));
			t->failed = 1;
			break;
		}
		if (run->exit_reason == LAZYFPU_EXIT_IO) {
			handle_io(t);
		} else if (run->exit_reason == LAZYFPU_EXIT_HLT) {
			break;
		} else if (run->exit_reason == LAZYFPU_EXIT_FAULT) {
			fprintf(stderr, "vcpu%d: guest fault %u at pc %#llx (insn %#018llx, addr %#llx)\n",
				t->vcpu.id, run->fault.code, (unsigned long long)run->fault.pc,
				(unsigned long long)run->fault.insn,
				(unsigned long long)run->fault.addr);
			t->failed = 1;
			break;
		} else {
			fprintf(stderr, "vcpu%d: unexpected exit %u\n", t->vcpu.id, run->exit_reason);
			t->failed = 1;
			break;
		}
	}
	if (t->len)
		flush_line(t);
	return NULL;
}

static int write_param(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, value, strlen(value));
	close(fd);
	return n < 0 ? -1 : 0;
}

static char *read_file(const char *path)
{
	struct stat st;
	char *buf;
	FILE *f = fopen(path, "r");

	if (!f || fstat(fileno(f), &st)) {
		if (f)
			fclose(f);
		return NULL;
	}
	buf = calloc(1, (size_t)st.st_size + 1);
	if (buf && fread(buf, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

static void print_stats(struct vcpu_thread *t)
{
	struct lazyfpu_vcpu_stats st;
	int i;

	if (lfpu_vcpu_stats(&t->vcpu, &st)) {
		fprintf(stderr, "vcpu%d: GET_STATS: %s\n", t->vcpu.id, strerror(errno));
		return;
	}
	printf("vcpu%d: backend %s, %llu instructions (%llu FP)\n", t->vcpu.id,
	       lfpu_backend_name(st.backend), (unsigned long long)st.instructions,
	       (unsigned long long)st.fp_instructions);
	printf("vcpu%d: fp loads %llu (%llu bytes), saves %llu (%llu bytes), reloads skipped %llu, saves avoided %llu, first-use claims %llu, sched-outs %llu\n",
	       t->vcpu.id, (unsigned long long)st.fp_loads,
	       (unsigned long long)st.fp_bytes_loaded, (unsigned long long)st.fp_saves,
	       (unsigned long long)st.fp_bytes_saved,
	       (unsigned long long)st.reloads_skipped, (unsigned long long)st.saves_avoided,
	       (unsigned long long)st.first_use_claims, (unsigned long long)st.sched_outs);
	printf("vcpu%d: exits", t->vcpu.id);
	for (i = 1; i < LAZYFPU_EXIT_NR; i++)
		printf(" %s=%llu", lfpu_exit_name(i), (unsigned long long)st.exits[i]);
	printf("\n");
}

static void usage(void)
{
	fprintf(stderr,
		"usage: lazyfpu-vmm [-p lazy|per-run|eager] [-n vcpus] [-m bytes] [-t] [-x] [-q] program\n"
		"  -p  FP policy (default lazy)\n"
		"  -n  number of vCPUs, one thread each (default 1)\n"
		"  -m  guest memory size (default 1 MiB)\n"
		"  -t  trace FP ownership transitions to dmesg while running\n"
		"  -x  x86: use the XSAVE fallback backend\n"
		"  -q  do not print the counters\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static struct vcpu_thread threads[MAX_VCPUS];
	size_t mem_size = 1 << 20;
	int policy = LAZYFPU_FP_POLICY_LAZY;
	int nvcpus = 1, trace = 0, xsave = 0, quiet = 0, failed = 0;
	struct lfpu_vm vm;
	char err[256], *src;
	int opt, i;

	while ((opt = getopt(argc, argv, "p:n:m:txq")) != -1) {
		switch (opt) {
		case 'p':
			policy = lfpu_policy_from_name(optarg);
			if (policy < 0)
				usage();
			break;
		case 'n':
			nvcpus = atoi(optarg);
			if (nvcpus < 1 || nvcpus > MAX_VCPUS)
				usage();
			break;
		case 'm':
			mem_size = strtoul(optarg, NULL, 0);
			break;
		case 't':
			trace = 1;
			break;
		case 'x':
			xsave = 1;
			break;
		case 'q':
			quiet = 1;
			break;
		default:
			usage();
		}
	}
	if (optind != argc - 1)
		usage();

	src = read_file(argv[optind]);
	if (!src) {
		fprintf(stderr, "lazyfpu-vmm: %s: %s\n", argv[optind], strerror(errno));
		return 1;
	}
	if (xsave && write_param(xsave_param, "1"))
		fprintf(stderr, "lazyfpu-vmm: %s: %s (not x86?)\n", xsave_param, strerror(errno));
	if (lfpu_vm_create(&vm, mem_size, policy)) {
		fprintf(stderr, "lazyfpu-vmm: creating the VM: %s\n", strerror(errno));
		return 1;
	}
	if (lfpu_vm_load(&vm, src, err, sizeof(err))) {
		fprintf(stderr, "lazyfpu-vmm: %s: %s\n", argv[optind], errno == E2BIG ?
			"program larger than guest memory" : err);
		return 1;
	}
	free(src);

	for (i = 0; i < nvcpus; i++) {
		struct lazyfpu_regs regs = { .pc = 0 };

		regs.gpr[15] = (uint64_t)i;
		threads[i].nvcpus = nvcpus;
		if (lfpu_vcpu_create(&vm, &threads[i].vcpu, i) ||
		    ioctl(threads[i].vcpu.fd, LAZYFPU_SET_REGS, &regs)) {
			fprintf(stderr, "lazyfpu-vmm: vcpu%d: %s\n", i, strerror(errno));
			return 1;
		}
	}
	if (xsave)
		write_param(xsave_param, "0");

	printf("lazyfpu-vmm: %s, %d vCPU(s), policy %s\n", argv[optind], nvcpus,
	       lfpu_policy_name(policy));
	fflush(stdout);
	if (trace)
		write_param(trace_param, "1");
	for (i = 0; i < nvcpus; i++)
		pthread_create(&threads[i].thread, NULL, vcpu_main, &threads[i]);
	for (i = 0; i < nvcpus; i++) {
		pthread_join(threads[i].thread, NULL);
		failed |= threads[i].failed;
	}
	if (trace)
		write_param(trace_param, "0");

	for (i = 0; i < nvcpus && !quiet; i++)
		print_stats(&threads[i]);
	for (i = 0; i < nvcpus; i++)
		lfpu_vcpu_destroy(&threads[i].vcpu);
	lfpu_vm_destroy(&vm);
	return failed;
}
