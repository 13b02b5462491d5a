"""Self-Blended Images (Shiohara & Yamasaki, "Detecting Deepfakes with Self-Blended Images",
CVPR 2022) as pure functions.

A "fake" is one real face blended with a slightly altered copy of itself: the copy (the
*source*) gets colour and frequency jitter and a small scale and shift; a mask (the convex
hull of the face landmarks, deformed and blurred) says where the source replaces the
*target* (the untouched face):

    fake = mask · source + (1 − mask) · target

The blend leaves the statistical traces of face swaps and lip-sync pastes (a boundary, a
colour and sharpness mismatch, a slight misregistration) without any generator. Every
function takes an explicit ``numpy.random.Generator``: same seed, same output.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from verifier.tamper.blend import blend, hull_mask  # one copy, shared with the tamper lab

__all__ = ["SBIParams", "blend", "deform_mask", "hull_mask", "jitter_source", "self_blend"]


@dataclass(frozen=True)
class SBIParams:
    """Ranges of the self-blending transforms (after the paper's Sec. 3 / official code; the
    exact values were set by hand for our 192 px cached crops)."""

    hull_scale: tuple[float, float] = (0.85, 1.05)  # hull shrunk/grown about its centroid, per axis
    morph_px: tuple[int, int] = (-8, 8)  # erode (<0) or dilate (>0) the mask, pixels at 192 px
    blur_sigma_px: tuple[float, float] = (2.0, 12.0)  # Gaussian blur of the mask edge, pixels
    blend_ratios: tuple[float, ...] = (0.25, 0.5, 0.75, 1.0, 1.0, 1.0)  # maximum mask value (SBI's choice list)
    gain: float = 0.1  # per-channel multiplicative jitter of the source, ±
    offset: float = 12.0  # per-channel additive jitter, ± grey levels
    hsv_jitter: tuple[float, float, float] = (6.0, 0.15, 0.12)  # ± hue (OpenCV units, 0–180), ± sat, ± value (fractions)
    sharpen_or_blur_sigma: tuple[float, float] = (0.6, 1.6)  # frequency jitter: Gaussian sigma, px
    shift_frac: float = 0.03  # ± shift of the source, fraction of the crop side
    scale: tuple[float, float] = (0.95, 1.05)  # source rescale about the centre


def deform_mask(pts: np.ndarray, shape: tuple[int, int], rng: np.random.Generator, p: SBIParams = SBIParams()) -> np.ndarray:
    """The blending mask in [0, 1]: the landmark hull, rescaled per axis about its centroid,
    eroded or dilated, edge-blurred, and scaled by a random blend ratio."""
    xy = np.asarray(pts[:, :2], np.float64)
    c = xy.mean(0)
    sx, sy = rng.uniform(*p.hull_scale, size=2)
    m = hull_mask((xy - c) * (sx, sy) + c, shape)
    r = int(rng.integers(p.morph_px[0], p.morph_px[1] + 1))
    if r != 0:
        k = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * abs(r) + 1, 2 * abs(r) + 1))
        m = cv2.dilate(m, k) if r > 0 else cv2.erode(m, k)
    sigma = float(rng.uniform(*p.blur_sigma_px))
    m = cv2.GaussianBlur(m, (0, 0), sigma)
    peak = m.max()
    if peak > 0:
        m = m / peak  # the blur must not lower the inside of small masks
    return (m * float(rng.choice(p.blend_ratios))).astype(np.float32)


def jitter_source(img: np.ndarray, rng: np.random.Generator, p: SBIParams = SBIParams()) -> np.ndarray:
    """The altered copy: colour (per-channel gain/offset, HSV), frequency (blur or unsharp
    mask) and geometry (scale and shift) jitter. uint8 (h, w, 3) in and out."""
    h, w = img.shape[:2]
    x = img.astype(np.float32)
    x = x * (1 + rng.uniform(-p.gain, p.gain, 3)) + rng.uniform(-p.offset, p.offset, 3)
    hsv = cv2.cvtColor(np.clip(x, 0, 255).astype(np.uint8), cv2.COLOR_RGB2HSV).astype(np.float32)
    dh, ds, dv = (rng.uniform(-a, a) for a in p.hsv_jitter)
    hsv[..., 0] = (hsv[..., 0] + dh) % 180
    hsv[..., 1] *= 1 + ds
    hsv[..., 2] *= 1 + dv
    x = cv2.cvtColor(np.clip(hsv, 0, 255).astype(np.uint8), cv2.COLOR_HSV2RGB).astype(np.float32)
    sigma = float(rng.uniform(*p.sharpen_or_blur_sigma))
    blurred = cv2.GaussianBlur(x, (0, 0), sigma)
    x = blurred if rng.random() < 0.5 else x + (x - blurred) * float(rng.uniform(0.3, 1.0))
    s = float(rng.uniform(*p.scale))
    tx, ty = rng.uniform(-p.shift_frac, p.shift_frac, 2) * (w, h)
    M = np.array([[s, 0, (1 - s) * w / 2 + tx], [0, s, (1 - s) * h / 2 + ty]])
    x = cv2.warpAffine(x, M, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT_101)
    return np.clip(x, 0, 255).astype(np.uint8)


def self_blend(img: np.ndarray, pts: np.ndarray, rng: np.random.Generator,
               p: SBIParams = SBIParams()) -> tuple[np.ndarray, np.ndarray]:
    """One self-blended image from a real face ``img`` (h, w, 3 uint8) with landmarks ``pts``
    (n, 2) in its pixels. Returns (fake uint8, mask float32 in [0, 1])."""
    mask = deform_mask(pts, img.shape[:2], rng, p)
    return blend(jitter_source(img, rng, p), img, mask), mask
