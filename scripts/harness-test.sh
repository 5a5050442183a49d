#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# harness-test.sh: the test harness's own decisions, checked on this
# machine as KTAP (make check runs it).  Each case is a bug the harness
# once had:
#
#  1. broken_host_programs finds a program that ldd reports "not found"
#     for, also when ldd goes on writing after that line (ldd | grep -q
#     lost it: grep's early exit killed ldd with SIGPIPE, and pipefail
#     turned the match into a miss; a 7.3 arm64 build then ran a modpost
#     that needs glibc 2.38);
#  2. guest_init_started sees a started init whose banner the kernel cut
#     into on the console (the harness booted a passed guest again), and
#     still sees a kernel that died before the init;
#  3. make clean works in the tree DKMS builds in, which has no tools/
#     (DKMS printed "bad exit status: 2" on every user's machine);
#  4. sparse_capable turns down a sparse that reports an error on the
#     __typeof_unqual__ probe and still exits 0, as Debian 12's 0.6.4
#     does (kbuild then dropped C=2 on 7.3 and sparse never ran there),
#     and takes one that parses it;
#  5. copy_module_sources gives a changed file a time newer than the
#     objects already built from it, though the source is older (a
#     checkout older than another's build in the same work directory
#     linked that build's stale objects), and leaves an unchanged file's
#     time alone, so that nothing is rebuilt for nothing.

. "$(dirname "$0")/lib.sh"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/lazyfpu-harness-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0
result() {	# OK NAME
	n=$((n + 1))
	if [ "$1" = 1 ]; then echo "ok $n $2"; else echo "not ok $n $2"; failed=1; fi
}

echo "KTAP version 1"
echo "1..8"

# 1. An ELF program, and an ldd that reports it broken, then writes on
#    (more than a pipe holds), as ldd does for a program with many
#    libraries.
mkdir -p "$tmp/kbuild/scripts/mod" "$tmp/bin"
cp /bin/true "$tmp/kbuild/scripts/mod/modpost.real-lsb-64"
cat >"$tmp/bin/ldd" <<'EOF'
#!/bin/sh
echo "	libc.so.6: version \`GLIBC_2.38' not found (required by $1)"
i=0
while [ $i -lt 4000 ]; do
	echo "	libpadding$i.so => /lib/x86_64-linux-gnu/libpadding$i.so (0x00007f0000000000)"
	i=$((i + 1))
done
EOF
chmod +x "$tmp/bin/ldd"
found=$(PATH="$tmp/bin:$PATH" broken_host_programs "$tmp/kbuild")
ok=0
[ "$found" = "$tmp/kbuild/scripts/mod/modpost.real-lsb-64" ] && ok=1
[ "$ok" = 1 ] || echo "# broken_host_programs printed: '${found}'"
result "$ok" "broken_host_programs_despite_ldd_writing_on"

# 2. A guest whose first boot passed, the banner cut by a kernel line (as
#    recorded on 6.1/x86_64), with nothing on the result channel yet when
#    looked at; and a kernel that died in its own boot.
: >"$tmp/result"
cat >"$tmp/console-cut.log" <<'EOF'
[    3.101102] Run /init as init process
init: lazyfpu te[    3.144791] lazyfpu: loading out-of-tree module taints kernel.
st guest, mode check, 16 program(s)
EOF
ok=0
guest_init_started "$tmp/result" "$tmp/console-cut.log" && ok=1
result "$ok" "init_started_though_the_kernel_cut_its_banner"
cat >"$tmp/console-died.log" <<'EOF'
[    1.970152] Oops: int3: 0000 [#1] PREEMPT SMP NOPTI
[    1.972917] Kernel panic - not syncing: Fatal exception in interrupt
EOF
ok=1
guest_init_started "$tmp/result" "$tmp/console-died.log" && ok=0
result "$ok" "kernel_that_died_before_the_init_is_seen"

# 3. make clean in a copy of what lazyfpu-dkms ships (no tools/).
mkdir -p "$tmp/dkms-tree"
cp "$LFPU_ROOT/Makefile" "$LFPU_ROOT/Kbuild" "$tmp/dkms-tree/"
touch "$tmp/dkms-tree/stale.o"
ok=0
if make -s -C "$tmp/dkms-tree" clean >"$tmp/clean.log" 2>&1 && [ ! -e "$tmp/dkms-tree/stale.o" ]; then
	ok=1
else
	sed 's/^/# /' "$tmp/clean.log"
fi
result "$ok" "make_clean_in_a_dkms_tree_without_tools"
# 4. Two stand-ins for sparse, one with 0.6.4's answer to the probe.
printf '#!/bin/sh\ncat >/dev/null\necho "<stdin>:3:31: error: Expected ; at end of statement"\n' \
	>"$tmp/bin/sparse-old"
printf '#!/bin/sh\ncat >/dev/null\n' >"$tmp/bin/sparse-new"
chmod +x "$tmp/bin/sparse-old" "$tmp/bin/sparse-new"
ok=1
sparse_capable "$tmp/bin/sparse-old" && ok=0
result "$ok" "sparse_that_cannot_parse_typeof_unqual_is_turned_down"
ok=0
sparse_capable "$tmp/bin/sparse-new" && ok=1
result "$ok" "sparse_that_parses_typeof_unqual_is_taken"

# 5. Sources from 2001, and a copy of this function's built since from
#    other contents.
mkdir -p "$tmp/src" "$tmp/dest"
echo "int changed;" >"$tmp/src/changed.c"
echo "int same;" >"$tmp/src/same.c"
touch -d 2001-01-01 "$tmp/src/changed.c" "$tmp/src/same.c"
echo "int before;" >"$tmp/dest/changed.c"
echo "int same;" >"$tmp/dest/same.c"
touch -d 2002-01-01 "$tmp/dest/changed.c" "$tmp/dest/same.c"
touch "$tmp/dest/changed.o" "$tmp/dest/same.o" "$tmp/dest/.lazyfpu-copied-by-content"
copy_module_sources "$tmp/src" "$tmp/dest"
ok=0
cmp -s "$tmp/src/changed.c" "$tmp/dest/changed.c" &&
	[ ! "$tmp/dest/changed.o" -nt "$tmp/dest/changed.c" ] && ok=1
result "$ok" "copied_source_that_changed_is_newer_than_its_object"
ok=0
[ "$tmp/dest/same.o" -nt "$tmp/dest/same.c" ] && ok=1
result "$ok" "copied_source_that_did_not_change_keeps_its_time"
exit "$failed"
