#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# debian-kernels.sh KEY: fetch one of Debian's own kernels, unmodified,
# without installing anything on this machine, and print where its parts
# are, as shell assignments:
#
#   DEB_KEY DEB_SUITE DEB_VERSION  the key, the suite, the package version
#   DEB_RELEASE     the kernel release (uname -r, the modules directory name)
#   DEB_ARCH        x86_64 or arm64 (the harness's ARCH)
#   DEB_IMAGE       the kernel to boot (vmlinuz, which QEMU boots for both)
#   DEB_MODULES     its /lib/modules/RELEASE directory
#   DEB_KDIR        the linux-headers tree: KDIR for `make M=...`, as DKMS
#                   uses /lib/modules/RELEASE/build
#   DEB_MAKE_VARS   make variables that building against DEB_KDIR needs on
#                   this machine (cross compiler, compiler override)
#   DEB_PACKAGES    the .deb files, space separated
#
# debian-kernels.sh --list prints every key with its packages;
# debian-kernels.sh --cached KEY exits 0 when KEY is fetched and nothing
# would be done.
#
# KEY is SERIES-FLAVOUR:
#   6.1-amd64 6.1-arm64 6.1-rt-amd64               bookworm (incl. -security)
#   6.12-amd64 6.12-arm64 6.12-rt-amd64            bookworm-backports (+deb12)
#   7.3-amd64 7.3-arm64 7.3-rt-amd64               trixie-backports (+deb13)
#
# What is fetched, always the newest build of the series in its suite:
#   - the signed linux-image package users install (7.3 splits it into
#     linux-image, linux-binary, linux-modules and linux-base; all four);
#   - linux-headers-ABI-FLAVOUR with what it depends on:
#     linux-headers-ABI-common(-rt) and linux-kbuild, the latter always the
#     amd64 build, since its programs (fixdep, modpost, objtool) run on this
#     machine, also when they build for arm64.
# Packages come through apt with private lists under $CACHE/apt (see
# lib.sh), so apt verifies them against the signed archive indexes; they
# are unpacked with dpkg-deb -x into $CACHE/debian/KEY-VERSION, atomically.
#
# What differs from a machine that installs these packages is repaired in
# the unpacked copy only:
#   - the headers' Makefile names /usr/src/... absolutely: rewritten to
#     the unpacked tree;
#   - modules.dep is made by the package's postinst: depmod runs here;
#   - trixie's (7.3) kbuild programs need glibc 2.38, and Debian 12 has
#     2.36: those that do not run here (modpost, objtool, resolve_btfids)
#     are rebuilt from the same version's linux-source package.
# And two things are worked around on the make command line
# (DEB_MAKE_VARS): trixie's headers name gcc-14, which Debian 12 does not
# have, so CC is Debian 12's gcc and the gcc-14-only flags are off (on
# arm64 that leaves __init/__exit functions short of the alignment the
# kernel's ftrace expects: such a module WARNs at load); and module BTF is
# skipped when this machine's pahole is older than the kernel's.

. "$(dirname "$0")/lib.sh"

# The suite each series comes from.
deb_suite() {	# SERIES
	case "$1" in
	6.1) echo bookworm ;;
	6.12) echo bookworm-backports ;;
	7.3) echo trixie-backports ;;
	*) die "no Debian kernel series '$1' (want 6.1, 6.12 or 7.3)" ;;
	esac
}

# Debian's architecture name of a flavour, and the harness's.
deb_arch() { case "$1" in *arm64) echo arm64 ;; *) echo amd64 ;; esac; }
harness_arch() { case "$1" in arm64) echo arm64 ;; amd64) echo x86_64 ;; esac; }

# The newest image package of SERIES-FLAVOUR in SUITE.  Debian names them
# linux-image-ABI-FLAVOUR, ABI being 6.1.0-56, 6.12.95+deb12, 7.3.4+deb13;
# debug symbols (-dbg) and unsigned builds (-unsigned) are not images.
deb_image_pkg() {	# SUITE SERIES FLAVOUR
	local re="^linux-image-${2//./\\.}(\\.[0-9]+)*(-[0-9]+)?(\\+deb[0-9]+)?-$3\$"
	apt_cache "$1" search --names-only "$re" 2>/dev/null | cut -d' ' -f1 |
		grep -Ev -- '-(dbg|unsigned)$' | sort -V | tail -1
}

# One field of PACKAGE:ARCH's newest version in SUITE.
deb_field() {	# SUITE PACKAGE:ARCH FIELD
	apt_cache "$1" show --no-all-versions "$2" 2>/dev/null |
		sed -n "s/^$3: //p" | head -1
}

# The architecture of PACKAGE as built for ARCH: ARCH, or "all" (as
# linux-headers-ABI-common is), which apt does not accept as PACKAGE:arm64.
deb_pkg_arch() {	# SUITE PACKAGE ARCH
	local a
	for a in "$3" all; do
		a=$(deb_field "$1" "$2:$a" Architecture)
		[ -z "$a" ] || { echo "$a"; return; }
	done
	die "$1 has no $2 for $3"
}

# The linux-* packages PACKAGE:ARCH depends on, matching REGEX (versions
# and alternatives dropped).
deb_deps() {	# SUITE PACKAGE:ARCH REGEX
	deb_field "$1" "$2" Depends | tr ',|' '\n' | sed 's/^ *//; s/ .*//' |
		grep -E "$3" || true
}

# Rebuild the kbuild host programs of SERIES from its linux-source package
# (the same Debian version as the headers: the unpacked trees of lib.sh),
# for this machine's glibc, and print the build directory.  An
# allnoconfig x86_64 kernel with modules is enough for modpost and
# objtool; resolve_btfids is built on its own.  modpost.real-lsb-64 is the
# one Debian's modpost wrapper runs for both amd64 and arm64 modules.
deb_host_tools() {	# SERIES
	local out
	out="$CACHE/debian/hosttools-$1-$(source_pkg_version "$1")"
	[ -e "$out/.lazyfpu-built" ] ||
		with_cache_lock "hosttools-$1" deb_build_host_tools "$1" "$out" || exit 1
	echo "$out"
}

deb_build_host_tools() {	# SERIES OUT (under its lock)
	local src out=$2
	src=$(kernel_source "$1")
	if [ ! -e "$out/.lazyfpu-built" ]; then
		log "building $1 kbuild host programs for this machine's glibc in $out"
		rm -rf "$out"
		mkdir -p "$out"
		{
			make -C "$src" O="$out" ARCH=x86_64 allnoconfig &&
			"$src/scripts/config" --file "$out/.config" --enable MODULES \
				--enable 64BIT --enable UNWINDER_ORC &&
			make -C "$src" O="$out" ARCH=x86_64 olddefconfig &&
			make -C "$src" O="$out" ARCH=x86_64 -j"$JOBS" modules_prepare &&
			mkdir -p "$out/tools/bpf/resolve_btfids" &&
			make -C "$src/tools/bpf/resolve_btfids" \
				OUTPUT="$out/tools/bpf/resolve_btfids/" -j"$JOBS"
		} >"$out/build.log" 2>&1 ||
			{ tail -30 "$out/build.log" >&2; die "host programs of $1 did not build"; }
		touch "$out/.lazyfpu-built"
	fi
}

# Replace the kbuild programs that cannot run here by rebuilt ones.
deb_fix_host_tools() {	# SERIES KBUILD_DIR
	local series=$1 kb=$2 tools f rel new
	mapfile -t broken < <(broken_host_programs "$kb")
	[ ${#broken[@]} -gt 0 ] || return 0
	tools=$(deb_host_tools "$series")
	for f in "${broken[@]}"; do
		rel=${f#"$kb"/}
		case "$rel" in
		scripts/mod/modpost.real-lsb-64) new=$tools/scripts/mod/modpost ;;
		tools/objtool/objtool.real-x86) new=$tools/tools/objtool/objtool ;;
		tools/objtool/objtool) new=$tools/tools/objtool/objtool ;;
		tools/bpf/resolve_btfids/resolve_btfids)
			new=$tools/tools/bpf/resolve_btfids/resolve_btfids ;;
		*) log "debian: $rel cannot run here and has no replacement (not needed for amd64/arm64 modules)"
		   continue ;;
		esac
		[ -x "$new" ] || die "rebuilt host program $new is missing"
		log "debian: replacing $rel (needs a newer glibc) by a rebuilt one"
		cp "$new" "$f"
	done
}

# Make variables for building modules against the unpacked headers here:
# the cross compiler for arm64, and, when the headers name a compiler this
# machine lacks (trixie's gcc-14 on Debian 12), the machine's own gcc
# instead, with the compiler flags only the newer gcc knows turned off at
# their Kconfig switch.
deb_make_vars() {	# KDIR DEBARCH
	local kdir=$1 arch=$2 cross cc vars=()
	case "$arch" in
	arm64) cross=aarch64-linux-gnu-; vars+=(ARCH=arm64 "CROSS_COMPILE=$cross") ;;
	*) cross=x86_64-linux-gnu- ;;
	esac
	cc=$(sed -n 's/^CC = .*$(CROSS_COMPILE)\(gcc[-0-9]*\)$/\1/p' "$kdir/.kernelvariables" 2>/dev/null)
	if [ -n "$cc" ] && ! command -v "$cross$cc" >/dev/null; then
		vars+=("CC=${cross}gcc")
		# -fmin-function-alignment (gcc 14) and any other flag that
		# this gcc rejects: kbuild adds them only when the headers'
		# config says the compiler has them.
		"${cross}gcc" -fmin-function-alignment=16 -E -x c /dev/null >/dev/null 2>&1 ||
			vars+=(CONFIG_CC_HAS_MIN_FUNCTION_ALIGNMENT=)
	fi
	# Module BTF (for BPF) needs pahole at least as new as the kernel's:
	# its flags are chosen by the kernel's CONFIG_PAHOLE_VERSION.  Debian's
	# kbuild depends on pahole; without one new enough here (Debian 12
	# has 1.24, trixie's kernels want 1.30), skip BTF, which nothing in
	# the module needs.
	if grep -q '^CONFIG_DEBUG_INFO_BTF_MODULES=y' "$kdir/.config" && [ -f "$kdir/vmlinux" ]; then
		local have need
		have=$(pahole --version 2>/dev/null | tr -dc '0-9')
		need=$(sed -n 's/^CONFIG_PAHOLE_VERSION=//p' "$kdir/.config")
		[ "${have:-0}" -ge "${need:-0}" ] || vars+=(CONFIG_DEBUG_INFO_BTF_MODULES=)
	fi
	echo "${vars[*]}"
}

# Whether KEY is fetched, from what its lists said last time: then its
# DEB_* variables are set.
deb_cached() {	# KEY SUITE
	local env="$CACHE/debian/$1.env" stamp
	stamp=$(apt_suite_refresh "$2")
	[ "$env" -nt "$stamp" ] || return 1
	# shellcheck disable=SC1090
	. "$env"
	[ -e "$CACHE/debian/$1-$DEB_VERSION/.lazyfpu-unpacked" ]
}

deb_fetch() {	# KEY: fetch and unpack, set the DEB_* variables
	local key=$1 series flavour suite img ver darch dir tmp p deps=() debs=() rel
	series=${key%%-*}
	flavour=${key#*-}
	[ "$series" != "$key" ] || die "bad key '$key' (want e.g. 6.1-amd64)"
	case "$flavour" in amd64|arm64|rt-amd64|rt-arm64) ;;
	*) die "unknown flavour '$flavour' (want amd64, arm64, rt-amd64 or rt-arm64)" ;; esac
	suite=$(deb_suite "$series")
	darch=$(deb_arch "$flavour")

	# What the lists said last time, while they have not changed since:
	# resolving the packages takes a dozen apt-cache runs.
	! deb_cached "$key" "$suite" || return 0

	img=$(deb_image_pkg "$suite" "$series" "$flavour")
	[ -n "$img" ] || die "$suite has no linux-image for $series-$flavour"
	ver=$(deb_field "$suite" "$img:$darch" Version)
	rel=${img#linux-image-}
	local hdr="linux-headers-$rel"

	# Image side: the image, and in 7.3's split packaging its parts.
	deps=("$img:$darch")
	for p in $(deb_deps "$suite" "$img:$darch" "^linux-(binary|modules|base)-"); do
		deps+=("$p:$darch")
	done
	# Headers side: the flavour's headers, their common part(s) and the
	# kbuild programs (always amd64: they run here).
	deps+=("$hdr:$darch")
	for p in $(deb_deps "$suite" "$hdr:$darch" "^linux-(headers|base)-"); do
		deps+=("$p:$(deb_pkg_arch "$suite" "$p" "$darch")")
	done
	for p in $(deb_deps "$suite" "$hdr:$darch" "^linux-kbuild-"); do
		deps+=("$p:amd64")
	done

	mapfile -t deps < <(printf '%s\n' "${deps[@]}" | awk '!seen[$0]++')
	for p in "${deps[@]}"; do
		local name=${p%:*} arch=${p##*:} v deb
		v=$(deb_field "$suite" "$name:$arch" Version)
		[ -n "$v" ] || die "$suite has no $name ($arch)"
		# (A failure inside $(...) does not stop the script: check.)
		deb=$(apt_suite_download "$suite" "$name" "$v" "$arch") && [ -f "$deb" ] ||
			die "cannot download $name"
		debs+=("$deb")
	done

	dir="$CACHE/debian/$key-$ver"
	if [ ! -e "$dir/.lazyfpu-unpacked" ]; then
		log "unpacking ${#debs[@]} packages of $key ($ver) into $dir"
		mkdir -p "$CACHE/debian"
		tmp=$(mktemp -d "$CACHE/debian/.unpack.XXXXXX")
		# shellcheck disable=SC2064
		trap "rm -rf '$tmp'" EXIT
		for p in "${debs[@]}"; do
			dpkg-deb -x "$p" "$tmp" || { rm -rf "$tmp"; die "cannot unpack $p"; }
		done
		# The headers' Makefiles point at /usr/src; point them here.
		sed -i "s|/usr/src/|$dir/usr/src/|g" "$tmp"/usr/src/linux-headers-*/Makefile
		# modules.dep is not in the package (postinst runs depmod).
		# This kmod looks under BASE/lib/modules; a merged-/usr
		# package installs under usr/lib/modules.
		if [ ! -d "$tmp/lib/modules" ] && [ -d "$tmp/usr/lib/modules" ]; then
			mkdir -p "$tmp/lib"
			ln -s ../usr/lib/modules "$tmp/lib/modules"
		fi
		depmod -b "$tmp" "${img#linux-image-}" ||
			{ rm -rf "$tmp"; die "depmod failed for $key"; }
		deb_fix_host_tools "$series" "$(echo "$tmp"/usr/lib/linux-kbuild-*)"
		rm -rf "$dir"
		mv "$tmp" "$dir"
		touch "$dir/.lazyfpu-unpacked"
	fi

	DEB_KEY=$key DEB_SUITE=$suite DEB_VERSION=$ver
	DEB_ARCH=$(harness_arch "$darch")
	# Debian 12 packages install under /lib and /boot, trixie's may use
	# /usr/lib (merged /usr).
	DEB_RELEASE=${rel#linux-image-}
	DEB_MODULES='' DEB_IMAGE=''
	for p in "$dir/lib/modules/$DEB_RELEASE" "$dir/usr/lib/modules/$DEB_RELEASE"; do
		[ -d "$p" ] && DEB_MODULES=$p && break
	done
	for p in "$dir/boot/vmlinuz-$DEB_RELEASE" "$DEB_MODULES/vmlinuz"; do
		[ -f "$p" ] && DEB_IMAGE=$p && break
	done
	DEB_KDIR="$dir/usr/src/$hdr"
	[ -n "$DEB_IMAGE" ] && [ -d "$DEB_MODULES" ] && [ -f "$DEB_KDIR/Makefile" ] ||
		die "$key: unexpected package layout in $dir"
	DEB_MAKE_VARS=$(deb_make_vars "$DEB_KDIR" "$darch")
	DEB_PACKAGES="${debs[*]}"
	deb_print_vars >"$CACHE/debian/$key.env"
}

deb_print_vars() {
	local v
	for v in DEB_KEY DEB_SUITE DEB_VERSION DEB_RELEASE DEB_ARCH DEB_IMAGE DEB_MODULES \
		 DEB_KDIR DEB_MAKE_VARS DEB_PACKAGES; do
		printf '%s=%q\n' "$v" "${!v}"
	done
}

if [ "${1:-}" = --list ]; then
	for key in 6.1-amd64 6.1-arm64 6.1-rt-amd64 6.12-amd64 6.12-arm64 6.12-rt-amd64 \
		   7.3-amd64 7.3-arm64 7.3-rt-amd64; do
		series=${key%%-*} flavour=${key#*-}
		suite=$(deb_suite "$series")
		img=$(deb_image_pkg "$suite" "$series" "$flavour")
		printf '%-14s %-20s %s %s\n' "$key" "$suite" "${img:-(none)}" \
			"${img:+$(deb_field "$suite" "$img:$(deb_arch "$flavour")" Version)}"
	done
	exit 0
fi

if [ "${1:-}" = --cached ]; then
	key=${2:?usage: debian-kernels.sh --cached KEY}
	deb_cached "$key" "$(deb_suite "${key%%-*}")"
	exit
fi

deb_fetch "${1:?usage: debian-kernels.sh KEY | --list | --cached KEY}"
deb_print_vars
