"""Peak resident memory and time of one analysis (issue 13): a generated long 1080p call clip,
and a stream declaring 16 000 × 16 000 pixels. A measurement, not a CI test.

    python scripts/measure_resources.py [--minutes 10] [--size 1920x1080] [--keep DIR]

Each measurement runs in a fresh process (``ru_maxrss`` is the peak of the whole process:
the imports and the models are included, as a user's run would have them).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def make_long_clip(path: str, minutes: float, w: int, h: int, fps: int = 30) -> None:
    """A talking face (8 pre-rendered mouth states, so writing is fast) with a voice track."""
    import av

    from verifier.analysis.synth import SPEECH_SR, Portrait, speech_like

    face_px = int(0.6 * h)
    portrait = Portrait(face_px)
    states = [portrait.render(k / 7) for k in range(8)]
    blink = portrait.render(0.0, eyes_closed=True)
    speech = speech_like(minutes * 60 + 1, seed=1)
    bg = np.full((h, w, 3), (150, 160, 170), np.uint8)
    x0, y0 = (w - face_px) // 2, (h - face_px) // 2
    n = int(minutes * 60 * fps)
    with av.open(path, "w") as out:
        vs = out.add_stream("libx264", rate=fps)
        vs.width, vs.height, vs.pix_fmt = w, h, "yuv420p"
        vs.options = {"preset": "ultrafast", "crf": "28"}
        aus = out.add_stream("aac", rate=SPEECH_SR)
        aus.layout = "mono"
        frame = bg.copy()
        for i in range(n):
            t = i / fps
            face = blink if (i % (4 * fps)) < 4 else states[min(7, int(speech.envelope_at(t) * 8))]
            frame[y0:y0 + face_px, x0:x0 + face_px] = face
            vf = av.VideoFrame.from_ndarray(frame, format="rgb24")
            vf.pts, vf.time_base = i, Fraction(1, fps)
            for p in vs.encode(vf):
                out.mux(p)
        for p in vs.encode(None):
            out.mux(p)
        y = speech.y[: int(minutes * 60 * SPEECH_SR)]
        for k in range(0, len(y), 1024):
            af = av.AudioFrame.from_ndarray(y[None, k:k + 1024], format="flt", layout="mono")
            af.sample_rate, af.pts, af.time_base = SPEECH_SR, k, Fraction(1, SPEECH_SR)
            for p in aus.encode(af):
                out.mux(p)
        for p in aus.encode(None):
            out.mux(p)


def child(path: str) -> None:
    """Run in a fresh process: analyse ``path``, print one JSON line with the figures."""
    sys.path.insert(0, str(ROOT))
    from verifier.analysis.pipeline import analyze

    t0 = time.perf_counter()
    r = analyze(path)
    print(json.dumps({"file": os.path.basename(path), "size_mb": round(os.path.getsize(path) / 2**20, 1),
                      "error": r.error.key if r.error else None, "level": r.level,
                      "elapsed_s": round(time.perf_counter() - t0, 1),
                      "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}))


def measure(path: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", path], capture_output=True, text=True, cwd=ROOT)
    if out.returncode:
        raise SystemExit(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--size", default="1920x1080")
    ap.add_argument("--keep", help="folder for the generated files (default: a temporary one, removed)")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child(args.child)
        return 0
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "tests"))
    from hostile.build_corpus import _huge_declared, _mjpeg_bomb

    w, h = (int(v) for v in args.size.split("x"))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for make, name in ((_huge_declared, "declared_16000x16000.mkv"), (_mjpeg_bomb, "mjpeg_bomb_16000.mkv")):
            print(json.dumps(measure(str(make(folder / name)))), flush=True)
        clip = folder / f"call_{args.minutes:g}min_{h}p.mp4"
        t0 = time.perf_counter()
        make_long_clip(str(clip), args.minutes, w, h)
        print(f"generated {clip.name} in {time.perf_counter() - t0:.0f} s", flush=True)
        print(json.dumps(measure(str(clip))), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
