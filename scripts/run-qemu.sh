#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-qemu.sh KVER ARCH MODE [VARIANT]: boot the test guest for one
# (version, arch) pair and wait for it to power off.  MODE is "check",
# "demo", "run" (one program: LAZYFPU_RUN names it, LAZYFPU_ARGS holds
# its comma-separated arguments; see scripts/qemu/init.c) or "bench"
# (lazyfpu-bench with LAZYFPU_ARGS).  VARIANT "san"
# boots the sanitizer kernel flavour (its own work directory); "vqN"
# (arm64) limits QEMU's SVE vector length to N quadwords (sve-max-vq=N),
# and its console and result files get a "-vqN" suffix; "san-vqN" is both.
#
# The console goes to $work/console.log (and to the terminal for demo);
# the guest's KTAP document and verdict go to $work/result, through a
# virtio-serial port that nothing but the guest init writes.  Exits 0 only
# if the result holds the success token.  A guest that hangs is killed
# after LAZYFPU_QEMU_TIMEOUT seconds (default 900).

. "$(dirname "$0")/lib.sh"

mode=${3:-check}
parse_matrix_entry "${1:?usage: run-qemu.sh KVER ARCH MODE [VARIANT]}-${2:?usage: run-qemu.sh KVER ARCH MODE [VARIANT]}${4:+-$4}"
cpu_extra=${boot:+,sve-max-vq=${boot#vq}}
sfx=${boot:+-$boot}
# KASAN's shadow and quarantine want more memory.
mem=768M
[ "$flavour" = san ] && mem=1280M

kbuild=$(kernel_build_dir "$kver" "$arch" "$flavour")
work=$(work_dir "$kver" "$arch" "$flavour")
# The test kernels are allnoconfig-based, so KUnit's defaults are off:
# kunit.enable (6.1 on) lets suites run at all, and kunit.autorun (7.x;
# older kernels pass the unknown parameter on to init, harmlessly) runs a
# module's suites when it loads.
cmdline="kunit.enable=1 kunit.autorun=1 lazyfpu.mode=$mode"
# A vector-length variant reruns what depends on the host's SVE vector
# lengths; the long programs that do not (the fuzzer and the RUN-loop
# starvation test), and the demo, ran in the full boot of the same
# kernel and are reported as skipped.  So is the stress run: its load
# (hotplug, rmmod, signals, softirq FPU users, many vCPUs) is about
# scheduling, and what it does to a vector length under pressure,
# sve_guest's stress cases do at the rerun's largest length.  So
# is the kmemleak scan, which must first let the last allocations age
# 6 s (a fifth of a rerun's time, all of it idle): the module allocates
# and frees the same objects at every vector length, only their sizes
# differ, and the full boot scans after running every program at the
# largest.  A sanitizer kernel's rerun leaves CPU hotplug to the full
# boot too: hotplug ran at these lengths on 6.1 and 7.3, and under the
# sanitizers at the full length, while what the sanitizers add at
# another length is a check of the buffers sized by it, which the state
# programs make.
if [ -n "$boot" ]; then
	skip=fuzz,starvation,stress,demo,kmemleak_clean
	[ "$flavour" != san ] || skip="$skip,hotplug"
	cmdline="$cmdline lazyfpu.skip=$skip"
fi
# The sanitizer kernels run a guest instruction 5 to 35 times slower, and
# the tests that wait for a timer, a reschedule or a softirq to hit a
# running guest loop get that many more hits than they need: there, the
# loops run a quarter of their iterations (tools/lib/testlib.c).
[ "$flavour" != san ] || cmdline="$cmdline lazyfpu.iterations_divisor=4"
# The sanitizer kernels, several times slower, fuzz with a seed of their
# own and 6000 ops: the matrix then covers 6000 op sequences more
# than if every guest replayed seed 1's 20000, and the fuzzer stays under
# a third of those guests' time (80 s of the arm64 one's 270 at 10000).
# The long sanitizer runs are make fuzz's (Documentation/testing.rst).
# Every fuzzer learns which kernel it runs on, for the make fuzz command
# it prints to replay a failure.
fuzz_args="--target,$kver/$arch${flavour:+/$flavour}"
[ "$flavour" != san ] || fuzz_args="--seed,2,--ops,6000,$fuzz_args"
cmdline="$cmdline lazyfpu.args.fuzz=$fuzz_args"
if [ "$mode" = bench ]; then
	cmdline="$cmdline lazyfpu.args=${LAZYFPU_ARGS:-}"
fi
if [ "$mode" = run ]; then
	cmdline="$cmdline lazyfpu.run=${LAZYFPU_RUN:?LAZYFPU_RUN names the program} lazyfpu.args=${LAZYFPU_ARGS:-}"
fi

qemu_boot "$kver/$arch${flavour:+-$flavour}" "$arch" "$(kernel_image "$kbuild" "$arch")" \
	"$work/initramfs.cpio" "$work" "$sfx" "$mode" "$mem" "$cpu_extra" "$cmdline"
