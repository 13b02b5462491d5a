"""Human-readable renderings of a :class:`~verifier.core.report.Report`.

* :func:`render_html` — a self-contained HTML report for investigators (inline CSS, charts
  as base64 PNG, no external resource), with the file's SHA-256, metadata, tool versions,
  time, level, a table of signals (measured value against the human normal range, and what
  it means), the advice, and the JSON of the CLI contract.
* :func:`render_text` — a short plain-text/markdown summary (the CLI's human output).
* :func:`result_html`, :func:`advice_html` — the fragments the app shows.

Rendering only: every number comes from the report; every sentence from ``t()``.
"""
from __future__ import annotations

import datetime as _dt
import html
import json
import math
import os
import string
from dataclasses import dataclass

from ..core.i18n import messages, normalize_lang, t
from ..core.levels import HIGH, INCONCLUSIVE, LOW, MEDIUM
from .advice import QUESTIONS, Advice, advise
from .numbers import format_number, format_numbers

# Display categories of a signal's score (evidence of manipulation in [0, 1]); they only
# choose a colour and a word in the table, fusion decides the level.
SUSPICIOUS_SCORE = 0.6
UNREMARKABLE_SCORE = 0.4
QUALITY_SIGNALS = ("face",)  # describe the data, not the manipulation

LEVEL_COLOURS = {  # background, text; "low" is deliberately not green: it is not a clearance
    LOW: ("#dfe9f5", "#1b3a5c"),
    MEDIUM: ("#fdebd0", "#7e4a00"),
    HIGH: ("#f9d6d5", "#8e1b17"),
    INCONCLUSIVE: ("#e5e7e9", "#34495e"),
    "error": ("#e5e7e9", "#34495e"),
}
CAUTION_COLOURS = {"verify": ("#dfe9f5", "#1b3a5c"), "elevated": ("#fdebd0", "#7e4a00"),
                   "strong": ("#f9d6d5", "#8e1b17")}
FLAG_COLOURS = {"suspicious": "#c0392b", "unremarkable": "#5d6d7e", "neutral": "#d68910",
                "not_measured": "#aab7b8", "quality": "#2e86c1"}

CSS = """
.vr { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif; line-height: 1.45; color: #1c2833; }
.vr h1 { font-size: 1.5em; margin: 0.2em 0 0.6em; }
.vr h2 { font-size: 1.2em; margin: 1.2em 0 0.4em; border-bottom: 1px solid #d5d8dc; padding-bottom: 0.2em; }
.vr .level { border-radius: 10px; padding: 14px 18px; margin: 8px 0; }
.vr .level .big { font-size: 1.45em; font-weight: 700; }
.vr .level .sub { margin-top: 4px; }
.vr .caveat { font-weight: 600; margin-top: 8px; }
.vr table { border-collapse: collapse; width: 100%; margin: 6px 0; font-size: 0.95em; }
.vr th, .vr td { border: 1px solid #d5d8dc; padding: 6px 8px; text-align: left; vertical-align: top; }
.vr th { background: #f2f3f4; }
.vr .sigs { border-top: 1px solid #d5d8dc; }
.vr .sig { display: grid; grid-template-columns: minmax(130px, 28%) 1fr; gap: 4px 14px; padding: 8px 2px; border-bottom: 1px solid #d5d8dc; }
.vr .sig .measured { font-weight: 600; }
.vr .sig .normal { font-size: 0.88em; color: #566573; margin-top: 2px; }
.vr .flag { display: inline-block; border-radius: 6px; padding: 1px 7px; color: white; font-size: 0.85em; white-space: nowrap; }
.vr .mono { font-family: ui-monospace, "DejaVu Sans Mono", Consolas, monospace; font-size: 0.9em; word-break: break-all; }
.vr .advice { border-radius: 10px; padding: 12px 16px; margin: 8px 0; }
.vr .advice .big { font-size: 1.25em; font-weight: 700; }
.vr .advice ol, .vr .advice ul { margin: 6px 0 6px 1.2em; padding: 0; }
.vr .advice li { margin: 3px 0; }
.vr .plan { background: #f8f9f9; border: 1px solid #d5d8dc; border-radius: 10px; padding: 10px 16px; margin: 8px 0; }
.vr .small { font-size: 0.85em; color: #566573; }
.vr img.fig { max-width: 100%; border: 1px solid #e5e7e9; border-radius: 6px; margin: 6px 0; }
.vr pre { background: #f8f9f9; border: 1px solid #d5d8dc; border-radius: 6px; padding: 8px; overflow-x: auto; font-size: 0.8em; white-space: pre-wrap; }
"""


@dataclass(frozen=True)
class SignalLine:
    """One row of the signal table, already translated."""

    key: str
    name: str
    measured: str  # the measured numbers in words, "—" when not measured
    normal: str  # the human normal range, "" when the signal has none
    meaning: str  # the explanation sentence
    flag: str  # suspicious | unremarkable | neutral | not_measured | quality
    reliability: float  # [0, 1]
    score: float  # [0, 1] or nan
    counted: bool = True  # False: explains only, weight 0 in the fused level


def _has(key: str) -> bool:
    return key in messages()


def format_params(evidence: dict, lang: str) -> dict:
    """Evidence values usable as ``t()`` parameters (numbers formatted, lists dropped)."""
    out = {}
    for k, v in (evidence or {}).items():
        if isinstance(v, (int, float)) and v is not None:
            out[k] = format_number(v, lang)
        elif isinstance(v, str):
            out[k] = v
    return out


def _fill(key: str, lang: str, params: dict) -> str | None:
    """``t(key)`` if the key exists and every placeholder has a value, else None."""
    if not _has(key):
        return None
    template = t(key, lang)
    names = {f for _, f, _, _ in string.Formatter().parse(template) if f}
    if not names <= params.keys():
        return None
    return t(key, lang, **params)


def _flag(s) -> str:
    if s.key in QUALITY_SIGNALS:
        return "quality"
    if not s.usable:
        return "not_measured"
    if s.score >= SUSPICIOUS_SCORE:
        return "suspicious"
    if s.score <= UNREMARKABLE_SCORE:
        return "unremarkable"
    return "neutral"


def signal_lines(report, lang: str = "vi") -> list[SignalLine]:
    """The report's signals as translated table rows, in the report's order."""
    lang = normalize_lang(lang)
    lines = []
    for key, s in report.signals.items():
        params = format_params(s.evidence, lang)
        name = t(f"{key}.name", lang) if _has(f"{key}.name") else key
        measured = _fill(f"{key}.value", lang, params) if s.usable else None
        normal = t(f"{key}.normal_range", lang) if _has(f"{key}.normal_range") else ""
        meaning = (_fill(s.explanation, lang, params) or t(s.explanation, lang)) if s.explanation else ""
        flag = _flag(s)
        if measured is None:  # a quality row says it all in its sentence
            measured = "" if flag == "quality" else t("result.not_measured", lang)
        counted = float(getattr(report, "weights", {}).get(key, 1.0)) > 0
        lines.append(SignalLine(key, name, measured, normal, meaning, flag, float(s.reliability), float(s.score),
                                counted))
    return lines


def level_words(report, lang: str) -> tuple[str, str | None]:
    """(headline, caveat) of the report's level in plain words; the caveat is always given
    for "low" and "inconclusive"."""
    if report.error:
        return t("result.error", lang), t(report.error.key, lang, **format_numbers(report.error.params, lang))
    caveat = t(f"level.{report.level}.caveat", lang) if report.level in (LOW, INCONCLUSIVE) else None
    return t(f"level.{report.level}", lang), caveat


def _e(s) -> str:
    return html.escape(str(s), quote=True)


def result_html(report, lang: str = "vi") -> str:
    """The level banner and the signal table (an HTML fragment, styled by :data:`CSS`)."""
    lang = normalize_lang(lang)
    head, caveat = level_words(report, lang)
    bg, fg = LEVEL_COLOURS["error" if report.error else report.level]
    parts = [f'<div class="vr"><div class="level" id="vr-level" data-level="{_e("error" if report.error else report.level)}" '
             f'style="background:{bg};color:{fg}">']
    parts.append(f'<div class="small">{_e(t("result.level", lang) if not report.error else report.file)}</div>')
    parts.append(f'<div class="big">{_e(head)}</div>')
    if report.risk is not None and not report.error:
        parts.append(f'<div class="sub">{_e(t("result.risk", lang, risk=format_number(report.risk, lang)))}</div>')
    if caveat:
        parts.append(f'<div class="caveat">{_e(caveat)}</div>')
    parts.append("</div>")
    lines = signal_lines(report, lang)
    if lines:
        parts.append(f"<h2>{_e(t('result.signals', lang))}</h2>")
        parts.append(_signal_cards(lines, lang))
    if not report.error and isinstance(report.elapsed_s, float) and not math.isnan(report.elapsed_s):
        parts.append(f'<div class="small">{_e(report.file)} · SHA-256 <span class="mono">{_e(report.sha256)}</span> · '
                     f'{_e(t("result.elapsed", lang, elapsed_s=format_number(report.elapsed_s, lang)))}</div>')
    parts.append("</div>")
    return "".join(parts)


def _signal_cards(lines: list[SignalLine], lang: str) -> str:
    """One block per signal: name and flag, the measured value, the human normal range,
    what it means, and how reliable the measurement is."""
    rows = ['<div class="sigs">']
    for ln in lines:
        flag = f'<span class="flag" style="background:{FLAG_COLOURS[ln.flag]}">{_e(t("result.flag." + ln.flag, lang))}</span>'
        rel = ("" if ln.flag == "not_measured" else
               f'<div class="small">{_e(t("result.reliability", lang, pct=round(100 * ln.reliability)))}</div>')
        if not ln.counted and ln.flag not in ("quality", "not_measured"):
            rel += f'<div class="small">{_e(t("result.explains_only", lang))}</div>'
        normal = (f'<div class="normal"><b>{_e(t("result.col.normal", lang))}:</b> {_e(ln.normal)}</div>'
                  if ln.normal else "")
        measured = f'<div class="measured">{_e(ln.measured)}</div>' if ln.measured else ""
        rows.append(f'<div class="sig" data-signal="{_e(ln.key)}" data-flag="{_e(ln.flag)}">'
                    f'<div class="sig-head"><b>{_e(ln.name)}</b> {flag}{rel}</div>'
                    f'<div class="sig-body">{measured}'
                    f'<div>{_e(ln.meaning)}</div>{normal}</div></div>')
    rows.append("</div>")
    return "".join(rows)


def advice_html(advice: Advice, lang: str = "vi", *, with_plan: bool = True) -> str:
    """The advice: caution headline, reasons, actions, and the plan's "4 không, 2 phải"."""
    lang = normalize_lang(lang)
    bg, fg = CAUTION_COLOURS[advice.caution]
    parts = [f'<div class="vr"><div class="advice" id="vr-advice" data-caution="{_e(advice.caution)}" '
             f'style="background:{bg};color:{fg}">',
             f'<div class="small">{_e(t("advice.caution.label", lang))}</div>',
             f'<div class="big">{_e(t(advice.caution_key, lang))}</div>']
    if advice.reasons:
        parts.append(f"<div><b>{_e(t('advice.reasons.label', lang))}</b><ul>")
        parts += [f"<li>{_e(t(k, lang))}</li>" for k in advice.reasons]
        parts.append("</ul></div>")
    parts.append(f"<div><b>{_e(t('advice.actions.label', lang))}</b><ol>")
    parts += [f"<li>{_e(t(k, lang))}</li>" for k in advice.actions]
    parts.append("</ol></div></div>")
    if with_plan:
        parts.append(plan_html(advice, lang))
    parts.append("</div>")
    return "".join(parts)


def plan_html(advice: Advice, lang: str) -> str:
    items = "".join(f"<li>{_e(t(k, lang))}</li>" for k in advice.plan)
    return (f'<div class="plan" id="vr-plan"><b>{_e(t("advice.plan.title", lang))}</b><ul>{items}</ul>'
            f'<div class="small">{_e(t("advice.plan.source", lang))}</div></div>')


def report_advice(report, answers: dict | None) -> Advice:
    """The advice for a report (a failed analysis counts as "inconclusive")."""
    return advise(INCONCLUSIVE if report.error else report.level, answers or {})


def _media_rows(report, lang: str) -> list[tuple[str, str]]:
    m = report.media
    rows = [(t("report.file", lang), report.file), (t("report.sha256", lang), report.sha256 or t("report.none", lang))]
    if m is not None:
        rows.append((t("report.kind", lang), t(f"report.kind.{m.kind}", lang)))
        rows.append((t("report.duration", lang), t("report.duration_value", lang, duration_s=format_number(m.duration_s, lang))))
        rows.append((t("report.size", lang), f"{m.size_bytes:,} B".replace(",", "." if lang == "vi" else ",")))
        rows.append((t("report.container", lang), m.container))
        if m.has_video:
            fps = format_number(m.fps, lang) if m.fps else "?"
            rot = f", rotation {m.rotation_deg}°" if m.rotation_deg else ""
            rows.append((t("report.picture", lang), f"{m.video_codec}, {m.width}×{m.height}, {fps} fps{rot}"))
        if m.has_audio:
            rows.append((t("report.sound", lang), f"{m.audio_codec}, {m.audio_sample_rate} Hz, {m.audio_channels} ch"))
        if m.encoder:
            rows.append((t("report.encoder", lang), m.encoder))
    rows.append((t("report.analyzed_at", lang), report.analyzed_at))
    rows.append((t("report.versions", lang), ", ".join(f"{k} {v}" for k, v in report.versions.items())))
    return rows


def render_html(report, lang: str = "vi", answers: dict | None = None, *, figures: bool = True) -> str:
    """A complete, self-contained HTML document for ``report`` (no external resources)."""
    lang = normalize_lang(lang)
    now = _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")
    title = f"{t('report.title', lang)} — {report.file}"
    out = [f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
           f'<meta name="viewport" content="width=device-width, initial-scale=1">'
           f"<title>{_e(title)}</title><style>{CSS} body {{ max-width: 980px; margin: 20px auto; padding: 0 14px; }}</style>"
           f'</head><body><div class="vr"><h1>{_e(t("report.title", lang))}</h1>']
    out.append(f'<p class="small">{_e(t("report.disclaimer", lang))}</p>')
    out.append(result_html(report, lang))
    out.append(f"<h2>{_e(t('report.metadata', lang))}</h2><table>")
    for k, v in _media_rows(report, lang) + [(t("report.generated_at", lang), now)]:
        cls = ' class="mono"' if k == t("report.sha256", lang) else ""
        out.append(f"<tr><th>{_e(k)}</th><td{cls}>{_e(v)}</td></tr>")
    out.append("</table>")
    if report.quality:
        out.append(f"<h2>{_e(t('report.quality', lang))}</h2><table>")
        for k, v in report.quality.items():
            out.append(f'<tr><th class="mono">{_e(k)}</th><td>{_e(v)}</td></tr>')
        out.append("</table>")
    if figures and not report.error:
        from . import plots

        figs = [f for f in plots.figures(report, lang).values() if f is not None]
        if figs:
            out.append(f"<h2>{_e(t('report.figures', lang))}</h2>")
            out += [f'<img class="fig" alt="" src="data:image/png;base64,{plots.to_png_base64(f)}">' for f in figs]
    out.append(f"<h2>{_e(t('advice.title', lang))}</h2>")
    if answers:
        out.append(f"<p><b>{_e(t('report.situation', lang))}</b></p><ul>")
        for q in QUESTIONS:
            yn = t("report.yes" if answers.get(q) else "report.no", lang)
            out.append(f"<li>{_e(t('advice.q.' + q, lang))} <b>{_e(yn)}</b></li>")
        out.append("</ul>")
    out.append(advice_html(report_advice(report, answers), lang))
    out.append(f"<h2>{_e(t('report.json', lang))}</h2>")
    out.append(f'<pre id="report-json">{_e(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))}</pre>')
    out.append("</div></body></html>")
    return "".join(out)


def write_report(report, folder, lang: str = "vi", answers: dict | None = None, *, tag: str | None = None):
    """Write ``report`` into ``folder`` (created if needed) as ``STEM[.TAG].report.html`` (self-
    contained, :func:`render_html`) and ``.report.json`` (the CLI contract); returns both paths.
    ``STEM`` is the analysed file's name without extension."""
    os.makedirs(folder, exist_ok=True)
    stem = os.path.splitext(os.path.basename(report.file))[0] or "report"
    base = os.path.join(folder, f"{stem}.{tag}" if tag else stem)
    html_path, json_path = f"{base}.report.html", f"{base}.report.json"
    with open(html_path, "w", encoding="utf-8") as f:
        f.write(render_html(report, lang, answers))
    with open(json_path, "w", encoding="utf-8") as f:
        json.dump(report.to_dict(), f, ensure_ascii=False, indent=2)
    return html_path, json_path


def render_text(report, lang: str = "vi", answers: dict | None = None) -> str:
    """A short plain-text (markdown-compatible) summary: level, signals, first actions."""
    lang = normalize_lang(lang)
    head, caveat = level_words(report, lang)
    lines = [f"**{report.file}**" + (f"  sha256 {report.sha256}" if report.sha256 else "")]
    m = report.media
    if m is not None and not report.error:
        shape = f", {m.width}×{m.height}, {format_number(m.fps, lang)} fps" if m.has_video and m.fps else ""
        lines.append(f"{t('report.kind.' + m.kind, lang)}, "
                     f"{t('report.duration_value', lang, duration_s=format_number(m.duration_s, lang))}{shape}")
    if report.error:
        lines.append(f"**{head}**: {caveat}")
    else:
        risk = "" if report.risk is None else f" ({t('result.risk', lang, risk=format_number(report.risk, lang))})"
        lines.append(f"{t('result.level', lang)}: **{head}**{risk}")
        if caveat:
            lines.append(caveat)
    for ln in signal_lines(report, lang):
        note = f" ({t('result.explains_only', lang)})" if not ln.counted and ln.flag not in ("quality", "not_measured") else ""
        lines.append(f"- {ln.name} [{t('result.flag.' + ln.flag, lang)}]{note}" + (f": {ln.measured}" if ln.measured else ""))
        if ln.normal:
            lines.append(f"  {t('result.col.normal', lang)}: {ln.normal}")
        if ln.meaning:
            lines.append(f"  {ln.meaning}")
    adv = report_advice(report, answers)
    lines.append(f"{t('advice.caution.label', lang)}: **{t(adv.caution_key, lang)}**")
    lines += [f"{i}. {t(k, lang)}" for i, k in enumerate(adv.actions[:3], 1)]
    return "\n".join(lines)
