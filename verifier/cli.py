"""Command line: ``python -m verifier analyze PATH [PATH ...] [--json] [--lang vi|en]``.

``--json`` prints one JSON object per input, one per line (the contract other tools rely
on, see README). Without it, a short summary per file in the chosen language: the level
in plain words, each signal against its human normal range, and the first things to do.
``--report-dir DIR`` also writes an HTML and a JSON report per file; ``--debug`` prints the
traceback of an internal error (a bug). The exit status is 1
when any file could not be analysed or its report could not be written.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys

from .i18n import LANGS


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m verifier", description="Check a video-call clip or voice message for signs of deepfake.")
    sub = ap.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("analyze", help="analyse one or more files")
    a.add_argument("paths", nargs="+", metavar="PATH")
    a.add_argument("--json", action="store_true", help="one JSON object per file, one per line")
    a.add_argument("--lang", choices=LANGS, default=os.environ.get("VERIFIER_LANG", "vi"), help="language of the summary")
    a.add_argument("--kind", choices=("auto", "video", "audio"), default="auto")
    a.add_argument("--debug", action="store_true",
                   help="print the traceback of an internal error (a bug) on stderr, for a bug report")
    a.add_argument("--report-dir", metavar="DIR",
                   help="also write a self-contained HTML report and the JSON of each file into DIR "
                        "(NAME.SHA256[:12].report.html/.json; created if needed; inputs are only read)")
    args = ap.parse_args(argv)
    # Errors of the input are in each file's result; a bug's one-line message goes to stderr,
    # its traceback too with --debug.
    log = logging.getLogger("verifier")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    saved = log.level, log.propagate
    log.addHandler(handler)
    log.setLevel(logging.DEBUG if args.debug else logging.WARNING)
    log.propagate = False
    try:
        return _analyze(args)
    finally:
        log.removeHandler(handler)
        log.setLevel(saved[0])
        log.propagate = saved[1]


def _analyze(args) -> int:
    from .pipeline import analyze_many
    from .report_html import render_text, write_report

    failed = 0
    for path, report in analyze_many(args.paths, kind=args.kind):
        if report.error:
            failed += 1
        report.file = path  # as given, so the reader can find it again
        if args.report_dir:
            try:
                # the first 12 hex digits of the SHA-256 keep same-named files apart
                write_report(report, args.report_dir, args.lang, tag=report.sha256[:12] if report.sha256 else "unreadable")
            except OSError as e:
                failed += 1
                print(f"could not write the report of {path} into {args.report_dir}: {e}", file=sys.stderr)
        if args.json:
            print(json.dumps(report.to_dict(), ensure_ascii=False), flush=True)
        else:
            print(render_text(report, args.lang) + "\n", flush=True)
    return 1 if failed else 0

