"""The app's named endpoints work from gradio_client; bad input gives a translated message
and the app keeps serving."""
from __future__ import annotations

import html
import os

import pytest
from conftest_app import APP_MAX_MB, alive, running_app

from verifier.core.i18n import t

pytestmark = pytest.mark.slow

CONTRACT_KEYS = {"file", "sha256", "media", "risk", "level", "signals", "error"}


@pytest.fixture(scope="module")
def app_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("app")


@pytest.fixture(scope="module")
def app_url(app_dir):
    with running_app(app_dir) as url:
        yield url


@pytest.fixture(scope="module")
def client(app_url):
    from gradio_client import Client

    return Client(app_url, verbose=False)


@pytest.fixture(scope="module")
def clip(make_clip):
    return make_clip("app_api_call", duration_s=6.0, blink_times_s=(1.0, 3.5))


def test_named_endpoints(client):
    api = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert {"/analyze_video", "/analyze_audio"} <= set(api)


def test_analyze_video_returns_contract_and_vietnamese_result(client, clip, app_dir):
    from gradio_client import handle_file

    before = os.path.getmtime(clip), os.path.getsize(clip)
    out = client.predict(handle_file(clip), "vi", ["money_or_otp", "urgent_or_secret"], api_name="/analyze_video")
    result_html, data, advice_html = out[0], out[5], out[6]
    assert CONTRACT_KEYS <= set(data)
    assert data["error"] is None, data["error"]
    assert data["media"]["kind"] == "video"
    assert {"blink", "lipsync"} <= set(data["signals"])
    assert data["signals"]["blink"]["evidence"]["blink_count"] == 2
    assert t(f"level.{data['level']}", "vi") in result_html
    # money + urgency: strong caution whatever the technical level
    assert t("advice.caution.strong", "vi") in advice_html
    assert t("advice.do.call_back_saved", "vi") in advice_html
    assert (os.path.getmtime(clip), os.path.getsize(clip)) == before  # the original is only read
    assert not list((app_dir / "gradio-tmp").rglob(os.path.basename(clip)))  # the upload was deleted
    # The preview frames of the user's face come inline, never as files in gradio's folder.
    preview_html = out[4]["value"] if isinstance(out[4], dict) else out[4]
    assert preview_html and preview_html.count("data:image/jpeg;base64,") >= 1
    images = [p for p in (app_dir / "gradio-tmp").rglob("*")
              if p.suffix.lower() in (".webp", ".png", ".jpg", ".jpeg")]
    assert not images, images


def test_analyze_audio_endpoint(client, clip):
    from gradio_client import handle_file

    out = client.predict(handle_file(clip), "en", [], api_name="/analyze_audio")
    data = out[2]
    assert CONTRACT_KEYS <= set(data)
    assert data["media"]["kind"] == "video"  # the file's kind; only its sound was analysed
    assert "blink" not in data["signals"]
    assert t("advice.do.police_no_video", "en") in out[3]


@pytest.mark.parametrize("name, content, key", [
    ("notes.mp4", b"this is a text file, not a video\n" * 20, "error.not_media"),
    ("empty.mp4", b"", "error.empty_file"),
    ("big.mp4", None, "error.file_too_big"),
])
def test_bad_input_gives_translated_message(client, app_url, tmp_path, name, content, key):
    from gradio_client import handle_file

    p = tmp_path / name
    p.write_bytes(content if content is not None else os.urandom(int(1.5 * APP_MAX_MB * 2**20)))
    for lang in ("vi", "en"):
        out = client.predict(handle_file(str(p)), lang, [], api_name="/analyze_video")
        data = out[5]
        assert data["error_key"] == key
        assert t("result.error", lang) in out[0]
        assert name in out[0] and t(key, lang).split("}")[1][:10] in out[0]
        assert t("advice.do.call_back_saved", lang) in out[6]  # advice is always there
    assert alive(app_url)


def test_upload_beyond_cap_refused_and_app_keeps_serving(client, app_url, tmp_path, clip):
    from gradio_client import handle_file

    p = tmp_path / "huge.mp4"
    p.write_bytes(os.urandom(3 * APP_MAX_MB * 2**20))  # beyond the upload cap (2 × limit)
    with pytest.raises(Exception, match="(?i)size"):
        client.predict(handle_file(str(p)), "vi", [], api_name="/analyze_video")
    assert alive(app_url)
    out = client.predict(handle_file(clip), "vi", [], api_name="/analyze_video")
    assert out[5]["error"] is None


def test_report_download(app_url, clip):
    from gradio_client import Client, handle_file

    fresh = Client(app_url, verbose=False)  # a new session: nothing analysed yet
    with pytest.raises(Exception, match=t("app.download.none", "en")[:20]):
        fresh.predict("en", [], api_name="/report_video")
    data = fresh.predict(handle_file(clip), "en", [], api_name="/analyze_video")[5]
    files = fresh.predict("en", ["money_or_otp"], api_name="/report_video")  # same session: its last analysis
    html_path = next(f for f in files if f.endswith(".html"))
    json_path = next(f for f in files if f.endswith(".json"))
    page = open(html_path, encoding="utf-8").read()
    assert data["sha256"] in page and "src=\"http" not in page and "<link" not in page
    assert html.escape(t("advice.plan.title", "en")) in page
    import json

    assert json.load(open(json_path, encoding="utf-8"))["sha256"] == data["sha256"]
