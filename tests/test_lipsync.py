import numpy as np
import pytest

from verifier.analysis.signals.lipsync import measure_lipsync, speech_envelope
from verifier.analysis.speech import detect_speech
from verifier.analysis.synth import shift_audio, speech_like
from verifier.core.params import LipsyncParams

SR = 16000
FPS = 25.0


def mouth_from(speech, duration_s, lead_noise=0.0, rng=None):
    t = np.arange(int(duration_s * FPS)) / FPS
    m = np.array([speech.envelope_at(x) for x in t]) * 0.3 + 0.05
    if rng is not None:
        m = m + lead_noise * rng.standard_normal(len(m))
    return t, m


@pytest.mark.parametrize("offset_ms", [-400, -200, -80, 0, 120, 250, 400])
def test_recovers_planted_offset_within_one_frame(offset_ms, rng):
    sp = speech_like(12.0, seed=5)
    t, m = mouth_from(sp, 12.0, 0.01, rng)
    y = shift_audio(sp.y, SR, offset_ms)
    r = measure_lipsync(m, t, y, SR, 0.0)
    assert abs(r.evidence["offset_ms"] - offset_ms) <= 1000 / FPS
    assert r.evidence["correlation"] > 0.6


def test_container_start_times_are_used(rng):
    # The audio track starts 0.84 s before the first picture (as in short_hamilton_clip.mp4):
    # the same samples with the right start time must give offset 0.
    sp = speech_like(12.0, seed=6)
    t, m = mouth_from(sp, 12.0)
    r = measure_lipsync(m[25:] , t[25:] + 0.84 - 1.0, sp.y[int(0.16 * SR):], SR, 0.0)
    assert abs(r.evidence["offset_ms"]) <= 40


def test_another_voice_does_not_match(rng):
    sp, other = speech_like(12.0, seed=7), speech_like(12.0, seed=8)
    t, m = mouth_from(sp, 12.0)
    good = measure_lipsync(m, t, sp.y, SR)
    bad = measure_lipsync(m, t, other.y, SR)
    assert good.evidence["correlation"] > 0.6 > bad.evidence["correlation"] + 0.2
    assert bad.score > good.score


def test_static_mouth_while_talking(rng):
    sp = speech_like(12.0, seed=9)
    t = np.arange(int(12 * FPS)) / FPS
    m = 0.05 + 0.002 * rng.standard_normal(len(t))
    r = measure_lipsync(m, t, sp.y, SR)
    assert r.explanation == "lipsync.static_mouth" and r.score > 0.5


def test_not_applicable_without_audio_or_speech(rng):
    t = np.arange(250) / FPS
    m = 0.1 + 0.01 * rng.standard_normal(250)
    assert measure_lipsync(m, t, None, SR).explanation == "lipsync.no_audio"
    silent = measure_lipsync(m, t, np.zeros(10 * SR, np.float32), SR)
    assert silent.explanation == "lipsync.no_speech" and silent.reliability == 0
    assert silent.evidence["digital_silence"] is True
    tone = (0.3 * np.sin(2 * np.pi * 440 * np.arange(10 * SR) / SR)).astype(np.float32)
    r = measure_lipsync(m, t, tone, SR)
    assert r.reliability == 0 and r.explanation == "lipsync.no_speech"


def test_speech_envelope_follows_the_syllables():
    sp = speech_like(10.0, seed=1)
    t, env_db = speech_envelope(sp.y, SR, 0.5)
    assert t[0] == pytest.approx(0.5) and np.median(np.diff(t)) == pytest.approx(0.01)
    truth = np.array([sp.envelope_at(x - 0.5) for x in t])
    assert env_db[truth > 0.3].mean() > env_db[truth < 0.01].mean() + 30  # syllables vs pauses, dB


def test_uses_the_shared_speech_activity_and_its_seconds(rng):
    sp = speech_like(12.0, seed=5)
    t, m = mouth_from(sp, 12.0, 0.01, rng)
    speech = detect_speech(sp.y, SR)
    r = measure_lipsync(m, t, sp.y, SR, speech=speech)
    assert r.usable and r.evidence["speech_s"] == round(speech.speech_s, 2)
    assert r.evidence["speech_method"] == speech.method
    # The same track said to hold no speech (as the analysis' VAD would for noise) is not applicable.
    none = detect_speech(np.zeros(12 * SR, np.float32), SR)
    assert measure_lipsync(m, t, sp.y, SR, speech=none).explanation == "lipsync.no_speech"


def test_music_gate_is_a_parameter(rng):
    sp = speech_like(12.0, seed=5)
    t, m = mouth_from(sp, 12.0, 0.01, rng)
    speech = detect_speech(sp.y, SR)
    strict = LipsyncParams(min_low_energy_ratio=speech.low_energy_ratio + 0.01)
    assert measure_lipsync(m, t, sp.y, SR, speech=speech, params=strict).explanation == "lipsync.no_speech"
    assert measure_lipsync(m, t, sp.y, SR, speech=speech).usable


def test_clear_lag_is_reported_as_offset(rng):
    sp = speech_like(12.0, seed=5)
    t, m = mouth_from(sp, 12.0, 0.01, rng)
    late = measure_lipsync(m, t, shift_audio(sp.y, SR, 400), SR)
    ok = measure_lipsync(m, t, sp.y, SR)
    assert late.explanation == "lipsync.offset" and late.evidence["perceptible_lag"]
    assert ok.explanation == "lipsync.in_sync" and not ok.evidence["perceptible_lag"]
    assert late.score > ok.score + 0.3
