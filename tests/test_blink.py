import numpy as np
import pytest

from verifier.analysis.signals.blink import (
    NORMAL_BLINKS_PER_MIN_CONVERSATION,
    blink_likelihood_ratio,
    detect_blinks,
    measure_blink,
)

FPS = 30.0


def ear_series(duration_s, blink_starts_s, rng, *, closed_frames=4, noise=0.007, open_ear=0.31, closed_ear=0.08):
    n = int(duration_s * FPS)
    t = np.arange(n) / FPS
    ear = open_ear + noise * rng.standard_normal(n)
    for s in blink_starts_s:
        i = int(round(s * FPS))
        ear[i:i + closed_frames] = closed_ear + noise * rng.standard_normal(len(ear[i:i + closed_frames]))
    return t, ear


def test_counts_planted_blinks_exactly(rng):
    starts = [1.2, 4.0, 9.1, 15.5, 22.0, 23.3, 30.8, 41.0, 52.5]
    t, ear = ear_series(60, starts, rng)
    ev = detect_blinks(ear, t)
    assert len(ev.start_idx) == len(starts)
    np.testing.assert_allclose(t[ev.start_idx], starts, atol=1.5 / FPS)


def test_threshold_adapts_to_clip_level_and_drift(rng):
    # A narrower eye (open EAR 0.22) drifting slowly, with shallower blinks (to 0.1).
    t, ear = ear_series(30, [3, 10, 17, 25], rng, open_ear=0.22, closed_ear=0.10)
    ear *= 1 + 0.15 * np.sin(2 * np.pi * t / 30)
    assert len(detect_blinks(ear, t).start_idx) == 4


def test_noise_alone_gives_no_blinks(rng):
    t, ear = ear_series(30, [], rng, noise=0.01)
    assert len(detect_blinks(ear, t).start_idx) == 0


def test_long_closure_is_not_a_blink(rng):
    t, ear = ear_series(20, [5.0], rng, closed_frames=int(2.5 * FPS))
    assert len(detect_blinks(ear, t).start_idx) == 0


def test_face_dropouts_are_not_blinks(rng):
    t, ear = ear_series(20, [4.0, 12.0], rng)
    ear[200:240] = np.nan
    assert len(detect_blinks(ear, t).start_idx) == 2


def test_evidence_grows_with_clip_length():
    # zero blinks in 8 s is weak evidence, zero in 60 s is strong
    lr8, lr60 = blink_likelihood_ratio(0, 8), blink_likelihood_ratio(0, 60)
    assert 1 < lr8 < 4 < lr60
    # a normal conversational count is evidence for a real person
    assert blink_likelihood_ratio(20, 60) < 0.5


def test_measure_blink_contract(rng):
    t, ear = ear_series(60, [2, 7, 11, 18, 26, 29, 35, 44, 47, 56], rng)
    r = measure_blink(ear, ear, t)
    assert r.key == "blink" and r.evidence["blink_count"] == 10
    assert r.evidence["blinks_per_min"] == pytest.approx(10.0, abs=0.2)
    assert r.evidence["normal_range_per_min"] == list(NORMAL_BLINKS_PER_MIN_CONVERSATION)
    assert 0 <= r.score < 0.5 and r.reliability == pytest.approx(1.0)
    none = measure_blink(*(np.full(50, np.nan),) * 2, np.arange(50) / FPS)
    assert none.reliability == 0 and none.explanation == "blink.no_face"


def test_no_blinks_in_a_minute_is_suspicious(rng):
    t, ear = ear_series(60, [], rng)
    r = measure_blink(ear, ear, t)
    assert r.evidence["blink_count"] == 0 and r.score > 0.85 and r.explanation == "blink.too_few"
