"""A linear head on the frozen AASIST-L's readout, leave-one-generator-family-out (the CPU run).

The head replaces ``AASIST.out_layer``: standardised 120-value readouts (``probe_cache.py``)
→ L2 logistic regression (scikit-learn), fake = 1. Its C is chosen by an inner group
cross-validation on the fold's training items only (groups: generator family for fakes, real
group for reals, so the inner folds also hold out whole generators). Windows are weighted so
that each class weighs half and each group weighs the same within its class (as
``train.WindowSampler`` draws them). Items are scored as the runtime scores them: the median
over the runtime's windows of the window scores (here the head's log-odds of fake).

``run`` writes a ``logo.json`` in ``logo.py``'s format (``logit_pre``: the pretrained network,
``logit_ft``: the head), so ``python -m training.voice report`` renders it, and the head
trained on the whole pool (``head.json``).
"""
from __future__ import annotations

import dataclasses
import json
import os
import time
from dataclasses import dataclass

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

from .families import FAMILIES, FINAL, split

NAME = "voiceprobe"


@dataclass(frozen=True)
class ProbeConfig:
    """Head settings (set by hand; only C is chosen, by inner group-CV on each fold's training items)."""

    Cs: tuple = (1e-4, 3e-4, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0)  # inverse L2 strengths tried (the first CPU run, 0.001-1, chose 0.001 in 11 of 15 fits: widened down)
    inner_splits: int = 4  # StratifiedGroupKFold splits of the inner CV
    seed: int = 0  # inner CV shuffling
    max_iter: int = 5000  # lbfgs iterations

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


def balanced_weights(y, groups) -> np.ndarray:
    """Sample weights: each class sums to half the rows, each group the same within its class."""
    y, groups = np.asarray(y), np.asarray(groups)
    w = np.zeros(len(y))
    for c in np.unique(y):
        gs = np.unique(groups[y == c])
        for g in gs:
            m = (y == c) & (groups == g)
            w[m] = len(y) / (2.0 * len(gs) * m.sum())
    return w


class LinearProbe(ClassifierMixin, BaseEstimator):
    """Standardised features → logistic regression; ``decision_function`` = log-odds of class 1 (fake).

    ``fit(X, y, groups)`` picks C among ``Cs`` by mean window AUC over inner
    StratifiedGroupKFold splits (when ``groups`` is given and ``Cs`` has several values), then
    refits on everything. Fitted numbers: ``mean_``, ``scale_``, ``coef_``, ``intercept_``, ``C_``,
    ``cv_auc_`` (mean inner AUC per C)."""

    def __init__(self, Cs=ProbeConfig.Cs, inner_splits=ProbeConfig.inner_splits, seed=0, max_iter=5000):
        self.Cs = Cs
        self.inner_splits = inner_splits
        self.seed = seed
        self.max_iter = max_iter

    def _lr(self, C):
        from sklearn.linear_model import LogisticRegression

        return LogisticRegression(C=C, max_iter=self.max_iter)

    def inner_splits_of(self, X, y, groups):
        """The inner CV's (train, test) row splits (StratifiedGroupKFold, seeded)."""
        from sklearn.model_selection import StratifiedGroupKFold

        k = min(self.inner_splits, len(np.unique(groups)))
        return list(StratifiedGroupKFold(n_splits=k, shuffle=True, random_state=self.seed).split(X, y, groups))

    def _fit_one(self, X, y, w, C):
        mean = X.mean(axis=0)
        scale = np.where(X.std(axis=0) > 0, X.std(axis=0), 1.0)
        lr = self._lr(C).fit((X - mean) / scale, y, sample_weight=w)
        return mean, scale, lr.coef_.ravel().astype(float), float(lr.intercept_[0])

    def fit(self, X, y, groups=None):
        from sklearn.metrics import roc_auc_score

        X, y = np.asarray(X, float), np.asarray(y).astype(int)
        if set(np.unique(y)) != {0, 1}:
            raise ValueError("y must hold both classes (0 real, 1 fake)")
        groups = np.asarray(groups) if groups is not None else y.astype(str)
        w = balanced_weights(y, groups)
        self.cv_auc_ = {}
        if len(self.Cs) > 1 and len(np.unique(groups)) > 2:
            splits = self.inner_splits_of(X, y, groups)
            for C in self.Cs:
                aucs = []
                for tr, te in splits:
                    if len(np.unique(y[tr])) < 2 or len(np.unique(y[te])) < 2:
                        continue
                    mean, scale, coef, b = self._fit_one(X[tr], y[tr], w[tr], C)
                    aucs.append(roc_auc_score(y[te], ((X[te] - mean) / scale) @ coef + b))
                self.cv_auc_[C] = float(np.mean(aucs)) if aucs else float("nan")
            self.C_ = max(self.Cs, key=lambda C: (np.nan_to_num(self.cv_auc_[C], nan=-1.0), -C))
        else:
            self.C_ = self.Cs[0]
        self.mean_, self.scale_, self.coef_, self.intercept_ = self._fit_one(X, y, w, self.C_)
        self.classes_ = np.array([0, 1])
        return self

    def decision_function(self, X) -> np.ndarray:
        return ((np.asarray(X, float) - self.mean_) / self.scale_) @ self.coef_ + self.intercept_

    def predict_proba(self, X) -> np.ndarray:
        p = 1.0 / (1.0 + np.exp(-self.decision_function(X)))
        return np.stack([1 - p, p], axis=1)

    def predict(self, X) -> np.ndarray:
        return (self.decision_function(X) > 0).astype(int)

    def to_dict(self) -> dict:
        """JSON-able head: ``log-odds(fake) = coef · (readout − mean) / scale + intercept``."""
        return {"C": self.C_, "mean": self.mean_.tolist(), "scale": self.scale_.tolist(), "coef": self.coef_.tolist(),
                "intercept": self.intercept_, "cv_auc": {str(k): v for k, v in self.cv_auc_.items()}}


def item_scores(window_scores, window_item, items) -> np.ndarray:
    """Median over each item's windows (the runtime's ``aggregate``). [len(items)]"""
    window_scores, window_item = np.asarray(window_scores), np.asarray(window_item)
    return np.array([float(np.median(window_scores[window_item == i])) for i in items])


def group_of(m: dict) -> str:
    """Inner-CV / weighting group: generator family (fakes) or real group (reals)."""
    return m["family"] if m["label"] == "fake" else m["real_group"]


def fit_fold(cache: dict, meta: list[dict], train: list[int], cfg: ProbeConfig = ProbeConfig()):
    """Fit the head on every cached window (runtime and augmented) of the items ``train``.

    Returns ``(head, cross-fitted item scores of train's runtime windows)``: each training item
    scored by the inner-CV model that did not see its group (for the Platt calibration)."""
    rows = np.isin(cache["item"], train)
    X, it = cache["feat"][rows], cache["item"][rows]
    y = np.array([int(meta[i]["label"] == "fake") for i in it])
    groups = np.array([group_of(meta[i]) for i in it])
    head = LinearProbe(cfg.Cs, cfg.inner_splits, cfg.seed, cfg.max_iter).fit(X, y, groups)
    crossfit = np.full(len(X), np.nan)
    for tr, te in head.inner_splits_of(X, y, groups):
        if len(np.unique(y[tr])) < 2:
            continue
        sub = LinearProbe((head.C_,), seed=cfg.seed, max_iter=cfg.max_iter).fit(X[tr], y[tr], groups[tr])
        crossfit[te] = sub.decision_function(X[te])
    kind0 = cache["kind"][rows] == 0
    ok = kind0 & np.isfinite(crossfit)
    scored = sorted(set(it[ok].tolist()))
    return head, dict(zip(scored, item_scores(crossfit[ok], it[ok], scored)))


def run_fold(cache: dict, meta: list[dict], fold: str, cfg: ProbeConfig = ProbeConfig()) -> tuple[dict, LinearProbe]:
    """One LOGO fold (or ``FINAL``) in ``logo.run_job``'s result format."""
    train, eval_fake, eval_real = split(meta, fold)
    ev = eval_fake + eval_real
    head, crossfit = fit_fold(cache, meta, train, cfg)
    k0 = cache["kind"] == 0
    lg_pre = item_scores(cache["logit"][k0], cache["item"][k0], ev)
    lg_ft = item_scores(head.decision_function(cache["feat"][k0]), cache["item"][k0], ev)
    n_win = int(np.isin(cache["item"], train).sum())
    out = {"fold": fold, "train_items": len(train),
           "train": {"steps": n_win, "windows": n_win, "C": head.C_, "cv_auc": {str(k): v for k, v in head.cv_auc_.items()}},
           "config": cfg.to_dict(), **fold_items_and_calibrations(meta, cache, train, ev, crossfit, lg_pre, lg_ft)}
    return out, head


def fold_items_and_calibrations(meta: list, cache: dict, train: list, ev: list, crossfit: dict, lg_pre, lg_ft) -> dict:
    """The part of a fold's ``logo.json`` record shared by the CPU runs (``probe.py``, ``backend.py``):
    Platt calibrations of the pretrained logits and of the cross-fitted trained scores on the fold's
    training originals, and one row per held-out item with both logits."""
    from .logo import ORIGINAL_CONDITIONS, _calibrate

    k0 = cache["kind"] == 0
    cal_idx = [i for i in train if meta[i]["condition"] in ORIGINAL_CONDITIONS and i in crossfit]
    cal_labels = [int(meta[i]["label"] == "fake") for i in cal_idx]
    cal_pre = item_scores(cache["logit"][k0], cache["item"][k0], cal_idx)
    return {"calibration_pre": _calibrate(cal_pre, cal_labels),
            "calibration_ft": _calibrate([crossfit[i] for i in cal_idx], cal_labels),
            "items": [{"id": meta[i]["id"], "label": meta[i]["label"], "family": meta[i]["family"],
                       "real_group": meta[i]["real_group"], "language": meta[i]["language"],
                       "condition": meta[i]["condition"], "is_telephone": meta[i]["is_telephone"],
                       "logit_pre": round(float(a), 4), "logit_ft": round(float(b), 4)}
                      for i, a, b in zip(ev, lg_pre, lg_ft)]}


def run(a) -> int:
    """Command ``probe-logo`` (see training/voice/__main__.py)."""
    from .logo import runtime_rule, summarise

    t0 = time.time()
    with open(os.path.join(a.pool, "pool.json"), encoding="utf-8") as f:
        meta = json.load(f)["items"]
    z = np.load(a.cache)
    cache = {k: z[k] for k in ("feat", "logit", "item", "kind")}
    with open(a.cache[:-4] + ".json", encoding="utf-8") as f:
        cache_info = json.load(f)
    if cache_info["ids"] != [m["id"] for m in meta]:
        raise SystemExit("the cache was made from another pool")
    cfg = ProbeConfig(seed=a.seed)
    folds, heads = {}, {}
    for fold in list(FAMILIES) + [FINAL]:
        folds[fold], heads[fold] = run_fold(cache, meta, fold, cfg)
        print(f"{fold}: C {heads[fold].C_}, {folds[fold]['train']['windows']} training windows", flush=True)
    rule = runtime_rule()
    results = {f: r for f, r in folds.items() if f != FINAL}
    doc = {"config": {"head": "linear_probe", "device": "cpu", "procs": 1, "budget_s_per_job": None, "batch": None,
                      "lr": None, "seed": a.seed, "probe": cfg.to_dict(), "cache": cache_info["config"],
                      "n_aug_done": cache_info["n_aug_done"], "cache_wall_s": cache_info["wall_s"]},
           "runtime_rule": rule, "errors": {}, "folds": results, "final": {k: v for k, v in folds[FINAL].items() if k != "items"},
           "summary": summarise(results, rule), "wall_s": round(time.time() - t0, 1)}
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "logo.json"), "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False)
    s = doc["summary"]
    keep = s["decision"]["keep_fine_tuned"]
    if keep:
        with open(os.path.join(a.out, "head.json"), "w", encoding="utf-8") as f:
            json.dump({"head": heads[FINAL].to_dict(), "calibration": folds[FINAL]["calibration_ft"],
                       "features": "AASIST-L out_layer input (120 values, eval mode), per 64,600-sample window",
                       "aggregate": "median over the runtime's windows of the head's log-odds", "config": cfg.to_dict(),
                       "cache": cache_info["config"], "n_aug_done": cache_info["n_aug_done"],
                       "data_list": "training/voice/data_list.tsv (every pool item)"}, f, indent=1)
    print(f"wrote {a.out}/logo.json in {doc['wall_s']} s; mean AUC pre {s['mean_auc_pre_all']:.3f} head "
          f"{s['mean_auc_ft_all']:.3f} (vi {s['mean_auc_pre_vietnamese']:.3f} → {s['mean_auc_ft_vietnamese']:.3f}); "
          f"reals high {s['real_high_pre_foldcal']} → {s['real_high_ft_foldcal']} of {s['n_real_real']}; "
          f"decision {s['decision']}")
    return 0
