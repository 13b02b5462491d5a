"""Augmentations applied to BOTH classes (real and self-blended), so the network cannot
separate them by compression, resolution, sharpness or colour, and the reframing from the
cached crop to the network's input (random margin and centre around the canonical framing).
Pure functions of an explicit ``numpy.random.Generator``.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np


@dataclass(frozen=True)
class AugmentParams:
    """Ranges set by hand to span what the faces README and the dev clips show: UTKFace chips
    are heavy JPEG at 130–160 px; call video is H.264 at 100–400 px per face."""

    margin_jitter: float = 0.08  # ± relative change of the crop margin around the canonical one
    centre_jitter: float = 0.03  # ± shift of the crop centre, fraction of the crop side
    p_flip: float = 0.5
    p_jpeg: float = 0.7
    jpeg_quality: tuple[int, int] = (30, 95)
    p_downscale: float = 0.4
    downscale: tuple[float, float] = (0.35, 0.9)  # shrink factor before scaling back up
    p_blur: float = 0.3
    blur_sigma_px: tuple[float, float] = (0.3, 1.5)
    p_colour: float = 0.5
    brightness: float = 20.0  # ± grey levels
    contrast: float = 0.15  # ± relative


def reframe(img: np.ndarray, *, cache_margin: float, margin: float, size_px: int,
            rng: np.random.Generator | None = None, p: AugmentParams = AugmentParams()) -> np.ndarray:
    """Crop a canonical crop of ``margin`` (see verifier.analysis.video.align) out of a cached crop that
    was aligned with the larger ``cache_margin``, and resize it to ``size_px``. With ``rng``,
    the margin and centre are jittered."""
    h = img.shape[0]
    m, cx, cy = margin, h / 2, h / 2
    if rng is not None:
        m *= 1 + rng.uniform(-p.margin_jitter, p.margin_jitter)
        cx, cy = (np.array([cx, cy]) + rng.uniform(-p.centre_jitter, p.centre_jitter, 2) * h * m / cache_margin)
    side = h * m / cache_margin
    k = size_px / side
    M = np.array([[k, 0, size_px / 2 - k * cx], [0, k, size_px / 2 - k * cy]])
    interp = cv2.INTER_AREA if k < 1 else cv2.INTER_LINEAR
    if k < 1:  # warpAffine has no area filter; resize first then cut
        small = cv2.resize(img, None, fx=k, fy=k, interpolation=cv2.INTER_AREA)
        M[:, :2] = np.eye(2)
        M[:, 2] = (size_px / 2 - k * cx, size_px / 2 - k * cy)
        return cv2.warpAffine(small, M, (size_px, size_px), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT_101)
    return cv2.warpAffine(img, M, (size_px, size_px), flags=interp, borderMode=cv2.BORDER_REFLECT_101)


def degrade(img: np.ndarray, rng: np.random.Generator, p: AugmentParams = AugmentParams()) -> np.ndarray:
    """Random flip, colour, blur, down-and-up scaling and JPEG re-encoding (uint8 in and out)."""
    x = img
    if rng.random() < p.p_flip:
        x = x[:, ::-1]
    if rng.random() < p.p_colour:
        a = 1 + rng.uniform(-p.contrast, p.contrast)
        b = rng.uniform(-p.brightness, p.brightness)
        x = np.clip(x.astype(np.float32) * a + b + (1 - a) * 128, 0, 255).astype(np.uint8)
    if rng.random() < p.p_blur:
        x = cv2.GaussianBlur(x, (0, 0), float(rng.uniform(*p.blur_sigma_px)))
    if rng.random() < p.p_downscale:
        h, w = x.shape[:2]
        f = float(rng.uniform(*p.downscale))
        small = cv2.resize(x, (max(8, round(w * f)), max(8, round(h * f))), interpolation=cv2.INTER_AREA)
        x = cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR if rng.random() < 0.5 else cv2.INTER_CUBIC)
    if rng.random() < p.p_jpeg:
        q = int(rng.integers(p.jpeg_quality[0], p.jpeg_quality[1] + 1))
        ok, buf = cv2.imencode(".jpg", np.ascontiguousarray(x[..., ::-1]), [cv2.IMWRITE_JPEG_QUALITY, q])
        x = cv2.imdecode(buf, cv2.IMREAD_COLOR)[..., ::-1]
    return np.ascontiguousarray(x)


@dataclass(frozen=True)
class SharedChainParams:
    """The capture chain applied to a real face BEFORE it is self-blended, so the real and its
    self-blend share it (round 2, set by hand). Diagnosis of the 4,500-step model: training
    faces (JPEG-textured photo chips, 16 memorised clips) score ~0.01, unseen real video faces
    ~0.95, and smoothing them raises the score while sharpening lowers it: the network had
    learned "smooth face = blended" (SBI blurs the source half the time). Smoothing the whole
    real face as often as the blend smooths its inside removes that shortcut."""

    p_rescale: float = 0.6
    rescale: tuple[float, float] = (0.3, 0.85)  # shrink factor, then back up (video faces upscaled/re-encoded)
    p_blur: float = 0.3
    blur_sigma_px: tuple[float, float] = (0.4, 1.6)  # at the 192 px cache side
    p_sharpen: float = 0.2
    sharpen_amount: tuple[float, float] = (0.2, 0.8)
    p_jpeg: float = 0.3
    jpeg_quality: tuple[int, int] = (60, 95)


def shared_chain(img: np.ndarray, rng: np.random.Generator, p: SharedChainParams = SharedChainParams()) -> np.ndarray:
    """Random down/up-scaling, blur or sharpening and JPEG of a real face (uint8 in and out),
    applied once so that both the real sample and its self-blend carry it."""
    x = img
    h, w = x.shape[:2]
    if rng.random() < p.p_rescale:
        f = float(rng.uniform(*p.rescale))
        small = cv2.resize(x, (max(8, round(w * f)), max(8, round(h * f))), interpolation=cv2.INTER_AREA)
        x = cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR if rng.random() < 0.5 else cv2.INTER_CUBIC)
    if rng.random() < p.p_blur:
        x = cv2.GaussianBlur(x, (0, 0), float(rng.uniform(*p.blur_sigma_px)))
    if rng.random() < p.p_sharpen:
        a = float(rng.uniform(*p.sharpen_amount))
        xf = x.astype(np.float32)
        x = np.clip(xf * (1 + a) - a * cv2.GaussianBlur(xf, (0, 0), 1.0), 0, 255).astype(np.uint8)
    if rng.random() < p.p_jpeg:
        q = int(rng.integers(p.jpeg_quality[0], p.jpeg_quality[1] + 1))
        ok, buf = cv2.imencode(".jpg", np.ascontiguousarray(x[..., ::-1]), [cv2.IMWRITE_JPEG_QUALITY, q])
        x = cv2.imdecode(buf, cv2.IMREAD_COLOR)[..., ::-1]
    return np.ascontiguousarray(x)
