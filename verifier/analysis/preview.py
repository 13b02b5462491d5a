"""Annotated preview frames for demonstrations: face landmarks, eye contours coloured by eye
state, mouth contour, and the eye-aspect-ratio value.

Thumbnails are drawn during the single analysis pass (never by decoding again) and their
number is bounded, so memory stays small.
"""
from __future__ import annotations

import cv2
import numpy as np

from .face import LEFT_EYE_EAR, RIGHT_EYE_EAR, eye_aspect_ratio

PREVIEW_SECONDS = 4.0  # length of the annotated preview, from the first analysed frame
PREVIEW_FPS = 5.0  # thumbnails per second
PREVIEW_MAX_SIDE_PX = 240
PREVIEW_FACE_MARGIN = 1.4  # crop side / face size
EYE_CLOSED_EAR = 0.18  # display only: below this an eye is drawn red ("closing"); detection adapts per clip

LEFT_EYE_RING = (33, 246, 161, 160, 159, 158, 157, 173, 133, 155, 154, 153, 145, 144, 163, 7)
RIGHT_EYE_RING = (362, 398, 384, 385, 386, 387, 388, 466, 263, 249, 390, 373, 374, 380, 381, 382)
INNER_LIPS_RING = (78, 191, 80, 81, 82, 13, 312, 311, 310, 415, 308, 324, 318, 402, 317, 14, 87, 178, 88, 95)


def annotate(image: np.ndarray, pts: np.ndarray | None, t_s: float) -> np.ndarray:
    """A downscaled copy of ``image`` (RGB) with the face annotations drawn on it."""
    ox = oy = 0
    if pts is not None:  # show the face: a square crop around the landmarks
        (x0, y0), (x1, y1) = pts[:, :2].min(0), pts[:, :2].max(0)
        side = max(x1 - x0, y1 - y0) * PREVIEW_FACE_MARGIN
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        ox, oy = int(max(0, cx - side / 2)), int(max(0, cy - side / 2))
        image = image[oy:int(cy + side / 2), ox:int(cx + side / 2)]
    h, w = image.shape[:2]
    f = PREVIEW_MAX_SIDE_PX / max(h, w)
    out = cv2.resize(image, (max(1, round(w * f)), max(1, round(h * f))), interpolation=cv2.INTER_AREA)
    lw = 1
    if pts is None:
        cv2.putText(out, f"{t_s:5.2f}s  no face", (6, 18), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (255, 60, 60), 1, cv2.LINE_AA)
        return out
    p = (pts[:, :2] - (ox, oy)) * f
    for x, y in p[::4]:
        cv2.circle(out, (int(x), int(y)), 1, (200, 200, 200), -1, cv2.LINE_AA)
    ears = []
    for ring, idx in ((LEFT_EYE_RING, LEFT_EYE_EAR), (RIGHT_EYE_RING, RIGHT_EYE_EAR)):
        ear = float(eye_aspect_ratio(pts, idx))
        ears.append(ear)
        colour = (255, 60, 60) if ear < EYE_CLOSED_EAR else (60, 220, 90)
        cv2.polylines(out, [p[list(ring)].astype(np.int32)], True, colour, lw, cv2.LINE_AA)
    cv2.polylines(out, [p[list(INNER_LIPS_RING)].astype(np.int32)], True, (80, 170, 255), lw, cv2.LINE_AA)
    cv2.putText(out, f"{t_s:5.2f}s  EAR {np.mean(ears):.2f}", (6, 18), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (255, 255, 0), 1, cv2.LINE_AA)
    return out


class PreviewCollector:
    """Frame consumer keeping annotated thumbnails of the first :data:`PREVIEW_SECONDS` at
    :data:`PREVIEW_FPS`; ``finish()`` returns them as ``[(t_s, RGB thumbnail)]``."""

    def __init__(self, seconds: float = PREVIEW_SECONDS, fps: float = PREVIEW_FPS):
        self.seconds, self.step_s = seconds, 1.0 / fps
        self.frames: list[tuple[float, np.ndarray]] = []
        self._t0: float | None = None
        self._next = -np.inf

    def consume(self, frame, obs) -> None:
        self.offer(frame.t_s, frame.image, obs.landmarks)

    def finish(self) -> list[tuple[float, np.ndarray]]:
        return self.frames

    def offer(self, t_s: float, image: np.ndarray, pts: np.ndarray | None) -> None:
        if self._t0 is None:
            self._t0 = t_s
        if t_s - self._t0 > self.seconds or t_s + 1e-6 < self._next:
            return
        self._next = t_s + self.step_s
        self.frames.append((t_s, annotate(image, pts, t_s)))
