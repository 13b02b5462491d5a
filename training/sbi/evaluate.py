"""Clip-level evaluation of a checkpoint on the held-out real clips and all fake clips.

Each clip is scored from the canonical crops of up to 16 evenly spaced frames (data.cache_eval):
frame score = P(fake) from the network, clip score = the :data:`CLIP_QUANTILE` quantile of its
frame scores (a swap may show in a few frames only). Printed: ROC AUC overall, per fake source
(against all held-out reals), the DeepFaceLive same-scene pairs (fake > real count), and the
share of real clips over :data:`REAL_THRESHOLD`, overall and per real source.
"""
from __future__ import annotations

import os

import numpy as np
import torch

from verifier.analysis.video.lite0 import EfficientNetLite0, normalise
from verifier.evaluate.metrics import roc_auc

CLIP_QUANTILE = 0.9  # clip score = this quantile of its frame scores (set by hand, not tuned)
REAL_THRESHOLD = 0.5  # P(fake) over which a real clip counts as a false alarm
DFL_FAKE, DFL_REAL = "fake/deepfacelive", "real/deepfacelive_original"


@torch.no_grad()
def score_crops(model: EfficientNetLite0, crops: np.ndarray, batch: int = 64) -> np.ndarray:
    """P(fake) for (n, S, S, 3) uint8 canonical crops."""
    model.eval()
    out = []
    for i in range(0, len(crops), batch):
        x = normalise(torch.from_numpy(np.ascontiguousarray(crops[i:i + batch]))).contiguous(memory_format=torch.channels_last)
        out.append(torch.sigmoid(model(x).squeeze(1).float()).numpy())
    return np.concatenate(out) if out else np.zeros(0)


def clip_scores(frame_scores: np.ndarray, clip_idx: np.ndarray, n_clips: int, q: float = CLIP_QUANTILE) -> np.ndarray:
    """Per-clip ``q`` quantile of the frame scores; nan for clips without a face."""
    out = np.full(n_clips, np.nan)
    for j in range(n_clips):
        s = frame_scores[clip_idx == j]
        if len(s):
            out[j] = float(np.quantile(s, q))
    return out


def _pair_key(path: str) -> str:
    return os.path.basename(path).rsplit("_", 1)[0]  # Albica_Johns_0_swap.mp4 -> Albica_Johns_0


def summarise(score: np.ndarray, label: np.ndarray, source: np.ndarray, path: np.ndarray) -> dict:
    """The figures of the module docstring, as a dict."""
    y = (label == "fake").astype(int)
    real = y == 0
    res = {"n_clips": int(len(y)), "n_scored": int(np.isfinite(score).sum()), "auc": roc_auc(y, score),
           "auc_per_fake_source": {}, "real_over_threshold": {}, "threshold": REAL_THRESHOLD}
    for s in sorted(set(source[y == 1])):
        m = real | (source == s)
        res["auc_per_fake_source"][s] = {"auc": roc_auc(y[m], score[m]), "n": int((source == s).sum())}
    for s in ["all", *sorted(set(source[real]))]:
        m = real if s == "all" else real & (source == s)
        sc = score[m][np.isfinite(score[m])]
        res["real_over_threshold"][s] = {"share": float((sc > REAL_THRESHOLD).mean()) if len(sc) else float("nan"),
                                         "n": int(len(sc)), "median": float(np.median(sc)) if len(sc) else float("nan")}
    fakes = {_pair_key(p): sc for p, sc, s in zip(path, score, source) if s == DFL_FAKE}
    reals = {_pair_key(p): sc for p, sc, s in zip(path, score, source) if s == DFL_REAL}
    pairs = [(fakes[k], reals[k]) for k in sorted(fakes.keys() & reals.keys()) if np.isfinite(fakes[k]) and np.isfinite(reals[k])]
    res["dfl_pairs"] = {"fake_higher": int(sum(f > r for f, r in pairs)), "n": len(pairs)}
    return res


def evaluate(model: EfficientNetLite0, eval_npz: str) -> tuple[dict, dict]:
    d = np.load(eval_npz)
    fs = score_crops(model, d["crops"])
    cs = clip_scores(fs, d["clip"], len(d["path"]))
    per_clip = {str(p): (None if not np.isfinite(s) else round(float(s), 4)) for p, s in zip(d["path"], cs)}
    return summarise(cs, d["label"], d["source"], d["path"]), per_clip


def format_summary(res: dict) -> str:
    lines = [f"clips {res['n_scored']}/{res['n_clips']} scored; ROC AUC overall {res['auc']:.3f}"]
    for s, v in res["auc_per_fake_source"].items():
        lines.append(f"  AUC {s:<28} (n={v['n']:>2}) vs held-out reals: {v['auc']:.3f}")
    p = res["dfl_pairs"]
    lines.append(f"DeepFaceLive same-scene pairs: fake scored higher in {p['fake_higher']}/{p['n']}")
    for s, v in res["real_over_threshold"].items():
        lines.append(f"  real {s:<30} (n={v['n']:>2}) over {res['threshold']}: {v['share']:.2f}  median {v['median']:.3f}")
    return "\n".join(lines)


def photo_pairs(model: EfficientNetLite0, crops: np.ndarray, pts: np.ndarray, *, cache_margin: float, margin: float,
                size_px: int, seed: int = 0) -> dict:
    """Real photos against their own self-blends, both at the canonical framing (no jitter, no
    degradation): ROC AUC, and the share of real photos over :data:`REAL_THRESHOLD` with the
    median real score. On photos held out of training (``TrainConfig.holdout_photo_pct``) and
    on as many training photos, this tells memorisation (held-out reals high, training reals
    low) from a video-only domain gap (both low)."""
    from .augment import reframe
    from .blend import self_blend

    rng = np.random.default_rng(seed)
    real = np.stack([reframe(c, cache_margin=cache_margin, margin=margin, size_px=size_px) for c in crops])
    fake = np.stack([reframe(self_blend(c, p, rng)[0], cache_margin=cache_margin, margin=margin, size_px=size_px)
                     for c, p in zip(crops, pts)])
    sr, sf = score_crops(model, real), score_crops(model, fake)
    y = np.r_[np.zeros(len(sr)), np.ones(len(sf))]
    return {"n": int(len(sr)), "auc": roc_auc(y, np.r_[sr, sf]), "real_over_threshold": float((sr > REAL_THRESHOLD).mean()),
            "real_median": float(np.median(sr)), "blend_median": float(np.median(sf))}
