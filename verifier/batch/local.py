"""The embedded engine: a pool of local worker processes, no server to start.

Each worker is a spawned process that sets its thread budget and loads the models once
(:func:`verifier.batch.worker.warm`), then analyses one file at a time received through its own
pipe. A file that runs past the time limit gets its worker killed and replaced; a worker that
dies (a crash in native code, the kernel's OOM killer) is replaced too. One pipe per worker:
killing a worker never corrupts a queue shared with the others.
"""
from __future__ import annotations

import multiprocessing as mp
import time
from collections import deque
from dataclasses import dataclass, field
from multiprocessing.connection import wait as wait_conns

from .worker import Task, budget_cores, run_task, warm

POLL_S = 0.2  # how often deadlines and dead workers are checked, seconds
MAX_START_FAILURES = 3  # workers in a row that die before they are ready: give up (a broken install)


def _worker_main(conn, cores: int) -> None:
    try:
        warm(cores)
    except Exception as e:  # noqa: BLE001  (reported to the parent; the analyses will say what is missing)
        conn.send(("warm_failed", f"{type(e).__name__}: {e}"))
    conn.send(("ready", None))
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):  # the parent is gone
            return
        if task is None:
            return
        conn.send(("done", run_task(task)))


@dataclass
class _Worker:
    proc: mp.Process
    conn: object
    ready: bool = False
    task: Task | None = None
    started: float = 0.0
    done_count: int = field(default=0)


class LocalEngine:
    """``submit`` tasks, then iterate :meth:`events` until every submitted task is answered.

    Events are ``("started", task)``, ``("done", task, outcome)`` and
    ``("failed", task, reason_key, detail)`` with ``reason_key`` ``batch.timeout`` or
    ``batch.crash``.
    """

    name = "local"

    def __init__(self, workers: int = 1, timeout_s: float | None = None, cores: int | None = None):
        self.n = max(1, int(workers))
        self.timeout_s = timeout_s
        self.cores = budget_cores(self.n, cores)
        self._ctx = mp.get_context("spawn")  # a fresh interpreter: no inherited torch/OpenMP state
        self._workers: list[_Worker] = []
        self._queue: deque[Task] = deque()
        self.warm_errors: list[str] = []
        self._start_failures = 0

    def __enter__(self):
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
        self._workers = []

    def _spawn(self) -> _Worker:
        parent, child = self._ctx.Pipe(duplex=True)
        p = self._ctx.Process(target=_worker_main, args=(child, self.cores), daemon=True, name="verifier-batch")
        p.start()
        child.close()
        return _Worker(p, parent)

    def _replace(self, w: _Worker) -> None:
        if w.proc.is_alive():
            w.proc.kill()
        w.proc.join()
        w.conn.close()
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
                            raise RuntimeError(f"batch workers die while starting (exit code {code}): "
                                               "run `verifier doctor`")
                    self._replace(w)
                    if task is not None:
                        yield ("failed", task, "batch.crash", f"exit code {code}")
