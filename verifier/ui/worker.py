"""The app's analyses in a warm worker process, so that a crash in native code ends only that
analysis, never the app (issue 21, item 2).

FFmpeg (PyAV), mediapipe, numba, ONNX Runtime and dlib run native code: a segmentation fault
there inside the Gradio process would end the server for every user of a training room. The app
therefore runs every analysis (video, voice, compare, challenge, tamper, the side-by-side export)
through :class:`Worker`: one process of the batch engine (:class:`verifier.batch.local.LocalEngine`),
started with the app, that loads the models once (:func:`verifier.batch.worker.warm`) and then
runs one job at a time. A worker that crashes or runs past the time limit is killed, its private
temporary folder removed and a fresh one started; that user gets :class:`AnalysisStopped`, a
translated message naming the file, and the next analysis works.

What crosses the pipe is plain picklable data: a :class:`Job` (a module-level function, its
arguments and the user's files) and its result (a :class:`~verifier.core.report.Report`, a
:class:`~verifier.analysis.identity.compare.CompareResult`, a :class:`~verifier.liveness.ChallengeReport`…);
the figures and pages are rendered in the app from the result.

Test-only hook: with ``VERIFIER_TEST_CRASH_ON=NAME`` in the app's environment, the worker writes a
temporary file and kills itself with SIGSEGV before running a job that reads a file named ``NAME``
(the planted crash of ``tests/test_app_crash.py``). Only :func:`run_job`, in the worker, reads it;
never set it outside tests.
"""
from __future__ import annotations

import logging
import os
import signal
import tempfile
import threading
from dataclasses import dataclass, field
from typing import Callable, Mapping

from ..core.errors import VerifierError

log = logging.getLogger(__name__)

TIMEOUT_ENV = "VERIFIER_APP_TIMEOUT_S"
# One job's wall-clock limit, seconds, set by hand: about 8x the analysis of the longest clip the
# app accepts (10 min of 720p: ~100 s on the 2-core machine, from the 60 s clip's 9-11 s), so only
# a hang reaches it.
DEFAULT_TIMEOUT_S = 900.0
CRASH_ENV = "VERIFIER_TEST_CRASH_ON"  # test-only (see the module docstring)


class AnalysisStopped(VerifierError):
    """The worker process crashed (``error.worker_crash``), ran past the time limit
    (``error.worker_timeout``) or cannot start (``error.worker_start``) while analysing ``name``."""


@dataclass(frozen=True)
class Job:
    """``fn(*args, **kwargs)`` in the worker; ``files`` are the user's files it reads (named in
    a crash message). ``progress``: pass the job a ``progress(fraction, key)`` keyword."""

    fn: Callable
    args: tuple = ()
    kwargs: Mapping = field(default_factory=dict)
    files: tuple[str, ...] = ()
    progress: bool = False


def run_job(job: Job, progress: Callable[[float, str], None] | None = None):
    """Run ``job`` (in the worker). Returns ``("ok", result)``, ``("error", VerifierError)``
    for a file the job cannot read, or ``("bug", "Type: message")`` for a bug (its traceback
    goes to the worker's log)."""
    planted = os.environ.get(CRASH_ENV)
    if planted and any(os.path.basename(f) == planted for f in job.files):
        _planted_crash()
    kw = dict(job.kwargs)
    if job.progress and progress is not None:
        kw["progress"] = progress
    try:
        return "ok", job.fn(*job.args, **kw)
    except VerifierError as e:
        return "error", e
    except Exception as e:  # noqa: BLE001 - a bug: sent back as text, its traceback logged here
        log.exception("bug in %s", getattr(job.fn, "__qualname__", job.fn))
        return "bug", f"{type(e).__name__}: {e}"


def _planted_crash() -> None:
    """Test-only (:data:`CRASH_ENV`): leave a temporary file, as a decoder part-way would, then
    die as a crash in native code does."""
    fd, _ = tempfile.mkstemp(prefix="planted-crash-")
    os.write(fd, b"part of a decoded file")
    os.close(fd)
    os.kill(os.getpid(), signal.SIGSEGV)


def warm_worker(cores: int) -> None:
    """The worker's start-up: the app's logging (a bug's traceback goes to the server log, never
    to the page), then the batch worker's (thread budget, models, first calls)."""
    from ..batch.worker import warm

    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("verifier").setLevel(logging.DEBUG)
    warm(cores)


def in_process(fn: Callable, *args, files=(), progress=None, **kwargs):
    """Run ``fn`` here, in this process: what the tabs do without a :class:`Worker` (tests of
    the handlers, scripts). Same call as :meth:`Worker.__call__`."""
    if progress is not None:
        kwargs["progress"] = progress
    return fn(*args, **kwargs)


def _names(files) -> str:
    from ..analysis.media import display_name

    return ", ".join(display_name(f) for f in files if f) or "-"


class Worker:
    """One warm worker process for the app's analyses, one job at a time.

    ``worker(fn, *args, files=(...), progress=cb, **kwargs)`` runs ``fn(*args, **kwargs)`` in the
    worker and returns its result; a :class:`~verifier.core.errors.VerifierError` raised there is
    raised here. :meth:`start` spawns the worker (it warms up while the page opens),
    :meth:`close` stops it.

    Raises
    ------
    AnalysisStopped
        The worker crashed or ran past ``timeout_s`` (it is replaced), or it cannot start.
    RuntimeError
        A bug in ``fn`` (its traceback is in the worker's log).
    """

    def __init__(self, timeout_s: float | None = None, cores: int | None = None, *,
                 warm_up: Callable[[int], None] = warm_worker):
        self.timeout_s = float(timeout_s or os.environ.get(TIMEOUT_ENV) or DEFAULT_TIMEOUT_S)
        self.cores = cores
        self._warm_up = warm_up
        self._engine = None
        self._lock = threading.Lock()

    def _new_engine(self):
        from ..batch.local import LocalEngine

        engine = LocalEngine(1, self.timeout_s, self.cores, run=run_job, warm_up=self._warm_up, forward_progress=True)
        return engine.__enter__()

    def start(self) -> "Worker":
        with self._lock:
            if self._engine is None:
                self._engine = self._new_engine()
        return self

    def close(self) -> None:
        with self._lock:
            if self._engine is not None:
                self._engine.__exit__(None, None, None)
                self._engine = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()

    def __call__(self, fn: Callable, *args, files=(), progress: Callable[[float, str], None] | None = None, **kwargs):
        job = Job(fn, args, kwargs, tuple(f for f in files if f), progress is not None)
        with self._lock:
            if self._engine is None:
                self._engine = self._new_engine()
            engine = self._engine
            engine.submit(job)
            outcome = None
            try:
                for ev in engine.events():
                    if ev[1] is not job:  # the end of an earlier job whose caller stopped waiting
                        continue
                    if ev[0] == "progress" and progress is not None:
                        progress(ev[2], ev[3])
                    elif ev[0] == "done":
                        outcome = ev[2]
                    elif ev[0] == "failed":
                        key = "error.worker_timeout" if ev[2] == "batch.timeout" else "error.worker_crash"
                        log.error("the app's worker stopped on %s: %s %s", _names(job.files), ev[2], ev[3])
                        raise AnalysisStopped(key, name=_names(job.files), detail=ev[3], limit_s=f"{self.timeout_s:g}")
            except RuntimeError as e:  # every worker died while starting: start afresh on the next job
                log.error("the app's worker cannot start: %s", e)
                engine.__exit__(None, None, None)
                self._engine = None
                detail = str(e).partition("(")[2].rpartition("):")[0] or str(e)  # "exit code -11 (SIGSEGV)"
                raise AnalysisStopped("error.worker_start", name=_names(job.files), detail=detail) from e
        status, value = outcome
        if status == "ok":
            return value
        if status == "error":
            raise value
        raise RuntimeError(value)
