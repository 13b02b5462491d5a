"""A second opinion for the voice detector: AASIST-L against the ASVspoof 5 AASIST (issue 14, item 4).

    python -m verifier.evaluate second_opinion ../shared/data/audio [--conditions published,messenger_aac]
        [--out records.json] [--from-json records.json] [--write-calibration aasist5_calibration.json]

Every file of the folder (``MANIFEST.tsv``) is decoded, prepared as the voice signal prepares
it (:data:`verifier.analysis.voice.detector.DEFAULT_PREPROCESSING`, the same ≤ 3 windows) and scored by
both networks: AASIST-L (registry entry ``aasist-l``, ASVspoof 2019 LA) and the ASVspoof 5
baseline AASIST (entry ``aasist5``). Each model's message score is the median over windows of
its ``spoof − bona fide`` logit difference. Printed (and written with ``--out``):

* per model: pooled ROC AUC and EER, per language, per source (median, min, max logit);
* leave-one-source-out comparisons of (a) AASIST-L alone, (b) ASVspoof 5 alone (b: Platt
  scaling fitted on the training sources, whose sign can flip; b0: its raw logit, upstream
  direction), and the combinations (c) logistic stacking of the two logits, (d) mean of standardised logits,
  (e) mean of ranks — everything fitted (Platt scalings, stacking weights, standardisation,
  rank references) on the training sources only:

  - paired LOSO (:func:`verifier.evaluate.metrics.paired_loso`): mean and minimum AUC over
    every (fake source, real source) pair, and the mean over the pairs of two Vietnamese
    sources;
  - out-of-source scores: each source scored by the model fitted without it, pooled: AUC,
    and the share of fakes above the threshold that puts at most 5 % of the reals above
    it (the operating point that matters: fakes reaching "high" at ≤ 5 % false alarms);

* the forward time of each network per window (s), for the speed bar.

Every source folder holds one class, so the pooled AUC rewards source identity: decisions are
taken on the leave-one-source-out figures (docs/voice_second_opinion.md).
"""
from __future__ import annotations

import argparse
import datetime as _dt
import hashlib
import json
import math
import os
import sys
import tempfile
import time

import numpy as np

from ..analysis.channel import CONDITIONS as CODECS
from ..analysis.channel import encode
from ..analysis.media import load_audio
from .manifest import read_manifest
from .metrics import eer, paired_loso, roc_auc

MODELS = ("aasist_l", "aasist5")  # record keys: median logit difference of each network
MODEL_NAMES = {"aasist_l": "aasist-l", "aasist5": "aasist5"}  # registry entries
WIDEBAND_CONDITIONS = ("published",) + tuple(CODECS)
DEFAULT_CONDITIONS = ("published",)
MAX_FALSE_ALARM = 0.05  # share of real files allowed above the operating threshold ("high" at <= 5 % of reals)
VI = "vi"


def _upstream():
    from ..core.params import Preprocessing

    return Preprocessing(level="own", trim=False)


UPSTREAM_PREPROCESSING = _upstream()  # the file's own level, no trimming (upstream data loader); with the first window only


# ---------------------------------------------------------------------------------------------
# Scorers: fit on training rows (X [n, 2] = AASIST-L, ASVspoof 5 logits; y 1 = fake), score test rows.


def _platt(col: int):
    def fp(Xtr, ytr, Xte):
        from ..analysis.voice.calibration import LogisticCalibration

        return LogisticCalibration(features=(MODELS[col],)).fit(Xtr[:, [col]], ytr).predict_proba(Xte[:, [col]])

    return fp


def fit_predict_stacking(Xtr, ytr, Xte):
    """Logistic regression on both logits (standardised, C = 1): P(fake) of ``Xte``."""
    from ..analysis.voice.calibration import LogisticCalibration

    return LogisticCalibration(features=MODELS).fit(Xtr, ytr).predict_proba(Xte)


def fit_predict_zmean(Xtr, ytr, Xte):
    """Mean of the two logits, each standardised with the training rows' mean and std."""
    mu, sd = Xtr.mean(axis=0), Xtr.std(axis=0)
    sd = np.where(sd > 0, sd, 1.0)
    return ((Xte - mu) / sd).mean(axis=1)


def fit_predict_rankmean(Xtr, ytr, Xte):
    """Mean over the two models of the share of training rows scored below the test row
    (each test row ranked against the training distribution, so no test row sees another)."""
    return np.mean([np.searchsorted(np.sort(Xtr[:, j]), Xte[:, j], side="right") / len(Xtr)
                    for j in range(Xtr.shape[1])], axis=0)


def _raw(col: int):
    def fp(Xtr, ytr, Xte):
        return Xte[:, col]  # the network's own direction and scale: nothing fitted

    return fp


SCORERS = {
    "a_aasist_l": _platt(0),
    "b_aasist5": _platt(1),
    "b0_aasist5_raw": _raw(1),
    "c_stacking": fit_predict_stacking,
    "d_zmean": fit_predict_zmean,
    "e_rankmean": fit_predict_rankmean,
}


def out_of_source(X: np.ndarray, y: np.ndarray, sources: np.ndarray, fit_predict) -> np.ndarray:
    """Score every row with ``fit_predict`` fitted on the rows of the other sources."""
    out = np.full(len(y), np.nan)
    for so in np.unique(sources):
        m = sources == so
        out[m] = fit_predict(X[~m], y[~m], X[m])
    return out


def tpr_at_fpr(y, score, max_fpr: float = MAX_FALSE_ALARM) -> float:
    """Share of fakes (y = 1) strictly above the lowest threshold that leaves at most
    ``max_fpr`` of the reals above it."""
    y, score = np.asarray(y), np.asarray(score, float)
    reals, fakes = np.sort(score[y == 0]), score[y == 1]
    if len(reals) == 0 or len(fakes) == 0:
        return float("nan")
    k = int(math.floor(max_fpr * len(reals)))  # reals allowed above the threshold
    thr = reals[len(reals) - 1 - k]
    return float((fakes > thr).mean())


# ---------------------------------------------------------------------------------------------
# Scoring


def load_models(aasist5_path: str | None = None) -> dict:
    """``{"aasist_l": AASIST-L, "aasist5": ASVspoof 5 AASIST}`` from the registry (checked
    files; ModelUnavailableError when one is not installed)."""
    from ..analysis import registry
    from ..analysis.voice.aasist import AASIST_CONFIG, AASIST_L_CONFIG, load_aasist

    return {"aasist_l": load_aasist(registry.model_path("aasist-l"), AASIST_L_CONFIG),
            "aasist5": load_aasist(aasist5_path or registry.model_path("aasist5"), AASIST_CONFIG)}


def decode_condition(path: str, condition: str) -> np.ndarray:
    """The file as decoded (``published``) or re-encoded with a messenger codec, mono 16 kHz."""
    y = load_audio(path)
    if condition == "published":
        return y
    with tempfile.TemporaryDirectory() as d:
        p = os.path.join(d, "message" + CODECS[condition][3])
        encode(y, p, condition=condition)
        return load_audio(p)


def score_pair(detectors: dict, y: np.ndarray) -> dict:
    """Both networks on the same prepared windows: median logit, window logits and forward
    seconds per window of each."""
    rec = {"audio_s": len(y) / 16000}
    for k, det in detectors.items():
        t0 = time.perf_counter()
        s = det.score(y, 16000)
        dt = time.perf_counter() - t0
        if s is None:
            rec.update({k: float("nan"), f"{k}_windows": [], f"{k}_s_per_window": float("nan")})
        else:
            rec.update({k: s.aasist_logit, f"{k}_windows": list(s.window_logits), f"{k}_s_per_window": dt / s.windows})
    return rec


def score_all(folder: str, rows: list[dict], conditions, models: dict, log=print, aasist5_upstream: bool = False) -> list[dict]:
    """One record per (file, condition). ``aasist5_upstream``: the ASVspoof 5 network gets
    the upstream input instead of the voice signal's (:data:`UPSTREAM_PREPROCESSING`, first window)."""
    from ..analysis.voice.detector import VoiceDetector

    detectors = {k: VoiceDetector(m, None) for k, m in models.items()}
    if aasist5_upstream:
        detectors["aasist5"] = VoiceDetector(models["aasist5"], None, max_windows=1, preprocessing=UPSTREAM_PREPROCESSING)
    warm = (0.1 * np.sin(np.arange(16000, dtype=np.float32) * 0.05)).astype(np.float32)
    for det in detectors.values():  # first call pays one-off allocations
        det.score(warm, 16000)
    out = []
    for cond in conditions:
        for i, r in enumerate(rows):
            rec = score_pair(detectors, decode_condition(os.path.join(folder, r["path"]), cond))
            rec.update(path=r["path"], source=r["source"], y=r["y"], language=r["language"], condition=cond)
            out.append(rec)
            log(f"[{cond} {i + 1}/{len(rows)}] {r['path']}: AASIST-L {rec['aasist_l']:+.2f}  ASVspoof5 {rec['aasist5']:+.2f}")
    return out


# ---------------------------------------------------------------------------------------------
# Summary


def summarise(recs: list[dict]) -> dict:
    """Metrics of one condition (see the module docstring)."""
    X = np.array([[r[k] for k in MODELS] for r in recs], float)
    X = np.where(np.isfinite(X), X, 0.0)  # a silent file: no evidence either way
    y = np.array([r["y"] for r in recs])
    src = np.array([r["source"] for r in recs])
    lang = np.array([r["language"] for r in recs])
    res = {"n": len(y), "n_fake": int(y.sum()), "models": {}, "per_source": {}, "loso": {}}
    for j, k in enumerate(MODELS):
        res["models"][k] = {"auc": roc_auc(y, X[:, j]), "eer": eer(y, X[:, j]),
                            "per_language": {l: {"n": int((lang == l).sum()), "auc": roc_auc(y[lang == l], X[lang == l, j])}
                                             for l in sorted(set(lang))},
                            "s_per_window_median": float(np.nanmedian([r[f"{k}_s_per_window"] for r in recs]))}
    for so in sorted(set(src)):
        m = src == so
        res["per_source"][so] = {"n": int(m.sum()), "label": "fake" if y[m][0] else "real", "language": lang[m][0],
                                 **{k: {"median": float(np.median(X[m, j])), "min": float(X[m, j].min()),
                                        "max": float(X[m, j].max())} for j, k in enumerate(MODELS)}}
    vi_src = {so for so in set(src) if (lang[src == so] == VI).all()}
    for name, fp in SCORERS.items():
        pl = paired_loso(X, y, src, fp)
        vi_pairs = [p["auc"] for p in pl["pairs"] if p["fake"] in vi_src and p["real"] in vi_src]
        oos = out_of_source(X, y, src, fp)
        res["loso"][name] = {"paired_auc_mean": pl["auc_mean"], "paired_auc_min": pl["auc_min"], "n_pairs": pl["n_pairs"],
                             "paired_auc_mean_vi": float(np.nanmean(vi_pairs)) if vi_pairs else float("nan"),
                             "n_pairs_vi": len(vi_pairs),
                             "oos_auc": roc_auc(y, oos), "oos_auc_vi": roc_auc(y[lang == VI], oos[lang == VI]),
                             "oos_fakes_at_5pct_reals": tpr_at_fpr(y, oos),
                             "oos_fakes_at_5pct_reals_vi": tpr_at_fpr(y[lang == VI], oos[lang == VI])}
    return res


def _f(v) -> str:
    return "  nan" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:.3f}"


def render(summary: dict) -> str:
    """Markdown tables of :func:`summarise` per condition."""
    out = []
    for cond, res in summary.items():
        out.append(f"### {cond}: {res['n']} files ({res['n_fake']} fake)\n")
        out.append("| model | pooled AUC | EER | AUC per language | forward s per window (median) |")
        out.append("|---|---|---|---|---|")
        for k, v in res["models"].items():
            langs = ", ".join(f"{l} {_f(w['auc'])} (n={w['n']})" for l, w in v["per_language"].items())
            out.append(f"| {k} | {_f(v['auc'])} | {_f(v['eer'])} | {langs} | {v['s_per_window_median']:.2f} |")
        out.append("\n| leave-one-source-out | paired AUC mean | paired min | Vietnamese pairs mean (n) "
                   "| out-of-source AUC | out-of-source AUC vi | fakes above 5 % reals | same, vi |")
        out.append("|---|---|---|---|---|---|---|---|")
        for k, v in res["loso"].items():
            out.append(f"| {k} | {_f(v['paired_auc_mean'])} | {_f(v['paired_auc_min'])} | "
                       f"{_f(v['paired_auc_mean_vi'])} ({v['n_pairs_vi']}) | {_f(v['oos_auc'])} | {_f(v['oos_auc_vi'])} | "
                       f"{_f(v['oos_fakes_at_5pct_reals'])} | {_f(v['oos_fakes_at_5pct_reals_vi'])} |")
        out.append("\n| source | class | lang | n | AASIST-L logit median [min, max] | ASVspoof 5 logit median [min, max] |")
        out.append("|---|---|---|---|---|---|")
        for so, v in res["per_source"].items():
            cells = " | ".join(f"{v[k]['median']:+.2f} [{v[k]['min']:+.2f}, {v[k]['max']:+.2f}]" for k in MODELS)
            out.append(f"| {so} | {v['label']} | {v['language']} | {v['n']} | {cells} |")
        out.append("")
    return "\n".join(out)


def fit_aasist5_calibration(recs: list[dict], manifest_path: str):
    """Platt scaling of the ASVspoof 5 median logit on every file (in-sample, for the
    invariance table's ΔP and for evidence display; never used to decide what ships)."""
    from ..analysis.voice.calibration import LogisticCalibration

    s = np.array([r["aasist5"] for r in recs], float)
    y = np.array([r["y"] for r in recs])
    ok = np.isfinite(s)
    cal = LogisticCalibration(features=("aasist_logit",)).fit(s[ok, None], y[ok])
    with open(manifest_path, "rb") as f:
        sha = hashlib.sha256(f.read()).hexdigest()
    cal.provenance = {"what": "Platt scaling of the median over windows of the ASVspoof 5 AASIST logit difference "
                              "(spoof − bona fide), registry entry aasist5",
                      "script": "python -m verifier.evaluate second_opinion DATA_DIR --write-calibration PATH",
                      "manifest_sha256": sha, "conditions": sorted({r["condition"] for r in recs}),
                      "n_rows": int(ok.sum()), "date": _dt.date.today().isoformat()}
    return cal


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m verifier.evaluate second_opinion", description=__doc__.split("\n\n")[0])
    ap.add_argument("data_dir")
    ap.add_argument("--conditions", default=",".join(DEFAULT_CONDITIONS), help=f"comma-separated subset of {WIDEBAND_CONDITIONS}")
    ap.add_argument("--out", help="write records and metrics as JSON here")
    ap.add_argument("--from-json", help="re-summarise the records of an earlier --out instead of scoring")
    ap.add_argument("--markdown", help="write the tables (markdown) here")
    ap.add_argument("--write-calibration", help="fit a Platt calibration of the ASVspoof 5 logit (published rows) and write it here")
    ap.add_argument("--aasist5-upstream", action="store_true",
                    help="feed the ASVspoof 5 network as upstream does (own level, no trimming, first 4 s) instead of the voice signal's input")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)
    conditions = [c.strip() for c in args.conditions.split(",") if c.strip()]
    bad = set(conditions) - set(WIDEBAND_CONDITIONS)
    if bad:
        ap.error(f"unknown conditions {sorted(bad)}; choose from {WIDEBAND_CONDITIONS}")
    if args.from_json:
        with open(args.from_json, encoding="utf-8") as f:
            recs = [r for r in json.load(f)["records"] if r["condition"] in conditions]
    else:
        recs = score_all(args.data_dir, read_manifest(args.data_dir), conditions, load_models(),
                         log=(lambda *a: None) if args.quiet else print, aasist5_upstream=args.aasist5_upstream)
    summary = {c: summarise([r for r in recs if r["condition"] == c]) for c in conditions
               if any(r["condition"] == c for r in recs)}
    md = render(summary)
    print(md)
    if args.markdown:
        with open(args.markdown, "w", encoding="utf-8") as f:
            f.write(md + "\n")
    if args.write_calibration:
        cal = fit_aasist5_calibration([r for r in recs if r["condition"] == "published"],
                                      os.path.join(args.data_dir, "MANIFEST.tsv"))
        cal.save(args.write_calibration)
        print(f"ASVspoof 5 calibration written to {args.write_calibration}")
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            json.dump({"data_dir": os.path.abspath(args.data_dir), "date": _dt.datetime.now().isoformat(timespec="seconds"),
                       "summary": summary, "records": recs}, f, indent=1, default=float)
        print(f"results written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
