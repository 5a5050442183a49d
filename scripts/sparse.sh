#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# sparse.sh: print the path of a sparse that can check the module against
# every kernel of the matrix, building one if this machine has none.
#
# Linux 7.x's headers use __typeof_unqual__, which Debian 12's sparse
# (0.6.4) cannot parse; kbuild then drops C=2 with a note, and the check
# would pass without sparse having run.  What a kernel needs is probed,
# not inferred from version numbers: the probe is the one kbuild makes
# (scripts/checker-valid.sh in 6.13 and later), a program using
# __typeof_unqual__ that sparse must take without an error.
#
#  1. The installed sparse, when it passes.
#  2. Else one built before, $CACHE/tools/sparse-VERSION/bin/sparse,
#     when it passes (so a warm cache needs no network).
#  3. Else the newest sparse source package in Debian (unstable's, where
#     0.6.5 is), fetched with a private apt state like the kernels of
#     trixie-backports (lib.sh: signed indexes, hash-checked files) and
#     built here: about 15 seconds.  Its upstream tarball is built as is;
#     Debian's patches change only how it links and which gcc cgcc runs.
#
# Exits non-zero, saying why on stderr, when none can be had: the caller
# then lets kbuild decide, and the summary reports sparse as skipped.

. "$(dirname "$0")/lib.sh"

SPARSE_SUITE=sid

# Build sparse VERSION from SUITE's source package into DEST (under the
# cache lock "sparse": make check asks from several jobs).
sparse_build() {	# VERSION DEST
	local ver=$1 dest=$2 tmp src
	[ ! -x "$dest/bin/sparse" ] || return 0
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/lazyfpu-sparse.XXXXXX")
	log "sparse: building sparse $ver from Debian's source package ($SPARSE_SUITE)"
	if ! (cd "$tmp" &&
	      apt_get "$SPARSE_SUITE" -q source --download-only "sparse=$ver" >build.log 2>&1 &&
	      tar xf sparse_*.orig.tar.* &&
	      src=$(find . -maxdepth 1 -type d -name 'sparse-*' | head -1) &&
	      make -C "$src" -j"$JOBS" PREFIX="$dest.tmp" install-bin \
		>>build.log 2>&1); then
		cat "$tmp/build.log" >&2
		rm -rf "$tmp" "$dest.tmp"
		return 1
	fi
	rm -rf "$tmp"
	mv "$dest.tmp" "$dest"
}

if sparse_capable "$(command -v sparse || true)"; then
	command -v sparse
	exit 0
fi
shopt -s nullglob
for built in "$CACHE"/tools/sparse-*/bin/sparse; do
	if sparse_capable "$built"; then
		echo "$built"
		exit 0
	fi
done

apt_suite_refresh "$SPARSE_SUITE" >/dev/null
ver=$(apt_cache "$SPARSE_SUITE" showsrc sparse 2>/dev/null |
	sed -n 's/^Version: //p' | sort -rV | head -1)
[ -n "$ver" ] || die "sparse: Debian $SPARSE_SUITE has no sparse source package"
dest="$CACHE/tools/sparse-$ver"
mkdir -p "$CACHE/tools"
with_cache_lock sparse sparse_build "$ver" "$dest" ||
	die "sparse: could not build sparse $ver"
sparse_capable "$dest/bin/sparse" ||
	die "sparse: $ver cannot parse __typeof_unqual__ either"
echo "$dest/bin/sparse"
