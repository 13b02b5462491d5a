"""Frame consumers: what the single decode pass feeds, frame by frame.

The pipeline decodes the picture once and runs the face tracker on each analysed frame; every
consumer then receives the frame and the tracker's observation of it (``obs.landmarks`` is
``None`` when no face was found). Consumers keep only what they need (a few numbers, a bounded
number of thumbnails or crops), never the clip. :mod:`verifier.analysis.pipeline` is the one place that
wires them.

Consumers here: :class:`verifier.analysis.face.FaceTrackBuilder` (the per-frame columns),
:class:`verifier.analysis.preview.PreviewCollector` (annotated thumbnails) and :class:`FaceCropSampler`
(loose face crops with their landmarks, for a model that scores face pictures).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import cv2
import numpy as np

from ..core.params import CropSamplerParams
from .face import FaceObservation
from .media import VideoFrame


class FrameConsumer(Protocol):
    """Receives every analysed frame of one clip, in order, with the tracker's observation."""

    def consume(self, frame: VideoFrame, obs: FaceObservation) -> None: ...

    def finish(self) -> Any:
        """Called once after the last frame; returns what the consumer collected."""


@dataclass(frozen=True)
class FaceCrop:
    """A loose square crop around the face of one frame (not aligned: see ``landmarks``)."""

    t_s: float  # frame time on the container timeline, seconds
    frame_index: int  # index among the analysed frames
    image: np.ndarray  # (s, s, 3) uint8 RGB, s ≤ max_side_px; outside the picture mirrors it (BORDER_REFLECT_101)
    landmarks: np.ndarray  # (478, 3) float32 in crop pixels (z scaled alike)
    box_px: tuple[int, int, int]  # (x0, y0, side) of the crop in frame pixels (may extend past the edges)
    scale: float  # crop pixels per frame pixel


class FaceCropSampler:
    """Frame consumer keeping about evenly spaced face crops over the clip.

    The clip is cut into ``n`` equal slots from the probed start and duration (the exact
    frame count is not known in advance); each slot's target is its middle. A slot keeps the
    first frame with a face at or after its target, or, when the face is missing there, the
    last frame with a face before it. Memory: ``n`` crops plus at most one pending frame.

    ``finish()`` returns the list of :class:`FaceCrop` in time order (slots without any face
    give none).
    """

    def __init__(self, duration_s: float, start_s: float = 0.0, params: CropSamplerParams = CropSamplerParams()):
        self.params = params
        self.n = params.n_for(duration_s)
        self.start_s = float(start_s or 0.0)
        self.slot_s = max(float(duration_s), 1e-3) / self.n
        self._crops: dict[int, FaceCrop] = {}
        self._pending: tuple[int, VideoFrame, np.ndarray] | None = None  # (slot, frame, landmarks) before its target

    def _slot(self, t_s: float) -> int:
        return int(min(self.n - 1, max(0, (t_s - self.start_s) // self.slot_s)))

    def consume(self, frame: VideoFrame, obs: FaceObservation) -> None:
        slot = self._slot(frame.t_s)
        if self._pending is not None and self._pending[0] != slot:
            self._take(*self._pending)  # its slot ended without a face after the target
            self._pending = None
        if obs.landmarks is None or slot in self._crops:
            return
        target = self.start_s + (slot + 0.5) * self.slot_s
        if frame.t_s + 1e-6 >= target:
            self._pending = None
            self._take(slot, frame, obs.landmarks)
        else:
            self._pending = (slot, frame, obs.landmarks)

    def finish(self) -> list[FaceCrop]:
        if self._pending is not None:
            self._take(*self._pending)
            self._pending = None
        return [self._crops[k] for k in sorted(self._crops)]

    def _take(self, slot: int, frame: VideoFrame, pts: np.ndarray) -> None:
        self._crops[slot] = face_crop(frame, pts, self.params.margin, self.params.max_side_px)


def reflect_101(idx: np.ndarray, n: int) -> np.ndarray:
    """Indices into ``[0, n)`` for any integer positions, mirrored at the edges without
    repeating the edge pixel (OpenCV's ``BORDER_REFLECT_101``: -1 → 1, n → n − 2)."""
    idx = np.asarray(idx, np.int64)
    if n == 1:
        return np.zeros_like(idx)
    period = 2 * (n - 1)
    m = np.mod(idx, period)
    return np.where(m < n, m, period - m)


def face_crop(frame: VideoFrame, pts: np.ndarray, margin: float, max_side_px: int) -> FaceCrop:
    """A square crop of ``margin`` × the landmarks' box around its centre, downscaled to at most
    ``max_side_px``; landmarks moved into crop pixels.

    Outside the picture the crop mirrors the frame (``BORDER_REFLECT_101``), as
    :func:`verifier.analysis.video.align.align_face` does on a whole frame in training: aligning the
    loose crop then gives the canonical crop of the frame wherever that crop lies inside
    the loose one (tests/test_frames_signal.py)."""
    img = frame.image
    h, w = img.shape[:2]
    (x0, y0), (x1, y1) = pts[:, :2].min(0), pts[:, :2].max(0)
    side = max(16, int(round(max(x1 - x0, y1 - y0) * margin)))
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    bx, by = int(round(cx - side / 2)), int(round(cy - side / 2))
    if bx >= 0 and by >= 0 and bx + side <= w and by + side <= h:
        crop = img[by:by + side, bx:bx + side]
    else:
        ys, xs = reflect_101(np.arange(by, by + side), h), reflect_101(np.arange(bx, bx + side), w)
        crop = img[ys[:, None], xs[None, :]]
    scale = min(1.0, max_side_px / side)
    if scale < 1.0:
        out = max(1, round(side * scale))
        crop = cv2.resize(crop, (out, out), interpolation=cv2.INTER_AREA)
        scale = out / side
    else:
        crop = np.ascontiguousarray(crop).copy()
    lm = np.empty_like(pts, dtype=np.float32)
    lm[:, 0] = (pts[:, 0] - bx) * scale
    lm[:, 1] = (pts[:, 1] - by) * scale
    lm[:, 2] = pts[:, 2] * scale
    return FaceCrop(float(frame.t_s), int(frame.index), crop, lm, (bx, by, side), float(scale))
