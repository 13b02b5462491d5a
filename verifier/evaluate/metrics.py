"""Detection metrics and the paired leave-one-source-out protocol."""
from __future__ import annotations

import itertools
from typing import Callable

import numpy as np


def roc_auc(y_true, score) -> float:
    """ROC AUC (fake = positive class) over the files with a finite score (nan = the signal
    could not be measured there); nan when a class is missing."""
    from sklearn.metrics import roc_auc_score

    y_true, score = np.asarray(y_true), np.asarray(score, float)
    ok = np.isfinite(score)
    y_true, score = y_true[ok], score[ok]
    if len(np.unique(y_true)) < 2:
        return float("nan")
    return float(roc_auc_score(y_true, score))


def eer(y_true, score) -> float:
    """Equal error rate: where the false-alarm rate equals the miss rate (interpolated on
    the ROC), in [0, 1]; nan when a class is missing."""
    from sklearn.metrics import roc_curve

    y_true, score = np.asarray(y_true), np.asarray(score, float)
    if len(np.unique(y_true)) < 2:
        return float("nan")
    fpr, tpr, _ = roc_curve(y_true, score)
    fnr = 1 - tpr
    i = int(np.argmin(np.abs(fnr - fpr)))
    if i + 1 < len(fpr) and (fnr[i] - fpr[i]) * (fnr[i + 1] - fpr[i + 1]) < 0:
        # linear interpolation between the two ROC points around the crossing
        d0, d1 = fnr[i] - fpr[i], fnr[i + 1] - fpr[i + 1]
        w = d0 / (d0 - d1)
        return float(fpr[i] + w * (fpr[i + 1] - fpr[i]))
    return float((fnr[i] + fpr[i]) / 2)


def brier(y_true, p) -> float:
    return float(np.mean((np.asarray(p, float) - np.asarray(y_true, float)) ** 2))


def paired_loso(X: np.ndarray, y: np.ndarray, sources: np.ndarray,
                fit_predict: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]) -> dict:
    """Paired leave-one-source-out: for every (fake source, real source) pair, fit on all
    other sources, score the pair, and compute the pair's ROC AUC.

    Every source folder holds one class, so pooled leave-one-source-out AUC is biased;
    pairing keeps both classes in every test fold.

    Parameters
    ----------
    X : np.ndarray [shape=(n, d)]
    y : np.ndarray [shape=(n,)], 1 = fake, 0 = real
    sources : np.ndarray [shape=(n,)], source folder of each row
    fit_predict : callable(X_train, y_train, X_test) -> scores of X_test

    Returns
    -------
    dict
        ``auc_mean`` (mean over pairs), ``auc_min``, ``n_pairs``, ``brier`` (pooled over all
        pair test folds), ``pairs`` (list of {fake, real, auc}).
    """
    y, sources = np.asarray(y), np.asarray(sources)
    fakes = sorted(set(sources[y == 1]))
    reals = sorted(set(sources[y == 0]))
    pairs, all_y, all_p = [], [], []
    for f, r in itertools.product(fakes, reals):
        test = (sources == f) | (sources == r)
        p = np.asarray(fit_predict(X[~test], y[~test], X[test]), float)
        pairs.append({"fake": f, "real": r, "auc": roc_auc(y[test], p)})
        all_y.append(y[test])
        all_p.append(p)
    aucs = np.array([q["auc"] for q in pairs])
    ys, ps = np.concatenate(all_y), np.concatenate(all_p)
    in01 = bool(((ps >= 0) & (ps <= 1)).all())
    return {"auc_mean": float(np.nanmean(aucs)), "auc_min": float(np.nanmin(aucs)), "n_pairs": len(pairs),
            "brier": brier(ys, ps) if in01 else None, "pairs": pairs}
