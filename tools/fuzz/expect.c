// SPDX-License-Identifier: GPL-2.0
/*
 * What the fuzzer expects, in one place: the ABI rules that are changing
 * (fz_rules), the errnos api.rst documents for each ioctl (fz_ioctls), and
 * the checks that compare a call's outcome with them.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ktap.h"
#include "fuzz.h"

/*
 * The ABI rules (Documentation/api.rst) that a module could plausibly get
 * wrong one at a time, each a switch, so that a run against a module
 * known to lack one can be told to tolerate it.  All are on: the module
 * must keep every one of them.
 */
const struct fz_rules fz_rules = {
	/* CREATE_VM may fail with ENOSPC at the per-process VM limit. */
	.create_vm_enospc = true,
	/* x86 SET_FPU: MXCSR exception masks (bits 7-12) all set, or EINVAL. */
	.mxcsr_masks_required = true,
	/* x86 SET_FPU with x87 state (XSTATE_BV bit 0): FCW masks bits 0-5. */
	.fcw_masks_required = true,
	/* x86 SET_FPU with x87 state: FSW without ES (bit 7) and B (bit 15). */
	.fsw_pending_rejected = true,
	/* arm64 SET_FPU: no FPCR trap enable (IOE..IXE, bits 8-12; IDE, 15). */
	.fpcr_traps_rejected = true,
	/* x86 GET_FPU: bytes 416-511 and the gaps between components zero. */
	.get_fpu_canonical = true,
	/* RUN returns EBUSY only against a concurrent RUN; others wait. */
	.run_ebusy_only_against_run = true,
	/* mmap beyond the size of the VM's memory or the run page: EINVAL. */
	.mmap_beyond_einval = true,
	/* Mappings fault pages back in: MADV_DONTNEED then a touch works. */
	.mmap_refaults = true,
	/* The engine ignores operand fields an instruction does not use. */
	.unused_operands_ignored = true,
	/*
	 * arm64 SVE images: the padding before FPSR is "zero padding", and
	 * api.rst rejects non-zero padding with EINVAL.
	 */
	.sve_padding_rejected = true,
};

/* Errnos a call with valid arguments may still see (api.rst). */
#define ENV_VM		(EB(ENOMEM) | EB(EMFILE))
#define ENV_WAIT	EB(EINTR)	/* a killable wait for the vCPU */

const struct fz_ioctl fz_ioctls[IO_NR] = {
	[IO_GET_API_VERSION] = { "GET_API_VERSION", LAZYFPU_GET_API_VERSION, FZ_FD_SYS, 0 },
	[IO_CHECK_EXTENSION] = { "CHECK_EXTENSION", LAZYFPU_CHECK_EXTENSION,
				 FZ_FD_SYS | FZ_FD_VM, 0 },
	[IO_CREATE_VM] = { "CREATE_VM", LAZYFPU_CREATE_VM, FZ_FD_SYS, ENV_VM },
	[IO_GET_VCPU_MMAP_SIZE] = { "GET_VCPU_MMAP_SIZE", LAZYFPU_GET_VCPU_MMAP_SIZE,
				    FZ_FD_SYS, 0 },
	[IO_SET_GUEST_MEMORY] = { "SET_GUEST_MEMORY", LAZYFPU_SET_GUEST_MEMORY, FZ_FD_VM,
				  EB(ENOMEM) },
	[IO_SET_FP_POLICY] = { "SET_FP_POLICY", LAZYFPU_SET_FP_POLICY, FZ_FD_VM, 0 },
	[IO_CREATE_VCPU] = { "CREATE_VCPU", LAZYFPU_CREATE_VCPU, FZ_FD_VM, ENV_VM },
	[IO_SET_VECTOR_LENGTH] = { "SET_VECTOR_LENGTH", LAZYFPU_SET_VECTOR_LENGTH, FZ_FD_VM, 0 },
	[IO_RUN] = { "RUN", LAZYFPU_RUN, FZ_FD_VCPU, EB(EINTR) },
	[IO_GET_REGS] = { "GET_REGS", LAZYFPU_GET_REGS, FZ_FD_VCPU, ENV_WAIT },
	[IO_SET_REGS] = { "SET_REGS", LAZYFPU_SET_REGS, FZ_FD_VCPU, ENV_WAIT },
	[IO_GET_FPU] = { "GET_FPU", LAZYFPU_GET_FPU, FZ_FD_VCPU, ENV_WAIT | EB(ENOMEM) },
	[IO_SET_FPU] = { "SET_FPU", LAZYFPU_SET_FPU, FZ_FD_VCPU, ENV_WAIT | EB(ENOMEM) },
	[IO_GET_STATS] = { "GET_STATS", LAZYFPU_GET_STATS, FZ_FD_VCPU, 0 },
};

static const char *const fz_cat_names[FZ_NR_CATS] = {
	[FZ_SYSTEM] = "system_ioctls",
	[FZ_VM] = "vm_ioctls",
	[FZ_VCPU] = "vcpu_ioctls",
	[FZ_FPU] = "fpu_images",
	[FZ_GUEST] = "guest_programs",
	[FZ_MMAP] = "mmaps",
	[FZ_CONCURRENCY] = "concurrency",
};

/* Failures of a category beyond this many are counted, not printed. */
#define FZ_MAX_REPORTS	8

static uint64_t fz_calls[FZ_NR_CATS];
static uint64_t fz_failures[FZ_NR_CATS];
static uint64_t fz_ops_run[FZ_NR_CATS];
static double fz_seconds[FZ_NR_CATS];
static uint64_t fz_errnos[64];

const char *fz_errname(int err)
{
	static const char *const names[] = {
		[EPERM] = "EPERM", [EINTR] = "EINTR", [EIO] = "EIO", [EAGAIN] = "EAGAIN",
		[ENOMEM] = "ENOMEM", [EACCES] = "EACCES", [EFAULT] = "EFAULT",
		[EBUSY] = "EBUSY", [EEXIST] = "EEXIST", [ENODEV] = "ENODEV",
		[EINVAL] = "EINVAL", [EMFILE] = "EMFILE", [ENOTTY] = "ENOTTY",
		[ENOSPC] = "ENOSPC", [EBADF] = "EBADF", [ENOENT] = "ENOENT",
	};

	if (err >= 0 && err < (int)(sizeof(names) / sizeof(names[0])) && names[err])
		return names[err];
	return strerror(err);
}

/* "EINVAL|EFAULT" */
static void fz_mask_names(uint64_t mask, char *buf, size_t len)
{
	size_t n = 0;
	int e;

	buf[0] = '\0';
	for (e = 0; e < 64 && n < len; e++)
		if (mask & EB(e))
			n += snprintf(buf + n, len - n, "%s%s", n ? "|" : "", fz_errname(e));
	if (!n)
		snprintf(buf, len, "success");
}

void fz_fail(enum fz_cat cat, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (++fz_failures[cat] > FZ_MAX_REPORTS)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ktap_diag("FAIL seed %llu op %llu %s: %s (reproduce: make fuzz %sSEED=%llu OPS=%llu)",
		  (unsigned long long)fz.seed, (unsigned long long)fz.op, fz_cat_names[cat], msg,
		  fz.make_target, (unsigned long long)fz.seed, (unsigned long long)fz.op + 1);
}

void fz_op_done(enum fz_cat cat, double seconds)
{
	fz_ops_run[cat]++;
	fz_seconds[cat] += seconds;
}

void fz_count(enum fz_cat cat)
{
	__atomic_add_fetch(&fz_calls[cat], 1, __ATOMIC_RELAXED);
}

bool fz_expect(enum fz_cat cat, const char *what, long ret, int err, uint64_t must,
	       uint64_t env)
{
	char want[128], wanted_too[128];

	fz_count(cat);
	if (ret < 0 && err >= 0 && err < 64)
		__atomic_add_fetch(&fz_errnos[err], 1, __ATOMIC_RELAXED);
	if (ret >= 0 && !must)
		return true;
	if (ret < 0 && err < 64 && ((must | env) & EB(err)))
		return true;
	fz_mask_names(must, want, sizeof(want));
	fz_mask_names(env, wanted_too, sizeof(wanted_too));
	if (ret >= 0)
		fz_fail(cat, "%s: succeeded (%ld), want %s", what, ret, want);
	else
		fz_fail(cat, "%s: %s, want %s%s%s", what, fz_errname(err), want,
			env ? " or " : "", env ? wanted_too : "");
	return false;
}

bool fz_expect_ioctl(enum fz_cat cat, enum fz_ioctl_id io, long ret, int err, uint64_t must)
{
	uint64_t env = fz_ioctls[io].env;

	if (io == IO_CREATE_VM && fz_rules.create_vm_enospc)
		env |= EB(ENOSPC);
	return fz_expect(cat, fz_ioctls[io].name, ret, err, must, env);
}

void fz_plan(void)
{
	ktap_plan(FZ_NR_CATS);
}

/*
 * The KTAP results: one per category.  A category passes when it made
 * calls and none misbehaved; one that never ran tested nothing and fails.
 */
int fz_report(double seconds)
{
	char line[1024];
	size_t n = 0;
	int cat, e, ok;

	for (cat = 0; cat < FZ_NR_CATS; cat++) {
		ok = fz_calls[cat] && !fz_failures[cat];
		if (!fz_calls[cat])
			ktap_diag("%s made no calls", fz_cat_names[cat]);
		if (fz_failures[cat])
			ktap_diag("%s: %llu failure(s)", fz_cat_names[cat],
				  (unsigned long long)fz_failures[cat]);
		ktap_result(ok, fz_cat_names[cat]);
	}
	ktap_diag("seed %llu: %llu ops in %.2f s (%.0f ops/s)", (unsigned long long)fz.seed,
		  (unsigned long long)fz.ops, seconds, seconds > 0 ? fz.ops / seconds : 0.0);
	for (cat = 0; cat < FZ_NR_CATS; cat++)
		n += snprintf(line + n, sizeof(line) - n, " %s %llu", fz_cat_names[cat],
			      (unsigned long long)fz_calls[cat]);
	ktap_diag("calls:%s", line);
	n = 0;
	for (cat = 0; cat < FZ_NR_CATS; cat++)
		n += snprintf(line + n, sizeof(line) - n, " %s %llu/%.2f s", fz_cat_names[cat],
			      (unsigned long long)fz_ops_run[cat], fz_seconds[cat]);
	ktap_diag("ops/time:%s", line);
	n = 0;
	line[0] = '\0';
	for (e = 0; e < 64; e++)
		if (fz_errnos[e])
			n += snprintf(line + n, sizeof(line) - n, " %s %llu", fz_errname(e),
				      (unsigned long long)fz_errnos[e]);
	ktap_diag("errnos:%s", n ? line : " none");
	return ktap_finished();
}
