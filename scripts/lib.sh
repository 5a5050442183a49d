# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Shared helpers for the lazyfpu test harness.  Sourced, never executed.
#
# Vocabulary used by every script:
#   KVER   kernel series under test: 6.1, 6.12 or 7.3 (Debian's linux-source-$KVER)
#   ARCH   kernel architecture: x86_64 or arm64
#   CACHE  where unpacked sources and built kernels live, outside the repo

set -uo pipefail
set -e

LFPU_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${LAZYFPU_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/lazyfpu}
JOBS=${JOBS:-$(($(nproc) + 1))}
SUPPORTED_KVERS="6.1 6.12 7.3"
SUPPORTED_ARCHES="x86_64 arm64"

die() { echo "lazyfpu: error: $*" >&2; exit 1; }
log() { echo "lazyfpu: $*" >&2; }

# Run CMD holding the cache lock NAME.  The cache's shared parts (apt
# state, unpacked source trees, installed headers, rebuilt host programs)
# are made by whichever job needs them first, while any other job that
# needs the same part waits: make check fetches Debian's images beside
# the test kernels' builds.  CMD must check again, under the lock, whether
# its part is still to be made.
with_cache_lock() {	# NAME CMD...
	local name=$1
	shift
	mkdir -p "$CACHE/locks"
	( flock 9 && "$@" ) 9>"$CACHE/locks/$name.lock"
}

# Run CMD with scripts/huge-pages.c preloaded: the compilers' heaps in
# transparent huge pages, 17 % off a test kernel's build (see that file).
# Only where it changes something: when the machine's transparent_hugepage
# setting is "madvise"; under "always" the compilers have them already,
# under "never" (or without THP) they cannot.  The object is built once
# per source version, like host-tsc-khz; if it cannot be, CMD runs as is.
with_huge_pages() {	# CMD...
	local src="$LFPU_ROOT/scripts/huge-pages.c" so
	local dir="${LAZYFPU_WORK:-$CACHE/work}"

	if ! grep -qF "[madvise]" /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null; then
		"$@"
		return
	fi
	so="$dir/huge-pages-$(sha256sum "$src" | cut -c1-12).so"
	if [ ! -e "$so" ]; then
		mkdir -p "$dir"
		if ! gcc -O2 -shared -fPIC -o "$so.$$" "$src"; then
			rm -f "$so.$$"
			"$@"
			return
		fi
		mv "$so.$$" "$so"
	fi
	LD_PRELOAD="$so${LD_PRELOAD:+:$LD_PRELOAD}" "$@"
}

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

# Packages from Debian suites other than the machine's own (7.3 from
# trixie-backports, the kernel images of scripts/debian-kernels.sh) are
# fetched by apt with a private sources list, lists and cache under
# $CACHE/apt/SUITE; /etc/apt and /var/lib/apt are never written.  apt
# still does the checking: the suite's InRelease must be signed by a key
# in the Debian archive keyring, and each .deb must match the hash in the
# signed Packages index.
DEBIAN_KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

# The Debian mirror the machine already uses, so that a machine behind a
# local mirror or proxy keeps using it: the repository labelled LABEL
# ("Debian", or "Debian-Security"), whatever the sources file format.
# LAZYFPU_DEBIAN_MIRROR and LAZYFPU_DEBIAN_SECURITY_MIRROR override.
debian_mirror() {	# [LABEL]
	local label=${1:-Debian} uri
	case "$label" in
	Debian) uri=${LAZYFPU_DEBIAN_MIRROR:-} ;;
	*) uri=${LAZYFPU_DEBIAN_SECURITY_MIRROR:-} ;;
	esac
	[ -z "$uri" ] || { echo "${uri%/}"; return; }
	uri=$(apt-get indextargets --format '$(LABEL) $(REPO_URI)' 2>/dev/null |
		awk -v l="$label" '$1 == l { print $2; exit }')
	# Before the first `apt-get update` there is no release information:
	# take the repository of the machine's main suite, and the usual
	# layout of deb.debian.org for the security archive.
	if [ -z "$uri" ]; then
		uri=$(apt-get indextargets --no-release-info \
				--format '$(RELEASE) $(REPO_URI)' 2>/dev/null |
			awk '$1 !~ /-(security|updates)$/ { print $2; exit }')
		[ -z "$uri" ] || [ "$label" = Debian ] || uri="${uri%/}-security"
	fi
	[ -n "$uri" ] || die "no $label mirror in the apt sources (set LAZYFPU_DEBIAN_MIRROR)"
	echo "${uri%/}"
}

# The sources list of one private apt state.  A release name stands for
# the release as its users have it (with its -updates and -security
# suites, where the newest kernels of a stable release are); any other
# name (bookworm-backports, trixie-backports) is that suite alone.  Of
# sid only the sources are used (scripts/sparse.sh builds its sparse).
apt_sources() {	# SUITE
	local k="signed-by=$DEBIAN_KEYRING"
	if [ "$1" = sid ]; then
		echo "deb-src [$k] $(debian_mirror) sid main"
		return
	fi
	echo "deb [$k] $(debian_mirror) $1 main"
	case "$1" in
	*-*) ;;
	*) echo "deb [$k] $(debian_mirror) $1-updates main"
	   echo "deb [$k] $(debian_mirror Debian-Security) $1-security main" ;;
	esac
}

# apt options for the private state of one suite.  Both architectures'
# indexes are fetched: arm64 kernel images are downloaded, not installed.
apt_suite_opts() {	# SUITE
	local d="$CACHE/apt/$1"
	echo "-o Dir::Etc::SourceList=$d/sources.list -o Dir::Etc::SourceParts=/dev/null"
	echo "-o Dir::State::Lists=$d/lists -o Dir::Cache=$d/cache"
	# Keep the parsed indexes (some systems, e.g. container images, turn
	# the cache off); each apt-cache call would parse them again.
	echo "-o Dir::Cache::pkgcache=pkgcache.bin -o Dir::Cache::srcpkgcache=srcpkgcache.bin"
	echo "-o Dir::Cache::Archives=$d/archives -o APT::Architectures=amd64,arm64"
	# Root's apt downloads as _apt, which cannot enter a cache under
	# /root; the files are hash-checked either way.
	[ "$(id -u)" != 0 ] || echo "-o APT::Sandbox::User=root"
}

# Create or refresh the private lists of one suite.  They are refreshed
# when older than a day; if that fails (no network), the old lists are
# used, so a warm cache keeps working offline.  Prints the stamp file
# whose time is that of the lists.
apt_suite_stale() {	# SUITE
	local stamp="$CACHE/apt/$1/lists/.lazyfpu-updated"
	[ ! -e "$stamp" ] || [ -n "$(find "$stamp" -mmin +1440)" ]
}

apt_suite_refresh() {	# SUITE
	if apt_suite_stale "$1"; then
		with_cache_lock "apt-$1" apt_suite_update "$1" || exit 1
	fi
	echo "$CACHE/apt/$1/lists/.lazyfpu-updated"
}

apt_suite_update() {	# SUITE (under its lock)
	local suite=$1 d="$CACHE/apt/$1" opts
	if apt_suite_stale "$suite"; then
		read -r -a opts <<<"$(apt_suite_opts "$suite" | tr '\n' ' ')"
		mkdir -p "$d/lists/partial" "$d/cache" "$d/archives/partial"
		apt_sources "$suite" >"$d/sources.list"
		log "apt: updating the private package lists of $suite"
		if apt-get "${opts[@]}" -q update >"$d/update.log" 2>&1 &&
		   ! grep -qE "^(W|E):" "$d/update.log"; then
			touch "$d/lists/.lazyfpu-updated"
		elif [ -e "$d/lists/.lazyfpu-updated" ]; then
			log "apt: could not refresh $suite (see $d/update.log); using the old lists"
		else
			cat "$d/update.log" >&2
			die "apt: cannot fetch the package lists of $suite"
		fi
	fi
}

# Run apt-get or apt-cache against one suite's private state.
apt_suite() {	# SUITE apt-get|apt-cache ARGS...
	local suite=$1 opts
	shift
	apt_suite_refresh "$suite" >/dev/null
	read -r -a opts <<<"$(apt_suite_opts "$suite" | tr '\n' ' ')"
	"$@" "${opts[@]}"
}
# The apt tools take their options after the command name too.
apt_get() { local s=$1; shift; apt_suite "$s" apt-get "$@"; }
apt_cache() { local s=$1; shift; apt_suite "$s" apt-cache "$@"; }

# Newest version of PACKAGE in SUITE (empty if the suite has none).
apt_suite_version() {	# SUITE PACKAGE[:ARCH]
	apt_cache "$1" show --no-all-versions "$2" 2>/dev/null |
		sed -n 's/^Version: //p' | head -1
}

# Download PACKAGE=VERSION[:ARCH] from SUITE into $CACHE/debs once and
# print the .deb's path.  apt names the file PACKAGE_VERSION_ARCH.deb with
# ":" written as "%3a"; a file by that name was hash-checked when it was
# downloaded (into a temporary directory, then renamed).
apt_suite_download() {	# SUITE PACKAGE VERSION ARCH
	local suite=$1 pkg=$2 ver=$3 arch=$4 file tmp
	file="$CACHE/debs/${pkg}_${ver//:/%3a}_$arch.deb"
	if [ ! -e "$file" ]; then
		mkdir -p "$CACHE/debs"
		tmp=$(mktemp -d "$CACHE/debs/.download.XXXXXX")
		log "apt: downloading $pkg $ver ($arch) from $suite"
		(cd "$tmp" && apt_get "$suite" -q download "$pkg:$arch=$ver" >&2) ||
			{ rm -rf "$tmp"; die "apt: cannot download $pkg $ver ($arch) from $suite"; }
		if ! mv "$tmp/$(basename "$file")" "$file"; then
			rm -rf "$tmp"
			die "apt: $pkg $ver ($arch) is not $(basename "$file")"
		fi
		rmdir "$tmp"
	fi
	echo "$file"
}

# Where linux-source-$KVER comes from: 6.1 and 6.12 are Debian 12
# packages that `make deps` installs; newer series are downloaded from the
# Debian suite that has them (an empty answer means "installed").
source_suite() {
	case "$1" in
	6.1|6.12) echo "" ;;
	7.3) echo "trixie-backports" ;;
	*) die "no Debian source package known for Linux $1" ;;
	esac
}

# The Debian package version of linux-source-$KVER, part of every cache key.
source_pkg_version() {
	local suite ver
	suite=$(source_suite "$1")
	if [ -z "$suite" ]; then
		dpkg-query -W -f='${Version}' "linux-source-$1" 2>/dev/null ||
			die "linux-source-$1 is not installed (run: make deps)"
		return
	fi
	# Every cache key asks, so remember the answer while the lists are
	# unchanged instead of running apt-cache each time.
	local memo="$CACHE/apt/$suite/version-linux-source-$1" stamp
	stamp=$(apt_suite_refresh "$suite")
	if [ "$memo" -nt "$stamp" ]; then
		cat "$memo"
		return
	fi
	ver=$(apt_suite_version "$suite" "linux-source-$1")
	[ -n "$ver" ] || die "$suite has no linux-source-$1"
	# Renamed into place: another job may be reading it.
	echo "$ver" >"$memo.$$"
	mv "$memo.$$" "$memo"
	echo "$ver"
}

# Unpack linux-source-$KVER.tar.xz once per package version and print the
# tree's path.  The tarball is /usr/src/linux-source-$KVER.tar.xz of the
# installed package, or is streamed out of the downloaded .deb without
# installing it.  Unpacking is atomic (rename), so an interrupted run
# never leaves a half-populated tree that later runs would trust.
kernel_source() {
	local kver=$1 dir
	dir="$CACHE/src/linux-source-$kver-$(source_pkg_version "$kver")"
	[ -e "$dir/.lazyfpu-unpacked" ] ||
		with_cache_lock "src-$kver" unpack_kernel_source "$kver" "$dir" || exit 1
	echo "$dir"
}

unpack_kernel_source() {	# KVER DIR (under its lock)
	local kver=$1 dir=$2 suite ver tmp deb
	suite=$(source_suite "$kver")
	ver=$(source_pkg_version "$kver")
	if [ ! -e "$dir/.lazyfpu-unpacked" ]; then
		[ -z "$suite" ] || deb=$(apt_suite_download "$suite" "linux-source-$kver" "$ver" all)
		log "unpacking linux-source-$kver ($ver) into $dir"
		mkdir -p "$CACHE/src"
		tmp=$(mktemp -d "$CACHE/src/.unpack.XXXXXX")
		if [ -z "$suite" ]; then
			tar -C "$tmp" -xf "/usr/src/linux-source-$kver.tar.xz"
		else
			dpkg-deb --fsys-tarfile "$deb" |
				tar -xOf - "./usr/src/linux-source-$kver.tar.xz" |
				tar -C "$tmp" -xJf -
		fi
		rm -rf "$dir"
		mv "$tmp/linux-source-$kver" "$dir"
		rmdir "$tmp"
		touch "$dir/.lazyfpu-unpacked"
	fi
}

# The kernel's userspace headers for KVER on ARCH (make headers_install),
# installed once per source package version; prints their include
# directory.  The kernel's own selftests build against them.  Installing
# is atomic (rename), as unpacking is.
kernel_headers() {	# KVER ARCH
	local dir="$CACHE/headers/linux-$1-$(source_pkg_version "$1")-$2"
	[ -e "$dir/.lazyfpu-installed" ] ||
		with_cache_lock "headers-$1-$2" install_kernel_headers "$1" "$2" "$dir" || exit 1
	echo "$dir/include"
}

install_kernel_headers() {	# KVER ARCH DIR (under its lock)
	local kver=$1 arch=$2 dir=$3 src tmp vars
	src=$(kernel_source "$kver")
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
}

# Kernel flavours: "" is the test kernel; "san" adds the sanitizers
# (KASAN, UBSAN bounds, KFENCE, lockup panics) of kconfig/san.config.
check_flavour() {
	case "$1" in ""|san) ;; *) die "unknown kernel flavour '$1' (want san or none)";; esac
}

# The config fragments of a test kernel, in merge order: what every test
# kernel has, its debug options, the EXPERT defaults it keeps, the
# symbols whose names differ between kernel versions, the architecture's
# own, and the flavour's.
kernel_fragments() {	# KVER ARCH [FLAVOUR]
	local k="$LFPU_ROOT/scripts/qemu/kconfig"
	echo "$k/common.config"
	echo "$k/debug.config"
	echo "$k/expert.config"
	echo "$k/linux-$1.config"
	echo "$k/$2.config"
	[ -z "${3:-}" ] || echo "$k/$3.config"
}

# Cache key of a test kernel: package version, arch, flavour, every config
# fragment, the Kconfig overlay and the build script itself.  A change to
# any of them builds a new kernel.
kernel_key() {	# KVER ARCH [FLAVOUR]
	local kver=$1 arch=$2 flavour=${3:-} ver hash
	ver=$(source_pkg_version "$kver")
	hash=$( { echo "$ver $arch"
		  mapfile -t frags < <(kernel_fragments "$kver" "$arch" "$flavour")
		  cat "${frags[@]}" "$LFPU_ROOT/scripts/qemu/kconfig/Kconfig.lazyfpu" \
		      "$LFPU_ROOT/scripts/build-kernel.sh"
		  $(target_cc "$arch") --version | head -1; } |
		sha256sum | cut -c1-12)
	echo "$kver-$arch${flavour:+-$flavour}-$hash"
}

kernel_build_dir() {	# KVER ARCH [FLAVOUR]
	echo "$CACHE/kernels/$(kernel_key "$1" "$2" "${3:-}")"
}

# Per-(version, arch, flavour) scratch area for module, tools and
# initramfs builds.  LAZYFPU_WORK moves it, so that two checkouts can test
# side by side.
work_dir() {	# KVER ARCH [FLAVOUR]
	echo "${LAZYFPU_WORK:-$CACHE/work}/$1-$2${3:+-$3}"
}

# A private copy of the module's sources for one build, without the
# userspace tools, the harness, the documents or any build output, so
# that builds never share object files.
#
# The copy is made by content (--checksum) and does not keep the source's
# times: a file that changed gets the time of the copy, and kbuild
# rebuilds what depends on it; a file that did not is left alone, and so
# are its objects.  Keeping the times (rsync -a) made a checkout whose
# files are older than the objects of another checkout's build, in the
# same work directory, link those stale objects: the W=1 build then
# compiled nothing, and make bench measured the other checkout's engine.
# A copy made that way may hold today's sources beside yesterday's
# objects, which no comparison of contents can tell; such a copy (one
# without the stamp) is started afresh, once.
copy_module_sources() {	# SRC DEST
	[ -e "$2/.lazyfpu-copied-by-content" ] || rm -rf "$2"
	mkdir -p "$2"
	rsync -rlpD --checksum --delete --exclude=.git --exclude=/tools --exclude=/scripts \
		--exclude=Documentation --exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' \
		--exclude=/.lazyfpu-copied-by-content "$1/" "$2/"
	touch "$2/.lazyfpu-copied-by-content"
}

# strict_module_build WORK KVER MAKE-ARG...: make MAKE-ARG... W=1 C=2
# modules, which must print no compiler or sparse warning (the log is
# WORK/module-build.log).  One line is kbuild's, about this machine, not
# the module: Debian's 7.x headers say "warning: pahole version differs"
# when the host's pahole is not the kernel's, which matters only to the
# module BTF that debian_make_vars() turns off for want of one.
#
# The sparse is scripts/sparse.sh's, one that parses every kernel of the
# matrix (Debian 12's 0.6.4 cannot parse 7.x headers, so that script
# builds a newer one).  Having probed it as kbuild's checker-valid.sh
# would, we name the check level itself (KBUILD_CHECKSRC=2 on the command
# line wins over kbuild's own probe): Debian's 7.x headers packages lack
# that script, and kbuild would otherwise drop C=2 against them.  Where
# no such sparse can be had, kbuild decides, and when it drops C=2 (with a
# note and no "warning:") WORK/sparse says so.  WORK/sparse says "ran
# VERSION" or "skipped: <why>", for the summary.
strict_module_build() {
	local work=$1 kver=$2 log=$1/module-build.log why sparse checker=(C=2)
	shift 2
	if sparse=$("$LFPU_ROOT/scripts/sparse.sh"); then
		checker=(C=2 KBUILD_CHECKSRC=2 "CHECK=$sparse")
	fi
	if ! with_huge_pages make "$@" W=1 "${checker[@]}" -j"$JOBS" modules >"$log" 2>&1; then
		cat "$log" >&2
		die "module build failed for $kver ($log)"
	fi
	if grep -E "warning:|error:|Warning:" "$log" |
	   grep -vx "warning: pahole version differs from the one used to build the kernel" >&2; then
		die "module build for $kver is not warning-free (W=1, sparse C=2)"
	fi
	if [ -n "$sparse" ]; then
		echo "ran $(sparse_label "$sparse")" >"$work/sparse"
		return 0
	fi
	if ! grep -q "sparse is not available or not up to date" "$log"; then
		echo "ran $(sparse_label "$(command -v sparse)")" >"$work/sparse"
		return 0
	fi
	why="$(sparse --version 2>&1 | head -1) is too old for Linux $kver"
	! grep -q "checker-valid.sh: not found" "$log" ||
		why="the headers lack scripts/checker-valid.sh (and $why)"
	echo "skipped: $why" >"$work/sparse"
}

# Does SPARSE parse what the newest kernels' headers use (see
# scripts/sparse.sh)?  Like kbuild's probe, look for an error on its
# output: sparse exits 0 after one.
sparse_capable() {	# SPARSE
	local out
	[ -x "$1" ] || return 1
	out=$(printf '%s\n' 'static inline int u(const int *q)' '{' \
		'	__typeof_unqual__(*q) v = *q;' '	return v;' '}' |
		"$1" -x c - 2>&1) || return 1
	! grep -q "error" <<<"$out"
}

# Which sparse SPARSE is, for the summary: Debian's version of the
# package it came from.
sparse_label() {	# SPARSE
	case "$1" in
	"$CACHE"/tools/sparse-*/bin/sparse)
		local ver=${1#"$CACHE"/tools/sparse-}
		echo "${ver%/bin/sparse} (built from Debian's source)" ;;
	*) dpkg-query -W -f='${Version}' sparse 2>/dev/null ||
		"$1" --version ;;
	esac
}

# Is a matrix entry one of Debian's own kernel images (debian-KEY)?
is_debian() {	# ENTRY
	case "$1" in debian-*) return 0 ;; *) return 1 ;; esac
}

# A matrix entry KVER-ARCH[-san][-vqN]: sets kver, arch, flavour (the
# kernel flavour: "san" for the sanitizer kernel) and boot (a boot
# variant: "vqN" limits QEMU's SVE vector length to N quadwords).
parse_matrix_entry() {
	local variant
	IFS=- read -r kver arch variant <<<"$1"
	check_kver "$kver"
	check_arch "$arch"
	flavour= boot=
	case "${variant:-}" in
	san|san-*) flavour=san; variant=${variant#san}; variant=${variant#-} ;;
	esac
	case "${variant:-}" in
	"") ;;
	vq[0-9]*) [ "$arch" = arm64 ] || die "variant $variant is for arm64"
		  boot=$variant ;;
	*) die "unknown matrix variant '$variant' in '$1' (want [san][-vqN])" ;;
	esac
}

kernel_image() {
	case "$2" in
	x86_64) echo "$1/arch/x86/boot/bzImage" ;;
	arm64) echo "$1/arch/arm64/boot/Image" ;;
	esac
}

# The ELF programs under DIR that cannot run here (they need a newer
# glibc than this machine's): the kbuild programs of trixie's packages
# (debian-kernels.sh).
broken_host_programs() {	# DIR
	local f
	while IFS= read -r f; do
		# ELF programs only; ldd says "not found" for a missing
		# symbol version, and nothing of the sort for scripts.
		[ "$(head -c 4 "$f" | od -An -c | tr -d ' ')" = '177ELF' ] || continue
		# (Not ldd | grep -q: grep's early exit can kill ldd with
		# SIGPIPE, and pipefail then hides the match.)
		[[ "$(ldd "$f" 2>&1 || true)" == *"not found"* ]] && echo "$f"
	done < <(find "$1" -type f -perm -u+x)
	return 0
}

# Whether a guest's init started: anything on its result channel (only
# the init writes it), or any line of our module's on its console (the
# kernel prints "lazyfpu: ..." as soon as the init loads it).  Not the
# init's banner: the kernel's lines can cut into it on the console.
guest_init_started() {	# RESULT CONSOLE
	[ -s "$1" ] || grep -q "lazyfpu: " "$2" 2>/dev/null
}

# The x86 guests' TSC as the clocksource, on the kernel command line.
# Without it, an x86 guest on a busy host can lose its TSC, and a test
# kernel without ACPI (12bf8a8, undone) had only jiffies left, which rules
# out high resolution mode (hrtimers at 250 Hz: the init's high_res_clock
# result).  Two causes, two parameters:
#  - TCG's -cpu max is an AMD CPU without a constant-rate TSC, so with two
#    CPUs tsc_init() assumes their TSCs disagree (unsynchronized_tsc())
#    and marks the TSC unstable.  Under TCG every vCPU reads one counter,
#    kept monotonic across threads by QEMU (cpu_get_ticks()): tsc=reliable.
#  - The TSC calibration against the PIT can fail when the host is busy
#    ("tsc: Unable to calibrate against PIT").  The guest's TSC runs at
#    the host's rate (TCG reads the host's RDTSC), so the harness measures
#    that and passes it: tsc_early_khz=.  Not under -icount (make bench),
#    where the TSC follows the instruction count and the PIT calibration,
#    on one CPU, is exact.
x86_guest_tsc_cmdline() {
	local src="$LFPU_ROOT/scripts/qemu/host-tsc-khz.c" bin khz
	local dir="${LAZYFPU_WORK:-$CACHE/work}"

	printf 'tsc=reliable'
	case " ${LAZYFPU_QEMU_ARGS:-} " in *" -icount "*) return 0;; esac
	[ "$(uname -m)" = x86_64 ] || return 0
	bin="$dir/host-tsc-khz-$(sha256sum "$src" | cut -c1-12)"
	if [ ! -x "$bin" ]; then
		mkdir -p "$dir"
		gcc -O2 -o "$bin.$$" "$src" && mv "$bin.$$" "$bin" || return 0
	fi
	if khz=$("$bin"); then
		printf ' tsc_early_khz=%s' "$khz"
	fi
}

# Boot one test guest under TCG and wait for it to power off:
#   qemu_boot NAME ARCH KERNEL INITRAMFS WORK SUFFIX MODE MEM CPU_EXTRA CMDLINE
# with 2 vCPUs and MEM of memory; CPU_EXTRA is appended to arm64's -cpu
# (",sve-max-vq=N"); CMDLINE is added to the kernel command line, which
# makes every WARN a panic.  The console goes to WORK/consoleSUFFIX.log
# (and to the terminal for MODE demo), the guest's KTAP document and
# verdict to WORK/resultSUFFIX through a virtio-serial port that nothing
# but the guest init writes, and QEMU's run time to
# WORK/qemu-secondsSUFFIX.  Returns 0 only if the result holds the
# success token.  A guest that hangs is killed after LAZYFPU_QEMU_TIMEOUT
# seconds (default 900).
qemu_boot() {
	local name=$1 arch=$2 kernel=$3 initramfs=$4 work=$5 sfx=$6 mode=$7 mem=$8
	local cpu_extra=$9 cmdline="panic_on_warn=1 oops=panic panic=-1 ${10}"
	local timeout=${LAZYFPU_QEMU_TIMEOUT:-900} start status=0 qemu extra

	case "$arch" in
	x86_64)
		qemu=(qemu-system-x86_64 -M pc -cpu max -device virtio-serial-pci)
		# Under TCG, and more so with KASAN or on a busy host, ACPI's
		# interpreter can take longer than its own loop timeout over
		# the PCI routing method (_PRT), leaving the virtio-serial
		# port without an IRQ; the BIOS's routing table is enough for
		# QEMU's one PCI device.
		cmdline="console=ttyS0 acpi=noirq $(x86_guest_tsc_cmdline) $cmdline"
		;;
	arm64)
		qemu=(qemu-system-aarch64 -M virt -cpu "max,pauth-impdef=on$cpu_extra"
		      -device virtio-serial-device)
		cmdline="console=ttyAMA0 $cmdline"
		;;
	esac
	rm -f "$work/result$sfx" "$work/console$sfx.log"
	qemu+=(-smp 2 -m "$mem" -nodefaults -nographic -no-reboot
	       -kernel "$kernel" -initrd "$initramfs" -append "$cmdline"
	       -chardev "file,id=result,path=$work/result$sfx"
	       -device virtserialport,chardev=result)
	# LAZYFPU_QEMU_ARGS adds options, or overrides (make bench: -icount,
	# -smp 1).
	read -r -a extra <<<"${LAZYFPU_QEMU_ARGS:-}"
	qemu+=("${extra[@]}")

	start=$SECONDS
	rm -f "$work/reboot$sfx" "$work/console$sfx.first-boot.log"
	if [ "$mode" = demo ]; then
		set +e
		timeout --foreground "$timeout" "${qemu[@]}" -serial stdio |
			tee "$work/console$sfx.log"
		status=${PIPESTATUS[0]}
		set -e
	else
		timeout --foreground "$timeout" "${qemu[@]}" -serial "file:$work/console$sfx.log" \
			</dev/null || status=$?
		# A kernel that died before our init even started failed in its
		# own boot, with nothing of ours loaded: under TCG that happens
		# (an int3 Oops from a text-patching race between the emulated
		# CPUs, seen once on Debian's 7.3 image with another guest
		# beside it).  Such a guest boots once more; the summary says so,
		# and the first console is kept.
		if ! guest_init_started "$work/result$sfx" "$work/console$sfx.log"; then
			log "$name: the kernel died before the init started; booting once more"
			mv "$work/console$sfx.log" "$work/console$sfx.first-boot.log"
			echo "the kernel died before the init started (console$sfx.first-boot.log); booted again" \
				>"$work/reboot$sfx"
			status=0
			timeout --foreground "$timeout" "${qemu[@]}" \
				-serial "file:$work/console$sfx.log" </dev/null || status=$?
		fi
	fi
	echo "$((SECONDS - start))" >"$work/qemu-seconds$sfx"
	[ "$status" = 124 ] && log "$name: guest timed out after $timeout s"
	grep -qx "lazyfpu-verdict: success" "$work/result$sfx" 2>/dev/null
}

# deb_build_packages OUT DPKG-BUILDPACKAGE-ARGS...: build the Debian
# packages (debian/) the standard way, dpkg-buildpackage with debhelper
# and dh-dkms, from a copy of the files git tracks (what a clean clone
# has), and move the results (.deb, .changes, .buildinfo, build.log)
# into OUT.  -b builds both packages, -A lazyfpu-dkms alone.
deb_build_packages() {
	local out=$1 tmp version src status=0
	shift
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/lazyfpu-deb.XXXXXX")
	version=$(dpkg-parsechangelog -l "$LFPU_ROOT/debian/changelog" -S Version)
	src="$tmp/lazyfpu-$version"
	mkdir -p "$src"
	(cd "$LFPU_ROOT" && git ls-files -z) |
		(cd "$LFPU_ROOT" && rsync -a --from0 --files-from=- ./ "$src/")
	log "building the packages (dpkg-buildpackage -us -uc $*) in $src"
	(cd "$src" && dpkg-buildpackage -us -uc "$@") >"$tmp/build.log" 2>&1 || status=$?
	if [ "$status" = 0 ]; then
		rm -rf "$out"
		mkdir -p "$out"
		mv "$tmp"/*.deb "$tmp"/*.changes "$tmp"/*.buildinfo "$tmp/build.log" "$out/"
	else
		tail -40 "$tmp/build.log" >&2
	fi
	rm -rf "$tmp"
	[ "$status" = 0 ] || die "dpkg-buildpackage $* failed"
}

# The lazyfpu-dkms package of this tree, built once per content of what
# it packages (the module sources and debian/), for the Debian images'
# guests: their module is the one DKMS builds from it.  Prints its path.
dkms_package() {
	local hash dir
	hash=$( cd "$LFPU_ROOT" && git ls-files -z Kbuild Makefile dkms.conf arch compat fpu \
			include kunit vmm debian | xargs -0 sha256sum | sha256sum | cut -c1-12)
	dir="${LAZYFPU_WORK:-$CACHE/work}/dkms-deb-$hash"
	[ -e "$dir/.built" ] ||
		with_cache_lock "dkms-deb-$hash" dkms_package_build "$dir" || exit 1
	echo "$dir"/lazyfpu-dkms_*_all.deb
}

dkms_package_build() {	# DIR (under its lock)
	[ ! -e "$1/.built" ] || return 0
	deb_build_packages "$1" -A
	touch "$1/.built"
}

# tools_build ARCH: build the userspace programs (tools/) for ARCH, once
# per content: they depend on nothing but their sources, the uapi headers
# and the compiler, so every guest of that arch shares one build, in a
# directory named by a hash of those.  Builds may run side by side, hence
# the lock.  Prints the directory.
tools_build() {
	local arch=$1 cc hash dir
	cc=$(target_cc "$arch")
	hash=$( { cd "$LFPU_ROOT" &&
		  find tools include/uapi -path tools/build -prune -o -type f -print |
		  LC_ALL=C sort | xargs sha256sum; $cc --version | head -1; } |
		sha256sum | cut -c1-12)
	dir="${LAZYFPU_WORK:-$CACHE/work}/tools-$arch-$hash"
	mkdir -p "$dir"
	(
		flock 9
		[ -e "$dir/.built" ] && exit 0
		with_huge_pages make -s -C "$LFPU_ROOT/tools" -j"$JOBS" CC="$cc" O="$dir/build" >&2 ||
			die "userspace build failed for $arch"
		touch "$dir/.built"
	) 9>"$dir/.lock" || exit 1
	echo "$dir/build"
}

# build_guest_programs ARCH KVER WORK: what every guest runs besides the
# module, into WORK: the static userspace programs (WORK/tools), the
# guest init (WORK/init) and, on arm64, the kernel's own FP context-switch
# tests (WORK/checkers), built as its tools/testing/selftests/arm64/fp/
# Makefile does but static, from the KVER source.  The test programs are
# freestanding assembly; fp-stress and kernel-test (6.12 on) are C against
# the kernel's uapi headers.
build_guest_programs() {
	local arch=$1 kver=$2 work=$3 cc ksrc fp hdr t shared
	cc=$(target_cc "$arch")
	shared=$(tools_build "$arch")
	rm -rf "$work/tools"
	cp -a "$shared" "$work/tools"
	$cc -static -O2 -Wall -Wextra -Werror -o "$work/init" "$LFPU_ROOT/scripts/qemu/init.c" ||
		die "guest init build failed for $arch"
	rm -rf "$work/checkers"
	[ "$arch" = arm64 ] || return 0
	ksrc=$(kernel_source "$kver")
	fp="$ksrc/tools/testing/selftests/arm64/fp"
	hdr=$(kernel_headers "$kver" "$arch")
	mkdir -p "$work/checkers"
	for t in fpsimd-test sve-test; do
		$cc -static -nostdlib -I"$fp" -o "$work/checkers/$t" "$fp/$t.S" "$fp/asm-utils.S" ||
			die "building $t failed"
	done
	for t in fp-stress kernel-test; do
		[ -e "$fp/$t.c" ] || continue
		$cc -static -O2 -D_GNU_SOURCE= -I"$ksrc/tools/testing/selftests" -isystem "$hdr" \
			-I"$ksrc/tools/include" -o "$work/checkers/$t" "$fp/$t.c" \
			>"$work/checkers/$t.log" 2>&1 ||
			{ cat "$work/checkers/$t.log" >&2; die "building $t failed"; }
		rm -f "$work/checkers/$t.log"
	done
}

# guest_initramfs_spec WORK: the gen_init_cpio spec of a test guest, from
# what WORK holds: the init, the modules in WORK/module, the programs
# build_guest_programs made.  The caller may add lines (Debian's preloads).
guest_initramfs_spec() {
	local work=$1 d f
	echo "dir /dev 0755 0 0"
	echo "nod /dev/console 0600 0 0 c 5 1"
	for d in /proc /sys /lib /lib/modules /tests /demo /bin /examples /checkers; do
		echo "dir $d 0755 0 0"
	done
	echo "dir /tmp 1777 0 0"
	echo "file /init $work/init 0755 0 0"
	echo "file /bin/lazyfpu-vmm $work/tools/bin/lazyfpu-vmm 0755 0 0"
	echo "file /bin/lazyfpu-bench $work/tools/bin/lazyfpu-bench 0755 0 0"
	for f in "$LFPU_ROOT"/tools/examples/*.lfa; do
		echo "file /examples/${f##*/} $f 0644 0 0"
	done
	for f in "$work"/module/*.ko; do
		echo "file /lib/modules/${f##*/} $f 0644 0 0"
	done
	# make bench's second lazyfpu.ko, with FP tracking compiled out.
	if [ "${LAZYFPU_BENCH_NOTRACK:-}" = 1 ]; then
		echo "file /lib/modules/lazyfpu-notrack.ko $work/module-notrack/lazyfpu.ko 0644 0 0"
	fi
	for d in tests demo checkers; do
		for f in "$work/tools/$d"/* "$work/$d"/*; do
			[ -f "$f" ] && [ -x "$f" ] && echo "file /$d/${f##*/} $f 0755 0 0"
		done
	done
	return 0
}
