"""A training-free probe for issue 9: is a swapped face blurrier than what surrounds it?

Face swaps and lip-sync generators paste a generated face (or mouth) that was made at a lower
resolution and blended in, so the pasted region may hold less fine detail than the rest of the
same picture. Three log ratios of the mean |Laplacian| (grey levels, full resolution, FaceMesh
landmarks on every decoded frame at ≤ 4 fps), median over frames:

* ``m_face_ring``: inside the face oval (eroded by 12 % of the face height) vs a ring of the
  same width just outside it (hair, ears, background, neck);
* ``m_mouth_eyes``: the lips region vs the upper face (eyes and forehead);
* ``m_face_bg``: inside the face vs everything farther than 3 ring widths from it.

Fixed before looking; nothing is fitted. Prints per-clip values, then ROC AUC (lower ratio =
fake), the median per source and the DeepFaceLive same-scene pairs (the swap below its own
original in how many of the 24 pairs). Measured 2026-11-30 on ../shared/data/video (92 clips
with a face): AUC 0.47 / 0.55 / 0.56, pairs 9 / 14 / 17 of 24 — no usable signal, as the
supervised diagnostic of training/sbi/README.md found for the crops; nothing was shipped.

    python scripts/probe_face_sharpness.py ../shared/data/video [--out sharpness.tsv]
"""
from __future__ import annotations

import argparse
import csv
import os
import sys

import cv2
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

RING_FRACTION = 0.12  # ring width and erosion, share of the face height (forehead–chin)
BACKGROUND_RINGS = 3  # "background" starts this many ring widths outside the face oval
MAX_FPS = 4.0  # frames analysed per second
MEASURES = ("m_face_ring", "m_mouth_eyes", "m_face_bg")


def _mean_abs(hf: np.ndarray, mask: np.ndarray, min_px: int = 20) -> float:
    m = mask.astype(bool)
    return float(hf[m].mean()) + 1e-3 if m.sum() > min_px else float("nan")


def frame_ratios(rgb: np.ndarray, pts: np.ndarray, oval: list[int], lips: list[int]) -> tuple[float, float, float]:
    """The three log ratios of one frame (``pts``: FaceMesh landmarks in pixels)."""
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).astype(np.float32)
    hf = np.abs(cv2.Laplacian(grey, cv2.CV_32F))
    h, w = grey.shape
    face = np.zeros((h, w), np.uint8)
    cv2.fillConvexPoly(face, cv2.convexHull(pts[oval, :2].astype(np.int32)), 1)
    face_h = float(np.ptp(pts[:, 1]))
    k = max(3, int(RING_FRACTION * face_h)) | 1
    ker = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    inner = cv2.erode(face, ker)
    ring = cv2.dilate(face, ker) & (1 - face)
    far = cv2.dilate(face, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (BACKGROUND_RINGS * k | 1,) * 2))
    lips_m = np.zeros_like(face)
    cv2.fillConvexPoly(lips_m, cv2.convexHull(pts[lips, :2].astype(np.int32)), 1)
    lips_m = cv2.dilate(lips_m, ker) & inner
    eyes_y, top = float(pts[[33, 263], 1].mean()), float(pts[10, 1])
    rows = np.arange(h)[:, None]
    upper = inner.astype(bool) & (rows < eyes_y + 0.05 * face_h) & (rows > top)
    bg = (1 - far).astype(bool)
    e_in = _mean_abs(hf, inner)
    return (np.log(e_in / _mean_abs(hf, ring)), np.log(_mean_abs(hf, lips_m) / _mean_abs(hf, upper)),
            np.log(e_in / _mean_abs(hf, bg, 200)))


def measure_clip(path: str, landmarker, oval, lips) -> tuple[int, np.ndarray]:
    from verifier.analysis import media

    vals = []

    def on_frame(fr):
        pts = landmarker.landmarks(fr.image)
        if pts is not None:
            vals.append(frame_ratios(fr.image, pts, oval, lips))

    media.decode(path, media.probe(path), on_frame, max_fps=MAX_FPS, audio=False)
    if not vals:
        return 0, np.full(len(MEASURES), np.nan)
    return len(vals), np.nanmedian(np.array(vals), axis=0)


def main(argv=None) -> int:
    import mediapipe as mp
    from sklearn.metrics import roc_auc_score

    from verifier.analysis.face import MediaPipeLandmarker
    from verifier.core.errors import MediaError

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder")
    ap.add_argument("--out", help="also write the per-clip values here (TSV)")
    args = ap.parse_args(argv)
    oval = sorted({i for c in mp.solutions.face_mesh.FACEMESH_FACE_OVAL for i in c})
    lips = sorted({i for c in mp.solutions.face_mesh.FACEMESH_LIPS for i in c})
    with open(os.path.join(args.folder, "MANIFEST.tsv"), encoding="utf-8") as f:
        manifest = list(csv.DictReader(f, delimiter="\t"))
    lm = MediaPipeLandmarker()
    rows = []
    for r in manifest:
        try:
            n, v = measure_clip(os.path.join(args.folder, r["path"]), lm, oval, lips)
        except MediaError as e:  # the three SadTalker GIFs: not a format the tool reads
            print(f"{r['path']}\tskipped: {e.message('en')}", file=sys.stderr)
            continue
        rows.append({"path": r["path"], "label": r["label"], "source": r["path"].split("/")[1], "frames": n,
                     **{m: float(x) for m, x in zip(MEASURES, v)}})
        print("\t".join(str(rows[-1][k]) for k in rows[-1]), flush=True)
    lm.close()
    if args.out:
        with open(args.out, "w", encoding="utf-8", newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(rows[0]), delimiter="\t")
            w.writeheader()
            w.writerows(rows)
    pairs = {}
    for r in rows:
        name = os.path.basename(r["path"])
        for tag, side in (("_swap.mp4", "fake"), ("_orig.mp4", "real")):
            if name.endswith(tag):
                pairs.setdefault(name[: -len(tag)], {})[side] = r
    for m in MEASURES:
        ok = [r for r in rows if np.isfinite(r[m])]
        auc = roc_auc_score([r["label"] == "fake" for r in ok], [-r[m] for r in ok])
        both = [p for p in pairs.values() if len(p) == 2 and np.isfinite(p["fake"][m]) and np.isfinite(p["real"][m])]
        lower = sum(p["fake"][m] < p["real"][m] for p in both)
        by_source = {}
        for r in ok:
            by_source.setdefault(r["source"], []).append(r[m])
        medians = ", ".join(f"{s} {np.median(v):+.2f}" for s, v in sorted(by_source.items()))
        print(f"{m}: AUC (lower = fake) {auc:.3f} on {len(ok)} clips; DeepFaceLive swap below its original "
              f"in {lower} of {len(both)} pairs\n  median per source: {medians}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
