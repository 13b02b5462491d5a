"""Blink evidence from eye-aspect-ratio series.

Blink events are found with a per-clip adaptive threshold (relative to the clip's own
open-eye level and noise), then the count is weighed against human blink-rate norms with
a Poisson likelihood ratio that takes the clip's length into account: no blink in 8 s is
weak evidence, no blink in 60 s is strong.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ...core.params import BlinkParams
from ...core.result import SignalResult, not_applicable

# Human norms. Spontaneous blink rate at rest ~17/min, in conversation ~26/min; across
# people, 95 % of conversational rates lie in 10.5–32.5 /min (Bentivoglio et al. 1997,
# Mov. Disord. 12:1028; Doughty 2001, Optom. Vis. Sci. 78:712).
NORMAL_BLINKS_PER_MIN_CONVERSATION = (10.5, 32.5)  # 95 % range, Doughty 2001
HUMAN_RATE_MEDIAN_PER_MIN = math.sqrt(10.5 * 32.5)  # 18.5 /min: geometric centre of that range
HUMAN_RATE_LOG_SD = (math.log(32.5) - math.log(10.5)) / (2 * 1.96)  # 0.29: lognormal spread across people
MAD_TO_SD = 1.4826  # median absolute deviation → standard deviation of a normal distribution


DEFAULT_BLINK_PARAMS = BlinkParams()


@dataclass(frozen=True)
class BlinkEvents:
    """Blink events found in an EAR series."""

    start_idx: np.ndarray  # (k,) frame indices where each blink starts
    end_idx: np.ndarray  # (k,) exclusive end
    min_rel: np.ndarray  # (k,) lowest EAR / open level during the blink
    threshold_rel: float  # EAR / open level under which an eye counts as closing
    baseline: np.ndarray  # (n,) open-eye EAR level per frame


def detect_blinks(ear: np.ndarray, t_s: np.ndarray, params: BlinkParams = DEFAULT_BLINK_PARAMS) -> BlinkEvents:
    """Find blinks in an eye-aspect-ratio series.

    Parameters
    ----------
    ear : np.ndarray [shape=(n,)]
        EAR per analysed frame (mean of both eyes), ``nan`` where no face was found.
    t_s : np.ndarray [shape=(n,)]
        Frame times in seconds (may be irregular).
    params : BlinkParams
        The detection thresholds.

    Returns
    -------
    BlinkEvents
        The threshold adapts to the clip: the open level is a rolling percentile
        (``baseline_percentile``) of the EAR over ``baseline_window_s``, and a frame closes when
        its EAR falls below ``open × (1 − max(min_drop, noise_sigmas × σ))`` where σ is the robust spread of EAR/open on
        this clip, so noisy tracking needs a deeper dip. A blink ends when the EAR is back
        above halfway between threshold and open (hysteresis).
    """
    from scipy import ndimage  # imported when used: 0.2 s at start, GIL-bound

    ear = np.asarray(ear, float)
    t_s = np.asarray(t_s, float)
    n = len(ear)
    empty = BlinkEvents(np.zeros(0, int), np.zeros(0, int), np.zeros(0), float("nan"), np.full(n, np.nan))
    valid = np.isfinite(ear)
    if valid.sum() < 3:
        return empty
    fps = (valid.sum() - 1) / max(t_s[valid][-1] - t_s[valid][0], 1e-6)
    filled = np.interp(np.arange(n), np.flatnonzero(valid), ear[valid])
    win = max(3, int(round(params.baseline_window_s * fps)) | 1)
    baseline = ndimage.percentile_filter(filled, params.baseline_percentile, size=win, mode="nearest")
    baseline = np.maximum(baseline, params.min_open_ear)
    rel = np.where(valid, ear / baseline, np.nan)
    r = rel[valid]
    sigma = MAD_TO_SD * np.median(np.abs(r - np.median(r)))
    thr = 1.0 - max(params.min_drop, params.noise_sigmas * sigma)
    release = (thr + 1.0) / 2.0
    starts, ends, mins = [], [], []
    i = 0
    while i < n:
        if valid[i] and rel[i] < thr:
            j = i
            lo = rel[i]
            while j + 1 < n and valid[j + 1] and rel[j + 1] < release:
                j += 1
                lo = min(lo, rel[j])
            starts.append(i)
            ends.append(j + 1)
            mins.append(lo)
            i = j + 1
        else:
            i += 1
    s, e, m = np.array(starts, int), np.array(ends, int), np.array(mins)
    if len(s):
        # duration from frame times; the last frame of a blink counts one frame period
        dur = t_s[np.minimum(e, n - 1)] - t_s[s]
        dur = np.where(e >= n, t_s[-1] - t_s[s] + 1 / fps, dur)
        ok = dur <= params.max_duration_s
        s, e, m = s[ok], e[ok], m[ok]
    return BlinkEvents(s, e, m, float(thr), baseline)


def _lognormal_poisson_pmf(k: int, exposure_min: float, median_per_min: float, log_sd: float) -> float:
    """P(k events) when the rate per minute is lognormal across people (Gauss–Hermite)."""
    from scipy.special import gammaln, xlogy

    x, w = np.polynomial.hermite_e.hermegauss(40)  # nodes for a standard normal
    rates = median_per_min * np.exp(log_sd * x)
    mu = rates * exposure_min
    # Poisson pmf as scipy.stats.poisson computes it (importing scipy.stats costs 0.4 s at start)
    pmf = np.exp(xlogy(k, mu) - mu - gammaln(k + 1))
    return float(np.sum(w * pmf) / np.sum(w))


def blink_likelihood_ratio(blink_count: int, duration_s: float, params: BlinkParams = DEFAULT_BLINK_PARAMS) -> float:
    """P(count | manipulated) / P(count | human) for ``blink_count`` blinks in ``duration_s``.

    Both hypotheses are Poisson counts whose rate varies across people (lognormal): the
    human one from the published 95 % range plus a screen-staring minority, the
    manipulated one wide (see :class:`BlinkParams`).
    """
    minutes = duration_s / 60.0
    p = params
    p_h = ((1 - p.screen_share) * _lognormal_poisson_pmf(blink_count, minutes, HUMAN_RATE_MEDIAN_PER_MIN, HUMAN_RATE_LOG_SD)
           + p.screen_share * _lognormal_poisson_pmf(blink_count, minutes, p.screen_rate_median_per_min, p.screen_rate_log_sd))
    p_f = _lognormal_poisson_pmf(blink_count, minutes, p.fake_rate_median_per_min, p.fake_rate_log_sd)
    lr = p_f / max(p_h, 1e-300)
    return float(np.clip(lr, 1 / p.max_likelihood_ratio, p.max_likelihood_ratio))


def measure_blink(ear_left: np.ndarray, ear_right: np.ndarray, t_s: np.ndarray, *,
                  face_quality: float = 1.0, params: BlinkParams = DEFAULT_BLINK_PARAMS) -> SignalResult:
    """The ``blink`` signal.

    Parameters
    ----------
    ear_left, ear_right : np.ndarray [shape=(n,)]
        Eye aspect ratio of each eye per frame; ``nan`` without a face.
    t_s : np.ndarray [shape=(n,)]
        Frame times, seconds.
    face_quality : float in [0, 1]
        Reliability of the face track (size, sharpness), multiplies the reliability.
    params : BlinkParams
        Thresholds and the alternative hypothesis.
    """
    ear_left, ear_right, t_s = (np.asarray(a, float) for a in (ear_left, ear_right, t_s))
    ear = (ear_left + ear_right) / 2.0
    valid = np.isfinite(ear)
    if valid.sum() < params.min_face_frames:
        return not_applicable("blink", "blink.no_face")
    fps = (len(t_s) - 1) / max(t_s[-1] - t_s[0], 1e-6) if len(t_s) > 1 else float("nan")
    seen_s = float(valid.sum() / fps)  # time with a visible face
    ev = detect_blinks(ear, t_s, params)
    k = len(ev.start_idx)
    rate = k / seen_s * 60.0
    lr = blink_likelihood_ratio(k, seen_s, params)
    score = lr / (1.0 + lr)  # posterior with even prior odds
    durations_ms = [(t_s[min(e, len(t_s) - 1)] - t_s[s]) * 1000 for s, e in zip(ev.start_idx, ev.end_idx)]
    # Left/right asymmetry: how differently the two eyes closed during blinks (0 = together).
    asym = []
    for s, e in zip(ev.start_idx, ev.end_idx):
        l_rel = np.nanmin(ear_left[s:e]) / np.nanmedian(ear_left[valid])
        r_rel = np.nanmin(ear_right[s:e]) / np.nanmedian(ear_right[valid])
        asym.append(abs(l_rel - r_rel))
    times = t_s[ev.start_idx]
    ibi = np.diff(times)
    cv = float(np.std(ibi) / np.mean(ibi)) if len(ibi) >= 3 else float("nan")
    explanation = "blink.normal"
    lo, hi = NORMAL_BLINKS_PER_MIN_CONVERSATION
    if rate < lo and lr < params.short_clip_max_lr:  # fewer than usual, but the clip is too short for that to mean much
        explanation = "blink.none_short" if k == 0 else "blink.few_short"
    elif rate < lo:
        explanation = "blink.too_few"
    elif rate > hi * params.too_many_factor:
        explanation = "blink.too_many"
    if np.isfinite(cv) and cv < params.regular_cv and len(ibi) >= params.regular_min_intervals:
        explanation = "blink.too_regular"
        score = max(score, params.regular_min_score)
    reliability = min(1.0, seen_s / params.full_reliability_s) * float(np.clip(face_quality, 0, 1))
    evidence = {
        "blink_count": int(k),
        "blinks_per_min": round(rate, 2),
        "duration_s": round(seen_s, 2),
        "likelihood_ratio": round(lr, 4),
        "normal_range_per_min": list(NORMAL_BLINKS_PER_MIN_CONVERSATION),
        "median_duration_ms": round(float(np.median(durations_ms)), 1) if durations_ms else None,
        "lr_asymmetry": round(float(np.median(asym)), 3) if asym else None,
        "interval_cv": None if not np.isfinite(cv) else round(cv, 3),
        "threshold_rel": round(ev.threshold_rel, 3),
        "open_ear": round(float(np.nanmedian(ear[valid])), 3),
        "analysed_fps": round(fps, 2),
    }
    series = {"t_s": t_s.tolist(), "ear": np.where(valid, ear, np.nan).tolist(),
              "threshold": (ev.baseline * ev.threshold_rel).tolist(), "blink_t_s": times.tolist()}
    return SignalResult("blink", float(score), float(reliability), evidence, explanation, series)
