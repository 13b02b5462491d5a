"""Identity consistency (the ``identity`` signal) on the development clips, per source.

    python scripts/measure_identity.py [--shared ../shared] [--out /tmp/identity.json]

For every clip of ``../shared/data/video`` (MANIFEST.tsv): the pipeline's face crops
(:class:`verifier.analysis.frames.FaceCropSampler`, frames tracked at :data:`TRACK_FPS`), then
:func:`verifier.analysis.identity.consistency.measure_identity`. Prints one row per source (clips, usable,
flagged "changes", median score) and the ROC AUC of the score, real against fake, overall and
for each fake source against all reals (unusable results count as score 0: "not flagged").
Needs the optional ``dlib-face-resnet`` model. Not a test (minutes).
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def auc(pos, neg) -> float:
    """P(a fake scores above a real), ties counting half (Mann-Whitney)."""
    pos, neg = np.asarray(pos, float), np.asarray(neg, float)
    if not len(pos) or not len(neg):
        return float("nan")
    gt = (pos[:, None] > neg[None, :]).mean()
    eq = (pos[:, None] == neg[None, :]).mean()
    return float(gt + 0.5 * eq)


TRACK_FPS = 6.0  # frames tracked per second here (the analysis tracks 15-30): the crops land at the same slots, 3-5x faster


def measure(path: str) -> dict:
    from verifier.analysis.face import FaceTracker
    from verifier.analysis.frames import FaceCropSampler
    from verifier.analysis.identity.consistency import measure_identity
    from verifier.analysis.media import decode, probe

    info = probe(path)
    sampler = FaceCropSampler(info.duration_s, info.video_start_s or 0.0)
    with FaceTracker() as tracker:
        decode(path, info, lambda fr: sampler.consume(fr, tracker.track(fr.image)), max_fps=TRACK_FPS, audio=False)
    r = measure_identity(sampler.finish())
    return {"score": None if not r.usable else round(float(r.score), 3), "reliability": round(float(r.reliability), 3),
            "explanation": r.explanation, "evidence": r.evidence}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--out", default="/tmp/identity_dev.json")
    args = ap.parse_args(argv)
    from verifier.analysis import threads

    threads.configure()
    video = Path(args.shared) / "data" / "video"
    out = json.loads(Path(args.out).read_text()) if Path(args.out).is_file() else {}
    with open(video / "MANIFEST.tsv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    t0 = time.perf_counter()
    for row in rows:
        if row["path"] in out:
            continue
        try:
            out[row["path"]] = {"label": row["label"], **measure(str(video / row["path"]))}
        except Exception as e:  # noqa: BLE001 - a clip that cannot be read is reported, not fatal
            out[row["path"]] = {"label": row["label"], "score": None, "explanation": f"error: {e}"}
        Path(args.out).write_text(json.dumps(out, indent=1))
    print(f"{len(out)} clips in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    by_src: dict[tuple[str, str], list] = {}
    for p, r in out.items():
        by_src.setdefault((r["label"], p.split("/")[1]), []).append(r)
    print("| label | source | clips | usable | flagged 'changes' | median score (usable) |\n|---|---|---|---|---|---|")
    for (label, src), rs in sorted(by_src.items()):
        sc = [r["score"] for r in rs if r["score"] is not None]
        flagged = sum(r["explanation"] == "identity.changes" for r in rs)
        print(f"| {label} | {src} | {len(rs)} | {len(sc)} | {flagged} | {np.median(sc) if sc else float('nan'):.2f} |")
    real = [r["score"] or 0.0 for r in out.values() if r["label"] == "real"]
    fake = [r["score"] or 0.0 for r in out.values() if r["label"] == "fake"]
    print(f"\nROC AUC fake vs real, all: {auc(fake, real):.3f} ({len(fake)} fake, {len(real)} real)")
    for (label, src), rs in sorted(by_src.items()):
        if label == "fake":
            print(f"  {src}: {auc([r['score'] or 0.0 for r in rs], real):.3f} ({len(rs)} clips)")
    real_u = [r["score"] for r in out.values() if r["label"] == "real" and r["score"] is not None]
    fake_u = [r["score"] for r in out.values() if r["label"] == "fake" and r["score"] is not None]
    print(f"usable only: {auc(fake_u, real_u):.3f} ({len(fake_u)} fake, {len(real_u)} real)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
