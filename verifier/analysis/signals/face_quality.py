"""The face-quality gate: how usable the face track is for the face signals (blink, lip-sync).

Not evidence of manipulation (its score is ``nan``): its reliability is the quality in [0, 1]
that scales the reliability of every face signal, and its explanation says why a face signal
could not be measured.
"""
from __future__ import annotations

import numpy as np

from ...core.params import FaceQualityParams
from ...core.report import FaceQuality
from ...core.result import SignalResult
from ..face import FaceTrack

DEFAULT_FACE_QUALITY_PARAMS = FaceQualityParams()


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
