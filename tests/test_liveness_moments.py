"""The challenge moment finder and each measure, on constructed tracks and pictures (pure functions)."""
import numpy as np
import pytest

from verifier.core.params import ChallengeParams
from verifier.liveness.measures import (
    border_step,
    fingertip_nose_rel,
    hand_region_change,
    hand_share_in_box,
    identity_distances,
    jitter_rel,
    medoid,
)
from verifier.liveness.moments import (
    find_hand_moments,
    find_nose_touches,
    find_turns,
    hand_gaps_over_face,
    merge_runs,
    runs,
)

P = ChallengeParams()


def _turn_track(peak_deg, fps=10.0, lose_above=None):
    t = np.arange(0, 6, 1 / fps)
    yaw = peak_deg * np.clip(1 - np.abs(t - 3.0) / 1.5, 0, 1)  # a 3 s triangle, peak at 3 s
    present = np.ones(len(t), bool)
    if lose_above is not None:
        present = np.abs(yaw) < lose_above
    return t, np.where(present, yaw, np.nan), present


def test_runs_and_merge():
    m = np.array([0, 1, 1, 0, 0, 1, 0, 1, 1], bool)
    assert runs(m) == [(1, 2), (5, 5), (7, 8)]
    t = np.arange(9) * 0.1
    assert merge_runs(runs(m), t, 0.25) == [(1, 2), (5, 8)]
    assert merge_runs(runs(m), t, 0.15) == [(1, 2), (5, 5), (7, 8)]


def test_turn_past_threshold_on_each_side_with_sign_convention():
    t, yaw, present = _turn_track(60.0)  # yaw > 0: the person turns to their right
    (s,) = find_turns(t, yaw, present, P)
    assert s.kind == "turn_right" and s.reached and s.lost_s == 0
    assert abs(t[s.peak] - 3.0) < 0.11 and yaw[s.i0] >= P.turn_window_yaw_deg and yaw[s.i0 - 1] < P.turn_window_yaw_deg
    (s,) = find_turns(t, -yaw, present, P)
    assert s.kind == "turn_left" and s.reached


def test_small_turn_is_no_moment():
    t, yaw, present = _turn_track(40.0)
    assert find_turns(t, yaw, present, P) == []


def test_face_lost_during_turn_is_kept_but_not_reached():
    t, yaw, present = _turn_track(80.0, lose_above=35.0)  # FaceMesh loses the face past 35°
    (s,) = find_turns(t, yaw, present, P)
    assert s.kind == "turn_right" and not s.reached and s.lost_s > 0.5
    # lost while frontal (someone walked out of the picture) is not a turn
    t2 = np.arange(0, 6, 0.1)
    present2 = t2 < 3
    assert find_turns(t2, np.where(present2, 2.0, np.nan), present2, P) == []


def test_hand_moment_needs_the_hand_beside_the_face():
    t = np.arange(0, 4, 0.2)
    share = np.zeros(len(t))
    count = np.zeros(len(t), int)
    share[8:12] = [0.4, 0.9, 1.0, 0.5]
    count[6:14] = 1  # seen beside the face (share 0) before and after
    (s,) = find_hand_moments(t, share, count, P)
    assert (s.i0, s.i1, s.peak) == (8, 11, 10)
    count[:] = 0
    count[8:12] = 1  # only ever on the face: the hand model's false detection on a face
    assert find_hand_moments(t, share, count, P) == []
    assert len(find_hand_moments(t, share, None, P)) == 1  # without counts, no check


def test_nose_touch():
    t = np.arange(0, 4, 0.2)
    d = np.full(len(t), np.nan)
    d[5:15] = np.linspace(0.6, 0.3, 10)
    d[9:11] = 0.05
    share = np.where(np.isfinite(d), 0.2, 0.0)
    count = np.isfinite(d).astype(int)
    (s,) = find_nose_touches(t, d, share, count, P)
    assert s.kind == "nose_touch" and s.i0 == 9 and s.i1 == 10
    assert find_nose_touches(t, np.full(len(t), 0.5), share, count, P) == []


def test_hand_gap_over_the_face():
    t = np.arange(0, 4, 0.2)
    share = np.zeros(len(t))
    share[[5, 10]] = 0.2  # hand touches the face box, vanishes for 1 s, comes back on the other side
    face = np.ones(len(t), bool)
    box = np.tile([100.0, 100.0, 200.0, 220.0], (len(t), 1))
    xy = np.full((len(t), 2), np.nan)
    xy[5], xy[10] = (95.0, 160.0), (205.0, 160.0)
    (g,) = hand_gaps_over_face(t, share, face, xy, box, P)
    assert g[:2] == (5, 10) and abs(g[2] - 1.0) < 1e-6
    xy[10] = (98.0, 200.0)  # comes back on the same edge: never crossed the inner face
    assert hand_gaps_over_face(t, share, face, xy, box, P) == []
    xy[10] = (205.0, 160.0)
    face[7] = False  # the face itself was lost: not a hand drawn over
    assert hand_gaps_over_face(t, share, face, xy, box, P) == []
    face[7] = True
    share[10], share[6] = 0.0, 0.2  # a short gap (one missed sample)
    xy[6] = (205.0, 160.0)
    assert hand_gaps_over_face(t, share, face, xy, box, P) == []


def test_jitter_zero_for_steady_motion_and_grows_with_noise(rng):
    n, k = 30, 478
    base = rng.uniform(0, 200, (1, k, 2))
    steady = base + np.arange(n)[:, None, None] * np.array([2.0, 1.0])  # constant velocity
    face = np.full(n, 200.0)
    j = jitter_rel(steady, face)
    assert np.isnan(j[0]) and np.isnan(j[-1]) and np.nanmax(j) < 1e-9
    noisy = steady + rng.normal(0, 2.0, steady.shape)
    jn = jitter_rel(noisy, face)
    assert 0.01 < np.nanmedian(jn) < 0.05  # ~2 px × sqrt(6) × 0.83 / 200 px
    steady[10] = np.nan  # no face in frame 10
    assert np.isnan(jitter_rel(steady, face)[9:12]).all()


def _oval_face(seam=False):
    from verifier.liveness.measures import FACE_OVAL

    img = np.full((240, 240, 3), 120, np.uint8)
    lm = np.zeros((478, 2))
    ang = np.linspace(0, 2 * np.pi, len(FACE_OVAL), endpoint=False)
    lm[list(FACE_OVAL)] = np.stack([120 + 60 * np.sin(ang), 120 - 80 * np.cos(ang)], 1)
    import cv2

    cv2.ellipse(img, (120, 120), (70, 90), 0, 0, 360, (200, 150, 130), -1)  # skin beyond the oval
    if seam:  # a pasted face: another skin tone inside 85 % of the oval
        cv2.ellipse(img, (120, 120), (51, 68), 0, 0, 360, (150, 110, 90), -1)
    return img, lm


def test_border_step_sees_a_seam_inside_the_oval():
    c0, t0 = border_step(*_oval_face(False))
    c1, t1 = border_step(*_oval_face(True))
    assert c0 < 2.0 and c1 > 15.0 and np.isfinite(t0) and np.isfinite(t1)
    assert np.isnan(border_step(np.zeros((10, 10, 3), np.uint8), np.zeros((478, 2)))[0])


def test_hand_share_and_fingertip():
    hand = np.zeros((21, 2))
    hand[:, 0] = np.linspace(50, 150, 21)
    hand[:, 1] = 100
    assert hand_share_in_box(hand, (100, 50, 200, 150)) == pytest.approx(11 / 21)
    hand[8] = (110, 100)
    assert fingertip_nose_rel(hand, (100, 100, 0), 200.0) == pytest.approx(0.05)
    assert np.isnan(fingertip_nose_rel(hand, (100, 100), 0.0))


def test_hand_region_change_in_front_vs_painted_over(rng):
    s = 64
    base = rng.integers(100, 140, (s, s, 3)).astype(np.uint8)
    face = np.zeros((s, s), bool)
    face[8:56, 12:52] = True
    hand = np.array([[20, 20], [40, 20], [40, 40], [20, 40]] + [[30, 30]] * 17, float)
    in_front = base.copy()
    in_front[20:41, 20:41] = 220  # the hand's pixels replace the face there
    painted = np.clip(base.astype(int) + rng.integers(-3, 4, base.shape), 0, 255).astype(np.uint8)  # face unchanged
    assert hand_region_change(in_front, base, hand, face) > 10
    assert hand_region_change(painted, base, hand, face) < 1.2
    assert np.isnan(hand_region_change(in_front, base, hand[:, :] * 0 + 30, face))  # hand too small


def test_identity_distances_and_medoid(rng):
    a = rng.normal(0, 1, 128)
    a /= np.linalg.norm(a) * 2
    same = a + rng.normal(0, 0.01, (3, 128))
    other = -a + rng.normal(0, 0.01, (2, 128))
    ba, dm = identity_distances(same, same, other, None)
    assert ba < 0.1 and dm > 0.9
    ba, dm = identity_distances(same, np.zeros((0, 128)), same, None)
    assert ba is None and dm < 0.3  # noise: 0.01 × √(2·128) ≈ 0.16
    assert identity_distances(np.zeros((0, 128)), np.zeros((0, 128)), other, None) == (None, None)
    odd = np.vstack([same, other[:1]])
    assert np.linalg.norm(medoid(odd) - a) < 0.3  # one of the three same-person rows, not the odd one (~1.0 away)
