"""Canonical face alignment: 478 FaceMesh landmarks → similarity transform → square crop.

One function, used by both the training of the face-crop detector (training/sbi) and its
inference, so that both see faces framed the same way: the eye line horizontal, the face
(bounding box of all mesh points after rotation) centred, and the crop side ``margin`` times
the larger side of that box. Pixels outside the frame are filled by reflection (as in
training, where 200×200 photo chips are padded the same way).
"""
from __future__ import annotations

import cv2
import numpy as np

from ...core.params import AlignParams

# Eye contours of the mediapipe canonical face mesh (subject's right eye = image left).
RIGHT_EYE_RING = (33, 7, 163, 144, 145, 153, 154, 155, 133, 173, 157, 158, 159, 160, 161, 246)
LEFT_EYE_RING = (362, 382, 381, 380, 374, 373, 390, 249, 263, 466, 388, 387, 386, 385, 384, 398)
N_MESH_POINTS = 468  # the face surface; 468–477 are iris points (inside the eyes)
PRE_SHRINK_BELOW = 0.7  # crop scale (output px per frame px) under which the frame is first shrunk with INTER_AREA


def similarity_from_landmarks(pts: np.ndarray, *, size_px: int, margin: float) -> np.ndarray:
    """The 2×3 similarity transform (rotation, uniform scale, shift) that maps frame pixels to
    the canonical crop.

    Parameters
    ----------
    pts : np.ndarray [shape=(478 or 468, 2 or 3)]
        FaceMesh landmarks in frame pixels.
    size_px : int > 0
        Side of the output crop, pixels.
    margin : float > 0
        Crop side divided by the larger side of the face box (after rotation).

    Returns
    -------
    M : np.ndarray [shape=(2, 3)], float64, for ``cv2.warpAffine``.
    """
    if pts.ndim != 2 or pts.shape[0] < N_MESH_POINTS:
        raise ValueError(f"pts must have shape (478, 2|3), got {pts.shape}")
    if size_px <= 0 or margin <= 0:
        raise ValueError("size_px and margin must be positive")
    xy = np.asarray(pts[:N_MESH_POINTS, :2], np.float64)
    eye_r = xy[list(RIGHT_EYE_RING)].mean(0)  # image left
    eye_l = xy[list(LEFT_EYE_RING)].mean(0)
    dx, dy = eye_l - eye_r
    angle = np.arctan2(dy, dx)  # rotate by -angle to make the eye line horizontal
    c, s = np.cos(-angle), np.sin(-angle)
    R = np.array([[c, -s], [s, c]])
    rot = xy @ R.T
    lo, hi = rot.min(0), rot.max(0)
    centre = (lo + hi) / 2
    side = max(hi - lo) * margin
    if side <= 0:
        raise ValueError("degenerate landmarks (zero-size face)")
    k = size_px / side
    # x' = k R x - k centre + size/2
    M = np.empty((2, 3))
    M[:, :2] = k * R
    M[:, 2] = -k * centre + size_px / 2
    return M


def transform_points(pts: np.ndarray, M: np.ndarray) -> np.ndarray:
    """Apply a 2×3 affine ``M`` to (n, 2+) points; returns (n, 2) float32."""
    xy = np.asarray(pts[:, :2], np.float64)
    return (xy @ M[:, :2].T + M[:, 2]).astype(np.float32)


def align_face(rgb: np.ndarray, pts: np.ndarray, params: AlignParams = AlignParams()) -> tuple[np.ndarray, np.ndarray]:
    """Canonical square face crop.

    Parameters
    ----------
    rgb : np.ndarray [shape=(h, w, 3)], uint8
    pts : np.ndarray [shape=(478, 2 or 3)], landmarks in pixels of ``rgb``
    params : AlignParams

    Returns
    -------
    crop : np.ndarray [shape=(size_px, size_px, 3)], uint8
    pts_crop : np.ndarray [shape=(478, 2)], float32, the landmarks in crop pixels
    """
    M = similarity_from_landmarks(pts, size_px=params.size_px, margin=params.margin)
    scale = float(np.hypot(*M[0, :2]))
    src, Mw = rgb, M
    if scale < PRE_SHRINK_BELOW:
        # warpAffine has no area filter: shrink with INTER_AREA first (no aliasing on large
        # faces), then warp the rest (rotation and shift, scale ~1) bilinearly.
        h, w = rgb.shape[:2]
        nw, nh = max(1, round(w * scale)), max(1, round(h * scale))
        src = cv2.resize(rgb, (nw, nh), interpolation=cv2.INTER_AREA)
        Mw = M.copy()
        Mw[:, 0] *= w / nw
        Mw[:, 1] *= h / nh
    crop = cv2.warpAffine(src, Mw, (params.size_px, params.size_px), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT_101)
    return crop, transform_points(pts, M)
