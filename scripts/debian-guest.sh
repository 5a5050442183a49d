#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# debian-guest.sh KEY [MODE]: build the test guest for one of Debian's own
# kernel images (KEY as for debian-kernels.sh, e.g. 6.1-amd64) and boot
# it in QEMU.  MODE is check (default) or demo, as for run-qemu.sh.
#
#   1. fetch and unpack the image and its headers (debian-kernels.sh);
#   2. build lazyfpu.ko (and the test module) against the headers the way
#      DKMS does, `make -C KDIR M=DIR modules`, from a private copy of the
#      sources; no W=1 or sparse here, a user's build has neither;
#   3. the userspace programs and the guest init, as build-guest.sh does;
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
case "$mode" in check|demo) ;; *) die "unknown mode '$mode' (want check or demo)" ;; esac

eval "$("$LFPU_ROOT/scripts/debian-kernels.sh" "$key")"
arch=$DEB_ARCH
work="${LAZYFPU_WORK:-$CACHE/work}/debian-$key"
mkdir -p "$work"
read -r -a vars <<<"$DEB_MAKE_VARS"
cc=$(target_cc "$arch")

# 1. The module, as DKMS builds it (dkms.conf: make KDIR=... modules),
#    plus the test module the softirq test loads.
rsync -a --delete --exclude=.git --exclude=/tools --exclude=/scripts \
	--exclude=Documentation --exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' \
	"${LAZYFPU_MODULE_SRC:-$LFPU_ROOT}/" "$work/module/"
if ! make -C "$work/module" KDIR="$DEB_KDIR" "${vars[@]}" LAZYFPU_TESTMODS=y \
	-j"$JOBS" modules >"$work/module-build.log" 2>&1; then
	cat "$work/module-build.log" >&2
	die "module build failed against $DEB_KDIR"
fi

# 2. Userspace programs and the init.
make -s -C "$LFPU_ROOT/tools" CC="$cc" O="$work/tools" >&2 ||
	die "userspace build failed for $arch"
$cc -static -O2 -Wall -Wextra -Werror -o "$work/init" "$LFPU_ROOT/scripts/qemu/init.c" ||
	die "guest init build failed for $arch"

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
log "$key: preloading $n Debian module(s)${n:+: }$(sed 's|.*/||' "$work/preload.list" | tr '\n' ' ')"

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
	echo "dir /dev 0755 0 0"
	echo "nod /dev/console 0600 0 0 c 5 1"
	for d in /proc /sys /lib /lib/modules /lib/modules/preload.d /tests /demo /bin \
		 /examples; do
		echo "dir $d 0755 0 0"
	done
	echo "dir /tmp 1777 0 0"
	echo "file /init $work/init 0755 0 0"
	echo "file /lib/modules/preload $work/preload.list 0644 0 0"
	for ko in "$work"/preload/*.ko; do
		[ -e "$ko" ] && echo "file /lib/modules/preload.d/$(basename "$ko") $ko 0644 0 0"
	done
	echo "file /bin/lazyfpu-vmm $work/tools/bin/lazyfpu-vmm 0755 0 0"
	for e in "$LFPU_ROOT"/tools/examples/*.lfa; do
		echo "file /examples/$(basename "$e") $e 0644 0 0"
	done
	for ko in "$work"/module/*.ko; do
		echo "file /lib/modules/$(basename "$ko") $ko 0644 0 0"
	done
	for t in "$work"/tools/tests/*; do
		echo "file /tests/$(basename "$t") $t 0755 0 0"
	done
	for d in "$work"/tools/demo/*; do
		[ -e "$d" ] && echo "file /demo/$(basename "$d") $d 0755 0 0"
	done
} >"$work/initramfs.spec"
"$gen" "$work/initramfs.spec" >"$work/initramfs.cpio" || die "gen_init_cpio failed"

# 5. Boot, with run-qemu.sh's machine and command line.
timeout=${LAZYFPU_QEMU_TIMEOUT:-900}
cmdline="panic_on_warn=1 oops=panic panic=-1 lazyfpu.mode=$mode lazyfpu.kernel=debian"
case "$arch" in
x86_64)
	qemu=(qemu-system-x86_64 -M pc -cpu max -device virtio-serial-pci)
	cmdline="console=ttyS0 $cmdline"
	;;
arm64)
	qemu=(qemu-system-aarch64 -M virt -cpu max,pauth-impdef=on -device virtio-serial-device)
	cmdline="console=ttyAMA0 $cmdline"
	;;
esac
rm -f "$work/result" "$work/console.log"
qemu+=(-smp 2 -m 768M -nodefaults -nographic -no-reboot
       -kernel "$DEB_IMAGE" -initrd "$work/initramfs.cpio" -append "$cmdline"
       -chardev "file,id=result,path=$work/result"
       -device virtserialport,chardev=result)
log "$key: booting $DEB_IMAGE"
start=$SECONDS
status=0
if [ "$mode" = demo ]; then
	timeout --foreground "$timeout" "${qemu[@]}" -serial stdio | tee "$work/console.log" ||
		status=$?
else
	timeout --foreground "$timeout" "${qemu[@]}" -serial "file:$work/console.log" \
		</dev/null || status=$?
fi
echo "$((SECONDS - start))" >"$work/qemu-seconds"
[ "$status" = 124 ] && log "$key: guest timed out after $timeout s"
grep -qx "lazyfpu-verdict: success" "$work/result" 2>/dev/null
