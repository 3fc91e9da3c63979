#!/usr/bin/env python3
"""Prints the conformance matrix: every vector's result in every binding's run, from the
results.json files that `pouch-vectors conform` wrote (issue 8). Fails when a vector fails
anywhere, or when two bindings that both ran a vector disagree. A vector a binding skips
(feature not claimed) is shown as skip and compared with nothing.

Usage: scripts/conformance-matrix.py NAME=DIR [NAME=DIR ...] [--out FILE.md]
"""
import json
import sys


def main(argv):
    out = None
    runs = []
    args = list(argv)
    while args:
        a = args.pop(0)
        if a == "--out":
            out = args.pop(0)
            continue
        name, _, path = a.partition("=")
        with open(f"{path}/results.json", encoding="utf-8") as f:
            data = json.load(f)
        runs.append((name, {v["id"]: v["status"] for v in data["vectors"]}))
    if not runs:
        print(__doc__, file=sys.stderr)
        return 2
    ids = sorted({i for _, r in runs for i in r})
    names = [n for n, _ in runs]
    lines = ["| vector | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
    problems = []
    totals = {n: {} for n in names}
    for i in ids:
        row = []
        ran = set()
        for n, r in runs:
            s = r.get(i, "absent")
            totals[n][s] = totals[n].get(s, 0) + 1
            row.append(s)
            if s == "fail" or s == "absent":
                problems.append(f"{i}: {s} in {n}")
            if s not in ("skip", "absent"):
                ran.add(s)
        if len(ran) > 1:
            problems.append(f"{i}: bindings disagree ({', '.join(row)})")
        lines.append(f"| {i} | " + " | ".join(row) + " |")
    summary = ["| binding | " + " | ".join(sorted({s for t in totals.values() for s in t})) + " |"]
    keys = sorted({s for t in totals.values() for s in t})
    summary.append("|---" * (len(keys) + 1) + "|")
    for n in names:
        summary.append(f"| {n} | " + " | ".join(str(totals[n].get(k, 0)) for k in keys) + " |")
    text = "\n".join(["# Conformance matrix", "", *summary, "", *lines, ""])
    if out:
        with open(out, "w", encoding="utf-8") as f:
            f.write(text)
    print("\n".join(summary))
    if problems:
        print("\n".join(["", "PROBLEMS:"] + problems), file=sys.stderr)
        return 1
    print(f"\n{len(ids)} vectors, {len(names)} runs: no failure, no divergence")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
