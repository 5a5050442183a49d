#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh [--static-only | --no-static] [ENTRY ...]: the test suite.  An
# ENTRY is a test kernel, KVER-ARCH[-VARIANT]: a -vqN entry boots the
# KVER-ARCH guest again with QEMU's SVE vector length limited to N
# quadwords (arm64); a -san entry builds and boots the sanitizer kernel
# (KASAN, UBSAN, KFENCE, lockup panics).  Or it is one of Debian's own
# kernel images, debian-KEY (scripts/debian-kernels.sh --list).
#
#  1. installs missing packages (as root) or says which are missing;
#  2. builds or reuses the test kernels of the matrix, fetches its Debian
#     images and their headers;
#  3. static checks: checkpatch --strict over every C source, then per
#     test kernel and per Debian image (against its linux-headers) a W=1
#     + sparse (C=2) module build that must print no warning, and per
#     Debian image lazyfpu.ko built by DKMS from the package;
#  4. the FP core's model check (tools/model/, on this machine), the
#     Debian packages' tests (scripts/deb-test.sh: build, lintian,
#     contents, DKMS install and removal here), the ownership
#     timeline tool's (tools/timeline/check-timeline) and the harness's
#     own (scripts/harness-test.sh);
#  5. boots each guest in QEMU, which loads the module, runs the KUnit
#     suites (test kernels) and userspace tests, and reports through its
#     result channel.
#
# Steps 3 to 5 run as jobs side by side, LAZYFPU_JOBS at
# a time (default: one per CPU); the summary lists them in matrix order.
#
# Each static check and each KTAP test case counts once.  The last line is
# "N passed, N failed" (", N skipped" when any were), and the exit status
# is 0 only when nothing failed and every guest wrote its success token.

. "$(dirname "$0")/lib.sh"

run_static=1
run_qemu=1
case "${1:-}" in
--static-only) run_qemu=0; shift ;;
--no-static) run_static=0; shift ;;
esac
matrix=("$@")
[ ${#matrix[@]} -gt 0 ] ||
	die "usage: check.sh [--static-only | --no-static] ENTRY...; the default matrix is the Makefile's (make check)"

"$LFPU_ROOT/scripts/deps.sh"

started=$SECONDS
# Every job reports into files of its own, so that jobs can run side by
# side: JOB.report (the summary's lines), JOB.counts ("PASS FAIL SKIP" per
# line), JOB.log (its output), JOB.status (0 when it succeeded).
results=$(mktemp -d "${TMPDIR:-/tmp}/lazyfpu-check.XXXXXX")
trap 'rm -rf "$results"' EXIT
report_file=$results/static

tally() {	# tally PASS FAIL SKIP
	echo "$1 $2 $3" >>"$report_file.counts"
}

report_line() {
	echo "$1" >>"$report_file.report"
}

count() {	# count NAME PASS(0/1)
	if [ "$2" = 1 ]; then
		tally 1 0 0
		report_line "ok      $1"
	else
		tally 0 1 0
		report_line "FAILED  $1"
	fi
}

count_skip() {	# count_skip NAME WHY
	tally 0 0 1
	report_line "skip    $1: $2"
}

# A matrix entry is a test kernel, KVER-ARCH[-VARIANT], or one of Debian's
# own kernel images, debian-KEY (KEY as for scripts/debian-kernels.sh).
for cfg in "${matrix[@]}"; do
	is_debian "$cfg" || parse_matrix_entry "$cfg"
done

# The kernel's own KTAP parser (tools/testing/kunit/kunit.py parse) reads
# a guest's document too: RESULT P F S, our counts.  Prints its counts and
# returns non-zero when they differ from ours (its failed count includes
# what it calls crashed or errors).
kunit_py="$(kernel_source 6.12)/tools/testing/kunit/kunit.py"
ktap_cross_check() {
	local out kp kf ks
	out=$(python3 "$kunit_py" parse "$1" 2>&1 | grep -o "Testing complete\. Ran .*" | tail -1)
	kp=$(grep -o "passed: [0-9]*" <<<"$out" | grep -o "[0-9]*$" || echo 0)
	kf=$(grep -oE "(failed|crashed|errors): [0-9]*" <<<"$out" | grep -o "[0-9]*$" |
		awk '{ n += $1 } END { print n + 0 }')
	ks=$(grep -o "skipped: [0-9]*" <<<"$out" | grep -o "[0-9]*$" || echo 0)
	echo "kunit.py: ${out:-no summary}"
	[ -n "$out" ] && [ "$kp" = "$2" ] && [ "$kf" = "$3" ] && [ "$ks" = "$4" ]
}

# One guest's outcome: NAME WORK SUFFIX VERDICT(0/1).  Its KTAP results
# count one by one; a guest without its success token (a panic, a WARN, a
# hang, a leak) is a failure of its own.
report_boot() {
	local name=$1 work=$2 sfx=$3 verdict=$4 p f s secs line backends kparse

	read -r p f s < <(awk -f "$LFPU_ROOT/scripts/ktap-summary.awk" "$work/result$sfx" \
		2>/dev/null || echo "0 0 0")
	tally "$p" "$f" "$s"
	secs=$(cat "$work/qemu-seconds$sfx" 2>/dev/null || echo "?")
	# The backends the module found, from its load message.
	backends=$(sed -n 's/.*lazyfpu: FP backends: \(.*\)$/\1/p' "$work/console$sfx.log" \
		2>/dev/null | head -1 | tr -d '\r')
	line="$name [${backends:-no backends reported}]: $p passed, $f failed, $s skipped in ${secs}s"
	[ -e "$work/reboot$sfx" ] && line="$line; $(cat "$work/reboot$sfx")"
	# A complete document must read the same to the kernel's parser.
	if [ "$verdict" = 1 ] && ! kparse=$(ktap_cross_check "$work/result$sfx" "$p" "$f" "$s"); then
		count "$name: KTAP read alike by kunit.py parse ($p passed, $f failed, $s skipped; $kparse)" 0
	fi
	if [ "$verdict" = 1 ] && [ "$f" = 0 ]; then
		report_line "ok      $line"
		return
	fi
	if [ "$verdict" = 1 ]; then
		report_line "FAILED  $line"
	else
		tally 0 1 0
		report_line "FAILED  $line; no success token"
	fi
	echo "---- $name: failures from $work/result$sfx ----"
	grep -E "^ *not ok|^# " "$work/result$sfx" 2>/dev/null | head -40 || true
	echo "---- $name: console tail ($work/console$sfx.log) ----"
	tail -40 "$work/console$sfx.log" 2>/dev/null || true
}

# The jobs.  A matrix entry is three: a kernel and a build, both shared
# by the entries that boot the same kernel (KVER-ARCH[-san] or
# debian-KEY), and its boot.
build_key() {	# ENTRY: the build an entry's boot needs
	if is_debian "$1"; then
		echo "$1"
	else
		parse_matrix_entry "$1"
		echo "$kver-$arch${flavour:+-$flavour}"
	fi
}

# A kernel job builds a test kernel, or fetches a Debian image and its
# headers: the slow part of a cold run, cached afterwards.  Test kernels
# build one at a time (each build uses every CPU), and so do the Debian
# fetches, but the two chains run side by side and beside the other jobs,
# so that downloads, unpacking and the serial steps of a kernel build
# (linking, kallsyms) leave no CPU idle.  A kernel already in the cache
# is no job at all.
kernel_chain() {	# KEY
	if is_debian "$1"; then echo debian; else echo test; fi
}

kernel_cached() {	# KEY
	if is_debian "$1"; then
		"$LFPU_ROOT/scripts/debian-kernels.sh" --cached "${1#debian-}"
	else
		parse_matrix_entry "$1"
		[ -e "$(kernel_build_dir "$kver" "$arch" "$flavour")/.lazyfpu-built" ]
	fi
}

job_kernel() {	# KEY
	if is_debian "$1"; then
		"$LFPU_ROOT/scripts/debian-kernels.sh" "${1#debian-}" >/dev/null && return 0
		count "debian ${1#debian-}: fetch the image and its headers" 0
	else
		parse_matrix_entry "$1"
		"$LFPU_ROOT/scripts/build-kernel.sh" "$kver" "$arch" "$flavour" >/dev/null &&
			return 0
		count "$kver/$arch${flavour:+ ($flavour)}: kernel build" 0
	fi
	return 1
}

# A test kernel's build: the module W=1 (and sparse C=2 where it runs),
# the programs, the initramfs (build-guest.sh).  A Debian image's: the
# module W=1 and sparse against its linux-headers, lazyfpu.ko again with
# DKMS from the package, as on a user's machine, then the same programs
# (debian-guest.sh).
job_build() {	# KEY
	local what work name

	if is_debian "$1"; then
		name="debian ${1#debian-}"
		work="${LAZYFPU_WORK:-$CACHE/work}/$1"
		what="$name: build against its linux-headers: module W=1 clean, DKMS, tools"
		if ! "$LFPU_ROOT/scripts/debian-guest.sh" "${1#debian-}" build >/dev/null; then
			count "$what" 0
			return 1
		fi
	else
		parse_matrix_entry "$1"
		name="$kver/$arch${flavour:+ ($flavour)}"
		work=$(work_dir "$kver" "$arch" "$flavour")
		what="$name: build: module W=1 clean, tools"
		if ! "$LFPU_ROOT/scripts/build-guest.sh" "$kver" "$arch" "$flavour" >/dev/null; then
			count "$what" 0
			return 1
		fi
	fi
	[ "$run_static" = 1 ] || return 0
	count "$what" 1
	case "$(cat "$work/sparse")" in
	ran*) count "$name: sparse $(sed 's/^ran //' "$work/sparse") (C=2) clean" 1 ;;
	skipped:*) count_skip "$name: sparse" "$(sed 's/^skipped: //' "$work/sparse")" ;;
	esac
}

job_boot() {	# ENTRY
	local work sfx variant name verdict=0

	if is_debian "$1"; then
		work="${LAZYFPU_WORK:-$CACHE/work}/$1"
		log "$1: booting QEMU"
		"$LFPU_ROOT/scripts/debian-guest.sh" "${1#debian-}" boot && verdict=1
		report_boot "debian ${1#debian-}" "$work" "" "$verdict"
		return
	fi
	parse_matrix_entry "$1"
	work=$(work_dir "$kver" "$arch" "$flavour")
	sfx=${boot:+-$boot}
	variant=$flavour${flavour:+${boot:+-}}$boot
	name="$kver/$arch${variant:+ (${variant/-/, })}"
	log "$name: booting QEMU"
	"$LFPU_ROOT/scripts/run-qemu.sh" "$kver" "$arch" check "$variant" && verdict=1
	report_boot "$name" "$work" "$sfx" "$verdict"
}

# A host-side test program's KTAP document: NAME FILE STARTED.  Its
# results count one by one, kunit.py must read it alike, and it must
# have passed something and failed nothing.
report_ktap() {
	local name=$1 ktap=$2 started=$3 p f s line kparse=

	read -r p f s < <(awk -f "$LFPU_ROOT/scripts/ktap-summary.awk" "$ktap")
	tally "$p" "$f" "$s"
	line="$name: $p passed, $f failed, $s skipped in $((SECONDS - started))s"
	if [ "$f" = 0 ] && [ "$p" -gt 0 ] && kparse=$(ktap_cross_check "$ktap" "$p" "$f" "$s"); then
		report_line "ok      $line"
		return 0
	fi
	tally 0 1 0
	report_line "FAILED  $line; ${kparse:-}"
	echo "---- $name: $ktap ----"
	grep -E "^not ok|^# " "$ktap" | head -40
}

# The FP core against the transfer oracle, natively on this machine:
# every sequence of up to 8 events, for each backend kind and policy
# (tools/model/).
job_model() {
	local dir="${LAZYFPU_WORK:-$CACHE/work}/model" start=$SECONDS

	# Built afresh every time (under a second): the directory is shared
	# by every checkout, and make, going by times, kept another
	# checkout's newer binary for a tree whose edits were older, so a
	# change that broke the model's build passed in the working tree.
	if ! make -s -B -C "$LFPU_ROOT/tools/model" O="$dir" >&2; then
		count "core model: build" 0
		return 1
	fi
	"$dir/lazyfpu-model" >"$dir/result" 2>&1 || true
	host_job_took model "$start"
	report_ktap "core model [every sequence of up to 8 events; 7 with shared windows]" "$dir/result" "$start"
}

# The Debian packages: built, checked with lintian and for their contents,
# installed here (DKMS builds the module for the installed headers) and
# removed again (scripts/deb-test.sh).
job_packages() {
	local ktap="$LFPU_ROOT/build/deb-test.ktap" start=$SECONDS

	mkdir -p "$LFPU_ROOT/build"
	"$LFPU_ROOT/scripts/deb-test.sh" >"$ktap" 2>&1 || true
	host_job_took packages "$start"
	report_ktap "Debian packages [lazyfpu-dkms, lazyfpu-tools]" "$ktap" "$start"
}

# A host-side test program that prints KTAP: NAME JOB CMD...
host_ktap_job() {
	local name=$1 ktap="${LAZYFPU_WORK:-$CACHE/work}/$2.ktap" start=$SECONDS

	shift 2
	mkdir -p "$(dirname "$ktap")"
	"$@" >"$ktap" 2>&1 || true
	report_ktap "$name" "$ktap" "$start"
}

# The ownership timeline tool on recorded traces (the dmesg mirror's and
# tracefs's formats): trace-event JSON and SVG checked
# (tools/timeline/check-timeline).
job_timeline() {
	host_ktap_job "ownership timeline [trace-event JSON, SVG]" timeline \
		"$LFPU_ROOT/tools/timeline/check-timeline" "$LFPU_ROOT"/tools/timeline/testdata/*
}

# The harness's own decisions (scripts/harness-test.sh).
job_harness() {
	host_ktap_job "test harness [host programs, reboot witness, DKMS clean, sparse probe]" harness \
		"$LFPU_ROOT/scripts/harness-test.sh"
}

# The guest's QEMU time in the last run, the cost of its boot job; an
# entry never run yet costs more than any, so that it starts early.
boot_cost() {	# ENTRY
	local f
	if is_debian "$1"; then
		f="${LAZYFPU_WORK:-$CACHE/work}/$1/qemu-seconds"
	else
		parse_matrix_entry "$1"
		f="$(work_dir "$kver" "$arch" "$flavour")/qemu-seconds${boot:+-$boot}"
	fi
	cat "$f" 2>/dev/null || echo 100000
}

# A host job's run time in the last run (WORK/JOB-seconds), its cost in
# the queue, like boot_cost's.
host_job_cost() {	# JOB
	cat "${LAZYFPU_WORK:-$CACHE/work}/$1-seconds" 2>/dev/null || echo 100000
}

host_job_took() {	# JOB START
	echo "$((SECONDS - $2))" >"${LAZYFPU_WORK:-$CACHE/work}/$1-seconds"
}

# checkpatch --strict over the kernel sources (see .checkpatch.conf), with
# 6.12's checkpatch.pl.
job_checkpatch() {
	local ksrc sources
	log "checkpatch --strict"
	ksrc=$(kernel_source 6.12)
	mapfile -t sources < <(cd "$LFPU_ROOT" && git ls-files -co --exclude-standard \
		'*.c' '*.h' '*.S' | grep -v -e '^tools/' -e '^scripts/')
	if (cd "$LFPU_ROOT" && perl "$ksrc/scripts/checkpatch.pl" --quiet "${sources[@]}"); then
		count "checkpatch --strict (${#sources[@]} files)" 1
	else
		count "checkpatch --strict" 0
	fi
}

# The job pool: LAZYFPU_JOBS jobs at a time (default: one per CPU).  The
# queue is the kernels still to be made, then the boots by the last
# run's QEMU time, longest first, each preceded by its build where that
# is still to run, and among them the model check and the packages by
# their own last time (the longest first: the run then ends on short
# jobs, with both CPUs busy until the end); a free slot
# takes the first job that is ready (a build once its kernel is made, a
# boot once its build has finished), so the longest guests start first
# and the builds of the others overlap with them.  The kernels are made
# in the order of the boot time waiting on them, most first (in a cold
# run, the arm64 kernels with their vector-length reruns).  A kernel or
# build that fails drops what depends on it; its failure counts.
slots=${LAZYFPU_JOBS:-$(nproc)}
declare -A key_of job_state boot_wait
queue=()
# checkpatch first: a few seconds beside the first kernel or guest.
[ "$run_static" = 1 ] && queue+=(checkpatch)
mapfile -t by_cost < <(for i in "${!matrix[@]}"; do
	echo "$(boot_cost "${matrix[$i]}") $i"
done | sort -k1,1nr -k2,2n | cut -d' ' -f2)
for i in "${by_cost[@]}"; do
	key=$(build_key "${matrix[$i]}")
	key_of[$i]=$key
	boot_wait[$key]=$(( ${boot_wait[$key]:-0} + $(boot_cost "${matrix[$i]}") ))
done
mapfile -t kernels < <(for key in "${!boot_wait[@]}"; do
	echo "${boot_wait[$key]} $key"
done | sort -k1,1nr -k2,2 | cut -d' ' -f2)
for key in "${kernels[@]}"; do
	if kernel_cached "$key"; then
		job_state[kernel-$key]=done
	else
		job_state[kernel-$key]=queued
		queue+=("kernel-$key")
	fi
done
# The model check and the packages (the runs that take a minute on the
# host) go between the boots by their own last time: left to the end, the
# model check ran a minute alone on one CPU after the last guest.
mapfile -t timed < <({
	for i in "${by_cost[@]}"; do
		echo "$(boot_cost "${matrix[$i]}") boot-$i"
	done
	if [ "$run_qemu" = 1 ]; then
		echo "$(host_job_cost model) model"
		echo "$(host_job_cost packages) packages"
	fi
} | sort -s -k1,1nr | cut -d' ' -f2)
for job in "${timed[@]}"; do
	case "$job" in
	boot-*)
		key=${key_of[${job#boot-}]}
		if [ -z "${job_state[build-$key]:-}" ]; then
			job_state[build-$key]=queued
			queue+=("build-$key")
		fi
		[ "$run_qemu" = 1 ] && queue+=("$job") ;;
	*)	queue+=("$job") ;;
	esac
done
# The checks of a second or less last.
[ "$run_qemu" = 1 ] && queue+=(timeline harness)

declare -A job_pid
start_job() {	# JOB
	local job=$1
	job_state[$job]=running
	(
		report_file=$results/$job
		set +e
		case "$job" in
		kernel-*) job_kernel "${job#kernel-}" ;;
		checkpatch) job_checkpatch ;;
		model) job_model ;;
		packages) job_packages ;;
		timeline) job_timeline ;;
		harness) job_harness ;;
		build-*) job_build "${job#build-}" ;;
		boot-*) job_boot "${matrix[${job#boot-}]}" ;;
		esac
		echo $? >"$results/$job.status"
	) >"$results/$job.log" 2>&1 &
	job_pid[$!]=$job
}

# What JOB waits for: nothing, or the job it depends on; a kernel waits
# for the kernel of its chain that is being made.
job_dependency() {	# JOB
	local job key
	case "$1" in
	boot-*) echo "build-${key_of[${1#boot-}]}" ;;
	build-*) echo "kernel-${1#build-}" ;;
	kernel-*)
		for job in "${!job_state[@]}"; do
			key=${job#kernel-}
			if [ "$job" != "$key" ] && [ "${job_state[$job]}" = running ] &&
			   [ "$(kernel_chain "$key")" = "$(kernel_chain "${1#kernel-}")" ]; then
				echo "$job"
				break
			fi
		done ;;
	esac
}

running=0
while [ ${#queue[@]} -gt 0 ] || [ "$running" -gt 0 ]; do
	rest=()
	for job in "${queue[@]}"; do
		ready=1
		dep=$(job_dependency "$job")
		if [ -n "$dep" ]; then
			case "${job_state[$dep]}" in
			done) ;;
			failed) [ "${job%%-*}" = boot ] || job_state[$job]=failed
				continue ;;
			*) ready=0 ;;
			esac
		fi
		if [ "$ready" = 1 ] && [ "$running" -lt "$slots" ]; then
			start_job "$job"
			running=$((running + 1))
		else
			rest+=("$job")
		fi
	done
	queue=("${rest[@]}")
	[ "$running" -gt 0 ] || break
	wait -n -p finished || true
	job=${job_pid[$finished]}
	running=$((running - 1))
	if [ "$(cat "$results/$job.status" 2>/dev/null)" = 0 ]; then
		job_state[$job]=done
	else
		job_state[$job]=failed
	fi
	cat "$results/$job.log"
done

# The summary, in matrix order: each build where its first entry is.
echo
echo "==== lazyfpu check summary ($((SECONDS - started)) s) ===="
order=(static checkpatch model packages timeline harness)
declare -A listed
for i in "${!matrix[@]}"; do
	key=${key_of[$i]}
	if [ -z "${listed[$key]:-}" ]; then
		listed[$key]=1
		order+=("kernel-$key" "build-$key")
	fi
	order+=("boot-$i")
done
total_pass=0 total_fail=0 total_skip=0
for job in "${order[@]}"; do
	[ -e "$results/$job.report" ] && cat "$results/$job.report"
	[ -e "$results/$job.counts" ] || continue
	read -r p f s < <(awk '{ p += $1; f += $2; s += $3 } END { print p + 0, f + 0, s + 0 }' \
		"$results/$job.counts")
	total_pass=$((total_pass + p)) total_fail=$((total_fail + f)) total_skip=$((total_skip + s))
done
summary="$total_pass passed, $total_fail failed"
[ "$total_skip" -gt 0 ] && summary="$summary, $total_skip skipped"
echo "$summary"
[ "$total_fail" = 0 ]
