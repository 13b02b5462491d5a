"""Canonical face alignment (verifier/analysis/video/align.py)."""
from __future__ import annotations

import numpy as np
import pytest

from verifier.analysis.video.align import (
    LEFT_EYE_RING,
    RIGHT_EYE_RING,
    align_face,
    similarity_from_landmarks,
    transform_points,
)
from verifier.core.params import AlignParams


def _landmarks(rng, angle_deg=0.0, scale=1.0, centre=(300.0, 200.0)):
    """478 points of an upright 'face' 100 px wide, 130 px tall, then rotated/scaled/moved."""
    pts = np.column_stack([rng.uniform(-50, 50, 478), rng.uniform(-65, 65, 478)])
    pts[list(RIGHT_EYE_RING)] = [-20, -20] + rng.normal(0, 2, (16, 2))
    pts[list(LEFT_EYE_RING)] = [20, -20] + rng.normal(0, 2, (16, 2))
    pts[0], pts[1] = (-50, -65), (50, 65)  # the box corners
    a = np.deg2rad(angle_deg)
    R = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    return (pts @ R.T) * scale + centre


@pytest.mark.parametrize("angle", [0.0, 25.0, -40.0])
def test_crop_is_upright_centred_with_the_stated_margin(rng, angle):
    pts = _landmarks(rng, angle, scale=2.0)
    M = similarity_from_landmarks(pts, size_px=160, margin=1.25)
    q = transform_points(pts, M)
    eye_r, eye_l = q[list(RIGHT_EYE_RING)].mean(0), q[list(LEFT_EYE_RING)].mean(0)
    assert abs(eye_r[1] - eye_l[1]) < 1e-6 * 160 + 1e-3  # eye line horizontal
    lo, hi = q[:468].min(0), q[:468].max(0)
    assert np.allclose((lo + hi) / 2, 80, atol=1e-3)  # centred
    assert max(hi - lo) == pytest.approx(160 / 1.25, rel=1e-6)  # margin


def test_align_face_returns_crop_and_matching_landmarks(rng):
    frame = np.zeros((400, 600, 3), np.uint8)
    frame[:, :300] = 255  # left half white: the crop of a face centred on x=300 is half white
    pts = _landmarks(rng)
    crop, q = align_face(frame, pts, AlignParams(size_px=64, margin=1.5))
    assert crop.shape == (64, 64, 3) and q.shape == (478, 2)
    assert crop[:, :28].min() > 200 and crop[:, 36:].max() < 50


def test_large_face_is_shrunk_without_aliasing(rng):
    frame = np.zeros((1000, 1000, 3), np.uint8)
    frame[:, ::2] = 255  # 1-px stripes: averaged to grey, not aliased into bars
    pts = _landmarks(rng, scale=5.0, centre=(500, 500))
    crop, _ = align_face(frame, pts, AlignParams(size_px=64, margin=1.2))
    assert abs(float(crop.mean()) - 127.5) < 10 and crop.std() < 20


def test_bad_landmarks_are_refused():
    with pytest.raises(ValueError, match="shape"):
        similarity_from_landmarks(np.zeros((10, 2)), size_px=64, margin=1.2)
    with pytest.raises(ValueError, match="degenerate"):
        similarity_from_landmarks(np.zeros((478, 2)), size_px=64, margin=1.2)
