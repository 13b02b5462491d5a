"""Evaluate the voice detector on a labelled folder of speech clips.

    python -m verifier.evaluate audio ../shared/data/audio [--out results.json]
        [--conditions published,messenger_aac,messenger_opus] [--write-calibration verifier/assets/voice_calibration.json]
        [--espeak-vi 8] [--max-windows N]

The folder holds ``MANIFEST.tsv`` with columns ``path`` (relative), ``label`` (real/fake)
and optionally ``language``; the source of a file is its folder (``fake/<source>/…``).
Every file is decoded with :func:`verifier.analysis.media.load_audio` (mono 16 kHz) and scored in
each condition: ``published`` (as decoded) and messenger re-encodes (AAC 32 kbit/s, Opus
24 kbit/s; see :mod:`verifier.analysis.channel`); ``telephone_amr`` (real files only:
band-limited to 300-3400 Hz and AMR-NB encoded, a phone call) measures false alarms on
narrowband real speech, with the ``published`` real files whose effective bandwidth is
narrowband (the 8 kHz call-centre clips): the share at risk >= 0.7 ("high", voice alone
through ``verifier/assets/fusion.json``), with and without the narrowband reliability cut.

Printed and written: ROC AUC and EER overall, per condition, per language; per source (its
AUC against all files of the other class); paired leave-one-source-out (LOSO) AUC for the
raw AASIST score and for everything fitted on the folder (Platt calibration, fusion with
the side signals); seconds of computation per second of audio. ``--espeak-vi N`` adds N
Vietnamese espeak-ng clips as an extra fake source (never used to fit the calibration).
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime as _dt
import hashlib
import json
import math
import os
import sys
import tempfile
import time
from collections import defaultdict

import numpy as np

from ..analysis.channel import CONDITIONS, encode, telephone_band
from ..analysis.media import load_audio
from .manifest import read_manifest
from .metrics import brier, eer, paired_loso, roc_auc

NARROWBAND_CONDITIONS = ("telephone_amr",)  # scored on real files only (false alarms)
ALL_CONDITIONS = ("published",) + tuple(CONDITIONS) + NARROWBAND_CONDITIONS
DEFAULT_CONDITIONS = ("published", "messenger_aac", "messenger_opus", "telephone_amr")
CALIBRATION_CONDITIONS = ("published", "messenger_aac", "messenger_opus")  # wideband: the calibration is fitted on these
SIDE_KEYS = ("noise_floor", "bandwidth", "breath", "prosody")
# Fusions of AASIST with side signals tried under paired LOSO (logistic regression, C = 1).
# The noise floor is the one hand-crafted cue that held on unseen generators (issue 3).
FUSIONS = {"fusion_aasist_noise_floor": ("noise_floor",), "fusion_aasist_all_side": SIDE_KEYS}
LOGIT_CLIP = 1e-3  # side-signal scores are clipped to [1e-3, 1 − 1e-3] before the logit


# Extra Vietnamese fakes from espeak-ng (formant synthesis, Debian package espeak-ng): short
# sentences of the kind a scam voice message carries.
ESPEAK_VI_SENTENCES = (
    "Mẹ ơi, con đang gặp chuyện gấp, mẹ chuyển cho con năm triệu được không.",
    "Alô, anh là cán bộ công an, yêu cầu chị cung cấp số tài khoản ngân hàng.",
    "Bố ơi, con bị tai nạn ở trường, bố gửi tiền viện phí vào tài khoản này nhé.",
    "Em ơi, anh đang họp, em chuyển giúp anh hai mươi triệu cho đối tác nhé.",
    "Chúc mừng quý khách đã trúng thưởng, vui lòng đọc mã xác nhận gồm sáu chữ số.",
    "Cháu chào bà, cháu là bạn của con trai bà, anh ấy nhờ cháu gọi để mượn tiền.",
    "Tài khoản của bạn sẽ bị khoá trong hôm nay nếu không xác minh danh tính ngay.",
    "Chị ơi, em là nhân viên ngân hàng, chị bấm vào đường link em vừa gửi nhé.",
)
ESPEAK_SOURCE = "fake/espeak_ng_vi"


def espeak_vi_rows(folder: str, n: int) -> list[dict]:
    """Write ``n`` Vietnamese espeak-ng clips (22.05 kHz WAV) into ``folder`` and return
    manifest-like rows (label fake, language vi, source ``fake/espeak_ng_vi``)."""
    import shutil
    import subprocess

    exe = shutil.which("espeak-ng")
    if exe is None:
        raise RuntimeError("espeak-ng is not installed (Debian package espeak-ng)")
    rows = []
    for i in range(n):
        text = ESPEAK_VI_SENTENCES[i % len(ESPEAK_VI_SENTENCES)]
        speed_wpm = 150 + 15 * (i // len(ESPEAK_VI_SENTENCES))  # later rounds speak faster
        p = os.path.join(folder, f"espeak_vi_{i:02d}.wav")
        subprocess.run([exe, "-v", "vi", "-s", str(speed_wpm), "-w", p, text], check=True, capture_output=True)
        rows.append({"path": p, "label": "fake", "language": "vi", "source": ESPEAK_SOURCE, "y": 1})
    return rows


def _side_features(y: np.ndarray, sr: int) -> dict:
    """Side-signal scores as reliability-weighted log-odds (0 when unusable)."""
    from ..analysis.signals.audio import measure_audio_signals

    out = {}
    for s in measure_audio_signals(y, sr):
        if s.usable:
            p = min(max(s.score, LOGIT_CLIP), 1 - LOGIT_CLIP)
            out[s.key] = s.reliability * math.log(p / (1 - p))
        else:
            out[s.key] = 0.0
    return out


def _score_decoded(detector, path: str, *, side: bool) -> dict:
    """Decode ``path`` with ``load_audio`` and score it; ``voice_s`` times decode + detector."""
    t0 = time.perf_counter()
    y = load_audio(path)
    s = detector.score(y, 16000)
    rec = {"audio_s": len(y) / 16000, "voice_s": time.perf_counter() - t0}
    if s is None:
        rec.update(aasist_logit=float("nan"), windows=0, speech_s=0.0)
    else:
        rec.update(aasist_logit=s.aasist_logit, windows=s.windows, speech_s=s.speech_s, bandwidth_hz=s.bandwidth_hz,
                   window_logits=list(s.window_logits))
    if side:
        t1 = time.perf_counter()
        rec.update(_side_features(y, 16000))
        rec["side_s"] = time.perf_counter() - t1
    return rec


def score_file(detector, path: str, condition: str, *, side: bool) -> dict:
    """Score one file in one condition. Messenger conditions first write the decoded audio
    (mono 16 kHz) with the condition's codec to a temporary file, then score that file."""
    if condition == "published":
        return _score_decoded(detector, path, side=side)
    with tempfile.TemporaryDirectory() as d:
        if condition == "telephone_amr":
            p = os.path.join(d, "message.amr")
            encode(telephone_band(load_audio(path)), p, condition="amr_nb")
            return _score_decoded(detector, p, side=side)
        p = os.path.join(d, "message" + CONDITIONS[condition][3])
        encode(load_audio(path), p, condition=condition)
        return _score_decoded(detector, p, side=side)


def score_all(detector, folder: str, rows: list[dict], conditions, *, side: bool, log=print) -> list[dict]:
    """One record per (file, condition)."""
    out = []
    for cond in conditions:
        for i, r in enumerate(rows):
            if cond in NARROWBAND_CONDITIONS and r["y"] != 0:
                continue
            path = r["path"] if os.path.isabs(r["path"]) else os.path.join(folder, r["path"])
            rec = score_file(detector, path, cond, side=side)
            rec.update(path=r["path"], source=r["source"], y=r["y"], language=r["language"], condition=cond,
                       family=row_family(r))
            out.append(rec)
            log(f"[{cond} {i + 1}/{len(rows)}] {r['path']}: logit {rec['aasist_logit']:+.3f} ({rec['windows']} windows, {rec['voice_s']:.2f} s)")
    return out


def row_family(row: dict) -> str:
    """Generator family of a fake row (``verifier.evaluate.families``), else its source; "" for reals."""
    from .families import family_of

    if not row["y"]:
        return ""
    parts = row["path"].split("/")
    try:
        return family_of(parts[1], row.get("generator_or_recording", ""))
    except (KeyError, IndexError):
        return row["source"]


def _fit_predict_platt(Xtr, ytr, Xte):
    from ..analysis.voice.calibration import LogisticCalibration

    return LogisticCalibration(features=("aasist_logit",)).fit(Xtr, ytr).predict_proba(Xte)


def _fit_predict_fusion(features):
    def fp(Xtr, ytr, Xte):
        from ..analysis.voice.calibration import LogisticCalibration

        return LogisticCalibration(features=tuple(features)).fit(Xtr, ytr).predict_proba(Xte)

    return fp


def _identity(Xtr, ytr, Xte):
    return Xte[:, 0]


def ece(y, p, n_bins: int = 10) -> float:
    """Expected calibration error over equal-width probability bins."""
    y, p = np.asarray(y, float), np.asarray(p, float)
    bins = np.minimum((p * n_bins).astype(int), n_bins - 1)
    return float(sum(abs(y[bins == b].mean() - p[bins == b].mean()) * (bins == b).mean() for b in np.unique(bins)))


def summarise_condition(recs: list[dict], *, side: bool, calibration=None) -> dict:
    """Metrics of one condition (see module docstring). With ``calibration`` (the committed
    Platt fit, i.e. in-sample on this folder), each source also gets its mean P(fake) and the
    share of its files at P(fake) ≥ 0.5."""
    y = np.array([r["y"] for r in recs])
    s = np.array([r["aasist_logit"] for r in recs], float)
    s = np.where(np.isfinite(s), s, 0.0)  # silent file: no evidence either way
    src = np.array([r["source"] for r in recs])
    lang = np.array([r["language"] for r in recs])
    res = {"n": len(recs), "n_fake": int(y.sum()), "auc": roc_auc(y, s), "eer": eer(y, s)}
    raw = paired_loso(s[:, None], y, src, _identity)
    platt = paired_loso(s[:, None], y, src, _fit_predict_platt)
    res["paired_loso"] = {"aasist_raw": {k: raw[k] for k in ("auc_mean", "auc_min", "n_pairs")},
                          "aasist_platt": {k: platt[k] for k in ("auc_mean", "auc_min", "n_pairs", "brier")}}
    if side and all(k in recs[0] for k in SIDE_KEYS):
        F = np.column_stack([s] + [[r[k] for r in recs] for k in SIDE_KEYS])
        for name, cols in FUSIONS.items():
            idx = [0] + [1 + SIDE_KEYS.index(k) for k in cols]
            fus = paired_loso(F[:, idx], y, src, _fit_predict_fusion(("aasist_logit",) + cols))
            res["paired_loso"][name] = {k: fus[k] for k in ("auc_mean", "auc_min", "n_pairs", "brier")}
        for j, k in enumerate(SIDE_KEYS):
            res.setdefault("side_auc", {})[k] = roc_auc(y, F[:, j + 1])
    res["per_language"] = {}
    for l in sorted(set(lang)):
        m = lang == l
        res["per_language"][l or "?"] = {"n": int(m.sum()), "n_fake": int(y[m].sum()), "auc": roc_auc(y[m], s[m]),
                                         "eer": eer(y[m], s[m])}
    res["per_source"] = {}
    for so in sorted(set(src)):
        m = src == so
        other = y != y[m][0]
        sel = m | other
        res["per_source"][so] = {"n": int(m.sum()), "label": "fake" if y[m][0] else "real",
                                 "mean_logit": float(s[m].mean()),
                                 "auc_vs_other_class": roc_auc(y[sel], s[sel])}
        if calibration is not None:
            p = calibration.predict_proba(s[m, None])
            res["per_source"][so].update(mean_p_fake=float(p.mean()), share_p_fake_ge_0_5=float((p >= 0.5).mean()))
    if calibration is not None:
        from ..core.fusion import Fusion

        high_from = Fusion.from_file().high_from
        fams = np.array([r.get("family") or (r["source"] if r["y"] else "") for r in recs])
        res["per_family"] = {}
        for fam in sorted(set(fams[y == 1])):
            m = fams == fam
            p = calibration.predict_proba(s[m, None])
            res["per_family"][fam] = {"n": int(m.sum()), "languages": sorted(set(lang[m])),
                                      "share_p_fake_ge_0_5": float((p >= 0.5).mean()),
                                      "share_high": float((p >= high_from).mean()), "mean_p_fake": float(p.mean())}
        for so in sorted(set(src[y == 0])):  # false alarms on real speech, by source
            m = src == so
            p = calibration.predict_proba(s[m, None])
            res["per_source"][so].update(share_high=float((p >= high_from).mean()))
    audio_s = sum(r["audio_s"] for r in recs)
    res["voice_s_per_audio_s"] = sum(r["voice_s"] for r in recs) / audio_s
    if side and "side_s" in recs[0]:
        res["side_s_per_audio_s"] = sum(r["side_s"] for r in recs) / audio_s
    return res


def fit_calibration(recs: list[dict], *, manifest_path: str, conditions, summary: dict,
                    preprocessing: dict | None = None, script: str | None = None):
    """Platt calibration of ``aasist_logit`` on every file of every condition (pooled).
    ``preprocessing`` (the records', default the runtime's) and ``script`` go to the provenance."""
    from ..analysis.voice.calibration import LogisticCalibration
    from ..analysis.voice.detector import DEFAULT_PREPROCESSING

    recs = [r for r in recs if r["source"] != ESPEAK_SOURCE]  # fitted on the manifest only
    y = np.array([r["y"] for r in recs])
    s = np.array([r["aasist_logit"] for r in recs], float)
    ok = np.isfinite(s)
    cal = LogisticCalibration(features=("aasist_logit",)).fit(s[ok, None], y[ok])
    p = cal.predict_proba(s[ok, None])
    with open(manifest_path, "rb") as f:
        manifest_sha = hashlib.sha256(f.read()).hexdigest()
    cal.provenance = {
        "what": "Platt scaling of the median over windows of the AASIST-L logit difference (spoof − bona fide) to P(fake)",
        "preprocessing": preprocessing or dataclasses.asdict(DEFAULT_PREPROCESSING),
        "script": script or "python -m verifier.evaluate audio DATA_DIR --write-calibration verifier/assets/voice_calibration.json",
        "data": "../shared/data/audio/MANIFEST.tsv", "manifest_sha256": manifest_sha,
        "conditions": list(conditions), "n_rows": int(ok.sum()), "n_fake": int(y[ok].sum()),
        "date": _dt.date.today().isoformat(),
        "metrics_in_sample": {"brier": brier(y[ok], p), "ece_10_bins": ece(y[ok], p)},
        "metrics_paired_loso": {c: summary[c]["paired_loso"] for c in conditions},
        "threshold_logit_p_0_5": float(cal.mean_[0] - cal.intercept_ * cal.scale_[0] / cal.coef_[0]),
    }
    return cal


def narrowband_report(recs: list[dict], calibration) -> dict:
    """False alarms on narrowband real speech and narrowband detections everywhere.

    Risk is the voice signal alone through ``verifier/assets/fusion.json`` (as for a voice message:
    the side signals have weight 0), once with the detector's narrowband reliability cut
    (``with_cut``) and once without (``without_cut``)."""
    from ..analysis.voice.detector import FULL_RELIABILITY_SPEECH_S, NARROWBAND_MAX_HZ, NARROWBAND_RELIABILITY
    from ..core.fusion import Fusion
    from ..core.result import SignalResult

    fusion = Fusion.from_file()
    nb = lambda r: bool(np.isfinite(r.get("bandwidth_hz", np.nan)) and r["bandwidth_hz"] < NARROWBAND_MAX_HZ)  # noqa: E731
    out = {"narrowband_max_hz": NARROWBAND_MAX_HZ, "narrowband_reliability": NARROWBAND_RELIABILITY,
           "high_from": fusion.high_from, "detected_narrowband": {}}
    for cond in sorted({r["condition"] for r in recs}):
        for lab in (0, 1):
            m = [r for r in recs if r["condition"] == cond and r["y"] == lab and np.isfinite(r["aasist_logit"])]
            if m:
                out["detected_narrowband"][f"{cond}/{'fake' if lab else 'real'}"] = {
                    "n": len(m), "share": float(np.mean([nb(r) for r in m]))}
    real_nb = [r for r in recs if r["y"] == 0 and np.isfinite(r["aasist_logit"])
               and (r["condition"] in NARROWBAND_CONDITIONS or (r["condition"] == "published" and nb(r)))]
    groups = defaultdict(list)
    for r in real_nb:
        groups["telephone_amr (all real files)" if r["condition"] in NARROWBAND_CONDITIONS else
               f"published narrowband ({r['source']})"].append(r)
    for name, rs in groups.items():
        res = {"n": len(rs)}
        for cut in ("without_cut", "with_cut"):
            levels, p_high = [], []
            for r in rs:
                p = float(calibration.predict_proba(np.array([[r["aasist_logit"]]]))[0])
                rel = float(np.clip(r["speech_s"] / FULL_RELIABILITY_SPEECH_S, 0, 1))
                if cut == "with_cut" and nb(r):
                    rel *= NARROWBAND_RELIABILITY
                levels.append(fusion.decide([SignalResult("voice", p, rel, {}, "voice.x")])[1])
                p_high.append(p >= fusion.high_from)
            res[cut] = {"share_high": float(np.mean([lv == "high" for lv in levels])),
                        "share_inconclusive": float(np.mean([lv == "inconclusive" for lv in levels]))}
        res["share_p_fake_ge_high"] = float(np.mean(p_high))
        out[name] = res
    return out


def _fmt(v) -> str:
    return "  nan" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:.3f}"


def print_summary(summary: dict) -> None:
    for cond, res in summary.items():
        pl = res["paired_loso"]
        print(f"\n== {cond}: n={res['n']} ({res['n_fake']} fake)  AUC {_fmt(res['auc'])}  EER {_fmt(res['eer'])}  "
              f"compute {res['voice_s_per_audio_s']:.3f} s/s (voice)"
              + (f", {res['side_s_per_audio_s']:.3f} s/s (side)" if "side_s_per_audio_s" in res else ""))
        for k, v in pl.items():
            print(f"   paired LOSO {k:26s} mean AUC {_fmt(v['auc_mean'])}  min {_fmt(v['auc_min'])}  pairs {v['n_pairs']}"
                  + (f"  Brier {_fmt(v['brier'])}" if v.get("brier") is not None else ""))
        if "side_auc" in res:
            print("   side signals alone (AUC): " + ", ".join(f"{k} {_fmt(v)}" for k, v in res["side_auc"].items()))
        print("   per language: " + ", ".join(f"{l} (n={v['n']}, fake={v['n_fake']}) AUC {_fmt(v['auc'])}"
                                           for l, v in res["per_language"].items()))
        if "per_family" in res:
            print("   per generator family (share caught at P(fake) >= 0.5 and at 'high', in-sample calibration):")
            for fam, v in res["per_family"].items():
                print(f"     {fam:20s} n={v['n']:3d} {','.join(v['languages']):8s} P>=0.5 {v['share_p_fake_ge_0_5']:.2f}  "
                      f"high {v['share_high']:.2f}  mean P {v['mean_p_fake']:.2f}")
        print("   per source (AUC against all files of the other class, mean logit):")
        for so, v in res["per_source"].items():
            print(f"     {so:34s} {v['label']:4s} n={v['n']:2d}  AUC {_fmt(v['auc_vs_other_class'])}  logit {v['mean_logit']:+.2f}"
                  + (f"  mean P(fake) {v['mean_p_fake']:.2f}  share P≥0.5 {v['share_p_fake_ge_0_5']:.2f}" if "mean_p_fake" in v else "")
                  + (f"  share high {v['share_high']:.2f}" if "share_high" in v else ""))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m verifier.evaluate audio", description=__doc__.split("\n\n")[0])
    ap.add_argument("data_dir")
    ap.add_argument("--conditions", default=",".join(DEFAULT_CONDITIONS), help=f"comma-separated subset of {ALL_CONDITIONS}")
    ap.add_argument("--from-json", help="re-summarise (and refit) the records of an earlier --out instead of scoring")
    ap.add_argument("--out", help="write records and metrics as JSON here")
    ap.add_argument("--no-side", action="store_true", help="skip the side signals (no fusion)")
    ap.add_argument("--max-windows", type=int, default=None, help="windows per message (default: the detector's)")
    ap.add_argument("--write-calibration", help="fit the Platt calibration on all rows and write it (JSON) here")
    ap.add_argument("--espeak-vi", type=int, default=0, metavar="N",
                    help="add N Vietnamese espeak-ng clips as extra fakes (not used for the calibration)")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)
    conditions = [c.strip() for c in args.conditions.split(",") if c.strip()]
    bad = set(conditions) - set(ALL_CONDITIONS)
    if bad:
        ap.error(f"unknown conditions {sorted(bad)}; choose from {ALL_CONDITIONS}")
    from ..analysis.voice.calibration import LogisticCalibration
    from ..analysis.voice.detector import CALIBRATION_FILE
    from ..core.constants import MAX_WINDOWS

    if args.from_json:
        with open(args.from_json, encoding="utf-8") as f:
            old = json.load(f)
        recs, max_windows = [r for r in old["records"] if r["condition"] in conditions], old.get("max_windows")
        prep, script = old.get("preprocessing"), old.get("script")  # scripts/compare_voice_trim.py records them
        side = not args.no_side and all(k in recs[0] for k in SIDE_KEYS)
    else:
        from ..analysis.voice.aasist import load_aasist
        from ..analysis.voice.detector import VoiceDetector
        from ..analysis.voice.weights import find_weights

        detector = VoiceDetector(load_aasist(find_weights()), None, max_windows=args.max_windows or MAX_WINDOWS)
        max_windows = detector.max_windows
        prep, script = None, None
        detector.score(np.zeros(16000, np.float32) + 0.01 * np.sin(np.arange(16000, dtype=np.float32)), 16000)  # warm-up
        rows = read_manifest(args.data_dir)
        side = not args.no_side
        tmp = tempfile.TemporaryDirectory()
        if args.espeak_vi:
            rows += espeak_vi_rows(tmp.name, args.espeak_vi)
        recs = score_all(detector, args.data_dir, rows, conditions, side=side,
                         log=(lambda *a: None) if args.quiet else print)
    wide = [c for c in conditions if c not in NARROWBAND_CONDITIONS]
    cal = LogisticCalibration.from_file(CALIBRATION_FILE) if CALIBRATION_FILE.is_file() else None
    cal_new = None
    if args.write_calibration:
        fit_conds = [c for c in wide if c in CALIBRATION_CONDITIONS]
        pre = {c: summarise_condition([r for r in recs if r["condition"] == c], side=side) for c in fit_conds}
        cal_new = fit_calibration([r for r in recs if r["condition"] in fit_conds],
                                  manifest_path=os.path.join(args.data_dir, "MANIFEST.tsv"), conditions=fit_conds,
                                  summary=pre, preprocessing=prep,
                                  script=script and f"{script}; python -m verifier.evaluate audio DATA_DIR --from-json "
                                                    f"OUT/new.json --write-calibration THIS")
        cal = cal_new
    summary = {c: summarise_condition([r for r in recs if r["condition"] == c], side=side, calibration=cal)
               for c in wide}
    print_summary(summary)
    result = {"data_dir": os.path.abspath(args.data_dir), "max_windows": max_windows,
              "date": _dt.datetime.now().isoformat(timespec="seconds"), "summary": summary, "records": recs}
    if cal is not None:
        result["narrowband"] = narrowband_report(recs, cal)
        print("\n== narrowband: " + json.dumps(result["narrowband"], indent=1))
    if cal_new is not None:
        if "max_windows" not in cal_new.provenance:
            cal_new.provenance["max_windows"] = max_windows
        cal_new.save(args.write_calibration)
        result["calibration"] = cal_new.to_dict()
        print(f"\ncalibration written to {args.write_calibration}: coef {cal_new.coef_.tolist()}, intercept {cal_new.intercept_:.4f}")
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            json.dump(result, f, indent=1, default=float)
        print(f"results written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
