"""Speed of the liveness-challenge analysis (issue 12: a 60 s 720p clip in ≤ 15 s on this machine).

    python scripts/bench_liveness.py [--clip PATH] [--runs 2]

Generates a 60 s 1280×720 30 fps call clip with :func:`verifier.analysis.synth.make_call_clip` (in a temp dir
unless --clip is given), then times ``python -m verifier challenge CLIP --json`` in a fresh process
(process start, imports, model loading and analysis), with its peak RSS and CPU time.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--clip")
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--duration", type=float, default=60.0)
    args = ap.parse_args()
    clip = args.clip
    if clip is None:
        from verifier.analysis.synth import make_call_clip

        clip = os.path.join(tempfile.mkdtemp(), "call_720p.mp4")
        make_call_clip(clip, duration_s=args.duration, size=(1280, 720), fps=30)
    for _ in range(args.runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        out = subprocess.run([sys.executable, "-m", "verifier", "challenge", clip, "--json"], cwd=ROOT,
                             capture_output=True, text=True, check=False)
        wall = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        d = json.loads(out.stdout.strip().splitlines()[-1])
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        print(f"wall {wall:.2f} s  cpu {cpu:.2f} s  analysis {d['elapsed_s']} s  peak RSS {after.ru_maxrss / 1024:.0f} MiB"
              f"  verdict {d['verdict']}  frames {d['baseline'].get('frames_tracked')}  rc {out.returncode}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
