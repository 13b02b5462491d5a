"""False alarms of the liveness-challenge analysis on the real dev clips (issue 12, item 4).

    python scripts/measure_liveness.py [--data ../shared/data/video] [--out docs/liveness_table.md] [--json records.json]

Runs :func:`verifier.liveness.analyze_challenge` on every real clip of MANIFEST.tsv (none of them is
a recorded challenge: they are talking heads, some with head turns or hands), lists the moments found
with their measures and flags, and counts false alarms (flagged moments / moments found on real clips).
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path


ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "video"))
    ap.add_argument("--out", default=str(ROOT / "docs" / "liveness_table.md"))
    ap.add_argument("--json", help="also write every report's JSON here")
    ap.add_argument("--label", default="real")
    ap.add_argument("--turn-yaw", type=float, help="turn threshold, degrees (default ChallengeParams: 45); "
                    "a lower one finds the real clips' smaller turns, to see how the turn measures behave on them")
    args = ap.parse_args()
    import dataclasses

    from verifier.core.params import ChallengeParams
    from verifier.liveness import analyze_challenge

    params = ChallengeParams() if args.turn_yaw is None else dataclasses.replace(ChallengeParams(), turn_yaw_deg=args.turn_yaw)

    data = Path(args.data)
    rows = [r for r in csv.DictReader(open(data / "MANIFEST.tsv"), delimiter="\t") if r["label"] == args.label]
    recs = []
    for r in rows:
        t0 = time.perf_counter()
        rep = analyze_challenge(str(data / r["path"]), params)
        d = rep.to_dict()
        d["path"] = r["path"]
        d["wall_s"] = round(time.perf_counter() - t0, 2)
        recs.append(d)
        print(r["path"], d["verdict"], [(m["kind"], m["flags"]) for m in d["moments"]], d["error"], flush=True)
    moments = [(d["path"], m) for d in recs for m in d["moments"]]
    flagged = [(p, m) for p, m in moments if m["flags"]]
    lines = [f"# Liveness challenge on the {len(recs)} {args.label} dev clips (turn threshold {params.turn_yaw_deg}°)", "",
             f"Moments found: {len(moments)} in {sum(1 for d in recs if d['moments'])} clips; "
             f"flagged (false alarms if real): {len(flagged)} "
             f"({100 * len(flagged) / max(1, len(moments)):.1f} % of moments). Errors: {sum(1 for d in recs if d['error'])}.",
             "", "| clip | kind | t (s) | peak abs yaw ° | lost s | jitter ×calm | border ×calm | id before↔after | id during max | hand share | hand change × | flags | notes |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for p, m in moments:
        x = m["measures"]
        lines.append(f"| {p} | {m['kind']} | {m['t_start_s']:.1f}–{m['t_end_s']:.1f} | {x.get('peak_abs_yaw_deg', '')} | "
                     f"{x.get('face_lost_s', '')} | {x.get('landmark_jitter_ratio')} | {x.get('border_step_ratio')} | "
                     f"{x.get('identity_distance_before_after')} | {x.get('identity_distance_during_max')} | "
                     f"{x.get('hand_over_face_share', '')} | {x.get('hand_region_change_ratio', '')} | "
                     f"{', '.join(f.removeprefix('challenge.flag.') for f in m['flags'])} | "
                     f"{', '.join(n.removeprefix('challenge.note.') for n in m['notes'])} |")
    yaw_lines = ["", "Per clip: verdict, largest absolute yaw (degrees, verifier.analysis.face.head_pose_deg), face tracking:", "",
                 "| clip | verdict | moments | max abs yaw ° | frames tracked | face share | wall s |", "|---|---|---|---|---|---|---|"]
    for d in recs:
        b = d["baseline"]
        yaw_lines.append(f"| {d['path']} | {d['verdict']} | {len(d['moments'])} | {b.get('max_abs_yaw_deg')} | {b.get('frames_tracked')} | "
                         f"{b.get('face_present_share')} | {d['wall_s']} |")
    if args.json:
        Path(args.json).write_text(json.dumps(recs, ensure_ascii=False, indent=1), encoding="utf-8")
    kinds = {}
    for _, m in moments:
        kinds.setdefault(m["kind"], [0, 0])
        kinds[m["kind"]][0] += 1
        kinds[m["kind"]][1] += bool(m["flags"])
    lines.insert(3, "By kind (moments / flagged): " + ", ".join(f"{k} {n}/{f}" for k, (n, f) in sorted(kinds.items())) + ".")
    Path(args.out).write_text("\n".join(lines + yaw_lines) + "\n", encoding="utf-8")
    print("\n".join(lines[:4]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
