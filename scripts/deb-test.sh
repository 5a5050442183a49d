#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# deb-test.sh: the packages' tests, as KTAP, for make check.
#
#  1. make deb builds lazyfpu-dkms and lazyfpu-tools from the tracked files
#     and lintian reports no error;
#  2. the packages hold exactly what they should: lazyfpu-dkms every module
#     source git tracks (and nothing else) under /usr/src/lazyfpu-VERSION,
#     its dkms.conf, the udev rule and the modules-load.d example;
#     lazyfpu-tools the three programs, the example guests and the manual
#     pages;
#  3. installing lazyfpu-dkms here builds and installs the module with DKMS
#     for every installed kernel that has its headers (dkms status);
#  4. removing it removes the module again.
#
# 3 and 4 need root and at least one kernel's headers (linux-headers-amd64
# or -arm64): otherwise they are skipped and say why.

. "$(dirname "$0")/lib.sh"

n=0 failed=0
result() {	# result OK NAME [# SKIP why]
	n=$((n + 1))
	if [ "$1" = 1 ]; then
		echo "ok $n $2"
	else
		echo "not ok $n $2"
		failed=1
	fi
}
diag() { sed 's/^/# /'; }

echo "KTAP version 1"
echo "1..5"
out="$LFPU_ROOT/build/deb"
mkdir -p "$LFPU_ROOT/build"
version=$(dpkg-parsechangelog -l "$LFPU_ROOT/debian/changelog" -S Version)

built=0
if "$LFPU_ROOT/scripts/deb.sh" >"$out.log" 2>&1; then
	built=1
	grep -cE "^W:" "$out/lintian.txt" | sed 's/^/lintian warnings: /' | diag
else
	tail -20 "$out.log" | diag
fi
result "$built" "packages_build_lintian_clean"

# 2. The contents against what they should be.
expected() {
	echo "== lazyfpu-dkms_${version}_all.deb"
	echo "./lib/udev/rules.d/60-lazyfpu-dkms.rules"
	echo "./usr/share/doc/lazyfpu-dkms/changelog.gz"
	echo "./usr/share/doc/lazyfpu-dkms/copyright"
	echo "./usr/share/doc/lazyfpu-dkms/examples/lazyfpu.conf"
	(cd "$LFPU_ROOT" && git ls-files Kbuild Makefile dkms.conf arch compat fpu include kunit vmm) |
		sed "s|^|./usr/src/lazyfpu-$version/|"
	echo "== lazyfpu-tools_${version}_$(dpkg --print-architecture).deb"
	echo "./usr/bin/lazyfpu-bench"
	echo "./usr/bin/lazyfpu-timeline"
	echo "./usr/bin/lazyfpu-vmm"
	echo "./usr/share/doc/lazyfpu-tools/changelog.gz"
	echo "./usr/share/doc/lazyfpu-tools/copyright"
	for f in "$LFPU_ROOT"/tools/examples/*.lfa; do
		echo "./usr/share/lazyfpu/examples/${f##*/}"
	done
	echo "./usr/share/man/man1/lazyfpu-bench.1.gz"
	echo "./usr/share/man/man1/lazyfpu-timeline.1.gz"
	echo "./usr/share/man/man1/lazyfpu-vmm.1.gz"
	echo "./usr/share/man/man4/lazyfpu.4.gz"
}
contents_ok=0
if [ "$built" = 1 ]; then
	# Files only (directories end in /), the debug symbols package aside.
	awk '/^== / { keep = $2 !~ /dbgsym/ } keep && !/\/$/' "$out/contents.txt" | LC_ALL=C sort >"$out/contents.have"
	expected | LC_ALL=C sort >"$out/contents.want"
	if diff -u "$out/contents.want" "$out/contents.have" >"$out/contents.diff"; then
		contents_ok=1
	else
		diag <"$out/contents.diff"
	fi
fi
result "$contents_ok" "packages_hold_the_expected_files"

# 3, 4. Install and remove lazyfpu-dkms on this machine.
kernels=()
for b in /lib/modules/*/build; do
	[ -e "$b/Makefile" ] && kernels+=("$(basename "$(dirname "$b")")")
done
if [ "$(id -u)" != 0 ] || [ ${#kernels[@]} = 0 ] || [ "$built" = 0 ]; then
	why="needs root and an installed linux-headers package"
	[ "$built" = 0 ] && why="the packages did not build"
	echo "ok 3 dkms_builds_for_installed_headers # SKIP $why"
	echo "ok 4 dkms_module_installed_where_dkms_says # SKIP $why"
	echo "ok 5 removal_removes_the_module # SKIP $why"
	exit "$failed"
fi
dpkg -r lazyfpu-dkms >/dev/null 2>&1 || true
installed=0
if dpkg -i "$out/lazyfpu-dkms_${version}_all.deb" >"$out/install.log" 2>&1; then
	installed=1
	for k in "${kernels[@]}"; do
		dkms status -m lazyfpu -v "$version" -k "$k" | grep -q ": installed" ||
			{ echo "not installed for $k" | diag; installed=0; }
	done
fi
dkms status | diag
[ "$installed" = 1 ] || tail -20 "$out/install.log" | diag
result "$installed" "dkms_builds_for_installed_headers"
present=1
for k in "${kernels[@]}"; do
	modinfo -k "$k" -F version lazyfpu >/dev/null 2>&1 || { present=0; echo "modinfo -k $k lazyfpu: none" | diag; }
	f=$(modinfo -k "$k" -n lazyfpu 2>/dev/null || true)
	case "$f" in */updates/dkms/lazyfpu.ko*) ;; *) present=0; echo "$k: lazyfpu is '$f'" | diag ;; esac
done
result "$present" "dkms_module_installed_where_dkms_says"
removed=0
if dpkg -r lazyfpu-dkms >"$out/remove.log" 2>&1; then
	removed=1
	for k in "${kernels[@]}"; do
		[ -z "$(modinfo -k "$k" -n lazyfpu 2>/dev/null)" ] ||
			{ removed=0; echo "$k: lazyfpu still installed" | diag; }
	done
	[ -z "$(dkms status -m lazyfpu)" ] || { removed=0; dkms status | diag; }
fi
result "$removed" "removal_removes_the_module"
exit "$failed"
