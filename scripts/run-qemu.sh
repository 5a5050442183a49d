#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-qemu.sh KVER ARCH MODE: boot the test guest for one (version, arch)
# pair and wait for it to power off.  MODE is "check" or "demo".
#
# The console goes to $work/console.log (and to the terminal for demo);
# the guest's KTAP document and verdict go to $work/result, through a
# virtio-serial port that nothing but the guest init writes.  Exits 0 only
# if the result holds the success token.  A guest that hangs is killed
# after LAZYFPU_QEMU_TIMEOUT seconds (default 900).

. "$(dirname "$0")/lib.sh"

kver=${1:?usage: run-qemu.sh KVER ARCH MODE}
arch=${2:?usage: run-qemu.sh KVER ARCH MODE}
mode=${3:-check}
check_kver "$kver"
check_arch "$arch"

kbuild=$(kernel_build_dir "$kver" "$arch")
work=$(work_dir "$kver" "$arch")
timeout=${LAZYFPU_QEMU_TIMEOUT:-900}
cmdline="panic_on_warn=1 oops=panic panic=-1 kunit.enable=1 lazyfpu.mode=$mode"

case "$arch" in
x86_64)
	qemu=(qemu-system-x86_64 -M pc -cpu max
	      -device virtio-serial-pci)
	cmdline="console=ttyS0 $cmdline"
	;;
arm64)
	qemu=(qemu-system-aarch64 -M virt -cpu max,pauth-impdef=on
	      -device virtio-serial-device)
	cmdline="console=ttyAMA0 $cmdline"
	;;
esac

rm -f "$work/result" "$work/console.log"
qemu+=(-smp 2 -m 768M -nodefaults -nographic -no-reboot
       -kernel "$(kernel_image "$kbuild" "$arch")"
       -initrd "$work/initramfs.cpio"
       -append "$cmdline"
       -chardev "file,id=result,path=$work/result"
       -device virtserialport,chardev=result)

start=$SECONDS
if [ "$mode" = demo ]; then
	set +e
	timeout --foreground "$timeout" "${qemu[@]}" -serial stdio | tee "$work/console.log"
	status=${PIPESTATUS[0]}
	set -e
else
	status=0
	timeout --foreground "$timeout" "${qemu[@]}" -serial "file:$work/console.log" \
		</dev/null || status=$?
fi
echo "$((SECONDS - start))" >"$work/qemu-seconds"
[ "$status" = 124 ] && log "$kver/$arch: guest timed out after $timeout s"
grep -qx "lazyfpu-verdict: success" "$work/result" 2>/dev/null
