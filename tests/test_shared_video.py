"""Checks on ../shared/data/video (skipped when it is absent)."""
import pytest
from conftest import SHARED, requires_shared

from verifier.analysis.pipeline import analyze

pytestmark = [requires_shared, pytest.mark.data, pytest.mark.slow]
VIDEO = SHARED / "data" / "video"


@pytest.mark.parametrize("name", ["d3.mp4", "d18.mp4", "d19.mp4"])
def test_digital_silence_gives_no_lipsync_verdict(name):
    r = analyze(str(VIDEO / "real" / "liveportrait_driving" / name))
    lips = r.signals["lipsync"]
    assert lips.reliability == 0 and lips.explanation == "lipsync.no_speech"
    assert lips.evidence["digital_silence"] is True
    # Silence stops only the sound checks: the face is tracked and the blink rate measured.
    blink = r.signals["blink"]
    assert blink.explanation != "blink.no_face" and blink.reliability > 0
    assert 0 <= blink.evidence["blinks_per_min"] < 120  # a human-range number, not a placeholder
    assert r.quality["speech_s"] == 0.0 and r.signals["voice"].explanation == "voice.no_speech"


def test_music_is_not_speech():
    r = analyze(str(VIDEO / "real" / "face_recognition" / "short_hamilton_clip.mp4"))
    assert r.signals["lipsync"].explanation == "lipsync.no_speech"


@pytest.mark.parametrize("rel", ["real/videoretalking_input/1.mp4", "real/liveportrait_driving/d20.mp4",
                                 "real/pcavs_voxceleb/pose_source_741400163.mp4"])
def test_talking_clips_get_an_offset_and_a_blink_rate(rel):
    r = analyze(str(VIDEO / rel))
    ev = r.signals["lipsync"].evidence
    assert -600 <= ev["offset_ms"] <= 600 and -1 <= ev["correlation"] <= 1 and 0 <= ev["confidence"] <= 1
    assert r.quality["face_coverage"] > 0.9
    assert "blinks_per_min" in r.signals["blink"].evidence


def test_small_face_in_wide_frame_is_found():
    # The Hamilton stage clip: a small face in a 640×360 frame; FaceMesh alone misses it.
    r = analyze(str(VIDEO / "real" / "face_recognition" / "short_hamilton_clip.mp4"))
    assert r.quality["face_coverage"] > 0.5
