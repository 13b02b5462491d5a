"""What one batch worker does: load the models once, then analyse one file at a time.

Shared by both engines (the local process pool and Dask). A task is a small picklable
:class:`Task`; its outcome a plain dict (the report's JSON, the HTML report, the worker's
peak memory and the seconds spent in each stage), so the parent writes every output file and
the workers need no access to the output folder.
"""
from __future__ import annotations

import os
import resource
import time
from dataclasses import dataclass

from ..core.params import DEFAULT_PARAMS, AnalysisParams
from .walk import display


@dataclass(frozen=True)
class Task:
    """One file to analyse: ``path`` absolute, ``rel`` its display path (the report's ``file``)."""

    sha256: str
    path: str
    rel: str
    kind: str = "auto"
    lang: str = "vi"
    params: AnalysisParams = DEFAULT_PARAMS  # every analysis setting (the voice windows among them)


def budget_cores(workers: int, cores: int | None = None) -> int:
    """Cores each of ``workers`` processes gets in its thread budget (≥ 1), so that N workers
    share the machine's cores instead of each sizing its pools for all of them."""
    cores = cores or int(os.environ.get("VERIFIER_THREADS", "0") or 0) or os.cpu_count() or 1
    return max(1, cores // max(1, workers))


def warm(cores: int) -> None:
    """Set this process's thread budget for ``cores`` cores and load the models once.

    A model that is not installed is left out: each report then says so in its signal.
    """
    from ..analysis import threads
    from ..core.errors import ModelUnavailableError

    threads.configure(threads.ThreadBudget.for_cores(cores))
    threads.apply_torch()
    from ..analysis import speech
    from ..analysis.pipeline import default_fusion, frame_detector
    from ..analysis.voice.detector import default_detector

    for load in (speech.load_model, default_detector, frame_detector, default_fusion):
        try:
            load()
        except ModelUnavailableError:
            pass
    _first_calls()


def _first_calls() -> None:
    """Analyse a generated 1.5 s voice note and a 0.5 s clip once, so first-call costs (imports,
    JIT compilation, the face tracker's graph) are paid at start-up, not by the first file."""
    import tempfile

    from ..analysis.pipeline import analyze
    from ..analysis.synth import make_call_clip, speech_like, write_wav
    from ..outputs.html import render_html

    with tempfile.TemporaryDirectory(prefix="verifier-warm-") as d:
        wav, mp4 = os.path.join(d, "warm.wav"), os.path.join(d, "warm.mp4")
        write_wav(wav, speech_like(1.5, seed=0).y, 16000)
        make_call_clip(mp4, duration_s=0.5, size=(160, 120), seed=0)
        for p in (wav, mp4):
            render_html(analyze(p))  # matplotlib's first figure too


def _clean(obj):
    """The same structure with every string valid UTF-8 (a non-UTF-8 name → ``\\xNN``)."""
    if isinstance(obj, str):
        return display(obj)
    if isinstance(obj, dict):
        return {_clean(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v) for v in obj]
    return obj


def peak_rss_mib() -> float:
    """This process's peak resident memory so far, MiB (Linux ``ru_maxrss`` is in KiB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def run_task(task: Task) -> dict:
    """Analyse ``task``'s file and render its reports.

    Returns
    -------
    dict
        ``report`` (the CLI's JSON contract, ``file`` = the display path), ``html`` (the
        self-contained HTML report in ``task.lang``), ``peak_rss_mib`` (this worker's peak
        memory) and ``stages_s`` (seconds per pipeline stage: probe, decode_track, frames,
        voice, fusion).
    """
    from ..analysis.pipeline import analyze_many
    from ..outputs.html import render_html

    stages: dict[str, float] = {}
    last = [None, time.perf_counter()]

    def progress(frac: float, key: str) -> None:
        now = time.perf_counter()
        if last[0] is not None:
            stages[last[0]] = round(stages.get(last[0], 0.0) + now - last[1], 3)
        last[:] = [key.removeprefix("stage."), now]

    (_, report), = analyze_many([task.path], kind=task.kind, progress=progress, params=task.params)
    report.file = task.rel
    if report.error is not None and report.sha256 is None:
        report.sha256 = task.sha256  # a bug before the probe: the walk's hash still identifies the file
    html = display(render_html(report, task.lang))
    return {"report": _clean(report.to_dict()), "html": html, "peak_rss_mib": peak_rss_mib(),
            "stages_s": stages, "pid": os.getpid()}
