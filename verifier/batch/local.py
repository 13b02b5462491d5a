"""The embedded engine: a pool of local worker processes, no server to start.

Each worker is a spawned process that sets its thread budget and loads the models once
(:func:`verifier.batch.worker.warm`), then analyses one file at a time received through its own
pipe. A file that runs past the time limit gets its worker killed and replaced; a worker that
dies (a crash in native code, the kernel's OOM killer) is replaced too. One pipe per worker:
killing a worker never corrupts a queue shared with the others. Each worker gets a private
temporary folder (its ``TMPDIR``), removed when the worker is replaced or the engine closes, so a
killed worker leaves no temporary file behind; the folders of an engine whose process was killed
(``verifier-worker-<pid>-*`` of a process that no longer runs) are removed by the next engine.

The app runs its analyses on the same engine (``verifier.ui.worker``): ``run`` and ``warm_up``
choose what a worker does (module-level functions, pickled by reference), and
``forward_progress`` relays the analysis' progress as ``("progress", task, fraction, key)`` events.
"""
from __future__ import annotations

import glob
import multiprocessing as mp
import os
import shutil
import tempfile
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from multiprocessing.connection import wait as wait_conns
from typing import Callable

from .worker import Task, budget_cores, run_task, warm

POLL_S = 0.2  # how often deadlines and dead workers are checked, seconds
TMP_PREFIX = "verifier-worker-"  # + the engine's pid + "-": the workers' private temporary folders
MAX_START_FAILURES = 3  # workers in a row that die before they are ready: give up (a broken install)


def _worker_main(conn, cores: int, run: Callable = run_task, warm_up: Callable = warm, tmp_dir: str | None = None,
                 forward_progress: bool = False) -> None:
    if tmp_dir:  # every temporary file of this worker goes there (the parent removes the folder)
        os.environ["TMPDIR"] = tmp_dir
        tempfile.tempdir = tmp_dir
    try:
        _serve(conn, cores, run, warm_up, forward_progress)
    finally:
        if tmp_dir:
            shutil.rmtree(tmp_dir, ignore_errors=True)


def _serve(conn, cores: int, run: Callable, warm_up: Callable, forward_progress: bool) -> None:
    try:
        warm_up(cores)
    except Exception as e:  # noqa: BLE001  (reported to the parent; the analyses will say what is missing)
        conn.send(("warm_failed", f"{type(e).__name__}: {e}"))
    conn.send(("ready", None))
    lock = threading.Lock()  # progress may come from the analysis' second thread

    def progress(frac: float, key: str) -> None:
        with lock:
            conn.send(("progress", (float(frac), str(key))))

    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):  # the parent is gone
            return
        if task is None:
            return
        out = run(task, progress) if forward_progress else run(task)
        with lock:
            conn.send(("done", out))


def remove_stale_tmp_dirs() -> list[str]:
    """Remove the workers' private folders left by an engine whose process no longer runs
    (killed with its workers, e.g. ``kill -9`` of its process group); the folders removed."""
    removed = []
    for d in glob.glob(os.path.join(tempfile.gettempdir(), f"{TMP_PREFIX}*-*")):
        pid = os.path.basename(d)[len(TMP_PREFIX):].split("-", 1)[0]
        if not pid.isdigit() or _alive(int(pid)):
            continue
        shutil.rmtree(d, ignore_errors=True)
        removed.append(d)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def exit_detail(code: int | None) -> str:
    """A worker's exit status in words: ``exit code -11 (SIGSEGV)`` for a process killed by a signal."""
    import signal

    if code is not None and code < 0:
        try:
            return f"exit code {code} ({signal.Signals(-code).name})"
        except ValueError:
            pass
    return f"exit code {code}"


@dataclass
class _Worker:
    proc: mp.Process
    conn: object
    tmp_dir: str = ""
    ready: bool = False
    task: Task | None = None
    started: float = 0.0
    done_count: int = field(default=0)


class LocalEngine:
    """``submit`` tasks, then iterate :meth:`events` until every submitted task is answered.

    Events are ``("started", task)``, ``("done", task, outcome)`` and
    ``("failed", task, reason_key, detail)`` with ``reason_key`` ``batch.timeout`` or
    ``batch.crash``; with ``forward_progress`` also ``("progress", task, fraction, key)``.
    ``run(task)`` (``run(task, progress)`` with ``forward_progress``) and ``warm_up(cores)`` are
    what each worker does (default: the batch analysis, :mod:`verifier.batch.worker`).
    """

    name = "local"

    def __init__(self, workers: int = 1, timeout_s: float | None = None, cores: int | None = None, *,
                 run: Callable = run_task, warm_up: Callable = warm, forward_progress: bool = False):
        self.n = max(1, int(workers))
        self.timeout_s = timeout_s
        self.cores = budget_cores(self.n, cores)
        self._run, self._warm_up, self._forward_progress = run, warm_up, forward_progress
        self._ctx = mp.get_context("spawn")  # a fresh interpreter: no inherited torch/OpenMP state
        self._workers: list[_Worker] = []
        self._queue: deque[Task] = deque()
        self.warm_errors: list[str] = []
        self._start_failures = 0

    def __enter__(self):
        remove_stale_tmp_dirs()
        self._workers = [self._spawn() for _ in range(self.n)]
        return self

    def __exit__(self, *exc):
        for w in self._workers:
            try:
                w.conn.send(None)
            except (OSError, BrokenPipeError):
                pass
        for w in self._workers:
            w.proc.join(timeout=5)
            if w.proc.is_alive():
                w.proc.kill()
                w.proc.join()
            w.conn.close()
            shutil.rmtree(w.tmp_dir, ignore_errors=True)
        self._workers = []

    def _spawn(self) -> _Worker:
        parent, child = self._ctx.Pipe(duplex=True)
        tmp_dir = tempfile.mkdtemp(prefix=f"{TMP_PREFIX}{os.getpid()}-")
        p = self._ctx.Process(target=_worker_main, daemon=True, name="verifier-batch",
                              args=(child, self.cores, self._run, self._warm_up, tmp_dir, self._forward_progress))
        try:
            p.start()
        except BaseException:
            shutil.rmtree(tmp_dir, ignore_errors=True)
            raise
        finally:
            child.close()
        return _Worker(p, parent, tmp_dir)

    def _replace(self, w: _Worker) -> None:
        if w.proc.is_alive():
            w.proc.kill()
        w.proc.join()
        w.conn.close()
        shutil.rmtree(w.tmp_dir, ignore_errors=True)  # what the killed worker left
        self._workers[self._workers.index(w)] = self._spawn()

    def submit(self, task: Task) -> None:
        self._queue.append(task)

    def pending(self) -> int:
        return len(self._queue) + sum(w.task is not None for w in self._workers)

    def events(self):
        while self.pending():
            for w in self._workers:
                if w.ready and w.task is None and self._queue:
                    w.task, w.started = self._queue.popleft(), time.monotonic()
                    w.conn.send(w.task)
                    yield ("started", w.task)
            ready = wait_conns([w.conn for w in self._workers], timeout=POLL_S)
            for w in list(self._workers):
                if w.conn not in ready:
                    continue
                try:
                    kind, payload = w.conn.recv()
                except (EOFError, OSError):
                    continue  # died: handled below
                if kind == "ready":
                    w.ready = True
                    self._start_failures = 0
                elif kind == "warm_failed":
                    self.warm_errors.append(payload)
                elif kind == "progress":
                    yield ("progress", w.task, *payload)
                elif kind == "done":
                    task, w.task = w.task, None
                    yield ("done", task, payload)
            now = time.monotonic()
            for w in list(self._workers):
                if w.task is not None and self.timeout_s and now - w.started > self.timeout_s:
                    task = w.task
                    self._replace(w)
                    yield ("failed", task, "batch.timeout", f"{self.timeout_s:g} s")
                elif not w.proc.is_alive():
                    task, code = w.task, w.proc.exitcode
                    if not w.ready:
                        self._start_failures += 1
                        if self._start_failures > MAX_START_FAILURES:
                            raise RuntimeError(f"batch workers die while starting ({exit_detail(code)}): "
                                               "run `verifier doctor`")
                    self._replace(w)
                    if task is not None:
                        yield ("failed", task, "batch.crash", exit_detail(code))
