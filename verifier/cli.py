"""Command line: ``python -m verifier analyze PATH [PATH ...] [--json] [--lang vi|en]``.

``--json`` prints one JSON object per input, one per line (the contract other tools rely
on, see README). Without it, a short summary per file in the chosen language: the level
in plain words, each signal against its human normal range, and the first things to do. The exit status is 1 when any file
could not be analysed.
"""
from __future__ import annotations

import argparse
import json
import os
import sys

from .i18n import LANGS, t


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
    from .report_html import render_text

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
            report.file = path  # as given, so the reader can find it again
            print(render_text(report, args.lang) + "\n", flush=True)
    return 1 if failed else 0
