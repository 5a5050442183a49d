// SPDX-License-Identifier: GPL-2.0
/*
 * sve_guest (arm64): SVE vCPUs at every vector length the host supports.
 *
 * For each length in LAZYFPU_CAP_ARM64_SVE_VQS and each FP policy: the VM's
 * vector length is set, the VM fd reports the matching state size, and a
 * guest computes with whole Z registers (.vl instructions, interleaved
 * with hypercalls) what C computes here, in memory, in an OUT, and in the
 * Z registers GET_FPU returns.  Then the state round trip: GET -> SET ->
 * GET identical, a reserved FPCR bit, an FPCR trap enable and a non-zero
 * padding byte refused with EINVAL and nothing changed.  Then the setting itself: a length the host lacks is EINVAL,
 * and a change after the first vCPU is EBUSY.  Last, SVE and FPSIMD state
 * under preemption and softirq NEON use (see stress_at()).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "ktap.h"
#include "../lib/testlib.h"

#define ALIGN16(x)	(((x) + 15) & ~15UL)

static size_t sve_state_size(unsigned int vl)
{
	return ALIGN16(32 * vl + 17 * (vl / 8)) + 16;
}

static int run_at(unsigned int vl, int policy)
{
	struct lazyfpu_vector_length len = { .bytes = vl };
	struct lfpu_test_cfg cfg = { .policy = policy };
	unsigned int lanes = vl / 8, i;
	double *a, *b, *sum, *prod;
	uint64_t out = 0, want_red = 0;
	struct lfpu_vcpu vcpu;
	struct lfpu_vm vm;
	uint8_t *img, *img2;
	char src[1024];
	long size;
	int ok = 1;

	snprintf(cfg.name, sizeof(cfg.name), "vl%u_%s", vl, lfpu_policy_name(policy));
	snprintf(src, sizeof(src),
		 "	movi	r1, 0x1000\n"
		 "	vld.vl	v0, [r1]\n"
		 "	hcall	r4, 1\n"
		 "	vld.vl	v1, [r1 + %u]\n"
		 "	vaddpd.vl	v0, v1\n"		/* v0 = a + b */
		 "	hcall	r4, 1\n"
		 "	vmov.vl	v2, v0\n"
		 "	vmulpd.vl	v2, v1\n"		/* v2 = (a + b) * b */
		 "	vst.vl	v2, [r1 + %u]\n"
		 "	vred.vl	r2, v0\n"
		 "	out	r2, 2\n"
		 "	hlt\n", vl, 2 * vl);
	if (lfpu_test_vm(&vm, &cfg, src))
		return 0;
	if (ioctl(vm.vm_fd, LAZYFPU_SET_VECTOR_LENGTH, &len)) {
		ktap_diag("%s: SET_VECTOR_LENGTH: %s", cfg.name, strerror(errno));
		lfpu_vm_destroy(&vm);
		return 0;
	}
	size = ioctl(vm.vm_fd, LAZYFPU_CHECK_EXTENSION, LAZYFPU_CAP_FPU_STATE_SIZE);
	ok &= size == (long)sve_state_size(vl);
	ok &= ioctl(vm.vm_fd, LAZYFPU_CHECK_EXTENSION, LAZYFPU_CAP_VECTOR_BYTES) == (long)vl;

	a = (double *)(vm.mem + 0x1000);
	b = a + lanes;
	prod = b + lanes;
	sum = calloc(lanes, sizeof(double));
	for (i = 0; i < lanes; i++) {
		a[i] = 1.5 * i - 3.25;
		b[i] = 0.125 * (i + 1);
		sum[i] = a[i] + b[i];
		memcpy(&out, &sum[i], 8);
		want_red += out;
	}
	if (lfpu_test_vcpu(&vm, &vcpu, 0)) {
		lfpu_vm_destroy(&vm);
		return 0;
	}
	ok &= lfpu_test_run_to_halt(&vcpu, &out, 1) == 1 && out == want_red;
	for (i = 0; i < lanes; i++)
		ok &= prod[i] == sum[i] * b[i];
	if (!ok)
		ktap_diag("%s: results differ from the reference", cfg.name);

	img = calloc(1, (size_t)size);
	img2 = calloc(1, (size_t)size);
	ok &= !lfpu_vcpu_get_fpu(&vcpu, img, (uint32_t)size);
	ok &= !memcmp(img, sum, vl);				/* Z0 = a + b */
	ok &= !memcmp(img + vl, b, vl);				/* Z1 = b */
	ok &= !memcmp(img + 2 * vl, prod, vl);			/* Z2 */
	ok &= !lfpu_vcpu_set_fpu(&vcpu, img, (uint32_t)size) &&
	      !lfpu_vcpu_get_fpu(&vcpu, img2, (uint32_t)size) && !memcmp(img, img2, size);
	memcpy(img2, img, size);
	img2[size - 16 + 7] |= 0x80;				/* FPCR bit 31 */
	ok &= lfpu_vcpu_set_fpu(&vcpu, img2, (uint32_t)size) == -1 && errno == EINVAL;
	memcpy(img2, img, size);
	img2[size - 16 + 5] |= 0x01;				/* FPCR.IOE, a trap enable */
	ok &= lfpu_vcpu_set_fpu(&vcpu, img2, (uint32_t)size) == -1 && errno == EINVAL;
	if (32 * vl + 17 * vl / 8 < (unsigned int)size - 16) {	/* padding after FFR */
		memcpy(img2, img, size);
		img2[size - 17] = 1;
		ok &= lfpu_vcpu_set_fpu(&vcpu, img2, (uint32_t)size) == -1 && errno == EINVAL;
	}
	memset(img2, 0, size);
	ok &= !lfpu_vcpu_get_fpu(&vcpu, img2, (uint32_t)size) && !memcmp(img, img2, size);
	ok &= lfpu_vcpu_get_fpu(&vcpu, img2, (uint32_t)size - 16) == -1 && errno == EINVAL;

	/* The setting is fixed once a vCPU exists. */
	len.bytes = 16;
	ok &= ioctl(vm.vm_fd, LAZYFPU_SET_VECTOR_LENGTH, &len) == -1 && errno == EBUSY;

	free(sum);
	free(img);
	free(img2);
	lfpu_vcpu_destroy(&vcpu);
	lfpu_vm_destroy(&vm);
	return ok;
}

/*
 * SVE state under pressure: a long loop on whole Z registers while a
 * softirq clobbers the NEON registers (lazyfpu_clobber.ko) and a busy
 * thread on the same CPU keeps asking for it.  The kernel does not
 * preserve Z above 128 bits, P or FFR for a kernel-mode NEON section, so
 * this passes only because the SVE backend keeps its spans free of
 * softirqs and preemption and saves before every reschedule; the loads
 * counted beyond the first show that reschedules did happen.
 */
#define STRESS_ITERATIONS	20000

static volatile int stress_running;

static void *busy_main(void *arg)
{
	(void)arg;
	lfpu_test_pin(0);
	while (stress_running)
		;
	return NULL;
}

/* Linux 6.8+ carries a kernel-mode NEON section's V0-V31 with the task. */
static int kernel_neon_follows_task(void)
{
	struct utsname u;
	int major = 0, minor = 0;

	if (uname(&u) || sscanf(u.release, "%d.%d", &major, &minor) != 2)
		return 0;
	return major > 6 || (major == 6 && minor >= 8);
}

/*
 * @vl 0: an FPSIMD vCPU running the same loop on 128-bit V registers.
 * There, on 6.8+, the state must stay claimed across every reschedule
 * (one load, one save); before 6.8 it is released at each (more loads).
 */
static int stress_at(unsigned int vl, int policy)
{
	struct lazyfpu_vector_length len = { .bytes = vl };
	struct lfpu_test_cfg cfg = { .policy = policy };
	const char *w = vl ? ".vl" : "";
	unsigned int lanes, l;
	struct lazyfpu_vcpu_stats st = {};
	struct lfpu_vcpu vcpu;
	struct lfpu_vm vm;
	long iterations = lfpu_test_iterations(STRESS_ITERATIONS), i;
	uint64_t *mem, out;
	pthread_t busy;
	char src[1024];
	int ok;

	unsigned int b = vl ? vl : 16;	/* bytes per vector */

	lanes = b / 8;
	snprintf(cfg.name, sizeof(cfg.name), "stress_vl%u_%s", b, lfpu_policy_name(policy));
	snprintf(src, sizeof(src),
		 "	movi	r1, 0x2000\n"
		 "	vld%s	v0, [r1]\n	vld%s	v1, [r1 + %u]\n	vld%s	v2, [r1 + %u]\n"
		 "	vld%s	v3, [r1 + %u]\n	vld%s	v4, [r1 + %u]\n	vld%s	v5, [r1 + %u]\n"
		 "	movi	r2, %ld\n"
		 "l:	vaddpd%s	v0, v1\n	vmulpd%s	v1, v2\n	vxor%s	v3, v4\n"
		 "	vaddq%s	v5, v3\n	vaddq%s	v4, v5\n	loop	r2, l\n"
		 "	vst%s	v0, [r1 + %u]\n	vst%s	v1, [r1 + %u]\n	vst%s	v5, [r1 + %u]\n"
		 "	hlt\n", w, w, b, w, 2 * b, w, 3 * b, w, 4 * b, w, 5 * b, iterations,
		 w, w, w, w, w, w, 6 * b, w, 7 * b, w, 8 * b);
	if (lfpu_test_vm(&vm, &cfg, src) ||
	    (vl && ioctl(vm.vm_fd, LAZYFPU_SET_VECTOR_LENGTH, &len)) ||
	    lfpu_test_vcpu(&vm, &vcpu, 0))
		return 0;

	/* Per-lane initial values: acc, x, mult, bits, key, sum. */
	mem = (uint64_t *)(vm.mem + 0x2000);
	for (l = 0; l < lanes; l++) {
		double acc = 0.5 + l, x = 1.0 + l / 8.0, mult = 1.0000001 - l * 1e-9;

		memcpy(&mem[0 * lanes + l], &acc, 8);
		memcpy(&mem[1 * lanes + l], &x, 8);
		memcpy(&mem[2 * lanes + l], &mult, 8);
		mem[3 * lanes + l] = 0x0123456789abcdefULL * (l + 1);
		mem[4 * lanes + l] = 0x9e3779b97f4a7c15ULL ^ l;
		mem[5 * lanes + l] = 0;
	}

	stress_running = 1;
	pthread_create(&busy, NULL, busy_main, NULL);
	lfpu_test_pin(0);
	ok = lfpu_test_run_to_halt(&vcpu, &out, 1) == 0;
	stress_running = 0;
	pthread_join(busy, NULL);
	lfpu_vcpu_stats(&vcpu, &st);

	for (l = 0; l < lanes && ok; l++) {
		double acc, x, mult, racc, rx;
		uint64_t bits = 0x0123456789abcdefULL * (l + 1), key = 0x9e3779b97f4a7c15ULL ^ l;
		uint64_t sum = 0, got_acc, got_x;

		memcpy(&acc, &mem[0 * lanes + l], 8);
		memcpy(&x, &mem[1 * lanes + l], 8);
		memcpy(&mult, &mem[2 * lanes + l], 8);
		for (i = 0; i < iterations; i++) {
			acc += x;
			x *= mult;
			bits ^= key;
			sum += bits;
			key += sum;
		}
		racc = acc;
		rx = x;
		memcpy(&got_acc, &mem[6 * lanes + l], 8);
		memcpy(&got_x, &mem[7 * lanes + l], 8);
		ok &= !memcmp(&got_acc, &racc, 8) && !memcmp(&got_x, &rx, 8) &&
		      mem[8 * lanes + l] == sum;
		if (!ok)
			ktap_diag("%s: lane %u differs from the reference", cfg.name, l);
	}
	ktap_diag("%s: %llu loads, %llu saves, %llu sched-outs, %llu RUNs ended by -EINTR",
		  cfg.name, (unsigned long long)st.fp_loads, (unsigned long long)st.fp_saves,
		  (unsigned long long)st.sched_outs,
		  (unsigned long long)st.exits[LAZYFPU_EXIT_INTR]);
	if (st.sched_outs <= st.exits[LAZYFPU_EXIT_INTR]) {
		ktap_diag("%s: never rescheduled within a RUN; the test proves nothing", cfg.name);
		ok = 0;
	} else if (!vl && policy == LAZYFPU_FP_POLICY_LAZY && kernel_neon_follows_task()) {
		/*
		 * FPSIMD on 6.8+: kept across every reschedule, so loaded
		 * only by each RUN's first FP instruction (a claim, never a
		 * reload) and saved once at its end.  A RUN also ends with
		 * -EINTR for kernel work on the way to userspace, such as
		 * 6.12's mm_cid scan, sometimes before the guest's first FP
		 * instruction: so at most one load per RUN, not exactly one.
		 */
		ok &= st.fp_loads >= 1 && st.fp_loads <= 1 + st.exits[LAZYFPU_EXIT_INTR] &&
		      st.fp_saves == st.fp_loads && st.fp_loads == st.first_use_claims;
	} else if (policy == LAZYFPU_FP_POLICY_LAZY) {
		/* SVE, or FPSIMD before 6.8: released at reschedules. */
		ok &= st.fp_loads > 1;
	}
	lfpu_vcpu_destroy(&vcpu);
	lfpu_vm_destroy(&vm);
	return ok;
}

static int rejects_bad_lengths(long vqs)
{
	struct lazyfpu_vector_length len = { 0 };
	struct lfpu_test_cfg cfg = { .policy = 0 };
	struct lfpu_vm vm;
	int ok = 1, vq;

	if (lfpu_test_vm(&vm, &cfg, "hlt\n"))
		return 0;
	for (vq = 1; vq <= 16; vq++) {
		len.bytes = 16 * vq;
		if (!(vqs & (1L << (vq - 1))))
			ok &= ioctl(vm.vm_fd, LAZYFPU_SET_VECTOR_LENGTH, &len) == -1 &&
			      errno == EINVAL;
	}
	len.bytes = 24;
	ok &= ioctl(vm.vm_fd, LAZYFPU_SET_VECTOR_LENGTH, &len) == -1 && errno == EINVAL;
	len.bytes = 16;
	len.flags = 1;
	ok &= ioctl(vm.vm_fd, LAZYFPU_SET_VECTOR_LENGTH, &len) == -1 && errno == EINVAL;
	/* Back to FPSIMD only: the default state size again. */
	len.bytes = 0;
	len.flags = 0;
	ok &= !ioctl(vm.vm_fd, LAZYFPU_SET_VECTOR_LENGTH, &len);
	ok &= ioctl(vm.vm_fd, LAZYFPU_CHECK_EXTENSION, LAZYFPU_CAP_FPU_STATE_SIZE) == 528;
	lfpu_vm_destroy(&vm);
	return ok;
}

int main(void)
{
	static const unsigned int vls[] = { 16, 32, 64, 128, 256 };
	int n = sizeof(vls) / sizeof(vls[0]), i, p, sys;
	long vqs;

	sys = open("/dev/lazyfpu", O_RDWR);
	vqs = sys >= 0 ? ioctl(sys, LAZYFPU_CHECK_EXTENSION, LAZYFPU_CAP_ARM64_SVE_VQS) : 0;
	if (sys >= 0)
		close(sys);

	ktap_plan(n * 3 + 1 + 3 + 1);
	ktap_diag("LAZYFPU_CAP_ARM64_SVE_VQS = %#lx", vqs);
	for (i = 0; i < n; i++)
		for (p = LAZYFPU_FP_POLICY_LAZY; p <= LAZYFPU_FP_POLICY_EAGER; p++) {
			char name[64];

			snprintf(name, sizeof(name), "sve_vl%u_%s", vls[i], lfpu_policy_name(p));
			if (!(vqs & (1L << (vls[i] / 16 - 1))))
				ktap_skip(name, "vector length not supported by every CPU");
			else
				ktap_result(run_at(vls[i], p), name);
		}
	ktap_result(rejects_bad_lengths(vqs), "unsupported_lengths_einval");

	/* The largest length under pressure, with softirq NEON users. */
	{
		int clobber = lfpu_test_load_module("/lib/modules/lazyfpu_clobber.ko");
		unsigned int vl = 0;

		for (i = 0; i < n; i++)
			if (vqs & (1L << (vls[i] / 16 - 1)))
				vl = vls[i];
		if (clobber)
			ktap_diag("loading lazyfpu_clobber.ko: %s", strerror(errno));
		for (p = LAZYFPU_FP_POLICY_LAZY; p <= LAZYFPU_FP_POLICY_EAGER; p++) {
			char name[64];

			snprintf(name, sizeof(name), "sve_preempt_softirq_%s", lfpu_policy_name(p));
			if (!vl)
				ktap_skip(name, "no SVE");
			else
				ktap_result(!clobber && stress_at(vl, p), name);
		}
		ktap_result(!clobber && stress_at(0, LAZYFPU_FP_POLICY_LAZY),
			    "fpsimd_preempt_softirq_lazy");
		if (!clobber)
			lfpu_test_unload_module("lazyfpu_clobber");
	}
	return ktap_finished();
}
