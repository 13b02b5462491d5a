"""Thread budgets, set once per process (or worker), never toggled per call.

Three libraries run native thread pools in an analysis:

* torch (the voice network): intra-op threads, a process-wide setting;
* PyAV/FFmpeg (the picture decoder): frame and slice threads of the video stream (one
  thread for the decode that runs beside the face tracking);
* OpenCV (resizing, Laplacian on face crops): its own pool, process-wide.

An analysis runs the voice network in a worker thread *beside* the side signals (voice
message) or beside the picture decoding and face tracking (video), so the network gets
one core less than the machine has: on the 2-core reference machine, one intra-op thread
(cold 60 s voice message 2.75 s instead of 3.0 s with two contending threads; measured
before this module existed, when the pipeline set one thread for the first call only).

:func:`configure` is called once, on the first analysis of the process (or by a worker's
start-up with its own budget). ``VERIFIER_THREADS=N`` sets the cores the budget is made
for (default: ``os.cpu_count()``). The results are the same for any budget: the thread
counts change only how work is split, not what is computed (tests/test_threads.py).
"""
from __future__ import annotations

import os
import sys
import threading
from dataclasses import dataclass

ENV_VAR = "VERIFIER_THREADS"  # cores the default budget is made for


@dataclass(frozen=True)
class ThreadBudget:
    """Threads of each native pool (counts ≥ 1)."""

    torch_intra_op: int  # the voice network's intra-op threads (it runs beside one busy core)
    av_threads: int  # FFmpeg decoder threads for the video stream (FFmpeg's own default is cores + 1)
    av_thread_type: str  # "AUTO" (frame + slice threads), "FRAME", "SLICE" or "NONE"
    opencv_threads: int  # cv2.setNumThreads
    # FFmpeg decoder threads for a decode that runs in a thread of its own beside other work
    # (verifier.analysis.media.DecodeAhead beside the face tracking and the sound's checks). 1: that
    # thread is already one of the busy ones, and frame threads (cores + 1 of them) only add
    # hand-offs: for the 60 s 720p clip's decode at 15 fps, CPU 1.9 s with 1 thread against
    # 2.1–2.2 s with 3 (measured on the 2-core machine, 2026-12-07). The pixels are the same.
    av_threads_ahead: int = 1

    @classmethod
    def for_cores(cls, cores: int) -> "ThreadBudget":
        """The budget for a machine (or a worker's share) of ``cores`` cores."""
        cores = max(1, int(cores))
        return cls(torch_intra_op=max(1, cores - 1), av_threads=cores + 1, av_thread_type="AUTO",
                   opencv_threads=cores)


def default_budget() -> ThreadBudget:
    """:meth:`ThreadBudget.for_cores` of ``$VERIFIER_THREADS`` or the machine's core count."""
    env = os.environ.get(ENV_VAR, "").strip()
    cores = int(env) if env.isdigit() and int(env) > 0 else (os.cpu_count() or 1)
    return ThreadBudget.for_cores(cores)


_LOCK = threading.Lock()
_BUDGET: ThreadBudget | None = None
_TORCH_THREADS: set[int] = set()  # OS threads whose torch intra-op count is set


def configure(budget: ThreadBudget | None = None) -> ThreadBudget:
    """Set the process's thread budget once; later calls return it unchanged.

    Raises
    ------
    RuntimeError
        A different budget was asked for after one was set (budgets are per process).
    """
    global _BUDGET
    with _LOCK:
        if _BUDGET is None:
            _BUDGET = budget or default_budget()
            import cv2

            cv2.setNumThreads(_BUDGET.opencv_threads)
        elif budget is not None and budget != _BUDGET:
            raise RuntimeError(f"thread budget already set for this process: {_BUDGET}")
        return _BUDGET


def budget() -> ThreadBudget:
    """The process's budget (configured with the default on first use)."""
    return _BUDGET or configure()


def apply_torch() -> None:
    """Give torch its intra-op thread count in the calling thread, once per thread. The count is per OS thread with OpenMP: set in the voice worker, it does not
    reach the main thread that scores the face pictures (measured: a worker's
    ``torch.set_num_threads(1)`` left the main thread at 2), so each thread running a network
    calls this first. Does nothing while torch is not imported (the voice path runs on ONNX
    Runtime, :func:`onnx_session`): every torch network calls it after importing torch."""
    tid = threading.get_ident()
    if tid in _TORCH_THREADS:
        return
    if "torch" not in sys.modules:  # nothing to set: the code that imports torch later calls this again
        return
    b = budget()
    with _LOCK:
        if tid not in _TORCH_THREADS:
            import torch

            torch.set_num_threads(b.torch_intra_op)
            _TORCH_THREADS.add(tid)


def onnx_session(path):
    """An ONNX Runtime session of the model file ``path`` on the CPU, with the budget's
    network threads (:attr:`ThreadBudget.torch_intra_op`: the networks run beside one busy
    core, whichever runtime runs them) as intra-op threads and one inter-op thread. The
    count is per session, so unlike torch's it needs no per-thread call."""
    ort = import_onnxruntime()
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = budget().torch_intra_op
    opts.inter_op_num_threads = 1
    # No memory pattern: with it, ONNX Runtime plans one block for a whole run from the first run's
    # allocations and takes it fresh on the second, so the voice network's second window faulted in
    # ~140 MB more (35,000 pages) and took 0.30 instead of 0.25 s of CPU; without it the arena's
    # blocks of the first run are reused (measured on the 2-core machine, 2026-12-07: same
    # logits and speech probabilities bit for bit, VAD time unchanged).
    opts.enable_mem_pattern = False
    return ort.InferenceSession(str(path), sess_options=opts, providers=["CPUExecutionProvider"])


# onnxruntime 1.32 on Linux starts Microsoft 1DS telemetry by default: a session file (.ses) in
# $TMPDIR, a device id and an SQLite queue under ~/.cache/Microsoft/DeveloperTools (measured).
# This tool promises to work offline and leave nothing behind: the variable, read when
# onnxruntime is imported, turns it off (then no .ses and the queue is not touched, measured).
ORT_TELEMETRY_ENV = "ORT_DISABLE_TELEMETRY"


def import_onnxruntime():
    """``import onnxruntime`` with its telemetry off (:data:`ORT_TELEMETRY_ENV` set first)."""
    os.environ[ORT_TELEMETRY_ENV] = "1"
    import onnxruntime

    return onnxruntime
