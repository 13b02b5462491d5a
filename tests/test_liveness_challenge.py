"""Planted challenge clips through analyze_challenge and ``verifier challenge``.

A frontal photo (skimage's astronaut) is re-rendered at each yaw of a head turn
(tests/liveness_synth.py); the same clip with another identity drawn on the face during the
turn must be flagged, the clip without the swap must not, a clip without any action is "not performed".
"""
import json

import numpy as np
import pytest
from conftest import SHARED, requires_shared

from verifier.core.params import ChallengeParams
from verifier.liveness import CHALLENGE_KINDS, analyze_challenge, render_text
from verifier.liveness.report import thumbnails_ok

FPS = 10.0
YAWS = [0.0] * 15 + list(np.linspace(0, 62, 10)) + [62.0] * 5 + list(np.linspace(62, 0, 10)) + [0.0] * 20  # 6 s


@pytest.fixture(scope="module")
def astronaut():
    from liveness_synth import astronaut_canvas

    return astronaut_canvas()


def _clip(path, face, yaws, swap_from_deg=None):
    from liveness_synth import write_clip

    cache = {}
    frames = []
    for y in yaws:
        sw = swap_from_deg is not None and abs(y) >= swap_from_deg
        key = (round(float(y), 2), sw)
        if key not in cache:
            cache[key] = face.render(y, sw)
        frames.append(cache[key])
    write_clip(str(path), frames, FPS)
    return str(path)


@pytest.fixture(scope="module")
def turning(astronaut):
    from liveness_synth import TurningFace

    return TurningFace(astronaut)


def _identity_available():
    from verifier.analysis.identity.consistency import identity_available

    return identity_available()


def test_synthetic_turn_is_tracked_past_the_threshold(turning):
    """The planted clips are only a test if FaceMesh follows the rendered turn past ±45°."""
    from verifier.analysis.face import POSE_POINTS, FaceTracker, head_pose_deg

    with FaceTracker() as tr:
        seen = []
        for y in (0.0, 15.0, 30.0, 45.0, 55.0, 62.0, 62.0):
            obs = tr.track(turning.render(y))
            assert obs.landmarks is not None, y
            seen.append(float(head_pose_deg(obs.landmarks[list(POSE_POINTS)][None])[0][0]))
    assert abs(seen[0]) < 5 and 15 < seen[2] < ChallengeParams().turn_yaw_deg <= max(seen)


def test_turn_without_swap_is_found_and_not_flagged(turning, tmp_path):
    path = _clip(tmp_path / "turn.mp4", turning, YAWS)
    r = analyze_challenge(path)
    assert r.error is None and len(r.sha256) == 64
    assert [m.kind for m in r.moments] == ["turn_right"]
    m = r.moments[0]
    assert m.flags == [] and m.notes == [] or (m.notes == ["challenge.note.identity_unavailable"] and not _identity_available())
    assert m.measures["peak_abs_yaw_deg"] >= 45 and 1.5 <= m.t_start_s <= m.peak_t_s <= m.t_end_s <= 4.5
    assert r.performed == {"turn_left": False, "turn_right": True, "hand": False, "nose_touch": False}
    assert r.verdict == "partly_performed"
    assert len(m.frames) == 3 and thumbnails_ok(m.frames) and all(f.shape[0] == 160 for f in m.frames)
    assert m.frame_times_s[0] < m.peak_t_s < m.frame_times_s[2]
    if _identity_available():
        assert m.measures["identity_distance_during_max"] < m.measures["different_person_distance"]
        assert m.measures["identity_distance_before_after"] < 0.2  # the very same photo before and after
    d = json.loads(json.dumps(r.to_dict()))
    assert d["moments"][0]["kind"] == "turn_right" and "frames" not in d["moments"][0]


@requires_shared
def test_turn_with_another_identity_is_flagged(astronaut, tmp_path):
    """Another person's face drawn on the head while it turns (a swap reverting to its source): flagged."""
    import cv2
    from liveness_synth import TurningFace

    if not _identity_available():
        pytest.skip("face descriptor (dlib-face-resnet) not installed")
    faces = sorted((SHARED / "data" / "faces" / "images" / "utkface").glob("*.jpg"))
    if len(faces) < 6:
        pytest.skip("../shared/data/faces absent")
    other = cv2.cvtColor(cv2.imread(str(faces[5])), cv2.COLOR_BGR2RGB)
    other = cv2.copyMakeBorder(cv2.resize(other, (300, 300)), 100, 100, 100, 100, cv2.BORDER_REFLECT_101)
    face = TurningFace(astronaut, other)
    path = _clip(tmp_path / "swap.mp4", face, YAWS, swap_from_deg=20.0)
    r = analyze_challenge(path)
    assert r.verdict == "anomaly"
    (m,) = [m for m in r.moments if m.kind == "turn_right"]
    assert "challenge.flag.identity_change" in m.flags
    assert m.measures["identity_distance_during_max"] >= m.measures["different_person_distance"]
    text = render_text(r, "vi")
    assert "NGƯỜI KHÁC" in text and "challenge." not in text


def test_no_challenge_is_not_performed(astronaut, tmp_path):
    from liveness_synth import write_clip

    rng = np.random.default_rng(3)
    frames = [np.roll(astronaut, int(rng.integers(-2, 3)), axis=1) for _ in range(30)]  # 3 s, small sway
    path = tmp_path / "still.mp4"
    write_clip(str(path), frames, FPS)
    r = analyze_challenge(str(path))
    assert r.error is None and r.moments == []
    assert r.performed == {k: False for k in CHALLENGE_KINDS} and r.verdict == "not_performed"
    assert r.baseline["face_present_share"] == 1.0
    for lang in ("vi", "en"):
        text = render_text(r, lang)
        assert "challenge." not in text
    assert "CHƯA THỰC HIỆN" in render_text(r, "vi") and "NOT PERFORMED" in render_text(r, "en")


def test_bad_input_never_raises(tmp_path):
    bad = tmp_path / "notes.mp4"
    bad.write_text("not a video")
    for p in (bad, tmp_path / "missing.mp4"):
        r = analyze_challenge(str(p))
        assert r.error is not None and r.error.key.startswith("error.") and r.error.key != "error.internal"
        assert r.verdict == "not_performed" and r.moments == []
        assert "challenge." not in render_text(r, "en")


def test_cli_challenge_json_and_exit_codes(astronaut, tmp_path, capsys):
    from liveness_synth import write_clip

    from verifier.cli.main import main

    path = tmp_path / "still.mp4"
    write_clip(str(path), [astronaut] * 15, FPS)
    assert main(["challenge", str(path), "--json"]) == 0
    d = json.loads(capsys.readouterr().out.strip())
    assert d["verdict"] == "not_performed" and d["error"] is None and set(d["performed"]) == set(CHALLENGE_KINDS)
    bad = tmp_path / "x.mp4"
    bad.write_bytes(b"\0" * 100)
    assert main(["challenge", str(bad), "--lang", "en"]) == 1
    assert "could not be analysed" in capsys.readouterr().out


def test_every_challenge_key_is_translated():
    from verifier.core.i18n import messages
    from verifier.liveness import VERDICTS

    keys = [f"challenge.kind.{k}" for k in CHALLENGE_KINDS] + [f"challenge.verdict.{v}" for v in VERDICTS]
    keys += [f"challenge.flag.{f}" for f in ("identity_change", "landmark_jitter", "border_discontinuity",
                                             "face_over_hand", "hand_vanished_over_face")]
    keys += [f"challenge.note.{n}" for n in ("face_lost_at_turn", "identity_unavailable")]
    for k in keys:
        assert messages()[k]["vi"] != messages()[k]["en"], k
