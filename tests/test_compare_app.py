"""The app's "So sánh / Compare" tab through its named endpoint (gradio_client): verdict in the
chosen language, both files' SHA-256, what to do next, uploads deleted; and its pure parts."""
from __future__ import annotations

import hashlib
import json
import os
import re

import pytest
from conftest_app import running_app

from verifier.analysis import registry
from verifier.analysis.identity import compare as cmp
from verifier.analysis.identity import face_embed
from verifier.core.i18n import t


def _face_model_ok() -> bool:
    try:
        import dlib  # noqa: F401
    except ImportError:
        return False
    return registry.status(face_embed.MODEL_NAME)[0] == "ok"


def _sha(path) -> str:
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def _verdict(html_text: str) -> str:
    m = re.search(r'id="cmp-verdict" data-verdict="([a-z_]+)"', html_text)
    assert m, html_text[:500]
    return m.group(1)


# --- pure parts (no app) -----------------------------------------------------------------------

def test_distributions_are_stored_with_the_thresholds_and_ordered():
    from verifier.ui.compare_tab import distributions

    d = distributions()
    for part in ("voice", "face"):
        th = cmp.thresholds()[part]
        same, diff = d[part]["same"], d[part]["different"]
        for q in (same, diff):
            assert q["min"] <= q["p2"] <= q["p25"] <= q["p50"] <= q["p75"] <= q["p98"] <= q["max"] and q["n"] > 30
        assert diff["p50"] < same["p50"] and diff["p2"] < th.different_if_below <= th.match_from < same["p98"]
        measured = json.loads(cmp.THRESHOLDS_FILE.read_text(encoding="utf-8"))["provenance"]["measured"][part]
        assert (same["n"], diff["n"]) == (measured["same_pairs"], measured["different_pairs"])


def test_result_block_and_figure_in_both_languages():
    from verifier.ui.compare_tab import compare_html, similarity_figure

    th = cmp.thresholds()
    import numpy as np

    from verifier.analysis.identity.sample import IdentitySample

    def sample(name, face):
        s = IdentitySample(f"/x/{name}", name, hashlib.sha256(name.encode()).hexdigest(), "image",
                           voice_note="compare.no_sound")
        s.faces = np.asarray([face], np.float32)
        return s

    far = np.zeros(128)
    far[0] = 1 - th["face"].different_if_below + 0.05
    r = cmp.compare_samples(sample("known.jpg", np.zeros(128)), sample("call.jpg", far))
    vi, en = compare_html(r, "vi"), compare_html(r, "en")
    assert _verdict(vi) == "different" and t("compare.verdict.different", "vi") in vi
    assert t("compare.next.different", "en") in en and t("compare.verdict.different", "vi") not in en
    for s in (r.known, r.questioned):
        assert s.sha256 in vi and s.sha256 in en
    assert 'data-part="voice" data-decision="n/a"' in vi
    fig = similarity_figure(r, "en")
    assert fig is not None and len(fig.axes) == 2
    texts = [tx.get_text() for ax in fig.axes for tx in ax.texts]
    assert t("app.compare.plot.not_compared", "en") in texts  # the voice row (no sound)
    assert f"{r.face.similarity:.2f}" in texts
    assert similarity_figure(cmp.compare_samples(IdentitySample("/a", "a", "0", "audio", voice_note="compare.no_sound"),
                                                 IdentitySample("/b", "b", "1", "audio", voice_note="compare.no_sound"))) is None


def test_run_compare_discards_both_uploads_even_on_error(tmp_path):
    from verifier.ui.compare_tab import run_compare

    bad = tmp_path / "not_media.mp4"
    bad.write_bytes(b"text, not a video\n" * 40)
    other = tmp_path / "other.mp4"
    other.write_bytes(b"x")
    gone = []
    r, block = run_compare(str(bad), str(other), "en", gone.append)
    assert r is None and _verdict(block) == "error" and "not_media.mp4" in block
    assert gone == [str(bad), str(other)]
    r, block = run_compare(None, str(other), "vi", gone.append)
    assert r is None and t("app.compare.need_both", "vi") in block


# --- the app's endpoint ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def app_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("app-compare")


@pytest.fixture(scope="module")
def client(app_dir):
    from gradio_client import Client

    with running_app(app_dir) as url:
        yield Client(url, verbose=False)


@pytest.mark.slow
def test_compare_endpoint_vi_and_en(client, make_clip, app_dir):
    from gradio_client import handle_file

    known = make_clip("compare_known", duration_s=5.0, seed=1)
    questioned = make_clip("compare_questioned", duration_s=5.0, seed=2)  # the same (synthetic) face, other noise
    assert "/compare" in client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    out = client.predict(handle_file(known), handle_file(questioned), "vi", api_name="/compare")
    block, data = out[0], out[2]
    verdict = _verdict(block)
    assert verdict in cmp.VERDICTS and data["verdict"] == verdict
    used = [k for k in ("voice", "face") if data[k]["decision"] != "n/a"]
    sentence = data["verdict_key"]  # a match names the one part compared
    assert sentence == (f"compare.verdict.match_not_proof_{used[0]}_only"
                        if verdict == "match_not_proof" and len(used) == 1 else f"compare.verdict.{verdict}")
    assert t(sentence, "vi") in block and t(f"compare.next.{verdict}", "vi") in block
    assert data["known"]["sha256"] == _sha(known) and _sha(known) in block
    assert data["questioned"]["sha256"] == _sha(questioned) and _sha(questioned) in block
    if _face_model_ok():  # one synthetic face in both clips: a match, never "different"
        assert data["face"]["decision"] == "match", data
        assert verdict != "different"
    else:  # the panel says what is missing and how to install it
        assert data["face"]["note"].startswith("model.") and "verifier models install" in block
    # uploads are deleted after the analysis; the originals stay
    assert os.path.exists(known) and os.path.exists(questioned)
    for f in (known, questioned):  # (gradio's own copies of the built-in examples stay there)
        assert not list((app_dir / "gradio-tmp").rglob(os.path.basename(f)))

    out_en = client.predict(handle_file(known), handle_file(questioned), "en", api_name="/compare")
    assert _verdict(out_en[0]) == verdict and t(sentence, "en") in out_en[0]
    assert t(sentence, "vi") not in out_en[0]
