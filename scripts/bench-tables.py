#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""bench-tables.py DOC JSON...: regenerate the benchmark tables of DOC
(Documentation/performance.rst) between its ".. bench-tables-begin" and
".. bench-tables-end" lines, one table per bench/KVER-ARCH.json that
make bench wrote, and under each the cost of FP tracking to a RUN that
uses no FP (target P3: lazy against the untracked build).  Under -icount
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


def per_run(r):
    return r["ns"] / r["runs"] if r.get("status") == "ok" and r["runs"] else None


def tracking_cost(results):
    """Target P3, per backend: io_no_fp's instructions per RUN under lazy
    against the same on the build with FP tracking compiled out (policy
    "untracked")."""
    lines = []
    for u in results:
        if u["workload"] != "io_no_fp" or u["policy"] != "untracked" or not per_run(u):
            continue
        lazy = [r for r in results if r["workload"] == "io_no_fp" and r["policy"] == "lazy"
                and r["backend"] == u["backend"] and per_run(r)]
        if lazy:
            lines.append("- P3, %s: a no-FP RUN round trip costs %.0f instructions under lazy, "
                         "%.0f with FP tracking compiled out: %.3fx." %
                         (u["backend"], per_run(lazy[0]), per_run(u),
                          per_run(lazy[0]) / per_run(u)))
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
        out += tracking_cost(results)
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
