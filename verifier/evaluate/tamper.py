"""How the verifier reacts to the tamper lab's fakes made from real media (issue 10, acceptance).

    python -m verifier.evaluate tamper ../shared/data [--cache FILE] [--table docs/tamper_lab.md]
        [--video-limit N] [--audio-per-source N] [--kinds shift,noblink,...]

For each real clip with speech in ``DATA/video`` (:data:`SPEECH_CLIPS`, from the data README's
measured list) and each real voice message in ``DATA/audio`` (``--audio-per-source`` per
source), the original and every tamper of :data:`verifier.tamper.KINDS` that applies are
analysed; per tamper type the table gives the share whose level rises above the original's
(low < medium < high; inconclusive never counts as a rise), the share rated "high", and the
median change of the fused risk. Results are cached per (file, kind) in ``--cache`` (outside
git), so a run can be stopped and resumed. Nothing here is fitted.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections import defaultdict

import numpy as np

from ..core.levels import HIGH, LOW, MEDIUM
from ..tamper import AUDIO_KINDS, KINDS
from .manifest import read_manifest

# Real clips whose sound is speech of the person on screen (../shared/data/video/README.md,
# "Audio content of the real clips"): the singing clip is left out.
SPEECH_CLIPS = tuple(f"real/videoretalking_input/{i}.mp4" for i in range(1, 6)) + (
    "real/liveportrait_driving/d20.mp4", "real/wav2lip_lipsync_input/input3.mp4",
    "real/wav2lip_gfpgan_input/kim_7s_raw.mp4") + tuple(
    f"real/pcavs_voxceleb/{n}.mp4" for n in ("audio_source_00015", "audio_source_00086", "audio_source_00104",
                                             "input_00098", "pose_source_00067", "pose_source_00473",
                                             "pose_source_517600055", "pose_source_620900105",
                                             "pose_source_741400163", "pose_source_796100172"))
RANK = {LOW: 0, MEDIUM: 1, HIGH: 2}
DEFAULT_CACHE = os.path.join(os.path.expanduser("~"), ".cache", "verifier", "tamper_eval.json")


def _analyse(path: str) -> dict:
    from ..analysis.pipeline import analyze

    r = analyze(path)
    sig = {k: {"score": v.score, "reliability": v.reliability, "explanation": v.explanation,
               **{e: v.evidence.get(e) for e in ("offset_ms", "blink_count") if e in v.evidence}}
           for k, v in r.signals.items()}
    return {"level": r.level, "risk": r.risk, "error": r.error.key if r.error else None, "signals": sig}


def _run(items, cache: dict, cache_path: str) -> None:
    from ..tamper.lab import tamper_file

    with tempfile.TemporaryDirectory() as d:
        for src, kind, other, suffix in items:
            key = f"{src}|{kind}"
            if key in cache:
                continue
            t0 = time.perf_counter()
            try:
                if kind == "original":
                    res = _analyse(src)
                else:
                    out = os.path.join(d, f"t_{kind}{suffix}")
                    tamper_file(src, out, kind, other=other)
                    res = _analyse(out)
            except Exception as e:  # a tamper that cannot be made on this file is reported, not fatal
                res = {"level": None, "risk": None, "error": f"{type(e).__name__}: {e}", "signals": {}}
            res["seconds"] = round(time.perf_counter() - t0, 1)
            cache[key] = res
            with open(cache_path + ".tmp", "w") as f:
                json.dump(cache, f)
            os.replace(cache_path + ".tmp", cache_path)
            print(f"{kind:9s} {res['level']!s:12s} {res['risk'] if res['risk'] is None else round(res['risk'], 3)!s:6s} "
                  f"{res['seconds']:5.1f}s {os.path.relpath(src)} {res['error'] or ''}", flush=True)


def plan(data: str, video_limit: int | None, audio_per_source: int, kinds) -> list[tuple]:
    """(source file, kind, other recording, output suffix) for every analysis of the run."""
    vids = [os.path.join(data, "video", p) for p in SPEECH_CLIPS if os.path.exists(os.path.join(data, "video", p))]
    vids = vids[:video_limit] if video_limit else vids
    per_source = defaultdict(list)
    for r in read_manifest(os.path.join(data, "audio")):
        if r["label"] == "real" and len(per_source[r["source"]]) < audio_per_source:
            per_source[r["source"]].append(os.path.join(data, "audio", r["path"]))
    auds = [p for ps in per_source.values() for p in ps]
    items = []
    for group, suffix, allowed in ((vids, ".mp4", KINDS), (auds, ".wav", AUDIO_KINDS)):
        for i, src in enumerate(group):
            other = group[(i + 1) % len(group)] if len(group) > 1 else None  # dubbing: the next file's voice
            items.append((src, "original", None, suffix))
            for k in kinds:
                if k in allowed:
                    items.append((src, k, other, ".m4a" if (k == "messenger" and suffix == ".wav") else suffix))
    return items


def table(cache: dict, items) -> str:
    """The acceptance table (markdown) from the cached results of ``items``."""
    rows = defaultdict(lambda: {"n": 0, "rise": 0, "high": 0, "failed": 0, "d_risk": [], "expl": defaultdict(int)})
    for src, kind, _, suffix in items:
        media = "clip" if suffix == ".mp4" and not src.endswith((".wav", ".flac", ".mp3")) else "voice message"
        orig, res = cache.get(f"{src}|original"), cache.get(f"{src}|{kind}")
        if orig is None or res is None:
            continue
        row = rows[(media, kind)]
        if res["level"] is None or (kind != "original" and orig["level"] is None):
            row["failed"] += 1
            continue
        row["n"] += 1
        row["high"] += res["level"] == HIGH
        if kind != "original":
            row["rise"] += RANK.get(res["level"], -1) > RANK.get(orig["level"], 9)
            if res["risk"] is not None and orig["risk"] is not None:
                row["d_risk"].append(res["risk"] - orig["risk"])
    lines = ["| media | tamper | n | level rises | rated high | median Δ risk | could not be made |",
             "|---|---|---|---|---|---|---|"]
    for (media, kind), r in sorted(rows.items(), key=lambda kv: (kv[0][0], (("original",) + KINDS).index(kv[0][1]))):
        n = r["n"]
        pct = (lambda k: f"{r[k]}/{n} ({100 * r[k] / n:.0f} %)") if n else (lambda k: "–")
        d = f"{np.median(r['d_risk']):+.2f}" if r["d_risk"] else "–"
        lines.append(f"| {media} | {kind} | {n} | {'–' if kind == 'original' else pct('rise')} | {pct('high')} | {d} | {r['failed']} |")
    return "\n".join(lines)


def signal_table(cache: dict, items, signals=("blink", "lipsync", "voice")) -> str:
    """Per tamper type, the median score of each signal on the originals and on the tampered
    copies (same files, where both were measured), and the median reliability of the tampered."""
    acc = defaultdict(lambda: defaultdict(list))
    for src, kind, _, suffix in items:
        orig, res = cache.get(f"{src}|original"), cache.get(f"{src}|{kind}")
        if kind == "original" or not orig or not res:
            continue
        media = "clip" if suffix == ".mp4" else "voice message"
        for sig in signals:
            a, b = orig.get("signals", {}).get(sig, {}), res.get("signals", {}).get(sig, {})
            if a.get("score") is not None and b.get("score") is not None and not (np.isnan(a["score"]) or np.isnan(b["score"])):
                acc[(media, kind)][sig].append((a["score"], b["score"], b.get("reliability") or 0.0))
    lines = ["| media | tamper | " + " | ".join(f"{s}: score original → tampered (reliability)" for s in signals) + " |",
             "|---|---|" + "---|" * len(signals)]
    for (media, kind), d in sorted(acc.items(), key=lambda kv: (kv[0][0], KINDS.index(kv[0][1]))):
        cells = []
        for sig in signals:
            v = np.array(d.get(sig, []))
            cells.append(f"{np.median(v[:, 0]):.2f} → {np.median(v[:, 1]):.2f} ({np.median(v[:, 2]):.2f}), n={len(v)}"
                         if len(v) else "–")
        lines.append(f"| {media} | {kind} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m verifier.evaluate tamper", description=__doc__.split("\n\n")[0])
    ap.add_argument("data", help="the folder holding video/ and audio/ (../shared/data)")
    ap.add_argument("--cache", default=DEFAULT_CACHE, help="results cache (JSON, outside git)")
    ap.add_argument("--table", help="also write the markdown table into this file")
    ap.add_argument("--video-limit", type=int, help="only the first N clips of SPEECH_CLIPS")
    ap.add_argument("--audio-per-source", type=int, default=2, help="real voice messages per source (default 2)")
    ap.add_argument("--kinds", default=",".join(KINDS), help="comma-separated tamper kinds")
    ap.add_argument("--report-only", action="store_true", help="only print the table of what is cached")
    a = ap.parse_args(argv)
    kinds = [k for k in a.kinds.split(",") if k]
    os.makedirs(os.path.dirname(os.path.abspath(a.cache)), exist_ok=True)
    cache = json.load(open(a.cache)) if os.path.exists(a.cache) else {}
    items = plan(a.data, a.video_limit, a.audio_per_source, kinds)
    if not a.report_only:
        _run(items, cache, a.cache)
    md = table(cache, items) + "\n\nMedian signal scores (0 = like a real call, 1 = like a fake):\n\n" + signal_table(cache, items)
    print(md)
    if a.table:
        with open(a.table, "w", encoding="utf-8") as f:
            f.write(md + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
