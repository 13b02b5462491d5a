"""A native crash during an analysis ends only that analysis, never the app (issue 21, item 2).

The app runs with the test-only hook ``VERIFIER_TEST_CRASH_ON=NAME`` (``verifier.ui.worker``):
its worker process writes a temporary file and dies with SIGSEGV when a job reads a file named
NAME, as a crash in FFmpeg, mediapipe, numba, ONNX Runtime or dlib would. Through gradio_client:
the user whose file crashed gets a translated message naming it (video, voice, compare,
challenge, training), a second user's analysis submitted at the same moment completes, the app
keeps serving, and neither the uploads nor the dead worker's temporary files are left behind.
"""
from __future__ import annotations

import hashlib
import html
import shutil
from pathlib import Path

import pytest
from conftest_app import alive, running_app

from verifier.core.i18n import t

pytestmark = pytest.mark.slow

CRASH_NAME = "cuoc-goi-lam-sap.mp4"  # the file the planted crash fires on
JOB_TIMEOUT_S = 240


def _files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if not p.is_dir()} if folder.is_dir() else set()


def _crash_sentence(lang: str) -> str:
    """The fixed start of the crash message (before the file's name)."""
    return t("error.worker_crash", lang).split("{name}")[0]


@pytest.fixture(scope="module")
def media(make_clip, tmp_path_factory):
    from verifier.analysis.synth import speech_like, write_wav

    d = tmp_path_factory.mktemp("crash_media")
    crash = d / CRASH_NAME
    shutil.copy(make_clip("crash_call", duration_s=3.0, blink_times_s=(1.0,), seed=41), crash)
    other_video = Path(make_clip("crash_other_call", duration_s=3.0, blink_times_s=(1.5,), seed=42))
    voice = d / "tin-nhan-nguoi-khac.wav"
    write_wav(str(voice), speech_like(6.0, seed=43).y, 16000)
    return {"crash": crash, "video": other_video, "voice": voice}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """The app with the planted crash, its own system temp dir and gradio folder."""
    app_dir = tmp_path_factory.mktemp("app_crash")
    app_tmp = app_dir / "tmp"
    app_tmp.mkdir()
    with running_app(app_dir, env={"TMPDIR": str(app_tmp), "VERIFIER_TEST_CRASH_ON": CRASH_NAME}) as url:
        yield {"url": url, "dir": app_dir, "tmp": app_tmp, "gradio": app_dir / "gradio-tmp"}
    # Stopped (SIGTERM): the worker and every private folder are gone with it.
    assert not _files(app_tmp), sorted(_files(app_tmp))
    assert not [p for p in app_tmp.iterdir()], sorted(p.name for p in app_tmp.iterdir())


def test_crash_gives_that_user_the_message_and_a_second_user_still_gets_a_result(app, media):
    from gradio_client import Client, handle_file

    crashing, other = Client(app["url"], verbose=False), Client(app["url"], verbose=False)
    before = {"gradio": _files(app["gradio"]), "tmp": _files(app["tmp"])}
    job_a = crashing.submit(handle_file(str(media["crash"])), "vi", ["money_or_otp", "urgent_or_secret"],
                            api_name="/analyze_video")
    job_b = other.submit(handle_file(str(media["voice"])), "en", [], api_name="/analyze_audio")
    out_a, out_b = job_a.result(timeout=JOB_TIMEOUT_S), job_b.result(timeout=JOB_TIMEOUT_S)

    data = out_a[5]
    assert data["error_key"] == "error.worker_crash" and data["error_where"] == "worker", data
    assert data["file"] == CRASH_NAME
    page = html.unescape(out_a[0])
    assert t("result.error", "vi") in page and _crash_sentence("vi") in page and CRASH_NAME in page
    assert "SIGSEGV" in page and "Traceback" not in page
    assert t("advice.do.call_back_saved", "vi") in out_a[6]  # the advice is still there
    assert t("advice.caution.strong", "vi") in out_a[6]  # and still heeds the situation ticked

    data_b = out_b[2]
    assert data_b["error"] is None and data_b["sha256"] == hashlib.sha256(media["voice"].read_bytes()).hexdigest()
    assert "voice" in data_b["signals"]

    assert alive(app["url"])
    after = {"gradio": _files(app["gradio"]), "tmp": _files(app["tmp"])}
    assert after["gradio"] <= before["gradio"], sorted(after["gradio"] - before["gradio"])  # both uploads deleted
    assert after["tmp"] <= before["tmp"], sorted(after["tmp"] - before["tmp"])  # the dead worker's files too
    assert not list(app["tmp"].rglob("planted-crash-*"))


def test_crash_in_english_and_the_next_analysis_of_the_same_user_works(app, media):
    from gradio_client import Client, handle_file

    c = Client(app["url"], verbose=False)
    out = c.predict(handle_file(str(media["crash"])), "en", [], api_name="/analyze_audio")
    assert out[2]["error_key"] == "error.worker_crash"
    assert _crash_sentence("en") in html.unescape(out[0]) and CRASH_NAME in html.unescape(out[0])
    out = c.predict(handle_file(str(media["video"])), "en", [], api_name="/analyze_video")
    assert out[5]["error"] is None and out[5]["signals"]["blink"]["evidence"]["blink_count"] == 1


def test_crash_in_compare_challenge_and_training_tabs(app, media):
    from gradio_client import Client, handle_file
    from gradio_client.exceptions import AppError

    c = Client(app["url"], verbose=False)
    block = html.unescape(c.predict(handle_file(str(media["voice"])), handle_file(str(media["crash"])), "vi",
                                    api_name="/compare")[0])
    assert 'data-verdict="error"' in block and _crash_sentence("vi") in block and CRASH_NAME in block

    block = html.unescape(c.predict(handle_file(str(media["crash"])), "en", api_name="/challenge")[0])
    assert 'data-verdict="error"' in block and t("challenge.ui.error", "en", name=CRASH_NAME) in block
    assert _crash_sentence("en") in block

    with pytest.raises(AppError) as e:
        c.predict(handle_file(str(media["crash"])), "", "shift", 300, "", False, None, None, "vi",
                  api_name="/training_tamper")
    assert _crash_sentence("vi") in html.unescape(str(e.value)) and CRASH_NAME in html.unescape(str(e.value))
    # The training tab's working folder of that attempt is gone too.
    assert not [p for p in app["tmp"].glob("verifier-training-*/*/*") if p.is_file()]

    # And after all that, the app still analyses.
    out = c.predict(handle_file(str(media["video"])), "vi", [], api_name="/analyze_video")
    assert out[5]["error"] is None
    assert alive(app["url"])
