// SPDX-License-Identifier: GPL-2.0
/*
 * init for lazyfpu's QEMU test guests.
 *
 * This is PID 1 of a throwaway VM.  It loads the module, runs the KUnit
 * suites and the userspace test programs, unloads the module, and checks
 * that the kernel stayed healthy.  Everything it learns is written as one
 * KTAP document to a dedicated virtio-serial port (the "result channel"),
 * which the host reads; the console is only for humans.
 *
 * The verdict is the line "lazyfpu-verdict: success", written to the result
 * channel only when every test passed AND the kernel log shows no WARN,
 * BUG, oops or lockdep report AND the taint flags show no warning or death
 * AND kmemleak found nothing.  Any other outcome, including a guest panic
 * (panic_on_warn=1 turns every WARN into one) or a hang ended by the host's
 * timeout, leaves the token unwritten, so failure is the default.
 *
 * Kernel command line:
 *   lazyfpu.mode=check   run the test suite, /tests/ and then the demo
 *                        programs in /demo/ (the default)
 *   lazyfpu.mode=demo    run only the programs in /demo/ (for make demo)
 *   lazyfpu.mode=run     run only /tests/<lazyfpu.run>, with the arguments
 *                        in lazyfpu.args (comma-separated), no KUnit (for
 *                        make fuzz and make stress)
 *   lazyfpu.mode=bench   load the module and run /bin/lazyfpu-bench with
 *                        the arguments in lazyfpu.args; its output, not
 *                        KTAP, goes to the result channel as it is, then
 *                        the verdict (for make bench)
 *   lazyfpu.skip=a,b     in check mode, report these programs (or
 *                        kmemleak_clean, the final leak scan) as skipped
 *                        instead of running them: a boot variant that
 *                        changes nothing they depend on (an SVE vector
 *                        length limit) leaves them to the full boot
 *   lazyfpu.args.NAME=a,b  in check and demo mode, program NAME's
 *                        arguments
 *   lazyfpu.iterations_divisor=N  the tests' long guest loops run 1/N of
 *                        their iterations (LAZYFPU_TEST_ITERATIONS_DIVISOR
 *                        in their environment; see tools/lib/testlib.c):
 *                        the harness sets it for the sanitizer kernels
 *   lazyfpu.kernel=debian  the kernel is a distribution build, not a test
 *                        kernel: kmemleak is not expected (its absence
 *                        is a skip, not a failure)
 *
 * /lib/modules/preload, when present, lists kernel modules to load before
 * anything else, one path per line, in load order: a distribution kernel
 * builds the drivers of the result channel (virtio_console and the
 * virtio transport) as modules.  The guest build writes it from the
 * kernel's modules.dep.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_TESTS	64
#define MAX_ARGS	32
#define LINE_MAX_LEN	4096

static FILE *result;		/* the result channel */
static int top_index;		/* number of the last top-level KTAP result */
static int all_passed = 1;

static void console(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
}

/* One line of the KTAP document, to the result channel and the console. */
static void emit(int indent, const char *line)
{
	fprintf(result, "%*s%s\n", indent, "", line);
	fflush(result);
	console("%*s%s\n", indent, "", line);
}

static void emitf(int indent, const char *fmt, ...)
{
	char buf[LINE_MAX_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	emit(indent, buf);
}

/*
 * Whether hrtimers fire at their expiry rather than at the next tick: the
 * kernel reports a 1 ns CLOCK_MONOTONIC resolution only once high
 * resolution mode is active, which needs a clocksource better than
 * jiffies.  On a tick-driven clock the tests still pass or fail, but not
 * for the reasons they claim (lazyfpu_clobber's 100 us softirq timer fires
 * at 250 Hz and can miss a short run entirely), so that is a failure.
 */
static int high_res_clock(void)
{
	struct timespec res;

	if (clock_getres(CLOCK_MONOTONIC, &res))
		return 0;
	console("init: CLOCK_MONOTONIC resolution %ld ns\n", res.tv_nsec);
	return res.tv_sec == 0 && res.tv_nsec == 1;
}

static void top_result(int pass, const char *name)
{
	if (!pass)
		all_passed = 0;
	emitf(0, "%s %d %s", pass ? "ok" : "not ok", ++top_index, name);
}

/* True if a KTAP line (any indentation) is a failed result. */
static int is_failure_line(const char *line)
{
	while (*line == ' ')
		line++;
	return !strncmp(line, "not ok ", 7);
}

static int is_result_line(const char *line)
{
	while (*line == ' ')
		line++;
	return !strncmp(line, "ok ", 3) || !strncmp(line, "not ok ", 7);
}

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0 || write(fd, text, strlen(text)) < 0)
		console("init: writing '%s' to %s: %s\n", text, path, strerror(errno));
	if (fd >= 0)
		close(fd);
}

static void mount_filesystems(void)
{
	mkdir("/proc", 0755);
	mkdir("/sys", 0755);
	mkdir("/dev", 0755);
	mkdir("/tmp", 01777);
	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
	mount("tracefs", "/sys/kernel/tracing", "tracefs", 0, NULL);
}

/*
 * The value of @key=value on the kernel command line, or @fallback.  A
 * copy: each call rereads and retokenises the line, so a pointer into it
 * would end at the wrong place after the next call.
 */
static const char *cmdline_value(const char *key, const char *fallback)
{
	char cmdline[LINE_MAX_LEN];
	char *p, *tok, *save;
	size_t keylen = strlen(key);
	FILE *f = fopen("/proc/cmdline", "r");

	if (!f || !fgets(cmdline, sizeof(cmdline), f)) {
		if (f)
			fclose(f);
		return fallback;
	}
	fclose(f);
	for (p = cmdline; (tok = strtok_r(p, "\n\t ", &save)); p = NULL)
		if (!strncmp(tok, key, keylen) && tok[keylen] == '=')
			return strdup(tok + keylen + 1) ?: fallback;
	return fallback;
}

/* The result channel is the first virtio-serial port, /dev/vportNpM. */
static FILE *find_result_channel(void)
{
	struct dirent *de;
	char path[300];
	DIR *dir = opendir("/dev");
	FILE *f = NULL;

	while (dir && (de = readdir(dir)))
		if (!strncmp(de->d_name, "vport", 5)) {
			snprintf(path, sizeof(path), "/dev/%s", de->d_name);
			f = fopen(path, "w");
			break;
		}
	if (dir)
		closedir(dir);
	return f;
}

/*
 * The port appears once the host has announced it over virtio-serial's
 * control queue, which can be after virtio_console's init returned when
 * the driver is a module loaded just before: wait a little for it.
 */
static FILE *open_result_channel(void)
{
	FILE *f;
	int i;

	for (i = 0; i < 100 && !(f = find_result_channel()); i++)
		usleep(100 * 1000);
	return f;
}

/*
 * Load the modules /lib/modules/preload lists, in order.  The result
 * channel is not open yet, so errors go to the console; a module that is
 * already there (EEXIST) is fine.
 */
static void preload_modules(void)
{
	char line[LINE_MAX_LEN];
	FILE *list = fopen("/lib/modules/preload", "r");

	while (list && fgets(line, sizeof(line), list)) {
		int fd;

		line[strcspn(line, "\n")] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		fd = open(line, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || (syscall(SYS_finit_module, fd, "", 0) && errno != EEXIST))
			console("init: preloading %s: %s\n", line, strerror(errno));
		if (fd >= 0)
			close(fd);
	}
	if (list)
		fclose(list);
}

static int load_module(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int ret;

	if (fd < 0) {
		emitf(0, "# %s: %s", path, strerror(errno));
		return -1;
	}
	ret = syscall(SYS_finit_module, fd, "", 0);
	if (ret)
		emitf(0, "# finit_module(%s): %s", path, strerror(errno));
	close(fd);
	return ret;
}

static int unload_module(const char *name)
{
	int ret = syscall(SYS_delete_module, name, O_NONBLOCK);

	if (ret)
		emitf(0, "# delete_module(%s): %s", name, strerror(errno));
	return ret;
}

/*
 * Copy a KTAP document into ours as the children of one top-level result,
 * and report whether it holds at least one result and no failure.
 */
/*
 * KTAP plans: at each indentation, the "1..N" of the latest document there
 * and the results seen since.  A document ends at a result of a shallower
 * one (its parent's) or at the end; it must hold as many results as its
 * plan says.  A KUnit suite whose cases never ran (KUnit disabled, or not
 * run at load) leaves "1..5" and no case: that is a failure, not a pass.
 */
#define KTAP_MAX_INDENT	64

struct ktap_plans {
	int planned[KTAP_MAX_INDENT + 1];	/* -1: no plan seen */
	int seen[KTAP_MAX_INDENT + 1];
	int short_plans;
};

static void ktap_close_deeper(struct ktap_plans *p, int indent)
{
	int i;

	for (i = indent + 1; i <= KTAP_MAX_INDENT; i++) {
		if (p->planned[i] >= 0 && p->seen[i] != p->planned[i]) {
			emitf(2, "# KTAP plan 1..%d at indentation %d, but %d result(s)",
			      p->planned[i], i, p->seen[i]);
			p->short_plans++;
		}
		p->planned[i] = -1;
		p->seen[i] = 0;
	}
}

static void ktap_track_plan(struct ktap_plans *p, const char *line)
{
	int indent = strspn(line, " "), n;

	if (indent > KTAP_MAX_INDENT)
		return;
	if (!strncmp(line + indent, "KTAP version", 12)) {
		ktap_close_deeper(p, indent - 1);
	} else if (sscanf(line + indent, "1..%d", &n) == 1) {
		p->planned[indent] = n;
		p->seen[indent] = 0;
	} else if (is_result_line(line)) {
		ktap_close_deeper(p, indent);
		p->seen[indent]++;
	}
}

static int relay_ktap(FILE *in)
{
	char line[LINE_MAX_LEN];
	int results = 0, failures = 0;
	struct ktap_plans plans = { .short_plans = 0 };

	memset(plans.planned, -1, sizeof(plans.planned));
	memset(plans.seen, 0, sizeof(plans.seen));
	while (fgets(line, sizeof(line), in)) {
		line[strcspn(line, "\n")] = '\0';
		emit(2, line);
		ktap_track_plan(&plans, line);
		if (is_result_line(line))
			results++;
		if (is_failure_line(line))
			failures++;
	}
	ktap_close_deeper(&plans, -1);
	return results > 0 && failures == 0 && !plans.short_plans;
}

/*
 * KUnit suites ran when lazyfpu_kunit.ko loaded; each left its results in
 * debugfs as a KTAP document, which becomes the children of one top-level
 * result named after the suite.
 */
static const char *const kunit_debugfs = "/sys/kernel/debug/kunit";

static int list_kunit_suites(char **names);

static void report_kunit_suite(const char *suite)
{
	char path[600];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/results", kunit_debugfs, suite);
	f = fopen(path, "r");
	if (!f) {
		emitf(0, "# %s: %s", path, strerror(errno));
		top_result(0, suite);
		return;
	}
	top_result(relay_ktap(f), suite);
	fclose(f);
}

static double seconds_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Run one program with @argv (NULL-terminated, argv[0] included), relaying
 * its KTAP output; it passes on exit status 0.  Its run time goes into the
 * document as a diagnostic line, for whoever makes the suite faster.
 */
static void run_program(const char *path, const char *name, char *const argv[])
{
	int pipefd[2], status = -1;
	double started = seconds_now();
	FILE *out;
	pid_t pid;
	int ktap_ok;

	if (pipe(pipefd)) {
		top_result(0, name);
		return;
	}
	pid = fork();
	if (pid == 0) {
		dup2(pipefd[1], 1);
		dup2(pipefd[1], 2);
		close(pipefd[0]);
		close(pipefd[1]);
		execv(path, argv);
		printf("# exec %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	close(pipefd[1]);
	out = fdopen(pipefd[0], "r");
	ktap_ok = relay_ktap(out);
	fclose(out);
	if (pid > 0)
		waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		emitf(0, "# %s: exit status %#x", name, status);
	emitf(0, "# %s: %.1f s", name, seconds_now() - started);
	top_result(ktap_ok && WIFEXITED(status) && WEXITSTATUS(status) == 0, name);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int list_dir(const char *dirpath, char **names)
{
	struct dirent *de;
	int n = 0;
	DIR *dir = opendir(dirpath);

	while (dir && (de = readdir(dir)) && n < MAX_TESTS)
		if (de->d_name[0] != '.')
			names[n++] = strdup(de->d_name);
	if (dir)
		closedir(dir);
	qsort(names, n, sizeof(*names), name_cmp);
	return n;
}

/* Appends the programs in @dirpath to @paths[@n...], as paths; the new count. */
static int list_programs(const char *dirpath, char **paths, int n)
{
	char *names[MAX_TESTS];
	int i, count = list_dir(dirpath, names);

	for (i = 0; i < count; i++) {
		if (n < MAX_TESTS &&
		    asprintf(&paths[n], "%s/%s", dirpath, names[i]) > 0)
			n++;
		free(names[i]);
	}
	return n;
}

static int list_kunit_suites(char **names)
{
	return list_dir(kunit_debugfs, names);
}

/*
 * The kernel log since we started must hold no report of a kernel bug.
 * panic_on_warn already turns WARN, and KASAN, UBSAN and KFENCE reports
 * on the sanitizer kernel, into a panic; lockdep, RCU stall, hung task
 * and some BUG reports only print, so they are caught here.
 */
static const char *const bad_log_markers[] = {
	"WARNING:", "BUG:", "Oops", "Call Trace:", "possible circular locking",
	"possible recursive locking", "inconsistent lock state",
	"suspicious RCU usage", "kmemleak:", "general protection fault",
	"lazyfpu: BUG", "UBSAN:", "KASAN:", "KFENCE:", "detected stall",
	"self-detected stall", "blocked for more than", "soft lockup", NULL,
};

static int kernel_log_clean(int kmsg)
{
	char rec[8192];
	int clean = 1;
	ssize_t n;

	while ((n = read(kmsg, rec, sizeof(rec) - 1)) > 0 || (n < 0 && errno == EPIPE)) {
		const char *msg;
		int i;

		if (n <= 0)
			continue;	/* EPIPE: records were overwritten */
		rec[n] = '\0';
		msg = strchr(rec, ';');
		msg = msg ? msg + 1 : rec;
		for (i = 0; bad_log_markers[i]; i++)
			if (strstr(msg, bad_log_markers[i])) {
				rec[strcspn(rec, "\n")] = '\0';
				emitf(0, "# kernel log: %s", msg);
				clean = 0;
				break;
			}
	}
	return clean;
}

/* W (warning), D (died), B (bad page), M (machine check), L (soft lockup). */
#define BAD_TAINTS ((1UL << 9) | (1UL << 7) | (1UL << 5) | (1UL << 4) | (1UL << 14))

static int kernel_health(void)
{
	unsigned long taint = 0;
	char line[256];
	int debug_locks = -1;
	FILE *f;

	f = fopen("/proc/sys/kernel/tainted", "r");
	if (f) {
		if (fscanf(f, "%lu", &taint) != 1)
			taint = ~0UL;
		fclose(f);
	}
	f = fopen("/proc/lockdep_stats", "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, " debug_locks: %d", &debug_locks) == 1)
			break;
	if (f)
		fclose(f);
	emitf(0, "# tainted=%#lx debug_locks=%d", taint, debug_locks);
	return !(taint & BAD_TAINTS) && debug_locks != 0;
}

/*
 * kmemleak reports only objects older than 5 seconds, so give anything the
 * module leaked time to age before scanning.
 */
static int kmemleak_clean(void)
{
	const char *path = "/sys/kernel/debug/kmemleak";
	char line[LINE_MAX_LEN];
	int lines = 0;
	FILE *f;

	if (access(path, F_OK)) {
		emit(0, "# kmemleak is not available");
		return -1;
	}
	sleep(6);
	write_file(path, "scan");
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (lines++ < 40)
			emitf(0, "# kmemleak: %s", line);
	}
	if (f)
		fclose(f);
	return lines == 0;
}

/* Whether @word is one of the comma-separated words of @list. */
static int listed(const char *list, const char *word)
{
	size_t len = strlen(word);
	const char *p;

	for (p = list; (p = strstr(p, word)); p += len)
		if ((p == list || p[-1] == ',') && (p[len] == ',' || !p[len]))
			return 1;
	return 0;
}

/* "a,b,c" -> argv[0..2], NULL-terminated; at most @max words. */
static void split_args(const char *list, char **argv, int max)
{
	char *copy = strdup(list), *save, *word;
	int n = 0;

	for (word = strtok_r(copy, ",", &save); word && n < max;
	     word = strtok_r(NULL, ",", &save))
		argv[n++] = word;
	argv[n] = NULL;
}

/*
 * The arguments a check or demo run gives program @name: the words of
 * lazyfpu.args.NAME=a,b (none without it).  The harness sets a guest's
 * own, e.g. another fuzzer seed for the sanitizer kernels.
 */
static const char *program_args(const char *name)
{
	char key[128];

	snprintf(key, sizeof(key), "lazyfpu.args.%s", name);
	return cmdline_value(key, "");
}

/* lazyfpu-bench on the module at @path, its output to the result channel. */
static int bench_module(const char *path, char **argv)
{
	int status = -1, ok;
	pid_t pid;

	ok = !load_module(path);
	fflush(result);
	pid = ok ? fork() : -1;
	if (pid == 0) {
		dup2(fileno(result), 1);
		execv(argv[0], argv);
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, &status, 0);
	return ok && WIFEXITED(status) && WEXITSTATUS(status) == 0 && !unload_module("lazyfpu");
}

/*
 * make bench: lazyfpu-bench on lazyfpu.ko, then, where make bench put it
 * there, on the build with FP tracking compiled out (which runs only the
 * workload without FP); then the verdict: success when both exited 0 and
 * the kernel stayed clean.
 */
static int run_bench(int kmsg)
{
	static const char notrack[] = "/lib/modules/lazyfpu-notrack.ko";
	char *argv[MAX_ARGS] = { "/bin/lazyfpu-bench" };
	int ok;

	console("init: lazyfpu test guest, mode bench\n");
	split_args(cmdline_value("lazyfpu.args", ""), argv + 1, MAX_ARGS - 2);
	ok = bench_module("/lib/modules/lazyfpu.ko", argv);
	if (ok && !access(notrack, F_OK))
		ok = bench_module(notrack, argv);
	ok = ok && kernel_log_clean(kmsg) && kernel_health();
	fprintf(result, "lazyfpu-verdict: %s\n", ok ? "success" : "failure");
	fclose(result);
	console("init: bench %s, powering off\n", ok ? "done" : "FAILED");
	sync();
	reboot(RB_AUTOBOOT);
	return 0;
}

int main(void)
{
	char *programs[MAX_TESTS], *suites[MAX_TESTS], *args[MAX_ARGS];
	const char *mode, *skip;
	int nprog, nsuites, kmsg, i, have_kunit, kunit_loaded, loaded;

	mount_filesystems();
	setenv("PATH", "/bin:/tests:/demo", 1);
	setenv("LAZYFPU_TEST_ITERATIONS_DIVISOR",
	       cmdline_value("lazyfpu.iterations_divisor", "1"), 1);
	preload_modules();

	result = open_result_channel();
	if (!result) {
		console("init: no result channel (virtio-serial port); cannot report\n");
		reboot(RB_AUTOBOOT);
		return 1;
	}

	/* Only what happens from now on counts against the kernel's health. */
	kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	lseek(kmsg, 0, SEEK_END);
	if (!access("/sys/kernel/debug/kmemleak", F_OK))
		write_file("/sys/kernel/debug/kmemleak", "clear");

	/*
	 * check runs the tests and then the demo (a user's first run must
	 * work too); demo only the demo; run one test, with arguments.
	 */
	mode = cmdline_value("lazyfpu.mode", "check");
	if (!strcmp(mode, "bench"))
		return run_bench(kmsg);
	if (!strcmp(mode, "run")) {
		nprog = asprintf(&programs[0], "/tests/%s",
				 cmdline_value("lazyfpu.run", "none")) > 0;
	} else {
		nprog = strcmp(mode, "demo") ? list_programs("/tests", programs, 0) : 0;
		nprog = list_programs("/demo", programs, nprog);
	}
	split_args(cmdline_value("lazyfpu.args", ""), args + 1, MAX_ARGS - 2);
	have_kunit = !strcmp(mode, "check") && !access("/lib/modules/lazyfpu_kunit.ko", F_OK);

	console("init: lazyfpu test guest, mode %s, %d program(s)\n", mode, nprog);

	/*
	 * Load first, so that the plan can count the KUnit suites that ran.
	 * A failed load still gets a result line: "kunit" stands in for the
	 * suites that could not run.
	 */
	loaded = !load_module("/lib/modules/lazyfpu.ko");
	kunit_loaded = have_kunit && loaded &&
		       !load_module("/lib/modules/lazyfpu_kunit.ko");
	nsuites = kunit_loaded ? list_kunit_suites(suites) : 0;

	emit(0, "KTAP version 1");
	emitf(0, "1..%d", 3 + (have_kunit ? (nsuites ? nsuites : 1) : 0) + nprog + 4);
	/*
	 * QEMU gives every guest two CPUs.  A kernel that finds only one
	 * (a firmware table it cannot read, a CPU that failed to come up)
	 * would run the tests that need two as skips, so that is a failure.
	 */
	top_result(sysconf(_SC_NPROCESSORS_ONLN) >= 2, "two_cpus_online");
	top_result(high_res_clock(), "high_res_clock");
	top_result(loaded, "load_lazyfpu");
	if (have_kunit && !nsuites)
		top_result(0, "kunit");
	for (i = 0; i < nsuites; i++)
		report_kunit_suite(suites[i]);

	skip = strcmp(mode, "check") ? "" : cmdline_value("lazyfpu.skip", "");
	for (i = 0; i < nprog; i++) {
		const char *name = strrchr(programs[i], '/') + 1;

		if (listed(skip, name)) {
			emitf(0, "ok %d %s # SKIP left to the full boot (lazyfpu.skip)",
			      ++top_index, name);
			continue;
		}
		args[0] = programs[i];
		if (strcmp(mode, "run"))
			split_args(program_args(name), args + 1, MAX_ARGS - 2);
		run_program(programs[i], name, args);
	}

	top_result((!have_kunit || !unload_module("lazyfpu_kunit")) &&
		   loaded && !unload_module("lazyfpu"), "unload_modules");
	top_result(kernel_log_clean(kmsg), "kernel_log_clean");
	top_result(kernel_health(), "kernel_not_tainted");
	if (listed(skip, "kmemleak_clean")) {
		emitf(0, "ok %d kmemleak_clean # SKIP left to the full boot (lazyfpu.skip)",
		      ++top_index);
	} else {
		i = kmemleak_clean();
		if (i < 0 && !strcmp(cmdline_value("lazyfpu.kernel", "test"), "debian"))
			emitf(0, "ok %d kmemleak_clean # SKIP not in this kernel", ++top_index);
		else
			top_result(i > 0, "kmemleak_clean");
	}

	if (all_passed)
		fprintf(result, "lazyfpu-verdict: success\n");
	else
		fprintf(result, "lazyfpu-verdict: failure\n");
	fclose(result);
	console("init: %s, powering off\n", all_passed ? "all passed" : "FAILED");
	sync();
	reboot(RB_AUTOBOOT);
	return 0;
}
