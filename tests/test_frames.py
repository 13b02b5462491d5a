"""Frame consumers: the face-track columns, head pose, and the face-crop sampler."""
import cv2
import numpy as np
import pytest

from verifier.analysis.face import (
    FACE_BOTTOM,
    FACE_TOP,
    LEFT_EYE_OUTER,
    N_LANDMARKS,
    POSE_POINTS,
    RIGHT_EYE_OUTER,
    FaceObservation,
    FaceTrackBuilder,
    head_pose_deg,
)
from verifier.analysis.frames import FaceCropSampler, face_crop
from verifier.analysis.media import VideoFrame
from verifier.core.params import CropSamplerParams


def _face(cx=320.0, cy=240.0, size=100.0, rng=None):
    """478 landmarks spread over a face box, with the pose points of a level, frontal face."""
    rng = rng or np.random.default_rng(0)
    pts = np.zeros((N_LANDMARKS, 3), np.float32)
    pts[:, 0] = cx + rng.uniform(-size / 2, size / 2, N_LANDMARKS)
    pts[:, 1] = cy + rng.uniform(-size / 2, size / 2, N_LANDMARKS)
    pts[LEFT_EYE_OUTER] = (cx - 0.3 * size, cy - 0.1 * size, 0)
    pts[RIGHT_EYE_OUTER] = (cx + 0.3 * size, cy - 0.1 * size, 0)
    pts[FACE_TOP] = (cx, cy - 0.5 * size, 0)
    pts[FACE_BOTTOM] = (cx, cy + 0.5 * size, 0)
    return pts


def _rot(yaw, pitch, roll):
    """Rotation turning the face: about the image y axis (yaw), x axis (pitch), z axis (roll)."""
    a, b, c = np.radians([yaw, pitch, roll])
    ry = np.array([[np.cos(a), 0, -np.sin(a)], [0, 1, 0], [np.sin(a), 0, np.cos(a)]])
    rx = np.array([[1, 0, 0], [0, np.cos(b), -np.sin(b)], [0, np.sin(b), np.cos(b)]])
    rz = np.array([[np.cos(c), -np.sin(c), 0], [np.sin(c), np.cos(c), 0], [0, 0, 1]])
    return rz @ rx @ ry


@pytest.mark.parametrize("axis", ["yaw", "pitch", "roll"])
def test_head_pose_recovers_a_single_rotation_with_its_sign(axis):
    base = _face()[list(POSE_POINTS)].astype(float)
    centre = base.mean(0)
    for angle in (-30.0, -10.0, 0.0, 20.0):
        r = _rot(**{"yaw": 0, "pitch": 0, "roll": 0, axis: angle})
        pts = (base - centre) @ r.T + centre
        yaw, pitch, roll = (float(v[0]) for v in head_pose_deg(pts[None]))
        got = {"yaw": yaw, "pitch": pitch, "roll": roll}
        assert got[axis] == pytest.approx(angle, abs=1e-6)
        for other in {"yaw", "pitch", "roll"} - {axis}:
            assert got[other] == pytest.approx(0.0, abs=1e-6), (axis, angle, got)
    # signs as documented: image-right eye farther (z up) → yaw > 0; lower on screen → roll > 0
    tilted = base.copy()
    tilted[1, 1] += 20  # the image-right eye lower
    assert head_pose_deg(tilted[None])[2][0] > 0
    turned = base.copy()
    turned[1, 2] += 20  # the image-right eye farther from the camera
    assert head_pose_deg(turned[None])[0][0] > 0


def test_track_builder_names_every_column_and_marks_missing_faces():
    b = FaceTrackBuilder()
    img = np.zeros((480, 640, 3), np.uint8)
    edge = _face(cx=620.0)  # partly outside the 640 px wide picture
    for i, obs in enumerate([FaceObservation(_face(), 100.0, 50.0), FaceObservation(None),
                             FaceObservation(edge, 100.0, float("nan"))]):
        b.consume(VideoFrame(i, i / 10, img), obs)
    tr = b.finish()
    assert tr.n == 3 and tr.frame_size == (640, 480)
    np.testing.assert_array_equal(tr.present, [True, False, True])
    for col in (tr.ear_left, tr.ear_right, tr.mouth, tr.yaw_deg, tr.pitch_deg, tr.roll_deg, tr.occlusion):
        assert len(col) == 3 and np.isnan(col[1]) and np.isfinite(col[0])
    assert tr.face_px.tolist() == [100.0, 0.0, 100.0]
    np.testing.assert_allclose([tr.yaw_deg[0], tr.pitch_deg[0], tr.roll_deg[0]], 0, atol=1e-4)
    expected = float(np.mean(edge[:, 0] >= 640))
    assert tr.occlusion[0] == 0.0 and tr.occlusion[2] == pytest.approx(expected) and expected > 0.1


def test_empty_track_has_every_column():
    tr = FaceTrackBuilder().finish()
    assert tr.n == 0 and tr.coverage == 0.0 and len(tr.yaw_deg) == len(tr.occlusion) == 0


def test_face_crop_keeps_pixels_and_landmarks_together():
    rng = np.random.default_rng(1)
    img = rng.integers(0, 255, (480, 640, 3), dtype=np.uint8)
    pts = _face(cx=40.0, cy=240.0, size=80.0)  # near the left edge: the crop extends past it
    c = face_crop(VideoFrame(7, 1.25, img), pts, margin=2.0, max_side_px=384)
    assert c.scale == 1.0 and c.image.shape[0] == c.image.shape[1] == c.box_px[2]
    x0, y0, side = c.box_px
    assert x0 < 0
    # outside the picture the frame is mirrored without repeating its edge (as cv2.BORDER_REFLECT_101)
    ref = cv2.copyMakeBorder(img, 0, 0, -x0, 0, cv2.BORDER_REFLECT_101)
    np.testing.assert_array_equal(c.image[:, : -x0], ref[y0:y0 + side, : -x0])
    for i in (LEFT_EYE_OUTER, RIGHT_EYE_OUTER, FACE_TOP, FACE_BOTTOM):
        cx, cy = (int(round(v)) for v in c.landmarks[i, :2])
        fx, fy = (int(round(v)) for v in pts[i, :2])
        np.testing.assert_array_equal(c.image[cy, cx], img[fy, fx])
    big = face_crop(VideoFrame(0, 0.0, img), _face(size=400.0), margin=2.0, max_side_px=384)
    assert max(big.image.shape[:2]) == 384 and big.scale == pytest.approx(384 / 800)
    np.testing.assert_allclose(big.landmarks[:, 0].mean(), 192, atol=30)


def test_sampler_spreads_crops_over_the_clip_and_falls_back_before_the_target():
    img = np.zeros((240, 320, 3), np.uint8)
    fps, dur = 10.0, 20.0
    params = CropSamplerParams(n_min=8, max_gap_s=5.0, n_max=50)
    s = FaceCropSampler(dur, start_s=0.0, params=params)
    assert s.n == 8
    for i in range(int(dur * fps)):
        t = i / fps
        # no face in [3.75, 5.0): slot 1 (target 3.75 s) must fall back to its last face before 3.75 s
        face = None if 3.75 <= t < 5.0 else _face(cx=160, cy=120, size=60)
        s.consume(VideoFrame(i, t, img), FaceObservation(face))
    crops = s.finish()
    times = [c.t_s for c in crops]
    assert len(crops) == 8
    assert times[1] == pytest.approx(3.7)
    others = [t for k, t in enumerate(times) if k != 1]
    np.testing.assert_allclose(others, [(k + 0.5) * 2.5 for k in range(8) if k != 1], atol=0.11)
    assert all(c.image.shape == (120, 120, 3) for c in crops)


def test_sampler_count_grows_with_the_clip_up_to_a_bound():
    p = CropSamplerParams()
    assert p.n_for(5.0) == p.n_min == 32
    assert p.n_for(150.0) == 75 and p.n_for(600.0) == p.n_max == 96


@pytest.mark.slow
def test_pipeline_feeds_crops_preview_and_track_from_one_decode(make_clip):
    from verifier.analysis.pipeline import analyze

    clip = make_clip("blinks", duration_s=12, blink_times_s=(1.0, 2.7, 5.9, 7.4, 10.6), seed=11)
    r = analyze(clip, face_crops=True, preview=True)
    assert r.error is None and len(r.artifacts.face_crops) == 32 and r.artifacts.preview
    t = np.array([c.t_s for c in r.artifacts.face_crops])
    np.testing.assert_allclose(np.diff(t), 12 / 32, atol=1 / 30 + 1e-6)
    for c in r.artifacts.face_crops:
        h, w = c.image.shape[:2]
        assert h == w <= 384 and c.landmarks.shape == (N_LANDMARKS, 3)
        inside = (c.landmarks[:, :2] >= 0).all() and (c.landmarks[:, :2] < w).all()
        assert inside
    assert analyze(clip).artifacts.face_crops == []
