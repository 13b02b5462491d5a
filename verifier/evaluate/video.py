"""Evaluate the video path on a labelled folder (``MANIFEST.tsv`` with ``path``, ``label``).

    python -m verifier.evaluate video ../shared/data/video [--out results.json] [--params overrides.json]
        [--channel messenger_h264] [--limit-per-source N]

``--params`` takes alternative parameters as JSON overrides of the defaults, e.g.
``{"blink": {"min_drop": 0.25}, "face": {"min_face_px": 30}, "fusion": {"high_from": 0.65}}``
(sections: :class:`verifier.core.params.AnalysisParams`); the parameters used are written into
``--out``.

Prints, per file, what the verifier measured; per source, the blink rates and levels; ROC
AUC of the fused risk and of each signal overall and per fake source (against all real
clips); the share of real clips rated "high"; the DeepFaceLive same-scene pairs (how often the
swapped clip scores higher than its original, for the fused risk and the ``frames`` signal);
and the lip-sync stress test on real talking clips: how offset, correlation and confidence
move when their audio is shifted by ±400 ms or swapped with another clip's audio. The
``frames`` detector was trained on the real clips of :data:`FRAMES_TRAINED_SOURCES`, so its
AUC is also given without them. ``--channel messenger_h264`` re-encodes every clip, real and
fake alike, as a messenger passes it on (480p, low-rate H.264, :mod:`verifier.analysis.channel`)
before the analysis. Nothing here is fitted.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
import time
from collections import defaultdict

import numpy as np

from ..analysis.channel import VIDEO_CONDITIONS, reencode_video
from ..analysis.media import probe
from ..analysis.pipeline import _video_signals, analyze, decode_and_track
from ..analysis.signals.lipsync import measure_lipsync
from ..core.params import DEFAULT_PARAMS, AnalysisParams
from .manifest import read_manifest
from .metrics import roc_auc

SIGNALS = ("blink", "lipsync", "voice", "frames")  # signals whose ROC AUC is reported
# Real clips the frames detector was trained on (training/sbi/data.py TRAIN_CLIP_SOURCES; a test keeps them equal).
FRAMES_TRAINED_SOURCES = ("real/liveportrait_driving", "real/videoretalking_input")
DFL_FAKE, DFL_REAL = "fake/deepfacelive", "real/deepfacelive_original"  # same-scene pairs (swap vs original)


def pair_key(path: str) -> str:
    """Scene of a DeepFaceLive clip: ``…/Albica_Johns_0_swap.mp4`` and ``…/Albica_Johns_0_orig.mp4`` → ``Albica_Johns_0``."""
    return os.path.basename(path).rsplit("_", 1)[0]


def pairs_fake_higher(results: list[dict], score) -> dict:
    """Same-scene DeepFaceLive pairs where the swapped clip scores higher than its original
    (``score(result)`` → float or None; pairs with a missing score are left out; ties count ½)."""
    fakes = {pair_key(r["path"]): score(r) for r in results if r["source"] == DFL_FAKE}
    reals = {pair_key(r["path"]): score(r) for r in results if r["source"] == DFL_REAL}
    pairs = [(fakes[k], reals[k]) for k in sorted(fakes.keys() & reals.keys())
             if fakes[k] is not None and reals[k] is not None]
    wins = sum((f > r) + 0.5 * (f == r) for f, r in pairs)
    return {"fake_higher": wins, "n": len(pairs), "rate": wins / len(pairs) if pairs else None}


def signal_aucs(results: list[dict], key: str, exclude_real_sources=()) -> dict:
    """ROC AUC of signal ``key``'s score where measured: overall and per fake source (each
    against all real clips), leaving out the real clips of ``exclude_real_sources``."""
    rs = [r for r in results if not (r["label"] == "real" and r["source"] in exclude_real_sources)]

    def auc(sub):
        sc = [r["signals"].get(key, {}).get("score") for r in sub]
        return roc_auc([1 if r["label"] == "fake" else 0 for r in sub], [np.nan if v is None else v for v in sc])

    reals = [r for r in rs if r["label"] == "real"]
    per = {src: auc(reals + [r for r in rs if r["source"] == src])
           for src in sorted({r["source"] for r in rs if r["label"] == "fake"})}
    return {"overall": auc(rs), "per_fake_source": per}


def lipsync_stress(folder: str, rows: list[dict], shift_s: float = 0.4,
                   params: AnalysisParams = DEFAULT_PARAMS) -> list[dict]:
    """Offset/correlation/confidence of real talking clips as recorded, with the audio
    shifted late and early by ``shift_s``, and with the next clip's audio swapped in."""
    clips = []
    for r in rows:
        if r["label"] != "real" or r.get("has_audio") != "yes":
            continue
        p = os.path.join(folder, r["path"])
        info = probe(p)
        if not info.has_video:
            continue
        track, audio = decode_and_track(p, info)
        sigs, _ = _video_signals(track, audio, info.duration_s, params)
        lips = sigs[2]
        if lips.explanation in ("lipsync.no_speech", "lipsync.no_audio", "lipsync.no_face", "lipsync.too_short"):
            continue
        clips.append((r["path"], track, audio))
    out = []
    for i, (path, track, audio) in enumerate(clips):
        def measure(y, start):
            s = measure_lipsync(track.mouth, track.t_s, y, audio.sr, start)
            return {k: s.evidence.get(k) for k in ("offset_ms", "correlation", "confidence")} | {"explanation": s.explanation,
                                                                                                  "score": None if math.isnan(s.score) else round(s.score, 3)}
        other = clips[(i + 1) % len(clips)][2] if len(clips) > 1 else None
        row = {"path": path, "as_recorded": measure(audio.y, audio.start_s),
               "audio_late_400ms": measure(audio.y, audio.start_s + shift_s),
               "audio_early_400ms": measure(audio.y, audio.start_s - shift_s)}
        if other is not None:
            row["other_clip_audio"] = measure(other.y, track.t_s[0])
        out.append(row)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m verifier.evaluate video")
    ap.add_argument("folder")
    ap.add_argument("--out", help="write all results as JSON here")
    ap.add_argument("--no-stress", action="store_true", help="skip the lip-sync shift/swap test")
    ap.add_argument("--params", metavar="JSON", help="alternative parameters: overrides of the defaults per section "
                                                     "(blink, face, frames, fusion)")
    ap.add_argument("--channel", choices=sorted(VIDEO_CONDITIONS),
                    help="re-encode every clip (real and fake) like a messenger before analysing it")
    ap.add_argument("--limit-per-source", type=int, metavar="N", help="only the first N clips of each source (a quick subset)")
    args = ap.parse_args(argv)
    params = AnalysisParams.load(args.params) if args.params else DEFAULT_PARAMS
    rows = read_manifest(args.folder)
    if args.limit_per_source:
        kept, seen = [], defaultdict(int)
        for r in rows:
            seen[r["source"]] += 1
            if seen[r["source"]] <= args.limit_per_source:
                kept.append(r)
        rows = kept
    results = []
    t_all = time.perf_counter()
    tmp = tempfile.TemporaryDirectory(prefix="eval-channel-") if args.channel else None
    for r in rows:
        path = os.path.join(args.folder, r["path"])
        if tmp is not None:
            enc = os.path.join(tmp.name, "clip.mp4")
            reencode_video(path, enc, condition=args.channel)
            path = enc
        rep = analyze(path, kind="video", params=params)
        d = rep.to_dict()
        sig = d["signals"]
        res = {"path": r["path"], "source": r["source"], "label": r["label"], "level": d["level"], "risk": d["risk"],
               "error": d["error"], "elapsed_s": d["elapsed_s"], "quality": d["quality"],
               "signals": {k: {"score": v["score"], "reliability": v["reliability"], "explanation": v["explanation"],
                               **{e: v["evidence"].get(e) for e in ("blink_count", "blinks_per_min", "offset_ms", "correlation", "confidence",
                                                                    "n_crops", "median_score", "share_over_half")
                                  if e in v["evidence"]}} for k, v in sig.items()}}
        results.append(res)
        b = sig.get("blink", {}).get("evidence", {})
        lp = sig.get("lipsync", {})
        fr = sig.get("frames", {})
        print(f"{r['label']:4} {r['path'][:58]:58} {d['level']:12} risk={d['risk'] if d['risk'] is not None else '-':<6} "
              f"blinks={b.get('blink_count', '-')} ({b.get('blinks_per_min', '-')}/min) lipsync={lp.get('explanation', '-')} "
              f"off={lp.get('evidence', {}).get('offset_ms', '-')} r={lp.get('evidence', {}).get('correlation', '-')} "
              f"frames={fr.get('score') if fr.get('score') is not None else fr.get('explanation', '-')}"
              + (f" ERROR {d['error']}" if d["error"] else ""), flush=True)
    if tmp is not None:
        tmp.cleanup()
    print(f"\n{len(rows)} files in {time.perf_counter() - t_all:.0f} s")
    y = [1 if r["label"] == "fake" else 0 for r in results]

    def risk_or_half(r):
        return 0.5 if r["risk"] is None else r["risk"]

    reals = [r for r in results if r["label"] == "real"]
    summary = {"n": len(results), "channel": args.channel or "as_published",
               "auc_risk_inconclusive_as_0.5": roc_auc(y, [risk_or_half(r) for r in results]),
               "share_real_rated_high": (sum(r["level"] == "high" for r in reals) / len(reals)) if reals else None}
    for key in SIGNALS:
        summary[f"auc_{key}_where_measured"] = roc_auc(y, [np.nan if (s := r["signals"].get(key, {}).get("score")) is None else s
                                                          for r in results])
        summary[f"auc_{key}_per_fake_source"] = signal_aucs(results, key)["per_fake_source"]
    summary["auc_frames_without_its_training_reals"] = signal_aucs(results, "frames", FRAMES_TRAINED_SOURCES)
    print("\nOverall:", json.dumps({k: v for k, v in summary.items() if not isinstance(v, dict)}))
    print(f"  AUC frames without its training reals: {summary['auc_frames_without_its_training_reals']['overall']:.3f}")
    for key in SIGNALS:
        cells = ", ".join(f"{src.split('/')[-1]} {v:.2f}" for src, v in summary[f"auc_{key}_per_fake_source"].items()
                          if np.isfinite(v))
        print(f"  AUC {key} per fake source (vs all reals): {cells or '-'}")
    by_src = defaultdict(list)
    for r in results:
        by_src[(r["label"], r["source"])].append(r)
    print("\nPer source: n, levels, median blinks/min, share of clips with a blink rate")
    for (lab, src), rs in sorted(by_src.items()):
        levels = defaultdict(int)
        for r in rs:
            levels[r["level"]] += 1
        rates = [r["signals"].get("blink", {}).get("blinks_per_min") for r in rs]
        rates = [x for x in rates if x is not None]
        print(f"  {src:28} n={len(rs):2} levels={dict(levels)} blinks/min median="
              f"{np.median(rates) if rates else float('nan'):.1f} measured={len(rates)}/{len(rs)}")
    # Paired comparison where the sources pair real and fake clips of the same scene.
    pr = pairs_fake_higher(results, risk_or_half)
    pf = pairs_fake_higher(results, lambda r: r["signals"].get("frames", {}).get("score"))
    if pr["n"]:
        summary["deepfacelive_paired_win_rate"] = pr["rate"]
        print(f"\nDeepFaceLive pairs (same scene, real vs swapped face): fake scored higher in {pr['fake_higher']:g}/{pr['n']} (fused risk)")
    summary["deepfacelive_pairs_frames"] = pf
    if pf["n"]:
        print(f"DeepFaceLive pairs, frames signal: fake scored higher in {pf['fake_higher']:g}/{pf['n']}")
    stress = [] if args.no_stress else lipsync_stress(args.folder, rows, params=params)
    if stress:
        print("\nLip-sync stress test on real talking clips (offset ms, correlation, confidence):")
        for s in stress:
            cells = "  ".join(f"{k}: {v['offset_ms']}, {v['correlation']}, {v['confidence']}" for k, v in s.items() if k != "path")
            print(f"  {s['path']}: {cells}")
        moved = [s["audio_late_400ms"]["offset_ms"] - s["as_recorded"]["offset_ms"] for s in stress
                 if s["audio_late_400ms"]["offset_ms"] is not None and s["as_recorded"]["offset_ms"] is not None]
        moved_e = [s["audio_early_400ms"]["offset_ms"] - s["as_recorded"]["offset_ms"] for s in stress
                   if s["audio_early_400ms"]["offset_ms"] is not None and s["as_recorded"]["offset_ms"] is not None]
        summary["lipsync_shift_late_recovered_within_40ms"] = f"{sum(abs(m - 400) <= 40 for m in moved)}/{len(moved)}"
        summary["lipsync_shift_early_recovered_within_40ms"] = f"{sum(abs(m + 400) <= 40 for m in moved_e)}/{len(moved_e)}"
        rec = [s["as_recorded"]["correlation"] for s in stress if s["as_recorded"]["correlation"] is not None]
        sw = [s["other_clip_audio"]["correlation"] for s in stress if s.get("other_clip_audio", {}).get("correlation") is not None]
        summary["lipsync_corr_recorded_vs_swapped_auc"] = roc_auc([0] * len(rec) + [1] * len(sw), [-c for c in rec + sw])
        summary["lipsync_median_corr_recorded"] = float(np.median(rec)) if rec else None
        summary["lipsync_median_corr_swapped"] = float(np.median(sw)) if sw else None
        print("Stress summary:", json.dumps({k: v for k, v in summary.items() if k.startswith("lipsync")}))
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            json.dump({"summary": summary, "params": params.to_dict(), "files": results, "lipsync_stress": stress}, f, ensure_ascii=False, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
