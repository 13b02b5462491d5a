"""Measure candidate speech-versus-music/singing features on the dev sets (issue 8).

Prints one row per file: label, source, seconds of speech (VAD), low-energy ratio, the
rhythm strength (verifier.analysis.speech.rhythm_strength: the measure the analysis uses, threshold
SpeechParams.music_rhythm), voiced share of speech frames and F0 5–95 % range (st). Measured
2026-11-29: only the rhythm separated the README's music/singing clips from talking (F0 range:
speech 5–20 st, music 7–18 st; held-note shares were 0 almost everywhere with YIN's jitter).

    python scripts/probe_music.py ../shared/data/audio ../shared/data/video > music.tsv
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from verifier.analysis.media import load_audio
from verifier.analysis.signals.audio_frames import segment_speech
from verifier.analysis.signals.audio_prosody import F0_HOP_FACTOR, track_f0
from verifier.analysis.speech import detect_speech
from verifier.evaluate.manifest import read_manifest

SR = 16000


def features(y: np.ndarray) -> dict:
    sp = detect_speech(y, SR)
    seg = segment_speech(y, SR, speech=sp)
    f0, voiced, _ = track_f0(y=y, sr=SR, seg=seg)
    hop_s = F0_HOP_FACTOR * seg.hop_length / SR
    in_speech = sp.mask(np.arange(len(f0)) * hop_s)
    out = {"speech_s": round(sp.speech_s, 2), "ler": round(sp.low_energy_ratio, 3), "rhythm": round(sp.rhythm, 3)}
    v = voiced & in_speech
    out["voiced_share"] = round(float(v.sum() / max(in_speech.sum(), 1)), 3)
    if v.sum() < 10:
        return {**out, "f0_range_st": np.nan}
    st = 12 * np.log2(f0 / np.median(f0[v]))
    st_v = st[v]
    st_v = st_v[np.abs(st_v) < 12]
    out["f0_range_st"] = round(float(np.percentile(st_v, 95) - np.percentile(st_v, 5)), 2)
    return out


def main(dirs: list[str]) -> None:
    cols = ["speech_s", "ler", "rhythm", "voiced_share", "f0_range_st"]
    print("\t".join(["path", "label", "source", *cols]))
    for d in dirs:
        for row in read_manifest(d):
            path = Path(d) / row["path"]
            try:
                y = load_audio(str(path))
            except Exception:  # noqa: BLE001 - a probe: skip clips without audio
                continue
            if len(y) < SR:
                continue
            f = features(y)
            src = row["path"].split("/")[1] if "/" in row["path"] else ""
            print("\t".join([row["path"], row["label"], src, *(str(f[c]) for c in cols)]), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
