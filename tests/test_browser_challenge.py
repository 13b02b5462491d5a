"""The "Thử thách / Challenge" tab in a real browser (Debian's Chromium driven by Playwright): the
script with its drawings in Vietnamese, a recording without any challenge analysed by the real
analysis ("not performed", never a pass), then everything in English after the language switch;
the printable page fits one A4 page; nothing of the upload is left in gradio's folder.
Screenshots go to the test's temporary folder (or $VERIFIER_SCREENSHOTS)."""
from __future__ import annotations

import hashlib
import os
import re
import shutil
from urllib.parse import urlparse

import pytest
from conftest_app import running_app
from test_browser import CHROMIUM, LOCAL_HOSTS, _shots, _upload, browser  # noqa: F401 - the browser fixture

from verifier.core.i18n import t
from verifier.outputs.challenge_sheet import STEPS, render_printable

pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium not installed (apt-get install chromium)")]


@pytest.fixture(scope="module")
def app_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("app-browser-challenge")


@pytest.fixture(scope="module")
def app_url(app_dir):
    with running_app(app_dir) as url:
        yield url


def test_challenge_tab_vi_then_en(browser, app_url, app_dir, make_clip, tmp_path):  # noqa: F811
    clip = tmp_path / "ghi_man_hinh.mp4"  # the browser uploads a copy; the original stays untouched
    shutil.copy(make_clip("challenge_still", duration_s=3.0, seed=3), clip)
    sha = hashlib.sha256(clip.read_bytes()).hexdigest()
    shots = _shots(tmp_path)
    requests: list[str] = []
    page = browser.new_page(viewport={"width": 1400, "height": 1100}, locale="vi-VN")
    page.on("request", lambda r: requests.append(r.url))
    page.goto(app_url)
    page.wait_for_selector("#video-analyze", timeout=30_000)
    page.get_by_role("tab", name=t("challenge.ui.tab", "vi"), exact=True).click()
    page.wait_for_selector("#challenge-run", timeout=10_000)
    script = page.inner_text("#challenge-instructions")
    for step in STEPS:
        assert t(f"challenge.step.{step}.title", "vi") in script, script
    assert t("challenge.ui.rule.fail", "vi") in script and t("challenge.ui.rule.pass", "vi") in script
    assert page.locator("#challenge-instructions svg").count() == len(STEPS)
    assert page.locator("#challenge-instructions svg").first.bounding_box()["width"] > 50  # drawn, not collapsed
    page.screenshot(path=str(shots / "challenge_script_vi.png"), full_page=True)
    with page.expect_download(timeout=10_000) as dl:  # the printable page, from a data URI (no server file)
        page.click("#ch-printable")
    assert dl.value.suggested_filename == "thu_thach_cuoc_goi.html"
    assert open(dl.value.path(), encoding="utf-8").read() == render_printable("vi")

    _upload(page, "#challenge-input", clip)
    page.click("#challenge-run")
    verdict = page.wait_for_selector("#challenge-result #ch-verdict", timeout=120_000)
    assert verdict.get_attribute("data-verdict") == "not_performed", page.inner_text("#challenge-result")
    text = page.inner_text("#challenge-result")
    assert t("challenge.verdict.not_performed", "vi") in text and t("challenge.ui.moments.none", "vi") in text, text
    assert sha in text and "ghi_man_hinh.mp4" in text, text
    assert page.locator("#ch-checklist li[data-performed=false]").count() == 4, text
    page.locator("#challenge-result").scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "challenge_result_vi.png"), full_page=True)

    page.locator("#lang").get_by_text("English").click()
    page.wait_for_function("(s) => document.querySelector('#challenge-result').innerText.includes(s)",
                           arg=t("challenge.verdict.not_performed", "en"), timeout=30_000)
    page.wait_for_function("(s) => document.querySelector('#challenge-run').innerText.trim() === s",
                           arg=t("challenge.ui.button", "en"), timeout=30_000)  # the app's own relabelling
    page.get_by_role("tab", name=t("challenge.ui.tab", "en"), exact=True).wait_for(timeout=10_000)
    script = page.inner_text("#challenge-instructions")
    assert t("challenge.step.hand.title", "en") in script and t("challenge.step.hand.title", "vi") not in script, script
    text = page.inner_text("#challenge-result")
    assert t("challenge.verdict.not_performed", "vi") not in text and sha in text, text
    page.screenshot(path=str(shots / "challenge_en.png"), full_page=True)

    outside = [u for u in requests if urlparse(u).scheme in ("http", "https", "ws", "wss")
               and urlparse(u).hostname not in LOCAL_HOSTS]
    assert not outside, outside
    page.close()
    # nothing of the user's recording is left in gradio's folder (upload deleted, thumbnails inline)
    left = [p for p in (app_dir / "gradio-tmp").rglob("*")
            if p.name == clip.name or p.suffix.lower() in (".webp", ".png", ".jpg", ".jpeg")]
    assert not left, left


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_printable_script_is_one_a4_page(browser, lang):  # noqa: F811
    page = browser.new_page()
    page.set_content(render_printable(lang))
    pdf = page.pdf(format="A4", print_background=True)
    page.close()
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1
