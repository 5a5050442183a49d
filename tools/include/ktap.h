/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal KTAP v1 emitter for lazyfpu's userspace tests, modelled on the
 * kernel's tools/testing/selftests/kselftest.h.
 *
 * A test program declares its plan, reports each case exactly once, and
 * exits through ktap_finished(), whose exit status follows kselftest
 * (0 all passed or skipped, 1 something failed).  The plan is checked: a
 * program that reports fewer or more cases than it planned fails, so a
 * test that silently stops early cannot pass.
 */
#ifndef _LAZYFPU_KTAP_H
#define _LAZYFPU_KTAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static unsigned int ktap_planned, ktap_reported, ktap_failed;

static inline void ktap_plan(unsigned int n)
{
	ktap_planned = n;
	printf("KTAP version 1\n1..%u\n", n);
	fflush(stdout);
}

static inline void ktap_diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static inline void ktap_result(int pass, const char *name)
{
	ktap_reported++;
	if (!pass)
		ktap_failed++;
	printf("%s %u %s\n", pass ? "ok" : "not ok", ktap_reported, name);
	fflush(stdout);
}

static inline void ktap_skip(const char *name, const char *why)
{
	ktap_reported++;
	printf("ok %u %s # SKIP %s\n", ktap_reported, name, why);
	fflush(stdout);
}

static inline int ktap_finished(void)
{
	if (ktap_reported != ktap_planned) {
		ktap_diag("planned %u tests but ran %u", ktap_planned, ktap_reported);
		return 1;
	}
	ktap_diag("%u passed, %u failed", ktap_reported - ktap_failed, ktap_failed);
	return ktap_failed ? 1 : 0;
}

#endif /* _LAZYFPU_KTAP_H */
