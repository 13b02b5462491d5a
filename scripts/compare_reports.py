"""Compare two runs of ``python -m verifier analyze ... --json`` on the same files.

    python scripts/compare_reports.py BEFORE.jsonl AFTER.jsonl [--manifest DATA_DIR] [--show 10]

Used to check that a refactor changes only what it means to change: files are matched by
SHA-256 (by name when a file had no hash), time fields (``analyzed_at``, ``elapsed_s``,
``versions``) are ignored, and every other JSON path that differs is counted. Prints:

* how many files differ, and the JSON paths that differ (with how many files each);
* level transitions (before → after);
* with ``--manifest`` (a folder with ``MANIFEST.tsv``: ``path``, ``label``): ROC AUC of the
  fused risk (inconclusive counted as 0.5) and of each signal's score, before and after.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

IGNORED = ("analyzed_at", "elapsed_s", "versions")
FLOAT_TOL = 1e-6  # differences below this are rounding, not changes


def load(path: str) -> dict[str, dict]:
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                d = json.loads(line)
                out[d.get("sha256") or os.path.basename(d["file"])] = d
    return out


def flatten(d, prefix: str = "") -> dict[str, object]:
    """JSON object → {dotted.path: leaf}; lists are leaves (compared whole)."""
    out = {}
    if isinstance(d, dict):
        for k, v in d.items():
            if prefix == "" and k in IGNORED:
                continue
            out.update(flatten(v, f"{prefix}.{k}" if prefix else str(k)))
    else:
        out[prefix] = d
    return out


def same(a, b) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return math.isclose(a, b, rel_tol=0, abs_tol=FLOAT_TOL)
    return a == b


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("before")
    ap.add_argument("after")
    ap.add_argument("--manifest", help="data folder with MANIFEST.tsv, for ROC AUC before/after")
    ap.add_argument("--show", type=int, default=40, help="JSON paths to list")
    args = ap.parse_args(argv)
    before, after = load(args.before), load(args.after)
    common = sorted(set(before) & set(after))
    print(f"files: {len(before)} before, {len(after)} after, {len(common)} matched")
    changed_paths: Counter = Counter()
    files_changed = 0
    levels: Counter = Counter()
    for k in common:
        fb, fa = flatten(before[k]), flatten(after[k])
        diff = [p for p in set(fb) | set(fa) if not same(fb.get(p, "<absent>"), fa.get(p, "<absent>"))]
        files_changed += bool(diff)
        changed_paths.update(diff)
        levels[(before[k]["level"], after[k]["level"])] += 1
    print(f"files whose JSON differs (time fields ignored): {files_changed}/{len(common)}")
    for p, n in changed_paths.most_common(args.show):
        print(f"  {n:4d}  {p}")
    print("level transitions (before -> after):")
    for (lb, la), n in sorted(levels.items()):
        print(f"  {lb:>12} -> {la:<12} {n}")
    if args.manifest:
        _aucs(args.manifest, before, after, common)
    return 0


def _aucs(folder: str, before: dict, after: dict, common: list) -> None:
    from verifier.evaluate.manifest import read_manifest
    from verifier.evaluate.metrics import roc_auc

    by_name = {}
    for r in read_manifest(folder):
        by_name[os.path.normpath(os.path.join(folder, r["path"]))] = r["y"]
    ys, rows = [], []
    for k in common:
        p = os.path.normpath(before[k]["file"])
        y = by_name.get(p)
        if y is None:  # paths may be relative to another cwd: match on the tail
            hits = [v for q, v in by_name.items() if q.endswith(os.sep + os.path.join(*p.split(os.sep)[-3:]))]
            y = hits[0] if len(hits) == 1 else None
        if y is not None:
            ys.append(y)
            rows.append(k)
    print(f"ROC AUC (fake = positive) on {len(rows)} labelled files, before -> after:")

    def risk(d):
        return 0.5 if d.get("risk") is None else d["risk"]

    print(f"  {'risk (inconclusive=0.5)':<28} {roc_auc(ys, [risk(before[k]) for k in rows]):.3f} -> "
          f"{roc_auc(ys, [risk(after[k]) for k in rows]):.3f}")
    keys = sorted({s for k in rows for d in (before[k], after[k]) for s in d.get("signals", {})})
    for s in keys:
        def score(d):
            v = d.get("signals", {}).get(s, {}).get("score")
            return float("nan") if v is None else v

        sb, sa = [score(before[k]) for k in rows], [score(after[k]) for k in rows]
        nb, na = sum(math.isfinite(v) for v in sb), sum(math.isfinite(v) for v in sa)
        print(f"  {s:<28} {roc_auc(ys, sb):.3f} (n={nb}) -> {roc_auc(ys, sa):.3f} (n={na})")


if __name__ == "__main__":
    sys.exit(main())
