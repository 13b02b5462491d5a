"""Audio side signals on synthesised audio with known answers."""
import math

import numpy as np
import pytest

from verifier.analysis.signals.audio import SIDE_SIGNAL_KEYS, measure_audio_signals
from verifier.analysis.signals.audio_bandwidth import measure_bandwidth
from verifier.analysis.signals.audio_breath import detect_breaths, measure_breath
from verifier.analysis.signals.audio_frames import segment_speech
from verifier.analysis.signals.audio_noise import measure_noise_floor
from verifier.analysis.signals.audio_prosody import measure_prosody
from verifier.core.errors import ParameterError
from verifier.core.i18n import messages

SR = 16000


def vowel(duration_s, *, f0_hz=140.0, vibrato_st=0.0, vibrato_hz=5.0, fmax_hz=None, amp=0.3, tilt_db_per_oct=-6.0):
    """Harmonic 'vowel' with F0 = f0 · 2^(vibrato_st · sin(2π vibrato_hz t) / 12), harmonics
    below ``fmax_hz`` only, 30 ms fades."""
    t = np.arange(int(duration_s * SR)) / SR
    f = f0_hz * 2 ** (vibrato_st * np.sin(2 * np.pi * vibrato_hz * t) / 12)
    phase = 2 * np.pi * np.cumsum(f) / SR
    top = fmax_hz if fmax_hz else SR / 2 - 100
    y = np.zeros_like(t)
    for k in range(1, int(top / (f0_hz * 2 ** (-abs(vibrato_st) / 12))) + 1):
        y += 10 ** (tilt_db_per_oct * np.log2(k) / 20) * np.sin(k * phase) * (k * f < top)
    env = np.minimum(1, np.minimum(t, t[-1] - t) / 0.03)
    return (amp * y / np.max(np.abs(y)) * env).astype(np.float32)


def brick_noise(duration_s, fc_hz, rng, amp=0.05):
    """White noise with nothing above ``fc_hz`` (FFT brick wall)."""
    n = int(duration_s * SR)
    X = np.fft.rfft(rng.standard_normal(n))
    X[np.fft.rfftfreq(n, 1 / SR) > fc_hz] = 0
    y = np.fft.irfft(X, n)
    return (amp * y / np.std(y)).astype(np.float32)


def band_noise(duration_s, lo_hz, hi_hz, rng, rms, tilt_db_per_oct=0.0):
    n = int(duration_s * SR)
    X = np.fft.rfft(rng.standard_normal(n))
    f = np.fft.rfftfreq(n, 1 / SR)
    X *= 10 ** (tilt_db_per_oct * np.log2(np.maximum(f, lo_hz) / lo_hz) / 20)
    X[(f < lo_hz) | (f > hi_hz)] = 0
    y = np.fft.irfft(X, n)
    env = np.sin(np.pi * np.arange(n) / n) ** 0.5  # smooth rise and fall, like an inhalation
    y = y * env
    return (rms * y / np.sqrt(np.mean(y ** 2))).astype(np.float32)


def hiss(duration_s, rng, rms=3e-4):
    return (rms * rng.standard_normal(int(duration_s * SR))).astype(np.float32)


def talk(rng, n_phrases=8, phrase_s=1.2, pause_s=0.7, breath=False, floor_rms=3e-4):
    """Phrases of vowels separated by hissy pauses; with ``breath``, a 400 ms breath-like
    noise burst (200-6000 Hz, pink) ends 100 ms before each phrase after the first."""
    parts = []
    for i in range(n_phrases):
        if i:
            gap = hiss(pause_s, rng, floor_rms)
            if breath:
                b = band_noise(0.4, 200, 6000, rng, rms=0.006, tilt_db_per_oct=-3)
                a = int((pause_s - 0.5) * SR)
                gap[a:a + len(b)] += b
            parts.append(gap)
        parts.append(vowel(phrase_s, f0_hz=120 + 15 * (i % 3), vibrato_st=1.5) + hiss(phrase_s, rng, floor_rms))
    return np.concatenate(parts)


# --- bandwidth --------------------------------------------------------------------------
@pytest.mark.parametrize("fc_hz", [4000, 6000])
def test_band_limited_noise_cutoff_where_it_was_put(rng, fc_hz):
    r = measure_bandwidth(y=brick_noise(4, fc_hz, rng), sr=SR)
    assert abs(r.evidence["cutoff_hz"] - fc_hz) <= 250
    assert r.evidence["sharp_cutoff"] is True


@pytest.mark.parametrize("fc_hz", [4000, 6000])
def test_band_limited_harmonic_cutoff_where_it_was_put(fc_hz):
    r = measure_bandwidth(y=vowel(4, f0_hz=130, vibrato_st=0.5, fmax_hz=fc_hz, tilt_db_per_oct=-3), sr=SR)
    assert abs(r.evidence["cutoff_hz"] - fc_hz) <= 250
    assert r.evidence["sharp_cutoff"] is True


def test_narrowband_is_named_and_full_band_is_full(rng):
    assert measure_bandwidth(y=brick_noise(4, 4000, rng), sr=SR).explanation == "bandwidth.narrowband"
    full = measure_bandwidth(y=brick_noise(4, 8000, rng), sr=SR)
    assert full.explanation == "bandwidth.full" and full.evidence["cutoff_hz"] >= 7600
    assert full.evidence["rolloff_db_per_khz"] is None


def test_bandwidth_is_channel_information_not_a_verdict(rng):
    r = measure_bandwidth(y=brick_noise(4, 4000, rng), sr=SR)
    assert r.score == 0.5 and 0 < r.reliability <= 0.2


# --- noise floor / digital silence ------------------------------------------------------
def test_digital_silence_between_speech_is_found_with_its_duration(rng):
    y = np.concatenate([vowel(1.5) + hiss(1.5, rng), np.zeros(int(0.6 * SR), np.float32),
                        vowel(1.5) + hiss(1.5, rng)])
    r = measure_noise_floor(y=y, sr=SR)
    assert r.evidence["digital_silence_s"] == pytest.approx(0.6, abs=0.01)
    assert r.evidence["edge_digital_silence_s"] == 0
    assert r.explanation == "noise_floor.digital_silence"
    assert r.score >= 0.7 and r.reliability > 0


def test_leading_and_trailing_zero_padding_is_not_counted(rng):
    speech = talk(rng, n_phrases=4)
    y = np.concatenate([np.zeros(int(1.5 * SR), np.float32), speech, np.zeros(SR, np.float32)])
    r = measure_noise_floor(y=y, sr=SR)
    assert r.evidence["digital_silence_s"] == 0
    assert r.evidence["edge_digital_silence_s"] == pytest.approx(2.5, abs=0.01)
    assert r.explanation != "noise_floor.digital_silence"


def test_noise_floor_reads_the_pause_level(rng):
    # hiss at RMS 3e-4 is -70.5 dBFS; the 10th percentile of 25 ms frames sits just under it
    r = measure_noise_floor(y=talk(rng), sr=SR)
    assert r.evidence["noise_floor_dbfs"] == pytest.approx(20 * math.log10(3e-4), abs=1.5)
    assert r.evidence["pause_count"] == 7
    assert r.evidence["pause_s"] == pytest.approx(7 * 0.7, rel=0.15)


def test_cleaner_pauses_score_higher(rng):
    noisy = measure_noise_floor(y=talk(rng, floor_rms=3e-3), sr=SR)
    clean = measure_noise_floor(y=talk(rng, floor_rms=1e-5), sr=SR)
    assert clean.score > noisy.score
    assert clean.explanation == "noise_floor.clean_pauses" and noisy.explanation == "noise_floor.room_noise"


def test_one_phrase_has_no_pauses(rng):
    r = measure_noise_floor(y=vowel(3) + hiss(3, rng), sr=SR)
    assert r.reliability == 0 and r.explanation == "noise_floor.no_pauses"


# --- breath -----------------------------------------------------------------------------
def test_breaths_in_pauses_are_counted(rng):
    y = talk(rng, n_phrases=8, breath=True)
    starts, ends = detect_breaths(y=y, sr=SR)
    assert len(starts) == 7
    np.testing.assert_allclose(ends - starts, 0.4, atol=0.12)
    r = measure_breath(y=y, sr=SR)
    assert r.evidence["breath_count"] == 7 and r.explanation == "breath.present" and r.score < 0.5


def test_no_breaths_in_many_pauses_is_weak_evidence(rng):
    r = measure_breath(y=talk(rng, n_phrases=8), sr=SR)
    assert r.evidence["breath_count"] == 0 and r.evidence["pause_count"] == 7
    assert r.explanation == "breath.none" and 0.5 < r.score < 0.7


def test_hissing_fricative_before_a_phrase_is_not_a_breath(rng):
    # a 250 ms /s/-like burst (4-7.5 kHz) right before each phrase: centroid too high
    parts = []
    for i in range(6):
        if i:
            gap = hiss(0.7, rng)
            s = band_noise(0.25, 4000, 7500, rng, rms=0.006)
            gap[-len(s):] += s
            parts.append(gap)
        parts.append(vowel(1.2) + hiss(1.2, rng))
    starts, _ = detect_breaths(y=np.concatenate(parts), sr=SR)
    assert len(starts) == 0


# --- prosody ----------------------------------------------------------------------------
@pytest.mark.parametrize("vibrato_st", [0.5, 2.0, 3.0])
def test_vibrato_gives_known_f0_std(vibrato_st):
    # F0 = 150 · 2^(A sin(2π 5 t)/12): the std in semitones is A / √2
    r = measure_prosody(y=vowel(6, f0_hz=150, vibrato_st=vibrato_st), sr=SR)
    assert r.evidence["f0_std_st"] == pytest.approx(vibrato_st / math.sqrt(2), abs=0.1)
    assert r.evidence["f0_median_hz"] == pytest.approx(150, rel=0.02)


def test_monotone_scores_above_lively(rng):
    flat = measure_prosody(y=vowel(6, f0_hz=150, vibrato_st=0.2), sr=SR)
    lively = measure_prosody(y=vowel(6, f0_hz=150, vibrato_st=4.0), sr=SR)
    assert flat.explanation == "prosody.monotone" and lively.explanation == "prosody.normal"
    assert flat.score > 0.5 > lively.score


def test_steady_vowel_has_small_jitter_and_shimmer():
    r = measure_prosody(y=vowel(4, f0_hz=200), sr=SR)
    assert r.evidence["jitter_local_pct"] < 0.2 and r.evidence["shimmer_local_pct"] < 1.0


def test_noise_has_no_voice(rng):
    r = measure_prosody(y=hiss(3, rng, rms=0.05), sr=SR)
    assert r.reliability == 0 and r.explanation == "prosody.no_voice"


# --- degenerate input -------------------------------------------------------------------
@pytest.mark.parametrize("y", [np.zeros(0, np.float32), np.zeros(SR * 2, np.float32), np.zeros(10, np.float32),
                               np.full(100, 0.1, np.float32)])
def test_empty_silent_or_tiny_input_gives_reliability_zero(y):
    out = measure_audio_signals(y, SR)
    assert [r.key for r in out] == list(SIDE_SIGNAL_KEYS)
    assert all(r.reliability == 0 for r in out)


@pytest.mark.parametrize("y, sr, match", [
    (np.array([0.0, np.nan, 0.1], np.float32), SR, "finite"),
    (np.zeros((2, 100), np.float32), SR, "mono"),
    (np.zeros(100, np.int16), SR, "floating"),
    ([0.0, 0.1], SR, "numpy"),
    (np.zeros(100, np.float32), 0, "sr"),
    (np.zeros(100, np.float32), 16000.0, "sr"),
])
def test_bad_input_raises_parameter_error(y, sr, match):
    with pytest.raises(ParameterError, match=match):
        measure_audio_signals(y, sr)


def test_results_are_json_ready_and_explained_in_both_languages(rng):
    table = messages()
    for r in measure_audio_signals(talk(rng, breath=True), SR):
        r.to_dict()
        assert r.explanation in table, r.explanation
        assert f"{r.key}.name" in table and f"{r.key}.normal_range" in table
        for v in r.evidence.values():
            assert v is None or isinstance(v, (bool, int, float, str, list))


def test_segmentation_pauses_are_between_speech_only(rng):
    y = np.concatenate([hiss(1.0, rng), talk(rng, n_phrases=3), hiss(1.0, rng)])
    seg = segment_speech(y, SR)
    assert len(seg.pause_starts) == 2
    assert seg.pause_starts[0] > seg.speech_starts[0] and seg.pause_ends[-1] < seg.speech_ends[-1]
