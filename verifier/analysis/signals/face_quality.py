"""The face-quality gate: how usable the face track is for the face signals (blink, lip-sync).

Not evidence of manipulation (its score is ``nan``): its reliability is the quality in [0, 1]
that scales the reliability of every face signal, and its explanation says why a face signal
could not be measured.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...core.errors import ParameterError
from ..face import FaceTrack
from ...core.result import SignalResult


@dataclass(frozen=True)
class FaceQualityParams:
    """Thresholds of the face-quality gate; set by hand on the development set (not fitted)."""

    min_coverage: float = 0.5  # share of analysed frames with a face; below → face signals unusable
    full_coverage: float = 0.9  # share from which coverage no longer lowers the quality
    min_face_px: float = 40.0  # face height (forehead–chin), pixels; below → unusable
    good_face_px: float = 100.0  # full reliability from this height on, pixels
    min_blur_var: float = 15.0  # Laplacian variance (grey levels²) on a 128 px face under which it is too blurred
    blur_floor: float = 0.3  # a blurred face still keeps this share of the quality
    min_duration_s: float = 2.0  # shorter clips cannot show blinks or lip-sync, seconds

    def __post_init__(self):
        if not 0 <= self.min_coverage < self.full_coverage <= 1:
            raise ParameterError(f"need 0 <= min_coverage ({self.min_coverage}) < full_coverage ({self.full_coverage}) <= 1")
        if not 0 <= self.min_face_px < self.good_face_px:
            raise ParameterError(f"need 0 <= min_face_px ({self.min_face_px}) < good_face_px ({self.good_face_px})")
        if not (self.min_blur_var > 0 and 0 <= self.blur_floor <= 1):
            raise ParameterError("need min_blur_var > 0 and 0 <= blur_floor <= 1")


DEFAULT_FACE_QUALITY_PARAMS = FaceQualityParams()


@dataclass(frozen=True)
class FaceQuality:
    """The face track's quality fields of a report."""

    face_coverage: float  # share of analysed frames with a face, [0, 1]
    face_px: float  # median face height (forehead–chin), pixels
    face_blur_var: float | None  # median Laplacian variance on the face, grey levels² (None: not measured)
    analysed_frames: int
    analysed_fps: float | None  # frames analysed per second (None: fewer than two frames)
    face_quality: float  # the gate's quality, [0, 1]

    def to_dict(self) -> dict:
        return dict(vars(self))


def measure_face_quality(track: FaceTrack, duration_s: float,
                         params: FaceQualityParams = DEFAULT_FACE_QUALITY_PARAMS) -> tuple[float, FaceQuality, SignalResult]:
    """Quality of the face track in [0, 1], the report's face quality fields, and the ``face`` row.

    Parameters
    ----------
    track : FaceTrack
        The clip's per-frame columns.
    duration_s : float
        The clip's duration, seconds; under ``params.min_duration_s`` the quality is 0.

    Returns
    -------
    quality : float
        Product of the coverage, size and sharpness factors (0 = face signals unusable).
    fields : FaceQuality
        The report's face quality fields.
    face : SignalResult
        Score ``nan``; reliability = ``quality`` before the duration gate.
    """
    p = params
    cov = track.coverage
    px = float(np.median(track.face_px[track.present])) if track.present.any() else 0.0
    blur = float(np.nanmedian(track.blur[track.present])) if track.present.any() else float("nan")
    q_cov = float(np.clip((cov - p.min_coverage) / (p.full_coverage - p.min_coverage), 0, 1))
    q_size = float(np.clip((px - p.min_face_px) / (p.good_face_px - p.min_face_px), 0, 1))
    q_blur = 1.0 if not np.isfinite(blur) else float(np.clip(blur / p.min_blur_var, p.blur_floor, 1))
    q = q_cov * q_size * q_blur
    fields = FaceQuality(round(cov, 3), round(px, 1), None if not np.isfinite(blur) else round(blur, 1),
                         track.n, None if not np.isfinite(track.fps) else round(track.fps, 2), round(q, 3))
    if not track.present.any():
        key = "face.none"
    elif cov < p.min_coverage:
        key = "face.low_coverage"
    elif px < p.min_face_px:
        key = "face.too_small"
    else:
        key = "face.ok"
    ev = {"coverage_pct": round(100 * cov), "face_px": round(px), "blur_var": fields.face_blur_var,
          "analysed_frames": track.n}
    face = SignalResult("face", float("nan"), q, ev, key)
    if duration_s < p.min_duration_s:
        q = 0.0
    return q, fields, face
