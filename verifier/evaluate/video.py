"""Evaluate the video path on a labelled folder (``MANIFEST.tsv`` with ``path``, ``label``).

    python -m verifier.evaluate video ../shared/data/video [--out results.json] [--params overrides.json]

``--params`` takes alternative parameters as JSON overrides of the defaults, e.g.
``{"blink": {"min_drop": 0.25}, "face": {"min_face_px": 30}, "fusion": {"high_from": 0.65}}``
(sections: :class:`verifier.params.AnalysisParams`); the parameters used are written into
``--out``.

Prints, per file, what the verifier measured; per source, the blink rates and levels; ROC
AUC of the fused risk and of each signal overall and per source; and the lip-sync stress
test on real talking clips: how offset, correlation and confidence move when their audio is
shifted by ±400 ms or swapped with another clip's audio. Nothing here is fitted.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from collections import defaultdict

import numpy as np

from ..media import probe
from ..params import DEFAULT_PARAMS, AnalysisParams
from ..pipeline import _video_signals, analyze, decode_and_track
from ..signals.lipsync import measure_lipsync
from .manifest import read_manifest
from .metrics import roc_auc


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
                                                     "(blink, face, fusion)")
    args = ap.parse_args(argv)
    params = AnalysisParams.load(args.params) if args.params else DEFAULT_PARAMS
    rows = read_manifest(args.folder)
    results = []
    t_all = time.perf_counter()
    for r in rows:
        rep = analyze(os.path.join(args.folder, r["path"]), kind="video", params=params)
        d = rep.to_dict()
        sig = d["signals"]
        res = {"path": r["path"], "source": r["source"], "label": r["label"], "level": d["level"], "risk": d["risk"],
               "error": d["error"], "elapsed_s": d["elapsed_s"], "quality": d["quality"],
               "signals": {k: {"score": v["score"], "reliability": v["reliability"], "explanation": v["explanation"],
                               **{e: v["evidence"].get(e) for e in ("blink_count", "blinks_per_min", "offset_ms", "correlation", "confidence")
                                  if e in v["evidence"]}} for k, v in sig.items()}}
        results.append(res)
        b = sig.get("blink", {}).get("evidence", {})
        lp = sig.get("lipsync", {})
        print(f"{r['label']:4} {r['path'][:58]:58} {d['level']:12} risk={d['risk'] if d['risk'] is not None else '-':<6} "
              f"blinks={b.get('blink_count', '-')} ({b.get('blinks_per_min', '-')}/min) lipsync={lp.get('explanation', '-')} "
              f"off={lp.get('evidence', {}).get('offset_ms', '-')} r={lp.get('evidence', {}).get('correlation', '-')}"
              + (f" ERROR {d['error']}" if d["error"] else ""), flush=True)
    print(f"\n{len(rows)} files in {time.perf_counter() - t_all:.0f} s")
    y = [1 if r["label"] == "fake" else 0 for r in results]

    def risk_or_half(r):
        return 0.5 if r["risk"] is None else r["risk"]

    summary = {"n": len(results), "auc_risk_inconclusive_as_0.5": roc_auc(y, [risk_or_half(r) for r in results])}
    for key in ("blink", "lipsync", "voice"):
        sc = [r["signals"].get(key, {}).get("score") for r in results]
        summary[f"auc_{key}_where_measured"] = roc_auc(y, [np.nan if s is None else s for s in sc])
    print("\nOverall:", json.dumps(summary))
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
    pairs = [(r, next((f for f in results if f["path"] == r["path"].replace("real/deepfacelive_original/", "fake/deepfacelive/").replace("_orig", "_swap")), None))
             for r in results if r["source"] == "real/deepfacelive_original"]
    pairs = [(a, b) for a, b in pairs if b is not None]
    if pairs:
        wins = sum((risk_or_half(b) > risk_or_half(a)) + 0.5 * (risk_or_half(b) == risk_or_half(a)) for a, b in pairs)
        summary["deepfacelive_paired_win_rate"] = wins / len(pairs)
        print(f"\nDeepFaceLive pairs (same scene, real vs swapped face): fake scored higher in {wins}/{len(pairs)}")
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
