"""The app's "Thử thách / Challenge" tab: the script to read to a doubtful caller (with drawings),
and the analysis of a recording of it (:func:`verifier.liveness.analyze_challenge`).

UI only: the verdict in plain words (never "real" or "safe"; "not performed" when the moments
are missing), one row per challenge moment (kind, time, measures with units, flags explained,
its before/peak/after thumbnails inline as JPEG data: nothing of the user's picture is written),
the per-kind checklist, and the advice (verify through another channel, "4 không, 2 phải").
Every sentence comes from ``verifier.core.i18n.t`` (vi, en). The upload is deleted after the analysis.
``app.py`` registers the tab with :func:`build_challenge_tab`.

API (gradio_client): ``/challenge`` (file, lang) → (result HTML, report JSON).
"""
from __future__ import annotations

import base64
import html
from dataclasses import dataclass
from typing import Callable

from ..core.i18n import messages, normalize_lang, t
from ..liveness.report import CHALLENGE_KINDS
from ..outputs.numbers import format_number, format_numbers
from .worker import in_process

VERDICT_COLOURS = {  # background, text (the report's level colours: high, medium, medium, low; error grey)
    "anomaly": ("#fadbd8", "#922b21"),
    "not_performed": ("#fdebd0", "#935116"),
    "partly_performed": ("#fdebd0", "#935116"),
    "no_anomaly_found": ("#fef9e7", "#7d6608"),
    "error": ("#e5e7e9", "#34495e"),
}
# The technical level each verdict gives the advice (verifier.outputs.advice.advise): a flagged moment is
# a strong sign; a missing moment is never a pass (inconclusive); no anomaly is at most "low".
ADVICE_LEVEL = {"anomaly": "high", "not_performed": "inconclusive", "partly_performed": "inconclusive",
                "no_anomaly_found": "low"}
# Unit suffixes of measure names (the report's convention: units in the key names).
UNITS = (("_px", "px"), ("_deg", "°"), ("_ms", "ms"), ("_s", "s"), ("_pct", "%"))
NOT_MEASURES = ("flag_values",)  # entries of Moment.measures shown with the flags, not as measures
THUMB_JPEG_QUALITY = 85
THUMB_HEIGHT_PX = 110  # display height of a moment's thumbnails


def _e(s) -> str:
    return html.escape(str(s), quote=True)


def _has(key: str) -> bool:
    return key in messages()


def kind_name(kind: str, lang: str) -> str:
    """A challenge kind in words: the analysis' ``challenge.kind.<kind>``, else the step's title."""
    return t(f"challenge.kind.{kind}", lang) if _has(f"challenge.kind.{kind}") else t(f"challenge.step.{kind}.title", lang)


def measure_line(name: str, value, lang: str) -> str:
    """``label: value`` of one measure: the label ``challenge.measure.<name>`` (which words the
    unit) where it exists, else the key itself followed by the unit of its suffix (``_px``…);
    None values say "not measurable"."""
    named = _has(f"challenge.measure.{name}")  # the analysis' label, with the unit in words
    label = t(f"challenge.measure.{name}", lang) if named else name
    if value is None:
        return f"{label}: {t('challenge.ui.moment.not_measured', lang)}"
    unit = "" if named else next((u for suffix, u in UNITS if name.endswith(suffix)), "")
    shown = format_number(value, lang) if isinstance(value, (int, float)) else str(value)
    return f"{label}: {shown}{(' ' + unit) if unit else ''}"


def _number(v, lang: str):
    return format_number(v, lang) if isinstance(v, (int, float)) and not isinstance(v, bool) else ("–" if v is None else v)


def flag_text(moment, key: str, lang: str) -> str:
    """A flag explained, with its measured value and threshold (``measures["flag_values"][key]``,
    ``[value, threshold]``, as the analysis stores them)."""
    value, threshold = (moment.measures.get("flag_values") or {}).get(key, [None, None])
    return t(key, lang, value=_number(value, lang), threshold=_number(threshold, lang))


def note_text(moment, key: str, lang: str) -> str:
    """A note (neither a pass nor an anomaly) with its values (the face lost for ``face_lost_s``
    seconds at a yaw of ``peak_abs_yaw_deg``)."""
    return t(key, lang, value=_number(moment.measures.get("face_lost_s"), lang),
             yaw=_number(moment.measures.get("peak_abs_yaw_deg"), lang))


def _jpeg_data_uri(img) -> str | None:
    import cv2

    ok, buf = cv2.imencode(".jpg", cv2.cvtColor(img, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, THUMB_JPEG_QUALITY])
    return f"data:image/jpeg;base64,{base64.b64encode(buf.tobytes()).decode('ascii')}" if ok else None


def seconds(x: float, lang: str) -> str:
    """A time in seconds with one decimal (a decimal comma in Vietnamese)."""
    s = f"{float(x):.1f}"
    return s.replace(".", ",") if lang == "vi" else s


def thumbnails_html(moment, lang: str) -> str:
    """The moment's thumbnails (before / peak / after) as inline JPEG images with their times."""
    cells = []
    for i, img in enumerate(moment.frames):
        uri = _jpeg_data_uri(img)
        if uri is None:
            continue
        ts = moment.frame_times_s[i] if i < len(moment.frame_times_s) else None
        cap = t("challenge.ui.frame", lang, t=seconds(ts, lang)) if ts is not None else ""
        cells.append(f'<figure style="margin:0"><img alt="{_e(cap)}" src="{uri}" '
                     f'style="height:{THUMB_HEIGHT_PX}px;border-radius:4px">'
                     f'<figcaption style="text-align:center;font-size:0.85em">{_e(cap)}</figcaption></figure>')
    return f'<div class="ch-thumbs" style="display:flex;flex-wrap:wrap;gap:6px">{"".join(cells)}</div>' if cells else ""


def moment_html(moment, lang: str) -> str:
    """One moment: kind, time, measures with units, flags explained, thumbnails."""
    f = lambda x: seconds(x, lang)  # noqa: E731
    flags = ("".join(f'<li data-flag="{_e(k)}">{_e(flag_text(moment, k, lang))}</li>' for k in moment.flags)
             or f'<li data-flag="">{_e(t("challenge.ui.moment.no_flag", lang))}</li>')
    flags += "".join(f'<li data-note="{_e(k)}" style="list-style:circle">{_e(note_text(moment, k, lang))}</li>'
                     for k in getattr(moment, "notes", []))
    measures = "".join(f"<li>{_e(measure_line(k, v, lang))}</li>" for k, v in moment.measures.items()
                       if k not in NOT_MEASURES)
    bg = VERDICT_COLOURS["anomaly"][0] if moment.flags else "#f4f6f7"
    when = t("challenge.ui.moment.time", lang, start=f(moment.t_start_s), end=f(moment.t_end_s), peak=f(moment.peak_t_s))
    return (f'<div class="ch-moment" data-kind="{_e(moment.kind)}" data-flagged="{str(bool(moment.flags)).lower()}" '
            f'style="border:1px solid #d5d8dc;border-radius:8px;padding:8px;margin:6px 0;background:{bg}">'
            f'<div><b>{_e(kind_name(moment.kind, lang))}</b> · '
            f'{_e(when)}</div>'
            f'<div style="display:flex;flex-wrap:wrap;gap:16px"><div><i>{_e(t("challenge.ui.moment.flags", lang))}</i>'
            f'<ul class="ch-flags">{flags}</ul></div>'
            + (f'<div><i>{_e(t("challenge.ui.moment.measures", lang))}</i><ul class="ch-measures">{measures}</ul></div>'
               if measures else "")
            + f"</div>{thumbnails_html(moment, lang)}</div>")


def checklist_html(report, lang: str) -> str:
    """Each kind of the challenge with "performed" / "not found"."""
    items = []
    for k in CHALLENGE_KINDS:
        done = bool(report.performed.get(k))
        word = t("challenge.ui.performed" if done else "challenge.ui.missing", lang)
        items.append(f'<li data-kind="{k}" data-performed="{str(done).lower()}">{"✔" if done else "✘"} '
                     f'{_e(kind_name(k, lang))}: {_e(word)}</li>')
    return (f'<h3>{_e(t("challenge.ui.checklist.title", lang))}</h3><ul id="ch-checklist">{"".join(items)}</ul>'
            f'<p class="small">{_e(t("challenge.ui.stand_not_analysed", lang))}</p>')


def advice_block(verdict: str, lang: str) -> str:
    """The app's advice block (actions + "4 không, 2 phải") for the verdict (see :data:`ADVICE_LEVEL`)."""
    from ..outputs.advice import advise
    from ..outputs.html import advice_html

    return advice_html(advise(ADVICE_LEVEL.get(verdict, "inconclusive"), {}), lang)


def _verdict_box(verdict: str, label: str, headline: str) -> str:
    bg, fg = VERDICT_COLOURS.get(verdict, VERDICT_COLOURS["error"])
    return (f'<div class="level" id="ch-verdict" data-verdict="{_e(verdict)}" '
            f'style="background:{bg};color:{fg};padding:10px;border-radius:6px">'
            f'<div class="small">{_e(label)}</div><div class="big" style="font-weight:700">{_e(headline)}</div></div>')


def result_html(report, lang: str) -> str:
    """The whole result: verdict (``data-verdict``), what it means, the checklist, each moment
    with its thumbnails, the file's name and SHA-256, and the advice. A report whose file could
    not be analysed shows the app's error sentence naming the file."""

    lang = normalize_lang(lang)
    if report.error is not None:
        why = (t(report.error.key, lang, **format_numbers(report.error.params, lang)) if _has(report.error.key)
               else report.error.message)
        return error_html(t("challenge.ui.error", lang, name=report.file), why, lang)
    verdict = report.verdict
    moments = "".join(moment_html(m, lang) for m in report.moments) or \
        f'<p id="ch-no-moment">{_e(t("challenge.ui.moments.none", lang))}</p>'
    file_line = t("challenge.ui.file", lang, name=report.file, sha256=report.sha256,
                  elapsed=seconds(report.elapsed_s, lang))
    return ('<div class="vr" id="ch-result">'
            + _verdict_box(verdict, t("challenge.ui.verdict_label", lang), t(f"challenge.verdict.{verdict}", lang))
            + f'<p id="ch-next">{_e(t(f"challenge.ui.next.{verdict}", lang))}</p>'
            + checklist_html(report, lang)
            + f'<h3>{_e(t("challenge.ui.moments.title", lang))}</h3><div id="ch-moments">{moments}</div>'
            + f'<p class="small" id="ch-file">{_e(file_line)}</p>'
            + f'<h3>{_e(t("challenge.ui.advice.title", lang))}</h3>{advice_block(verdict, lang)}</div>')


def error_html(headline: str, why: str, lang: str) -> str:
    """A file that cannot be analysed: the file named, the translated reason, and the advice."""
    return ('<div class="vr" id="ch-result">' + _verdict_box("error", headline, why)
            + f'<h3>{_e(t("challenge.ui.advice.title", lang))}</h3>{advice_block("not_performed", lang)}</div>')


def empty_html(lang: str) -> str:
    return f'<div class="vr" id="ch-result"><p>{_e(t("challenge.ui.empty", lang))}</p></div>'


def run_challenge(path, lang, discard: Callable[[str], None] = lambda p: None, progress=None,
                  run: Callable = in_process):
    """Analyse an uploaded recording with ``run`` (the app's worker process); the upload is
    discarded afterwards whatever happens.

    Returns
    -------
    (ChallengeReport or None, html str): None with an error block when no file was given or the
    worker stopped (crash, time limit: the block names the file); a file that cannot be read
    gives a report with ``error`` set (the analysis never raises for it).
    """
    from ..analysis.media import display_name
    from ..core.errors import VerifierError
    from ..liveness import analyze_challenge

    lang = normalize_lang(lang)
    try:
        if not path:
            return None, error_html(t("challenge.ui.no_file", lang), "", lang)
        try:
            report = run(analyze_challenge, path, files=(path,), progress=progress)
        except VerifierError as err:  # verifier.ui.worker.AnalysisStopped
            return None, error_html(t("challenge.ui.error", lang, name=display_name(path)), err.message(lang), lang)
        return report, result_html(report, lang)
    finally:
        if path:
            discard(path)


def view(report, lang: str):
    """(result HTML, JSON) of a report in ``lang``: for a new result and for a language switch."""
    if report is None:
        return empty_html(lang), None
    return result_html(report, lang), report.to_dict()


@dataclass
class ChallengeTab:
    """The tab's components (for the app's wiring and tests)."""

    tab: object
    instructions: object
    upload: object
    button: object
    result: object
    json: object
    state: object


def build_challenge_tab(lang: str, lang_in, label: Callable, discard: Callable[[str], None],
                        run: Callable = in_process) -> ChallengeTab:
    """Lay out the tab (call inside ``gr.Tabs``) and wire its events: the button, and the script
    and the result re-rendered when ``lang_in`` (the app's language radio) changes.
    ``label(component, prop, key)`` registers a label for the app's own language switch;
    ``discard(path)`` deletes an upload; ``run`` runs the analysis (:class:`verifier.ui.worker.Worker`)."""
    import gradio as gr

    from ..outputs.challenge_sheet import instructions_html

    with gr.Tab(t("challenge.ui.tab", lang), id="challenge") as tab:
        instructions = gr.HTML(instructions_html(lang), elem_id="challenge-instructions")
        title = gr.Markdown(f"### {t('challenge.ui.analyse.title', lang)}\n{t('challenge.ui.analyse.help', lang)}")
        upload = gr.File(label=t("challenge.ui.input", lang), file_count="single", type="filepath", height=120,
                         elem_id="challenge-input")
        button = gr.Button(t("challenge.ui.button", lang), variant="primary", elem_id="challenge-run")
        result = gr.HTML(empty_html(lang), elem_id="challenge-result")
        with gr.Accordion(t("app.json", lang), open=False) as acc:
            js = gr.JSON()
        state = gr.State(None)
    for comp, prop, key in ((tab, "label", "challenge.ui.tab"), (upload, "label", "challenge.ui.input"),
                            (button, "value", "challenge.ui.button"), (acc, "label", "app.json")):
        label(comp, prop, key)

    def on_run(path, lg, progress=gr.Progress()):
        lg = normalize_lang(lg)
        report, block = run_challenge(path, lg, discard, lambda f, stage: progress(f, desc=t(stage, lg)), run)
        return block, (report.to_dict() if report is not None else None), report

    def relabel(lg, report):
        lg = normalize_lang(lg)
        return (instructions_html(lg),
                f"### {t('challenge.ui.analyse.title', lg)}\n{t('challenge.ui.analyse.help', lg)}", *view(report, lg))

    button.click(on_run, inputs=[upload, lang_in], outputs=[result, js, state], api_name="challenge",
                 concurrency_id="analysis")
    lang_in.change(relabel, inputs=[lang_in, state], outputs=[instructions, title, result, js],
                   api_visibility="private")
    return ChallengeTab(tab, instructions, upload, button, result, js, state)
