"""The "So sánh / Compare" tab in a real browser (Debian's Chromium driven by Playwright): two
uploads, the verdict, both SHA-256 and what to do next in Vietnamese, then in English after the
language switch. Screenshots go to the test's temporary folder (or $VERIFIER_SCREENSHOTS)."""
from __future__ import annotations

import hashlib
import os
import shutil
from urllib.parse import urlparse

import pytest
from conftest_app import running_app
from test_browser import CHROMIUM, LOCAL_HOSTS, _shots, _upload, browser  # noqa: F401 - the browser fixture

from verifier.core.i18n import t

pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium not installed (apt-get install chromium)")]


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    with running_app(tmp_path_factory.mktemp("app-browser-compare")) as url:
        yield url


def test_compare_tab_vi_then_en(browser, app_url, make_clip, tmp_path):  # noqa: F811
    known, questioned = tmp_path / "mau_that.mp4", tmp_path / "cuoc_goi_nghi_ngo.mp4"
    shutil.copy(make_clip("browser_compare_known", duration_s=5.0, seed=1), known)
    shutil.copy(make_clip("browser_compare_questioned", duration_s=5.0, seed=2), questioned)
    shas = [hashlib.sha256(p.read_bytes()).hexdigest() for p in (known, questioned)]
    shots = _shots(tmp_path)
    requests: list[str] = []
    page = browser.new_page(viewport={"width": 1400, "height": 1100}, locale="vi-VN")
    page.on("request", lambda r: requests.append(r.url))
    page.goto(app_url)
    page.wait_for_selector("#video-analyze", timeout=30_000)
    page.get_by_role("tab", name=t("app.tab.compare", "vi")).click()
    page.wait_for_selector("#compare-run", timeout=10_000)
    assert t("app.compare.known", "vi") in page.inner_text("body")

    _upload(page, "#compare-known", known)
    _upload(page, "#compare-questioned", questioned)
    page.click("#compare-run")
    verdict_el = page.wait_for_selector("#compare-result #cmp-verdict", timeout=120_000)
    verdict = verdict_el.get_attribute("data-verdict")
    sentence = verdict_el.get_attribute("data-sentence")  # the verdict's sentence names only the parts compared
    assert verdict in ("different", "unclear", "match_not_proof", "not_comparable"), page.inner_text("#compare-result")
    text = page.inner_text("#compare-result")
    assert t(sentence, "vi") in text and t(f"compare.next.{verdict}", "vi") in text
    assert all(s in text for s in shas) and "mau_that.mp4" in text
    page.screenshot(path=str(shots / "compare_vi.png"), full_page=True)

    page.locator("#lang").get_by_text("English").click()
    page.wait_for_function("(s) => document.querySelector('#compare-result').innerText.includes(s)",
                           arg=t(sentence, "en"), timeout=30_000)
    page.wait_for_function("(s) => document.querySelector('#compare-run').innerText.trim() === s",
                           arg=t("app.compare.button", "en"), timeout=30_000)  # the app's own relabelling
    text = page.inner_text("#compare-result")
    assert t(f"compare.next.{verdict}", "en") in text and all(s in text for s in shas)
    assert t(sentence, "vi") not in text
    assert t("app.compare.known", "en") in page.inner_text("body")
    page.screenshot(path=str(shots / "compare_en.png"), full_page=True)

    outside = [u for u in requests if urlparse(u).scheme in ("http", "https", "ws", "wss")
               and urlparse(u).hostname not in LOCAL_HOSTS]
    assert not outside, outside
    page.close()
