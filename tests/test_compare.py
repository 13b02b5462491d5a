"""verifier compare: embedders (alignment, mel), verdict rules, CLI, model-missing path, dev-data behaviour."""
from __future__ import annotations

import hashlib
import json

import numpy as np
import pytest
from conftest import SHARED, forget, requires_shared

from verifier.analysis import registry
from verifier.analysis.identity import compare as cmp
from verifier.analysis.identity import face_embed, speaker
from verifier.analysis.identity.sample import IdentitySample

AUDIO = SHARED / "data" / "audio"


def _installed(name: str) -> bool:
    return registry.status(name)[0] == "ok"


needs_voice_model = pytest.mark.skipif(not _installed(speaker.MODEL_NAME), reason="model missing: verifier models install resemblyzer-ge2e")


def _dlib_ok() -> bool:
    try:
        import dlib  # noqa: F401
    except ImportError:
        return False
    return _installed(face_embed.MODEL_NAME)


needs_face_model = pytest.mark.skipif(not _dlib_ok(), reason="model missing: verifier models install dlib-face-resnet (and pip install dlib-bin)")


# --- embedders: pure parts --------------------------------------------------------------------

def test_mel_matches_librosa(rng):
    import librosa

    y = rng.standard_normal(16000 * 3).astype(np.float32) * 0.1
    ref = librosa.feature.melspectrogram(y=y, sr=16000, n_fft=400, hop_length=160, n_mels=40).T
    ours = speaker.mel_power(y)
    assert ours.shape == ref.shape == (301, 40)
    np.testing.assert_allclose(ours, ref, rtol=1e-3, atol=1e-5 * ref.max())


def test_window_slices_follow_resemblyzer():
    # 1 s of audio: one padded 1.6 s window; 10 s: windows every 0.77 s (rate 1.3/s) covering it
    assert speaker.window_slices(16000) == [slice(0, 160)]
    s = speaker.window_slices(160000)
    assert all(b.start - a.start == 77 for a, b in zip(s, s[1:]))
    assert s[-1].stop * 160 >= 160000 * 0.95 and len(s) == 12


def test_speech_only_keeps_segments_and_caps():
    y = np.arange(16000 * 10, dtype=np.float32)
    out = speaker.speech_only(y, [(1.0, 2.0), (5.0, 8.0)], max_s=60)
    assert len(out) == 4 * 16000 and out[0] == 16000 and out[16000] == 5 * 16000
    capped = speaker.speech_only(y, [(1.0, 2.0), (5.0, 8.0)], max_s=2)
    assert len(capped) == 2 * 16000  # 0.5 s + 1.5 s, in proportion


def test_similarity_transform_recovers_a_known_one(rng):
    src = rng.uniform(0, 100, (5, 2))
    ang, sc, tr = np.radians(17), 1.7, np.array([12.0, -4.0])
    r = sc * np.array([[np.cos(ang), -np.sin(ang)], [np.sin(ang), np.cos(ang)]])
    m = face_embed.similarity_transform(src, src @ r.T + tr)
    np.testing.assert_allclose(m[:, :2], r, atol=1e-9)
    np.testing.assert_allclose(m[:, 2], tr, atol=1e-7)


def test_align_chip_puts_the_five_points_on_dlibs_template():
    img = np.zeros((400, 300, 3), np.uint8)
    lm = np.zeros((478, 3), np.float32)
    # a face tilted by 20 degrees: template points scaled, rotated, moved
    tpl = (0.25 + face_embed.DLIB_TEMPLATE_5) / 1.5 * 150
    ang = np.radians(20)
    r = 0.8 * np.array([[np.cos(ang), -np.sin(ang)], [np.sin(ang), np.cos(ang)]])
    pts = tpl @ r.T + [90, 120]
    for k, i in enumerate(face_embed.FACEMESH_5):
        lm[i, :2] = pts[k]
        img[int(round(pts[k, 1])), int(round(pts[k, 0]))] = 255  # a dot at each point
    chip = face_embed.align_chip(img, lm)
    assert chip.shape == (150, 150, 3)
    for y, x in tpl[:, ::-1]:
        assert chip[int(round(y)) - 1:int(round(y)) + 2, int(round(x)) - 1:int(round(x)) + 2].max() > 60


# --- verdict rules ----------------------------------------------------------------------------

def _sample(name, voice=None, face=None, **kw):
    s = IdentitySample(f"/x/{name}", name, hashlib.sha256(name.encode()).hexdigest(), "video", **kw)
    s.voice = None if voice is None else np.asarray(voice, np.float32) / np.linalg.norm(voice)
    if face is not None:
        s.faces = np.asarray([face], np.float32)
    return s


def test_verdict_rules():
    assert cmp.verdict(["different", "match"]) == "different"  # a different face is not rescued by a matching (cloned) voice
    assert cmp.verdict(["match", "match"]) == "match_not_proof"
    assert cmp.verdict(["match", "n/a"]) == "match_not_proof"
    assert cmp.verdict(["match", "unclear"]) == "unclear"
    assert cmp.verdict(["n/a", "n/a"]) == "not_comparable"
    t = cmp.Thresholds(0.5, 0.7)
    assert [cmp.decide(x, t) for x in (None, 0.49, 0.5, 0.69, 0.7)] == ["n/a", "different", "unclear", "unclear", "match"]


def test_thresholds_file_is_ordered_and_has_provenance():
    th = cmp.thresholds()
    d = json.loads(cmp.THRESHOLDS_FILE.read_text(encoding="utf-8"))
    assert d["provenance"]["script"] == "scripts/measure_compare.py"
    for k in ("voice", "face"):
        assert th[k].different_if_below <= th[k].match_from
        assert 0.5 < d["provenance"]["measured"][k]["auc"] <= 1


def test_compare_samples_and_text_in_both_languages():
    th = cmp.thresholds()
    e = np.ones(256)
    known = _sample("known.mp4", voice=e, face=np.zeros(128))
    same = _sample("same.mp4", voice=e, face=np.zeros(128))
    far = np.zeros(128)
    far[0] = 1 - th["face"].different_if_below + 0.05  # face similarity just under "different"
    other_face = _sample("other.mp4", voice=e, face=far)
    r = cmp.compare_samples(known, same)
    assert r.verdict == "match_not_proof" and r.voice.similarity == pytest.approx(1.0)
    r2 = cmp.compare_samples(known, other_face)
    assert r2.face.decision == "different" and r2.verdict == "different"
    vi, en = cmp.render_text(r2, "vi"), cmp.render_text(r2, "en")
    assert "KHÁC NGƯỜI" in vi and "DIFFERENT PERSON" in en and "113" in vi and "113" in en
    assert known.sha256 in en and other_face.sha256 in vi
    en_match = cmp.render_text(r, "en")
    assert "does NOT prove" in en_match
    d = r2.to_dict()
    assert d["known"]["sha256"] == known.sha256 and d["face"]["decision"] == "different"
    none = cmp.compare_samples(_sample("a.mp4", voice_note="compare.no_sound"), _sample("b.m4a", face_note="compare.no_picture"))
    assert none.verdict == "not_comparable" and none.voice.note == "compare.no_sound"
    assert "no sound" in cmp.render_text(none, "en")


def test_match_on_one_part_names_only_that_part():
    """Two voice notes: the verdict must not claim that a face was compared."""
    e = np.ones(256)
    r = cmp.compare_samples(_sample("a.m4a", voice=e, face_note="compare.no_picture"),
                            _sample("b.m4a", voice=e, face_note="compare.no_picture"))
    assert r.verdict == "match_not_proof"
    en, vi = cmp.render_text(r, "en"), cmp.render_text(r, "vi")
    assert en.startswith("Same voice as") and "face" in en.splitlines()[0] and "voice and face" not in en
    assert vi.startswith("Giọng nói GIỐNG") and "Giọng nói và khuôn mặt" not in vi
    both = cmp.compare_samples(_sample("a.mp4", voice=e, face=np.zeros(128)), _sample("b.mp4", voice=e, face=np.zeros(128)))
    assert cmp.render_text(both, "en").startswith("Same voice and face")


# --- model missing ------------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.data
@requires_shared
def test_missing_models_say_so_and_never_pass(tmp_path, monkeypatch, capsys):
    from verifier.cli.main import main

    monkeypatch.setenv("VERIFIER_MODELS_DIR", str(tmp_path))
    forget(monkeypatch, speaker.default_encoder)
    f = AUDIO / "real" / "librispeech_resemblyzer" / "1688-142285-0000.flac"
    assert main(["compare", str(f), str(f), "--json", "--lang", "en"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["voice"]["similarity"] is None and d["voice"]["note"] == "model.missing"
    assert d["verdict"] == "not_comparable"
    assert main(["compare", str(f), str(f), "--lang", "en"]) == 0
    assert "verifier models install resemblyzer-ge2e" in capsys.readouterr().out


# --- dev data -----------------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.data
@requires_shared
@needs_voice_model
def test_voice_same_speaker_clone_and_other_speaker(capsys):
    from verifier.cli.main import main

    libri = AUDIO / "real" / "librispeech_resemblyzer"
    a, b, other = libri / "1688-142285-0000.flac", libri / "1688-142285-0001.flac", libri / "2609-156975-0000.flac"
    assert main(["compare", str(a), str(b), "--json"]) == 0
    same = json.loads(capsys.readouterr().out)
    assert main(["compare", str(a), str(other), "--json"]) == 0
    diff = json.loads(capsys.readouterr().out)
    assert same["voice"]["similarity"] > diff["voice"]["similarity"] + 0.15
    assert same["verdict"] == "match_not_proof" and diff["verdict"] == "different"
    assert same["known"]["sha256"] == registry.sha256_of(a) and same["questioned"]["sha256"] == registry.sha256_of(b)
    assert same["face"]["note"] == "compare.no_picture"
    # a voice clone matches its real speaker (which is why a match proves nothing)
    ref, clone = AUDIO / "real" / "f5tts_vi_refs" / "kha_banh.wav", AUDIO / "fake" / "f5tts_vi_clones" / "kha_banh_output.wav"
    assert main(["compare", str(ref), str(clone), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["voice"]["decision"] != "different"


@pytest.mark.slow
@pytest.mark.data
@requires_shared
@needs_face_model
def test_face_same_person_photos_and_a_different_person():
    faces = SHARED / "data" / "faces" / "images" / "rmfd_afdb"
    a, b = faces / "0_0_caiguoqing_0113.jpg", faces / "0_0_caiguoqing_0146.jpg"
    other = faces / "0_0_baobeier_0020.jpg"
    same, diff = cmp.compare(str(a), str(b)), cmp.compare(str(a), str(other))
    assert same.face.similarity > diff.face.similarity + 0.1
    assert diff.verdict == "different" and same.verdict != "different"
    assert same.voice.note == "compare.no_sound" and same.known.kind == "image"
