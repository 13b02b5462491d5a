"""Original and tampered analyses side by side, as one self-contained HTML page for the slides.

Each column is the app's own result block (:func:`verifier.outputs.html.result_html`); above
them, one row per signal says how its score moved, and below, each figure of the original
sits next to the same figure of the tampered copy (same order, so the plots line up).
"""
from __future__ import annotations

import html
import math

from ..core.i18n import t

SCORE_CHANGE = 0.1  # a score moving by at least this much is "rose"/"fell" in the table (set by hand)


def _e(s) -> str:
    return html.escape(str(s), quote=True)


def _score(report, key):
    s = report.signals.get(key)
    return None if s is None or not s.usable or math.isnan(s.score) else float(s.score)


def change_rows(original, tampered) -> list[tuple[str, float | None, float | None, str]]:
    """(signal key, original score, tampered score, change) for every signal of either report;
    change is "rose", "fell", "same" or "not_measured"."""
    rows = []
    for key in list(dict.fromkeys([*original.signals, *tampered.signals])):
        if key == "face":
            continue
        a, b = _score(original, key), _score(tampered, key)
        if a is None or b is None:
            ch = "not_measured"
        else:
            ch = "rose" if b - a >= SCORE_CHANGE else "fell" if a - b >= SCORE_CHANGE else "same"
        rows.append((key, a, b, ch))
    return rows


# What each tamper changes, i.e. the checks that could see it (the other checks should not move).
TARGETS = {
    "shift": ("lipsync",),
    "voice": ("lipsync",),  # still a human voice: only the mouth against the words can show it
    "vocoder": ("voice", "prosody", "breath"),
    "espeak": ("voice", "lipsync", "prosody", "breath", "noise_floor"),
    "noblink": ("blink",),
    "swap": ("frames", "blink"),  # the pasted face also freezes the eyes
    "photo": ("blink", "frames", "lipsync"),
    "messenger": (),  # not a fake: nothing should rise
}
_LEVEL_ORDER = {"low": 0, "medium": 1, "high": 2}


def signal_sentences(original, tampered, kind: str, lang: str = "vi") -> list[tuple[str, str]]:
    """(signal key, one sentence) per signal of :func:`change_rows`: how its score moved and
    why, given whether ``kind`` changes what that signal measures (:data:`TARGETS`)."""
    fmt = (lambda v: "–" if v is None else f"{round(100 * v)} %")
    out = []
    for key, a, b, ch in change_rows(original, tampered):
        aimed = key in TARGETS.get(kind, ())
        case = "not_measured" if ch == "not_measured" else f"{ch}_{'target' if aimed else 'other'}"
        out.append((key, t(f"training.why.{case}", lang, signal=t(f"{key}.name", lang), a=fmt(a), b=fmt(b))))
    return out


def verdict(original, tampered, kind: str) -> str:
    """How the level moved from ``original`` to ``tampered``: "caught" (rose to high), "partly"
    (rose, not to high), "missed" (did not rise), "already_high" (the original is rated high
    already, so no rise can show), "channel" (kind messenger: not a fake, any move is the
    channel's) or "unknown" (an analysis failed or was inconclusive)."""
    la, lb = (None if r.error else _LEVEL_ORDER.get(r.level) for r in (original, tampered))
    if la is None or lb is None:
        return "unknown"
    if kind == "messenger":
        return "channel"
    if la == _LEVEL_ORDER["high"]:
        return "already_high"
    if lb > la:
        return "caught" if lb == _LEVEL_ORDER["high"] else "partly"
    return "missed"


def verdict_sentence(original, tampered, kind: str, lang: str = "vi") -> str:
    """:func:`verdict` in one sentence naming both levels."""
    from .html import level_words

    return t(f"training.verdict.{verdict(original, tampered, kind)}", lang,
             a=level_words(original, lang)[0], b=level_words(tampered, lang)[0])


SBS_CSS = (".vr .cols { display: grid; grid-template-columns: 1fr 1fr; gap: 18px; } "
           ".vr .rose { color: #b03a2e; font-weight: 700; } .vr .fell { color: #1e8449; }")


def render_side_by_side(original, tampered, kind: str, lang: str = "vi", *, figures: bool = True) -> str:
    """A complete HTML page (no external resources) comparing two :class:`verifier.core.report.Report`."""
    from .html import CSS

    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{_e(t("tamper.sbs.title", lang))}</title>'
            f"<style>{CSS} {SBS_CSS} body {{ max-width: 1500px; margin: 20px auto; padding: 0 14px; }}</style></head><body>"
            f"{side_by_side_html(original, tampered, kind, lang, figures=figures)}</body></html>")


def side_by_side_html(original, tampered, kind: str, lang: str = "vi", *, figures: bool = True) -> str:
    """The comparison as an HTML fragment (``<div class="vr">``, styled by the report CSS and
    :data:`SBS_CSS`), as the app's Training tab shows it."""
    from .html import result_html

    fmt = (lambda v: "–" if v is None else f"{round(100 * v)} %")
    out = ['<div class="vr" id="vr-sbs">',
           f'<h1>{_e(t("tamper.sbs.title", lang))}: {_e(t(f"tamper.{kind}.name", lang))}</h1>',
           f'<p>{_e(t(f"tamper.{kind}.explain", lang))}</p>',
           f'<p id="verdict" data-verdict="{verdict(original, tampered, kind)}"><b>{_e(verdict_sentence(original, tampered, kind, lang))}</b></p>',
           f'<table id="changes"><tr><th>{_e(t("tamper.sbs.col.signal", lang))}</th><th>{_e(t("tamper.sbs.original", lang))}</th>'
           f'<th>{_e(t("tamper.sbs.tampered", lang))}</th><th>{_e(t("tamper.sbs.col.change", lang))}</th>'
           f'<th>{_e(t("training.col.why", lang))}</th></tr>']
    why = dict(signal_sentences(original, tampered, kind, lang))
    for key, a, b, ch in change_rows(original, tampered):
        name = t(f"{key}.name", lang)
        out.append(f'<tr data-signal="{_e(key)}" data-change="{ch}"><td>{_e(name)}</td><td>{fmt(a)}</td><td>{fmt(b)}</td>'
                   f'<td class="{ch}">{_e(t(f"tamper.sbs.{ch}", lang))}</td><td class="why">{_e(why[key])}</td></tr>')
    out.append("</table>")
    out.append(f'<div class="cols"><div><h2>{_e(t("tamper.sbs.original", lang))}</h2>{result_html(original, lang)}</div>'
               f'<div><h2>{_e(t("tamper.sbs.tampered", lang))}</h2>{result_html(tampered, lang)}</div></div>')
    if figures and not original.error and not tampered.error:
        from . import plots

        fa, fb = plots.figures(original, lang), plots.figures(tampered, lang)
        for name in fa:
            pair = [fa[name], fb.get(name)]
            if all(f is None for f in pair):
                continue
            imgs = ["" if f is None else f'<img class="fig" alt="" src="data:image/png;base64,{plots.to_png_base64(f)}">'
                    for f in pair]
            cells = "".join(f"<div>{img}</div>" for img in imgs)
            out.append(f'<div class="cols" data-figure="{_e(name)}">{cells}</div>')
    out.append("</div>")
    return "".join(out)


def write_side_by_side(original_path: str, tampered_path: str, out_html: str, kind: str, lang: str = "vi") -> str:
    """Analyse both files (:func:`verifier.analysis.pipeline.analyze`) and write the comparison page."""
    from ..analysis.pipeline import analyze

    a, b = analyze(original_path), analyze(tampered_path)
    with open(out_html, "w", encoding="utf-8") as f:
        f.write(render_side_by_side(a, b, kind, lang))
    return out_html
