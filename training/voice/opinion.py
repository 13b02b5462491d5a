"""A second opinion from a different front-end (issue 22, item 3): GE2E embedding → logistic regression,
alone and fused with AASIST-L, judged leave-one-generator-family-out on the pool's folds.

Two commands (``python -m training.voice opinion-cache`` / ``opinion-logo``):

* **cache** (CPU, once, resumable): for every pool item, AASIST-L's message logit exactly as the
  runtime computes it (``VoiceDetector.logits`` on the runtime's windows, spoof − bona fide, median)
  and the GE2E utterance embedding of the item (``verifier.analysis.identity.speaker.embed_utterance``, the
  Compare tab's encoder, ONNX). Written every :data:`CHECKPOINT_EVERY` items; a rerun resumes.
* **logo**: for each fold of ``families.split`` (one family's fakes held out with the reals of its
  sources), a procedure chooses among the candidates below by an **inner** group cross-validation on
  the fold's training items only (groups = family / real group, so inner folds hold out whole
  generators too), refits the choice on the whole training side and scores the held-out items. The
  outer figures are reported, never used to choose. The whole pool then gets the same procedure
  (the model that would ship).

Candidates (fixed before the run):

``aasist_l``
    the shipped network's logit (nothing fitted; the baseline).
``ge2e_c{C}``
    standardised GE2E embedding → L2 logistic regression with C in :data:`C_GRID`; items weighted
    so that each class weighs half and each group the same within its class.
``zmean_c{C}``
    mean of AASIST-L's logit and the GE2E head's log-odds, each standardised on the training side
    (the head's on its cross-fitted scores: in-sample scores of a trained head are over-confident).

The decision rule (fixed before the run; README "What the voice detector misses"): the second
opinion ships only if, over the held-out families (originals), its mean AUC is at least
:data:`RULE_MEAN_GAIN` above AASIST-L's, no family falls by more than :data:`RULE_MAX_FAMILY_DROP`,
and held-out real speech rated "high" (P ≥ ``high_from`` after a Platt calibration fitted on the
fold's training side) does not rise, counted for all reals, Vietnamese reals and narrowband reals.
"""
from __future__ import annotations

import json
import os
import time

import numpy as np

from .families import FAMILIES, MODERN_FAMILIES, VIETNAMESE_FAMILIES, split

C_GRID = (0.01, 0.1, 1.0)  # inverse L2 strengths tried by the inner loop
INNER_SPLITS = 5  # StratifiedGroupKFold splits of the training side
RULE_MEAN_GAIN = 0.05  # mean held-out-family AUC must rise by at least this
RULE_MAX_FAMILY_DROP = 0.05  # and no family may fall by more than this
CHECKPOINT_EVERY = 50  # items between two writes of the cache
ORIGINAL_CONDITIONS = ("as_published", "as_made")
SEED = 0


# --------------------------------------------------------------------------- cache

def build_cache(pool_dir: str, out_dir: str, *, max_minutes: float = 60.0, log=print) -> str:
    """Compute (or resume) ``opinion_cache.npz`` in ``out_dir``; returns its path."""
    from verifier.analysis.identity.speaker import embed_utterance, load_encoder
    from verifier.analysis.voice.detector import aggregate, default_detector

    from .pool import eval_windows, load

    samples, offsets, meta, _ = load(os.path.join(pool_dir, "pool.npz"))
    path = os.path.join(out_dir, "opinion_cache.npz")
    os.makedirs(out_dir, exist_ok=True)
    ids = [m["id"] for m in meta]
    aasist = np.full(len(meta), np.nan)
    ge2e = np.full((len(meta), 256), np.nan, np.float32)
    if os.path.exists(path):
        z = np.load(path, allow_pickle=False)
        old = {k: i for i, k in enumerate(z["ids"].tolist())}
        for i, k in enumerate(ids):
            if k in old:
                aasist[i], ge2e[i] = z["aasist_l"][old[k]], z["ge2e"][old[k]]
    det, enc = default_detector(), load_encoder()
    t0, todo = time.time(), [i for i in range(len(meta)) if np.isnan(aasist[i]) or np.isnan(ge2e[i, 0])]
    log(f"{len(meta) - len(todo)} items cached, {len(todo)} to do")

    def save():
        np.savez(path, ids=np.array(ids), aasist_l=aasist, ge2e=ge2e)

    for k, i in enumerate(todo):
        y = samples[offsets[i]:offsets[i + 1]].astype(np.float32) / 32767.0
        logits = det.logits(eval_windows(y, meta[i]["eval_starts"]))
        aasist[i] = aggregate(logits[:, 0] - logits[:, 1])
        ge2e[i] = embed_utterance(y, model=enc)[0]
        if (k + 1) % CHECKPOINT_EVERY == 0:
            save()
            log(f"{k + 1}/{len(todo)} ({time.time() - t0:.0f} s)")
        if time.time() - t0 > max_minutes * 60:
            log("time cap reached: rerun to resume")
            break
    save()
    return path


# --------------------------------------------------------------------------- fitting

def group_weights(labels: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Each class weighs half, each group the same within its class (sum = len)."""
    w = np.zeros(len(labels))
    for c in (0, 1):
        in_c = labels == c
        gs = np.unique(groups[in_c])
        for g in gs:
            m = in_c & (groups == g)
            w[m] = 0.5 / len(gs) / m.sum()
    return w * len(labels)


class Ge2eHead:
    """Standardised embedding → L2 logistic regression (fake = 1); ``decision`` is the log-odds."""

    def __init__(self, C: float):
        self.C = C

    def fit(self, X, y, groups):
        from sklearn.linear_model import LogisticRegression

        self.mean_, self.scale_ = X.mean(0), X.std(0) + 1e-6
        self.lr_ = LogisticRegression(C=self.C, max_iter=2000)
        self.lr_.fit((X - self.mean_) / self.scale_, y, sample_weight=group_weights(y, groups))
        return self

    def decision(self, X):
        return self.lr_.decision_function((X - self.mean_) / self.scale_)


def _inner_splits(y, groups, seed=SEED):
    from sklearn.model_selection import StratifiedGroupKFold

    n = min(INNER_SPLITS, len(np.unique(groups[y == 0])), len(np.unique(groups[y == 1])))
    return list(StratifiedGroupKFold(n_splits=n, shuffle=True, random_state=seed).split(np.zeros(len(y)), y, groups))


def crossfit(X, y, groups, C, splits) -> np.ndarray:
    """Each training item scored by the head fitted without its inner fold."""
    out = np.zeros(len(y))
    for tr, te in splits:
        out[te] = Ge2eHead(C).fit(X[tr], y[tr], groups[tr]).decision(X[te])
    return out


def _auc(y, s) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(y, s)) if len(np.unique(y)) == 2 else float("nan")


def _z(v, ref):
    return (v - ref.mean()) / (ref.std() + 1e-9)


def fit_procedure(a, X, y, groups, force: str | None = None) -> dict:
    """Choose among the candidates by the inner loop, refit on everything given; returns a dict with
    ``choice``, the inner AUCs, and what scoring new items needs. ``force`` names a candidate to fit
    whatever the inner loop prefers (to report each variant on the same folds, never to choose)."""
    splits = _inner_splits(y, groups)
    inner = {"aasist_l": _auc(y, a)}
    cross = {}
    for C in C_GRID:
        cf = crossfit(X, y, groups, C, splits)
        cross[C] = cf
        inner[f"ge2e_c{C}"] = _auc(y, cf)
        inner[f"zmean_c{C}"] = _auc(y, (_z(a, a) + _z(cf, cf)) / 2)
    choice = force or max(inner, key=lambda k: (inner[k], k == "aasist_l"))  # ties keep the baseline
    fitted = {"choice": choice, "inner_auc": inner, "a_ref": (float(a.mean()), float(a.std() + 1e-9))}
    if choice != "aasist_l":
        C = float(choice.split("_c")[1])
        head = Ge2eHead(C).fit(X, y, groups)
        cf = cross[C]
        fitted.update(head=head, b_ref=(float(cf.mean()), float(cf.std() + 1e-9)))
        train_scores = cf if choice.startswith("ge2e") else (_z(a, a) + _z(cf, cf)) / 2
    else:
        train_scores = a
    fitted["platt"] = platt(train_scores, y, group_weights(y, groups))
    return fitted


def score(fitted: dict, a, X) -> np.ndarray:
    choice = fitted["choice"]
    if choice == "aasist_l":
        return np.asarray(a, float)
    b = fitted["head"].decision(X)
    if choice.startswith("ge2e"):
        return b
    za = (a - fitted["a_ref"][0]) / fitted["a_ref"][1]
    zb = (b - fitted["b_ref"][0]) / fitted["b_ref"][1]
    return (za + zb) / 2


def platt(s, y, w) -> tuple[float, float]:
    from sklearn.linear_model import LogisticRegression

    lr = LogisticRegression(C=1e4, max_iter=1000).fit(np.asarray(s)[:, None], y, sample_weight=w)
    return float(lr.coef_[0, 0]), float(lr.intercept_[0])


def p_fake(pl, s):
    return 1 / (1 + np.exp(-(pl[0] * np.asarray(s) + pl[1])))


# --------------------------------------------------------------------------- LOGO

def _arrays(meta, cache_path):
    z = np.load(cache_path, allow_pickle=False)
    pos = {k: i for i, k in enumerate(z["ids"].tolist())}
    idx = [pos[m["id"]] for m in meta]
    a, X = z["aasist_l"][idx].astype(float), z["ge2e"][idx].astype(float)
    if np.isnan(a).any() or np.isnan(X).any():
        raise SystemExit("the cache is incomplete: rerun opinion-cache")
    y = np.array([m["label"] == "fake" for m in meta], int)
    groups = np.array([m["family"] if m["label"] == "fake" else "real:" + m["real_group"] for m in meta])
    return a, X, y, groups


def run_logo(pool_dir: str, cache_path: str, out_dir: str, high_from: float, log=print, force: str | None = None) -> dict:
    from .pool import load

    _, _, meta, _ = load(os.path.join(pool_dir, "pool.npz"))
    a, X, y, groups = _arrays(meta, cache_path)
    orig = np.array([m["condition"] in ORIGINAL_CONDITIONS for m in meta])
    vi = np.array([m.get("language") == "vi" for m in meta])
    tel = np.array([bool(m.get("is_telephone")) for m in meta])
    folds, oof = {}, {}
    for fold in FAMILIES:
        tr, ev_f, ev_r = split(meta, fold)
        tr = np.array(tr)
        fitted = fit_procedure(a[tr], X[tr], y[tr], groups[tr], force)
        base_pl = platt(a[tr], y[tr], group_weights(y[tr], groups[tr]))
        ev = np.array(ev_f + ev_r)
        s_new, s_base = score(fitted, a[ev], X[ev]), a[ev]
        row = {"choice": fitted["choice"], "inner_auc": fitted["inner_auc"], "n_fake": int(orig[ev_f].sum()),
               "n_real": int(orig[ev_r].sum()), "n_fake_all": len(ev_f), "n_real_all": len(ev_r)}
        for name, s, pl in (("base", s_base, base_pl), ("new", s_new, fitted["platt"])):
            o = orig[ev]
            row[f"auc_{name}"] = _auc(y[ev][o], s[o])
            row[f"auc_all_{name}"] = _auc(y[ev], s)
            high = p_fake(pl, s) >= high_from
            is_real = y[ev] == 0
            row[f"caught_{name}"] = float(high[(y[ev] == 1) & o].mean())
            row[f"real_high_{name}"] = int((high & is_real).sum())
            row[f"real_high_vi_{name}"] = int((high & is_real & vi[ev]).sum())
            row[f"real_high_tel_{name}"] = int((high & is_real & tel[ev]).sum())
            for j, i in enumerate(ev):
                oof.setdefault(name, {}).setdefault(int(i), []).append(float(p_fake(pl, s[j])))
        folds[fold] = row
        log(f"{fold:18s} {row['choice']:14s} AUC {row['auc_base']:.3f} -> {row['auc_new']:.3f} "
            f"(fakes {row['n_fake']}, reals {row['n_real']}); reals high {row['real_high_base']} -> {row['real_high_new']}")
    final = fit_procedure(a, X, y, groups, force)
    summary = summarise(folds)
    summary["pooled"] = pooled(oof, meta, y, orig)
    summary["final_choice"] = final["choice"]
    summary["final_inner_auc"] = final["inner_auc"]
    out = {"folds": folds, "summary": summary, "high_from": high_from, "seed": SEED, "c_grid": list(C_GRID), "forced": force,
           "n_items": len(meta), "cache": os.path.basename(cache_path)}
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, f"opinion_logo{'_' + force if force else ''}.json"), "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1)
    if final["choice"] != "aasist_l" and not force:
        save_head(final, os.path.join(out_dir, "opinion_head.json"))
    return out


def pooled(oof, meta, y, orig) -> dict:
    """AUC per language of the out-of-fold probabilities (each fake from its family's fold; a real
    held out in several folds gets its mean)."""
    out = {}
    for name, d in oof.items():
        idx = np.array(sorted(d))
        p = np.array([np.mean(d[i]) for i in idx])
        o = orig[idx]
        out[name] = {"all": _auc(y[idx][o], p[o])}
        for lang in ("vi", "en", "zh"):
            m = o & np.array([meta[i].get("language") == lang for i in idx])
            out[name][lang] = _auc(y[idx][m], p[m])
    return out


def summarise(folds: dict) -> dict:
    fams = [f for f in folds if not np.isnan(folds[f]["auc_base"]) and not np.isnan(folds[f]["auc_new"])]
    base = np.array([folds[f]["auc_base"] for f in fams])
    new = np.array([folds[f]["auc_new"] for f in fams])
    drops = {f: round(folds[f]["auc_base"] - folds[f]["auc_new"], 3) for f in fams
             if folds[f]["auc_base"] - folds[f]["auc_new"] > RULE_MAX_FAMILY_DROP}
    s = {"mean_auc_base": float(base.mean()), "mean_auc_new": float(new.mean()), "n_families": len(fams),
         "families_dropping": drops}
    for name, sub in (("vietnamese", VIETNAMESE_FAMILIES), ("modern", MODERN_FAMILIES)):
        k = [i for i, f in enumerate(fams) if f in sub]
        s[f"mean_auc_base_{name}"], s[f"mean_auc_new_{name}"] = float(base[k].mean()), float(new[k].mean())
    for key in ("real_high", "real_high_vi", "real_high_tel"):
        s[f"{key}_base"] = sum(folds[f][f"{key}_base"] for f in folds)
        s[f"{key}_new"] = sum(folds[f][f"{key}_new"] for f in folds)
    gain_ok = s["mean_auc_new"] - s["mean_auc_base"] >= RULE_MEAN_GAIN
    alarms_ok = all(s[f"{k}_new"] <= s[f"{k}_base"] for k in ("real_high", "real_high_vi", "real_high_tel"))
    s["decision"] = {"mean_gain_ok": bool(gain_ok), "no_family_drop_ok": not drops, "false_alarms_ok": bool(alarms_ok),
                     "ship": bool(gain_ok and not drops and alarms_ok)}
    return s


def save_head(fitted: dict, path: str) -> None:
    """The whole-pool procedure's fitted numbers, as plain JSON (what a runtime would load)."""
    h = fitted["head"]
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"choice": fitted["choice"], "C": h.C, "mean": h.mean_.tolist(), "scale": h.scale_.tolist(),
                   "coef": h.lr_.coef_[0].tolist(), "intercept": float(h.lr_.intercept_[0]),
                   "a_ref": fitted["a_ref"], "b_ref": fitted["b_ref"], "platt": fitted["platt"],
                   "inner_auc": fitted["inner_auc"]}, f, indent=0)


def markdown(result: dict) -> str:
    """The LOGO table (per family, then the summary and the rule's outcome)."""
    lines = ["| held-out family | fakes / reals | AASIST-L AUC | chosen (inner loop) | its AUC | all conditions: AASIST-L → new "
             "| fakes 'high': AASIST-L → new | held-out reals 'high' |",
             "|---|---|---|---|---|---|---|---|"]
    for f, r in result["folds"].items():
        lines.append(f"| {f} | {r['n_fake']} / {r['n_real']} | {r['auc_base']:.3f} | {r['choice']} | {r['auc_new']:.3f} "
                     f"| {r['auc_all_base']:.3f} → {r['auc_all_new']:.3f} | {r['caught_base']:.0%} → {r['caught_new']:.0%} "
                     f"| {r['real_high_base']} → {r['real_high_new']} |")
    s = result["summary"]
    lines += ["", f"Mean over {s['n_families']} held-out families: AASIST-L **{s['mean_auc_base']:.3f}**, "
              f"second-opinion procedure **{s['mean_auc_new']:.3f}** (Vietnamese families {s['mean_auc_base_vietnamese']:.3f} → "
              f"{s['mean_auc_new_vietnamese']:.3f}; modern cloning families {s['mean_auc_base_modern']:.3f} → "
              f"{s['mean_auc_new_modern']:.3f}).",
              f"Held-out reals rated 'high' (fold sums): all {s['real_high_base']} → {s['real_high_new']}, Vietnamese "
              f"{s['real_high_vi_base']} → {s['real_high_vi_new']}, narrowband {s['real_high_tel_base']} → {s['real_high_tel_new']}.",
              f"Families falling by more than {RULE_MAX_FAMILY_DROP}: {s['families_dropping'] or 'none'}.",
              f"Pooled out-of-fold AUC: " + "; ".join(f"{n}: " + ", ".join(f"{k} {v:.3f}" for k, v in d.items())
                                                      for n, d in s["pooled"].items()) + ".",
              f"Whole-pool choice of the inner loop: {s['final_choice']}.",
              f"**Rule: {'met: ships' if s['decision']['ship'] else 'not met: AASIST-L stays'}** ({s['decision']})."]
    return "\n".join(lines)
