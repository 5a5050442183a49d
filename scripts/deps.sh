#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# deps.sh: make sure the Debian packages that `make check`, `make demo`
# and `make deb` need are installed: with the packaging tools, the stock
# linux-headers package of this machine's arch, for which make check has
# DKMS build the module from lazyfpu-dkms.  As root, missing packages are installed; as anyone
# else, the exact command to install them is printed and we stop.

. "$(dirname "$0")/lib.sh"

packages=(
	make gcc libc6-dev perl bc bison flex libssl-dev libelf-dev
	cpio xz-utils kmod rsync
	debian-archive-keyring
	gcc-aarch64-linux-gnu libc6-dev-arm64-cross
	qemu-system-x86 qemu-system-arm
	sparse python3
	linux-source-6.1 linux-source-6.12
	dpkg-dev debhelper dh-dkms dkms lintian fakeroot
	"linux-headers-$(dpkg --print-architecture)"
)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

cmd="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" != 0 ]; then
	echo "lazyfpu: missing Debian packages: ${missing[*]}" >&2
	echo "lazyfpu: install them as root with:" >&2
	echo "    apt-get update && $cmd" >&2
	exit 1
fi
log "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >&2
# shellcheck disable=SC2086
$cmd >&2
