#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build-guest.sh KVER ARCH [FLAVOUR]: build everything a test guest runs
# for one (version, arch) pair, on top of the cached test kernel of that
# flavour (see build-kernel.sh):
#   - lazyfpu.ko and lazyfpu_kunit.ko, built W=1 with sparse (C=2); any
#     compiler or sparse warning fails the build.  The sparse is one that
#     parses 7.x headers (scripts/sparse.sh); $work/sparse says which
#     ran, or "skipped: <why>" when none could be had;
#   - the static userspace programs: tests, lazyfpu-vmm, the demo, and the
#     example guest programs;
#   - arm64: the kernel's own FP selftests (fpsimd-test, sve-test,
#     fp-stress, kernel-test) from the kernel under test's source, the
#     host checkers of the stress run (tools/stress/);
#   - the guest init;
#   - an initramfs holding all of it;
#   - with LAZYFPU_BENCH_NOTRACK=1 (make bench), also lazyfpu.ko with FP
#     tracking compiled out, as /lib/modules/lazyfpu-notrack.ko.
# Prints the work directory; the initramfs is $work/initramfs.cpio.
#
# The module is built from a copy of the repository's sources so that the
# four builds of the matrix never share object files with each other or
# with a developer's in-tree build.

. "$(dirname "$0")/lib.sh"

kver=${1:?usage: build-guest.sh KVER ARCH [FLAVOUR]}
arch=${2:?usage: build-guest.sh KVER ARCH [FLAVOUR]}
flavour=${3:-}
check_kver "$kver"
check_arch "$arch"
check_flavour "$flavour"

kbuild=$(kernel_build_dir "$kver" "$arch" "$flavour")
[ -e "$kbuild/.lazyfpu-built" ] ||
	die "no test kernel for $kver/$arch${flavour:+ ($flavour)} (run scripts/build-kernel.sh $kver $arch $flavour)"
work=$(work_dir "$kver" "$arch" "$flavour")
mkdir -p "$work"
read -r -a vars <<<"$(kmake_vars "$arch")"

# 1. The module, from a private copy of the sources.
copy_module_sources "$LFPU_ROOT" "$work/module"
strict_module_build "$work" "$kver" -C "$kbuild" "${vars[@]}" M="$work/module" \
	LAZYFPU_TESTMODS=y

# 1b. For make bench (LAZYFPU_BENCH_NOTRACK=1): the same lazyfpu.ko with FP
#     tracking compiled out (LAZYFPU_NO_FP_TRACKING=1, vmm/vmm.h), for
#     measurement only.
if [ "${LAZYFPU_BENCH_NOTRACK:-}" = 1 ]; then
	copy_module_sources "$LFPU_ROOT" "$work/module-notrack"
	make -C "$kbuild" "${vars[@]}" M="$work/module-notrack" LAZYFPU_NO_FP_TRACKING=1 \
		-j"$JOBS" modules >"$work/module-notrack-build.log" 2>&1 ||
		{ cat "$work/module-notrack-build.log" >&2; die "the untracked module build failed"; }
fi

# 2. Userspace programs, the guest init and, on arm64, the kernel's FP
#    selftests from the source of the kernel under test.
build_guest_programs "$arch" "$kver" "$work"

# 3. The initramfs, written by the kernel's own gen_init_cpio so that
#    device nodes need no root.
guest_initramfs_spec "$work" >"$work/initramfs.spec"
"$kbuild/usr/gen_init_cpio" "$work/initramfs.spec" >"$work/initramfs.cpio" ||
	die "gen_init_cpio failed"
echo "$work"
