"""Benchmark of the voice path on a 60 s voice message (not a timed test).

    .venv/bin/python scripts/bench_voice.py [--seconds 60] [--repeat 5]

Builds a 60 s messenger-like voice message (AAC 32 kbit/s, mono 16 kHz, .m4a) in a temporary
folder: real speech from ../shared/data/audio when present, else the synthetic speech of
``verifier.analysis.synth``. Then measures

* cold: a fresh ``python`` process that imports the verifier, loads AASIST-L, decodes the
  file and computes the ``voice`` signal (wall clock from process start to result);
* warm: in this process with the model already loaded, decode + ``voice`` signal (median);
* the full CLI (``python -m verifier analyze --kind audio --json``), which also runs
  the side signals of ``verifier.analysis.signals.audio``.

Targets (issue 3): cold and full CLI ≤ 3 s, warm ≤ 1.5 s on the 2-core development machine.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = Path(os.environ.get("VERIFIER_SHARED") or ROOT.parent / "shared")
COLD_TARGET_S = 3.0
WARM_TARGET_S = 1.5

COLD_SNIPPET = """
import time, sys
t0 = time.perf_counter()
from verifier.analysis.media import load_audio
from verifier.analysis.voice.detector import measure_voice
r = measure_voice(load_audio(sys.argv[1]), 16000)
print(f"{r.explanation} p_fake={r.score:.3f} windows={r.evidence.get('windows')} of {r.evidence.get('grid_windows')} "
      f"in-process={time.perf_counter() - t0:.2f}s")
"""


def build_message(path: str, seconds: float) -> None:
    from verifier.analysis.channel import encode
    from verifier.analysis.media import load_audio

    sr, n = 16000, int(seconds * 16000)
    parts, total = [], 0
    folder = SHARED / "data" / "audio" / "real" / "librispeech_resemblyzer"
    for f in sorted(folder.glob("*.flac")) if folder.is_dir() else []:
        y = load_audio(str(f))
        parts.append(y)
        total += len(y)
        if total >= n:
            break
    if total < n:
        from verifier.analysis.synth import speech_like

        parts.append(speech_like(seconds, sr).y.astype(np.float32))
    encode(np.concatenate(parts)[:n], path, condition="messenger_aac")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--no-cli", action="store_true", help="skip the full-CLI measurement")
    args = ap.parse_args(argv)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    with tempfile.TemporaryDirectory() as d:
        msg = os.path.join(d, "voice_message.m4a")
        build_message(msg, args.seconds)
        print(f"message: {args.seconds:.0f} s AAC 32 kbit/s mono 16 kHz, {os.path.getsize(msg) / 1024:.0f} KiB")

        colds = []
        for _ in range(3):
            t0 = time.perf_counter()
            out = subprocess.run([sys.executable, "-c", COLD_SNIPPET, msg], capture_output=True, text=True, env=env, cwd=ROOT)
            colds.append(time.perf_counter() - t0)
            if out.returncode:
                print(out.stderr)
                return 1
        print(f"cold (process start + imports + model load + decode + voice): median {np.median(colds):.2f} s "
              f"(runs {', '.join(f'{c:.2f}' for c in colds)}; target ≤ {COLD_TARGET_S} s)  [{out.stdout.strip()}]")

        from verifier.analysis.media import load_audio
        from verifier.analysis.voice.detector import default_detector, measure_voice

        t0 = time.perf_counter()
        det = default_detector()
        load_s = time.perf_counter() - t0
        warms, first = [], None
        for i in range(args.repeat + 1):
            t0 = time.perf_counter()
            r = measure_voice(load_audio(msg), 16000, detector=det)
            dt = time.perf_counter() - t0
            if i == 0:
                first = dt  # first inference pays one-time kernel set-up
            else:
                warms.append(dt)
        print(f"model load {load_s:.2f} s; first call {first:.2f} s")
        print(f"warm (decode + voice, model loaded): median {np.median(warms):.2f} s over {len(warms)} runs "
              f"(min {min(warms):.2f}; target ≤ {WARM_TARGET_S} s); {r.evidence['windows']} of {r.evidence['grid_windows']} "
              f"50 %-overlap windows scored (cap MAX_WINDOWS), "
              f"{np.median(warms) / args.seconds:.4f} s per s of audio")

        if not args.no_cli:
            clis = []
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                out = subprocess.run([sys.executable, "-m", "verifier", "analyze", msg, "--kind", "audio", "--json"],
                                     capture_output=True, text=True, env=env, cwd=ROOT)
                clis.append(time.perf_counter() - t0)
            print(f"full CLI (voice + side signals, process start included): median {np.median(clis):.2f} s "
                  f"(runs {', '.join(f'{c:.2f}' for c in clis)}; target ≤ {COLD_TARGET_S} s), exit {out.returncode}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
