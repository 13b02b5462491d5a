"""What the app's worker process runs (:mod:`verifier.ui.worker`): library calls that read the
user's files, each returning plain picklable data. No gradio here: the worker never imports it.
"""
from __future__ import annotations

from ..analysis.media import DEFAULT_LIMITS, display_name
from ..core.params import DEFAULT_PARAMS, AnalysisParams, Limits


def analyze_file(path: str, kind: str = "auto", limits: Limits = DEFAULT_LIMITS, preview: bool = False,
                 progress=None, params: AnalysisParams = DEFAULT_PARAMS):
    """The :class:`~verifier.core.report.Report` of one file (a bug becomes its ``error.internal``,
    as in :func:`verifier.analysis.pipeline.analyze_many`), analysed with ``params``."""
    from ..analysis.pipeline import analyze_many

    return next(analyze_many([path], kind=kind, limits=limits, preview=preview, progress=progress,
                             params=params))[1]


def stopped_report(path: str, err):
    """The report of a file whose analysis was stopped (``err`` an
    :class:`~verifier.ui.worker.AnalysisStopped`): its error, ``error_where`` ``"worker"``."""
    from ..core.levels import INCONCLUSIVE
    from ..core.report import AnalysisError, Report

    return Report(file=display_name(path), sha256=None, media=None, risk=None, level=INCONCLUSIVE,
                  error=AnalysisError(err.key, err.message("en"), "worker", dict(err.params)))


def tamper_and_analyze(original: str, tampered_stem: str, kind: str, params, *, other: str | None = None,
                       photo: str | None = None, messenger: bool = False, progress=None) -> dict:
    """The training tab's fake (:func:`verifier.tamper.lab.tamper_file` of ``original`` into
    ``tampered_stem`` + ``.mp4``, or ``.m4a``/``.wav`` for a voice message) and the analyses of both.

    Returns
    -------
    dict
        ``video`` (the original has a picture), ``tampered`` (the fake's path) and ``reports``
        (original, tampered); ``reports`` is None when ``kind`` needs a picture and the original
        has none (nothing is made).
    """
    from ..analysis.media import probe
    from ..tamper import AUDIO_KINDS
    from ..tamper.lab import tamper_file

    step = progress or (lambda frac, key: None)
    video = probe(original).has_video
    if not video and kind not in (*AUDIO_KINDS, "photo"):
        return {"video": False, "tampered": None, "reports": None}
    tampered = tampered_stem + (".mp4" if video or kind == "photo" else ".m4a" if kind == "messenger" or messenger
                                else ".wav")
    step(0.05, "training.progress.tamper")
    tamper_file(original, tampered, kind, params, other=other, photo=photo, messenger=messenger)
    step(0.4, "training.progress.original")
    rep_a = analyze_file(original)
    step(0.7, "training.progress.tampered")
    rep_b = analyze_file(tampered)
    return {"video": video, "tampered": tampered, "reports": (rep_a, rep_b)}
