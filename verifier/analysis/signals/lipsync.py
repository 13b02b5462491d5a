"""Lip-sync evidence: does the mouth open and close with the speech?

The mouth opening per video frame and the speech envelope of the audio track are put on
one 100 Hz grid on the container's timeline (so container offsets and AAC priming are
already accounted for), and their correlation is searched over audio/video offsets of
±600 ms. The best offset, the correlation there and how far that peak stands above the
other offsets are the evidence.

Limits (said plainly in the docs): mouth movement leads the voice by 100–300 ms at
onsets, so the best offset of real speech is biased towards "audio late"; on clips of a
few seconds the correlation curve is noisy. A clip with no audio or no speech is "not
applicable", never evidence of a fake. Whether there is speech, and where, comes from the
analysis' one :func:`verifier.analysis.speech.detect_speech` (a learned VAD); music and singing, which
that VAD accepts as voice, are told apart by their few low-energy frames.
"""
from __future__ import annotations

import numpy as np

from ...core.params import LipsyncParams
from ...core.result import SignalResult, not_applicable
from ..speech import SPEECH_BAND_HZ, SpeechActivity, band_energy_db, detect_speech

GRID_HZ = 100  # common time grid, samples per second (10 ms)
MAX_LAG_MS = 600  # search range of the audio/video offset, ± ms
LAG_STEP_MS = 10
# Perceptual thresholds of A/V lag (ITU-R BT.1359-1, 1998): detectable at +45 ms (audio
# before video) and −125 ms (audio after video). Our sign: positive = audio late.
DETECT_AUDIO_EARLY_MS = 45
DETECT_AUDIO_LATE_MS = 125
# Real speech's best offset is biased towards audio-late by articulation leading the
# voice (mouth opens 100–300 ms before the sound at onsets; Chandrasekaran et al. 2009,
# PLoS Comput. Biol. 5:e1000436). Tolerated window around 0 before an offset is evidence:
TOLERATED_OFFSET_MS = (-DETECT_AUDIO_EARLY_MS - 100, DETECT_AUDIO_LATE_MS + 100)
HIGHPASS_S = 1.5  # s; slower changes (head moving closer, gain riding) are removed from both series


DEFAULT_PARAMS = LipsyncParams()


def speech_envelope(y: np.ndarray, sr: int, start_s: float = 0.0, *, hop_length: int | None = None):
    """Speech-band (300–3400 Hz) energy envelope of ``y`` on a 10 ms grid.

    Parameters
    ----------
    y : np.ndarray [shape=(n,)] float mono audio in [-1, 1].
    sr : int, sample rate in Hz.
    start_s : float, container time of sample 0, seconds.

    Returns
    -------
    t_s : np.ndarray [shape=(m,)] frame centre times on the container timeline, s.
    envelope_db : np.ndarray [shape=(m,)] speech-band energy per frame, dB.
    """
    y = np.asarray(y, np.float32)
    hop = hop_length or sr // GRID_HZ
    if len(y) < 4 * hop:
        m = len(y) // hop
        return start_s + np.arange(m) * hop / sr, np.full(m, -120.0)
    e_db = band_energy_db(y, sr=sr, hop_length=hop, band_hz=SPEECH_BAND_HZ)  # 40 ms window
    return start_s + np.arange(len(e_db)) * hop / sr, e_db


def _zscore(x):
    sd = np.nanstd(x)
    return (x - np.nanmean(x)) / sd if sd > 0 else x * np.nan


def _highpass(x, size):
    """Remove slow drifts with a moving average that ignores nan samples."""
    from scipy import ndimage  # imported when used: 0.2 s at start, GIL-bound

    ok = np.isfinite(x)
    num = ndimage.uniform_filter1d(np.where(ok, x, 0.0), size=size, mode="nearest")
    den = ndimage.uniform_filter1d(ok.astype(float), size=size, mode="nearest")
    with np.errstate(invalid="ignore", divide="ignore"):
        return x - num / den


def offset_curve(mouth: np.ndarray, mouth_t_s: np.ndarray, env_db: np.ndarray, env_t_s: np.ndarray,
                 *, max_lag_ms: int = MAX_LAG_MS, step_ms: int = LAG_STEP_MS, max_dropout_s: float = DEFAULT_PARAMS.max_dropout_s):
    """Correlation of mouth opening with the speech envelope at each audio offset.

    Parameters
    ----------
    mouth : (n,) mouth opening per video frame (nan where no face); ``mouth_t_s`` its times.
    env_db : (m,) speech envelope in dB; ``env_t_s`` its times (same timeline).

    Returns
    -------
    lags_ms : (L,) offsets tried; positive = the audio is late (the sound of a mouth
        movement at t is heard at t + lag).
    corr : (L,) Pearson correlation at each offset (nan where too little overlap).
    grid_t_s, mouth_grid, env_grid : the aligned series at the best offset, for plots.
    """
    from scipy import ndimage  # imported when used: 0.2 s at start, GIL-bound

    t0, t1 = mouth_t_s[0], mouth_t_s[-1]
    grid = np.arange(t0, t1, 1.0 / GRID_HZ)
    ok = np.isfinite(mouth)
    if ok.sum() < 5 or len(grid) < 10:
        lags = np.arange(-max_lag_ms, max_lag_ms + 1, step_ms)
        return lags, np.full(len(lags), np.nan), grid, np.full(len(grid), np.nan), np.full(len(grid), np.nan)
    m = np.interp(grid, mouth_t_s[ok], mouth[ok])
    # No interpolation across face dropouts longer than max_dropout_s.
    gap = np.interp(grid, mouth_t_s, (~ok).astype(float)) > 0.5
    frame_gap = np.interp(grid, mouth_t_s[ok][1:], np.diff(mouth_t_s[ok]), left=0, right=0) > max_dropout_s
    m[gap | frame_gap] = np.nan
    hp = int(HIGHPASS_S * GRID_HZ)
    m = _zscore(_highpass(m, hp))
    # The envelope is smoothed to the video's temporal resolution (about 2 frames).
    fps = (ok.sum() - 1) / max(mouth_t_s[ok][-1] - mouth_t_s[ok][0], 1e-6)
    env_s = ndimage.uniform_filter1d(env_db, size=max(1, int(round(GRID_HZ / max(fps, 1) * 2))))
    lags = np.arange(-max_lag_ms, max_lag_ms + 1, step_ms)
    corr = np.full(len(lags), np.nan)
    for i, lag in enumerate(lags):
        e = np.interp(grid + lag / 1000.0, env_t_s, env_s, left=np.nan, right=np.nan)
        e = _highpass(e, hp)
        v = np.isfinite(m) & np.isfinite(e)
        if v.sum() < GRID_HZ * 1.0:  # at least 1 s of overlap
            continue
        a, b = m[v] - m[v].mean(), e[v] - e[v].mean()
        den = np.sqrt((a * a).sum() * (b * b).sum())
        corr[i] = (a * b).sum() / den if den > 0 else np.nan
    best = int(np.nanargmax(corr)) if np.isfinite(corr).any() else len(lags) // 2
    env_best = _zscore(_highpass(np.interp(grid + lags[best] / 1000.0, env_t_s, env_s, left=np.nan, right=np.nan), hp))
    return lags, corr, grid, m, env_best


def peak_confidence(lags_ms: np.ndarray, corr: np.ndarray, exclude_ms: int = DEFAULT_PARAMS.peak_exclude_ms,
                    z_range: tuple = DEFAULT_PARAMS.peak_z_range) -> tuple[float, float]:
    """How far the best offset stands above the others.

    Returns (z, confidence): z is the peak's distance from the mean of the offsets more than
    ``exclude_ms`` away, in their standard deviations; confidence maps z to [0, 1]
    (z ≤ z_range[0] → 0, z ≥ z_range[1] → 1).
    """
    if not np.isfinite(corr).any():
        return float("nan"), 0.0
    b = int(np.nanargmax(corr))
    far = np.abs(lags_ms - lags_ms[b]) > exclude_ms
    other = corr[far & np.isfinite(corr)]
    if len(other) < 5 or np.std(other) == 0:
        return float("nan"), 0.0
    z = float((corr[b] - other.mean()) / other.std())
    lo, hi = z_range
    return z, float(np.clip((z - lo) / (hi - lo), 0.0, 1.0))


def measure_lipsync(mouth: np.ndarray, t_s: np.ndarray, y: np.ndarray | None, sr: int, audio_start_s: float = 0.0,
                    *, face_quality: float = 1.0, speech: SpeechActivity | None = None,
                    params: LipsyncParams = DEFAULT_PARAMS) -> SignalResult:
    """The ``lipsync`` signal.

    Parameters
    ----------
    mouth : np.ndarray [shape=(n,)] inner-lip opening / inter-ocular distance per frame, nan without a face.
    t_s : np.ndarray [shape=(n,)] frame times on the container timeline, s.
    y : audio track (float32 mono) or None when the file has no audio stream.
    sr : sample rate of ``y``, Hz.
    audio_start_s : container time of the first audio sample, s.
    face_quality : reliability of the face track in [0, 1].
    speech : the analysis' :class:`verifier.analysis.speech.SpeechActivity` of ``y`` (computed here when None).
    params : LipsyncParams
    """
    if y is None or len(y) == 0:
        return not_applicable("lipsync", "lipsync.no_audio")
    mouth = np.asarray(mouth, float)
    t_s = np.asarray(t_s, float)
    if np.isfinite(mouth).sum() < params.min_face_frames:
        return not_applicable("lipsync", "lipsync.no_face")
    if speech is None:
        speech = detect_speech(np.asarray(y, np.float32), sr)
    # Only the speech that overlaps the picture matters (speech times are on the track's timeline).
    speech_in_video_s = speech.speech_s_between(t_s[0] - audio_start_s, t_s[-1] - audio_start_s)
    gate = {**speech.evidence(), "speech_in_video_s": round(speech_in_video_s, 2)}
    if (speech.digital_silence or speech_in_video_s <= 0 or speech.music
            or speech.low_energy_ratio < params.min_low_energy_ratio):  # silence, noise, music, singing
        return not_applicable("lipsync", "lipsync.no_speech", **gate)
    if speech_in_video_s < params.min_speech_s:
        return not_applicable("lipsync", "lipsync.too_short", **gate)
    env_t, env_db = speech_envelope(y, sr, audio_start_s)
    lags, corr, grid, m_grid, e_grid = offset_curve(mouth, t_s, env_db, env_t, max_dropout_s=params.max_dropout_s)
    if not np.isfinite(corr).any():
        return not_applicable("lipsync", "lipsync.too_short", **gate)
    b = int(np.nanargmax(corr))
    offset_ms, r_best = int(lags[b]), float(corr[b])
    z, conf = peak_confidence(lags, corr, params.peak_exclude_ms, params.peak_z_range)
    r_zero = float(corr[np.argmin(np.abs(lags))])
    # Mouth movement while speech is heard (per inter-ocular distance).
    mouth_ok = np.isfinite(mouth)
    talking = mouth_ok & speech.mask(t_s - audio_start_s)
    mouth_std = float(np.std(mouth[talking])) if talking.sum() >= params.min_talking_frames else float(np.std(mouth[mouth_ok]))
    lo, hi = TOLERATED_OFFSET_MS
    # Evidence of manipulation, each in [0, 1]:
    p = params
    s_static = float(np.clip((p.static_mouth_std * p.static_margin - mouth_std) / p.static_mouth_std, 0, 1))
    excess = max(lo - offset_ms, offset_ms - hi, 0)
    s_offset = float(np.clip(excess / p.offset_full_excess_ms, 0, 1)) * conf  # only a confident peak can place the offset
    s_corr = float(np.clip((p.good_correlation - r_best) / p.correlation_span, 0, 1))  # mouth does not follow the voice
    score = max(s_static, s_offset, p.base_score + p.weak_match_weight * s_corr)
    if s_static >= p.static_explains:
        explanation = "lipsync.static_mouth"
    elif s_offset >= p.offset_explains:
        explanation = "lipsync.offset"
    elif s_corr >= p.weak_explains:
        explanation = "lipsync.weak_match"
    else:
        explanation = "lipsync.in_sync"
    # Reliability grows with speech duration and the clarity of the peak; a static mouth is
    # reliable evidence on its own. The energy fallback of the speech detector halves it.
    reliability = (min(1.0, speech_in_video_s / p.full_reliability_speech_s)
                   * max(p.min_peak_weight, conf if explanation != "lipsync.static_mouth" else 1.0))
    reliability *= float(np.clip(face_quality, 0, 1)) * speech.reliability
    evidence = {"offset_ms": offset_ms, "correlation": round(r_best, 4), "confidence": round(conf, 3),
                "peak_z": None if not np.isfinite(z) else round(z, 2), "correlation_at_0ms": round(r_zero, 4),
                "mouth_motion_std": round(mouth_std, 4),
                "perceptible_lag": bool(offset_ms > DETECT_AUDIO_LATE_MS or offset_ms < -DETECT_AUDIO_EARLY_MS), **gate}
    series = {"t_s": grid.tolist(), "mouth": m_grid.tolist(), "envelope": e_grid.tolist(),
              "lag_ms": lags.tolist(), "corr": corr.tolist()}
    return SignalResult("lipsync", float(np.clip(score, 0, 1)), float(np.clip(reliability, 0, 1)), evidence, explanation, series)
