"""What if blink and lip-sync could only raise the risk? (issue 9, a fusion question; not shipped)

Modern generators copy the driver's blinks and are trained to stay in sync, so a normal blink
rate or good lip-sync is weak evidence that a call is real; yet in the fused log-odds sum
(verifier/core/fusion.py) a low blink or lip-sync score pulls the risk down (lip-sync's in-sync score
0.15 gives −1.7 logits × weight × reliability). This re-fuses the signals of an
``evaluate video --out`` JSON twice: as committed (two-sided), and with those two signals'
negative log-odds cut to 0 (one-sided), and prints the levels of real and fake clips and each
fake with a voice track.

Measured 2026-11-30 on ../shared/data/video: one-sided moves 14 of 56 real clips from "low" to
"medium" and only 6 of the 36 fakes read (the 3 SadTalker GIFs are not); every fake with audio stays "low" (their voices are real
recordings, P(fake) 0.02-0.34), so the change would mostly alarm on real calls: not made.

    python -m verifier.evaluate video ../shared/data/video --no-stress --out video.json
    python scripts/probe_one_sided_fusion.py video.json
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections import Counter

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

ONE_SIDED = ("blink", "lipsync")


def fuse(signals: dict, fusion, one_sided=()) -> str:
    """The level of one clip's signals (the evaluation JSON's ``signals``), with the signals in
    ``one_sided`` contributing only positive log-odds."""
    from verifier.core.fusion import SCORE_CLIP
    from verifier.core.levels import HIGH, INCONCLUSIVE, LOW, MEDIUM

    z = mass = 0.0
    for key, s in signals.items():
        if s.get("score") is None or not s.get("reliability"):
            continue
        p = min(max(s["score"], SCORE_CLIP), 1 - SCORE_CLIP)
        lo = math.log(p / (1 - p))
        if key in one_sided:
            lo = max(0.0, lo)
        z += fusion.weight(key) * s["reliability"] * lo
        mass += fusion.weight(key) * s["reliability"]
    if mass == 0 or mass < fusion.min_evidence:
        return INCONCLUSIVE
    risk = 1 / (1 + math.exp(-(z + fusion.bias)))
    return HIGH if risk >= fusion.high_from else LOW if risk < fusion.low_below else MEDIUM


def main(argv=None) -> int:
    from verifier.core.fusion import Fusion

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("evaluation_json")
    args = ap.parse_args(argv)
    with open(args.evaluation_json, encoding="utf-8") as f:
        files = [r for r in json.load(f)["files"] if not r.get("error")]
    fusion = Fusion.from_file()
    for name, sided in (("two-sided (committed)", ()), ("one-sided blink + lip-sync", ONE_SIDED)):
        levels = {lab: Counter(fuse(r["signals"], fusion, sided) for r in files if r["label"] == lab)
                  for lab in ("real", "fake")}
        print(f"{name}: real {dict(levels['real'])}; fake {dict(levels['fake'])}")
    print("fakes with a voice track: path, two-sided, one-sided, (score, reliability) of voice/blink/lipsync")
    for r in files:
        s = r["signals"]
        if r["label"] == "fake" and "voice" in s:
            shown = {k: (s[k].get("score"), round(s[k].get("reliability") or 0, 2)) for k in ("voice", "blink", "lipsync") if k in s}
            print(f"  {r['path']}: {fuse(s, fusion)} → {fuse(s, fusion, ONE_SIDED)} {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
