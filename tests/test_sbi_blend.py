"""Self-blended images (training/sbi/blend.py) and the both-class augmentations."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from training.sbi.augment import AugmentParams, degrade, reframe
from training.sbi.blend import SBIParams, blend, deform_mask, hull_mask, jitter_source, self_blend

S = 96


def _face(rng):
    """A smooth synthetic 'face': a shaded ellipse on a textured background, and a ring of
    'landmarks' on its outline."""
    yy, xx = np.mgrid[0:S, 0:S].astype(np.float32)
    img = np.stack([80 + 40 * np.sin(xx / 7), 90 + 30 * np.cos(yy / 5), 100 + 0 * xx], -1)
    inside = ((xx - 48) / 26) ** 2 + ((yy - 50) / 32) ** 2 < 1
    img[inside] = [200, 160, 140]
    img += rng.normal(0, 3, img.shape)
    t = np.linspace(0, 2 * np.pi, 40, endpoint=False)
    pts = np.stack([48 + 24 * np.cos(t), 50 + 30 * np.sin(t)], 1).astype(np.float32)
    return np.clip(img, 0, 255).astype(np.uint8), pts


def test_hull_mask_is_inside_the_landmark_hull(rng):
    _, pts = _face(rng)
    m = hull_mask(pts, (S, S))
    hull = cv2.convexHull(pts.astype(np.float32))
    ys, xs = np.nonzero(m)
    dist = np.array([cv2.pointPolygonTest(hull, (float(x), float(y)), True) for x, y in zip(xs, ys)])
    assert dist.min() >= -1.0  # within a pixel of the hull (rasterisation)
    assert set(np.unique(m)) == {0.0, 1.0}
    assert 0.8 < m.sum() / (np.pi * 24 * 30) < 1.1  # about the ellipse's area


def test_mask_zero_gives_target_exactly_and_same_images_give_target(rng):
    img, _ = _face(rng)
    other = rng.integers(0, 256, img.shape, dtype=np.uint8)
    assert np.array_equal(blend(other, img, np.zeros((S, S), np.float32)), img)
    assert np.array_equal(blend(img, img, rng.uniform(0, 1, (S, S)).astype(np.float32)), img)
    assert np.array_equal(blend(other, img, np.ones((S, S), np.float32)), other)
    with pytest.raises(ValueError, match="shapes"):
        blend(other[:10], img, np.zeros((S, S), np.float32))


def test_deformed_mask_is_a_blurred_blob_around_the_face(rng):
    _, pts = _face(rng)
    for seed in range(5):
        m = deform_mask(pts, (S, S), np.random.default_rng(seed))
        assert m.min() >= 0 and m.max() <= 1.0 + 1e-6
        assert m[50, 48] == pytest.approx(m.max(), rel=0.05)  # strongest at the face centre
        assert m[0, 0] < 0.05 * m.max() and m[-1, -1] < 0.05 * m.max()  # background untouched
        assert len(np.unique(np.round(m, 3))) > 10  # soft edge, not binary


def test_self_blend_is_deterministic_with_a_seed_and_changes_only_the_face(rng):
    img, pts = _face(rng)
    a, ma = self_blend(img, pts, np.random.default_rng(7))
    b, mb = self_blend(img, pts, np.random.default_rng(7))
    c, _ = self_blend(img, pts, np.random.default_rng(8))
    assert np.array_equal(a, b) and np.array_equal(ma, mb)
    assert not np.array_equal(a, c)
    diff = np.abs(a.astype(int) - img.astype(int)).sum(-1)
    assert diff[ma == 0].max() == 0  # outside the mask: the original pixels
    assert diff[ma > 0.5].mean() > 1.0  # inside: altered


def test_jitter_source_keeps_shape_and_changes_pixels(rng):
    img, _ = _face(rng)
    out = jitter_source(img, np.random.default_rng(1), SBIParams())
    assert out.shape == img.shape and out.dtype == np.uint8
    assert np.abs(out.astype(int) - img.astype(int)).mean() > 1.0


def test_reframe_without_jitter_is_the_centred_canonical_crop():
    img = np.zeros((160, 160, 3), np.uint8)
    img[40:120, 40:120] = 255  # a centred square of half the side
    out = reframe(img, cache_margin=2.0, margin=1.0, size_px=80)  # keep the central half, at 1:1 scale
    assert out.shape == (80, 80, 3)
    assert out[2:-2, 2:-2].min() == 255


def test_degrade_is_seeded_and_keeps_shape(rng):
    img, _ = _face(rng)
    p = AugmentParams(p_jpeg=1.0, p_downscale=1.0, p_blur=1.0, p_colour=1.0)
    a, b = degrade(img, np.random.default_rng(3), p), degrade(img, np.random.default_rng(3), p)
    assert np.array_equal(a, b) and a.shape == img.shape and a.dtype == np.uint8
