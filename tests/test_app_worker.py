"""The app's worker process (verifier.ui.worker.Worker) without the app: results, translated
errors, progress, a crash, a run past the time limit, and what each leaves behind.

The jobs are this module's functions (a spawned worker imports them by name) and the warm-up is
a no-op, so each worker starts in about a second."""
from __future__ import annotations

import os
import pickle
import signal
import tempfile
import time

import pytest

from verifier.core.errors import MediaError
from verifier.ui.worker import AnalysisStopped, Worker

pytestmark = pytest.mark.slow


def no_warm_up(cores: int) -> None:
    pass


def add(a, b, progress=None):
    if progress is not None:
        progress(0.5, "stage.voice")
    return {"sum": a + b, "pid": os.getpid()}


def refuse(path):
    raise MediaError("error.not_media", name=os.path.basename(path))


def bug():
    return 1 / 0


def crash_leaving_a_temp_file(path):
    fd, _ = tempfile.mkstemp(prefix="half-written-")
    os.close(fd)
    os.kill(os.getpid(), signal.SIGSEGV)


def hang(path):
    time.sleep(60)


@pytest.fixture
def tmp_root(tmp_path, monkeypatch):
    """This test's system temp folder (the workers' private folders are made inside it)."""
    root = tmp_path / "tmp"
    root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(root))
    return root


def test_errors_pickle_with_their_key_and_params():
    e = pickle.loads(pickle.dumps(AnalysisStopped("error.worker_crash", name="cuộc gọi.mp4", detail="exit code -11")))
    assert type(e) is AnalysisStopped and e.key == "error.worker_crash"
    assert "cuộc gọi.mp4" in e.message("vi") and "exit code -11" in e.message("en")


def test_results_errors_bugs_and_progress_come_back(tmp_root):
    seen = []
    with Worker(timeout_s=30, warm_up=no_warm_up) as w:
        out = w(add, 2, 3, files=("a.wav",), progress=lambda f, k: seen.append((f, k)))
        assert out["sum"] == 5 and out["pid"] != os.getpid()  # it ran in the worker
        assert seen == [(0.5, "stage.voice")]
        with pytest.raises(MediaError) as e:
            w(refuse, "/x/rac.mp4", files=("/x/rac.mp4",))
        assert e.value.key == "error.not_media" and "rac.mp4" in e.value.message("vi")
        with pytest.raises(RuntimeError, match="ZeroDivisionError"):
            w(bug)
        assert w(add, 1, 1)["pid"] == out["pid"]  # errors and bugs do not cost the warm worker
    assert not list(tmp_root.iterdir())


def test_a_crash_is_that_job_s_translated_error_and_the_next_job_runs(tmp_root):
    with Worker(timeout_s=30, warm_up=no_warm_up) as w:
        first = w(add, 0, 0)["pid"]
        with pytest.raises(AnalysisStopped) as e:
            w(crash_leaving_a_temp_file, "/u/cuoc_goi.mp4", files=("/u/cuoc_goi.mp4",))
        assert e.value.key == "error.worker_crash" and "SIGSEGV" in e.value.params["detail"]
        for lang in ("vi", "en"):
            assert "cuoc_goi.mp4" in e.value.message(lang) and "SIGSEGV" in e.value.message(lang)
        after = w(add, 4, 5)
        assert after["sum"] == 9 and after["pid"] != first  # a fresh worker
        # The crashed worker's temporary file went with its private folder.
        assert not list(tmp_root.rglob("half-written-*"))
    assert not list(tmp_root.iterdir())


def test_a_job_past_the_time_limit_is_stopped_and_the_next_job_runs(tmp_root):
    with Worker(timeout_s=2, warm_up=no_warm_up) as w:
        t0 = time.monotonic()
        with pytest.raises(AnalysisStopped) as e:
            w(hang, "/u/dai.m4a", files=("/u/dai.m4a",))
        assert time.monotonic() - t0 < 20
        assert e.value.key == "error.worker_timeout" and "dai.m4a" in e.value.message("en")
        assert "2" in e.value.message("vi")
        assert w(add, 1, 2)["sum"] == 3
    assert not list(tmp_root.iterdir())


def die_while_starting(cores: int) -> None:
    os.kill(os.getpid(), signal.SIGSEGV)


def test_a_worker_that_cannot_start_is_an_error_not_a_hang(tmp_root):
    w = Worker(timeout_s=30, warm_up=die_while_starting)
    try:
        for _ in range(2):  # each job tries afresh, and says so again
            with pytest.raises(AnalysisStopped) as e:
                w(add, 1, 2, files=("/u/tin_nhan.m4a",))
            assert e.value.key == "error.worker_start" and "tin_nhan.m4a" in e.value.message("vi")
            assert "SIGSEGV" in e.value.params["detail"]
    finally:
        w.close()
    assert not list(tmp_root.iterdir())


def test_folders_of_a_killed_engine_are_removed_by_the_next_one(tmp_root):
    """``kill -9`` of an engine and its workers leaves their private folders: the next engine
    removes those of processes that no longer run, and only those."""
    import subprocess

    from verifier.batch.local import TMP_PREFIX

    gone = subprocess.Popen(["true"])
    gone.wait()
    stale = tmp_root / f"{TMP_PREFIX}{gone.pid}-abc123"
    (stale / "sub").mkdir(parents=True)
    (stale / "sub" / "half-decoded.raw").write_bytes(b"x")
    live = tmp_root / f"{TMP_PREFIX}{os.getpid()}-def456"  # a running engine's (this process)
    live.mkdir()
    with Worker(timeout_s=30, warm_up=no_warm_up) as w:
        assert w(add, 1, 1)["sum"] == 2
        assert not stale.exists() and live.is_dir()
    live.rmdir()
    assert not list(tmp_root.iterdir())
