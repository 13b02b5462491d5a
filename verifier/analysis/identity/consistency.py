"""Identity consistency inside one clip: does the face stay the same person from frame to frame?

A face swap can drift towards its source identity when the head turns or the swap loses its
track; a clip spliced from two people changes identity outright. Both show as face
descriptors (:mod:`verifier.analysis.identity.face_embed`) that leave the clip's own identity.

Method: descriptors of sampled face crops (:class:`verifier.analysis.frames.FaceCropSampler`) with
their head yaw; the clip's identity is the medoid descriptor (the one with the smallest
median distance to the others, robust to a minority of odd frames); each frame's distance
to it is compared with the "different person" distance of ``verifier compare`` (the same
descriptor, measured on different photos of the same people, docs/compare.md).
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from ...core.params import IdentityParams
from ...core.result import SignalResult, not_applicable

KEY = "identity"


def different_distance() -> float:
    """Descriptor distance beyond which two faces are different people: ``1 − different_if_below``
    of the face thresholds of ``verifier compare``."""
    from .compare import thresholds

    return 1.0 - thresholds()["face"].different_if_below


def identity_consistency(descriptors: np.ndarray, t_s, yaw_deg, params: IdentityParams = IdentityParams(),
                         different_at: float | None = None) -> SignalResult:
    """Score identity changes within a clip from per-frame face descriptors.

    Parameters
    ----------
    descriptors : np.ndarray [shape=(n, 128)]
        dlib descriptors of the sampled faces, time order.
    t_s, yaw_deg : array-like [shape=(n,)]
        Frame times, s, and head yaw, degrees (``verifier.analysis.face.head_pose_deg``).
    different_at : float, optional
        Distance from which a frame is another identity (default :func:`different_distance`).

    Returns
    -------
    SignalResult
        ``identity``: score = share of frames of another identity / ``flagged_share_for_full_score``
        (clipped to 1); evidence in units; ``series`` t_s, distance, yaw_deg, threshold for the plot.
    """
    d = np.asarray(descriptors, np.float64)
    t_s, yaw = np.asarray(t_s, float), np.asarray(yaw_deg, float)
    keep = np.abs(yaw) <= params.max_abs_yaw_deg
    d, t_s, yaw = d[keep], t_s[keep], yaw[keep]
    n = len(d)
    if n < params.min_frames:
        return not_applicable(KEY, "identity.too_few_faces", faces_described=int(n), min_faces=params.min_frames)
    thr = different_distance() if different_at is None else float(different_at)
    pair = np.linalg.norm(d[:, None, :] - d[None, :, :], axis=-1)
    medoid = int(np.argmin(np.median(pair, axis=1)))
    dist = pair[medoid]
    other = dist >= thr
    share = float(np.mean(other))
    score = float(min(1.0, share / params.flagged_share_for_full_score))
    reliability = float(min(1.0, n / params.full_reliability_frames))
    # where the identity changes most between consecutive frames: the jump
    steps = np.linalg.norm(np.diff(d, axis=0), axis=1)
    j = int(np.argmax(steps))
    evidence = {
        "faces_described": int(n),
        "other_identity_share": round(share, 3),
        "other_identity_frames": int(other.sum()),
        "median_distance_to_clip_identity": round(float(np.median(dist)), 3),
        "max_distance_to_clip_identity": round(float(dist.max()), 3),
        "different_person_distance": round(thr, 3),
        "largest_jump_distance": round(float(steps[j]), 3),
        "largest_jump_t_s": round(float(t_s[j + 1]), 2),
        "abs_yaw_deg_at_other_identity_median": round(float(np.median(np.abs(yaw[other]))), 1) if other.any() else None,
    }
    explanation = "identity.changes" if other.sum() >= 2 else ("identity.one_odd_frame" if other.any() else "identity.steady")
    series = {"t_s": t_s.tolist(), "distance": dist.tolist(), "yaw_deg": yaw.tolist(), "threshold": thr}
    return SignalResult(KEY, score, reliability, evidence, explanation, series)


def measure_identity(crops, params: IdentityParams = IdentityParams()) -> SignalResult:
    """:func:`identity_consistency` on the face crops of the pipeline's
    :class:`~verifier.analysis.frames.FaceCropSampler` (loose crops with landmarks); the not-applicable
    ``identity.model_missing`` result when the descriptor is not installed.
    """
    from ...core.errors import ModelUnavailableError
    from ..face import FACE_BOTTOM, FACE_TOP, POSE_POINTS, head_pose_deg
    from ..registry import unavailable_result
    from .face_embed import align_chip, describe

    if not crops:
        return not_applicable(KEY, "identity.too_few_faces", faces_described=0, min_faces=params.min_frames)
    pose = np.stack([c.landmarks[list(POSE_POINTS)] for c in crops])
    yaw, _, _ = head_pose_deg(pose)
    keep = [i for i in range(len(crops)) if abs(yaw[i]) <= params.max_abs_yaw_deg]
    if len(keep) < params.min_frames:
        return not_applicable(KEY, "identity.too_few_faces", faces_described=len(keep), min_faces=params.min_frames)
    if len(keep) > params.max_frames:  # evenly over the clip
        keep = [keep[i] for i in np.linspace(0, len(keep) - 1, params.max_frames).round().astype(int)]
    try:
        desc = describe([align_chip(crops[i].image, crops[i].landmarks) for i in keep])
    except ModelUnavailableError as e:
        return unavailable_result(KEY, e)
    r = identity_consistency(desc, [crops[i].t_s for i in keep], yaw[keep], params)
    face_px = float(np.median([np.linalg.norm(crops[i].landmarks[FACE_TOP, :2] - crops[i].landmarks[FACE_BOTTOM, :2])
                               / max(crops[i].scale, 1e-6) for i in keep]))
    return replace(r, reliability=float(r.reliability * min(1.0, face_px / params.full_reliability_face_px)),
                   evidence={**r.evidence, "median_face_px": round(face_px, 1)})


def identity_available() -> bool:
    """Whether the face descriptor is installed (model file checked and the ``dlib`` module
    importable): the pipeline runs the ``identity`` signal only then (an optional model)."""
    import importlib.util

    from .. import registry
    from .face_embed import MODEL_NAME

    try:
        return registry.status(MODEL_NAME)[0] == "ok" and importlib.util.find_spec("dlib") is not None
    except Exception:  # noqa: BLE001 - an unreadable registry entry means "not available", never a crash
        return False


def identity_figure(result: SignalResult, lang: str = "vi"):
    """Distance of each frame's face to the clip's identity over time, with the head yaw below;
    None when there is nothing to draw."""
    s = result.series or {}
    if not s.get("t_s"):
        return None
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    from ...core.i18n import t

    fig = Figure(figsize=(8.0, 4.6), dpi=100, layout="constrained")
    ax1, ax2 = fig.subplots(2, 1, sharex=True)
    t_s, dist, yaw = np.asarray(s["t_s"]), np.asarray(s["distance"]), np.asarray(s["yaw_deg"])
    ax1.plot(t_s, dist, "o-", color="#1f5fa8", lw=1.2, ms=4, label=t("plot.identity.distance", lang))
    ax1.axhline(s["threshold"], color="#c0392b", ls="--", lw=1, label=t("plot.identity.threshold", lang))
    odd = dist >= s["threshold"]
    ax1.plot(t_s[odd], dist[odd], "o", color="#c0392b", ms=7)
    ax1.set_ylabel(t("plot.identity.distance_axis", lang))
    ax1.legend(loc="upper left", fontsize=8)
    ax2.plot(t_s, yaw, "o-", color="#16a085", lw=1.2, ms=3)
    ax2.axhline(0, color="#999999", lw=0.6)
    ax2.set_ylabel(t("plot.identity.yaw_axis", lang))
    ax2.set_xlabel(t("plot.identity.time_axis", lang))
    return fig
