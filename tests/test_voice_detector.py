"""The ``voice`` signal: input checks, channel normalisation, windows, determinism, missing model."""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from verifier.analysis.voice import detector as det
from verifier.analysis.voice.aasist import WINDOW_SAMPLES
from verifier.core.constants import TARGET_ACTIVE_DBFS
from verifier.core.errors import ParameterError
from verifier.core.i18n import messages, t

SHARED = Path(os.environ.get("VERIFIER_SHARED") or Path(__file__).resolve().parents[2] / "shared")
WEIGHTS = SHARED / "models" / "aasist" / "AASIST-L.pth"
SR = 16000


def _speechlike(rng, seconds: float, sr: int = SR) -> np.ndarray:
    """Amplitude-modulated harmonic tone with noise: loud enough to count as speech."""
    t = np.arange(int(seconds * sr)) / sr
    f0 = 140 + 20 * np.sin(2 * np.pi * 0.5 * t)
    y = sum(np.sin(2 * np.pi * k * np.cumsum(f0) / sr) / k for k in range(1, 8))
    env = 0.5 + 0.5 * np.sin(2 * np.pi * 4 * t) ** 2
    return (0.2 * env * y + 0.003 * rng.standard_normal(len(t))).astype(np.float32)


@pytest.fixture(scope="module")
def detector():
    from verifier.analysis.registry import entry, expected_path

    for p in (expected_path(entry("aasist-l")), WEIGHTS):  # installed by `verifier models install`, else ../shared
        if p.is_file():
            return det.VoiceDetector.from_file(p)
    pytest.skip("no AASIST-L weights (verifier models install, or ../shared/models/aasist)")


@pytest.mark.parametrize("y, match", [
    ([0.0] * 100, "numpy array"),
    (np.zeros(100, np.int16), "floats"),
    (np.zeros((2, 100), np.float32), "mono"),
    (np.array([0.0, np.nan], np.float32), "nan"),
])
def test_bad_input_raises_parameter_error(y, match):
    with pytest.raises(ParameterError, match=match):
        det.measure_voice(y, SR, detector=object())


def test_bad_sample_rate_raises():
    with pytest.raises(ParameterError, match="sr"):
        det.check_audio(np.zeros(10, np.float32), 0)


def test_empty_and_short_input_are_too_short(detector):
    for n in (0, SR // 2):
        r = det.measure_voice(np.zeros(n, np.float32) + 0.1, SR, detector=detector)
        assert r.key == "voice" and r.explanation == "voice.too_short" and r.reliability == 0
        assert np.isnan(r.score)


def test_silence_is_no_speech(detector):
    r = det.measure_voice(np.zeros(3 * SR, np.float32), SR, detector=detector)
    assert r.explanation == "voice.no_speech" and r.reliability == 0


def test_speech_is_scored_deterministically(detector, rng):
    from verifier.analysis.synth import speech_like

    y = speech_like(6.0, seed=8).y  # formant-filtered syllables: speech to the VAD (a plain AM tone is not)
    a, b = det.measure_voice(y, SR, detector=detector), det.measure_voice(y.copy(), SR, detector=detector)
    assert a == b
    assert 0 <= a.score <= 1 and a.reliability == 1.0
    assert a.explanation in ("voice.synthetic_likely", "voice.no_clear_sign")
    assert a.evidence["windows"] == 2 and a.evidence["speech_s"] > 4
    assert a.evidence["p_fake"] == pytest.approx(detector.p_fake(a.evidence["aasist_logit"]), abs=1e-4)


# AASIST-L moves by up to ~1 logit when a window starts a few hundred samples later (measured
# here); trimming is frame-granular (8 ms), so "unchanged" means within that, far below the
# ~5.5 logit spread of scores across ../shared/data/audio.
SHIFT_TOL_LOGIT = 1.5


def test_level_padding_and_rate_do_not_change_the_score_much(detector, rng):
    y = _speechlike(rng, 5.0)
    base = detector.score(y, SR).aasist_logit
    padded = np.concatenate([np.zeros(2 * SR, np.float32), 0.3 * y, np.zeros(SR, np.float32)])
    assert detector.score(padded, SR).aasist_logit == pytest.approx(base, abs=SHIFT_TOL_LOGIT)
    unnormalised = det.VoiceDetector(detector.model, detector.calibration).logits(det.make_windows(padded))
    assert abs((unnormalised[:, 0] - unnormalised[:, 1]).mean() - base) > SHIFT_TOL_LOGIT  # padding matters without it
    from scipy.signal import resample_poly

    y48 = resample_poly(y, 3, 1).astype(np.float32)
    assert detector.score(y48, 48000).aasist_logit == pytest.approx(base, abs=SHIFT_TOL_LOGIT)


@pytest.mark.parametrize("peak_dbfs", [-40.0, -20.0, -1.0])
def test_level_does_not_move_the_calibrated_probability(detector, rng, peak_dbfs):
    """Issue 14: the chosen preprocessing moves P(fake) by <= 0.1 across levels; the file's own
    level (upstream) does not hold that on the same input."""
    y = _speechlike(rng, 5.0)
    ref = 10 ** (-20 / 20) * y / np.abs(y).max()
    scaled = 10 ** (peak_dbfs / 20) * y / np.abs(y).max()
    assert abs(detector.p_fake(detector.score(scaled, SR).aasist_logit)
               - detector.p_fake(detector.score(ref, SR).aasist_logit)) <= 0.1
    own = det.VoiceDetector(detector.model, detector.calibration, preprocessing=det.Preprocessing(level="own"))
    if peak_dbfs == -40.0:
        assert abs(own.score(scaled, SR).aasist_logit - own.score(ref, SR).aasist_logit) > SHIFT_TOL_LOGIT


def test_active_level_sets_speech_rms_and_never_clips(rng):
    y = _speechlike(rng, 3.0)
    out = det.set_level(0.01 * y)
    assert det.active_level_dbfs(out) == pytest.approx(TARGET_ACTIVE_DBFS, abs=0.01)
    spiky = 0.01 * y.copy()
    spiky[100] = 0.5  # one click 40 dB above the speech: the gain stops at the clipping point
    assert np.abs(det.set_level(spiky)).max() <= det.MAX_PEAK + 1e-6
    assert det.active_level_dbfs(np.zeros(100, np.float32)) == -np.inf
    with pytest.raises(ParameterError, match="level"):
        det.Preprocessing(level="loud")


def test_timeline_evidence_covers_the_message(detector, rng):
    y = np.concatenate([np.zeros(SR, np.float32), _speechlike(rng, 11.0)])
    r = detector.measure(y, SR)
    ev = r.evidence
    n = ev["windows"]
    assert n == min(det.MAX_WINDOWS, ev["grid_windows"]) and ev["grid_windows"] == 5
    assert len(ev["window_start_s"]) == len(ev["window_end_s"]) == len(ev["window_p_fake"]) == n
    assert ev["window_start_s"][0] == pytest.approx(1.0, abs=0.05)  # times in the input, after the leading silence
    assert ev["window_end_s"][-1] == pytest.approx(12.0, abs=0.05)
    assert all(e - s == pytest.approx(det.WINDOW_S, abs=0.01) for s, e in zip(ev["window_start_s"], ev["window_end_s"]))
    assert all(0 <= p <= 1 for p in ev["window_p_fake"])
    assert r.score == pytest.approx(detector.p_fake(float(np.median(ev["window_logits"]))), abs=1e-3)
    assert ev["narrowband"] is False and ev["bandwidth_hz"] > det.NARROWBAND_MAX_HZ


def test_narrowband_speech_is_flagged_not_called_fake(detector, rng):
    from verifier.analysis.channel import telephone_band

    y = _speechlike(rng, 6.0)
    wide = detector.measure(y, SR)
    narrow = detector.measure(telephone_band(y), SR)
    assert not wide.evidence["narrowband"]
    assert narrow.evidence["narrowband"] and narrow.explanation == "voice.narrowband"
    assert narrow.evidence["bandwidth_hz"] < det.NARROWBAND_MAX_HZ
    assert narrow.reliability == pytest.approx(det.NARROWBAND_RELIABILITY * wide.reliability)
    # even a certain P(fake) cannot make a narrowband voice message "high" on its own
    from verifier.core.fusion import Fusion
    from verifier.core.result import SignalResult

    fusion = Fusion.from_file()
    sure = SignalResult("voice", 0.999, narrow.reliability, {}, "voice.narrowband")
    assert fusion.predict_proba([sure]) < fusion.high_from
    assert t("voice.narrowband", "vi", **narrow.evidence) != "voice.narrowband"


def test_effective_bandwidth_is_measured_on_the_signal(rng):
    from scipy.signal import resample_poly

    noise = (0.1 * rng.standard_normal(4 * SR)).astype(np.float32)
    assert det.effective_bandwidth_hz(noise) > 7000
    via_8k = resample_poly(resample_poly(noise, 1, 2), 2, 1).astype(np.float32)  # an 8 kHz file played at 16 kHz
    assert det.effective_bandwidth_hz(via_8k) < 4500
    assert np.isnan(det.effective_bandwidth_hz(noise[:100]))


def test_missing_weights_give_reliability_zero(tmp_path, monkeypatch):
    monkeypatch.setenv("VERIFIER_MODELS_DIR", str(tmp_path))
    det.default_detector.cache_clear()
    try:
        r = det.measure_voice(np.zeros(5 * SR, np.float32), SR)
    finally:
        det.default_detector.cache_clear()
    assert r.key == "voice" and r.reliability == 0 and r.explanation == "voice.model_missing"
    assert r.evidence == {"model": "aasist-l", "file": "AASIST-L.pth", "command": "verifier models install aasist-l"}
    for lang in ("vi", "en"):
        assert "AASIST-L.pth" in t(r.explanation, lang, **r.evidence)
        assert "verifier models install aasist-l" in t(r.explanation, lang, **r.evidence)
    # gradio_client takes any {"path": str} dict in a JSON output for a file to download
    assert "path" not in r.evidence


def test_make_windows_tiles_short_and_spreads_long():
    short = np.arange(1000, dtype=np.float32)
    w = det.make_windows(short)
    assert w.shape == (1, WINDOW_SAMPLES) and w[0, 1000] == 0 and w[0, 2001] == 1
    long = np.arange(10 * WINDOW_SAMPLES, dtype=np.float32)
    w = det.make_windows(long, max_windows=3)
    assert w.shape == (3, WINDOW_SAMPLES)
    assert w[0, 0] == 0 and w[-1, -1] == long[-1]  # first starts at 0, last ends at the end
    assert det.make_windows(long[: WINDOW_SAMPLES + 10], max_windows=3).shape == (2, WINDOW_SAMPLES)
    with pytest.raises(ParameterError, match="max_windows"):
        det.make_windows(long, max_windows=0)


def test_window_grid_overlaps_by_half_and_is_capped_evenly():
    n = 10 * WINDOW_SAMPLES
    full = det.window_starts(n, max_windows=1000)
    assert len(full) == det.grid_windows(n) == 19
    assert np.all(np.diff(full)[:-1] == det.WINDOW_HOP) and full[-1] == n - WINDOW_SAMPLES
    capped = det.window_starts(n, max_windows=4)
    assert len(capped) == 4 and capped[0] == 0 and capped[-1] == n - WINDOW_SAMPLES and set(capped) <= set(full)
    assert np.ptp(np.diff(capped)) <= det.WINDOW_HOP  # evenly spread over the grid
    assert list(det.window_starts(WINDOW_SAMPLES - 5)) == [0] and det.grid_windows(WINDOW_SAMPLES) == 1


def test_median_aggregation_ignores_one_odd_window():
    assert det.aggregate(np.array([1.0, 1.2, 30.0])) == pytest.approx(1.2)


def test_normalise_trims_digital_padding_and_sets_level(rng):
    y = _speechlike(rng, 2.0)
    padded = np.concatenate([np.zeros(SR, np.float32), 0.1 * y, np.zeros(SR, np.float32)])
    out = det.normalise_channel(padded)
    assert abs(len(out) - len(y)) < 0.05 * SR
    assert det.active_level_dbfs(out) == pytest.approx(TARGET_ACTIVE_DBFS, abs=0.01)
    peak = det.normalise_channel(padded, det.Preprocessing(level="peak"))
    assert np.abs(peak).max() == pytest.approx(det.TARGET_PEAK, rel=1e-5)
    own = det.normalise_channel(padded, det.Preprocessing(level="own", trim=False))
    assert len(own) == len(padded) and np.abs(own).max() == pytest.approx(np.abs(0.1 * y).max(), rel=0.05)


def test_speech_seconds_ignores_silence(rng):
    y = np.concatenate([np.zeros(SR, np.float32), _speechlike(rng, 3.0), np.zeros(2 * SR, np.float32)])
    assert det.speech_seconds(y) == pytest.approx(3.0, abs=0.3)


def test_voice_messages_exist_in_both_languages():
    keys = [k for k in messages() if k.startswith("voice.")]
    assert {"voice.synthetic_likely", "voice.no_clear_sign", "voice.too_short", "voice.model_missing"} <= set(keys)
    for k in keys:
        for lang in ("vi", "en"):
            text = messages()[k][lang].lower()
            assert "safe" not in text and "an toàn" not in text and "genuine" not in text


def test_numpy_framing_matches_librosa(rng):
    import librosa

    y = np.concatenate([np.zeros(3000, np.float32), _speechlike(rng, 1.5), 1e-4 * np.ones(2000, np.float32)])
    ref_rms = librosa.feature.rms(y=y, frame_length=det.FRAME_LENGTH, hop_length=det.HOP_LENGTH, center=True)[0]
    np.testing.assert_allclose(det.frame_rms(y), ref_rms, rtol=1e-5, atol=1e-7)
    ref_trim, _ = librosa.effects.trim(y, top_db=det.TRIM_TOP_DB, frame_length=det.FRAME_LENGTH, hop_length=det.HOP_LENGTH)
    assert np.array_equal(det.trim(y), ref_trim)


@pytest.mark.skipif(__import__("shutil").which("espeak-ng") is None, reason="espeak-ng not installed")
def test_vietnamese_espeak_message_is_scored(detector, tmp_path):
    from verifier.analysis.media import load_audio
    from verifier.evaluate.audio import espeak_vi_rows

    (row,) = espeak_vi_rows(str(tmp_path), 1)
    r = det.measure_voice(load_audio(row["path"]), SR, detector=detector)
    assert r.usable and r.evidence["speech_s"] > 2 and r.evidence["windows"] >= 1
    assert t(r.explanation, "vi") != r.explanation  # a Vietnamese sentence exists for the outcome


def test_trim_does_not_depend_on_the_level(rng):
    y = np.concatenate([np.zeros(3000, np.float32), _speechlike(rng, 1.5), np.zeros(2000, np.float32)])
    loud = det.trim_bounds(y / np.abs(y).max())
    for peak_dbfs in (-60.0, -40.0, -20.0):
        assert det.trim_bounds(10 ** (peak_dbfs / 20) * y / np.abs(y).max()) == loud


class _MarkerModel:
    """A stand-in network (ONNX-like interface): a window leans "fake" (logit +20) when it holds
    the 1 kHz marker tone, "real" (−4) otherwise, so window choice alone decides the result."""

    backend = "onnx"

    def eval(self):
        return self

    def logits(self, windows, batch):
        power = np.abs(np.fft.rfft(windows, axis=1)) ** 2
        hz = np.fft.rfftfreq(windows.shape[1], 1 / SR)
        marker = power[:, np.abs(hz - 1000) < 10].sum(1) > 0.2 * power.sum(1)  # the tone holds >= 20 % of the energy
        return np.stack([np.where(marker, 20.0, -4.0), np.zeros(len(windows))], axis=1)


def test_all_windows_find_a_short_insert_the_default_cap_misses(rng):
    """A 60 s message with 3 s of a marked ("machine-made") insert at 10-13 s: the default three
    windows (start, middle, end) do not land on it; every window does, and the peak window
    points at it. The median stays "real" either way (one insert does not make a message fake)."""
    from verifier.analysis.voice.calibration import LogisticCalibration

    y = _speechlike(rng, 60.0)
    t = np.arange(3 * SR) / SR
    y[10 * SR:13 * SR] = 0.3 * np.sin(2 * np.pi * 1000 * t)
    d = det.VoiceDetector(_MarkerModel(), LogisticCalibration.from_file(det.CALIBRATION_FILE))
    capped = d.measure(y, SR).evidence
    every = det.measure_voice(y, SR, detector=d, params=det.VoiceParams(timeline_windows=det.ALL_WINDOWS)).evidence
    assert capped["windows"] == det.MAX_WINDOWS and capped["grid_windows"] == every["grid_windows"] == every["windows"] == 29
    assert max(capped["window_logits"]) == -4.0 and capped["peak_window_p_fake_pct"] < 50
    assert every["peak_window_p_fake_pct"] > 90
    assert every["peak_window_start_s"] < 13.0 and every["peak_window_end_s"] > 10.0  # the peak window overlaps the insert
    assert every["window_start_s"][0] == 0.0 and every["window_end_s"][-1] == pytest.approx(60.0, abs=0.01)
    assert sum(v == 20.0 for v in every["window_logits"]) in (2, 3, 4)  # only the windows over the insert
    assert every["aasist_logit"] == capped["aasist_logit"] == -4.0
    assert every["verdict_windows"] == capped["verdict_windows"] == det.MAX_WINDOWS


def test_timeline_windows_never_change_the_messages_score(rng):
    """The score is the median of the calibrated default windows even when most of the other
    windows disagree: marked sound everywhere but where the default windows (0-4 s, 28.3-32.3 s,
    56-60 s) fall."""
    from verifier.analysis.voice.calibration import LogisticCalibration

    y = _speechlike(rng, 60.0)
    for a, b in ((5, 27), (33.5, 55)):
        t = np.arange(int((b - a) * SR)) / SR
        y[int(a * SR):int(a * SR) + len(t)] = 0.3 * np.sin(2 * np.pi * 1000 * t)
    d = det.VoiceDetector(_MarkerModel(), LogisticCalibration.from_file(det.CALIBRATION_FILE))
    capped = d.measure(y, SR)
    every = d.measure(y, SR, timeline_windows=det.ALL_WINDOWS)
    assert sum(v == 20.0 for v in every.evidence["window_logits"]) > every.evidence["windows"] / 2
    assert every.score == capped.score and every.evidence["aasist_logit"] == -4.0
    assert every.explanation == capped.explanation == "voice.no_clear_sign"
    assert every.evidence["peak_window_p_fake_pct"] > 90 > capped.evidence["peak_window_p_fake_pct"]


def test_voice_params_refuse_a_cap_below_one():
    for bad in (0, -1, 2.5, True):
        with pytest.raises(ParameterError, match="timeline_windows"):
            det.VoiceParams(timeline_windows=bad)


def test_a_capped_window_scores_as_the_same_window_of_the_full_grid(detector, rng):
    """The cap only chooses windows: each capped window's logit is the full grid's logit of the
    same window (the network sees the same samples), and the message logit is the same."""
    y = _speechlike(rng, 14.0)
    every = detector.measure(y, SR, timeline_windows=det.ALL_WINDOWS).evidence
    capped = detector.measure(y, SR).evidence
    assert every["windows"] == every["grid_windows"] > capped["windows"] == det.MAX_WINDOWS
    full = dict(zip(every["window_start_s"], every["window_logits"]))
    for s, lg in zip(capped["window_start_s"], capped["window_logits"]):
        assert full[s] == pytest.approx(lg, abs=2e-3)
    assert every["aasist_logit"] == pytest.approx(capped["aasist_logit"], abs=2e-3)  # the same verdict windows


def test_evaluation_reports_each_generator_family_and_real_false_alarms():
    from verifier.analysis.voice.calibration import LogisticCalibration
    from verifier.evaluate.audio import row_family, summarise_condition

    rows = [{"path": "fake/indextts_demo/a.flac", "y": 1, "source": "fake/indextts_demo", "generator_or_recording": "XTTS (zero-shot clone)"},
            {"path": "fake/vvcs_benchmark_engines/b.flac", "y": 1, "source": "fake/vvcs_benchmark_engines",
             "generator_or_recording": "viXTTS / XTTS-v2 (capleaf/viXTTS), zero-shot clone"},
            {"path": "fake/indextts_demo/c.flac", "y": 1, "source": "fake/indextts_demo", "generator_or_recording": "IndexTTS (zero-shot clone)"},
            {"path": "fake/some_new_folder/d.wav", "y": 1, "source": "fake/some_new_folder", "generator_or_recording": "?"},
            {"path": "real/vvcs_reference/e.flac", "y": 0, "source": "real/vvcs_reference", "generator_or_recording": "rec"},
            {"path": "real/vi_freevc_dummy/f.wav", "y": 0, "source": "real/vi_freevc_dummy", "generator_or_recording": "rec"},
            {"path": "real/vietvoice/g.wav", "y": 0, "source": "real/vietvoice", "generator_or_recording": "rec"}]
    assert [row_family(r) for r in rows] == ["xtts", "xtts", "indextts", "fake/some_new_folder", "", "", ""]
    logits = [3.0, -3.0, 3.0, -3.0, -3.0, 3.0, -2.0, -3.0, -3.0, -3.0]
    recs = [{"y": r["y"], "aasist_logit": lg, "source": r["source"], "language": "vi", "family": row_family(r),
             "audio_s": 1.0, "voice_s": 0.1} for r, lg in zip(rows + rows[:3], logits)]
    cal = LogisticCalibration(features=("aasist_logit",)).fit(np.array([[-3.0], [3.0], [-2.0], [2.0]]), np.array([0, 1, 0, 1]))
    res = summarise_condition(recs, side=False, calibration=cal)
    assert res["per_family"]["xtts"]["n"] == 4 and res["per_family"]["xtts"]["share_high"] == 0.25
    assert res["per_family"]["indextts"]["share_high"] == 0.5
    assert res["per_source"]["real/vvcs_reference"]["share_high"] == 0.0
