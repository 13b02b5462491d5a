"""Measure candidate speech-versus-music/singing features on the dev sets (issue 8).

Prints one row per file: label, source, seconds of speech (VAD), low-energy ratio,
voiced share of speech frames, F0 5–95 % range (st), and the share of voiced time in
held notes (runs of >= NOTE_MIN_S where F0 moves less than NOTE_STEP_ST per 20 ms hop).

    python scripts/probe_music.py ../shared/data/audio ../shared/data/video > music.tsv
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from verifier.evaluate.manifest import read_manifest
from verifier.media import load_audio
from verifier.signals.audio_frames import runs, segment_speech
from verifier.signals.audio_prosody import F0_HOP_FACTOR, track_f0
from verifier.speech import detect_speech

SR = 16000
NOTE_STEP_ST = 0.25
NOTE_MIN_S = 0.3


def features(y: np.ndarray) -> dict:
    sp = detect_speech(y, SR)
    seg = segment_speech(y, SR, speech=sp)
    f0, voiced, _ = track_f0(y=y, sr=SR, seg=seg)
    hop_s = F0_HOP_FACTOR * seg.hop_length / SR
    in_speech = sp.mask(np.arange(len(f0)) * hop_s)
    out = {"speech_s": round(sp.speech_s, 2), "ler": round(sp.low_energy_ratio, 3)}
    v = voiced & in_speech
    out["voiced_share"] = round(float(v.sum() / max(in_speech.sum(), 1)), 3)
    if v.sum() < 10:
        return {**out, "f0_range_st": np.nan, "note_share": np.nan}
    st = 12 * np.log2(f0 / np.median(f0[v]))
    st_v = st[v]
    st_v = st_v[np.abs(st_v) < 12]
    out["f0_range_st"] = round(float(np.percentile(st_v, 95) - np.percentile(st_v, 5)), 2)
    step_ok = np.zeros(len(f0), bool)
    step_ok[1:] = v[1:] & v[:-1] & (np.abs(np.diff(st)) < NOTE_STEP_ST)
    starts, ends = runs(step_ok)
    held = sum((e - s) for s, e in zip(starts, ends) if (e - s) * hop_s >= NOTE_MIN_S)
    out["note_share"] = round(float(held / v.sum()), 3)
    return out


def main(dirs: list[str]) -> None:
    cols = ["speech_s", "ler", "voiced_share", "f0_range_st", "note_share"]
    print("\t".join(["path", "label", "source", *cols]))
    for d in dirs:
        for row in read_manifest(d):
            path = Path(d) / row["path"]
            try:
                y = load_audio(str(path))
            except Exception as e:  # noqa: BLE001 - a probe: skip clips without audio
                continue
            if len(y) < SR:
                continue
            f = features(y)
            src = row["path"].split("/")[1] if "/" in row["path"] else ""
            print("\t".join([row["path"], row["label"], src, *(str(f[c]) for c in cols)]), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
