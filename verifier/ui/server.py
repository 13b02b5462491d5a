"""Gradio app: check a video-call clip or a voice message, see the evidence, get the advice.

Thin wiring only: the analysis is ``verifier.analysis.pipeline`` (run in the app's worker process,
:mod:`verifier.ui.worker`), the advice ``verifier.outputs.advice``, the figures ``verifier.outputs.plots``, the
rendering ``verifier.outputs.html``; every sentence comes from ``verifier.core.i18n.t`` (vi, en).

Run:  verifier app                                  # http://127.0.0.1:7860, this computer only
      verifier app --share-lan --password SECRET [--port 7860]   # training room
      (in a checkout also ``.venv/bin/python app.py …``)

API (gradio_client): ``/analyze_video`` and ``/analyze_audio`` take (file, lang, answers)
and return (result HTML, …, the JSON contract of ``python -m verifier analyze --json``, advice HTML).
"""
from __future__ import annotations

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # before gradio is imported

import hmac  # noqa: E402
import logging  # noqa: E402
import signal  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
from pathlib import Path  # noqa: E402

import gradio as gr  # noqa: E402

from ..core.i18n import normalize_lang, t  # noqa: E402
from ..core.params import Limits  # noqa: E402
from ..core.version import __version__  # noqa: E402
from ..outputs.advice import QUESTIONS, advise  # noqa: E402
from ..outputs.html import CSS, advice_html, report_advice, result_html, write_report  # noqa: E402
from ..outputs.plots import figures  # noqa: E402
from .challenge_tab import build_challenge_tab  # noqa: E402
from .compare_tab import build_compare_tab  # noqa: E402
from .jobs import analyze_file, stopped_report  # noqa: E402
from .worker import AnalysisStopped, Worker, in_process  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
# The demo clips of a checkout (python -m verifier.analysis.synth samples). An installed package has none:
# the folder named then does not exist (no examples; the quiz takes --quiz-folder).
SAMPLES = (ROOT if (ROOT / "pyproject.toml").is_file() else Path(__file__).resolve().parent) / "samples"
MAX_MB = int(os.environ.get("VERIFIER_APP_MAX_MB", "200"))  # per upload
MAX_MIN = 10  # minutes per clip; calls to check are short, users cut longer files
LIMITS = Limits(max_duration_s=MAX_MIN * 60.0, max_file_bytes=MAX_MB * 2**20)
# Gradio refuses bigger uploads before they reach us (its own, untranslated message); between
# MAX_MB and this, the library's translated "file too large" message is shown.
UPLOAD_CAP_MB = 2 * MAX_MB
QUEUE_MAX = 16  # waiting analyses; more get "queue full"
VIDEO_EXT = (".mp4", ".mov", ".webm", ".mkv", ".3gp", ".avi")
AUDIO_EXT = (".m4a", ".aac", ".mp3", ".ogg", ".opus", ".wav", ".flac", ".amr")


def _answers(selected) -> dict[str, bool]:
    return {q: q in (selected or []) for q in QUESTIONS}


def _discard_upload(path: str) -> None:
    """Delete an uploaded copy (only inside gradio's upload folder: never an original file
    or a built-in sample)."""
    upload_root = Path(gr.utils.get_upload_folder()).resolve()
    p = Path(path).resolve()
    if upload_root not in p.parents or SAMPLES in p.parents:
        return
    sample = SAMPLES / p.name
    if sample.is_file() and p.is_file() and sample.stat().st_size == p.stat().st_size:  # gradio's copy of an example, reused
        return
    p.unlink(missing_ok=True)
    try:
        p.parent.rmdir()  # gradio keeps one folder per upload
    except OSError:
        pass


def _analyze(path, kind: str, lang: str, progress, run=in_process):
    """The report of one upload, analysed by ``run`` (the app's worker); a crash or a run past
    the time limit there gives a report whose error says so. The upload is deleted."""
    if not path:
        raise gr.Error(t("app.no_file", lang))
    try:
        return run(analyze_file, path, kind, LIMITS, kind == "video", files=(path,),
                   progress=lambda f, stage: progress(f, desc=t(stage, lang)))
    except AnalysisStopped as e:
        return stopped_report(path, e)
    finally:
        _discard_upload(path)


def _advice(report, lang: str, selected) -> str:
    adv = report_advice(report, _answers(selected)) if report is not None else advise(None, _answers(selected))
    return advice_html(adv, lang)


def _shown(value):
    """A figure or gallery output, hidden when there is nothing to draw (no empty frames)."""
    return gr.update(value=value, visible=value is not None)


def _thumbs_html(preview, lang: str) -> str | None:
    """The annotated preview frames as inline JPEG data (an HTML block): unlike a gallery, whose
    images gradio writes into its cache folder, nothing of the user's picture reaches the disk."""
    if not preview:
        return None
    import base64

    import cv2

    cells = []
    for ts, img in preview:
        ok, buf = cv2.imencode(".jpg", cv2.cvtColor(img, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 85])
        if ok:
            cells.append(f'<figure style="margin:0"><img alt="{ts:.1f} s" style="height:120px;border-radius:4px" '
                         f'src="data:image/jpeg;base64,{base64.b64encode(buf.tobytes()).decode()}">'
                         f'<figcaption style="text-align:center;font-size:0.85em">{ts:.1f} s</figcaption></figure>')
    title = t("app.preview", lang)
    return (f'<div id="vr-preview"><div style="font-weight:600;margin:4px 0">{title}</div>'
            f'<div style="display:flex;flex-wrap:wrap;gap:6px">{"".join(cells)}</div></div>')


def _video_view(report, lang, selected):
    # The face-picture figures come last so the API's earlier output positions stay as they were.
    if report is None:
        return (_empty(lang), _shown(None), _shown(None), _shown(None), _shown(None), None, _advice(None, lang, selected),
                _shown(None), _shown(None))
    figs = figures(report, lang)
    gallery = _thumbs_html(report.artifacts.preview, lang)
    return (result_html(report, lang), _shown(figs["blink"]), _shown(figs["lipsync"]), _shown(figs["spectrogram"]),
            _shown(gallery), report.to_dict(), _advice(report, lang, selected), _shown(figs["frames"]),
            _shown(figs["frame_views"]))


def _audio_view(report, lang, selected):
    if report is None:
        return _empty(lang), _shown(None), None, _advice(None, lang, selected)
    return (result_html(report, lang), _shown(figures(report, lang)["spectrogram"]), report.to_dict(),
            _advice(report, lang, selected))


def _empty(lang: str) -> str:
    return f'<div class="vr"><p>{t("app.result.empty", lang)}</p></div>'


def _upload_path(value):
    """The uploaded file's path. The video event runs with ``preprocess=False``: gr.File's own
    preprocessing (gradio 6.31, type="filepath") leaves one empty temporary file per upload in
    gradio's folder, never deleted; the path check against the upload folder still runs."""
    return value.get("path") if isinstance(value, dict) else value


def analyze_video(video, lang, selected, progress=gr.Progress(), run=in_process):
    lang = normalize_lang(lang)
    report = _analyze(_upload_path(video), "video", lang, progress, run)
    return (*_video_view(report, lang, selected), report)


def analyze_audio(audio, lang, selected, progress=gr.Progress(), run=in_process):
    lang = normalize_lang(lang)
    report = _analyze(audio, "audio", lang, progress, run)
    return (*_audio_view(report, lang, selected), report)


def make_report(report, lang, selected):
    """Write the HTML and JSON report into a fresh folder inside gradio's own folder, only when
    asked: gradio serves it from there without a second copy, and its schedule (``delete_cache``)
    removes it (a private folder kept every report, with the user's face pictures, until exit)."""
    lang = normalize_lang(lang)
    if report is None:
        raise gr.Error(t("app.download.none", lang))
    folder = tempfile.mkdtemp(prefix="report-", dir=gr.utils.get_upload_folder())
    return list(write_report(report, folder, lang, _answers(selected)))


# --- layout -------------------------------------------------------------------------------
_LABELS: list[tuple] = []  # (component, property, i18n key, params): re-rendered on language change


def _L(component, prop: str, key: str, **params):
    _LABELS.append((component, prop, key, params))
    return component


def _situation(lang: str):
    return gr.CheckboxGroup(choices=[(t(f"advice.q.{q}", lang), q) for q in QUESTIONS], value=[],
                            label=t("advice.q.title", lang), info=t("advice.q.hint", lang))


def _examples(ext: tuple[str, ...]) -> list[list[str]]:
    return [[str(p)] for p in sorted(SAMPLES.glob("*")) if p.suffix.lower() in ext] if SAMPLES.is_dir() else []


def build_demo(lang: str = "vi", run=in_process) -> gr.Blocks:
    """The app; ``run`` runs each analysis (a :class:`~verifier.ui.worker.Worker`, or in this process)."""
    _LABELS.clear()
    with gr.Blocks(title=t("app.title", lang), analytics_enabled=False, delete_cache=(600, 1800)) as demo:
        with gr.Row():
            header = gr.Markdown(f"## {t('app.title', lang)}\n{t('app.subtitle', lang)}")
            lang_in = gr.Radio(choices=[("Tiếng Việt", "vi"), ("English", "en")], value=lang,
                               label=t("app.lang", lang), scale=0, min_width=220, elem_id="lang")
        _L(lang_in, "label", "app.lang")

        with gr.Tabs():
            # --- video call -------------------------------------------------------------------
            with gr.Tab(t("app.tab.video", lang), id="video") as tab_v:
                with gr.Row():
                    with gr.Column(scale=3):
                        v_help = gr.Markdown(t("app.video.help", lang, max_mb=MAX_MB, max_min=MAX_MIN))
                        # A file box, not gr.Video: the browser cannot play many clips we analyse
                        # (iPhone HEVC .mov, 3gp, avi), and gr.Video then shows a red "Error /
                        # Video not playable" in English although the analysis works.
                        v_in = gr.File(label=t("app.video.input", lang), file_count="single", type="filepath",
                                       height=140, elem_id="video-in")
                        v_btn = gr.Button(t("app.analyze", lang), variant="primary", elem_id="video-analyze")
                        v_ex = _examples(VIDEO_EXT)
                        v_examples = gr.Examples(v_ex, inputs=[v_in], label=t("app.examples", lang)) if v_ex else None
                        v_result = gr.HTML(_empty(lang), elem_id="video-result")
                        with gr.Accordion(t("app.plots", lang), open=True) as v_acc:
                            v_blink = gr.Plot(label=t("app.plot.blink", lang), format="png", show_label=False, visible=False)
                            v_lips = gr.Plot(label=t("app.plot.lipsync", lang), format="png", show_label=False, visible=False)
                            v_spec = gr.Plot(label=t("app.plot.spec", lang), format="png", show_label=False, visible=False)
                            v_frames = gr.Plot(label=t("app.plot.frames", lang), format="png", show_label=False, visible=False)
                            v_views = gr.Plot(label=t("app.plot.views", lang), format="png", show_label=False, visible=False)
                            # Inline images (see _thumbs_html), not gr.Gallery: no thumbnail file is left behind.
                            v_gallery = gr.HTML(visible=False, elem_id="video-preview")
                        with gr.Accordion(t("app.json", lang), open=False) as v_jacc:
                            v_json = gr.JSON()
                    with gr.Column(scale=2):
                        v_sit = _situation(lang)
                        v_advice = gr.HTML(_advice(None, lang, []), elem_id="video-advice")
                        v_dl = gr.Button(t("app.download.button", lang), elem_id="video-download")
                        v_files = gr.File(label=t("app.download.files", lang), file_count="multiple")
                v_state = gr.State(None)
            # --- voice message -------------------------------------------------------------------
            with gr.Tab(t("app.tab.audio", lang), id="audio") as tab_a:
                with gr.Row():
                    with gr.Column(scale=3):
                        a_help = gr.Markdown(t("app.audio.help", lang, max_mb=MAX_MB, max_min=MAX_MIN))
                        a_in = gr.Audio(label=t("app.audio.input", lang), sources=["upload"], type="filepath",
                                        elem_id="audio-in")
                        a_btn = gr.Button(t("app.analyze", lang), variant="primary", elem_id="audio-analyze")
                        a_ex = _examples(AUDIO_EXT)
                        a_examples = gr.Examples(a_ex, inputs=[a_in], label=t("app.examples", lang)) if a_ex else None
                        a_result = gr.HTML(_empty(lang), elem_id="audio-result")
                        a_spec = gr.Plot(label=t("app.plot.spec", lang), format="png", show_label=False, visible=False)
                        with gr.Accordion(t("app.json", lang), open=False) as a_jacc:
                            a_json = gr.JSON()
                    with gr.Column(scale=2):
                        a_sit = _situation(lang)
                        a_advice = gr.HTML(_advice(None, lang, []), elem_id="audio-advice")
                        a_dl = gr.Button(t("app.download.button", lang), elem_id="audio-download")
                        a_files = gr.File(label=t("app.download.files", lang), file_count="multiple")
                a_state = gr.State(None)
            # --- compare with a genuine sample (verifier/ui/compare_tab.py) ----------------------------
            build_compare_tab(lang, lang_in, _L, _discard_upload, run=run)
            build_challenge_tab(lang, lang_in, _L, _discard_upload, run=run)  # liveness challenge (verifier/ui/challenge_tab.py)
            # --- what to do --------------------------------------------------------------------
            with gr.Tab(t("app.tab.todo", lang), id="todo") as tab_t:
                todo_intro = gr.Markdown(t("app.todo.intro", lang))
                with gr.Row():
                    with gr.Column(scale=2):
                        t_sit = _situation(lang)
                    with gr.Column(scale=3):
                        t_advice = gr.HTML(_advice(None, lang, []), elem_id="todo-advice")
            # --- training (issue 10): tamper lab side by side, quiz (verifier/ui/training_tab.py) ---
            from .training_tab import training_tab

            training_tab(lang, lang_in, _L, samples=SAMPLES, discard=_discard_upload, quiz_items=_quiz_items(), run=run)
            # --- about -------------------------------------------------------------------------
            with gr.Tab(t("app.tab.about", lang), id="about") as tab_i:
                about = gr.Markdown(t("app.about.md", lang) + "\n\n" + t("app.about.version", lang, version=__version__))

        for comp, key in ((tab_v, "app.tab.video"), (tab_a, "app.tab.audio"), (tab_t, "app.tab.todo"),
                          (tab_i, "app.tab.about"), (v_in, "app.video.input"), (a_in, "app.audio.input"),
                          (v_acc, "app.plots"), (v_blink, "app.plot.blink"), (v_lips, "app.plot.lipsync"),
                          (v_spec, "app.plot.spec"), (a_spec, "app.plot.spec"),
                          (v_frames, "app.plot.frames"), (v_views, "app.plot.views"),
                          (v_jacc, "app.json"), (a_jacc, "app.json"), (v_files, "app.download.files"),
                          (a_files, "app.download.files")):
            _L(comp, "label", key)
        for comp in (v_btn, a_btn):
            _L(comp, "value", "app.analyze")
        for comp in (v_dl, a_dl):
            _L(comp, "value", "app.download.button")
        _L(v_help, "value", "app.video.help", max_mb=MAX_MB, max_min=MAX_MIN)
        _L(a_help, "value", "app.audio.help", max_mb=MAX_MB, max_min=MAX_MIN)
        _L(todo_intro, "value", "app.todo.intro")
        for ex in (v_examples, a_examples):
            if ex is not None:
                _L(ex.dataset, "label", "app.examples")

        # --- events ------------------------------------------------------------------------------
        v_out = [v_result, v_blink, v_lips, v_spec, v_gallery, v_json, v_advice, v_frames, v_views, v_state]

        def on_video(video, lang, selected, progress=gr.Progress()):
            return analyze_video(video, lang, selected, progress, run)

        def on_audio(audio, lang, selected, progress=gr.Progress()):
            return analyze_audio(audio, lang, selected, progress, run)

        v_btn.click(on_video, inputs=[v_in, lang_in, v_sit], outputs=v_out, api_name="analyze_video",
                    concurrency_id="analysis", preprocess=False)  # see _upload_path
        a_out = [a_result, a_spec, a_json, a_advice, a_state]
        a_btn.click(on_audio, inputs=[a_in, lang_in, a_sit], outputs=a_out, api_name="analyze_audio",
                    concurrency_id="analysis")
        for sit, adv, state in ((v_sit, v_advice, v_state), (a_sit, a_advice, a_state), (t_sit, t_advice, None)):
            inputs = [lang_in, sit] + ([state] if state is not None else [])
            sit.change(lambda lg, sel, rep=None: _advice(rep, normalize_lang(lg), sel), inputs=inputs,
                       outputs=adv, api_visibility="private", queue=False)
        v_dl.click(make_report, inputs=[v_state, lang_in, v_sit], outputs=v_files, api_name="report_video")
        a_dl.click(make_report, inputs=[a_state, lang_in, a_sit], outputs=a_files, api_name="report_audio")

        labelled = [c for c, *_ in _LABELS]
        sits = [v_sit, a_sit, t_sit]

        def relabel(lg, v_rep, a_rep, v_sel, a_sel, t_sel):
            lg = normalize_lang(lg)
            ups = [gr.update(**{prop: t(key, lg, **params)}) for _, prop, key, params in _LABELS]
            ups.append(gr.update(value=f"## {t('app.title', lg)}\n{t('app.subtitle', lg)}"))
            ups.append(gr.update(value=t("app.about.md", lg) + "\n\n" + t("app.about.version", lg, version=__version__)))
            ups += [gr.update(choices=[(t(f"advice.q.{q}", lg), q) for q in QUESTIONS], label=t("advice.q.title", lg),
                              info=t("advice.q.hint", lg)) for _ in sits]
            ups += list(_video_view(v_rep, lg, v_sel)) + list(_audio_view(a_rep, lg, a_sel))
            ups.append(_advice(None, lg, t_sel))
            return ups

        lang_in.change(relabel, inputs=[lang_in, v_state, a_state, v_sit, a_sit, t_sit],
                       outputs=labelled + [header, about] + sits + v_out[:-1] + a_out[:-1] + [t_advice],
                       api_visibility="private")
    demo.queue(default_concurrency_limit=1, max_size=QUEUE_MAX)
    return demo


def _quiz_items():
    """The quiz's items: the folder of ``--quiz-folder`` / $VERIFIER_QUIZ_DIR, else the demo set (None)."""
    folder = os.environ.get("VERIFIER_QUIZ_DIR")
    if not folder:
        return None
    from ..outputs.quiz import load_items

    return load_items(folder)


def _warm_up_figures() -> None:
    """Draw one figure while the page opens, so that the first result does not wait for
    matplotlib's start (the models load in the worker). A failure only means a slower first result."""
    try:
        from ..outputs.plots import _fig, to_png_base64

        fig = _fig()
        ax = fig.subplots()
        ax.plot([0.0, 1.0], [0.0, 1.0])
        ax.set_title("Tiếng nói / speech")
        to_png_base64(fig)  # fonts found and cached: what gradio does with each figure
    except Exception:  # noqa: BLE001 - warm-up is an optimisation, never a reason to stop serving
        pass


def _interrupt(signum, frame):
    raise KeyboardInterrupt  # SIGTERM: gradio closes the server, then serve() stops the worker


def serve(args, error=None) -> None:
    """Serve the app as ``verifier app`` parsed ``args`` (:func:`verifier.ui.add_arguments`);
    ``error(message)`` refuses bad options (argparse's ``error``: exit status 2)."""
    def refuse(message: str):
        if error is None:
            raise SystemExit(message)
        error(message)

    if args.share_lan and not args.password:
        refuse("--share-lan needs --password (or VERIFIER_APP_PASSWORD)")
    auth = None
    if args.password:
        password = args.password
        auth = lambda _user, pw: hmac.compare_digest(pw.encode(), password.encode())  # noqa: E731
    # A bug's traceback (logged by the pipeline at DEBUG) belongs in the server log, never on the page.
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("verifier").setLevel(logging.DEBUG)
    if args.quiz_folder:  # the quiz of the Training tab on the officer's folder (issue 10)
        os.environ["VERIFIER_QUIZ_DIR"] = os.path.abspath(args.quiz_folder)
    worker = Worker()
    try:
        demo = build_demo(run=worker)
    except ValueError as e:
        refuse(str(e))
    worker.start()  # it loads the models while the page opens
    signal.signal(signal.SIGTERM, _interrupt)
    threading.Thread(target=_warm_up_figures, name="warm-up", daemon=True).start()
    try:
        demo.launch(server_name="0.0.0.0" if args.share_lan else "127.0.0.1", server_port=args.port, auth=auth,
                    max_file_size=f"{UPLOAD_CAP_MB}mb", css=CSS, footer_links=["api"], show_error=True,
                    allowed_paths=[p for p in (str(SAMPLES) if SAMPLES.is_dir() else None,
                                               os.environ.get("VERIFIER_QUIZ_DIR")) if p] or None)
    finally:
        worker.close()
