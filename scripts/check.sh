#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh [--static-only | --no-static] [KVER-ARCH[-VARIANT] ...]: the
# test suite.  A -vqN entry boots the KVER-ARCH guest again with QEMU's
# SVE vector length limited to N quadwords (arm64); a -san entry builds
# and boots the sanitizer kernel (KASAN, UBSAN, KFENCE, lockup panics).
#
#  1. installs missing packages (as root) or says which are missing;
#  2. builds or reuses the test kernels of the matrix;
#  3. static checks: checkpatch --strict over every C source, then per
#     (version, arch) a W=1 + sparse (C=2) module build that must print no
#     warning;
#  4. boots each (version, arch) guest in QEMU, which loads the module,
#     runs the KUnit suites and userspace tests, and reports through its
#     result channel.
#
# Each static check and each KTAP test case counts once.  The last line is
# "N passed, N failed" (", N skipped" when any were), and the exit status
# is 0 only when nothing failed and every guest wrote its success token.

. "$(dirname "$0")/lib.sh"

run_static=1
run_qemu=1
case "${1:-}" in
--static-only) run_qemu=0; shift ;;
--no-static) run_static=0; shift ;;
esac
matrix=("$@")
[ ${#matrix[@]} -gt 0 ] || matrix=(6.1-x86_64 6.12-x86_64 6.1-arm64 6.1-arm64-vq1 6.1-arm64-vq4
				    6.12-arm64 6.12-arm64-vq1 6.12-arm64-vq4
				    6.12-x86_64-san 6.12-arm64-san)

"$LFPU_ROOT/scripts/deps.sh"

total_pass=0 total_fail=0 total_skip=0
report=()
started=$SECONDS

count() {	# count NAME PASS(0/1)
	if [ "$2" = 1 ]; then
		total_pass=$((total_pass + 1))
		report+=("ok      $1")
	else
		total_fail=$((total_fail + 1))
		report+=("FAILED  $1")
	fi
}

count_skip() {	# count_skip NAME WHY
	total_skip=$((total_skip + 1))
	report+=("skip    $1: $2")
}

for cfg in "${matrix[@]}"; do
	parse_matrix_entry "$cfg"
done

# Test kernels first: the slow, cached part.
for cfg in "${matrix[@]}"; do
	parse_matrix_entry "$cfg"
	"$LFPU_ROOT/scripts/build-kernel.sh" "$kver" "$arch" "$flavour" >/dev/null
done

if [ "$run_static" = 1 ]; then
	log "checkpatch --strict"
	ksrc=$(kernel_source 6.12)
	# Kernel sources only; see .checkpatch.conf.
	mapfile -t sources < <(cd "$LFPU_ROOT" && git ls-files -co --exclude-standard \
		'*.c' '*.h' '*.S' | grep -v -e '^tools/' -e '^scripts/')
	if (cd "$LFPU_ROOT" && perl "$ksrc/scripts/checkpatch.pl" --quiet "${sources[@]}"); then
		count "checkpatch --strict (${#sources[@]} files)" 1
	else
		count "checkpatch --strict" 0
	fi
fi

declare -A built
for cfg in "${matrix[@]}"; do
	parse_matrix_entry "$cfg"
	# One guest build per (version, arch, flavour), shared by boot variants.
	key=$kver-$arch${flavour:+-$flavour}
	what="$kver/$arch${flavour:+ ($flavour)}: build: module W=1 clean, tools"
	if [ -z "${built[$key]:-}" ]; then
		built[$key]=failed
		if "$LFPU_ROOT/scripts/build-guest.sh" "$kver" "$arch" "$flavour" >/dev/null; then
			built[$key]=ok
			if [ "$run_static" = 1 ]; then
				count "$what" 1
				sparse=$(cat "$(work_dir "$kver" "$arch" "$flavour")/sparse")
				case "$sparse" in
				ran) count "$kver/$arch${flavour:+ ($flavour)}: sparse (C=2) clean" 1 ;;
				skipped:*) count_skip "$kver/$arch: sparse" "${sparse#skipped: }" ;;
				esac
			fi
		else
			count "$what" 0
		fi
	fi
	[ "${built[$key]}" = ok ] || continue
	[ "$run_qemu" = 1 ] || continue

	work=$(work_dir "$kver" "$arch" "$flavour")
	sfx=${boot:+-$boot}
	variant=$flavour$boot
	name="$kver/$arch${variant:+ ($variant)}"
	log "$name: booting QEMU"
	if "$LFPU_ROOT/scripts/run-qemu.sh" "$kver" "$arch" check "$variant"; then
		verdict=1
	else
		verdict=0
	fi
	read -r p f s < <(awk -f "$LFPU_ROOT/scripts/ktap-summary.awk" "$work/result$sfx" \
		2>/dev/null || echo "0 0 0")
	total_pass=$((total_pass + p)) total_fail=$((total_fail + f)) total_skip=$((total_skip + s))
	secs=$(cat "$work/qemu-seconds$sfx" 2>/dev/null || echo "?")
	line="$name: $p passed, $f failed, $s skipped in ${secs}s"
	if [ "$verdict" = 1 ] && [ "$f" = 0 ]; then
		report+=("ok      $line")
	else
		# No success token (panic, WARN, hang, leak) is a failure of its own.
		[ "$verdict" = 1 ] || total_fail=$((total_fail + 1))
		report+=("FAILED  $line; no success token" )
		echo "---- $name: failures from $work/result$sfx ----"
		grep -E "^ *not ok|^# " "$work/result$sfx" 2>/dev/null | head -40 || true
		echo "---- $name: console tail ($work/console$sfx.log) ----"
		tail -40 "$work/console$sfx.log" 2>/dev/null || true
	fi
done

echo
echo "==== lazyfpu check summary ($((SECONDS - started)) s) ===="
printf '%s\n' "${report[@]}"
summary="$total_pass passed, $total_fail failed"
[ "$total_skip" -gt 0 ] && summary="$summary, $total_skip skipped"
echo "$summary"
[ "$total_fail" = 0 ]
