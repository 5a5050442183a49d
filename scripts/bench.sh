#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench.sh [KVER-ARCH | debian-KEY ...]: make bench.  Boots each guest
# (default: the newest kernel of the matrix, 7.3, on x86_64 and arm64, as
# the test kernel and as Debian's image, whose production config has no
# lockdep or kmemleak to weigh on the figures) with QEMU's
# -icount shift=0,sleep=off, so that the guest's clocks advance by
# executed instructions and its times are deterministic instruction
# counts, and with one CPU (an x86 guest with two under -icount stalled
# bringing up the second; the workloads pin their threads to CPU 0
# anyway), runs lazyfpu-bench --json there (BENCH_REPEAT runs per figure,
# default 4: the first records the trace, and the times are the median of
# the other three), writes the result to bench/KVER-ARCH.json in the
# repository, and regenerates the tables of Documentation/performance.rst
# from every bench/*.json (scripts/bench-tables.py).  Each guest also has
# the module built with FP tracking compiled out (LAZYFPU_BENCH_NOTRACK),
# on which the bench runs the no-FP workload alone: target P3.  On the
# test kernels it also draws the
# ownership timelines of one workload (BENCH_TIMELINE, default
# fp_read_only: a guest that only reads its vector registers) under the
# three policies, one above the other, per backend:
# Documentation/images/timeline-KVER-ARCH-BACKEND.svg, and the
# trace-event JSON of the same in build/bench/ (lazyfpu-timeline).

. "$(dirname "$0")/lib.sh"

[ $# -gt 0 ] || set -- 7.3-x86_64 7.3-arm64 debian-7.3-amd64 debian-7.3-arm64
"$LFPU_ROOT/scripts/deps.sh"
mkdir -p "$LFPU_ROOT/bench" "$LFPU_ROOT/build/bench" "$LFPU_ROOT/Documentation/images"
timeline=${BENCH_TIMELINE:-fp_read_only}
status=0
export LAZYFPU_BENCH_NOTRACK=1
for cfg in "$@"; do
	if is_debian "$cfg"; then
		# Debian's image: its production config (no lockdep, no
		# kmemleak), the module as DKMS builds it.
		work="${LAZYFPU_WORK:-$CACHE/work}/$cfg"
		run=("$LFPU_ROOT/scripts/debian-guest.sh" "${cfg#debian-}" bench)
		args="--json,--repeat,${BENCH_REPEAT:-4}"
	else
		parse_matrix_entry "$cfg"
		[ -z "$boot" ] || die "make bench takes KVER-ARCH[-san] or debian-KEY entries, not $cfg"
		"$LFPU_ROOT/scripts/build-kernel.sh" "$kver" "$arch" "$flavour" >/dev/null
		"$LFPU_ROOT/scripts/build-guest.sh" "$kver" "$arch" "$flavour" >/dev/null
		work=$(work_dir "$kver" "$arch" "$flavour")
		run=("$LFPU_ROOT/scripts/run-qemu.sh" "$kver" "$arch" bench "$flavour")
		args="--json,--repeat,${BENCH_REPEAT:-4},--timeline,$timeline"
	fi
	log "$cfg: benchmarking under -icount (this takes minutes)"
	if ! LAZYFPU_QEMU_ARGS="-icount shift=0,sleep=off -smp 1" \
		LAZYFPU_ARGS="$args" \
		LAZYFPU_QEMU_TIMEOUT=${LAZYFPU_QEMU_TIMEOUT:-3600} "${run[@]}"; then
		log "$cfg: the benchmark failed; see $work/console.log and $work/result"
		status=1
		continue
	fi
	out="$LFPU_ROOT/bench/$cfg.json"
	# One JSON array per module (lazyfpu.ko, then the untracked build):
	# one list of records.
	if ! python3 - "$work/result" >"$out.tmp" <<-'EOF'
	import json, re, sys
	text = open(sys.argv[1]).read()
	arrays = re.findall(r'^\[$.*?^\]$', text, re.S | re.M)
	records = [r for a in arrays for r in json.loads(a)]
	if not records:
	    sys.exit(1)
	json.dump(records, sys.stdout, indent=1)
	print()
	EOF
	then
		log "$cfg: the benchmark's output is not JSON; see $work/result"
		rm -f "$out.tmp"
		status=1
		continue
	fi
	mv "$out.tmp" "$out"
	log "$cfg: wrote $out"
	for backend in $(sed -n 's/^#timeline \([^ ]*\) .*/\1/p' "$work/result" | uniq); do
		specs=()
		for policy in lazy per-run eager; do
			grep "^#timeline $backend $policy " "$work/result" | cut -d' ' -f4- \
				>"$LFPU_ROOT/build/bench/$cfg-$backend-$policy.trace"
			specs+=("$policy=$LFPU_ROOT/build/bench/$cfg-$backend-$policy.trace")
		done
		svg="$LFPU_ROOT/Documentation/images/timeline-$cfg-$backend.svg"
		if "$LFPU_ROOT/tools/timeline/lazyfpu-timeline" \
			--title "$timeline on $cfg, backend $backend: lazy, per-run, eager" \
			--json "$LFPU_ROOT/build/bench/timeline-$cfg-$backend.json" --svg "$svg" \
			"${specs[@]}"; then
			log "$cfg: wrote $svg"
		else
			log "$cfg: no timeline for $backend"
			status=1
		fi
	done
done
python3 "$LFPU_ROOT/scripts/bench-tables.py" "$LFPU_ROOT/Documentation/performance.rst" \
	"$LFPU_ROOT"/bench/*.json
exit "$status"
