#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh [--static-only | --no-static] [ENTRY ...]: the test suite.  An
# ENTRY is a test kernel, KVER-ARCH[-VARIANT]: a -vqN entry boots the
# KVER-ARCH guest again with QEMU's SVE vector length limited to N
# quadwords (arm64); a -san entry builds and boots the sanitizer kernel
# (KASAN, UBSAN, KFENCE, lockup panics).  Or it is one of Debian's own
# kernel images, debian-KEY (scripts/debian-kernels.sh --list).
#
#  1. installs missing packages (as root) or says which are missing;
#  2. builds or reuses the test kernels of the matrix, fetches its Debian
#     images and their headers;
#  3. static checks: checkpatch --strict over every C source, then per
#     test kernel a W=1 + sparse (C=2) module build that must print no
#     warning, and per Debian image a build against its linux-headers as
#     DKMS does it;
#  4. boots each guest in QEMU, which loads the module, runs the KUnit
#     suites (test kernels) and userspace tests, and reports through its
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
[ ${#matrix[@]} -gt 0 ] ||
	die "usage: check.sh [--static-only | --no-static] ENTRY...; the default matrix is the Makefile's (make check)"

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

# A matrix entry is a test kernel, KVER-ARCH[-VARIANT], or one of Debian's
# own kernel images, debian-KEY (KEY as for scripts/debian-kernels.sh).
is_debian() {
	case "$1" in debian-*) return 0 ;; *) return 1 ;; esac
}

for cfg in "${matrix[@]}"; do
	is_debian "$cfg" || parse_matrix_entry "$cfg"
done

# Kernels first, the slow and cached part: test kernels are built, Debian
# images and their headers fetched.
for cfg in "${matrix[@]}"; do
	if is_debian "$cfg"; then
		"$LFPU_ROOT/scripts/debian-kernels.sh" "${cfg#debian-}" >/dev/null
	else
		parse_matrix_entry "$cfg"
		"$LFPU_ROOT/scripts/build-kernel.sh" "$kver" "$arch" "$flavour" >/dev/null
	fi
done

# The kernel's own KTAP parser (tools/testing/kunit/kunit.py parse) reads
# a guest's document too: RESULT P F S, our counts.  Prints its counts and
# returns non-zero when they differ from ours (its failed count includes
# what it calls crashed or errors).
ktap_cross_check() {
	local kunit_py out kp kf ks
	kunit_py="$(kernel_source 6.12)/tools/testing/kunit/kunit.py"
	out=$(python3 "$kunit_py" parse "$1" 2>&1 | grep -o "Testing complete\. Ran .*" | tail -1)
	kp=$(grep -o "passed: [0-9]*" <<<"$out" | grep -o "[0-9]*$" || echo 0)
	kf=$(grep -oE "(failed|crashed|errors): [0-9]*" <<<"$out" | grep -o "[0-9]*$" |
		awk '{ n += $1 } END { print n + 0 }')
	ks=$(grep -o "skipped: [0-9]*" <<<"$out" | grep -o "[0-9]*$" || echo 0)
	echo "kunit.py: ${out:-no summary}"
	[ -n "$out" ] && [ "$kp" = "$2" ] && [ "$kf" = "$3" ] && [ "$ks" = "$4" ]
}

# One guest's outcome: NAME WORK SUFFIX VERDICT(0/1).  Its KTAP results
# count one by one; a guest without its success token (a panic, a WARN, a
# hang, a leak) is a failure of its own.
report_boot() {
	local name=$1 work=$2 sfx=$3 verdict=$4 p f s secs line backends kparse

	read -r p f s < <(awk -f "$LFPU_ROOT/scripts/ktap-summary.awk" "$work/result$sfx" \
		2>/dev/null || echo "0 0 0")
	total_pass=$((total_pass + p)) total_fail=$((total_fail + f)) total_skip=$((total_skip + s))
	secs=$(cat "$work/qemu-seconds$sfx" 2>/dev/null || echo "?")
	# The backends the module found, from its load message.
	backends=$(sed -n 's/.*lazyfpu: FP backends: \(.*\)$/\1/p' "$work/console$sfx.log" \
		2>/dev/null | head -1 | tr -d '\r')
	line="$name [${backends:-no backends reported}]: $p passed, $f failed, $s skipped in ${secs}s"
	# A complete document must read the same to the kernel's parser.
	if [ "$verdict" = 1 ] && ! kparse=$(ktap_cross_check "$work/result$sfx" "$p" "$f" "$s"); then
		count "$name: KTAP read alike by kunit.py parse ($p passed, $f failed, $s skipped; $kparse)" 0
	fi
	if [ "$verdict" = 1 ] && [ "$f" = 0 ]; then
		report+=("ok      $line")
		return
	fi
	if [ "$verdict" = 1 ]; then
		report+=("FAILED  $line")
	else
		total_fail=$((total_fail + 1))
		report+=("FAILED  $line; no success token")
	fi
	echo "---- $name: failures from $work/result$sfx ----"
	grep -E "^ *not ok|^# " "$work/result$sfx" 2>/dev/null | head -40 || true
	echo "---- $name: console tail ($work/console$sfx.log) ----"
	tail -40 "$work/console$sfx.log" 2>/dev/null || true
}

# A Debian image: the module built against its headers as DKMS would
# (no W=1 or sparse, as on a user's machine), then booted.
check_debian() {	# KEY
	local key=$1 work verdict=0

	work="${LAZYFPU_WORK:-$CACHE/work}/debian-$key"
	if ! "$LFPU_ROOT/scripts/debian-guest.sh" "$key" build >/dev/null; then
		count "debian $key: build against its linux-headers as DKMS does" 0
		return
	fi
	[ "$run_static" = 1 ] && count "debian $key: build against its linux-headers as DKMS does" 1
	[ "$run_qemu" = 1 ] || return 0
	log "debian $key: booting QEMU"
	"$LFPU_ROOT/scripts/debian-guest.sh" "$key" boot && verdict=1
	report_boot "debian $key" "$work" "" "$verdict"
}

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
	if is_debian "$cfg"; then
		check_debian "${cfg#debian-}"
		continue
	fi
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
	verdict=0
	"$LFPU_ROOT/scripts/run-qemu.sh" "$kver" "$arch" check "$variant" && verdict=1
	report_boot "$name" "$work" "$sfx" "$verdict"
done

echo
echo "==== lazyfpu check summary ($((SECONDS - started)) s) ===="
printf '%s\n' "${report[@]}"
summary="$total_pass passed, $total_fail failed"
[ "$total_skip" -gt 0 ] && summary="$summary, $total_skip skipped"
echo "$summary"
[ "$total_fail" = 0 ]
