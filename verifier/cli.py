"""Command line: ``python -m verifier analyze PATH [PATH ...] [--json] [--lang vi|en]``.

``--json`` prints one JSON object per input, one per line (the contract other tools rely
on, see README). Without it, a short summary per file. The exit status is 1 when any file
could not be analysed.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys

from .i18n import LANGS, t


def _summary(report, lang: str) -> str:
    """Plain-text summary; the HTML/markdown renderers (report_html) may offer richer ones."""
    if report.error:
        return f"{report.file}: {t(report.error, lang, **report.error_params)}"
    lines = [f"{report.file}  sha256={report.sha256}"]
    m = report.media
    if m is not None:
        shape = f"{m.width}x{m.height} {m.fps} fps, " if m.kind == "video" else ""
        lines.append(f"  {m.kind}, {m.duration_s:.1f} s, {shape}{m.container}")
    risk = "" if report.risk is None else f" (risk {report.risk:.2f})"
    lines.append(f"  {t('level.' + report.level, lang)}{risk}")
    for key, s in report.signals.items():
        score = "  n/a" if math.isnan(s.score) else f"{s.score:5.2f}"
        ev = ", ".join(f"{k}={v}" for k, v in list(s.evidence.items())[:4])
        lines.append(f"  - {key:<12} score {score}  reliability {s.reliability:.2f}  {ev}")
        lines.append(f"      {t(s.explanation, lang, **_fmt(s.evidence))}")
    if report.level in ("low", "inconclusive"):
        lines.append("  " + t(f"level.{report.level}.caveat", lang))
    return "\n".join(lines)


def _fmt(ev: dict) -> dict:
    return {k: v for k, v in ev.items() if isinstance(v, (int, float, str))}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m verifier", description="Check a video-call clip or voice message for signs of deepfake.")
    sub = ap.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("analyze", help="analyse one or more files")
    a.add_argument("paths", nargs="+", metavar="PATH")
    a.add_argument("--json", action="store_true", help="one JSON object per file, one per line")
    a.add_argument("--lang", choices=LANGS, default=os.environ.get("VERIFIER_LANG", "vi"), help="language of the summary")
    a.add_argument("--kind", choices=("auto", "video", "audio"), default="auto")
    args = ap.parse_args(argv)

    from .pipeline import analyze_many

    failed = 0
    for path, report in analyze_many(args.paths, kind=args.kind):
        if report.error:
            failed += 1
            tb = report.quality.pop("traceback", None)
            if tb:
                print(tb, file=sys.stderr)
        if args.json:
            d = report.to_dict()
            d["file"] = path
            print(json.dumps(d, ensure_ascii=False), flush=True)
        else:
            print(_summary(report, args.lang), flush=True)
    return 1 if failed else 0
