#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# deb.sh: make deb.  Builds the Debian packages (debian/) the standard way,
# dpkg-buildpackage with debhelper and dh-dkms, from a copy of the files
# git tracks (what a clean clone has), and checks them with lintian: any
# error fails.  The packages, the .changes and lintian's report go to
# build/deb/ in the repository.
#
#   lazyfpu-dkms   (all)   the module sources, registered with DKMS
#   lazyfpu-tools  (this machine's arch)  lazyfpu-vmm, lazyfpu-bench,
#                  the example guests, the manual pages

. "$(dirname "$0")/lib.sh"

"$LFPU_ROOT/scripts/deps.sh"

out="$LFPU_ROOT/build/deb"
deb_build_packages "$out" -b

status=0
lintian --info --display-info --fail-on error "$out"/*.changes >"$out/lintian.txt" 2>&1 || status=$?
cat "$out/lintian.txt"
for deb in "$out"/*.deb; do
	echo "== ${deb##*/}"
	dpkg-deb -c "$deb" | awk '{ print $NF }'
done >"$out/contents.txt"
[ "$status" = 0 ] || die "lintian reports errors (build/deb/lintian.txt)"
log "packages in $out: $(cd "$out" && echo *.deb)"
