#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""bench-tables.py DOC JSON...: regenerate the benchmark tables of DOC
(Documentation/performance.rst) between its ".. bench-tables-begin" and
".. bench-tables-end" lines, one table per bench/KVER-ARCH.json that
make bench wrote, and under each targets P3 (what FP tracking costs a
RUN that uses no FP: lazy against the untracked build) and P4 (the
engine's instructions per guest instruction), in the RUN thread's own
instructions.  Under -icount
shift=0 one nanosecond of guest time is one emulated instruction, so the
time columns are instruction counts."""

import json
import os
import sys

BEGIN = ".. bench-tables-begin"
END = ".. bench-tables-end"
COLUMNS = ["workload", "policy", "backend", "RUNs", "loads", "saves", "KiB", "skipped",
           "kernel saves", "kernel reloads", "oracle", "ratio", "insns/RUN",
           "insns/guest insn"]


def kernel(r, field):
    """A kernel-made transfer count: "-" without a trace (or from a bench
    that did not count them)."""
    return "%d" % r[field] if r.get(field, -1) >= 0 else "-"


def row(r):
    if r.get("status") != "ok":
        return [r["workload"], r["policy"], r["backend"], r.get("status", "?")] + \
            [""] * (len(COLUMNS) - 4)
    moved = r["fp_loads"] + r["fp_saves"]
    oracle = r["oracle_loads"] + r["oracle_saves"] if r["oracle_loads"] >= 0 else None
    ratio = "-" if oracle is None else ("%.2f" % (moved / oracle) if oracle else
                                        ("1.00" if not moved else "inf"))
    return [r["workload"], r["policy"], r["backend"], "%d" % r["runs"], "%d" % r["fp_loads"],
            "%d" % r["fp_saves"], "%.1f" % (r["bytes_moved"] / 1024), "%d" % r["reloads_skipped"],
            kernel(r, "kernel_saves"), kernel(r, "kernel_reloads"),
            "-" if oracle is None else "%d" % oracle, ratio,
            "%.0f" % (r["ns"] / r["runs"]) if r["runs"] else "-",
            "%.1f" % (r["ns"] / r["guest_instructions"]) if r["guest_instructions"] else "-"]


def table(rows):
    cells = [COLUMNS] + rows
    widths = [max(len(c[i]) for c in cells) for i in range(len(COLUMNS))]
    rule = "  ".join("=" * w for w in widths)
    line = lambda c: "  ".join(c[i].ljust(widths[i]) for i in range(len(c))).rstrip()
    return [rule, line(COLUMNS), rule] + [line(r) for r in rows] + [rule]


def cost(r):
    """The RUN thread's own instructions (its CPU time under -icount), or
    the elapsed time where the bench did not measure that."""
    return r["task_ns"] if r.get("task_ns", 0) > 0 else r["ns"]


def per_run(r):
    return cost(r) / r["runs"] if r.get("status") == "ok" and r["runs"] else None


def find(results, workload, policy, backend):
    found = [r for r in results if r["workload"] == workload and r["policy"] == policy
             and r["backend"] == backend and per_run(r)]
    return found[0] if found else None


def targets(results):
    """Targets P3 and P4, per backend, in the RUN thread's own instructions:
    io_no_fp's per RUN under lazy against the build with FP tracking
    compiled out (policy "untracked"); int_compute's and fp_compute's per
    guest instruction under lazy."""
    lines = []
    for u in results:
        if u["workload"] != "io_no_fp" or u["policy"] != "untracked" or not per_run(u):
            continue
        lazy = find(results, "io_no_fp", "lazy", u["backend"])
        if lazy:
            lines.append("- P3, %s: a no-FP RUN round trip costs %.0f instructions under lazy, "
                         "%.0f with FP tracking compiled out: %.3fx." %
                         (u["backend"], per_run(lazy), per_run(u), per_run(lazy) / per_run(u)))
    for b in sorted({r["backend"] for r in results}):
        ints, fps = find(results, "int_compute", "lazy", b), find(results, "fp_compute", "lazy", b)
        if ints and fps:
            lines.append("- P4, %s: %.1f host instructions per guest instruction in "
                         "int_compute, %.1f in fp_compute (64 of every 65 FP)." %
                         (b, cost(ints) / ints["guest_instructions"],
                          cost(fps) / fps["guest_instructions"]))
    return lines + [""] if lines else []


def main():
    doc, files = sys.argv[1], sys.argv[2:]
    out = []
    for f in sorted(files):
        name = os.path.basename(f)[:-len(".json")]
        with open(f) as fh:
            results = json.load(fh)
        out += [name, "~" * len(name), "", "``bench/%s.json``:" % name, ""]
        out += table([row(r) for r in results]) + [""]
        out += targets(results)
    with open(doc) as fh:
        text = fh.read().split("\n")
    if BEGIN not in text or END not in text:
        sys.exit("bench-tables.py: %s has no %s ... %s section" % (doc, BEGIN, END))
    b, e = text.index(BEGIN), text.index(END)
    text = text[:b + 1] + [""] + out + text[e:]
    with open(doc, "w") as fh:
        fh.write("\n".join(text))


if __name__ == "__main__":
    main()
