"""Sample-exact trimming (``Preprocessing(trim_exact=True)``): added silence cannot shift the windows."""
from __future__ import annotations

import numpy as np
import pytest

from verifier.voice import detector as det

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
    assert 1000 <= a <= 1002 and len(y) - 502 <= b <= len(y) - 500  # first/last non-negligible sample
    for g in (1e-3, 0.1, 1.5):
        assert det.exact_trim_bounds(g * y) == (a, b)


def test_preprocessing_switch_uses_exact_bounds():
    y = np.concatenate([np.zeros(1000, np.float32), _tone_burst(), np.zeros(500, np.float32)])
    a, b = det.exact_trim_bounds(y)
    out = det.normalise_channel(y, det.Preprocessing(trim_exact=True))
    assert len(out) == b - a
    assert len(det.normalise_channel(y, det.Preprocessing())) == np.subtract(*det.trim_bounds(y)[::-1])
