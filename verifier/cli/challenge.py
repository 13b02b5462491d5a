"""``verifier challenge FILE``: analyse a recorded live-call challenge (vi, en)."""
from __future__ import annotations

from .options import add_lang


def add_parser(sub) -> None:
    """Register ``verifier challenge FILE [--json] [--lang vi|en]`` on ``sub`` (argparse subparsers)."""
    c = sub.add_parser("challenge", help="phân tích đoạn ghi thử thách trực tiếp / analyse a recorded live challenge "
                                         "(head turns, hand over the face, nose touch)")
    c.add_argument("paths", nargs="+", metavar="FILE")
    c.add_argument("--json", action="store_true", help="one JSON object per file, one per line")
    add_lang(c)
    c.set_defaults(handler=_run)


def _run(args) -> int:
    import json

    from ..analysis.media import printable
    from ..liveness.analyze import analyze_challenge, render_text

    failed = 0
    for path in args.paths:
        r = analyze_challenge(path)
        r.file = printable(path)
        failed += r.error is not None
        print(json.dumps(r.to_dict(), ensure_ascii=False) if args.json else render_text(r, args.lang) + "\n", flush=True)
    return 1 if failed else 0
