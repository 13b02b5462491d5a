"""Masks and blending shared by the tamper lab and the self-blending training code
(``training/sbi/blend.py`` re-exports these): pure numpy/OpenCV functions."""
from __future__ import annotations

import cv2
import numpy as np


def hull_mask(pts: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Binary mask (float32, 0 or 1) of the convex hull of ``pts`` (n, 2) in an image of
    ``shape`` (h, w)."""
    h, w = shape
    hull = cv2.convexHull(np.round(pts[:, :2]).astype(np.int32))
    m = np.zeros((h, w), np.uint8)
    cv2.fillConvexPoly(m, hull, 1)
    return m.astype(np.float32)


def blend(source: np.ndarray, target: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """``mask · source + (1 − mask) · target``, rounded to uint8.

    Where the mask is 0 the result is the target exactly, and identical source and target
    give the target for any mask.
    """
    if source.shape != target.shape or mask.shape != target.shape[:2]:
        raise ValueError(f"shapes differ: source {source.shape}, target {target.shape}, mask {mask.shape}")
    m = np.clip(mask, 0, 1)[..., None].astype(np.float32)
    out = target.astype(np.float32) + m * (source.astype(np.float32) - target.astype(np.float32))
    return np.clip(np.rint(out), 0, 255).astype(np.uint8)


def feathered_mask(pts: np.ndarray, shape: tuple[int, int], *, grow_px: float, feather_px: float) -> np.ndarray:
    """The hull of ``pts`` grown by ``grow_px`` (dilation) with an edge blurred over about
    ``feather_px`` (Gaussian sigma ``feather_px / 2``), float32 in [0, 1]; exactly 0 farther
    than ``grow_px + 1.5 · feather_px`` from the hull."""
    m = hull_mask(pts, shape)
    r = int(round(grow_px))
    if r > 0:
        m = cv2.dilate(m, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1)))
    if feather_px > 0:
        sigma = feather_px / 2
        k = 2 * int(np.ceil(1.5 * feather_px)) + 1  # kernel radius 3σ: zero beyond it
        m = cv2.GaussianBlur(m, (k, k), sigma)
    return np.clip(m, 0, 1).astype(np.float32)
