"""Identity consistency inside one clip: the rule on planted descriptors, and a planted clip whose face changes person half-way."""
from __future__ import annotations

import numpy as np
import pytest
from conftest import SHARED, requires_shared
from test_compare import needs_face_model

from verifier.analysis.identity.consistency import identity_consistency, identity_figure, measure_identity
from verifier.core.params import IdentityParams


def _cluster(rng, centre, n, spread=0.03):
    return centre + rng.normal(0, spread, (n, 128))


def test_a_change_of_person_half_way_is_flagged_and_a_steady_face_is_not(rng):
    a, b = rng.normal(0, 0.1, 128), rng.normal(0, 0.1, 128)  # ~1.6 apart: two people on dlib's scale
    t = np.arange(16) * 0.5
    yaw = np.zeros(16)
    spliced = identity_consistency(np.r_[_cluster(rng, a, 9), _cluster(rng, b, 7)], t, yaw, different_at=0.55)
    assert spliced.explanation == "identity.changes" and spliced.score == 1.0
    assert spliced.evidence["other_identity_frames"] == 7 and spliced.evidence["largest_jump_t_s"] == 4.5
    steady = identity_consistency(_cluster(rng, a, 16), t, yaw, different_at=0.55)
    assert steady.explanation == "identity.steady" and steady.score == 0.0 and steady.reliability == 1.0
    one = identity_consistency(np.r_[_cluster(rng, a, 15), _cluster(rng, b, 1)], t, yaw, different_at=0.55)
    assert one.explanation == "identity.one_odd_frame" and 0 < one.score < 0.5


def test_turned_faces_are_left_out_and_too_few_is_not_a_pass(rng):
    a = rng.normal(0, 0.1, 128)
    yaw = np.r_[np.zeros(5), np.full(11, 60.0)]
    r = identity_consistency(_cluster(rng, a, 16), np.arange(16), yaw, IdentityParams(min_frames=6), different_at=0.55)
    assert not r.usable and r.explanation == "identity.too_few_faces" and r.evidence["faces_described"] == 5


def _frames_of(photo_paths, rng):
    """Video-call-like frames (640×480) with a face photo pasted at slightly moving places."""
    import cv2

    from verifier.analysis.face import FaceTracker
    from verifier.analysis.frames import face_crop
    from verifier.analysis.media import VideoFrame

    crops = []
    with FaceTracker() as tracker:
        for i, p in enumerate(photo_paths):
            face = cv2.cvtColor(cv2.imread(str(p)), cv2.COLOR_BGR2RGB)
            face = cv2.resize(face, (200, 200))
            frame = np.full((480, 640, 3), 90, np.uint8)
            x, y = 200 + int(rng.integers(-15, 16)), 120 + int(rng.integers(-15, 16))
            frame[y:y + 200, x:x + 200] = face
            obs = tracker.track(frame)
            if obs.landmarks is not None:
                crops.append(face_crop(VideoFrame(i, i * 0.5, frame), obs.landmarks, 2.0, 384))
    return crops


@pytest.mark.slow
@pytest.mark.data
@requires_shared
@needs_face_model
def test_planted_clip_whose_face_changes_person_half_way(rng):
    faces = SHARED / "data" / "faces" / "images" / "rmfd_afdb"
    a1, a2 = faces / "0_0_caiguoqing_0113.jpg", faces / "0_0_caiguoqing_0146.jpg"
    b = faces / "0_0_baobeier_0020.jpg"
    spliced = measure_identity(_frames_of([a1] * 5 + [a2] * 4 + [b] * 7, rng))
    assert spliced.usable and spliced.explanation == "identity.changes", spliced.evidence
    assert spliced.score >= 0.9 and spliced.evidence["largest_jump_t_s"] == pytest.approx(4.5)
    same = measure_identity(_frames_of([a1] * 8 + [a2] * 8, rng))  # one person, two photos
    assert same.usable and same.explanation != "identity.changes", same.evidence
    assert identity_figure(spliced, "vi") is not None and identity_figure(same, "en") is not None
