"""Parity of the ONNX Runtime path with the torch path, file by file.

For every audio file under a folder (default ``../shared/data/audio``): the voice score (the
calibrated P(fake) and the median logit of AASIST-L) with the ONNX export and with the torch
network, on the same speech activity; and the Silero VAD probabilities and speech segments with
the ONNX model and the TorchScript model. Prints one TSV row per file and a summary; exits 1
when a voice score differs by more than ``--tol`` (default 1e-4) or a file's segments differ.

    python scripts/onnx_parity.py [FOLDER] [--tol 1e-4]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
AUDIO_EXT = {".wav", ".flac", ".mp3", ".m4a", ".ogg", ".opus", ".aac"}


def main(argv=None) -> int:
    sys.path.insert(0, str(ROOT))
    from verifier.analysis import speech
    from verifier.analysis.media import load_audio
    from verifier.analysis.voice import onnx_backend
    from verifier.analysis.voice.aasist import load_aasist
    from verifier.analysis.voice.calibration import LogisticCalibration
    from verifier.analysis.voice.detector import CALIBRATION_FILE, VoiceDetector
    from verifier.analysis.voice.weights import find_weights

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("folder", nargs="?", default=str(ROOT.parent / "shared" / "data" / "audio"))
    ap.add_argument("--tol", type=float, default=1e-4, help="largest accepted |P(fake) difference|")
    a = ap.parse_args(argv)
    cal = LogisticCalibration.from_file(CALIBRATION_FILE)
    onnx_det = VoiceDetector(onnx_backend.load(), cal)
    torch_det = VoiceDetector(load_aasist(find_weights()), cal)
    files = sorted(p for p in Path(a.folder).rglob("*") if p.suffix.lower() in AUDIO_EXT)
    print("file\tp_fake_onnx\tp_fake_torch\tabs_diff_p\tabs_diff_logit\tvad_max_abs_diff\tsegments_equal")
    worst_p = worst_logit = worst_vad = 0.0
    bad = 0
    for f in files:
        y = load_audio(str(f))
        sa = speech.detect_speech(y)
        po = speech.vad_probabilities(y, backend="onnx")
        pt = speech.vad_probabilities(y, backend="torch")
        dur = len(y) / speech.SAMPLE_RATE
        seg_eq = speech.probabilities_to_segments(po, 0.032, dur) == speech.probabilities_to_segments(pt, 0.032, dur)
        vad_d = float(np.abs(po - pt).max()) if len(po) else 0.0
        ro, rt = onnx_det.measure(y, 16000, sa), torch_det.measure(y, 16000, sa)
        if not (np.isfinite(ro.score) and np.isfinite(rt.score)):  # not applicable: both must say so
            dp = dl = 0.0 if ro.explanation == rt.explanation else float("inf")
        else:
            dp = abs(ro.score - rt.score)
            dl = abs(ro.evidence["aasist_logit"] - rt.evidence["aasist_logit"])
        worst_p, worst_logit, worst_vad = max(worst_p, dp), max(worst_logit, dl), max(worst_vad, vad_d)
        bad += (not dp <= a.tol) + (not seg_eq)
        print(f"{f.relative_to(a.folder)}\t{ro.score}\t{rt.score}\t{dp:.2e}\t{dl:.2e}\t{vad_d:.2e}\t{seg_eq}", flush=True)
    print(f"# {len(files)} files: max |dP(fake)| {worst_p:.2e}, max |d aasist_logit| {worst_logit:.2e} "
          f"(evidence rounded to 1e-4), max |d VAD prob| {worst_vad:.2e}, failures {bad}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
