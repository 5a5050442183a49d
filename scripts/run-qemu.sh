#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-qemu.sh KVER ARCH MODE [VARIANT]: boot the test guest for one
# (version, arch) pair and wait for it to power off.  MODE is "check",
# "demo" or "run" (one program: LAZYFPU_RUN names it, LAZYFPU_ARGS holds
# its comma-separated arguments; see scripts/qemu/init.c).  VARIANT "san"
# boots the sanitizer kernel flavour (its own work directory); "vqN"
# (arm64) limits QEMU's SVE vector length to N quadwords (sve-max-vq=N),
# and its console and result files get a "-vqN" suffix.
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
timeout=${LAZYFPU_QEMU_TIMEOUT:-900}
cmdline="panic_on_warn=1 oops=panic panic=-1 kunit.enable=1 lazyfpu.mode=$mode"
if [ "$mode" = run ]; then
	cmdline="$cmdline lazyfpu.run=${LAZYFPU_RUN:?LAZYFPU_RUN names the program} lazyfpu.args=${LAZYFPU_ARGS:-}"
fi

case "$arch" in
x86_64)
	qemu=(qemu-system-x86_64 -M pc -cpu max
	      -device virtio-serial-pci)
	# Under TCG, and more so with KASAN or on a busy host, ACPI's
	# interpreter can take longer than its own loop timeout over the PCI
	# routing method (_PRT), leaving the virtio-serial port without an
	# IRQ; the BIOS's routing table is enough for QEMU's one PCI device.
	cmdline="console=ttyS0 acpi=noirq $cmdline"
	;;
arm64)
	qemu=(qemu-system-aarch64 -M virt -cpu "max,pauth-impdef=on$cpu_extra"
	      -device virtio-serial-device)
	cmdline="console=ttyAMA0 $cmdline"
	;;
esac

rm -f "$work/result$sfx" "$work/console$sfx.log"
qemu+=(-smp 2 -m "$mem" -nodefaults -nographic -no-reboot
       -kernel "$(kernel_image "$kbuild" "$arch")"
       -initrd "$work/initramfs.cpio"
       -append "$cmdline"
       -chardev "file,id=result,path=$work/result$sfx"
       -device virtserialport,chardev=result)

start=$SECONDS
if [ "$mode" = demo ]; then
	set +e
	timeout --foreground "$timeout" "${qemu[@]}" -serial stdio | tee "$work/console$sfx.log"
	status=${PIPESTATUS[0]}
	set -e
else
	status=0
	timeout --foreground "$timeout" "${qemu[@]}" -serial "file:$work/console$sfx.log" \
		</dev/null || status=$?
fi
echo "$((SECONDS - start))" >"$work/qemu-seconds$sfx"
[ "$status" = 124 ] && log "$kver/$arch${flavour:+-$flavour}: guest timed out after $timeout s"
grep -qx "lazyfpu-verdict: success" "$work/result$sfx" 2>/dev/null
