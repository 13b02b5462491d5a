"""The Training tab in a real browser (Debian's Chromium driven by Playwright): the quiz from the
first vote to the score and the side-by-side view of an uploaded clip and its fake, in Vietnamese
and in English, with screenshots (in the test's temporary folder, or $VERIFIER_SCREENSHOTS); and
the printable handout prints on one A4 page in both languages."""
from __future__ import annotations

import json
import re
import shutil
import time
from pathlib import Path

import pytest
from test_browser import CHROMIUM, _shots, _upload, app_url, browser  # noqa: F401 - fixtures

from verifier.core.i18n import t

pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium not installed (apt-get install chromium)")]
ROOT = Path(__file__).resolve().parents[1]


def _open_tab(page, app_url, lang_tab: str, sub_tab: str):  # noqa: F811
    page.goto(app_url)
    page.wait_for_selector("#video-analyze", timeout=30_000)
    page.get_by_role("tab", name=lang_tab).click()
    page.get_by_role("tab", name=sub_tab).click()


def _switch_to_english(page):
    page.locator("#lang").get_by_text("English").click()


def test_quiz_vote_reveal_next_score_vi_then_en(browser, app_url, tmp_path):  # noqa: F811
    from verifier.outputs.quiz import load_items

    items = load_items(ROOT / "samples")
    shots = _shots(tmp_path)
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="vi-VN")
    _open_tab(page, app_url, t("app.tab.training", "vi"), t("training.sub.quiz", "vi"))
    page.wait_for_selector("#quiz-real", timeout=30_000)
    assert t("quiz.progress", "vi", i=1, n=len(items)) in page.inner_text("#quiz-view")
    assert page.inner_text("#quiz-real").strip() == t("quiz.real", "vi")

    for i, it in enumerate(items):
        if i == 1:  # the second item in English: the view and the buttons are re-rendered
            _switch_to_english(page)
            page.wait_for_function("(s) => document.querySelector('#quiz-view').innerText.includes(s)",
                                   arg=t("quiz.progress", "en", i=2, n=len(items)), timeout=30_000)
            page.wait_for_function("(s) => document.querySelector('#quiz-fake').innerText.trim() === s",
                                   arg=t("quiz.fake", "en"), timeout=30_000)
        lang = "vi" if i == 0 else "en"
        vote = "real" if it.answer == "real" else "fake"
        page.click(f"#quiz-{vote}")
        page.wait_for_selector(f'#quiz-view #quiz-vote[data-vote="{vote}"]', timeout=30_000)
        page.click("#quiz-reveal")
        page.wait_for_selector("#quiz-view #quiz-answer", timeout=120_000)
        view = page.inner_text("#quiz-view")
        assert t(f"quiz.answer.{it.answer}", lang) in view
        assert t("quiz.mark.correct", lang) in view
        assert t("advice.do.call_back_saved", lang) in view
        assert t("advice.do.no_other_name_account", lang) in view
        assert "4 không, 2 phải" in view or "4 don'ts, 2 musts" in view
        if i < 2:
            page.screenshot(path=str(shots / f"quiz_reveal_{lang}.png"), full_page=True)
        page.click("#quiz-next")
        if i + 1 < len(items):
            page.wait_for_selector(f'#quiz-view [data-index="{i + 1}"][data-phase="ask"]', timeout=30_000)
    done = page.wait_for_selector("#quiz-view #quiz-done", timeout=30_000)
    assert done.get_attribute("data-correct") == str(len(items))
    assert t("quiz.score", "en", correct=len(items), scored=len(items)) in page.inner_text("#quiz-view")
    page.screenshot(path=str(shots / "quiz_score_en.png"), full_page=True)
    page.click("#quiz-restart")
    page.wait_for_selector('#quiz-view [data-index="0"][data-phase="ask"]', timeout=30_000)
    page.close()


def test_side_by_side_of_an_uploaded_clip_vi_then_en(browser, app_url, make_clip, tmp_path):  # noqa: F811
    """The officer's walkthrough: open the tab, upload a 10 s recording, make the default fake
    (blinks removed), read the side-by-side view, switch language, export the MP4. Timed."""
    clip = make_clip("browser_training_call", duration_s=10.0, blink_times_s=(1.0, 3.5, 6.0, 8.5), seed=9)
    upload = tmp_path / "ghi_hinh_cua_toi.mp4"
    shutil.copy(clip, upload)
    shots = _shots(tmp_path)
    page = browser.new_page(viewport={"width": 1500, "height": 1100}, locale="vi-VN")
    t0 = time.monotonic()
    _open_tab(page, app_url, t("app.tab.training", "vi"), t("training.sub.lab", "vi"))
    page.wait_for_selector("#training-run", timeout=30_000)
    _upload(page, "#training-in", upload)
    page.click("#training-run")
    verdict = page.wait_for_selector("#training-result #verdict", timeout=180_000)
    t_sbs = time.monotonic() - t0
    result = page.inner_text("#training-result")
    assert verdict.get_attribute("data-verdict") in ("caught", "partly", "missed", "already_high", "unknown")
    assert t("tamper.noblink.name", "vi") in result and t("tamper.noblink.explain", "vi") in result
    assert page.locator("#training-result #vr-level").count() == 2
    assert page.locator("#training-result #training-players video").count() == 2  # both versions play
    assert page.locator('#training-result tr[data-signal="blink"]').count() == 1
    assert t("blink.name", "vi") + ":" in page.inner_text('#training-result tr[data-signal="blink"] td.why')
    page.screenshot(path=str(shots / "training_side_by_side_vi.png"), full_page=True)

    _switch_to_english(page)
    page.wait_for_function("(s) => document.querySelector('#training-result').innerText.includes(s)",
                           arg=t("tamper.noblink.name", "en"), timeout=30_000)
    assert t("tamper.sbs.original", "en") in page.inner_text("#training-result")
    page.wait_for_function("(s) => document.querySelector('#training-run').innerText.includes(s)",
                           arg=t("training.run", "en"), timeout=30_000)
    page.click("#training-export-mp4")
    page.wait_for_selector("#training-video video", timeout=120_000)
    t_mp4 = time.monotonic() - t0
    page.screenshot(path=str(shots / "training_side_by_side_en.png"), full_page=True)
    (shots / "training_walkthrough_s.json").write_text(json.dumps(
        {"clip_s": 10.0, "open_upload_fake_compare_s": round(t_sbs, 1), "plus_mp4_export_s": round(t_mp4, 1)}))
    print(f"walkthrough: side by side after {t_sbs:.1f} s, MP4 after {t_mp4:.1f} s")
    page.close()


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_handout_prints_on_one_a4_page(browser, lang, tmp_path):  # noqa: F811
    from verifier.outputs.handout import render_handout

    page = browser.new_page()
    page.set_content(render_handout(lang))
    pdf = page.pdf(format="A4", print_background=True)
    (_shots(tmp_path) / f"handout_{lang}.pdf").write_bytes(pdf)
    counts = [int(n) for n in re.findall(rb"/Count (\d+)", pdf)]
    assert counts and max(counts) == 1, counts
    assert t("advice.plan.title", lang) in page.inner_text("body")
    page.close()
