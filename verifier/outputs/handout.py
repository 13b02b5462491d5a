"""A printable one-page handout (A4) for the citizens of an awareness session, in vi or en.

Its content is the app's own advice (``verifier/core/locales/advice.py``): the slogan
"4 không, 2 phải" of Kế hoạch 129/KH-UBND (UBND tỉnh Vĩnh Phúc, 17/4/2023) and the actions
always given (call back on a saved number, never transfer to an account not in the person's
name…), plus the warning signs and what a checking tool can and cannot do
(``verifier/core/locales/training.py``). The page is self-contained HTML with print CSS: the
browser's "Print" (or "Save as PDF") gives one A4 page. CLI: ``verifier handout --lang vi -o FILE.html``.
"""
from __future__ import annotations

import html

from ..core.i18n import normalize_lang, t
from .advice import ALWAYS, PLAN
from .page import a4_css, page_head

SIGNS = ("money", "short", "face", "voice", "account")  # handout.signs.<key>
# The advice's actions on the handout, most urgent first (advice.do.<key>): the ones always given
# (calling back on a saved number is the banner above them) plus never reading out an OTP and
# what to do after a transfer.
ACTIONS = ("no_otp", *[a for a in ALWAYS if a != "call_back_saved"], "if_sent_call_bank")

PRINT_CSS = a4_css(10.5, 1.35, 17, """
h2 { font-size: 12pt; margin: 3mm 0 1.5mm; border-bottom: 0.4mm solid #d5d8dc; }
ul, ol { margin: 1mm 0 1mm 6mm; padding: 0; }
li { margin: 0.8mm 0; }
.lead { font-size: 11.5pt; }
.plan { border: 0.6mm solid #8e1b17; border-radius: 3mm; padding: 2mm 4mm; margin: 3mm 0; background: #fdf2f2; }
.plan h2 { border: none; color: #8e1b17; font-size: 14pt; margin-top: 1mm; }
.cols { display: grid; grid-template-columns: 1fr 1fr; gap: 5mm; }
.callback { font-weight: 700; font-size: 12pt; background: #1b3a5c; color: white; border-radius: 2mm; padding: 2mm 4mm; margin: 2mm 0; }
""")


def _e(s) -> str:
    return html.escape(str(s), quote=True)


def render_handout(lang: str = "vi") -> str:
    """The handout as one self-contained HTML page (no external resource) in ``lang``."""
    lang = normalize_lang(lang)
    li = (lambda keys: "".join(f"<li>{_e(t(k, lang))}</li>" for k in keys))
    return "".join([
        page_head(lang, t("handout.title", lang), PRINT_CSS),
        f'<h1 id="title">{_e(t("handout.title", lang))}</h1>',
        f'<p class="lead">{_e(t("handout.subtitle", lang))}</p>',
        f'<div class="callback" id="callback">{_e(t("advice.do.call_back_saved", lang))}</div>',
        f'<div class="plan" id="plan"><h2>{_e(t("advice.plan.title", lang))}</h2>',
        f"<ul>{li(f'advice.plan.{k}' for k in PLAN)}</ul>",
        f'<div class="small">{_e(t("advice.plan.source", lang))}</div></div>',
        '<div class="cols"><div>',
        f'<h2>{_e(t("handout.signs.title", lang))}</h2><ul id="signs">{li(f"handout.signs.{k}" for k in SIGNS)}</ul>',
        f'<h2>{_e(t("handout.tool.title", lang))}</h2><p>{_e(t("handout.tool.text", lang))}</p>',
        "</div><div>",
        f'<h2>{_e(t("handout.do.title", lang))}</h2><ol id="actions">{li(f"advice.do.{k}" for k in ACTIONS)}</ol>',
        "</div></div>",
        f'<p class="small">{_e(t("handout.footer", lang))}</p>',
        "</body></html>",
    ])
