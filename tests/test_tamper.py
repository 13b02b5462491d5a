"""Tamper lab (issue 10): each tamper on generated media with a known answer."""
from __future__ import annotations

import shutil

import numpy as np
import pytest

from verifier.core.params import DegradeParams, EspeakParams, FaceSwapParams, TalkingPhotoParams
from verifier.tamper import AUDIO_KINDS, KINDS
from verifier.tamper.audio import active_rms_db, espeak_voice, replace_voice, shift, vocode
from verifier.tamper.lab import degrade_file, read_clip, tamper_file
from verifier.tamper.video import face_mask, face_swap, remove_blinks, talking_photo


@pytest.fixture(scope="module")
def voice():
    from verifier.analysis.synth import speech_like

    return speech_like(4.0, seed=11).y


@pytest.fixture(scope="module")
def portrait_frame():
    """A 640×480 frame holding the synthetic caller (the astronaut's head) and its landmarks."""
    from verifier.analysis.synth import Portrait
    from verifier.tamper.lab import photo_landmarks

    face = Portrait(300).render()
    frame = np.full((480, 640, 3), 140, np.uint8)
    frame[90:390, 170:470] = face
    return frame, photo_landmarks(frame)


def test_shift_keeps_length_and_delays(voice):
    out = shift(voice, 16000)  # default 300 ms
    assert len(out) == len(voice)
    assert np.all(out[:4800] == 0)
    np.testing.assert_array_equal(out[4800:], voice[:-4800])
    assert np.shares_memory(out, voice) is False


def test_vocoder_keeps_duration_and_loudness_but_changes_the_wave(voice):
    before = voice.copy()
    out = vocode(voice, 16000)
    np.testing.assert_array_equal(voice, before)  # the input is not modified
    assert len(out) == len(voice)
    assert abs(active_rms_db(out, 16000) - active_rms_db(voice, 16000)) < 1.0
    # Griffin-Lim rebuilds the phase: the waveform is a different one, not a copy
    assert abs(np.corrcoef(out, voice)[0, 1]) < 0.9


def test_replace_voice_takes_the_other_recording_at_the_original_loudness(voice):
    rng = np.random.default_rng(0)
    other = (0.05 * rng.standard_normal(16000)).astype(np.float32)
    out = replace_voice(voice, 16000, other)
    assert len(out) == len(voice)
    assert abs(active_rms_db(out, 16000) - active_rms_db(voice, 16000)) < 1.0
    # the other recording, repeated, scaled by one gain
    g = out[:16000] @ other / (other @ other)
    np.testing.assert_allclose(out[16000:32000], g * other, atol=1e-5)


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng not installed")
def test_espeak_voice_fills_the_length_at_the_same_loudness(voice):
    out = espeak_voice(voice, 16000, EspeakParams(text="Xin chào"))
    assert len(out) == len(voice)
    assert abs(active_rms_db(out, 16000) - active_rms_db(voice, 16000)) < 1.0
    assert np.abs(np.corrcoef(out, voice)[0, 1]) < 0.3


def test_face_swap_changes_the_face_and_nothing_outside_it(portrait_frame):
    from verifier.tamper.lab import load_photo, photo_landmarks

    frame, pts = portrait_frame
    astronaut = load_photo(None)
    donor_pts = photo_landmarks(astronaut)
    # the caller is the astronaut too: the donor's colour channels are swapped (same geometry) so
    # that the pasted face differs from the caller's
    donor = np.ascontiguousarray(astronaut[..., ::-1])
    p = FaceSwapParams(colour_match=False)
    out = face_swap([frame], [pts], donor, donor_pts, p)[0]
    mask = face_mask(pts, frame.shape[:2], p)
    outside = mask == 0
    np.testing.assert_array_equal(out[outside], frame[outside])
    inside = mask > 0.9
    assert inside.sum() > 5000  # the face region, not a sliver
    assert np.abs(out[inside].astype(int) - frame[inside]).mean() > 8
    # the mask stays on the face: within the landmarks' box, a few pixels of feathering aside
    ys, xs = np.nonzero(mask)
    x0, y0 = pts[:, :2].min(0)
    x1, y1 = pts[:, :2].max(0)
    assert xs.min() >= x0 - 20 and xs.max() <= x1 + 20 and ys.min() >= y0 - 20 and ys.max() <= y1 + 20
    # a frame without a face is returned unchanged
    np.testing.assert_array_equal(face_swap([frame], [None], donor, donor_pts)[0], frame)


def test_talking_photo_moves_only_below_the_lips(portrait_frame):
    frame, pts = portrait_frame
    frames = talking_photo(frame, pts, np.array([0.0, 1.0, 0.5]), TalkingPhotoParams())
    assert len(frames) == 3
    np.testing.assert_array_equal(frames[0], frame)
    lip_y = int(pts[[13, 14], 1].mean())
    for f in frames[1:]:
        np.testing.assert_array_equal(f[:lip_y - 3], frame[:lip_y - 3])  # eyes, forehead: still
        assert np.abs(f[lip_y:].astype(int) - frame[lip_y:]).max() > 50  # the mouth opened
    assert np.abs(frames[1].astype(int) - frame).sum() > np.abs(frames[2].astype(int) - frame).sum()


def test_remove_blinks_keeps_eyes_open_on_frames(portrait_frame):
    """Pure function: a closed-eye frame gets the open eyes of the reference frame."""
    from verifier.analysis.synth import Portrait
    from verifier.tamper.lab import track_landmarks
    from verifier.tamper.video import _eye_ratio

    face_open, face_shut = Portrait(300).render(), Portrait(300).render(eyes_closed=True)
    frames = []
    for face in (face_open, face_open, face_shut, face_open):
        f = np.full((480, 640, 3), 140, np.uint8)
        f[90:390, 170:470] = face
        frames.append(f)
    lms = track_landmarks(frames)
    assert _eye_ratio(lms[2]) < 0.8 * _eye_ratio(lms[0])  # the planted blink is seen
    out = remove_blinks(frames, lms)
    after = track_landmarks(out)
    assert _eye_ratio(after[2]) > 0.9 * _eye_ratio(after[0])
    np.testing.assert_array_equal(frames[2][400:], out[2][400:])  # below the face: untouched


@pytest.mark.slow
def test_planted_300ms_shift_is_measured_by_lipsync(make_clip, tmp_path):
    from verifier.analysis.pipeline import analyze

    src = make_clip("tamper_src", duration_s=10, blink_times_s=(1.0, 3.0, 5.5, 8.0), seed=5)
    out = tamper_file(src, str(tmp_path / "shift.mp4"), "shift")
    lips = analyze(out).signals["lipsync"]
    assert abs(lips.evidence["offset_ms"] - 300) <= 40
    assert abs(analyze(src).signals["lipsync"].evidence["offset_ms"]) <= 40  # the original is in sync


@pytest.mark.slow
def test_no_blink_left_after_removal(make_clip, tmp_path):
    from verifier.analysis.pipeline import analyze
    from verifier.analysis.registry import sha256_of

    src = make_clip("tamper_src", duration_s=10, blink_times_s=(1.0, 3.0, 5.5, 8.0), seed=5)
    digest = sha256_of(src)
    assert analyze(src).signals["blink"].evidence["blink_count"] == 4
    out = tamper_file(src, str(tmp_path / "noblink.mp4"), "noblink")
    assert analyze(out).signals["blink"].evidence["blink_count"] == 0
    assert sha256_of(src) == digest  # the input is only read
    clip = read_clip(out)
    assert abs(len(clip.frames) - 300) <= 1 and abs(len(clip.audio) / 16000 - 10) < 0.05


@pytest.mark.slow
def test_messenger_degradation_gives_480p_and_the_asked_bit_rates(make_clip, tmp_path):
    import av

    src = make_clip("tamper_hd", duration_s=4, size=(960, 720), seed=3, crf=12)
    rates = []
    for asked in (40_000, 100_000):
        out = str(tmp_path / f"deg{asked}.mp4")
        degrade_file(src, out, DegradeParams(video_bit_rate=asked, audio_bit_rate=32_000))
        with av.open(out) as c:
            v, a = c.streams.video[0], c.streams.audio[0]
            assert (v.codec_context.width, v.codec_context.height) == (640, 480)
            assert a.codec_context.name == "aac" and a.codec_context.channels == 1
            vi = v.index
            size = {0: 0, 1: 0}
            for pk in c.demux():
                size[pk.stream.index] += pk.size or 0
            dur = float(c.duration / av.time_base)
        video_bps, audio_bps = size[vi] * 8 / dur, size[1 - vi] * 8 / dur
        # x264's one-pass ABR lands at 65-70 % of the ask on this short, easy clip (measured); never above it
        assert 0.5 * asked < video_bps < 1.1 * asked
        assert abs(audio_bps - 32_000) < 0.1 * 32_000
        rates.append(video_bps)
    assert rates[1] > 2 * rates[0]


@pytest.mark.slow
def test_voice_message_tampers_and_the_cli(tmp_path, voice):
    import soundfile as sf

    from verifier.cli.main import main

    src = tmp_path / "voice.wav"
    sf.write(src, voice, 16000, subtype="PCM_16")
    out = tmp_path / "vocoded.wav"
    assert main(["tamper", str(src), "--kind", "vocoder", "-o", str(out), "--lang", "en"]) == 0
    y, sr = sf.read(out, dtype="float32")
    assert sr == 16000 and len(y) == len(voice)
    assert abs(active_rms_db(y, sr) - active_rms_db(voice, 16000)) < 1.0
    # a picture tamper on a voice message, and the input as output, are refused
    assert main(["tamper", str(src), "--kind", "noblink", "-o", str(tmp_path / "x.mp4"), "--lang", "en"]) == 1
    assert main(["tamper", str(src), "--kind", "vocoder", "-o", str(src)]) == 1
    assert main(["tamper", str(src), "--kind", "messenger", "-o", str(tmp_path / "m.m4a")]) == 0
    # composed: vocoded, then through the messenger's AAC 32 kbit/s
    assert main(["tamper", str(src), "--kind", "vocoder", "--messenger", "-o", str(tmp_path / "vm.m4a")]) == 0
    from verifier.analysis.media import probe

    info = probe(str(tmp_path / "vm.m4a"))
    assert info.audio_codec == "aac" and not info.has_video and abs(info.duration_s - len(voice) / 16000) < 0.15
    # a voice message given a face: a talking-photo clip of the voice's length
    assert main(["tamper", str(src), "--kind", "photo", "-o", str(tmp_path / "tp.mp4")]) == 0
    info = probe(str(tmp_path / "tp.mp4"))
    assert info.has_video and info.has_audio and abs(info.duration_s - len(voice) / 16000) < 0.15


def test_every_kind_has_a_name_and_an_explanation_in_both_languages():
    from verifier.core.i18n import messages

    table = messages()
    for kind in KINDS:
        for key in (f"tamper.{kind}.name", f"tamper.{kind}.explain"):
            assert key in table and table[key]["vi"] and table[key]["en"] and table[key]["vi"] != table[key]["en"]
    assert set(AUDIO_KINDS) <= set(KINDS)


@pytest.mark.slow
def test_shipped_training_pair_is_low_then_raised():
    """samples/: the silent call with natural blinks is rated low, its blink-removed copy higher."""
    from pathlib import Path

    from verifier.analysis.pipeline import analyze

    root = Path(__file__).resolve().parents[1] / "samples"
    real = analyze(str(root / "demo_call_natural_blinks_silent.mp4"))
    fake = analyze(str(root / "demo_call_blinks_removed_silent.mp4"))
    assert real.level == "low" and real.signals["blink"].evidence["blink_count"] == 6
    assert fake.signals["blink"].evidence["blink_count"] == 0
    assert fake.risk > real.risk and fake.level in ("medium", "high")


@pytest.mark.slow
def test_cli_side_by_side_page_shows_the_blink_score_rising(tmp_path):
    from pathlib import Path

    from verifier.cli.main import main

    src = Path(__file__).resolve().parents[1] / "samples" / "demo_call_natural_blinks_silent.mp4"
    page = tmp_path / "pair.html"
    rc = main(["tamper", str(src), "--kind", "noblink", "-o", str(tmp_path / "t.mp4"), "--side-by-side", str(page),
               "--lang", "en"])
    assert rc == 0
    doc = page.read_text(encoding="utf-8")
    assert 'data-signal="blink" data-change="rose"' in doc
    assert "Original" in doc and "Tampered copy" in doc and "Blinks removed" in doc
    assert doc.count('data-figure="blink"') == 1 and doc.count("data:image/png;base64") >= 2


def test_evaluation_table_counts_rises_and_highs():
    from verifier.evaluate.tamper import table

    items = [(f"/d/video/{n}.mp4", k, None, ".mp4") for n in ("a", "b") for k in ("original", "shift")]
    items += [("/d/audio/c.wav", k, None, ".wav") for k in ("original", "espeak")]
    cache = {"/d/video/a.mp4|original": {"level": "low", "risk": 0.1}, "/d/video/a.mp4|shift": {"level": "high", "risk": 0.9},
             "/d/video/b.mp4|original": {"level": "medium", "risk": 0.5}, "/d/video/b.mp4|shift": {"level": "low", "risk": 0.2},
             "/d/audio/c.wav|original": {"level": "low", "risk": 0.1},
             "/d/audio/c.wav|espeak": {"level": None, "risk": None, "error": "ParameterError"}}
    md = table(cache, items)
    assert "| clip | original | 2 | – | 0/2 (0 %) | – | 0 |" in md
    assert "| clip | shift | 2 | 1/2 (50 %) | 1/2 (50 %) | +0.25 | 0 |" in md
    assert "| voice message | espeak | 0 | – | – | – | 1 |" in md
