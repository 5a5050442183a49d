#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# demo.sh KVER ARCH: boot a guest with the module and run the example
# workload in /demo, with the console on the terminal.

. "$(dirname "$0")/lib.sh"

kver=${1:-6.12}
arch=${2:-x86_64}
check_kver "$kver"
check_arch "$arch"

"$LFPU_ROOT/scripts/deps.sh"
"$LFPU_ROOT/scripts/build-kernel.sh" "$kver" "$arch" >/dev/null
"$LFPU_ROOT/scripts/build-guest.sh" "$kver" "$arch" >/dev/null
log "booting $kver/$arch; the guest powers off when the demo ends"
if "$LFPU_ROOT/scripts/run-qemu.sh" "$kver" "$arch" demo; then
	log "demo finished"
else
	die "demo failed (see $(work_dir "$kver" "$arch")/console.log)"
fi
