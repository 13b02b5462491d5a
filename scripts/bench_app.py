"""Time to a result through the running app (gradio_client), as a user waits for it.

    .venv/bin/python scripts/bench_app.py media DIR                  # DIR/voice_60s.m4a, DIR/call_720p_60s.mp4
    .venv/bin/python scripts/bench_app.py run URL FILE [--api /analyze_audio] [--repeat 1]

``media`` builds the README's speed files: a 60 s messenger voice message (real speech from
../shared/data/audio when present, else the synthetic voice; AAC 32 kbit/s mono 16 kHz, as
``scripts/bench_voice.py``) and a 60 s 1280×720 30 fps H.264 call clip (``verifier.analysis.synth``).
``run`` uploads FILE to the app at URL (started beforehand: ``verifier app --port N``), waits for
the result and prints the seconds from the request to the result (upload, queue, analysis,
figures) per repeat. Time the whole command from outside to compare two app versions: both
pay the same client start-up.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))


def make_media(folder: str) -> None:
    from bench_voice import build_message

    from verifier.analysis.synth import make_call_clip

    os.makedirs(folder, exist_ok=True)
    build_message(os.path.join(folder, "voice_60s.m4a"), 60.0)
    make_call_clip(os.path.join(folder, "call_720p_60s.mp4"), duration_s=60.0, size=(1280, 720),
                   blink_times_s=(5.0, 20.0, 41.0), seed=31)


def run(url: str, path: str, api: str, repeat: int) -> None:
    from gradio_client import Client, handle_file

    client = Client(url, verbose=False)
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = client.predict(handle_file(path), "vi", [], api_name=api)
        elapsed = time.perf_counter() - t0
        data = out[5] if api == "/analyze_video" else out[2]
        if data.get("error"):
            raise SystemExit(f"the analysis failed: {data['error']}")
        print(f"{elapsed:.3f} s  {os.path.basename(path)} level={data['level']}", flush=True)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("media")
    m.add_argument("folder")
    r = sub.add_parser("run")
    r.add_argument("url")
    r.add_argument("file")
    r.add_argument("--api", default="/analyze_audio", choices=("/analyze_audio", "/analyze_video"))
    r.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args(argv)
    if args.cmd == "media":
        make_media(args.folder)
    else:
        run(args.url, args.file, args.api, args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
