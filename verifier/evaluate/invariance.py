"""How the voice score moves when only the channel changes (issue 14): the invariance table.

    python -m verifier.evaluate invariance ../shared/data/audio [--out docs/voice_invariance.md]
        [--cache invariance_cache.json] [--seconds 5] [--calibration verifier/assets/voice_calibration.json]

A stratified subset of the development set (:data:`SUBSET`: real and fake, English and
Vietnamese, one file per listed source) is cut to its first ``--seconds`` and scored on one
window by AASIST-L under every condition of :data:`CONDITIONS` (level, silence, sample rate,
channels, messenger codecs, telephone band) and every preprocessing of :data:`VARIANTS`.
For each (variant, condition) the table gives, over the files, the median and the largest
change of the calibrated P(fake) against the same file unchanged (and of the raw logit),
real and fake files apart. Logits are cached (``--cache``) so that re-rendering with another
calibration costs nothing. CPU-heavy (~0.3-1.5 s per window on the 2-core machine).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile

import numpy as np

from ..analysis.channel import encode, telephone_band
from ..analysis.media import load_audio
from ..core.constants import SAMPLE_RATE as SR
from .manifest import read_manifest

SUBSET = (  # (source folder, label): the first file of each in path order
    ("real/librispeech_resemblyzer", 0), ("real/autovc_vctk", 0), ("real/f5tts_vi_refs", 0),
    ("real/viaudiodetect", 0), ("fake/kyubyong_tacotron", 1), ("fake/valle_lifeiteng_demos", 1),
    ("fake/f5tts_vi_clones", 1), ("fake/viaudiodetect", 1),
)
SILENCE_LEAD_S, SILENCE_TRAIL_S = 1.5, 1.0  # s of added room silence
SILENCE_DBFS = -80.0  # dBFS RMS of the added silence (white noise, not digital zero)
# dB under the file's loudest 32 ms frame (RMS) of the relative silence: a quiet recording's room silence
# sits as far under its own speech as a loud one's (-80 dBFS absolute is only 48 dB under the quietest
# file of the subset's speech, above the trimmer's 50 dB: there it is background noise, not silence)
SILENCE_REL_DB = 60.0
SILENCE_ZERO_S = 0.5  # s of digital zeros before and after (padding of an encoder or an editor)
SHIFT_SAMPLES = 64  # samples (4 ms): half a trimming frame hop, what added silence can move a trimmed start by
RMS_MATCHED_DBFS = -30.0  # dBFS overall RMS of the "RMS-matched" condition
# condition: (group, description)
CONDITIONS = {
    "level_peak_-40": ("level", "peak -40 dBFS"),
    "level_peak_-20": ("level", "peak -20 dBFS"),
    "level_peak_-1": ("level", "peak -1 dBFS"),
    "level_rms_-30": ("level", f"overall RMS {RMS_MATCHED_DBFS:.0f} dBFS (all files matched)"),
    "silence": ("silence", f"{SILENCE_LEAD_S} s before, {SILENCE_TRAIL_S} s after, {SILENCE_DBFS:.0f} dBFS noise"),
    "silence_rel": ("silence", f"{SILENCE_LEAD_S} s before, {SILENCE_TRAIL_S} s after, noise {SILENCE_REL_DB:.0f} dB "
                               "under the loudest frame"),
    "silence_zero": ("silence", f"{SILENCE_ZERO_S} s of digital zeros before and after"),
    "shift_4ms": ("shift", f"first {SHIFT_SAMPLES} samples dropped: the network's own jitter, for scale"),
    "rate_8000": ("rate", "resampled to 8 kHz (also band-limits to 4 kHz)"),
    "rate_22050": ("rate", "resampled to 22.05 kHz"),
    "rate_44100": ("rate", "resampled to 44.1 kHz"),
    "rate_48000": ("rate", "resampled to 48 kHz"),
    "stereo": ("channels", "stereo file (right = 0.7 x left), decoded to mono"),
    "messenger_aac": ("codec", "AAC-LC 32 kbit/s (m4a)"),
    "messenger_opus": ("codec", "Opus 24 kbit/s (ogg)"),
    "messenger_opus16": ("codec", "Opus 16 kbit/s (ogg)"),
    "amr_nb": ("codec", "AMR-NB 12.2 kbit/s (8 kHz)"),
    "mp3_64": ("codec", "MP3 64 kbit/s"),
    "telephone": ("band", "band-limited 300-3400 Hz"),
}
GATED_GROUPS = ("level", "silence", "rate", "channels")  # acceptance: |ΔP| <= P_TOLERANCE (rate_8000 excepted: band-limits)
P_TOLERANCE = 0.1
# The chosen preprocessings (active_rms until 2026-11-30, active_rms_exact_trim_40 since) get the full grid;
# the others (peak 0.9, the upstream way: own level, no trimming; exact trim at 50 dB) the conditions that
# tell them apart (CPU: ~0.3-1 s per cell here).
FRAME_50 = {"trim_exact": False, "trim_top_db": 50.0}  # the trimming of the runtime until 2026-11-30
VARIANTS = {  # name: (Preprocessing kwargs, conditions: None = all); every field pinned, whatever the default
    "active_rms": ({"level": "active_rms", **FRAME_50}, None),
    "peak": ({"level": "peak", **FRAME_50}, ("silence", "rate_48000", "messenger_aac", "amr_nb", "telephone")),
    "own_level_no_trim": ({"level": "own", "trim": False}, ("level_peak_-40", "level_peak_-20", "level_peak_-1",
                                                          "level_rms_-30", "silence")),
    # Sample-exact trimming (issue 14, silence bar): the gated conditions and the codecs.
    "active_rms_exact_trim": ({"level": "active_rms", "trim_exact": True, "trim_top_db": 50.0},
                              ("level_peak_-40", "level_peak_-1", "level_rms_-30", "silence", "shift_4ms", "rate_22050",
                               "rate_48000", "stereo", "messenger_aac", "messenger_opus", "silence_rel", "silence_zero")),
    # The same with the ends trimmed at 40 dB under the loudest frame: the runtime's default since 2026-11-30.
    "active_rms_exact_trim_40": ({"level": "active_rms", "trim_exact": True, "trim_top_db": 40.0}, None),
}


def apply_condition(y: np.ndarray, condition: str, tmp: str, rng: np.random.Generator) -> tuple[np.ndarray, int]:
    """``y`` (mono 16 kHz) as the condition changes it, and its sample rate."""
    peak = float(np.abs(y).max())
    if condition.startswith("level_peak_"):
        return (y * (10 ** (float(condition.split("_")[-1]) / 20) / peak)).astype(np.float32), SR
    if condition.startswith("level_rms_"):
        g = 10 ** (float(condition.split("_")[-1]) / 20) / float(np.sqrt(np.mean(y ** 2)))
        return np.clip(y * g, -1, 1).astype(np.float32), SR
    if condition in ("silence", "silence_rel"):
        from ..analysis.voice.detector import frame_rms

        rms = SILENCE_DBFS if condition == "silence" else 20 * np.log10(float(frame_rms(y).max())) - SILENCE_REL_DB
        noise = lambda s: (10 ** (rms / 20) * rng.standard_normal(int(s * SR))).astype(np.float32)  # noqa: E731
        return np.concatenate([noise(SILENCE_LEAD_S), y, noise(SILENCE_TRAIL_S)]), SR
    if condition == "silence_zero":
        pad = np.zeros(int(SILENCE_ZERO_S * SR), np.float32)
        return np.concatenate([pad, y, pad]), SR
    if condition.startswith("rate_"):
        from ..analysis.signals.audio_frames import resample

        sr = int(condition.split("_")[1])
        return resample(y, orig_sr=SR, target_sr=sr), sr
    if condition == "stereo":
        import soundfile as sf

        p = os.path.join(tmp, "stereo.wav")
        sf.write(p, np.stack([y, 0.7 * y], axis=1), SR, subtype="PCM_16")
        return load_audio(p), SR
    if condition == "shift_4ms":
        return y[SHIFT_SAMPLES:], SR
    if condition == "telephone":
        return telephone_band(y), SR
    from ..analysis.channel import CONDITIONS as CODECS

    p = os.path.join(tmp, "message" + CODECS[condition][3])
    encode(y, p, condition=condition)
    return load_audio(p), SR


def subset_rows(data_dir: str, per_source: int = 1) -> list[dict]:
    """The first ``per_source`` files (in path order) of each source of :data:`SUBSET`."""
    rows = read_manifest(data_dir)
    out = []
    for folder, label in SUBSET:
        m = sorted((r for r in rows if r["path"].startswith(folder + "/")), key=lambda r: r["path"])
        out.extend(m[:per_source])
    return out


MODELS = ("aasist-l", "aasist5")  # registry entries the table can be made for (aasist5: second opinion, active_rms only)


def _variants(model: str) -> dict:
    """The preprocessing variants scored for ``model``: all of :data:`VARIANTS` for AASIST-L,
    the chosen one (``active_rms@<model>``) for another network."""
    return VARIANTS if model == "aasist-l" else {f"active_rms@{model}": VARIANTS["active_rms"]}


def _load_model(model: str):
    """The network: AASIST-L through its ONNX export when installed (the runtime's backend, logits
    within 1e-4 of torch, checked at export), else torch."""
    from ..analysis import registry
    from ..analysis.voice.aasist import AASIST_CONFIG, AASIST_L_CONFIG, load_aasist

    if model == "aasist-l":
        try:
            from ..analysis.voice import onnx_backend

            return onnx_backend.load()
        except Exception:  # noqa: BLE001 no export / no onnxruntime: the torch network gives the same logits
            pass
    return load_aasist(registry.model_path(model), AASIST_L_CONFIG if model == "aasist-l" else AASIST_CONFIG)


def compute(data_dir: str, cache_path: str | None, seconds: float, log=print, model_name: str = "aasist-l",
            per_source: int = 1, variants: tuple | None = None) -> dict:
    """Logits ``{variant: {path: {condition or "base": logit}}}``, cached in ``cache_path``
    (``per_source`` files of each source of :data:`SUBSET`; ``variants``: a subset of the names)."""
    from ..analysis.voice.detector import VoiceDetector
    from ..core.params import Preprocessing

    cache = {}
    if cache_path and os.path.isfile(cache_path):
        with open(cache_path, encoding="utf-8") as f:
            cache = json.load(f)
    model = _load_model(model_name)
    rows = subset_rows(data_dir, per_source)
    with tempfile.TemporaryDirectory() as tmp:
        for vname, (kw, conds) in _variants(model_name).items():
            if variants and vname not in variants:
                continue
            det = VoiceDetector(model, None, max_windows=1, preprocessing=Preprocessing(**kw))
            for r in rows:
                y = load_audio(os.path.join(data_dir, r["path"]))[: int(seconds * SR)]
                rec = cache.setdefault(vname, {}).setdefault(r["path"], {"y": r["y"]})
                for c in ("base",) + tuple(conds or CONDITIONS):
                    if c in rec:
                        continue
                    yc, sr = (y, SR) if c == "base" else apply_condition(y, c, tmp, np.random.default_rng(0))
                    rec[c] = det.score(yc, sr).aasist_logit
                    log(f"{vname:18s} {c:18s} {r['path']}: {rec[c]:+.3f}")
                    if cache_path:
                        with open(cache_path, "w", encoding="utf-8") as f:
                            json.dump(cache, f, indent=1)
    return cache


def table(cache: dict, calibrations: dict) -> tuple[str, dict]:
    """Markdown table and a summary ``{variant: {group: max |ΔP|}}`` (gated groups)."""
    lines = ["| variant | condition | group | real: median / max abs ΔP | fake: median / max abs ΔP | max abs Δlogit |",
             "|---|---|---|---|---|---|"]
    summary = {}
    for vname, files in cache.items():
        cal = calibrations[vname]
        for c, (group, desc) in CONDITIONS.items():
            dp = {0: [], 1: []}
            dl = []
            for rec in files.values():
                if c not in rec:
                    continue
                p0, p1 = cal.predict_proba(np.array([[rec["base"]], [rec[c]]]))
                dp[rec["y"]].append(abs(p1 - p0))
                dl.append(abs(rec[c] - rec["base"]))
            if not dl:
                continue
            cell = lambda v: f"{np.median(v):.3f} / {np.max(v):.3f}" if v else "–"  # noqa: E731
            lines.append(f"| {vname} | {c} ({desc}) | {group} | {cell(dp[0])} | {cell(dp[1])} | {max(dl):.2f} |")
            if group in GATED_GROUPS and c != "rate_8000":
                s = summary.setdefault(vname, {})
                s[group] = max(s.get(group, 0.0), float(np.max(dp[0] + dp[1])))
    return "\n".join(lines), summary


def main(argv: list[str] | None = None) -> int:
    from ..analysis.voice.calibration import LogisticCalibration
    from ..analysis.voice.detector import CALIBRATION_FILE

    ap = argparse.ArgumentParser(prog="python -m verifier.evaluate invariance", description=__doc__.split("\n\n")[0])
    ap.add_argument("data_dir")
    ap.add_argument("--cache", default="voice_invariance_cache.json", help="logit cache (JSON), reused when present")
    ap.add_argument("--out", help="write the markdown table here")
    ap.add_argument("--seconds", type=float, default=5.0, help="seconds of each file scored (first window after trimming)")
    ap.add_argument("--calibration", default=str(CALIBRATION_FILE), help="Platt calibration of the active_rms variant")
    ap.add_argument("--calibration-peak", default=None,
                    help="calibration of the peak / own-level variants (default: --calibration)")
    ap.add_argument("--model", choices=MODELS, default="aasist-l",
                    help="network (aasist5: the ASVspoof 5 AASIST, active_rms only; pass its own --calibration and --cache)")
    ap.add_argument("--calibration-exact", default=None,
                    help="calibration of the sample-exact trimming variants (default: --calibration)")
    ap.add_argument("--per-source", type=int, default=1, help="files of each listed source (the first in path order)")
    ap.add_argument("--variants", help="comma-separated preprocessing variants to score (default: all)")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)
    cache = compute(args.data_dir, args.cache, args.seconds, log=(lambda *a: None) if args.quiet else print,
                    model_name=args.model, per_source=args.per_source,
                    variants=tuple(args.variants.split(",")) if args.variants else None)
    cal = LogisticCalibration.from_file(args.calibration)
    cal_peak = LogisticCalibration.from_file(args.calibration_peak) if args.calibration_peak else cal
    cal_exact = LogisticCalibration.from_file(args.calibration_exact) if args.calibration_exact else cal
    md, summary = table(cache, {"active_rms": cal, "peak": cal_peak, "own_level_no_trim": cal_peak,
                                "active_rms_exact_trim": cal_exact, "active_rms_exact_trim_40": cal_exact,
                                **{v: cal for v in _variants(args.model) if "@" in v}})
    files = sorted(next(iter(cache.values())).keys())
    head = (f"Files ({len(files)}): {', '.join(files)}; first {args.seconds:g} s, one window.\n\n"
            f"Largest abs ΔP per gated group (acceptance ≤ {P_TOLERANCE}; rate_8000 excluded, it band-limits): "
            + "; ".join(f"{v}: " + ", ".join(f"{g} {x:.3f}" for g, x in s.items()) for v, s in summary.items()) + "\n\n")
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(head + md + "\n")
    print(head + md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
