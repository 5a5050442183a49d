#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# stress.sh DURATION [KVER-ARCH[-san][-vqN] ...]: the long stress run (make
# stress).  For each configuration (default: 6.1 and 6.12, x86_64 and
# arm64) boot its test guest running only lazyfpu-stress (tools/stress/)
# with DURATION seconds of load, then print, per configuration, how many
# checks the guests, the vCPU threads and the independent host checkers
# ran, how many mismatched, and the time.  Exits 0 only if every guest
# wrote its success token (every check passed, the kernel stayed clean).

. "$(dirname "$0")/lib.sh"

duration=${1:?usage: stress.sh DURATION [KVER-ARCH[-san][-vqN] ...]}
shift
[ "$duration" -gt 0 ] 2>/dev/null || die "DURATION must be a number of seconds"
[ $# -gt 0 ] || set -- 6.1-x86_64 6.12-x86_64 6.1-arm64 6.12-arm64

"$LFPU_ROOT/scripts/deps.sh"

# Boot, setup, the kmemleak scan and the teardown come on top of the
# load; TCG on a busy host can take twice as long as asked.
export LAZYFPU_QEMU_TIMEOUT=${LAZYFPU_QEMU_TIMEOUT:-$((2 * duration + 300))}
export LAZYFPU_RUN=stress LAZYFPU_ARGS="--duration,$duration"

report=()
failed=0
declare -A built
for cfg in "$@"; do
	parse_matrix_entry "$cfg"
	variant=$flavour${flavour:+${boot:+-}}$boot
	name="$kver/$arch${variant:+ ($variant)}"
	if [ -z "${built[$kver-$arch-$flavour]:-}" ]; then
		"$LFPU_ROOT/scripts/build-kernel.sh" "$kver" "$arch" "$flavour" >/dev/null
		"$LFPU_ROOT/scripts/build-guest.sh" "$kver" "$arch" "$flavour" >/dev/null
		built[$kver-$arch-$flavour]=1
	fi

	work=$(work_dir "$kver" "$arch" "$flavour")
	sfx=${boot:+-$boot}
	log "$name: $duration s of stress"
	if "$LFPU_ROOT/scripts/run-qemu.sh" "$kver" "$arch" run "$variant"; then
		verdict=ok
	else
		verdict=FAILED
		failed=$((failed + 1))
	fi

	# "stress-summary: key=value ...", the driver's last diagnostic.
	declare -A s=()
	read -r -a kvs <<<"$(sed -n 's/^ *# stress-summary: //p' "$work/result$sfx" 2>/dev/null)"
	for kv in "${kvs[@]}"; do
		s[${kv%%=*}]=${kv#*=}
	done
	secs=${s[seconds]:-0}
	rate=$(( ${s[guest_checks]:-0} / (secs > 0 ? secs : 1) ))
	report+=("$(printf '%-7s %s: guests %s checks (%s/s), %s mismatches; RUNs %s, %s mismatches; host checkers %s checks, %s mismatches; %s signals, %s hotplug cycles; %s s of load, %s s in QEMU' \
		"$verdict" "$name" "${s[guest_checks]:-?}" "$rate" "${s[guest_mismatches]:-?}" \
		"${s[run_checks]:-?}" "${s[run_mismatches]:-?}" "${s[host_checks]:-?}" \
		"${s[host_mismatches]:-?}" "${s[signals]:-?}" "${s[hotplug_cycles]:-?}" \
		"$secs" "$(cat "$work/qemu-seconds$sfx" 2>/dev/null || echo '?')")")
	if [ "$verdict" != ok ]; then
		echo "---- $name: failures from $work/result$sfx ----"
		grep -E "^ *not ok|^ *# " "$work/result$sfx" 2>/dev/null | grep -v "^ *# stress-summary" |
			head -60 || true
		echo "---- $name: console tail ($work/console$sfx.log) ----"
		tail -40 "$work/console$sfx.log" 2>/dev/null || true
	fi
	unset s
done

echo
echo "==== lazyfpu stress summary ($duration s per guest) ===="
printf '%s\n' "${report[@]}"
echo "$(( $# - failed )) passed, $failed failed"
[ "$failed" = 0 ]
