"""Sample-exact trimming (``Preprocessing(trim_exact=True)``): added silence cannot shift the windows."""
from __future__ import annotations

import numpy as np
import pytest

from verifier.analysis.voice import detector as det

SR = 16000


def _tone_burst(seconds: float = 1.5) -> np.ndarray:
    t = np.arange(int(seconds * SR)) / SR
    return (0.5 * np.sin(2 * np.pi * 200 * t) * (0.5 + 0.5 * np.sin(2 * np.pi * 3 * t))).astype(np.float32)


@pytest.mark.parametrize("lead", [0, 37, 100, 1600, 24000])
def test_exact_bounds_do_not_move_with_added_silence(rng, lead):
    y = np.concatenate([np.zeros(1000, np.float32), _tone_burst(), np.zeros(500, np.float32)])
    base = det.exact_trim_bounds(y)
    noise = lambda n: (1e-4 * rng.standard_normal(n)).astype(np.float32)  # noqa: E731  (-80 dBFS room noise)
    z = np.concatenate([noise(lead), y, noise(777)])
    a, b = det.exact_trim_bounds(z)
    assert (a - lead, b - lead) == base


def test_frame_grid_bounds_do_move_with_added_silence(rng):
    """What the exact bounds fix: the 8 ms frame grid moves the start with the silence before it."""
    y = np.concatenate([np.zeros(1000, np.float32), _tone_burst(), np.zeros(500, np.float32)])
    starts = {det.trim_bounds(np.concatenate([np.zeros(lead, np.float32), y]))[0] - lead for lead in (0, 37, 100)}
    assert len(starts) > 1


def test_exact_bounds_are_level_invariant_and_inside_the_sound():
    y = np.concatenate([np.zeros(1000, np.float32), _tone_burst(), np.zeros(500, np.float32)])
    a, b = det.exact_trim_bounds(y)
    n = det.EXACT_TRIM_RMS_SAMPLES  # the short RMS reaches the threshold up to half its length before the sound
    assert 1000 - n // 2 <= a <= 1002 and len(y) - 502 <= b <= len(y) - 500 + n // 2
    for g in (1e-3, 0.1, 1.5):
        assert det.exact_trim_bounds(g * y) == (a, b)


def test_preprocessing_switch_uses_exact_bounds():
    y = np.concatenate([np.zeros(1000, np.float32), _tone_burst(), np.zeros(500, np.float32)])
    a, b = det.exact_trim_bounds(y)
    out = det.normalise_channel(y, det.Preprocessing(trim_exact=True))
    assert len(out) == b - a
    frame = det.normalise_channel(y, det.Preprocessing(trim_exact=False))
    assert len(frame) == np.subtract(*det.trim_bounds(y)[::-1]) != len(out)


def test_default_preprocessing_is_sample_exact_at_trim_top_db():
    """The runtime's choice (docs/voice_invariance.md): sample-exact ends, TRIM_TOP_DB under the loudest frame."""
    assert det.DEFAULT_PREPROCESSING.trim_exact and det.DEFAULT_PREPROCESSING.trim_top_db == det.TRIM_TOP_DB
    y = np.concatenate([np.zeros(1000, np.float32), _tone_burst(), np.zeros(500, np.float32)])
    assert len(det.normalise_channel(y)) == np.subtract(*det.exact_trim_bounds(y, det.TRIM_TOP_DB)[::-1])


def test_trim_top_db_sets_what_counts_as_silence(rng):
    """Noise 45 dB under the loudest frame is kept at the 50 dB default and trimmed at 40 dB."""
    burst = _tone_burst()
    loudest = float(det.frame_rms(burst).max())
    noise = (loudest * 10 ** (-45 / 20) * rng.standard_normal(8000)).astype(np.float32)
    y = np.concatenate([noise, burst, noise])
    a50, b50 = det.exact_trim_bounds(y, 50.0)
    a40, b40 = det.exact_trim_bounds(y, 40.0)
    assert a50 < 1000 and b50 > len(y) - 1000  # the noise is "sound" 50 dB down
    assert 7900 <= a40 <= 8100 and len(y) - 8100 <= b40 <= len(y) - 7900
    out = det.normalise_channel(y, det.Preprocessing(trim_exact=True, trim_top_db=40.0))
    assert len(out) == b40 - a40
    with pytest.raises(det.ParameterError):
        det.Preprocessing(trim_top_db=0.0)
