"""The one printable A4 page: its print CSS and its HTML head (the handout, the challenge sheet)."""
from __future__ import annotations

import html


def a4_css(body_pt: float, line_height: float, h1_pt: float, extra: str = "") -> str:
    """Print CSS of a one-page A4 sheet with 12 mm margins, body text at ``body_pt`` points, and the
    page's own rules ``extra``. Sizes are set by hand per page so that the longer (Vietnamese) text
    still fits one page."""
    return f"""
@page {{ size: A4; margin: 12mm; }}
html {{ -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
body {{ font-family: "Noto Sans", "DejaVu Sans", Arial, sans-serif; font-size: {body_pt:g}pt; line-height: {line_height:g}; color: #1c2833;
       max-width: 186mm; margin: 0 auto; }}
h1 {{ font-size: {h1_pt:g}pt; margin: 0 0 2mm; color: #8e1b17; }}
p {{ margin: 1mm 0; }}
.small {{ font-size: 8.5pt; color: #566573; }}
{extra.strip()}
@media screen {{ body {{ margin: 10mm auto; }} }}
"""


def page_head(lang: str, title: str, css: str) -> str:
    """``<!DOCTYPE html>`` up to the opening ``<body>`` of a self-contained page in ``lang``."""
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(title, quote=True)}</title><style>{css}</style></head><body>")
