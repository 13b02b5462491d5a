"""The one speech-activity module (verifier/analysis/speech.py) and the signals that use it:
noise, hum, music and silence are not speech; speech is; one "seconds of speech" per report."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import SHARED, forget, requires_shared

from verifier.analysis import speech as sp_mod
from verifier.analysis.signals.audio import measure_audio_signals
from verifier.analysis.signals.audio_frames import runs
from verifier.analysis.signals.lipsync import measure_lipsync
from verifier.analysis.speech import detect_speech, probabilities_to_segments
from verifier.analysis.synth import speech_like, write_wav
from verifier.core.params import SpeechParams

SR = 16000
ROOT = Path(__file__).resolve().parents[1]
DEMO_VOICE = ROOT / "samples" / "demo_voice_message.wav"


def _pink(rng, n):
    spec = np.fft.rfft(rng.standard_normal(n))
    f = np.fft.rfftfreq(n)
    spec[1:] /= np.sqrt(f[1:])
    spec[0] = 0
    y = np.fft.irfft(spec, n)
    return y / np.abs(y).max()


def _music(seconds):
    """Triads with four harmonics each, one chord per 0.5 s with a decaying attack (a keyboard)."""
    t = np.arange(int(seconds * SR)) / SR
    y = np.zeros_like(t)
    roots = [261.63, 329.63, 392.0, 523.25, 440.0, 349.23, 293.66, 246.94]
    for i in range(int(seconds / 0.5)):
        seg = slice(int(i * 0.5 * SR), int((i + 1) * 0.5 * SR))
        for f in (roots[i % len(roots)], roots[i % len(roots)] * 1.26, roots[i % len(roots)] * 1.5):
            for h in range(1, 5):
                y[seg] += np.sin(2 * np.pi * f * h * t[seg]) / h * np.exp(-3 * (t[seg] - i * 0.5))
    return y / np.abs(y).max()


def _non_speech(kind, rng, seconds=10.0):
    n = int(seconds * SR)
    t = np.arange(n) / SR
    if kind == "white":
        y = 0.3 * rng.standard_normal(n)
    elif kind == "pink":
        y = 0.3 * _pink(rng, n)
    elif kind == "hum":  # mains hum: 50 Hz and its harmonics
        y = sum(np.sin(2 * np.pi * 50 * k * t) / k for k in range(1, 8))
        y = 0.2 * y / np.abs(y).max()
    elif kind == "music":
        y = 0.3 * _music(seconds)
    elif kind == "silence":
        y = np.zeros(n)
    return np.clip(y, -1, 1).astype(np.float32)


NON_SPEECH = ["white", "pink", "hum", "music", "silence"]


@pytest.mark.parametrize("kind", NON_SPEECH)
def test_non_speech_has_next_to_no_speech(kind, rng):
    a = detect_speech(_non_speech(kind, rng), SR)
    assert a.speech_s < 1.0  # below the voice detector's minimum; measured 0 s except hum (0.57 s)
    assert a.method == ("none" if kind == "silence" else "silero")
    assert a.digital_silence is (kind == "silence")


def test_speech_is_found_with_its_pauses():
    s = speech_like(12.0, seed=8)
    a = detect_speech(s.y, SR)
    # Planted phrases: syllables with the gaps between them (< 0.25 s) closed; a VAD counts a
    # phrase as speech, not only its syllables.
    phrase = s.envelope > 0.05
    starts, ends = runs(~phrase)
    for a0, b0 in zip(starts, ends):
        if a0 > 0 and b0 < len(phrase) and b0 - a0 < 0.25 * s.env_rate:
            phrase[a0:b0] = True
    phrase_s = phrase.sum() / s.env_rate
    assert a.method == "silero" and a.reliability == 1.0
    assert 0.8 * phrase_s < a.speech_s < 1.2 * phrase_s
    assert len(a.segments) >= 3  # phrases separated by pauses
    # the mask agrees with the planted envelope on most of the syllables
    t = np.arange(0, 12.0, 0.01)
    truth = np.array([s.envelope_at(x) for x in t]) > 0.3
    assert a.mask(t)[truth].mean() > 0.8


@pytest.mark.skipif(not DEMO_VOICE.is_file(), reason="samples/demo_voice_message.wav absent")
def test_demo_voice_message_is_speech():
    from verifier.analysis.media import load_audio

    y = load_audio(str(DEMO_VOICE))
    a = detect_speech(y, SR)
    assert a.method == "silero" and a.speech_s > 0.5 * len(y) / SR


@requires_shared
@pytest.mark.data
@pytest.mark.parametrize("rel", ["real/librispeech_resemblyzer/1688-142285-0000.flac",
                                 "real/viettts_prompts/son-tung-mtp.wav", "fake/viettts/v01_reinfo_clip.wav"])
def test_blocks_agree_with_one_sequential_pass(rel):
    """Blocks run side by side (with 2 s of context each) decide as one sequential pass on real
    and synthesised speech (measured: <= 1.3 % of chunks differ on the 29 files over 12 s of
    ../shared/data/audio). Not on the formant buzz of verifier.analysis.synth, which one long pass stops
    calling speech after a few seconds while fresh blocks keep accepting it."""
    from verifier.analysis.media import load_audio

    p = AUDIO / rel
    if not p.is_file():
        pytest.skip(f"{rel} absent")
    y = load_audio(str(p))
    blocked = sp_mod.vad_probabilities(y)
    sequential = sp_mod.vad_probabilities(y, SpeechParams(block_s=600.0, warmup_s=0.0))
    on = SpeechParams().threshold
    assert blocked.shape == sequential.shape
    assert np.mean((blocked >= on) != (sequential >= on)) < 0.03
    d = len(y) / SR
    seg_b = probabilities_to_segments(blocked, 0.032, d)
    seg_s = probabilities_to_segments(sequential, 0.032, d)
    assert sum(b - a for a, b in seg_b) == pytest.approx(sum(b - a for a, b in seg_s), abs=0.5)


def test_hysteresis_and_minimum_durations():
    p = SpeechParams()
    fs = 0.032
    prob = np.zeros(100)
    prob[10:30] = 0.9  # 0.64 s of speech
    prob[31] = 0.3  # below the off threshold (0.35): the run ends at frame 30 ...
    prob[32:40] = 0.9  # ... and restarts 64 ms later, a gap shorter than min_silence_ms: merged
    prob[60:63] = 0.9  # 96 ms: shorter than min_speech_ms, dropped
    segs = probabilities_to_segments(prob, fs, 100 * fs, p)
    assert len(segs) == 1
    a, b = segs[0]
    assert a == pytest.approx(10 * fs - p.speech_pad_ms / 1000, abs=1e-3)
    assert b == pytest.approx(40 * fs + p.speech_pad_ms / 1000, abs=1e-3)


def test_energy_fallback_when_the_model_is_missing(monkeypatch):
    from verifier.core.errors import ModelUnavailableError

    def missing():
        raise ModelUnavailableError("model.missing", model="silero-vad", file="silero_vad.jit", location="?",
                                    command="pip install silero-vad==6.2.3")

    monkeypatch.setattr(sp_mod, "_model_file", missing)
    forget(monkeypatch, sp_mod.load_model)
    s = speech_like(10.0, seed=5)
    a = detect_speech(s.y, SR)
    assert a.method == "energy" and a.reliability == sp_mod.ENERGY_FALLBACK_RELIABILITY
    assert a.speech_s > 2 and "model.missing" in a.note
    assert a.evidence()["speech_method"] == "energy" and "speech_note" in a.evidence()


def test_model_file_comes_from_the_registry_entry():
    from verifier.analysis import registry

    path = sp_mod._model_file()
    e = registry.entry("silero-vad")
    assert path.name == e.file == "silero_vad.jit"
    assert registry.file_matches(path, e)


def test_probabilities_do_not_depend_on_the_thread_count():
    import torch

    y = speech_like(6.0, seed=1).y
    before = torch.get_num_threads()
    try:
        torch.set_num_threads(1)
        one = sp_mod.vad_probabilities(y)
        torch.set_num_threads(2)
        two = sp_mod.vad_probabilities(y)
    finally:
        torch.set_num_threads(before)
    np.testing.assert_allclose(one, two, atol=1e-5)


# ---------------------------------------------------------------- the signals that use it


@pytest.mark.parametrize("kind", NON_SPEECH)
def test_lipsync_is_not_applicable_without_speech(kind, rng):
    y = _non_speech(kind, rng)
    t = np.arange(250) / 25.0
    mouth = 0.1 + 0.03 * np.sin(2 * np.pi * 4 * t)  # a moving mouth
    r = measure_lipsync(mouth, t, y, SR)
    assert r.reliability == 0 and r.explanation in ("lipsync.no_speech", "lipsync.too_short")


@pytest.mark.parametrize("kind", NON_SPEECH)
def test_side_signals_are_not_applicable_without_speech(kind, rng):
    y = _non_speech(kind, rng)
    for r in measure_audio_signals(y, SR):
        if r.key in ("noise_floor", "bandwidth", "breath"):
            assert r.reliability == 0, (kind, r.key, r.explanation)


def test_side_signals_share_one_seconds_of_speech():
    y = speech_like(12.0, seed=8).y
    a = detect_speech(y, SR)
    for r in measure_audio_signals(y, SR, a):
        if "speech_s" in r.evidence:
            assert r.evidence["speech_s"] == round(a.speech_s, 2), r.key


@pytest.fixture
def has_voice_model(monkeypatch):
    """AASIST-L from the installed weights or ../shared/models/aasist (as test_voice_detector)."""
    from verifier.analysis.registry import entry, expected_path
    from verifier.analysis.voice import detector as det

    for p in (expected_path(entry("aasist-l")), SHARED / "models" / "aasist" / "AASIST-L.pth"):
        if p.is_file():
            d = _detector(str(p))
            monkeypatch.setattr(det, "default_detector", lambda: d)
            return d
    pytest.skip("no AASIST-L weights (verifier models install, or ../shared/models/aasist)")


_DETECTORS = {}


def _detector(path):
    from verifier.analysis.voice.detector import VoiceDetector

    if path not in _DETECTORS:
        _DETECTORS[path] = VoiceDetector.from_file(path)
    return _DETECTORS[path]


@pytest.mark.parametrize("kind", NON_SPEECH)
def test_voice_is_not_applicable_without_speech(kind, rng, has_voice_model):
    from verifier.analysis.voice.detector import measure_voice

    r = measure_voice(_non_speech(kind, rng), SR)
    assert r.reliability == 0 and r.explanation in ("voice.no_speech", "voice.too_short")


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["white", "pink", "hum", "music", "silence"])
def test_voice_message_of_non_speech_is_inconclusive(kind, rng, tmp_path, has_voice_model):
    from verifier.analysis.pipeline import analyze

    path = tmp_path / f"{kind}.wav"
    write_wav(str(path), _non_speech(kind, rng, 8.0), SR)
    r = analyze(str(path))
    assert r.error is None
    assert r.level == "inconclusive" and r.risk is None
    assert r.signals["voice"].reliability == 0
    assert r.quality["speech_s"] < 1.0


@pytest.mark.slow
@pytest.mark.skipif(not DEMO_VOICE.is_file(), reason="samples/demo_voice_message.wav absent")
def test_report_holds_one_seconds_of_speech(has_voice_model):
    from verifier.analysis.pipeline import analyze

    r = analyze(str(DEMO_VOICE))
    speech_s = r.quality["speech_s"]
    assert speech_s > 3 and r.quality["speech_method"] == "silero"
    used = {k: s.evidence["speech_s"] for k, s in r.signals.items() if "speech_s" in s.evidence}
    assert "voice" in used and len(used) >= 3
    assert set(used.values()) == {speech_s}, used


# ---------------------------------------------------------------- ../shared data

AUDIO = SHARED / "data" / "audio"
VIDEO = SHARED / "data" / "video"


# ---------------------------------------------------------------- rhythm (music guard)


def test_a_beat_is_music_and_speech_like_sound_is_not():
    from verifier.analysis.speech import rhythm_strength

    music = 0.3 * _music(10.0)
    talk = speech_like(10.0, SR, seed=1).y
    assert rhythm_strength(music) >= SpeechParams().music_rhythm
    assert rhythm_strength(talk) < SpeechParams().music_rhythm
    # Level-free, and the regular padding of a synthesiser is cut out before measuring.
    assert abs(rhythm_strength(0.1 * music) - rhythm_strength(music)) < 0.01
    sentences = np.concatenate([np.concatenate([talk[i * SR:(i + 2) * SR], np.zeros(SR // 2, np.float32)])
                                for i in range(0, 8, 2)])
    assert rhythm_strength(sentences) < SpeechParams().music_rhythm


def test_rhythm_reads_only_the_first_two_minutes(rng):
    """Memory and time stay bounded on long tracks: what follows RHYTHM_MAX_S is not read."""
    from verifier.analysis.speech import RHYTHM_MAX_S, rhythm_strength

    head = np.tile(0.3 * _music(10.0), int(RHYTHM_MAX_S / 10)).astype(np.float32)
    tail = (0.3 * rng.standard_normal(60 * SR)).astype(np.float32)
    assert rhythm_strength(np.concatenate([head, tail])) == rhythm_strength(head)


def test_rhythm_needs_four_seconds_of_sound():
    from verifier.analysis.speech import rhythm_strength

    assert np.isnan(rhythm_strength(0.3 * _music(3.0)))
    assert np.isnan(rhythm_strength(np.concatenate([0.3 * _music(3.0), np.zeros(5 * SR)])))
    assert np.isnan(rhythm_strength(np.zeros(10 * SR, np.float32)))


def test_music_activity_sets_the_voice_to_count_little(has_voice_model):
    """A track with a beat keeps its voice score but with the music reliability and key."""
    from dataclasses import replace

    from verifier.analysis.voice.detector import MUSIC_RELIABILITY, measure_voice

    y = speech_like(8.0, SR, seed=2).y
    speech = detect_speech(y, SR)
    base = measure_voice(y, SR, speech=speech)
    as_music = measure_voice(y, SR, speech=replace(speech, rhythm=0.9))
    assert not speech.music and replace(speech, rhythm=0.9).music
    assert as_music.explanation == "voice.music" and as_music.evidence["music"] is True
    assert as_music.score == base.score
    assert as_music.reliability == pytest.approx(base.reliability * MUSIC_RELIABILITY)


@requires_shared
@pytest.mark.data
@pytest.mark.slow
def test_no_voice_message_of_the_dev_set_is_taken_for_music():
    from verifier.analysis.media import load_audio
    from verifier.analysis.speech import rhythm_strength
    from verifier.evaluate.manifest import read_manifest

    if not (AUDIO / "MANIFEST.tsv").is_file():
        pytest.skip("../shared/data/audio absent")
    high = {}
    for row in read_manifest(str(AUDIO)):
        r = rhythm_strength(load_audio(str(AUDIO / row["path"])))
        if np.isfinite(r) and r >= SpeechParams().music_rhythm:
            high[row["path"]] = round(r, 3)
    assert not high, high


@requires_shared
@pytest.mark.data
@pytest.mark.parametrize("rel", ["real/librispeech_resemblyzer/1688-142285-0000.flac",
                                 "real/vietasr", "real/f5tts_vi_refs/kha_banh.wav"])
def test_real_speech_is_speech(rel):
    from verifier.analysis.media import load_audio

    p = AUDIO / rel
    if p.is_dir():
        p = sorted(p.iterdir())[0]
    if not p.is_file():
        pytest.skip(f"{rel} absent")
    y = load_audio(str(p))
    a = detect_speech(y, SR)
    assert a.method == "silero" and a.speech_s > 0.5 * len(y) / SR


MUSIC_CLIPS = ["real/liveportrait_driving/d6.mp4", "real/liveportrait_driving/d10.mp4",
               "real/liveportrait_driving/d11.mp4",  # VAD: 7.7 s of voice, low-energy share 0.49; caught by its beat
               "real/liveportrait_driving/d12.mp4", "real/face_recognition/short_hamilton_clip.mp4",
               "real/pcavs_voxceleb/audio_source_681100216.mp4"]


@requires_shared
@pytest.mark.data
@pytest.mark.parametrize("rel", MUSIC_CLIPS)
def test_music_and_singing_clips_are_not_lipsync_speech(rel):
    """Lip-sync's gate on the audio of the README's music/singing clips (the mouth series here
    is a stand-in: the gate decides before the mouth is looked at)."""
    from verifier.analysis.media import decode, probe

    p = VIDEO / rel
    info = probe(str(p))
    audio = decode(str(p), info, None)
    t = np.arange(int(info.duration_s * 25)) / 25.0
    mouth = 0.1 + 0.03 * np.sin(2 * np.pi * 4 * t)
    r = measure_lipsync(mouth, t + audio.start_s, audio.y, audio.sr, audio.start_s)
    assert r.reliability == 0 and r.explanation in ("lipsync.no_speech", "lipsync.too_short"), r.evidence
