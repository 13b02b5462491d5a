"""``verifier handout`` and ``verifier challenge-sheet``: printable pages (vi, en)."""
from __future__ import annotations

import sys

from ..core.i18n import t
from .options import add_lang


def add_handout(sub) -> None:
    """Register ``verifier handout --lang vi -o FILE.html`` on ``sub`` (argparse subparsers)."""
    def render_handout(lang):
        from ..outputs.handout import render_handout

        return render_handout(lang)

    add_page_parser(sub, "handout", "tờ rơi một trang A4 để in / printable one-page A4 handout (vi, en)", render_handout)


def add_challenge_sheet(sub) -> None:
    """Register ``verifier challenge-sheet --lang vi -o FILE.html`` on ``sub`` (argparse subparsers)."""
    def render_printable(lang):  # imported when the command runs, not when the parser is built
        from ..outputs.challenge_sheet import render_printable

        return render_printable(lang)

    add_page_parser(sub, "challenge-sheet", "trang in thử thách người gọi video / printable video-call challenge (A4)",
                    render_printable)


def add_page_parser(sub, name: str, help: str, render) -> None:
    """Register ``verifier NAME --lang vi -o FILE.html`` on ``sub``: writes the printable page
    ``render(lang)`` (UTF-8 HTML) and prints the file's path (exit status 1 when it cannot be written)."""
    p = sub.add_parser(name, help=help)
    add_lang(p)
    p.add_argument("-o", "--output", required=True, metavar="FILE.html", help="tệp HTML / the HTML file to write")
    p.set_defaults(handler=lambda args: _write_page(render, args.output, args.lang))


def _write_page(render, path: str, lang: str) -> int:
    try:
        with open(path, "w", encoding="utf-8") as f:
            f.write(render(lang))
    except OSError as e:
        from ..core.i18n import os_error_detail

        print(t("error.cannot_write", lang, name=path, detail=os_error_detail(e, lang)), file=sys.stderr, flush=True)
        return 1
    print(path)
    return 0
