"""The Training tab through the app's API (gradio_client): make a fake of an uploaded clip and
compare, export the page and the side-by-side MP4, translated errors, and the quiz from the
first vote to the score. Nothing of the upload is kept but what is exported."""
from __future__ import annotations

import html
import os
import re
import shutil

import pytest
from conftest_app import running_app

from verifier.core.i18n import t

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def app_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("app-training")


@pytest.fixture(scope="module")
def work_tmp(tmp_path_factory):
    return tmp_path_factory.mktemp("app-training-tmp")


@pytest.fixture(scope="module")
def client(app_dir, work_tmp):
    from gradio_client import Client

    mp = pytest.MonkeyPatch()
    mp.setenv("TMPDIR", str(work_tmp))  # the app's private working folders land here, where the test can see them
    try:
        with running_app(app_dir) as url:
            yield Client(url, verbose=False)
    finally:
        mp.undo()


@pytest.fixture(scope="module")
def clip(make_clip):
    return make_clip("training_api_call", duration_s=5.0, blink_times_s=(1.0, 3.0))


def _tamper(client, path, kind, lang="vi", **kw):
    from gradio_client import handle_file

    args = dict(sample="", shift_ms=300, text="", messenger=False, other=None, photo=None)
    args.update(kw)
    out = client.predict(handle_file(path) if path else None, args["sample"], kind, args["shift_ms"], args["text"],
                         args["messenger"], args["other"], args["photo"], lang, api_name="/training_tamper")
    return out[0] if isinstance(out, (list, tuple)) else out


def _working_copies(work_tmp):
    return [p for p in work_tmp.glob("verifier-training-*/*/*") if p.is_file() and "export-" not in p.parent.name]


def test_named_endpoints(client):
    api = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert {"/training_tamper", "/training_export_html", "/training_export_mp4", "/quiz_vote_real", "/quiz_vote_fake",
            "/quiz_reveal", "/quiz_next", "/quiz_restart"} <= set(api)


def test_tamper_compare_and_export(client, clip, app_dir, work_tmp):
    from verifier.analysis.media import probe

    before = os.path.getmtime(clip), os.path.getsize(clip)
    page = html.unescape(_tamper(client, clip, "shift", "en"))
    assert t("tamper.shift.name", "en") in page and t("tamper.shift.explain", "en") in page
    assert re.search(r'id="verdict" data-verdict="(caught|partly|missed|already_high|unknown)"', page)
    assert page.count('id="vr-level"') == 2  # both versions' levels
    assert re.search(r'data-signal="lipsync" data-change="\w+"', page)
    assert t("lipsync.name", "en") + ":" in page  # the sentence of the lip-sync row
    assert (os.path.getmtime(clip), os.path.getsize(clip)) == before  # the original is only read
    assert not list((app_dir / "gradio-tmp").rglob(os.path.basename(clip)))  # gradio's copy of the upload is gone
    first = _working_copies(work_tmp)
    assert len(first) == 2  # the session's copy of the original and its tampered copy
    # Both versions play inline (data URIs): no copy of either reaches gradio's folder before an export.
    assert page.count('src="data:video/mp4;base64,') == 2 and 'id="training-players"' in page
    stem = os.path.splitext(os.path.basename(clip))[0]
    assert not [f for f in (app_dir / "gradio-tmp").rglob(f"{stem}*")]

    files = client.predict("vi", api_name="/training_export_html")
    exported = next(f for f in files if f.endswith(".html"))
    text = open(exported, encoding="utf-8").read()
    assert t("tamper.sbs.title", "vi") in text and 'data-figure="lipsync"' in text
    assert any(f.endswith(".mp4") for f in files)

    video = client.predict("en", api_name="/training_export_mp4")
    video = video["video"] if isinstance(video, dict) else video
    info = probe(video)
    assert info.has_video and info.width > 2 * 640 * 0.9 and abs(info.duration_s - 5.0) < 0.3

    # A second fake replaces the first: the earlier working copies are deleted.
    _tamper(client, clip, "vocoder", "vi")
    second = _working_copies(work_tmp)
    assert len(second) == 2 and not set(first) & set(second)


def test_translated_errors(client, tmp_path):
    import numpy as np
    import soundfile as sf
    from gradio_client.exceptions import AppError

    wav = tmp_path / "tin_nhan.wav"
    sf.write(wav, (0.1 * np.sin(np.arange(16000) / 5)).astype(np.float32), 16000)
    with pytest.raises(AppError) as e:
        _tamper(client, str(wav), "noblink", "vi")
    assert t("training.error.needs_video", "vi", kind=t("tamper.noblink.name", "vi")) in str(e.value)
    with pytest.raises(AppError) as e:
        _tamper(client, None, "shift", "en")
    assert t("training.error.no_input", "en") in str(e.value)


def test_quiz_from_first_vote_to_score(client):
    from verifier.outputs.quiz import load_items

    items = load_items(os.path.join(os.path.dirname(__file__), "..", "samples"))
    view = client.predict("en", api_name="/quiz_restart")[0]
    assert 'data-index="0"' in view and t("quiz.progress", "en", i=1, n=len(items)) in view
    for i, it in enumerate(items):
        view = client.predict("en", api_name="/quiz_vote_fake")[0]
        assert 'data-vote="fake"' in view
        view = html.unescape(client.predict("en", api_name="/quiz_reveal")[0])
        assert f'data-answer="{it.answer}"' in view
        assert 'id="vr-level"' in view  # the analysis
        assert t("advice.do.call_back_saved", "en") in view and t("advice.plan.title", "en") in view
        assert f'data-correct="{str(it.answer == "fake").lower()}"' in view
        view = client.predict("en", api_name="/quiz_next")[0]
    fakes = sum(it.answer == "fake" for it in items)
    assert f'data-correct="{fakes}" data-scored="{len(items)}"' in view
    assert t("quiz.score", "en", correct=fakes, scored=len(items)) in view
    view = client.predict("vi", api_name="/quiz_restart")[0]
    assert 'data-index="0"' in view and t("quiz.vote.none", "vi") in view


def test_quiz_on_the_officers_folder(tmp_path, make_clip):
    """``app.py --quiz-folder DIR``: the quiz plays DIR's clips in the order of its answer key; a
    folder that does not exist stops the app with a message."""
    from gradio_client import Client

    quiz_dir = tmp_path / "buoi_tap_huan"
    quiz_dir.mkdir()
    for name in ("cuoc_goi_a.mp4", "cuoc_goi_b.mp4"):
        shutil.copy(make_clip("quiz_folder_clip", duration_s=2.0, size=(320, 240)), quiz_dir / name)
    (quiz_dir / "quiz.tsv").write_text("cuoc_goi_b.mp4\treal\t\tbản gốc\ncuoc_goi_a.mp4\tfake\tshift\n", encoding="utf-8")
    with running_app(tmp_path, args=("--quiz-folder", str(quiz_dir))) as url:
        client = Client(url, verbose=False)
        view = client.predict("vi", api_name="/quiz_restart")[0]
        assert "cuoc_goi_b.mp4" in view and t("quiz.progress", "vi", i=1, n=2) in view
        client.predict("vi", api_name="/quiz_vote_real")
        view = html.unescape(client.predict("vi", api_name="/quiz_reveal")[0])
        assert 'data-answer="real"' in view and "bản gốc" in view and t("quiz.mark.correct", "vi") in view
    (tmp_path / "x").mkdir()
    with pytest.raises(RuntimeError, match="quiz folder not found"):
        with running_app(tmp_path / "x", args=("--quiz-folder", str(tmp_path / "missing")), timeout_s=60):
            pass
