"""What is measured in and around a challenge moment (pure functions on arrays and pictures).

Each returns plain numbers with units in the names; the thresholds that turn them into flags
are in :class:`verifier.core.params.ChallengeParams`.
"""
from __future__ import annotations

import cv2
import numpy as np

# FaceMesh face-oval landmarks, in order around the face (mediapipe FACEMESH_FACE_OVAL).
FACE_OVAL = (10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377,
             152, 148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109)
NOSE_TIP = 1  # FaceMesh pronasale
INDEX_TIP = 8  # mediapipe hand landmark: index fingertip
# A swap's blending seam lies inside the face oval (its mask covers the inner face): the border is
# measured on the oval shrunk to this share about its centre, bands of ±BORDER_BAND on either side.
BORDER_CONTOUR = 0.85
BORDER_BAND = 0.08
BORDER_FACE_PX = 96  # the face region is resampled to this height before measuring, pixels


def jitter_rel(landmarks: np.ndarray, face_px: np.ndarray) -> np.ndarray:
    """Landmark jitter per frame: median over the landmarks of the second difference of their
    position (|p[i+1] − 2 p[i] + p[i−1]|, pixels), divided by the face height (pixels).

    Steady motion (a turn at constant speed) gives ~0; tracking noise or a flickering face gives more.

    Parameters
    ----------
    landmarks : np.ndarray [shape=(n, k, 2)]
        Pixels; nan rows where no face.
    face_px : np.ndarray [shape=(n,)]
        Face height, pixels.

    Returns
    -------
    np.ndarray [shape=(n,)], dimensionless (share of the face height per frame); nan at the ends
    and wherever one of the three frames has no face.
    """
    p = np.asarray(landmarks, float)
    out = np.full(len(p), np.nan)
    if len(p) < 3:
        return out
    acc = np.linalg.norm(p[2:] - 2 * p[1:-1] + p[:-2], axis=-1)  # (n-2, k)
    with np.errstate(invalid="ignore", divide="ignore"):
        out[1:-1] = np.median(acc, axis=1) / np.asarray(face_px, float)[1:-1]
    out[~np.isfinite(out)] = np.nan
    return out


def _band_masks(shape, oval: np.ndarray, centre: np.ndarray):
    inner = np.zeros(shape, np.uint8)
    outer = np.zeros(shape, np.uint8)
    c = np.zeros(shape, np.uint8)
    a, b, m = BORDER_CONTOUR - BORDER_BAND, BORDER_CONTOUR, BORDER_CONTOUR + BORDER_BAND
    cv2.fillPoly(inner, [np.int32(np.round(centre + (oval - centre) * a))], 1)
    cv2.fillPoly(c, [np.int32(np.round(centre + (oval - centre) * b))], 1)
    cv2.fillPoly(outer, [np.int32(np.round(centre + (oval - centre) * m))], 1)
    return (c > inner), (outer > c)


def border_step(rgb: np.ndarray, landmarks: np.ndarray) -> tuple[float, float]:
    """Colour and texture step across a contour just inside the face oval (where a swap's blend seam lies).

    Parameters
    ----------
    rgb : np.ndarray [shape=(h, w, 3)], uint8
    landmarks : np.ndarray [shape=(478, 2 or 3)], pixels

    Returns
    -------
    colour_step_lab : float
        Euclidean distance of the mean CIELAB colour of the band just inside the contour and the band
        just outside it (OpenCV 8-bit Lab units).
    texture_step : float
        |log| of the ratio of the Laplacian variances of the two bands (0 = same sharpness).
    nan, nan when the face region is too small or outside the picture.
    """
    oval = np.asarray(landmarks, float)[list(FACE_OVAL), :2]
    x0, y0 = oval.min(0)
    x1, y1 = oval.max(0)
    pad = 0.1 * max(x1 - x0, y1 - y0)
    h, w = rgb.shape[:2]
    xa, ya, xb, yb = int(max(0, x0 - pad)), int(max(0, y0 - pad)), int(min(w, x1 + pad)), int(min(h, y1 + pad))
    if xb - xa < 16 or yb - ya < 16:
        return float("nan"), float("nan")
    s = BORDER_FACE_PX / (yb - ya)
    patch = cv2.resize(rgb[ya:yb, xa:xb], (max(8, round((xb - xa) * s)), BORDER_FACE_PX), interpolation=cv2.INTER_AREA)
    oval = (oval - [xa, ya]) * s
    inner, outer = _band_masks(patch.shape[:2], oval, oval.mean(0))
    if inner.sum() < 20 or outer.sum() < 20:
        return float("nan"), float("nan")
    lab = cv2.cvtColor(patch, cv2.COLOR_RGB2LAB).astype(np.float32)
    colour = float(np.linalg.norm(lab[inner].mean(0) - lab[outer].mean(0)))
    lap = cv2.Laplacian(cv2.cvtColor(patch, cv2.COLOR_RGB2GRAY), cv2.CV_32F)
    tex = float(abs(np.log((lap[inner].var() + 1.0) / (lap[outer].var() + 1.0))))
    return colour, tex


def hand_share_in_box(hand: np.ndarray, box) -> float:
    """Share of a hand's landmarks (21, 2), pixels, inside the face box (x0, y0, x1, y1)."""
    x0, y0, x1, y1 = box
    h = np.asarray(hand, float)
    inside = (h[:, 0] >= x0) & (h[:, 0] <= x1) & (h[:, 1] >= y0) & (h[:, 1] <= y1)
    return float(inside.mean())


def fingertip_nose_rel(hand: np.ndarray, nose_xy, face_px: float) -> float:
    """Distance of the index fingertip to the nose tip divided by the face height (dimensionless)."""
    if not face_px > 0:
        return float("nan")
    return float(np.linalg.norm(np.asarray(hand, float)[INDEX_TIP, :2] - np.asarray(nose_xy, float)[:2]) / face_px)


def hand_region_change(chip: np.ndarray, base: np.ndarray, hand_chip: np.ndarray, face_mask: np.ndarray) -> float:
    """How much more the picture changed under the hand than on the rest of the face.

    Both chips are aligned on the face (same landmarks → same place), so a hand truly in front of
    the face changes the pixels where it lies much more than elsewhere; a face drawn over the hand
    changes them about as little as elsewhere.

    Parameters
    ----------
    chip, base : np.ndarray [shape=(s, s, 3)], uint8
        The aligned face during the moment and the calm aligned face before it.
    hand_chip : np.ndarray [shape=(21, 2)]
        The hand's landmarks in chip pixels.
    face_mask : np.ndarray [shape=(s, s)], bool
        The face oval in chip pixels.

    Returns
    -------
    float : mean absolute change under the hand (within the face) / mean absolute change on the rest
    of the face (grey levels / grey levels); nan when the hand covers < 3 % or > 85 % of the face.
    """
    hand_mask = np.zeros(face_mask.shape, np.uint8)
    cv2.fillConvexPoly(hand_mask, cv2.convexHull(np.int32(np.round(hand_chip))), 1)
    under = hand_mask.astype(bool) & face_mask
    rest = face_mask & ~under
    n_face = face_mask.sum()
    if n_face == 0 or not 0.03 <= under.sum() / n_face <= 0.85:
        return float("nan")
    diff = np.abs(chip.astype(np.float32) - base.astype(np.float32)).mean(-1)
    return float(diff[under].mean() / (diff[rest].mean() + 1.0))


def medoid(desc: np.ndarray) -> np.ndarray:
    """The descriptor with the smallest median distance to the others (robust to odd frames)."""
    d = np.asarray(desc, float)
    pair = np.linalg.norm(d[:, None] - d[None], axis=-1)
    return d[int(np.argmin(np.median(pair, axis=1)))]


def identity_distances(before: np.ndarray, after: np.ndarray, during: np.ndarray, reference: np.ndarray | None):
    """Identity distances around a moment (dlib descriptor space, Euclidean).

    Returns
    -------
    before_after : float or None
        Distance of the medoid of the frames before to the medoid of those after.
    during_max : float or None
        Largest distance of a frame during the moment to the medoid of before ∪ after (or to ``reference``,
        the clip's calm identity, when there is neither).
    """
    ba = None
    if len(before) and len(after):
        ba = float(np.linalg.norm(medoid(before) - medoid(after)))
    around = [x for x in (before, after) if len(x)]
    ref = medoid(np.concatenate(around)) if around else reference
    dm = None
    if len(during) and ref is not None:
        dm = float(np.linalg.norm(np.asarray(during, float) - ref, axis=1).max())
    return ba, dm
