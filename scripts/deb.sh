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
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lazyfpu-deb.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
version=$(dpkg-parsechangelog -l "$LFPU_ROOT/debian/changelog" -S Version)
src="$tmp/lazyfpu-$version"
mkdir -p "$src"
(cd "$LFPU_ROOT" && git ls-files -z) | (cd "$LFPU_ROOT" && rsync -a --from0 --files-from=- ./ "$src/")

log "building the packages (dpkg-buildpackage -us -uc -b) in $src"
if ! (cd "$src" && dpkg-buildpackage -us -uc -b) >"$tmp/build.log" 2>&1; then
	tail -40 "$tmp/build.log" >&2
	die "dpkg-buildpackage failed"
fi
rm -rf "$out"
mkdir -p "$out"
mv "$tmp"/*.deb "$tmp"/*.changes "$tmp"/*.buildinfo "$out/"
cp "$tmp/build.log" "$out/"

status=0
lintian --info --display-info --fail-on error "$out"/*.changes >"$out/lintian.txt" 2>&1 || status=$?
cat "$out/lintian.txt"
for deb in "$out"/*.deb; do
	echo "== ${deb##*/}"
	dpkg-deb -c "$deb" | awk '{ print $NF }'
done >"$out/contents.txt"
[ "$status" = 0 ] || die "lintian reports errors (build/deb/lintian.txt)"
log "packages in $out: $(cd "$out" && echo *.deb)"
