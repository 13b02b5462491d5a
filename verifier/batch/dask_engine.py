"""The distributed engine: Dask distributed workers, on this machine or a cluster.

Without an address a :class:`distributed.LocalCluster` of ``workers`` processes (one thread
each) is started and stopped with the batch; with ``address`` (``tcp://host:8786``) the batch
runs on an existing cluster. A :class:`ModelsPlugin` makes every worker, including one that
joins later or is restarted, set its thread budget and load the models once. Input files must be
readable at the same path on every worker (a shared or mounted folder); the reports come back
to this process, which writes every output file.

At most one task per worker thread is in flight, so a task's time limit counts from about when
it starts; a task past its limit has its worker restarted (Dask cannot stop a running task).
"""
from __future__ import annotations

import time

from distributed import WorkerPlugin

from .worker import Task, budget_cores, run_task, warm

POLL_S = 0.5


class ModelsPlugin(WorkerPlugin):
    """Dask worker plugin: thread budget and models loaded once per worker process."""

    name = "verifier-models"

    def __init__(self, cores: int):
        self.cores = cores

    def setup(self, worker) -> None:
        warm(self.cores)


class DaskEngine:
    """Same events as :class:`verifier.batch.local.LocalEngine`, on Dask workers."""

    name = "dask"

    def __init__(self, workers: int = 1, timeout_s: float | None = None, address: str | None = None,
                 cores: int | None = None):
        self.n = max(1, int(workers))
        self.timeout_s = timeout_s
        self.address = address
        self.cores = budget_cores(self.n, cores)
        self._queue: list[Task] = []
        self._running: dict = {}  # future -> (task, start time)
        self.warm_errors: list[str] = []

    def __enter__(self):
        from distributed import Client, LocalCluster

        if self.address:
            self._cluster = None
            self.client = Client(self.address)
        else:
            self._cluster = LocalCluster(n_workers=self.n, threads_per_worker=1, processes=True,
                                         dashboard_address=None, silence_logs=40)
            self.client = Client(self._cluster)
        self.client.register_plugin(ModelsPlugin(self.cores))
        self.slots = max(1, sum(self.client.nthreads().values()))
        return self

    def __exit__(self, *exc):
        self.client.close()
        if self._cluster is not None:
            self._cluster.close()

    def submit(self, task: Task) -> None:
        self._queue.append(task)

    def pending(self) -> int:
        return len(self._queue) + len(self._running)

    def _worker_of(self, key) -> str | None:
        for addr, keys in self.client.processing().items():
            if key in keys:
                return addr
        return None

    def events(self):
        from distributed import wait

        while self.pending():
            while self._queue and len(self._running) < self.slots:
                task = self._queue.pop(0)
                fut = self.client.submit(run_task, task, pure=False, key=f"verify-{task.sha256[:16]}-{time.time_ns()}")
                self._running[fut] = (task, time.monotonic())
                yield ("started", task)
            try:
                done, _ = wait(list(self._running), timeout=POLL_S, return_when="FIRST_COMPLETED")
            except TimeoutError:
                done = ()
            for fut in done:
                task, _ = self._running.pop(fut)
                if fut.status == "finished":
                    yield ("done", task, fut.result())
                else:
                    exc = fut.exception()
                    yield ("failed", task, "batch.crash", f"{type(exc).__name__}: {exc}")
            now = time.monotonic()
            for fut, (task, t0) in list(self._running.items()):
                if self.timeout_s and now - t0 > self.timeout_s:
                    addr = self._worker_of(fut.key)
                    self._running.pop(fut)
                    fut.cancel()
                    if addr:
                        self.client.restart_workers([addr])
                    yield ("failed", task, "batch.timeout", f"{self.timeout_s:g} s")
