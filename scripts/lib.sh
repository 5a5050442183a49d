# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Shared helpers for the lazyfpu test harness.  Sourced, never executed.
#
# Vocabulary used by every script:
#   KVER   kernel series under test: 6.1 or 6.12 (Debian's linux-source-$KVER)
#   ARCH   kernel architecture: x86_64 or arm64
#   CACHE  where unpacked sources and built kernels live, outside the repo

set -uo pipefail
set -e

LFPU_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${LAZYFPU_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/lazyfpu}
JOBS=${JOBS:-$(($(nproc) + 1))}
SUPPORTED_KVERS="6.1 6.12"
SUPPORTED_ARCHES="x86_64 arm64"

die() { echo "lazyfpu: error: $*" >&2; exit 1; }
log() { echo "lazyfpu: $*" >&2; }

check_kver() {
	case " $SUPPORTED_KVERS " in *" $1 "*) ;; *) die "unsupported KVER '$1' (want one of: $SUPPORTED_KVERS)";; esac
}

check_arch() {
	case "$1" in x86_64|arm64) ;; *) die "unsupported ARCH '$1' (want x86_64 or arm64)";; esac
}

# Kernel make variables for a target architecture.
kmake_vars() {
	case "$1" in
	x86_64) echo "ARCH=x86_64" ;;
	arm64) echo "ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-" ;;
	esac
}

# Userspace compiler for a target architecture (static binaries).
target_cc() {
	case "$1" in
	x86_64) echo "gcc" ;;
	arm64) echo "aarch64-linux-gnu-gcc" ;;
	esac
}

# The Debian package version of linux-source-$KVER, part of every cache key.
source_pkg_version() {
	dpkg-query -W -f='${Version}' "linux-source-$1" 2>/dev/null ||
		die "linux-source-$1 is not installed (run: make deps)"
}

# Unpack /usr/src/linux-source-$KVER.tar.xz once per package version and
# print the tree's path.  Unpacking is atomic (rename), so an interrupted
# run never leaves a half-populated tree that later runs would trust.
kernel_source() {
	local kver=$1 ver dir tmp
	ver=$(source_pkg_version "$kver")
	dir="$CACHE/src/linux-source-$kver-$ver"
	if [ ! -e "$dir/.lazyfpu-unpacked" ]; then
		log "unpacking linux-source-$kver ($ver) into $dir"
		mkdir -p "$CACHE/src"
		tmp=$(mktemp -d "$CACHE/src/.unpack.XXXXXX")
		tar -C "$tmp" -xf "/usr/src/linux-source-$kver.tar.xz"
		rm -rf "$dir"
		mv "$tmp/linux-source-$kver" "$dir"
		rmdir "$tmp"
		touch "$dir/.lazyfpu-unpacked"
	fi
	echo "$dir"
}

# The kernel's userspace headers for KVER on ARCH (make headers_install),
# installed once per source package version; prints their include
# directory.  The kernel's own selftests build against them.  Installing
# is atomic (rename), as unpacking is.
kernel_headers() {	# KVER ARCH
	local kver=$1 arch=$2 src dir tmp vars
	src=$(kernel_source "$kver")
	dir="$CACHE/headers/linux-$kver-$(source_pkg_version "$kver")-$arch"
	if [ ! -e "$dir/.lazyfpu-installed" ]; then
		log "installing the $kver/$arch kernel headers into $dir"
		mkdir -p "$CACHE/headers"
		tmp=$(mktemp -d "$CACHE/headers/.install.XXXXXX")
		read -r -a vars <<<"$(kmake_vars "$arch")"
		make -s -C "$src" "${vars[@]}" O="$tmp/build" headers_install >&2 ||
			die "headers_install failed for $kver/$arch"
		mv "$tmp/build/usr/include" "$tmp/include"
		rm -rf "$tmp/build" "$dir"
		touch "$tmp/.lazyfpu-installed"
		mv "$tmp" "$dir"
	fi
	echo "$dir/include"
}

# Kernel flavours: "" is the test kernel; "san" adds the sanitizers
# (KASAN, UBSAN bounds, KFENCE, lockup panics) of kconfig/san.config.
check_flavour() {
	case "$1" in ""|san) ;; *) die "unknown kernel flavour '$1' (want san or none)";; esac
}

# The config fragments of a test kernel, in merge order.
kernel_fragments() {	# ARCH [FLAVOUR]
	local k="$LFPU_ROOT/scripts/qemu/kconfig"
	echo "$k/common.config"
	echo "$k/debug.config"
	echo "$k/$1.config"
	[ -z "${2:-}" ] || echo "$k/$2.config"
}

# Cache key of a test kernel: package version, arch, flavour, every config
# fragment and the build script itself.  A change to any of them builds a
# new kernel.
kernel_key() {	# KVER ARCH [FLAVOUR]
	local kver=$1 arch=$2 flavour=${3:-} ver hash
	ver=$(source_pkg_version "$kver")
	hash=$( { echo "$ver $arch"
		  mapfile -t frags < <(kernel_fragments "$arch" "$flavour")
		  cat "${frags[@]}" "$LFPU_ROOT/scripts/build-kernel.sh"
		  $(target_cc "$arch") --version | head -1; } |
		sha256sum | cut -c1-12)
	echo "$kver-$arch${flavour:+-$flavour}-$hash"
}

kernel_build_dir() {	# KVER ARCH [FLAVOUR]
	echo "$CACHE/kernels/$(kernel_key "$1" "$2" "${3:-}")"
}

# Per-(version, arch) scratch area for module, tools and initramfs builds.
# LAZYFPU_WORK moves it, so that two checkouts can test side by side.
work_dir() {
	echo "${LAZYFPU_WORK:-$CACHE/work}/$1-$2"
}

kernel_image() {
	case "$2" in
	x86_64) echo "$1/arch/x86/boot/bzImage" ;;
	arm64) echo "$1/arch/arm64/boot/Image" ;;
	esac
}
