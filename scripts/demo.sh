#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# demo.sh KVER ARCH: boot a guest with the module and run the example
# workload in /demo, with the console on the terminal; then draw the
# ownership timeline of its traced run (the dmesg mirror's lines on the
# console) into build/demo/timeline.json (Perfetto) and timeline.svg.

. "$(dirname "$0")/lib.sh"

kver=${1:-6.12}
arch=${2:-x86_64}
check_kver "$kver"
check_arch "$arch"

"$LFPU_ROOT/scripts/deps.sh"
"$LFPU_ROOT/scripts/build-kernel.sh" "$kver" "$arch" >/dev/null
"$LFPU_ROOT/scripts/build-guest.sh" "$kver" "$arch" >/dev/null
log "booting $kver/$arch; the guest powers off when the demo ends"
console="$(work_dir "$kver" "$arch")/console.log"
"$LFPU_ROOT/scripts/run-qemu.sh" "$kver" "$arch" demo || die "demo failed (see $console)"
out="$LFPU_ROOT/build/demo"
mkdir -p "$out"
"$LFPU_ROOT/tools/timeline/lazyfpu-timeline" --title "make demo: mixed.lfa on $kver/$arch, lazy" \
	--json "$out/timeline.json" --svg "$out/timeline.svg" "$console" ||
	die "no ownership timeline from $console"
log "demo finished; its ownership timeline: $out/timeline.svg, and $out/timeline.json for https://ui.perfetto.dev"
