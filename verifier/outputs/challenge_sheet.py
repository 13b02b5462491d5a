"""The challenge script read to a caller during a doubtful video call, with a drawing per step.

Steps, in the order they are read (``challenge.step.<step>.title/say/watch`` in
``verifier/core/locales/challenge_ui.py``): turn the head to the left until the ear shows, then to the
right, pass a hand slowly in front of the face, touch the nose, stand up and move closer. The
first four are the moments :func:`verifier.liveness.analyze_challenge` looks for
(:data:`~verifier.liveness.report.CHALLENGE_KINDS`); the last one is only watched live.

Why it works: real-time face swaps are trained mostly on frontal, unoccluded faces, so profiles
and occlusions break them (the face flickers, reverts to the source identity, or is painted over
the hand). The rule: failing or refusing the challenge = hang up and call back on a saved number;
passing it does NOT prove it is them.

:func:`instructions_html` is the block shown in the app; :func:`render_printable` the one-page A4
version (self-contained HTML with print CSS, like :mod:`verifier.outputs.handout`).
"""
from __future__ import annotations

import base64
import html

from ..core.i18n import normalize_lang, t
from ..liveness.drawings import DRAWINGS
from ..liveness.report import CHALLENGE_KINDS
from .page import a4_css, page_head

#: The steps read to the caller, in order: the analysed kinds, then the one only watched live.
STEPS = (*CHALLENGE_KINDS, "stand_closer")
#: The rule's sentences (``challenge.ui.rule.*``): failing/refusing first, then why passing is no proof.
RULES = ("fail", "pass")


def _e(s) -> str:
    return html.escape(str(s), quote=True)


def step_html(step: str, lang: str) -> str:
    """One step: its drawing, title, the sentence to read (bold) and what to watch for."""
    return (f'<div class="ch-step" data-step="{_e(step)}">{DRAWINGS[step]()}<div class="ch-text">'
            f'<div class="ch-title">{_e(t(f"challenge.step.{step}.title", lang))}</div>'
            f'<div class="ch-say"><span class="small">{_e(t("challenge.ui.say_label", lang))}</span> '
            f'<b>{_e(t(f"challenge.step.{step}.say", lang))}</b></div>'
            f'<div class="ch-watch"><span class="small">{_e(t("challenge.ui.watch_label", lang))}</span> '
            f'{_e(t(f"challenge.step.{step}.watch", lang))}</div></div></div>')


def _rules_html(lang: str) -> str:
    return (f'<div class="ch-rule" id="ch-rule"><b>{_e(t("challenge.ui.rule.title", lang))}</b><ul>'
            + "".join(f'<li data-rule="{r}">{_e(t(f"challenge.ui.rule.{r}", lang))}</li>' for r in RULES)
            + "</ul></div>")


STEP_CSS = """
.ch-steps { display: grid; grid-template-columns: repeat(auto-fill, minmax(330px, 1fr)); gap: 10px; }
.ch-step { display: flex; gap: 10px; align-items: flex-start; border: 1px solid #d5d8dc; border-radius: 8px; padding: 8px; }
.ch-step svg { flex: 0 0 auto; width: 120px; height: 120px; }
.ch-title { font-weight: 700; font-size: 1.1em; margin-bottom: 4px; }
.ch-say, .ch-watch { margin: 3px 0; }
.ch-rule { border: 2px solid #8e1b17; border-radius: 8px; padding: 6px 12px; margin: 10px 0; background: #fdf2f2; }
"""


def instructions_html(lang: str = "vi", *, printable_link: bool = True) -> str:
    """The script as an HTML fragment for the app: intro, one card per step with its drawing,
    why it works, what to watch live, the rule, and (``printable_link``) a download link of the
    printable page as a data URI (no file is written)."""
    lang = normalize_lang(lang)
    parts = [f'<div class="vr" id="ch-instructions" lang="{lang}"><style>{STEP_CSS}</style>',
             f'<h2>{_e(t("challenge.ui.title", lang))}</h2><p>{_e(t("challenge.ui.intro", lang))}</p>',
             _rules_html(lang),
             '<div class="ch-steps">', *(step_html(s, lang) for s in STEPS), "</div>",
             f'<p><b>{_e(t("challenge.ui.why.title", lang))}.</b> {_e(t("challenge.ui.why", lang))}</p>',
             f'<p><b>{_e(t("challenge.ui.live.title", lang))}.</b> {_e(t("challenge.ui.live", lang))}</p>',
             f'<p>{_e(t("challenge.ui.record", lang))}</p>']
    if printable_link:
        data = base64.b64encode(render_printable(lang).encode("utf-8")).decode("ascii")
        name = "thu_thach_cuoc_goi.html" if lang == "vi" else "video_call_challenge.html"
        parts.append(f'<p><a id="ch-printable" href="data:text/html;charset=utf-8;base64,{data}" download="{name}">'
                     f'{_e(t("challenge.ui.printable", lang))}</a></p>')
    parts.append("</div>")
    return "".join(parts)


PRINT_CSS = a4_css(10, 1.3, 16, """
.ch-steps { display: block; }
.ch-step { display: flex; gap: 3mm; align-items: flex-start; border-bottom: 0.3mm solid #d5d8dc; padding: 1.5mm 0; }
.ch-step svg { width: 24mm; height: 24mm; flex: 0 0 auto; }
.ch-title { font-weight: 700; font-size: 11pt; }
.ch-rule { border: 0.6mm solid #8e1b17; border-radius: 2mm; padding: 1mm 4mm; margin: 2mm 0; background: #fdf2f2; }
.ch-rule ul { margin: 1mm 0 1mm 5mm; padding: 0; }
""")


def render_printable(lang: str = "vi") -> str:
    """The script as one self-contained A4 page (HTML with print CSS, drawings inline, no external
    resource) in ``lang``."""
    lang = normalize_lang(lang)
    return "".join([
        page_head(lang, t("challenge.ui.title", lang), PRINT_CSS),
        f'<h1 id="title">{_e(t("challenge.ui.title", lang))}</h1><p>{_e(t("challenge.ui.intro", lang))}</p>',
        _rules_html(lang),
        '<div class="ch-steps">', *(step_html(s, lang) for s in STEPS), "</div>",
        f'<p><b>{_e(t("challenge.ui.why.title", lang))}.</b> {_e(t("challenge.ui.why", lang))}</p>',
        f'<p><b>{_e(t("challenge.ui.live.title", lang))}.</b> {_e(t("challenge.ui.live", lang))}</p>',
        f'<p class="small">{_e(t("challenge.ui.print.footer", lang))}</p>',
        "</body></html>",
    ])
