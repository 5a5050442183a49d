#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# debian-guest.sh KEY [MODE]: build the test guest for one of Debian's own
# kernel images (KEY as for debian-kernels.sh, e.g. 6.1-amd64) and boot
# it in QEMU.  MODE is check (the default: build, then boot the tests),
# demo (build, then boot the demo), bench (build, then boot lazyfpu-bench
# with LAZYFPU_ARGS, for make bench), build (steps 1-4 only) or boot (step
# 5 only, the tests, on what build left).
#
#   1. fetch and unpack the image and its headers (debian-kernels.sh);
#   2. build the module and the test modules against the headers the way
#      dkms.conf does, `make KDIR=... modules`, from a private copy of the
#      sources, with W=1 and sparse (C=2), warning-free; and lazyfpu.ko
#      with DKMS itself from the lazyfpu-dkms package (built once per
#      content, scripts/deb.sh's way) in a private DKMS tree, the module
#      the guest loads;
#   3. the userspace programs, the guest init and the arm64 FP selftests,
#      as build-guest.sh builds them;
#   4. an initramfs holding those and the Debian modules the guest needs
#      first: virtio_console for the result channel and the virtio
#      transport under it (virtio_pci on x86_64, virtio_mmio on arm64),
#      each with its dependencies, in load order, as modprobe would load
#      them; /lib/modules/preload lists them for the init;
#   5. boot it, as run-qemu.sh boots a test kernel, with
#      lazyfpu.kernel=debian.
#
# LAZYFPU_MODULE_SRC names another source tree for the module (default:
# this repository), e.g. a patched copy to try on a kernel the module
# does not support yet.
#
# Results go to $work/result and $work/console.log, $work being
# ${LAZYFPU_WORK:-$CACHE/work}/debian-KEY.  Exits 0 only if the result holds
# the success token.

. "$(dirname "$0")/lib.sh"

key=${1:?usage: debian-guest.sh KEY [MODE]}
mode=${2:-check}
case "$mode" in check|demo|bench|build|boot) ;;
*) die "unknown mode '$mode' (want check, demo, bench, build or boot)" ;;
esac

eval "$("$LFPU_ROOT/scripts/debian-kernels.sh" "$key")"
arch=$DEB_ARCH
work="${LAZYFPU_WORK:-$CACHE/work}/debian-$key"
mkdir -p "$work"
read -r -a vars <<<"$DEB_MAKE_VARS"

# DKMS's build of lazyfpu.ko from the lazyfpu-dkms package, into
# $work/module/lazyfpu.ko.  The package is unpacked, not installed, and
# DKMS's trees are private ($work/dkms), so that nothing on this machine
# changes; DEB_MAKE_VARS (the cross compiler, the compiler override)
# reach the kernel's make through MAKEFLAGS, since dkms.conf's make
# command line is the package's.  DKMS reports a failing clean step only
# in its output ("bad exit status"): that fails here.
dkms_module() {
	local deb ver dkms_arch ko
	[ -z "${LAZYFPU_MODULE_SRC:-}" ] ||
		{ log "$key: LAZYFPU_MODULE_SRC set: the module is make's build of it, not DKMS's"; return 0; }
	deb=$(dkms_package)
	ver=$(dpkg-deb -f "$deb" Version)
	case "$arch" in x86_64) dkms_arch=x86_64 ;; arm64) dkms_arch=aarch64 ;; esac
	rm -rf "$work/dkms"
	mkdir -p "$work/dkms/tree"
	dpkg-deb -x "$deb" "$work/dkms/root"
	if ! MAKEFLAGS="$DEB_MAKE_VARS" dkms build -m lazyfpu -v "$ver" -k "$DEB_RELEASE" \
		-a "$dkms_arch" --kernelsourcedir "$DEB_KDIR" --dkmstree "$work/dkms/tree" \
		--sourcetree "$work/dkms/root/usr/src" --installtree "$work/dkms/install" \
		>"$work/dkms.log" 2>&1 || grep -q "bad exit status" "$work/dkms.log"; then
		cat "$work/dkms.log" "$work/dkms/tree/lazyfpu/$ver/build/make.log" >&2 || true
		die "dkms build of ${deb##*/} failed for $DEB_RELEASE"
	fi
	ko=$(find "$work/dkms/tree/lazyfpu/$ver/$DEB_RELEASE" -path '*/module/lazyfpu.ko*' | head -1)
	case "$ko" in
	*.ko) cp "$ko" "$work/module/lazyfpu.ko" ;;
	*.ko.xz) xz -dc "$ko" >"$work/module/lazyfpu.ko" ;;
	*.ko.zst) zstd -q -dc "$ko" >"$work/module/lazyfpu.ko" ;;
	*.ko.gz) gzip -dc "$ko" >"$work/module/lazyfpu.ko" ;;
	*) die "dkms built no lazyfpu.ko (see $work/dkms.log)" ;;
	esac
	log "$key: lazyfpu.ko built by DKMS from ${deb##*/}"
}

# Steps 1-4: the module, the programs, the preload list, the initramfs.
build_guest() {
	# 1. lazyfpu.ko and the test modules (the softirq test's, the timer
	#    probe) against the image's linux-headers, the way dkms.conf makes
	#    a module (make KDIR=... modules), and W=1 with sparse: the
	#    module must build warning-free against the headers users have,
	#    as against the test trees.  The guest loads the test modules and,
	#    when LAZYFPU_MODULE_SRC names another tree, this lazyfpu.ko;
	#    else 1b's.
	copy_module_sources "${LAZYFPU_MODULE_SRC:-$LFPU_ROOT}" "$work/module"
	strict_module_build "$work" "$DEB_RELEASE" -C "$work/module" KDIR="$DEB_KDIR" "${vars[@]}" \
		LAZYFPU_TESTMODS=y

	# 1b. lazyfpu.ko again, as DKMS builds it on a user's machine from the
	#     lazyfpu-dkms package, in a private DKMS tree: that one replaces
	#     the module above, so the guest loads what users get.
	dkms_module

	# 1c. For make bench (LAZYFPU_BENCH_NOTRACK=1): lazyfpu.ko with FP
	#     tracking compiled out, for measurement only (vmm/vmm.h).
	if [ "${LAZYFPU_BENCH_NOTRACK:-}" = 1 ]; then
		copy_module_sources "$LFPU_ROOT" "$work/module-notrack"
		make -C "$work/module-notrack" KDIR="$DEB_KDIR" "${vars[@]}" \
			LAZYFPU_NO_FP_TRACKING=1 -j"$JOBS" modules \
			>"$work/module-notrack-build.log" 2>&1 ||
			{ cat "$work/module-notrack-build.log" >&2
			  die "the untracked module build failed against $DEB_KDIR"; }
	fi

	# 2. Userspace programs, the init and (arm64) the kernel's FP selftests,
	#    from the source of the kernel version the image is.
	build_guest_programs "$arch" "${key%%-*}" "$work"

	# 3. The Debian modules to preload, in load order.  modprobe resolves
	#    them from the image's modules.dep (generated at unpacking): each
	#    "insmod PATH" line it prints is one module, its dependencies first;
	#    "builtin NAME" lines need nothing.  Compressed modules are
	#    decompressed here, so the init needs no decompression support from
	#    the kernel (the signature is inside the compressed data).
	case "$arch" in
	x86_64) wanted=(virtio_pci virtio_console) ;;
	arm64) wanted=(virtio_mmio virtio_console) ;;
	esac
	rm -rf "$work/preload"
	mkdir -p "$work/preload"
	: >"$work/preload.list"
	root=${DEB_MODULES%/lib/modules/*}
	n=0
	while read -r what path; do
		[ "$what" = insmod ] || continue
		name=$(basename "$path")
		name=${name%.xz}
		name=${name%.zst}
		[ -e "$work/preload/$name" ] && continue
		case "$path" in
		*.xz) xz -dc "$path" >"$work/preload/$name" ;;
		*.zst) zstd -q -dc "$path" >"$work/preload/$name" ;;
		*) cp "$path" "$work/preload/$name" ;;
		esac
		echo "/lib/modules/preload.d/$name" >>"$work/preload.list"
		n=$((n + 1))
	done < <(for m in "${wanted[@]}"; do
			modprobe -d "$root" -S "$DEB_RELEASE" --show-depends "$m" ||
				die "$m: not in $DEB_MODULES"
		 done)
	log "$key: preloading $n Debian module(s)$([ "$n" = 0 ] || echo ":") $(sed 's|.*/||' "$work/preload.list" | tr '\n' ' ')"

	# gen_init_cpio writes device nodes without root; Debian's headers do not
	# ship it, so build it from a kernel source tree.
	gen="$CACHE/tools/gen_init_cpio"
	if [ ! -x "$gen" ]; then
		mkdir -p "$CACHE/tools"
		gcc -O2 -o "$gen" "$(kernel_source 6.12)/usr/gen_init_cpio.c" ||
			die "cannot build gen_init_cpio"
	fi

	# 4. The initramfs: build-guest.sh's layout plus the preload list.
	{
		guest_initramfs_spec "$work"
		echo "dir /lib/modules/preload.d 0755 0 0"
		echo "file /lib/modules/preload $work/preload.list 0644 0 0"
		for ko in "$work"/preload/*.ko; do
			[ -e "$ko" ] && echo "file /lib/modules/preload.d/${ko##*/} $ko 0644 0 0"
		done
	} >"$work/initramfs.spec"
	"$gen" "$work/initramfs.spec" >"$work/initramfs.cpio" || die "gen_init_cpio failed"
}

[ "$mode" = boot ] || build_guest
[ "$mode" != build ] || exit 0
[ "$mode" = boot ] && mode=check

# 5. Boot, with run-qemu.sh's machine and command line.  Debian's x86
#    kernels patch their text at run time far more than the test kernels
#    (static keys, alternatives, mitigations), and multi-threaded TCG can
#    run a stale translation of a patched site on the other vCPU after the
#    patch is complete: an int3 Oops the kernel's protocol rules out on
#    hardware (seen twice, 7.3 at CPU bring-up and 6.12 in __schedule at
#    our module's unload, whose preempt_notifier_dec() flips a static key;
#    each with other jobs beside the guest).  Their vCPUs share one TCG
#    thread instead, where a write invalidates the translation before any
#    other vCPU runs again.
[ "$arch" != x86_64 ] ||
	export LAZYFPU_QEMU_ARGS="-accel tcg,thread=single ${LAZYFPU_QEMU_ARGS:-}"
log "$key: booting $DEB_IMAGE"
cmdline="lazyfpu.mode=$mode lazyfpu.kernel=debian"
[ "$mode" != bench ] || cmdline="$cmdline lazyfpu.args=${LAZYFPU_ARGS:-}"
qemu_boot "debian $key" "$arch" "$DEB_IMAGE" "$work/initramfs.cpio" "$work" "" "$mode" 768M "" \
	"$cmdline"
