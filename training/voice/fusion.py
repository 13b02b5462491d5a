"""Issue 22, variant 4: the two published networks side by side, fused by a fixed rule (pre-registered in README).

Both networks stay frozen: AASIST-L (shipped) and the ASVspoof 5 AASIST with its own back-end. Their
logits on the runtime's windows of every pool item are already in the two back-end caches
(``backend_cache.py``; ``logit``, ``kind == 0``); per item and network the median over windows, as
the runtime does. Per fold (``families.split``):

* each network's item score is standardised by the mean and standard deviation of the fold's
  training-side real originals (:func:`reference`);
* the candidate ``zmax`` is the larger of the two z-scores (:func:`fuse`); ``zmean`` and a stacked
  logistic regression (``stack``) are computed on the same folds for information only;
* each fused score gets a Platt calibration fitted on the fold's training originals, as the baseline's.

There is nothing to choose inside a fold, so there is no inner loop. ``run`` writes ``logo.json`` in
``logo.py``'s format (``logit_pre`` = AASIST-L, ``logit_ft`` = the fused score), judged by
``logo.summarise`` (the fixed rule), plus ``oof.json``: every item's out-of-fold fused scores, which
is what a shipped calibration would be fitted on.
"""
from __future__ import annotations

import json
import os
import time

import numpy as np

from .families import FAMILIES, split
from .probe import item_scores

CANDIDATE = "zmax"  # the pre-registered variant; the others are reported, never chosen
VARIANTS = ("zmax", "zmean", "stack")
STACK_C = 1.0  # inverse L2 strength of the stacked logistic regression (set by hand, information only)


def item_logits(cache: dict, n_items: int) -> np.ndarray:
    """Per item: the median over its runtime windows (``kind == 0``) of the cached logit difference."""
    k0 = cache["kind"] == 0
    return item_scores(cache["logit"][k0], cache["item"][k0], list(range(n_items)))


def reference(scores: np.ndarray, reals: list[int]) -> tuple[float, float]:
    """``(mean, standard deviation)`` of ``scores`` over the real items ``reals`` (each once)."""
    v = np.asarray(scores, float)[reals]
    return float(v.mean()), float(v.std() + 1e-9)


def zscore(scores, ref: tuple[float, float]) -> np.ndarray:
    """``(scores − mean) / sd`` of a :func:`reference`."""
    return (np.asarray(scores, float) - ref[0]) / ref[1]


def fuse(za: np.ndarray, zb: np.ndarray, how: str = CANDIDATE) -> np.ndarray:
    """The larger of the two z-scores (``zmax``) or their mean (``zmean``)."""
    if how == "zmax":
        return np.maximum(za, zb)
    if how == "zmean":
        return (za + zb) / 2
    raise ValueError(how)


def _stack(meta, sa, sb, train_orig):
    """Stacked logistic regression on the two item scores, fitted on ``train_orig``; returns a scorer."""
    from sklearn.linear_model import LogisticRegression

    from .opinion import group_weights
    from .probe import group_of

    X = np.column_stack([sa, sb])
    y = np.array([int(meta[i]["label"] == "fake") for i in train_orig])
    g = np.array([group_of(meta[i]) for i in train_orig])
    mu, sd = X[train_orig].mean(0), X[train_orig].std(0) + 1e-9
    lr = LogisticRegression(C=STACK_C, max_iter=2000).fit((X[train_orig] - mu) / sd, y, sample_weight=group_weights(y, g))
    return lambda idx: lr.decision_function((X[idx] - mu) / sd), {"coef": lr.coef_[0].tolist(),
                                                                   "intercept": float(lr.intercept_[0])}


def run_fold(meta: list[dict], sa: np.ndarray, sb: np.ndarray, fold: str, how: str = CANDIDATE) -> dict:
    """One LOGO fold in ``logo.run_job``'s result format (``logit_pre`` = ``sa``, ``logit_ft`` = fused)."""
    from .logo import ORIGINAL_CONDITIONS, _calibrate

    train, eval_fake, eval_real = split(meta, fold)
    ev = eval_fake + eval_real
    orig = [i for i in train if meta[i]["condition"] in ORIGINAL_CONDITIONS]
    reals = [i for i in orig if meta[i]["label"] == "real"]
    ra, rb = reference(sa, reals), reference(sb, reals)
    info = {"steps": 0, "ref_a": ra, "ref_b": rb, "n_ref_reals": len(reals)}
    if how == "stack":
        scorer, info["stack"] = _stack(meta, sa, sb, orig)
        fused = np.full(len(meta), np.nan)
        fused[orig + ev] = scorer(orig + ev)
    else:
        fused = fuse(zscore(sa, ra), zscore(sb, rb), how)
    labels = [int(meta[i]["label"] == "fake") for i in orig]
    return {"fold": fold, "train_items": len(train), "train": info, "config": {"variant": how},
            "calibration_pre": _calibrate(sa[orig], labels), "calibration_ft": _calibrate(fused[orig], labels),
            "items": [{"id": meta[i]["id"], "label": meta[i]["label"], "family": meta[i]["family"],
                       "real_group": meta[i]["real_group"], "language": meta[i]["language"],
                       "condition": meta[i]["condition"], "is_telephone": meta[i]["is_telephone"],
                       "logit_pre": round(float(sa[i]), 4), "logit_ft": round(float(fused[i]), 4),
                       "logit_b": round(float(sb[i]), 4)} for i in ev]}


def out_of_fold(folds: dict) -> dict:
    """Every held-out item's out-of-fold fused score (a real held out in several folds: the mean of its scores)."""
    acc = {}
    for r in folds.values():
        for it in r["items"]:
            acc.setdefault(it["id"], {"label": it["label"], "condition": it["condition"], "scores": []})["scores"].append(it["logit_ft"])
    return {k: {**v, "oof": float(np.mean(v["scores"]))} for k, v in acc.items()}


def _load(path: str, ids: list[str]) -> dict:
    z = np.load(path)
    with open(path[:-4] + ".json", encoding="utf-8") as f:
        if json.load(f)["ids"] != ids:
            raise SystemExit(f"{path} was made from another pool")
    return {k: z[k] for k in ("logit", "item", "kind")}


def run(a) -> int:
    """Command ``fusion-logo`` (see training/voice/__main__.py)."""
    from .logo import runtime_rule, summarise

    t0 = time.time()
    with open(os.path.join(a.pool, "pool.json"), encoding="utf-8") as f:
        meta = json.load(f)["items"]
    ids = [m["id"] for m in meta]
    sa = item_logits(_load(a.cache_a, ids), len(meta))
    sb = item_logits(_load(a.cache_b, ids), len(meta))
    rule = runtime_rule()
    variants = [a.variant] if a.variant else list(VARIANTS)
    for how in variants:
        folds = {fam: run_fold(meta, sa, sb, fam, how) for fam in FAMILIES}
        doc = {"config": {"head": "fusion", "variant": how, "candidate": how == CANDIDATE,
                          "cache_a": os.path.abspath(a.cache_a), "cache_b": os.path.abspath(a.cache_b)},
               "runtime_rule": rule, "errors": {}, "folds": folds, "final": None,
               "summary": summarise(folds, rule), "wall_s": round(time.time() - t0, 1)}
        out = a.out if how == CANDIDATE else os.path.join(a.out, how)
        os.makedirs(out, exist_ok=True)
        with open(os.path.join(out, "logo.json"), "w", encoding="utf-8") as f:
            json.dump(doc, f, ensure_ascii=False)
        with open(os.path.join(out, "oof.json"), "w", encoding="utf-8") as f:
            json.dump(out_of_fold(folds), f, ensure_ascii=False)
        s = doc["summary"]
        print(f"{how}: mean AUC AASIST-L {s['mean_auc_pre_all']:.3f} → {s['mean_auc_ft_all']:.3f} "
              f"(vi {s['mean_auc_pre_vietnamese']:.3f} → {s['mean_auc_ft_vietnamese']:.3f}); reals high "
              f"{s['real_high_pre_foldcal']} → {s['real_high_ft_foldcal']} of {s['n_real_real']} (vi {s['vi_high_pre_foldcal']} → "
              f"{s['vi_high_ft_foldcal']}, narrowband {s['tel_high_pre_foldcal']} → {s['tel_high_ft_foldcal']}); dropping "
              f"{s['families_dropping']}; decision {s['decision']}", flush=True)
    return 0
