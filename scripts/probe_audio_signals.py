"""Quick look at the audio side signals on a labelled folder (default ../shared/data/audio).

Prints, per condition (as published, and after a messenger-like AAC / Opus re-encode), the
median of each evidence number per source folder and the ROC AUC (fake = positive) of each
signal's score and of each evidence number. This is for explanation, not tuning: nothing
here is fitted. AUC < 0.5 means the number is *lower* for fakes.

Usage: .venv/bin/python scripts/probe_audio_signals.py [DATA_DIR] [--conditions published,messenger_aac,messenger_opus]
"""
from __future__ import annotations

import argparse
import math
import os
import sys
import time
from collections import defaultdict

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from verifier.analysis.channel import reencode  # noqa: E402
from verifier.analysis.media import load_audio  # noqa: E402
from verifier.analysis.signals.audio import SIDE_SIGNAL_KEYS, measure_audio_signals  # noqa: E402
from verifier.evaluate.manifest import read_manifest  # noqa: E402
from verifier.evaluate.metrics import roc_auc  # noqa: E402

SR = 16000  # Hz
DEFAULT_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "..", "shared", "data", "audio")
NUMBERS = {  # evidence numbers worth a median, per signal
    "noise_floor": ("noise_floor_dbfs", "floor_re_speech_db", "pause_s", "digital_silence_s", "edge_digital_silence_s"),
    "bandwidth": ("cutoff_hz", "drop50_hz", "rolloff_db_per_khz"),
    "breath": ("pause_count", "breath_count", "breaths_per_min"),
    "prosody": ("f0_median_hz", "f0_std_st", "jitter_local_pct", "shimmer_local_pct", "shimmer_local_db", "voiced_s"),
}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data_dir", nargs="?", default=DEFAULT_DIR)
    ap.add_argument("--conditions", default="published,messenger_aac,messenger_opus")
    args = ap.parse_args(argv)
    rows = read_manifest(args.data_dir)
    conditions = args.conditions.split(",")
    measure_audio_signals(np.zeros(SR, np.float32), SR)  # numba / librosa warm-up, not timed
    for cond in conditions:
        recs = []
        t_total = audio_total = 0.0
        for r in rows:
            y = load_audio(os.path.join(args.data_dir, r["path"]), sr=SR)
            if cond != "published":
                y = reencode(y, condition=cond)
            t0 = time.perf_counter()
            res = {s.key: s for s in measure_audio_signals(y, SR)}
            t_total += time.perf_counter() - t0
            audio_total += len(y) / SR
            rec = {"source": r["source"], "label": r["label"], "y": int(r["label"] == "fake")}
            for k, s in res.items():
                rec[f"{k}.score"] = s.score if s.usable else float("nan")
                rec[f"{k}.reliability"] = s.reliability
                rec[f"{k}.explanation"] = s.explanation
                for name in NUMBERS[k]:
                    v = s.evidence.get(name)
                    rec[f"{k}.{name}"] = float(v) if isinstance(v, (int, float)) and v is not None else float("nan")
            recs.append(rec)
        print(f"\n=== condition: {cond}  ({len(recs)} files, {audio_total:.0f} s of audio, "
              f"side signals {t_total:.2f} s = {t_total / audio_total * 60:.3f} s per minute)")
        by_src = defaultdict(list)
        for rec in recs:
            by_src[(rec["label"], rec["source"])].append(rec)
        cols = [f"{k}.{n}" for k in SIDE_SIGNAL_KEYS for n in NUMBERS[k]]
        short = [c.split(".", 1)[1][:14] for c in cols]
        print("\nper-source medians (nan = not measurable)")
        print(f"{'label':5} {'source':26} {'n':>3} " + " ".join(f"{s:>14}" for s in short))
        for (lab, src), group in sorted(by_src.items()):
            meds = [np.nanmedian([g[c] for g in group]) if np.isfinite([g[c] for g in group]).any() else float("nan")
                    for c in cols]
            print(f"{lab:5} {src:26} {len(group):3d} " + " ".join(f"{m:14.2f}" for m in meds))
        yy = [rec["y"] for rec in recs]
        print("\nROC AUC, fake = positive (score: usable files only; n = files with a usable score)")
        for k in SIDE_SIGNAL_KEYS:
            sc = [rec[f"{k}.score"] for rec in recs]
            n_ok = int(np.isfinite(sc).sum())
            expl = defaultdict(int)
            for rec in recs:
                expl[(rec["label"], rec[f"{k}.explanation"])] += 1
            print(f"  {k:12} score AUC {roc_auc(yy, sc):.3f} (n={n_ok}); mean reliability "
                  f"{np.mean([rec[f'{k}.reliability'] for rec in recs]):.2f}; "
                  + ", ".join(f"{lab}:{e.split('.')[1]}={c}" for (lab, e), c in sorted(expl.items())))
            for name in NUMBERS[k]:
                v = [rec[f"{k}.{name}"] for rec in recs]
                a = roc_auc(yy, v)
                print(f"      {name:24} AUC {a:.3f}" if math.isfinite(a) else f"      {name:24} AUC   n/a")
    return 0


if __name__ == "__main__":
    sys.exit(main())
