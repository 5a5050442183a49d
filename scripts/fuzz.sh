#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# fuzz.sh KVER ARCH SEED OPS [FLAVOUR]: a long run of the ABI fuzzer
# (tools/fuzz/) in one QEMU guest; FLAVOUR "san" uses the sanitizer
# kernel.  Builds the guest, boots it in "run" mode so that the
# guest init runs only /tests/fuzz --seed SEED --ops OPS (then unloads the
# module and checks the kernel log, taint and kmemleak as make check
# does), and prints the fuzzer's diagnostics and one summary line.
#
# The guest is killed after LAZYFPU_QEMU_TIMEOUT seconds; the default
# allows 10 ms an op on top of 10 minutes, ample for a sanitizer kernel
# under TCG.

. "$(dirname "$0")/lib.sh"

kver=${1:?usage: fuzz.sh KVER ARCH SEED OPS}
arch=${2:?usage: fuzz.sh KVER ARCH SEED OPS}
seed=${3:?usage: fuzz.sh KVER ARCH SEED OPS}
ops=${4:?usage: fuzz.sh KVER ARCH SEED OPS}
flavour=${5:-}
check_kver "$kver"
check_arch "$arch"
check_flavour "$flavour"
case "$seed$ops" in *[!0-9]*) die "SEED and OPS must be decimal numbers" ;; esac

"$LFPU_ROOT/scripts/deps.sh"
"$LFPU_ROOT/scripts/build-kernel.sh" "$kver" "$arch" "$flavour" >/dev/null
"$LFPU_ROOT/scripts/build-guest.sh" "$kver" "$arch" "$flavour" >/dev/null
work=$(work_dir "$kver" "$arch" "$flavour")

log "$kver/$arch: fuzzing, seed $seed, $ops ops"
status=0
LAZYFPU_RUN=fuzz LAZYFPU_ARGS="--seed,$seed,--ops,$ops,--target,$kver/$arch${flavour:+/$flavour}" \
	LAZYFPU_QEMU_TIMEOUT=${LAZYFPU_QEMU_TIMEOUT:-$((600 + ops / 100))} \
	"$LFPU_ROOT/scripts/run-qemu.sh" "$kver" "$arch" run "$flavour" || status=$?

grep -E "^ +# " "$work/result" 2>/dev/null | sed 's/^ *//' || true
read -r p f s < <(awk -f "$LFPU_ROOT/scripts/ktap-summary.awk" "$work/result" 2>/dev/null ||
		  echo "0 0 0")
if [ "$status" != 0 ]; then
	f=$((f + 1))
	# No verdict at all: a panic or a hang; the console says which.
	if ! grep -q "^lazyfpu-verdict:" "$work/result" 2>/dev/null; then
		echo "---- console tail ($work/console.log) ----"
		tail -40 "$work/console.log" 2>/dev/null || true
	fi
fi
summary="fuzz $kver/$arch${flavour:+ ($flavour)} seed $seed: $p passed, $f failed"
[ "$s" -gt 0 ] && summary="$summary, $s skipped"
echo "$summary in $(cat "$work/qemu-seconds" 2>/dev/null || echo "?") s"
[ "$f" = 0 ]
