"""Signal parameters: frozen, named, overridable from JSON, and actually used."""
import dataclasses
import json

import numpy as np
import pytest

from verifier.analysis.face import FaceTrackBuilder
from verifier.analysis.signals.blink import measure_blink
from verifier.analysis.signals.face_quality import measure_face_quality
from verifier.core.errors import ParameterError
from verifier.core.fusion import Fusion
from verifier.core.levels import LEVELS
from verifier.core.params import DEFAULT_PARAMS, AnalysisParams, BlinkParams, FaceQualityParams
from verifier.core.result import SignalResult


def test_parameter_objects_are_frozen():
    for obj in (BlinkParams(), FaceQualityParams(), DEFAULT_PARAMS, Fusion()):
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(obj, dataclasses.fields(obj)[0].name, 1)


def test_overrides_replace_named_fields_and_refuse_unknown_ones(tmp_path):
    p = AnalysisParams.from_overrides({"blink": {"min_drop": 0.3}, "fusion": {"high_from": 0.8}})
    assert p.blink.min_drop == 0.3 and p.blink.noise_sigmas == BlinkParams().noise_sigmas
    assert p.fusion.high_from == 0.8 and p.fusion.weights["voice"] == Fusion.from_file().weights["voice"]
    assert p.face == FaceQualityParams()
    f = tmp_path / "o.json"
    f.write_text(json.dumps({"face": {"min_face_px": 30}}))
    assert AnalysisParams.load(str(f)).face.min_face_px == 30
    with pytest.raises(ParameterError, match="min_drops"):
        AnalysisParams.from_overrides({"blink": {"min_drops": 0.3}})
    with pytest.raises(ParameterError, match="unknown parameter section"):
        AnalysisParams.from_overrides({"blinks": {}})
    with pytest.raises(ParameterError):
        AnalysisParams.from_overrides({"fusion": {"low_below": 0.9, "high_from": 0.5}})
    with pytest.raises(ParameterError, match="good_face_px"):  # an inverted gate would pass every face
        AnalysisParams.from_overrides({"face": {"min_face_px": 500}})


def test_voice_section_sets_the_window_cap_and_is_recorded():
    from verifier.analysis.voice.detector import ALL_WINDOWS
    from verifier.core.constants import MAX_WINDOWS

    assert DEFAULT_PARAMS.voice.timeline_windows == MAX_WINDOWS
    p = AnalysisParams.from_overrides({"voice": {"timeline_windows": ALL_WINDOWS}})
    assert p.voice.timeline_windows == ALL_WINDOWS and p.to_dict()["voice"] == {"timeline_windows": ALL_WINDOWS}
    with pytest.raises(ParameterError, match="timeline_windows"):
        AnalysisParams.from_overrides({"voice": {"timeline_windows": 0}})


def test_cli_voice_windows_option_reads_all_or_a_count():
    import argparse

    from verifier.analysis.voice.detector import ALL_WINDOWS
    from verifier.cli.options import voice_windows_arg
    from verifier.core.params import VoiceParams

    assert voice_windows_arg("all") == voice_windows_arg(" ALL ") == VoiceParams(timeline_windows=ALL_WINDOWS)
    assert voice_windows_arg("7") == VoiceParams(timeline_windows=7)
    for bad in ("0", "-2", "three", "2.5"):
        with pytest.raises(argparse.ArgumentTypeError, match="expected 'all' or an integer"):
            voice_windows_arg(bad)


def test_blink_params_change_the_reading():
    fps = 30.0
    t = np.arange(int(20 * fps)) / fps
    ear = np.full_like(t, 0.30)
    for s in (2.0, 9.0, 15.0):  # three shallow blinks: 25 % closure
        ear[(t >= s) & (t < s + 0.15)] = 0.225
    default = measure_blink(ear, ear, t)
    strict = measure_blink(ear, ear, t, params=BlinkParams(min_drop=0.3))
    assert default.evidence["blink_count"] == 3 and strict.evidence["blink_count"] == 0
    half = measure_blink(ear, ear, t, params=BlinkParams(full_reliability_s=10.0))
    assert half.reliability == 1.0 and default.reliability == pytest.approx(20 / 30, abs=0.01)


def test_face_quality_params_gate_the_face_signals():
    from tests.test_frames import _face
    from verifier.analysis.face import FaceObservation
    from verifier.analysis.media import VideoFrame

    b = FaceTrackBuilder()
    img = np.zeros((480, 640, 3), np.uint8)
    for i in range(30):
        b.consume(VideoFrame(i, i / 10, img), FaceObservation(_face(size=60.0), 60.0, 40.0))
    tr = b.finish()
    q, fields, face = measure_face_quality(tr, 3.0)
    assert q == pytest.approx((60 - 40) / (100 - 40)) and face.explanation == "face.ok"
    q_small, _, small = measure_face_quality(tr, 3.0, FaceQualityParams(min_face_px=70.0))
    assert q_small == 0 and small.explanation == "face.too_small"
    assert measure_face_quality(tr, 1.5)[0] == 0  # shorter than min_duration_s


def test_levels_are_defined_once_and_fusion_returns_them():
    from verifier.core import report
    from verifier.outputs import advice
    from verifier.outputs import html as report_html

    assert report.LEVELS is LEVELS and advice.TECH_LEVELS is LEVELS
    assert set(report_html.LEVEL_COLOURS) == {*LEVELS, "error"}
    f = Fusion(weights={"x": 1.0}, low_below=0.4, high_from=0.6, min_evidence=0.5)
    got = {f.decide([SignalResult("x", s, r)])[1] for s, r in ((0.1, 1), (0.5, 1), (0.9, 1), (0.9, 0.2))}
    assert got == set(LEVELS)


@pytest.mark.slow
def test_video_evaluation_runs_with_alternative_parameters(make_clip, tmp_path, capsys):
    import shutil

    from verifier.evaluate import video

    clip = make_clip("params_eval", duration_s=4, audio=False, seed=31)
    (tmp_path / "real" / "synth").mkdir(parents=True)
    shutil.copy(clip, tmp_path / "real" / "synth" / "a.mp4")
    (tmp_path / "MANIFEST.tsv").write_text("path\tlabel\nreal/synth/a.mp4\treal\n")
    overrides = tmp_path / "o.json"
    overrides.write_text(json.dumps({"face": {"min_face_px": 5000.0, "good_face_px": 6000.0},
                                     "fusion": {"min_evidence": 0.0}}))
    out = tmp_path / "r.json"
    assert video.main([str(tmp_path), "--no-stress", "--out", str(out), "--params", str(overrides)]) == 0
    res = json.loads(out.read_text())
    assert res["params"]["face"]["min_face_px"] == 5000.0 and res["params"]["fusion"]["min_evidence"] == 0.0
    (f,) = res["files"]
    # the face is far smaller than the overridden threshold: the face signals were not measured
    assert f["signals"]["face"]["explanation"] == "face.too_small"
    assert f["signals"]["blink"]["explanation"] == "blink.no_face"
    with pytest.raises(ParameterError):
        overrides.write_text(json.dumps({"face": {"min_face_pixels": 1}}))
        video.main([str(tmp_path), "--no-stress", "--params", str(overrides)])


def test_fusion_defaults_in_code_are_the_committed_ones():
    """A default-constructed Fusion holds the committed file's numbers (only weights and provenance
    are the file's alone), so no second set of defaults can drift away from it."""
    import dataclasses

    committed = Fusion.from_file()
    for f in dataclasses.fields(Fusion):
        if f.name not in ("weights", "provenance"):
            assert getattr(Fusion(), f.name) == getattr(committed, f.name), f.name


def test_to_dict_covers_every_section_and_comes_back_through_json():
    p = AnalysisParams.from_overrides({"lipsync": {"min_speech_s": 3.0}, "voice": {"timeline_windows": 5},
                                       "fusion": {"high_from": 0.65}})
    d = json.loads(json.dumps(p.to_dict()))
    assert set(d) == {f.name for f in dataclasses.fields(AnalysisParams)}
    assert AnalysisParams.from_dict(d) == p
    assert set(AnalysisParams().to_dict()) == {f.name for f in dataclasses.fields(AnalysisParams)} - {"fusion"}
