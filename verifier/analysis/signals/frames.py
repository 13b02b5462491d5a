"""The ``frames`` signal: a learned detector's score of the face pictures of a clip.

Each sampled face crop (:class:`verifier.analysis.frames.FaceCropSampler`) is aligned and scored by the
face-picture detector (:mod:`verifier.analysis.video.detector`, EfficientNet-Lite0 trained on
Self-Blended Images of real faces only): P(fake) per crop. The clip score is a high quantile
of the crop scores, because a face swap may show its blending seam in a few frames only.
The detector learned what blending a face into a picture leaves behind; it can miss
generators that leave other traces (a whole synthetic picture, a talking photo).
"""
from __future__ import annotations

import numpy as np

from ...core.errors import ModelUnavailableError, ParameterError
from ...core.params import FramesParams
from ...core.result import SignalResult, not_applicable

FRAME_LIKELY = 0.5  # P(fake) from which a crop (and the clip score) is called suspicious; set by hand


DEFAULT_FRAMES_PARAMS = FramesParams()


def clip_score(scores, q: float = DEFAULT_FRAMES_PARAMS.clip_quantile) -> float:
    """The ``q`` quantile (linear interpolation) of the finite crop scores; nan when none."""
    s = np.asarray(scores, float)
    s = s[np.isfinite(s)]
    return float(np.quantile(s, q)) if len(s) else float("nan")


def frames_result(scores, t_s, *, face_quality: float, params: FramesParams = DEFAULT_FRAMES_PARAMS) -> SignalResult:
    """The ``frames`` signal from the crop scores (pure: no model).

    Parameters
    ----------
    scores : array-like [shape=(n,)]
        P(fake) of each face crop, in [0, 1].
    t_s : array-like [shape=(n,)]
        Time of each crop's frame, seconds.
    face_quality : float in [0, 1]
        The face-quality gate (:func:`verifier.analysis.signals.face_quality.measure_face_quality`);
        it scales the reliability, 0 makes the signal not applicable.

    Returns
    -------
    SignalResult
        ``score`` = clip score (``params.clip_quantile`` quantile); ``reliability`` =
        face quality × min(1, n / ``full_crops``); evidence ``n_crops``, ``clip_score``,
        ``clip_score_pct``, ``quantile``, ``median_score``, ``share_over_half`` (of crops with
        P(fake) > 0.5) and its ``_pct``, ``top_frames_t_s`` (times of the highest crops);
        series ``t_s`` and ``score`` (one per crop). Not applicable: ``frames.no_face``
        (quality 0 or no crop), ``frames.too_few`` (fewer than ``min_crops``).
    """
    s, t = np.asarray(scores, float), np.asarray(t_s, float)
    if s.shape != t.shape or s.ndim != 1:
        raise ParameterError(f"scores and t_s must be 1-D of equal length, got {s.shape} and {t.shape}")
    if len(s) and (not np.isfinite(s).all() or s.min() < 0 or s.max() > 1):
        raise ParameterError("crop scores must be finite probabilities in [0, 1]")
    if not 0.0 <= face_quality <= 1.0:
        raise ParameterError(f"face_quality must be in [0, 1], not {face_quality}")
    if len(s) == 0 or face_quality <= 0:
        return not_applicable("frames", "frames.no_face", n_crops=int(len(s)))
    if len(s) < params.min_crops:
        return not_applicable("frames", "frames.too_few", n_crops=int(len(s)), min_crops=params.min_crops)
    clip = clip_score(s, params.clip_quantile)
    over = float((s > FRAME_LIKELY).mean())
    top = np.argsort(-s, kind="stable")[:params.top_k]
    evidence = {"n_crops": int(len(s)), "clip_score": round(clip, 4), "clip_score_pct": round(100 * clip),
                "quantile": params.clip_quantile, "median_score": round(float(np.median(s)), 4),
                "share_over_half": round(over, 4), "share_over_half_pct": round(100 * over),
                "top_frames_t_s": [round(float(t[i]), 2) for i in top]}
    reliability = float(face_quality) * min(1.0, len(s) / params.full_crops)
    key = "frames.fake_likely" if clip >= FRAME_LIKELY else "frames.no_clear_sign"
    series = {"t_s": [round(float(x), 3) for x in t], "score": [round(float(x), 4) for x in s],
              "threshold": FRAME_LIKELY}
    return SignalResult("frames", clip, reliability, evidence, key, series)


def measure_frames(crops, *, face_quality: float, detector=None, params: FramesParams = DEFAULT_FRAMES_PARAMS,
                   views: list | None = None) -> SignalResult:
    """The ``frames`` signal of a clip's face crops.

    Parameters
    ----------
    crops : list of verifier.analysis.frames.FaceCrop
        Loose face crops with their landmarks (the decode pass's sampler).
    face_quality : float in [0, 1]
        The face-quality gate of the clip.
    detector : verifier.analysis.video.detector.FrameDetector, optional
        Defaults to the registered model (:func:`verifier.analysis.video.detector.default_detector`);
        when it is missing or damaged the result is not applicable with the registry's
        explanation (``frames.model_missing`` / ``frames.model_corrupt``).
    views : list, optional
        When given, receives :class:`verifier.analysis.video.detector.FrameView` of the ``top_k``
        highest crops (aligned crop and Grad-CAM heat map) for the report; nothing is
        computed for them otherwise.

    Returns
    -------
    SignalResult
        See :func:`frames_result`.
    """
    if detector is None:
        from ..registry import unavailable_result
        from ..video.detector import default_detector

        try:
            detector = default_detector()
        except ModelUnavailableError as e:
            return unavailable_result("frames", e)
    if not crops or face_quality <= 0:
        return not_applicable("frames", "frames.no_face", n_crops=len(crops))
    aligned = detector.align([c.image for c in crops], [c.landmarks for c in crops])
    scores, maps = detector.score_maps(aligned)
    t_s = [c.t_s for c in crops]
    res = frames_result(scores, t_s, face_quality=face_quality, params=params)
    if views is not None and res.usable:
        views.extend(detector.views(aligned, scores, t_s, params.top_k, maps))
    return res
