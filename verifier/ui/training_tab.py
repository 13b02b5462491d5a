"""The app's Training tab (issue 10): the tamper lab with the side-by-side view, and the quiz.

Wiring only: the fakes are made by :func:`verifier.tamper.lab.tamper_file`, compared by
:func:`verifier.outputs.side_by_side.side_by_side_html`, exported by
:mod:`verifier.outputs.video_export`; the quiz is the state machine of :mod:`verifier.outputs.quiz`; every
sentence comes from ``verifier/core/locales/training.py`` and ``tamper.py``.

Nothing uploaded is kept: the upload is copied into a private folder of this session and gradio's
copy deleted; that folder goes when the next fake is made, when the browser session ends, and
when the app stops. Only what the officer exports reaches gradio's download folder. The fakes,
their analyses, the quiz's analyses and the MP4 export run through ``run`` (the app's worker
process, :mod:`verifier.ui.worker`): a crash there is that officer's translated error.

API (gradio_client): ``/training_tamper`` (file, sample, kind, shift ms, sentence, messenger,
other voice, photo, lang) → comparison HTML; ``/training_export_html`` and
``/training_export_mp4`` (lang) → files; ``/quiz_vote`` (choice, lang), ``/quiz_reveal``,
``/quiz_next``, ``/quiz_restart`` (lang) → the quiz view.
"""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import gradio as gr

from ..core.i18n import normalize_lang, t
from ..outputs import quiz
from ..tamper import KINDS
from .worker import in_process

DEFAULT_KIND = "noblink"  # the kind the shipped training pair shows
MAX_INLINE_BYTES = 24 * 2**20  # B: larger versions get no inline player (the page would be too heavy)
QUIZ_CSS = """<style>
#quiz-real, #quiz-fake { font-size: 2.2em !important; min-height: 2.6em; font-weight: 700; }
#quiz-real { background: #1e8449 !important; color: white !important; }
#quiz-fake { background: #b03a2e !important; color: white !important; }
#quiz-view .vr { font-size: 1.15em; }
#quiz-view .quiz-answer { font-size: 1.8em; font-weight: 800; margin: 6px 0; }
#quiz-view .quiz-progress { font-size: 1.4em; font-weight: 700; }
#quiz-view .quiz-score { font-size: 2.4em; font-weight: 800; margin: 12px 0; }
</style>"""

_ROOT: list[str] = []
_ANALYSES: dict = {}  # (path, size, mtime) -> Report: quiz items are fixed files, analysed once per process


def _root() -> str:
    """This process's private folder for the sessions' working copies, removed at exit."""
    if not _ROOT:
        _ROOT.append(tempfile.mkdtemp(prefix="verifier-training-"))
        atexit.register(shutil.rmtree, _ROOT[0], ignore_errors=True)
    return _ROOT[0]


def _drop(state) -> None:
    """Delete a session's working folder (the copy of the original and the tampered copy)."""
    if state and state.get("dir"):
        shutil.rmtree(state["dir"], ignore_errors=True)


def _is_video(path: str) -> bool:
    from ..analysis.media import probe

    return probe(path).has_video


# --- tamper lab ----------------------------------------------------------------------------------
def make_fake(path: str, sample: str | None, kind: str, shift_ms: float, text: str, messenger: bool, other: str | None,
              photo: str | None, lang: str, samples: Path, discard, progress=None, run=in_process) -> tuple[str, dict]:
    """Copy the original (an upload or a built-in sample) into a fresh private folder, make the
    tampered copy and analyse both with ``run`` (:func:`verifier.ui.jobs.tamper_and_analyze`);
    return (comparison HTML, session state). Uploads are deleted."""
    from dataclasses import replace

    from ..core.errors import ParameterError, VerifierError
    from ..core.params import EspeakParams, ShiftParams, TamperParams
    from .jobs import tamper_and_analyze
    lang = normalize_lang(lang)
    step = progress or (lambda *a, **k: None)
    uploads = [p for p in (path, other, photo) if p]
    try:
        if sample:
            names = {p.name for p in samples.iterdir()} if samples.is_dir() else set()
            if sample not in names:
                raise gr.Error(t("training.error.no_input", lang))
            src = str(samples / sample)
        elif path:
            src = path
        else:
            raise gr.Error(t("training.error.no_input", lang))
        if kind not in KINDS:
            kind = DEFAULT_KIND
        if kind == "voice" and not other:
            raise gr.Error(t("training.error.needs_other", lang))
        folder = tempfile.mkdtemp(dir=_root())
        try:
            stem, ext = os.path.splitext(os.path.basename(src))
            original = os.path.join(folder, f"{stem}{ext.lower()}")
            shutil.copyfile(src, original)
            params = TamperParams(shift=ShiftParams(float(shift_ms)),
                                  espeak=replace(EspeakParams(), text=text.strip()) if text and text.strip() else EspeakParams())
            made = run(tamper_and_analyze, original, os.path.join(folder, f"{stem}_{kind}"), kind, params, other=other,
                       photo=photo, messenger=bool(messenger), files=(src, other, photo),
                       progress=lambda frac, key: step(frac, desc=t(key, lang)))
            if made["reports"] is None:
                raise gr.Error(t("training.error.needs_video", lang, kind=t(f"tamper.{kind}.name", lang)))
            video, tampered, (rep_a, rep_b) = made["video"], made["tampered"], made["reports"]
        except VerifierError as e:
            shutil.rmtree(folder, ignore_errors=True)
            detail = e.message(lang) if not isinstance(e, ParameterError) else str(e)
            raise gr.Error(t("training.error.failed", lang, detail=detail)) from e
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
    finally:
        for p in uploads:
            discard(p)
    state = {"dir": folder, "original": original, "tampered": tampered, "kind": kind, "reports": (rep_a, rep_b),
             "video": video}
    return _side_by_side(state, lang), state


def export_html(state, lang: str) -> list[str]:
    """The comparison page (with its figures) and the tampered copy, in a fresh export folder."""
    from ..outputs.side_by_side import render_side_by_side

    lang = normalize_lang(lang)
    if not state:
        raise gr.Error(t("training.export.none", lang))
    folder = tempfile.mkdtemp(prefix="export-", dir=_root())
    stem = os.path.splitext(os.path.basename(state["tampered"]))[0]
    page = os.path.join(folder, f"{stem}_{lang}.html")
    with open(page, "w", encoding="utf-8") as f:
        f.write(render_side_by_side(*state["reports"], state["kind"], lang))
    copy = os.path.join(folder, os.path.basename(state["tampered"]))
    shutil.copyfile(state["tampered"], copy)
    return [page, copy]


def export_mp4(state, lang: str, run=in_process) -> str:
    """The two clips side by side with their levels written on each (:func:`verifier.outputs.video_export.export_pair`,
    run by ``run``: the app's worker process)."""
    from ..core.errors import VerifierError
    from ..outputs.video_export import export_pair

    lang = normalize_lang(lang)
    if not state:
        raise gr.Error(t("training.export.none", lang))
    if not state["video"]:  # a voice message (also one made into a talking photo: no original picture)
        raise gr.Error(t("training.error.mp4_needs_video", lang))
    folder = tempfile.mkdtemp(prefix="export-", dir=_root())
    stem = os.path.splitext(os.path.basename(state["tampered"]))[0]
    out = os.path.join(folder, f"{stem}_side_by_side_{lang}.mp4")
    try:
        return run(export_pair, state["original"], state["tampered"], out, *state["reports"], lang,
                   files=(state["original"], state["tampered"]))
    except VerifierError as e:  # also the worker's crash (verifier.ui.worker.AnalysisStopped)
        shutil.rmtree(folder, ignore_errors=True)
        raise gr.Error(t("training.error.failed", lang, detail=e.message(lang))) from e


# --- quiz ------------------------------------------------------------------------------------------
def _quiz_level(item: quiz.QuizItem, run=None):
    """The item's report, analysed by ``run`` once per process; with ``run`` None only the
    report already analysed (or None)."""
    from .jobs import analyze_file

    st = os.stat(item.path)
    key = (os.path.abspath(item.path), st.st_size, st.st_mtime_ns)
    if key not in _ANALYSES and run is not None:
        _ANALYSES[key] = run(analyze_file, item.path, files=(item.path,))
    return _ANALYSES.get(key)


def quiz_html(state: quiz.QuizState, lang: str) -> str:
    """The quiz view: progress and vote while asking; answer, mark, analysis, what to look for
    and the advice after the reveal; the score at the end."""
    import html as _html

    from ..outputs.advice import advise
    from ..outputs.html import advice_html, result_html

    e = (lambda s: _html.escape(str(s), quote=True))
    sc = quiz.score(state)
    score = t("quiz.score", lang, correct=sc.correct, scored=sc.scored)
    if state.phase == "done":
        return (f'<div class="vr" id="quiz-done" data-correct="{sc.correct}" data-scored="{sc.scored}">'
                f'<div class="quiz-score" id="quiz-score">{e(score)}</div><p>{e(t("quiz.done", lang))}</p>'
                f'{advice_html(advise(None, {}), lang)}</div>')
    it, i = state.item, state.index
    vote = state.vote
    out = [f'<div class="vr" data-phase="{state.phase}" data-index="{i}">',
           f'<div class="quiz-progress" id="quiz-progress">{e(t("quiz.progress", lang, i=i + 1, n=len(state.items)))} · {e(it.name)}</div>',
           f'<p id="quiz-vote" data-vote="{vote or ""}">'
           f'{e(t("quiz.vote.current", lang, vote=t(f"quiz.{vote}", lang)) if vote else t("quiz.vote.none", lang))}</p>']
    if state.phase == "revealed":
        answer = it.answer or "unknown"
        mark = quiz.is_correct(state, i)
        mark_key = None if mark is None else "quiz.mark.correct" if mark else "quiz.mark.abstain" if vote is None else "quiz.mark.wrong"
        out.append(f'<div class="quiz-answer" id="quiz-answer" data-answer="{answer}">{e(t(f"quiz.answer.{answer}", lang))}</div>')
        if mark_key:
            out.append(f'<p id="quiz-mark" data-correct="{str(bool(mark)).lower()}"><b>{e(t(mark_key, lang))}</b></p>')
        look = it.kind if it.kind and f"quiz.look.{it.kind}" in _keys() else ("real" if it.answer == "real" else "unknown")
        out.append(f'<h2>{e(t("quiz.look.title", lang))}</h2><p id="quiz-look">{e(t(f"quiz.look.{look}", lang))}</p>')
        if it.note_in(lang):
            out.append(f'<p class="small" id="quiz-note"><b>{e(t("quiz.note", lang))}:</b> {e(it.note_in(lang))}</p>')
        level = state.levels[i]
        out.append(f'<h2>{e(t("quiz.analysis", lang))}</h2>')
        report = _cached_report(it)
        out.append(result_html(report, lang) if report is not None else f"<p>{e(t('quiz.analysis.failed', lang))}</p>")
        out.append(advice_html(advise(level, {}), lang))
    out.append(f'<p class="small" id="quiz-running-score">{e(score)}</p></div>')
    return "".join(out)


def _keys():
    from ..core.i18n import messages

    return messages()


def _cached_report(item: quiz.QuizItem, run=None):
    """The item's report (analysed by ``run`` when not yet, see :func:`_quiz_level`), None when
    it cannot be analysed (a missing file, the worker's crash: the reveal says so)."""
    from ..core.errors import VerifierError

    try:
        return _quiz_level(item, run)
    except (OSError, VerifierError):
        return None


def _media_updates(state: quiz.QuizState):
    """(video player, audio player) updates for the current item."""
    if state.phase == "done":
        return gr.update(value=None, visible=False), gr.update(value=None, visible=False)
    path = state.item.path
    video = _is_video(path)
    return (gr.update(value=path if video else None, visible=video),
            gr.update(value=None if video else path, visible=not video))


def _buttons(state: quiz.QuizState):
    ask, revealed = state.phase == "ask", state.phase == "revealed"
    return (gr.update(interactive=ask), gr.update(interactive=ask), gr.update(interactive=ask),
            gr.update(interactive=revealed))


def quiz_reveal(state: quiz.QuizState, run=in_process):
    """Analyse the current item with ``run`` (cached) and reveal it with its level."""
    report = _cached_report(state.item, run)
    level = None if report is None or report.error else report.level
    return quiz.reveal(state, level)


# --- layout ------------------------------------------------------------------------------------------
def training_tab(lang: str, lang_in, label, *, samples: Path, discard, quiz_items=None, run=in_process) -> None:
    """Build the "Đào tạo / Training" tab inside the app's ``gr.Tabs``.

    lang_in : the app's language radio (this tab re-renders its own content when it changes)
    label : the app's ``_L(component, prop, key)``: registers a label re-translated by the app's relabel
    samples : the built-in demo folder; discard : the app's ``_discard_upload``
    quiz_items : the quiz's items (default: :func:`verifier.outputs.quiz.load_items` of ``samples``)
    run : runs the fakes, the analyses and the MP4 export (:class:`verifier.ui.worker.Worker`)
    """
    sample_names = sorted(p.name for p in samples.iterdir() if p.suffix.lower() in quiz.MEDIA_EXT) if samples.is_dir() else []
    items = quiz_items if quiz_items is not None else (quiz.load_items(samples) if samples.is_dir() else [])

    def kind_choices(lg):
        return [(t(f"tamper.{k}.name", lg), k) for k in KINDS]

    def sample_choices(lg):
        return [(t("training.sample.none", lg), "")] + [(n, n) for n in sample_names]

    with gr.Tab(t("app.tab.training", lang), id="training") as tab:
        label(tab, "label", "app.tab.training")
        with gr.Tabs():
            with gr.Tab(t("training.sub.lab", lang), id="training-lab") as sub_lab:
                label(sub_lab, "label", "training.sub.lab")
                from ..outputs.side_by_side import SBS_CSS

                gr.HTML(f"<style>{SBS_CSS}</style>")
                with gr.Row():
                    with gr.Column(scale=2):
                        label(gr.Markdown(t("training.intro", lang)), "value", "training.intro")
                        f_in = label(gr.File(label=t("training.input", lang), file_count="single", type="filepath",
                                             height=120, elem_id="training-in"), "label", "training.input")
                        f_sample = gr.Dropdown(sample_choices(lang), value="", label=t("training.sample", lang),
                                               elem_id="training-sample")
                        f_kind = gr.Dropdown(kind_choices(lang), value=DEFAULT_KIND, label=t("training.kind", lang),
                                             elem_id="training-kind")
                        f_shift = label(gr.Slider(-1000, 1000, value=300, step=20, label=t("training.shift_ms", lang),
                                                  elem_id="training-shift"), "label", "training.shift_ms")
                        from ..core.params import EspeakParams

                        f_text = label(gr.Textbox(EspeakParams().text, label=t("training.text", lang), elem_id="training-text"),
                                       "label", "training.text")
                        f_msgr = label(gr.Checkbox(False, label=t("training.messenger", lang), elem_id="training-messenger"),
                                       "label", "training.messenger")
                        with gr.Accordion(t("training.more", lang), open=False) as f_more:
                            f_other = label(gr.File(label=t("training.other", lang), file_count="single", type="filepath",
                                                    elem_id="training-other"), "label", "training.other")
                            f_photo = label(gr.File(label=t("training.photo", lang), file_count="single", type="filepath",
                                                    file_types=["image"], elem_id="training-photo"), "label", "training.photo")
                        label(f_more, "label", "training.more")
                        f_run = label(gr.Button(t("training.run", lang), variant="primary", elem_id="training-run"),
                                      "value", "training.run")
                        f_html = label(gr.Button(t("training.export.html", lang), elem_id="training-export-html"),
                                       "value", "training.export.html")
                        f_mp4 = label(gr.Button(t("training.export.mp4", lang), elem_id="training-export-mp4"),
                                      "value", "training.export.mp4")
                        f_files = label(gr.File(label=t("training.export.files", lang), file_count="multiple",
                                                elem_id="training-files"), "label", "training.export.files")
                        f_video = label(gr.Video(label=t("training.export.video", lang), elem_id="training-video",
                                                 interactive=False), "label", "training.export.video")
                    with gr.Column(scale=5):
                        f_out = gr.HTML(f'<div class="vr"><p>{t("training.result.empty", lang)}</p></div>',
                                        elem_id="training-result")
                f_state = gr.State(None, delete_callback=_drop)
            with gr.Tab(t("training.sub.quiz", lang), id="training-quiz") as sub_quiz:
                label(sub_quiz, "label", "training.sub.quiz")
                gr.HTML(QUIZ_CSS)
                label(gr.Markdown(t("quiz.intro", lang)), "value", "quiz.intro")
                q0 = quiz.start(items) if items else None
                with gr.Row():
                    with gr.Column(scale=3):
                        m0 = _media_updates(q0) if q0 else ({"value": None}, {"value": None})
                        q_video = gr.Video(m0[0].get("value"), label=t("quiz.player", lang), interactive=False,
                                           visible=m0[0].get("visible", False), elem_id="quiz-video", height=420)
                        q_audio = gr.Audio(m0[1].get("value"), label=t("quiz.player", lang), interactive=False,
                                           visible=m0[1].get("visible", False), elem_id="quiz-audio", type="filepath")
                        label(q_video, "label", "quiz.player")
                        label(q_audio, "label", "quiz.player")
                        with gr.Row():
                            q_real = label(gr.Button(t("quiz.real", lang), size="lg", elem_id="quiz-real"), "value", "quiz.real")
                            q_fake = label(gr.Button(t("quiz.fake", lang), size="lg", elem_id="quiz-fake"), "value", "quiz.fake")
                        with gr.Row():
                            q_reveal = label(gr.Button(t("quiz.reveal", lang), variant="primary", elem_id="quiz-reveal"),
                                             "value", "quiz.reveal")
                            q_next = label(gr.Button(t("quiz.next", lang), interactive=False, elem_id="quiz-next"),
                                           "value", "quiz.next")
                            q_restart = label(gr.Button(t("quiz.restart", lang), elem_id="quiz-restart"),
                                              "value", "quiz.restart")
                    with gr.Column(scale=4):
                        q_view = gr.HTML(quiz_html(q0, lang) if q0 else "", elem_id="quiz-view")
                q_state = gr.State(q0)

    # --- events -------------------------------------------------------------------------------------
    def on_run(path, sample, kind, shift_ms, text, messenger, other, photo, lg, old, progress=gr.Progress()):
        _drop(old)
        html_, state = make_fake(path, sample, kind, shift_ms, text, messenger, other, photo, lg, samples, discard,
                                 progress, run)
        return html_, state, None, None

    f_run.click(on_run, inputs=[f_in, f_sample, f_kind, f_shift, f_text, f_msgr, f_other, f_photo, lang_in, f_state],
                outputs=[f_out, f_state, f_files, f_video], api_name="training_tamper", concurrency_id="analysis")
    f_html.click(lambda st, lg: export_html(st, lg), inputs=[f_state, lang_in], outputs=f_files,
                 api_name="training_export_html")
    f_mp4.click(lambda st, lg: export_mp4(st, lg, run), inputs=[f_state, lang_in], outputs=f_video,
                api_name="training_export_mp4", concurrency_id="analysis")

    q_out = [q_view, q_video, q_audio, q_real, q_fake, q_reveal, q_next, q_state]

    def show(state, lg, media=False):
        lg = normalize_lang(lg)
        mv, ma = _media_updates(state) if media else (gr.update(), gr.update())
        return (quiz_html(state, lg), mv, ma, *_buttons(state), state)

    def q_vote(choice):
        return lambda state, lg: show(quiz.vote(state, choice), lg)

    q_real.click(q_vote(quiz.REAL), inputs=[q_state, lang_in], outputs=q_out, api_name="quiz_vote_real")
    q_fake.click(q_vote(quiz.FAKE), inputs=[q_state, lang_in], outputs=q_out, api_name="quiz_vote_fake")
    q_reveal.click(lambda st, lg: show(quiz_reveal(st, run), lg), inputs=[q_state, lang_in], outputs=q_out,
                   api_name="quiz_reveal", concurrency_id="analysis")
    q_next.click(lambda st, lg: show(quiz.next_item(st), lg, media=True), inputs=[q_state, lang_in], outputs=q_out,
                 api_name="quiz_next")
    q_restart.click(lambda st, lg: show(quiz.restart(st), lg, media=True), inputs=[q_state, lang_in], outputs=q_out,
                    api_name="quiz_restart")

    def relabel(lg, kind, sample, state, qstate):
        lg = normalize_lang(lg)
        result = (f'<div class="vr"><p>{t("training.result.empty", lg)}</p></div>' if not state else
                  _side_by_side(state, lg))
        return (gr.update(choices=kind_choices(lg), value=kind, label=t("training.kind", lg)),
                gr.update(choices=sample_choices(lg), value=sample, label=t("training.sample", lg)),
                result, quiz_html(qstate, lg) if qstate else "")

    lang_in.change(relabel, inputs=[lang_in, f_kind, f_sample, f_state, q_state],
                   outputs=[f_kind, f_sample, f_out, q_view], api_visibility="private")


def _side_by_side(state, lang: str) -> str:
    """The comparison, under a player of each version (inline data: nothing written for it)."""
    from ..outputs.side_by_side import side_by_side_html

    return _players(state, lang) + side_by_side_html(*state["reports"], state["kind"], lang)


def _players(state, lang: str) -> str:
    """Both versions as inline ``<video>``/``<audio>`` players (data URIs, so the browser plays
    them without the files reaching gradio's cache); omitted above :data:`MAX_INLINE_BYTES`."""
    import base64
    import html as _html
    import mimetypes

    cells = []
    for role, path in (("tamper.sbs.original", state["original"]), ("tamper.sbs.tampered", state["tampered"])):
        size = os.path.getsize(path) if os.path.isfile(path) else MAX_INLINE_BYTES + 1
        if size > MAX_INLINE_BYTES:
            return ""
        mime = mimetypes.guess_type(path)[0] or ("video/mp4" if state["video"] else "audio/wav")
        if path.endswith(".m4a"):
            mime = "audio/mp4"
        tag = "video" if mime.startswith("video/") else "audio"
        with open(path, "rb") as f:
            data = base64.b64encode(f.read()).decode()
        style = ' style="width:100%;max-height:360px"' if tag == "video" else ' style="width:100%"'
        cells.append(f'<div><h2>{_html.escape(t(role, lang))}</h2><{tag} controls preload="metadata"{style} '
                     f'src="data:{mime};base64,{data}"></{tag}></div>')
    return f'<div class="vr"><div class="cols" id="training-players">{"".join(cells)}</div></div>'
