"""The ``identity`` signal inside the analysis: run only where its optional descriptor is
installed, weight 0 in fusion, at most ``max_frames`` crops described, reliability lowered for
a small face. The descriptor is replaced by a planted one here, so no model is needed."""
from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from verifier.analysis.identity import consistency, face_embed
from verifier.analysis.identity.consistency import measure_identity
from verifier.core.params import IdentityParams


def _planted_describe(chips, model=None):
    """One person (descriptors near one point), whatever the chips show."""
    rng = np.random.default_rng(len(chips))
    return (np.full((len(chips), 128), 0.05) + rng.normal(0, 0.01, (len(chips), 128))).astype(np.float32)


@pytest.fixture(scope="module")
def crops(make_clip):
    from verifier.analysis.frames import FaceCropSampler
    from verifier.analysis.media import probe
    from verifier.analysis.pipeline import decode_and_track

    clip = make_clip("identity_pipeline_call", duration_s=8.0, size=(640, 480))
    info = probe(clip)
    sampler = FaceCropSampler(info.duration_s, info.video_start_s or 0.0)
    decode_and_track(clip, info, decode_audio=False, consumers=[sampler])
    out = sampler.finish()
    assert len(out) >= 20
    return out


def test_described_crops_are_capped_and_a_small_face_lowers_reliability(crops, monkeypatch):
    seen = []

    def describe(chips, model=None):
        seen.append(len(chips))
        return _planted_describe(chips)

    monkeypatch.setattr(face_embed, "describe", describe)
    params = IdentityParams(max_frames=12)
    big = measure_identity(crops, params)
    assert seen == [12] and big.evidence["faces_described"] == 12
    assert big.explanation == "identity.steady" and big.score == 0.0
    assert big.evidence["median_face_px"] > params.full_reliability_face_px and big.reliability == pytest.approx(12 / 16)
    # the same crops cut from a frame four times larger: the face is a quarter of the size in the frame
    small = measure_identity([dataclasses.replace(c, scale=c.scale * 4) for c in crops], params)
    assert small.evidence["median_face_px"] == pytest.approx(big.evidence["median_face_px"] / 4, rel=0.01)
    assert small.reliability < 0.5 * big.reliability


def test_the_pipeline_runs_identity_only_when_asked_and_installed_and_never_counts_it(make_clip, monkeypatch):
    from verifier.analysis import pipeline
    from verifier.core.params import AnalysisParams

    clip = make_clip("identity_pipeline_call", duration_s=8.0, size=(640, 480))
    asked = AnalysisParams.from_overrides({"identity": {"enabled": True}})
    monkeypatch.setattr(consistency, "identity_available", lambda: False)
    assert "identity" not in pipeline.analyze(clip, params=asked).signals  # model missing
    monkeypatch.setattr(consistency, "identity_available", lambda: True)
    monkeypatch.setattr(face_embed, "describe", _planted_describe)
    assert "identity" not in pipeline.analyze(clip).signals  # not asked for (the default)
    report = pipeline.analyze(clip, params=asked)
    s = report.signals["identity"]
    assert s.usable and s.explanation == "identity.steady" and s.series["t_s"]
    assert report.weights["identity"] == 0.0  # explains, not counted: no evaluation justifies more yet
    assert consistency.identity_figure(s, "vi") is not None


def test_report_figures_hold_the_identity_plot_only_when_measured(make_clip, monkeypatch):
    from verifier.analysis import pipeline
    from verifier.outputs import plots

    clip = make_clip("identity_pipeline_call", duration_s=8.0, size=(640, 480))
    monkeypatch.setattr(pipeline, "_identity_on", lambda params: True)
    monkeypatch.setattr(face_embed, "describe", _planted_describe)
    report = pipeline.analyze(clip)
    fig = plots.figures(report, "en")["identity"]
    assert fig is not None and len(fig.axes) == 2  # distance over time, head yaw over time
    del report.signals["identity"]
    assert plots.figures(report, "en")["identity"] is None


def test_cli_identity_flag_asks_for_the_signal(make_clip, monkeypatch, capsys):
    from verifier.cli import main as cli

    clip = make_clip("identity_pipeline_call", duration_s=8.0, size=(640, 480))
    monkeypatch.setattr(consistency, "identity_available", lambda: True)
    monkeypatch.setattr(face_embed, "describe", _planted_describe)
    for flag, present in (([], False), (["--identity"], True)):
        cli.main(["analyze", str(clip), "--json", *flag])
        out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
        assert ("identity" in out["signals"]) is present
