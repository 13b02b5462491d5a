"""Picture tampers: pure functions on RGB uint8 frames and their FaceMesh landmarks.

``frames`` is a sequence of (h, w, 3) uint8 arrays; ``landmarks`` one (478, 3) array of
full-frame pixel coordinates per frame, or ``None`` where no face was found (those frames
are returned unchanged). The inputs are never changed; new frames are returned.
"""
from __future__ import annotations

from typing import Sequence

import cv2
import numpy as np

from ..analysis.face import FACE_BOTTOM, FACE_TOP, LEFT_EYE_EAR, RIGHT_EYE_EAR, eye_aspect_ratio
from ..core.errors import ParameterError
from ..core.params import BlinkRemovalParams, FaceSwapParams, TalkingPhotoParams
from .blend import blend, feathered_mask

# FaceMesh (468-point topology) contours.
LEFT_EYE_CONTOUR = (33, 7, 163, 144, 145, 153, 154, 155, 133, 173, 157, 158, 159, 160, 161, 246)
RIGHT_EYE_CONTOUR = (263, 249, 390, 373, 374, 380, 381, 382, 362, 398, 384, 385, 386, 387, 388, 466)
# Points that do not move when the eyes close or the mouth opens: eye corners, brows, nose bridge.
RIGID_UPPER_FACE = (33, 133, 362, 263, 70, 105, 107, 336, 334, 300, 168, 6, 197, 195)
OUTER_LIPS = (61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291, 409, 270, 269, 267, 0, 37, 39, 40, 185)
INNER_LIP_MID = (13, 14)  # upper and lower inner lip, middle
MOUTH_CORNERS = (61, 291)
MESH_POINTS = 468  # landmarks of the mesh proper (the 10 iris points follow)

Landmarks = Sequence[np.ndarray | None]


def _eye_ratio(pts: np.ndarray) -> float:
    return float((eye_aspect_ratio(pts, LEFT_EYE_EAR) + eye_aspect_ratio(pts, RIGHT_EYE_EAR)) / 2)


def _similarity(src_pts: np.ndarray, dst_pts: np.ndarray, full_affine: bool = False) -> np.ndarray:
    est = cv2.estimateAffine2D if full_affine else cv2.estimateAffinePartial2D
    M, _ = est(src_pts[:, :2].astype(np.float32), dst_pts[:, :2].astype(np.float32), method=cv2.LMEDS)
    if M is None:
        raise ParameterError("could not align the landmarks")
    return M


def _apply(M: np.ndarray, pts: np.ndarray) -> np.ndarray:
    return pts[:, :2] @ M[:, :2].T + M[:, 2]


def reference_frame(landmarks: Landmarks, quantile: float = 0.9) -> int:
    """Index of the frame whose mean eye aspect ratio is at ``quantile`` among frames with a face."""
    idx = [i for i, p in enumerate(landmarks) if p is not None]
    if not idx:
        raise ParameterError("no face found in the clip")
    ears = np.array([_eye_ratio(landmarks[i]) for i in idx])
    target = np.quantile(ears, quantile)
    return idx[int(np.argmin(np.abs(ears - target)))]


def _roi(pts: np.ndarray, shape: tuple[int, int], margin: float) -> tuple[int, int, int, int]:
    """Box (x0, y0, x1, y1) around ``pts`` grown by ``margin`` pixels, inside the image."""
    h, w = shape
    (xa, ya), (xb, yb) = pts[:, :2].min(0), pts[:, :2].max(0)
    m = int(np.ceil(margin)) + 2
    return max(0, int(xa) - m), max(0, int(ya) - m), min(w, int(np.ceil(xb)) + m + 1), min(h, int(np.ceil(yb)) + m + 1)


def _shifted(M: np.ndarray, x0: int, y0: int) -> np.ndarray:
    """The affine map ``M`` followed by a move of the origin to (x0, y0)."""
    M = M.copy()
    M[:, 2] -= (x0, y0)
    return M


def remove_blinks(frames: Sequence[np.ndarray], landmarks: Landmarks,
                  p: BlinkRemovalParams = BlinkRemovalParams()) -> list[np.ndarray]:
    """Every frame's eyes replaced by those of one open-eye frame, aligned on the rigid upper
    face (eye corners, brows, nose bridge) and feathered: the eyes never close. Only the box
    around the eyes is computed (phone clips are 1080p)."""
    r = reference_frame(landmarks, p.reference_quantile)
    ref, ref_pts = frames[r], landmarks[r]
    rigid = list(RIGID_UPPER_FACE)
    out = []
    for img, pts in zip(frames, landmarks):
        if pts is None:
            out.append(img.copy())
            continue
        M = _similarity(ref_pts[rigid], pts[rigid])
        iod = float(np.linalg.norm(pts[33, :2] - pts[263, :2]))
        grow, feather = p.grow_frac * iod, p.feather_frac * iod
        eyes = [_apply(M, ref_pts[list(c)]) for c in (LEFT_EYE_CONTOUR, RIGHT_EYE_CONTOUR)]  # open eyes, placed here
        x0, y0, x1, y1 = _roi(np.concatenate(eyes), img.shape[:2], grow + 1.5 * feather)
        res = img.copy()
        if x1 > x0 and y1 > y0:
            roi = (y1 - y0, x1 - x0)
            warped = cv2.warpAffine(ref, _shifted(M, x0, y0), (roi[1], roi[0]), flags=cv2.INTER_LINEAR,
                                    borderMode=cv2.BORDER_REFLECT_101)
            mask = np.zeros(roi, np.float32)
            for eye in eyes:
                mask = np.maximum(mask, feathered_mask(eye - (x0, y0), roi, grow_px=grow, feather_px=feather))
            res[y0:y1, x0:x1] = blend(warped, img[y0:y1, x0:x1], mask)
        out.append(res)
    return out


def face_mask(pts: np.ndarray, shape: tuple[int, int], p: FaceSwapParams = FaceSwapParams()) -> np.ndarray:
    """Where :func:`face_swap` replaces the picture (float32 in [0, 1]); 0 everywhere else."""
    mesh = pts[:MESH_POINTS, :2]
    c = mesh.mean(0)
    face_h = float(np.linalg.norm(pts[FACE_TOP, :2] - pts[FACE_BOTTOM, :2]))
    m = feathered_mask((mesh - c) * p.shrink + c, shape, grow_px=0, feather_px=p.feather_frac * face_h)
    if p.keep_mouth:
        mouth = feathered_mask(pts[list(OUTER_LIPS), :2], shape, grow_px=p.mouth_grow_frac * face_h,
                               feather_px=p.feather_frac * face_h)
        m = m * (1 - mouth)
    return m.astype(np.float32)


def _colour_match(src: np.ndarray, ref: np.ndarray, mask: np.ndarray) -> np.ndarray:
    sel = mask > 0.5
    if sel.sum() < 16:
        return src
    s, r = src[sel].astype(np.float32), ref[sel].astype(np.float32)
    out = (src.astype(np.float32) - s.mean(0)) / (s.std(0) + 1e-6) * r.std(0) + r.mean(0)
    return np.clip(out, 0, 255).astype(np.uint8)


def face_swap(frames: Sequence[np.ndarray], landmarks: Landmarks, donor: np.ndarray, donor_pts: np.ndarray,
              p: FaceSwapParams = FaceSwapParams()) -> list[np.ndarray]:
    """Each frame's face replaced by ``donor`` (RGB uint8 with its landmarks ``donor_pts``),
    warped by the affine map of the 468 mesh points and blended inside :func:`face_mask`;
    pixels outside the mask are left exactly as they were."""
    out = []
    for img, pts in zip(frames, landmarks):
        if pts is None:
            out.append(img.copy())
            continue
        M = _similarity(donor_pts[:MESH_POINTS], pts[:MESH_POINTS], full_affine=True)
        face_h = float(np.linalg.norm(pts[FACE_TOP, :2] - pts[FACE_BOTTOM, :2]))
        x0, y0, x1, y1 = _roi(pts[:MESH_POINTS], img.shape[:2], 1.5 * p.feather_frac * face_h)
        res = img.copy()
        if x1 > x0 and y1 > y0:
            roi = (y1 - y0, x1 - x0)
            warped = cv2.warpAffine(donor, _shifted(M, x0, y0), (roi[1], roi[0]), flags=cv2.INTER_LINEAR,
                                    borderMode=cv2.BORDER_REFLECT_101)
            local = pts.copy()
            local[:, :2] -= (x0, y0)
            mask = face_mask(local, roi, p)
            target = img[y0:y1, x0:x1]
            if p.colour_match:
                warped = _colour_match(warped, target, mask)
            res[y0:y1, x0:x1] = blend(warped, target, mask)
        out.append(res)
    return out


def loudness_envelope(y: np.ndarray, sr: int, n_frames: int, fps: float, floor_db: float = 35.0) -> np.ndarray:
    """Loudness per video frame mapped to [0, 1]: RMS over each frame's period in dB, from
    ``floor_db`` below the loudest frame (0) to the loudest (1)."""
    hop = sr / fps
    env = np.zeros(n_frames)
    for i in range(n_frames):
        a, b = int(i * hop), int((i + 1) * hop)
        seg = y[a:b]
        env[i] = 10 * np.log10(np.mean(np.square(seg, dtype=np.float64)) + 1e-12) if len(seg) else -120.0
    top = env.max(initial=-120.0)
    return np.clip((env - (top - floor_db)) / floor_db, 0, 1)


def talking_photo(photo: np.ndarray, pts: np.ndarray, mouth_open: np.ndarray,
                  p: TalkingPhotoParams = TalkingPhotoParams()) -> list[np.ndarray]:
    """One frame per value of ``mouth_open`` (in [0, 1]): the still ``photo`` whose lower lip
    and jaw are pulled down by that share of :attr:`TalkingPhotoParams.max_open_frac`, the gap
    filled with the dark inside of a mouth. Nothing else moves: no blink, no head motion."""
    h, w = photo.shape[:2]
    gx, gy = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    face_h = float(np.linalg.norm(pts[FACE_TOP, :2] - pts[FACE_BOTTOM, :2]))
    lip_y = float(pts[list(INNER_LIP_MID), 1].mean())
    chin_y = float(pts[FACE_BOTTOM, 1])
    (mx0, _), (mx1, _) = pts[MOUTH_CORNERS[0], :2], pts[MOUTH_CORNERS[1], :2]
    cx, half = (mx0 + mx1) / 2, abs(mx1 - mx0) / 2
    wy = np.clip((gy - lip_y) / 2.0, 0, 1) * np.clip(1 - (gy - chin_y) / (0.3 * face_h), 0, 1)
    weight = (wy * np.exp(-0.5 * ((gx - cx) / (1.1 * half)) ** 2)).astype(np.float32)
    out = []
    for a in np.clip(np.asarray(mouth_open, float), 0, 1):
        if a < 0.01:
            out.append(photo.copy())
            continue
        d = a * p.max_open_frac * face_h
        img = cv2.remap(photo, gx, gy - d * weight, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        cv2.ellipse(img, (int(cx), int(lip_y + d / 2)), (max(1, int(0.72 * half)), max(1, int(d / 2))), 0, 0, 360,
                    (60, 20, 25), -1, cv2.LINE_AA)
        out.append(img)
    return out
