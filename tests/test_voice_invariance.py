"""The invariance harness of issue 14 (python -m verifier.evaluate invariance): every
condition changes only the channel, and the table reports spreads against the unchanged file."""
from __future__ import annotations

import numpy as np
import pytest

from verifier.analysis.voice.calibration import LogisticCalibration
from verifier.analysis.voice.detector import active_level_dbfs, effective_bandwidth_hz, frame_rms
from verifier.evaluate import invariance as inv

SR = 16000


def _tone_speech(rng, seconds=2.0):
    t = np.arange(int(seconds * SR)) / SR
    y = sum(np.sin(2 * np.pi * 150 * k * t) / k for k in range(1, 30)) * (0.5 + 0.5 * np.sin(2 * np.pi * 3 * t) ** 2)
    return (0.1 * y + 0.002 * rng.standard_normal(len(t))).astype(np.float32)


@pytest.mark.parametrize("condition", list(inv.CONDITIONS))
def test_every_condition_keeps_the_speech(condition, rng, tmp_path):
    y = _tone_speech(rng)
    out, sr = inv.apply_condition(y, condition, str(tmp_path), np.random.default_rng(0))
    assert out.dtype == np.float32 and out.ndim == 1 and np.isfinite(out).all()
    added = {"silence": inv.SILENCE_LEAD_S + inv.SILENCE_TRAIL_S, "silence_rel": inv.SILENCE_LEAD_S + inv.SILENCE_TRAIL_S,
             "silence_zero": 2 * inv.SILENCE_ZERO_S}.get(condition, 0)
    assert len(out) / sr == pytest.approx(len(y) / SR + added, abs=0.1)
    if condition == "silence_zero":
        assert not out[:int(inv.SILENCE_ZERO_S * SR)].any() and not out[-int(inv.SILENCE_ZERO_S * SR):].any()
    if condition == "silence_rel":  # the added noise sits SILENCE_REL_DB under the loudest frame, whatever the level
        lead = out[:int(inv.SILENCE_LEAD_S * SR)]
        level = 20 * np.log10(np.sqrt(np.mean(lead ** 2))) - 20 * np.log10(frame_rms(y).max())
        assert level == pytest.approx(-inv.SILENCE_REL_DB, abs=0.5)
    if condition.startswith("level_peak_"):
        assert 20 * np.log10(np.abs(out).max()) == pytest.approx(float(condition.split("_")[-1]), abs=0.01)
    if condition in ("telephone", "amr_nb"):
        assert effective_bandwidth_hz(out) < 4500 < effective_bandwidth_hz(y)
    if condition.startswith("rate_"):
        assert sr == int(condition.split("_")[1])
    if condition in ("messenger_aac", "mp3_64", "stereo", "rate_48000"):
        assert active_level_dbfs(out) == pytest.approx(active_level_dbfs(y), abs=3.0)


def test_table_reports_spread_against_the_unchanged_file():
    cal = LogisticCalibration(mean_=np.zeros(1), scale_=np.ones(1), coef_=np.ones(1), intercept_=0.0)
    cache = {"active_rms": {"a.wav": {"y": 0, "base": 0.0, "silence": 1.0, "rate_8000": 5.0},
                            "b.wav": {"y": 1, "base": 2.0, "silence": 2.0, "rate_8000": 2.0}}}
    md, summary = inv.table(cache, {"active_rms": cal})
    dp = 1 / (1 + np.exp(-1.0)) - 0.5
    assert summary == {"active_rms": {"silence": pytest.approx(dp)}}  # rate_8000 band-limits: not gated
    row = next(line for line in md.splitlines() if "| silence (" in line)
    assert f"{dp:.3f} / {dp:.3f}" in row and "0.000 / 0.000" in row and row.endswith("| 1.00 |")
