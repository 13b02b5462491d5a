"""Several people use the app at once (issue 13, item 4).

Four gradio_client sessions upload different files at the same moment (two of them large: a
60 s 1280 × 720 call clip and a 60 s 48 kHz stereo WAV) while a fifth sends garbage (random
bytes named .mp4, then a truncated clip). Each user must get the result of their own file
(SHA-256 of the upload), the garbage a clear translated message, the waiting users their place
in the queue, the app must keep serving, and no uploaded file, temporary copy or derived picture
may remain in gradio's folder (GRADIO_TEMP_DIR) or the app's system temp dir (TMPDIR).
"""
from __future__ import annotations

import hashlib
import os
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import numpy as np
import pytest
from conftest_app import alive, running_app

from verifier.core.i18n import t

pytestmark = pytest.mark.slow

APP_MAX_MB = 64  # per upload in this app instance: the 60 s 720p clip must pass
JOB_TIMEOUT_S = 240  # one user's wait at most (queue + analysis); a hang fails instead of blocking CI


def _sha256(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _files(folder: Path) -> set[str]:
    """Every file (not folder) below ``folder``, as paths relative to it."""
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if not p.is_dir()} if folder.is_dir() else set()


@pytest.fixture(scope="module")
def uploads(make_clip, tmp_path_factory):
    """Five users' files, all different. The clips come from the session's clip cache."""
    from verifier.analysis.synth import speech_like, write_wav

    d = tmp_path_factory.mktemp("uploads")
    big_video = make_clip("concurrency_720p_60s", duration_s=60.0, size=(1280, 720), blink_times_s=(5.0, 20.0, 41.0),
                          seed=31)
    small_video = make_clip("concurrency_small", duration_s=5.0, blink_times_s=(1.5,), seed=32)
    voice = speech_like(60.0, sr=48000, seed=33).y
    big_audio = d / "tin-nhan-dai-48k-stereo.wav"
    write_wav(str(big_audio), np.stack([voice, 0.7 * voice], axis=1), 48000)
    small_audio = d / "tin-nhan-ngan.wav"
    write_wav(str(small_audio), speech_like(6.0, seed=34).y, 16000)
    garbage = d / "rac-ngau-nhien.mp4"
    garbage.write_bytes(np.random.default_rng(35).integers(0, 256, 300_000, dtype=np.uint8).tobytes())
    data = Path(small_video).read_bytes()
    truncated = d / "cuoc-goi-bi-cat.mp4"
    truncated.write_bytes(data[: len(data) // 2])  # the index (moov) is at the end: cut at half, it is lost
    return {"big_video": Path(big_video), "small_video": Path(small_video), "big_audio": big_audio,
            "small_audio": small_audio, "garbage": garbage, "truncated": truncated}


def _describe(folder: Path, names) -> list[str]:
    """What a left-over file is (name, size, first bytes): the assertion message."""
    return [f"{n} ({(folder / n).stat().st_size} B, {(folder / n).read_bytes()[:12]!r})" for n in sorted(names)]


def _drain_statuses(job) -> list:
    """Every status update gradio_client received for ``job`` (its ``communicator.updates``
    queue, which nothing else reads here)."""
    from gradio_client.utils import StatusUpdate

    out, q = [], job.communicator.updates
    while not q.empty():
        u = q.get_nowait()
        if isinstance(u, StatusUpdate):
            out.append(u)
    return out


def test_five_users_at_once(tmp_path_factory, uploads):
    from gradio_client import Client, handle_file
    from gradio_client.utils import Status

    app_dir = tmp_path_factory.mktemp("app_concurrency")
    app_tmp = app_dir / "tmp"  # the app's system temp dir (tempfile.gettempdir() there)
    app_tmp.mkdir()
    gradio_tmp = app_dir / "gradio-tmp"
    # Four users, each with their own file and endpoint; a fifth sends garbage.
    users = {"big_video": "/analyze_video", "big_audio": "/analyze_audio", "small_video": "/analyze_video",
             "small_audio": "/analyze_audio"}
    with running_app(app_dir, max_mb=APP_MAX_MB, env={"TMPDIR": str(app_tmp)}) as url:
        clients = {u: Client(url, verbose=False) for u in [*users, "garbage"]}  # one session each
        before = {"gradio": _files(gradio_tmp), "tmp": _files(app_tmp)}

        garbage_out: list = []

        def garbage_user():
            for f in (uploads["garbage"], uploads["truncated"]):
                garbage_out.append(clients["garbage"].predict(handle_file(str(f)), "vi", [], api_name="/analyze_video"))

        g = threading.Thread(target=garbage_user)
        jobs = {u: clients[u].submit(handle_file(str(uploads[u])), "vi", [], api_name=ep) for u, ep in users.items()}
        g.start()
        results = {u: job.result(timeout=JOB_TIMEOUT_S) for u, job in jobs.items()}
        g.join(timeout=JOB_TIMEOUT_S)
        assert not g.is_alive(), "the garbage user's analyses did not finish"

        # Every user got the result of their own file (no cross-talk).
        for u, out in results.items():
            data = out[5] if users[u] == "/analyze_video" else out[2]
            assert data["error"] is None, (u, data["error"])
            assert data["sha256"] == _sha256(uploads[u]), u
            assert data["file"] == uploads[u].name, u
            assert uploads[u].name in out[0]
            assert not any(uploads[o].name in out[0] for o in uploads if o != u), u
            assert data["media"]["kind"] == ("audio" if u.endswith("audio") else "video")
        assert results["big_video"][5]["media"]["duration_s"] == pytest.approx(60.0, abs=0.5)
        assert results["big_audio"][2]["media"]["duration_s"] == pytest.approx(60.0, abs=0.5)
        assert results["big_video"][5]["signals"]["blink"]["evidence"]["blink_count"] == 3
        assert results["small_video"][5]["signals"]["blink"]["evidence"]["blink_count"] == 1

        # The garbage got the clear message (translated, with its own name), not a traceback.
        assert len(garbage_out) == 2
        for out, f in zip(garbage_out, (uploads["garbage"], uploads["truncated"])):
            data = out[5]
            assert data["error_key"] == "error.not_media", data["error"]
            assert data["file"] == f.name
            assert t("result.error", "vi") in out[0] and f.name in out[0]
            assert "Traceback" not in out[0]

        # The waiting users were told their place in the queue (gradio's "estimation" messages).
        statuses = {u: _drain_statuses(job) for u, job in jobs.items()}
        queued = {u: [s for s in st if s.code == Status.IN_QUEUE and s.rank is not None] for u, st in statuses.items()}
        assert sum(1 for q in queued.values() if q) >= 3, {u: [s.code for s in st] for u, st in statuses.items()}
        assert max(s.rank for q in queued.values() for s in q) >= 2
        assert max(s.queue_size for q in queued.values() for s in q if s.queue_size is not None) >= 3

        # The app keeps serving: a sixth user, after all that.
        assert alive(url)
        late = Client(url, verbose=False).predict(handle_file(str(uploads["small_audio"])), "en", [],
                                                  api_name="/analyze_audio")
        assert late[2]["error"] is None and late[2]["sha256"] == _sha256(uploads["small_audio"])

        # One user also asks for the report to download (their own analysis).
        files = clients["small_video"].predict("vi", [], api_name="/report_video")
        stem = uploads["small_video"].stem
        assert sorted(Path(f).name for f in files) == [f"{stem}.report.html", f"{stem}.report.json"]

        # Nothing of anybody's media is left behind: no upload, copy, thumbnail or plot file. The
        # report asked for lives once, in gradio's folder, whose schedule (delete_cache) removes it.
        after = {"gradio": _files(gradio_tmp), "tmp": _files(app_tmp)}
        new_in_gradio = sorted(after["gradio"] - before["gradio"])
        assert [Path(f).name for f in new_in_gradio] == [f"{stem}.report.html", f"{stem}.report.json"], \
            _describe(gradio_tmp, new_in_gradio)
        assert after["tmp"] <= before["tmp"], _describe(app_tmp, after["tmp"] - before["tmp"])
    for f in uploads.values():  # the users' originals are untouched
        assert f.is_file()


# --- --share-lan with a password --------------------------------------------------------------------


def _http(url: str, data: dict | None = None, cookie: str | None = None) -> tuple[int, str, str | None]:
    """(status, body, Set-Cookie) of a GET, or a form POST when ``data`` is given."""
    req = urllib.request.Request(url, data=urllib.parse.urlencode(data).encode() if data is not None else None,
                                 headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read().decode("utf-8", "replace"), r.headers.get("Set-Cookie")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace"), e.headers.get("Set-Cookie")


def test_share_lan_refuses_a_wrong_password(tmp_path):
    """``--share-lan --password`` listens on every interface and lets nobody in without the
    password: a wrong one is refused at the login (no session cookie) and the API stays closed."""
    password = "mật-khẩu-lớp-học"
    with running_app(tmp_path, args=("--share-lan", "--password", password)) as url:
        assert "0.0.0.0" in (tmp_path / "app.log").read_text()  # all interfaces: the training room
        status, _, cookie = _http(url + "login", {"username": "hoc-vien", "password": "sai"})
        assert status in (400, 401) and not (cookie or "").startswith("access-token")
        for path in ("config", "gradio_api/info"):  # closed without a login
            assert _http(url + path)[0] == 401, path
        status, _, cookie = _http(url + "login", {"username": "hoc-vien", "password": password})
        assert status == 200 and cookie
        assert _http(url + "config", cookie=cookie.split(";")[0])[0] == 200


def test_share_lan_without_password_does_not_start(tmp_path):
    import subprocess
    import sys

    from conftest_app import ROOT

    env = {k: v for k, v in os.environ.items() if k != "VERIFIER_APP_PASSWORD"}
    r = subprocess.run([sys.executable, str(ROOT / "app.py"), "--share-lan", "--port", "1"], cwd=ROOT, env=env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "--password" in r.stderr
