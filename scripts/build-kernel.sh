#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build-kernel.sh KVER ARCH [FLAVOUR]: build (or reuse) the minimal test
# kernel for one (version, arch) pair and print its build directory.
# FLAVOUR "san" adds the sanitizers of kconfig/san.config.
#
# The config is allnoconfig plus the fragments in scripts/qemu/kconfig/,
# merged by the kernel's own merge_config.sh.  Every symbol a fragment asks
# for is then checked against the final .config, so a fragment that names a
# symbol the kernel silently dropped (wrong name, unmet dependency) fails
# loudly instead of producing a kernel that does not test what we think.

. "$(dirname "$0")/lib.sh"

kver=${1:?usage: build-kernel.sh KVER ARCH [FLAVOUR]}
arch=${2:?usage: build-kernel.sh KVER ARCH [FLAVOUR]}
flavour=${3:-}
check_kver "$kver"
check_arch "$arch"
check_flavour "$flavour"

out=$(kernel_build_dir "$kver" "$arch" "$flavour")
if [ -e "$out/.lazyfpu-built" ]; then
	echo "$out"
	exit 0
fi

src=$(kernel_source "$kver")
mapfile -t frags < <(kernel_fragments "$kver" "$arch" "$flavour")
read -r -a vars <<<"$(kmake_vars "$arch")"

log "building test kernel $kver/$arch${flavour:+ ($flavour)} in $out (cache miss)"
rm -rf "$out"
mkdir -p "$out"
start=$SECONDS
export KBUILD_BUILD_TIMESTAMP="2026-01-01" KBUILD_BUILD_USER=lazyfpu KBUILD_BUILD_HOST=lazyfpu
# The kernel's own top-level Kconfig with kconfig/Kconfig.lazyfpu after
# it; relative "source" lines still resolve against the source tree.
cat "$src/Kconfig" "$LFPU_ROOT/scripts/qemu/kconfig/Kconfig.lazyfpu" >"$out/Kconfig.lazyfpu"
export KBUILD_KCONFIG="$out/Kconfig.lazyfpu"
(
	cd "$src"
	env "${vars[@]}" KCONFIG_CONFIG="$out/.config" \
		scripts/kconfig/merge_config.sh -n -O "$out" "${frags[@]}" >"$out/merge.log" 2>&1
) || { cat "$out/merge.log" >&2; die "merge_config failed"; }

# Verify that every requested symbol survived.
missing=0
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=*) sym=${line%%=*}; want=${line#*=} ;;
	"# CONFIG_"*" is not set") sym=${line#\# }; sym=${sym%% *}; want=n ;;
	*) continue ;;
	esac
	have=$(grep -E "^$sym=" "$out/.config" | cut -d= -f2- || true)
	[ -n "$have" ] || have=n
	if [ "$have" != "$want" ]; then
		log "kconfig: $sym wanted '$want', got '$have'"
		missing=1
	fi
done < <(cat "${frags[@]}")
[ "$missing" = 0 ] || die "test kernel config for $kver/$arch is not what the fragments ask for"

# The compilers' heaps in huge pages: a sixth of the build's CPU time.
with_huge_pages make -C "$src" O="$out" "${vars[@]}" -j"$JOBS" -s all >"$out/build.log" 2>&1 ||
	{ tail -40 "$out/build.log" >&2; die "kernel build failed ($out/build.log)"; }
echo "$((SECONDS - start))" >"$out/.build-seconds"
touch "$out/.lazyfpu-built"
log "built $kver/$arch${flavour:+ ($flavour)} in $((SECONDS - start)) s"
echo "$out"
