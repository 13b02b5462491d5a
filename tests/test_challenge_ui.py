"""The "Thử thách / Challenge" tab: the script read to the caller (drawings, printable page), the
rendering of a ChallengeReport (built here as a fixture), and the app's ``/challenge`` endpoint on
a generated clip through the real analysis (gradio_client)."""
from __future__ import annotations

import base64
import hashlib
import html
import os
import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from conftest_app import running_app

from verifier.core.i18n import t
from verifier.core.report import AnalysisError
from verifier.liveness.report import CHALLENGE_KINDS, VERDICTS, ChallengeReport, Moment, decide_verdict

SVG_NS = "{http://www.w3.org/2000/svg}"


def _verdict(html_text: str) -> str:
    m = re.search(r'id="ch-verdict" data-verdict="([a-z_]+)"', html_text)
    assert m, html_text[:500]
    return m.group(1)


def _report(moments, performed=None, **kw) -> ChallengeReport:
    performed = performed if performed is not None else {k: any(m.kind == k for m in moments) for k in CHALLENGE_KINDS}
    return ChallengeReport("call.mp4", "ab" * 32, 8.0, moments, performed, decide_verdict(moments, performed),
                           elapsed_s=1.25, **kw)


def _moment(kind, flags=(), n_frames=3, **measures) -> Moment:
    frames = [np.full((48, 40, 3), 60 * i, np.uint8) for i in range(n_frames)]
    return Moment(kind, 2.0, 3.5, 2.8, measures=dict(measures), flags=list(flags), frames=frames,
                  frame_times_s=[1.0, 2.8, 4.6][:n_frames])


# --- the script and its drawings ---------------------------------------------------------------

def test_drawings_are_small_well_formed_svg_without_words():
    from verifier.liveness.drawings import DRAWINGS, head_turn
    from verifier.outputs.challenge_sheet import STEPS

    assert set(DRAWINGS) == set(STEPS) and STEPS[:len(CHALLENGE_KINDS)] == CHALLENGE_KINDS
    for step, draw in DRAWINGS.items():
        svg = draw()
        assert len(svg.encode()) < 30_000, step
        root = ET.fromstring(svg)
        assert root.tag == f"{SVG_NS}svg" and root.get("viewBox") == "0 0 160 160"
        assert not list(root.iter(f"{SVG_NS}text")), step  # no words: the captions are translated
        assert len(list(root.iter())) > 8, step  # a drawing, not an empty box
    # the two turns are mirror images of each other
    assert "scale(-1,1)" in head_turn("left") and "scale(-1,1)" not in head_turn("right")
    with pytest.raises(ValueError):
        head_turn("up")


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_instructions_read_every_step_the_rule_and_offer_the_printable_page(lang):
    from verifier.outputs.challenge_sheet import STEPS, instructions_html, render_printable

    other = "en" if lang == "vi" else "vi"
    page = instructions_html(lang)
    text = html.unescape(page)
    for step in STEPS:
        for part in ("title", "say", "watch"):
            assert t(f"challenge.step.{step}.{part}", lang) in text, (step, part)
            assert t(f"challenge.step.{step}.{part}", other) not in text
    assert page.count("<svg") == len(STEPS)
    for key in ("challenge.ui.rule.fail", "challenge.ui.rule.pass", "challenge.ui.why", "challenge.ui.live"):
        assert t(key, lang) in text
    m = re.search(r'id="ch-printable" href="data:text/html;charset=utf-8;base64,([A-Za-z0-9+/=]+)" download="([^"]+)"', page)
    assert m and m.group(2).endswith(".html")
    assert base64.b64decode(m.group(1)).decode("utf-8") == render_printable(lang)
    printable = render_printable(lang)
    assert printable.count("<svg") == len(STEPS) and 'id="ch-printable"' not in printable
    assert not re.search(r'(src|href)="(https?:)?//', printable)  # self-contained: nothing fetched


def test_cli_writes_the_printable_script(tmp_path):
    import subprocess
    import sys

    from conftest import ROOT

    from verifier.outputs.challenge_sheet import render_printable

    out = tmp_path / "thu_thach.html"
    r = subprocess.run([sys.executable, "-m", "verifier", "challenge-sheet", "--lang", "en", "-o", str(out)], cwd=ROOT,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert out.read_text(encoding="utf-8") == render_printable("en")
    bad = subprocess.run([sys.executable, "-m", "verifier", "challenge-sheet", "-o", str(tmp_path / "no" / "x.html")],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 1


# --- the result of an analysis (reports built here) --------------------------------------------

@pytest.mark.parametrize("lang", ["vi", "en"])
def test_no_moment_says_not_performed_never_a_pass(lang):
    from verifier.ui.challenge_tab import result_html

    html_text = html.unescape(result_html(_report([]), lang))
    assert _verdict(html_text) == "not_performed"
    assert t("challenge.verdict.not_performed", lang) in html_text
    assert t("challenge.ui.next.not_performed", lang) in html_text
    assert t("challenge.ui.moments.none", lang) in html_text
    assert html_text.count('data-performed="false"') == len(CHALLENGE_KINDS)
    # the advice: verify through another channel, and the plan "4 không, 2 phải"
    assert t("advice.do.call_back_saved", lang) in html_text and t("advice.plan.title", lang) in html_text
    assert t("advice.reason.tech_inconclusive", lang) in html_text  # a missing moment: nothing concluded
    assert "ab" * 32 in html_text and "call.mp4" in html_text


def test_moments_with_measures_flags_and_inline_thumbnails():
    from verifier.ui.challenge_tab import result_html

    flagged = _moment("turn_left", flags=["challenge.flag.border_discontinuity"], peak_abs_yaw_deg=52.0,
                      landmark_jitter_px=3.25, identity_distance_before_after=None,
                      flag_values={"challenge.flag.border_discontinuity": [3.75, 2.5]})
    flagged.notes = ["challenge.note.identity_unavailable"]
    calm = _moment("hand", n_frames=2, hand_over_face_share=0.6)
    r = _report([flagged, calm])
    assert r.verdict == "anomaly"
    vi, en = html.unescape(result_html(r, "vi")), html.unescape(result_html(r, "en"))
    assert _verdict(vi) == _verdict(en) == "anomaly"
    assert vi.count("data:image/jpeg;base64,") == en.count("data:image/jpeg;base64,") == 5
    assert 'data-kind="turn_left" data-flagged="true"' in en and 'data-kind="hand" data-flagged="false"' in en
    assert t("challenge.kind.turn_left", "en") in en and t("challenge.kind.hand", "vi") in vi
    assert 'data-flag="challenge.flag.border_discontinuity"' in en
    assert t("challenge.flag.border_discontinuity", "en", value="3.75", threshold="2.50") in en  # value, threshold
    assert t("challenge.flag.border_discontinuity", "vi", value="3,75", threshold="2,50") in vi
    assert t("challenge.note.identity_unavailable", "vi") in vi and "flag_values" not in en
    assert t("challenge.ui.moment.no_flag", "en") in en  # the calm moment
    # measures: the analysis' label (units in words); a key without a label keeps its unit suffix
    assert f'{t("challenge.measure.peak_abs_yaw_deg", "en")}: 52' in en
    assert "landmark_jitter_px: 3.25 px" in en and "landmark_jitter_px: 3,25 px" in vi
    assert f'{t("challenge.measure.identity_distance_before_after", "vi")}: {t("challenge.ui.moment.not_measured", "vi")}' in vi
    assert t("challenge.ui.moment.time", "vi", start="2,0", end="3,5", peak="2,8") in vi
    assert t("challenge.ui.frame", "en", t="4.6") in en
    # the per-kind checklist: two performed, two missing
    assert en.count('data-performed="true"') == 2 and en.count('data-performed="false"') == 2
    assert t("advice.caution.strong", "en") in en  # a flagged moment: strong caution
    assert t("challenge.verdict.anomaly", "vi") not in en


def test_every_verdict_has_its_words_and_colour():
    from verifier.ui.challenge_tab import ADVICE_LEVEL, VERDICT_COLOURS

    for v in VERDICTS:
        assert v in VERDICT_COLOURS and v in ADVICE_LEVEL
        for lang in ("vi", "en"):
            assert t(f"challenge.ui.next.{v}", lang) != f"challenge.ui.next.{v}"
            assert t(f"challenge.verdict.{v}", lang) != f"challenge.verdict.{v}"


def test_a_file_that_cannot_be_read_is_named_in_the_users_language():
    from verifier.ui.challenge_tab import result_html

    err = AnalysisError("error.not_media", "not media", "probe", {"name": "ghi_am.mp4"})
    r = ChallengeReport("ghi_am.mp4", "", 0.0, error=err)
    for lang in ("vi", "en"):
        block = html.unescape(result_html(r, lang))
        assert _verdict(block) == "error"
        assert t("error.not_media", lang, name="ghi_am.mp4") in block
        assert t("challenge.ui.error", lang, name="ghi_am.mp4") in block


def test_run_challenge_discards_the_upload_even_on_error(tmp_path):
    from verifier.ui.challenge_tab import run_challenge

    bad = tmp_path / "khong_phai_video.mp4"
    bad.write_bytes(b"text, not a video\n" * 40)
    gone = []
    r, block = run_challenge(str(bad), "en", gone.append)
    block = html.unescape(block)
    assert _verdict(block) == "error" and "khong_phai_video.mp4" in block
    assert r.error is not None and r.verdict == "not_performed"
    assert t("challenge.ui.error", "en", name="khong_phai_video.mp4") in block
    assert gone == [str(bad)]
    r, block = run_challenge(None, "vi", gone.append)
    assert r is None and t("challenge.ui.no_file", "vi") in block and gone == [str(bad)]


# --- the app's endpoint (the real analysis on a generated clip) --------------------------------

@pytest.fixture(scope="module")
def app_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("app-challenge")


@pytest.fixture(scope="module")
def client(app_dir):
    from gradio_client import Client

    with running_app(app_dir) as url:
        yield Client(url, verbose=False)


@pytest.mark.slow
def test_challenge_endpoint_no_challenge_is_not_performed(client, make_clip, app_dir, tmp_path):
    from gradio_client import handle_file

    clip = make_clip("challenge_still", duration_s=3.0, seed=3)  # a frontal face that never turns
    sha = hashlib.sha256(open(clip, "rb").read()).hexdigest()
    assert "/challenge" in client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    block, data = client.predict(handle_file(clip), "vi", api_name="/challenge")
    block = html.unescape(block)
    assert _verdict(block) == data["verdict"] == "not_performed", data
    assert data["moments"] == [] and not any(data["performed"].values()) and set(data["performed"]) == set(CHALLENGE_KINDS)
    assert data["sha256"] == sha and sha in block
    assert t("challenge.verdict.not_performed", "vi") in block and t("advice.plan.title", "vi") in block
    # the upload is deleted, the original stays; nothing of the picture reaches gradio's folder
    assert os.path.exists(clip)
    assert not list((app_dir / "gradio-tmp").rglob(os.path.basename(clip)))
    images = [p for p in (app_dir / "gradio-tmp").rglob("*") if p.suffix.lower() in (".webp", ".png", ".jpg", ".jpeg")]
    assert not images, images

    block_en = html.unescape(client.predict(handle_file(clip), "en", api_name="/challenge")[0])
    assert t("challenge.verdict.not_performed", "en") in block_en
    assert t("challenge.verdict.not_performed", "vi") not in block_en

    bad = tmp_path / "tin_nhan.mp4"
    bad.write_bytes(b"not a video at all\n" * 50)
    block_bad = html.unescape(client.predict(handle_file(str(bad)), "vi", api_name="/challenge")[0])
    assert _verdict(block_bad) == "error" and "tin_nhan.mp4" in block_bad
    assert t("challenge.ui.error", "vi", name="tin_nhan.mp4") in block_bad
    assert not list((app_dir / "gradio-tmp").rglob("tin_nhan.mp4"))
