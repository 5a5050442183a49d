// SPDX-License-Identifier: GPL-2.0
/*
 * demo: the workload `make demo` runs inside the guest.
 *
 * Runs the example programs through lazyfpu-vmm: one with the dmesg trace
 * of FP ownership transitions on, then the others under each FP policy,
 * so the counters can be compared.  Each run is one KTAP result.
 */
#include <spawn.h>
#include <stdio.h>
#include <sys/wait.h>

#include "ktap.h"

extern char **environ;

static int run(char *const argv[])
{
	int status;
	pid_t pid;

	fflush(stdout);
	if (posix_spawn(&pid, argv[0], NULL, NULL, argv, environ))
		return 0;
	if (waitpid(pid, &status, 0) != pid)
		return 0;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

int main(void)
{
	static char *const traced[] = { "/bin/lazyfpu-vmm", "-t", "/examples/mixed.lfa", NULL };
	static char *const mandel[] = { "/bin/lazyfpu-vmm", "/examples/mandelbrot.lfa", NULL };
	static char *const io_lazy[] = { "/bin/lazyfpu-vmm", "-p", "lazy", "/examples/ioloop.lfa", NULL };
	static char *const io_eager[] = { "/bin/lazyfpu-vmm", "-p", "eager", "/examples/ioloop.lfa", NULL };
	static char *const mixed2[] = { "/bin/lazyfpu-vmm", "-n", "2", "-p", "lazy", "/examples/mixed.lfa", NULL };
	static char *const mixed_eager[] = { "/bin/lazyfpu-vmm", "-n", "2", "-p", "eager", "/examples/mixed.lfa", NULL };

	ktap_plan(6);
	ktap_diag("mixed.lfa with FP ownership transitions traced to dmesg");
	ktap_result(run(traced), "mixed_traced");
	ktap_diag("mandelbrot.lfa: every pixel computed on the host's vector registers");
	ktap_result(run(mandel), "mandelbrot");
	ktap_diag("ioloop.lfa uses no FP: lazy moves no FP state...");
	ktap_result(run(io_lazy), "ioloop_lazy");
	ktap_diag("...eager loads and saves it around every guest entry");
	ktap_result(run(io_eager), "ioloop_eager");
	ktap_diag("mixed.lfa on 2 vCPUs, lazy: one load per RUN despite 1000 hypercalls");
	ktap_result(run(mixed2), "mixed_lazy_2vcpus");
	ktap_diag("mixed.lfa on 2 vCPUs, eager: a load and a save per guest entry");
	ktap_result(run(mixed_eager), "mixed_eager_2vcpus");
	return ktap_finished();
}
