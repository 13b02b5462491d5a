"""The app's "So sánh / Compare" tab: a file known to come from the real person against the
questioned one (:func:`verifier.analysis.identity.compare.compare`).

UI only: the verdict, the similarities drawn against the same-person and different-person
distributions measured on the development data (``verifier/assets/compare_thresholds.json``),
both files' SHA-256 and what to do next, every sentence from ``verifier.core.i18n.t`` (vi, en).
``app.py`` registers the tab with :func:`build_compare_tab`.
"""
from __future__ import annotations

import html
import json
from dataclasses import dataclass
from typing import Callable

from ..core.i18n import normalize_lang, t
from .worker import in_process

PARTS = ("voice", "face")
VERDICT_COLOURS = {  # background, text (the report's level colours: high, medium, low, inconclusive)
    "different": ("#fadbd8", "#922b21"),
    "unclear": ("#fdebd0", "#935116"),
    "match_not_proof": ("#fef9e7", "#7d6608"),
    "not_comparable": ("#e5e7e9", "#34495e"),
    "error": ("#e5e7e9", "#34495e"),
}


def _e(s) -> str:
    return html.escape(str(s), quote=True)


def distributions() -> dict:
    """Measured similarity quantiles per part and kind of pair (``{"voice": {"same": {...},
    "different": {...}}, ...}``), or {} when the thresholds file has none."""
    from ..analysis.identity.compare import THRESHOLDS_FILE

    with open(THRESHOLDS_FILE, encoding="utf-8") as f:
        return json.load(f).get("provenance", {}).get("distributions", {})


def _part_line(r, key: str, lang: str) -> str:
    """One part's sentence, as ``render_text`` words it."""
    p = getattr(r, key)
    if p.similarity is None:
        params = r.known.note_params if p.note in (r.known.voice_note, r.known.face_note) else r.questioned.note_params
        return t(f"compare.{key}_na", lang, why=t(p.note, lang, **params) if p.note else "-")
    th = r.thresholds[key]
    return t(f"compare.{key}_line", lang, sim=f"{p.similarity:.2f}", lo=f"{th.different_if_below:.2f}",
             hi=f"{th.match_from:.2f}", decision=t(f"compare.decision.{p.decision}", lang))


def compare_html(r, lang: str) -> str:
    """The result block: verdict (``data-verdict``), one line per part, what to do next, the files'
    SHA-256. ``r`` is a :class:`~verifier.analysis.identity.compare.CompareResult`."""
    from ..analysis.identity.compare import verdict_key

    bg, fg = VERDICT_COLOURS.get(r.verdict, VERDICT_COLOURS["not_comparable"])
    parts = "".join(f'<li data-part="{k}" data-decision="{_e(getattr(r, k).decision)}">{_e(_part_line(r, k, lang))}</li>'
                    for k in PARTS)
    files = "".join(
        f'<li data-role="{role}">{_e(t(f"compare.file_{role}", lang, name=s.name, sha256=s.sha256))}</li>'
        for s, role in ((r.known, "known"), (r.questioned, "questioned")))
    return (f'<div class="vr" id="cmp-result">'
            f'<div class="level" id="cmp-verdict" data-verdict="{_e(r.verdict)}" data-sentence="{_e(verdict_key(r))}" '
            f'style="background:{bg};color:{fg};padding:10px;border-radius:6px;font-weight:600">'
            f'{_e(t(verdict_key(r), lang))}</div>'
            f'<ul id="cmp-parts">{parts}</ul>'
            f'<p id="cmp-next">{_e(t(f"compare.next.{r.verdict}", lang))}</p>'
            f'<p class="small">{_e(t("app.compare.weak_match", lang))}</p>'
            f'<ul id="cmp-files" class="small">{files}</ul>'
            f'<p class="small">{_e(t("app.compare.elapsed", lang, s=f"{r.elapsed_s:.1f}"))}</p></div>')


def error_html(err, lang: str) -> str:
    """A file that cannot be read: the translated reason (``err`` a VerifierError)."""
    bg, fg = VERDICT_COLOURS["error"]
    return (f'<div class="vr" id="cmp-result"><div class="level" id="cmp-verdict" data-verdict="error" '
            f'style="background:{bg};color:{fg};padding:10px;border-radius:6px;font-weight:600">'
            f'{_e(err.message(lang))}</div></div>')


def empty_html(lang: str) -> str:
    return f'<div class="vr" id="cmp-result"><p>{_e(t("app.compare.empty", lang))}</p></div>'


def similarity_figure(r, lang: str = "vi"):
    """Each compared part's similarity (a marker) on the ranges measured for same-person and
    different-person pairs (2nd–98th percentile as a line, quartiles as a box, the median as a
    tick), with the two thresholds; None when no part was compared."""
    if r is None or all(getattr(r, k).similarity is None for k in PARTS):
        return None
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    dist = distributions()
    fig = Figure(figsize=(8.0, 3.6), dpi=100, layout="constrained")
    axes = fig.subplots(2, 1)
    for ax, key in zip(axes, PARTS):
        p, th = getattr(r, key), r.thresholds[key]
        ax.set_xlim(0, 1)
        ax.set_ylim(-0.7, 1.7)
        ax.set_yticks([0, 1], [t("app.compare.plot.different", lang), t("app.compare.plot.same", lang)])
        ax.set_title(t(f"app.compare.plot.{key}", lang), fontsize=10, loc="left")
        for y, kind, colour in ((0, "different", "#c0392b"), (1, "same", "#1e8449")):
            q = dist.get(key, {}).get(kind)
            if not q:
                continue
            ax.plot([q["p2"], q["p98"]], [y, y], color=colour, lw=1.5)
            ax.add_patch(Rectangle((q["p25"], y - 0.2), q["p75"] - q["p25"], 0.4, color=colour, alpha=0.35, lw=0))
            ax.plot([q["p50"]] * 2, [y - 0.25, y + 0.25], color=colour, lw=2)
        ax.axvline(th.different_if_below, color="#c0392b", ls="--", lw=1)
        ax.axvline(th.match_from, color="#1e8449", ls="--", lw=1)
        if p.similarity is None:
            ax.text(0.5, 0.5, t("app.compare.plot.not_compared", lang), ha="center", va="center", fontsize=10,
                    color="#555555")
        else:
            ax.plot([p.similarity], [0.5], marker="D", ms=11, color="#1f5fa8", zorder=5)
            ax.annotate(f"{p.similarity:.2f}", (p.similarity, 0.5), xytext=(8, 6), textcoords="offset points",
                        color="#1f5fa8", fontsize=10, fontweight="bold")
    axes[-1].set_xlabel(t("app.compare.plot.axis", lang))
    return fig


def run_compare(known, questioned, lang, discard: Callable[[str], None] = lambda p: None, run: Callable = in_process):
    """Compare two uploaded files with ``run`` (the app's worker process: a crash there is an
    error block naming the files); the uploads are discarded afterwards whatever happens.

    Returns
    -------
    (CompareResult or None, html str): None with an error block when a file cannot be read.
    """
    from ..analysis.identity.compare import compare
    from ..core.errors import VerifierError

    lang = normalize_lang(lang)
    try:
        if not known or not questioned:
            return None, error_html(_Missing(), lang)
        try:
            r = run(compare, known, questioned, files=(known, questioned))
        except VerifierError as err:  # also the worker's crash (verifier.ui.worker.AnalysisStopped)
            return None, error_html(err, lang)
        return r, compare_html(r, lang)
    finally:
        for p in (known, questioned):
            if p:
                discard(p)


class _Missing:
    @staticmethod
    def message(lang: str) -> str:
        return t("app.compare.need_both", lang)


def view(r, lang: str):
    """(result HTML, figure update, JSON) of a result, in ``lang``: for a new result and for a
    language switch."""
    import gradio as gr

    fig = similarity_figure(r, lang)
    return (compare_html(r, lang) if r is not None else empty_html(lang), gr.update(value=fig, visible=fig is not None),
            r.to_dict() if r is not None else None)


@dataclass
class CompareTab:
    """The tab's components (for the app's wiring and tests)."""

    tab: object
    known: object
    questioned: object
    button: object
    result: object
    plot: object
    json: object
    state: object


def build_compare_tab(lang: str, lang_in, label: Callable, discard: Callable[[str], None],
                      run: Callable = in_process) -> CompareTab:
    """Lay out the tab (call inside ``gr.Tabs``) and wire its events: the button, and the result
    re-rendered when ``lang_in`` (the app's language radio) changes. ``label(component, prop, key)``
    registers a label for the app's own language switch; ``discard(path)`` deletes an upload;
    ``run`` runs the comparison (:class:`verifier.ui.worker.Worker`)."""
    import gradio as gr

    with gr.Tab(t("app.tab.compare", lang), id="compare") as tab:
        help_md = gr.Markdown(t("app.compare.help", lang))
        with gr.Row():
            known = gr.File(label=t("app.compare.known", lang), file_count="single", type="filepath", height=120,
                            elem_id="compare-known")
            questioned = gr.File(label=t("app.compare.questioned", lang), file_count="single", type="filepath",
                                 height=120, elem_id="compare-questioned")
        button = gr.Button(t("app.compare.button", lang), variant="primary", elem_id="compare-run")
        result = gr.HTML(empty_html(lang), elem_id="compare-result")
        plot = gr.Plot(label=t("app.compare.plot.title", lang), format="png", show_label=False, visible=False)
        with gr.Accordion(t("app.json", lang), open=False) as acc:
            js = gr.JSON()
        state = gr.State(None)
    for comp, prop, key in ((tab, "label", "app.tab.compare"), (help_md, "value", "app.compare.help"),
                            (known, "label", "app.compare.known"), (questioned, "label", "app.compare.questioned"),
                            (button, "value", "app.compare.button"), (plot, "label", "app.compare.plot.title"),
                            (acc, "label", "app.json")):
        label(comp, prop, key)

    def on_compare(k, q, lg):
        lg = normalize_lang(lg)
        r, block = run_compare(k, q, lg, discard, run)
        if r is None:
            return block, gr.update(value=None, visible=False), None, None
        return (*view(r, lg), r)

    button.click(on_compare, inputs=[known, questioned, lang_in], outputs=[result, plot, js, state],
                 api_name="compare", concurrency_id="analysis")
    lang_in.change(lambda lg, r: view(r, normalize_lang(lg)), inputs=[lang_in, state], outputs=[result, plot, js],
                   api_visibility="private")
    return CompareTab(tab, known, questioned, button, result, plot, js, state)

