"""Lip-sync evidence: does the mouth open and close with the speech?

The mouth opening per video frame and the speech envelope of the audio track are put on
one 100 Hz grid on the container's timeline (so container offsets and AAC priming are
already accounted for), and their correlation is searched over audio/video offsets of
±600 ms. The best offset, the correlation there and how far that peak stands above the
other offsets are the evidence.

Limits (said plainly in the docs): mouth movement leads the voice by 100–300 ms at
onsets, so the best offset of real speech is biased towards "audio late"; on clips of a
few seconds the correlation curve is noisy. A clip with no audio or no speech is "not
applicable", never evidence of a fake.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from ..result import SignalResult, not_applicable

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
SPEECH_BAND_HZ = (300.0, 3400.0)  # telephone speech band for the envelope
HIGHPASS_S = 1.5  # slower changes (head moving closer, gain riding) are removed from both series
MIN_SPEECH_S = 2.0  # less speech than this: "too short"
DIGITAL_SILENCE_PEAK = 1e-4  # |sample| below this everywhere = digital silence (−80 dBFS)
# Speech/music discrimination: speech has many frames far quieter than the local mean (gaps
# between syllables), music and singing few (Scheirer & Slaney, ICASSP 1997, "percentage of
# low-energy frames"). Threshold set on ../shared/data/video: talking clips 0.40–0.55,
# music/singing 0.13–0.26.
MIN_LOW_ENERGY_RATIO = 0.33
MIN_SYLLABIC_RATIO = 0.15  # share of envelope modulation power at 2–8 Hz; heuristic
STATIC_MOUTH_STD = 0.012  # mouth-opening std (per inter-ocular distance) below this while talking = static mouth; heuristic


@dataclass(frozen=True)
class SpeechActivity:
    """Speech envelope and voice-activity decision on a grid of the audio."""

    t_s: np.ndarray  # (m,) frame centre times on the container timeline
    envelope_db: np.ndarray  # (m,) speech-band energy in dB
    active: np.ndarray  # (m,) bool: speech-like energy
    speech_s: float  # seconds of active frames
    pause_fraction: float  # share of frames that are clear pauses
    syllabic_ratio: float  # share of envelope modulation power at 2–8 Hz (speech rhythm)
    low_energy_ratio: float  # share of frames under half the local (1 s) mean RMS (Scheirer & Slaney 1997)
    digital_silence: bool

    @property
    def is_speech(self) -> bool:
        """Speech needs pauses and a syllabic rhythm; music and steady noise lack them."""
        return (not self.digital_silence and self.speech_s >= MIN_SPEECH_S and self.pause_fraction >= 0.08
                and self.syllabic_ratio >= MIN_SYLLABIC_RATIO and self.low_energy_ratio >= MIN_LOW_ENERGY_RATIO)


def speech_activity(y: np.ndarray, sr: int, start_s: float = 0.0, *, hop_length: int | None = None) -> SpeechActivity:
    """Speech-band envelope (10 ms hop) and a simple energy VAD of ``y``.

    Parameters
    ----------
    y : np.ndarray [shape=(n,)] float mono audio in [-1, 1].
    sr : int, sample rate in Hz.
    start_s : float, container time of sample 0, seconds.
    """
    import librosa

    y = np.asarray(y, np.float32)
    hop = hop_length or sr // GRID_HZ
    if len(y) < 4 * hop or np.max(np.abs(y)) < DIGITAL_SILENCE_PEAK:
        m = max(0, len(y) // hop)
        return SpeechActivity(start_s + np.arange(m) * hop / sr, np.full(m, -120.0), np.zeros(m, bool), 0.0, 0.0, 0.0, 0.0,
                              bool(len(y) > 0 and np.max(np.abs(y), initial=0) < DIGITAL_SILENCE_PEAK))
    n_fft = 4 * hop  # 40 ms window
    S = np.abs(librosa.stft(y, n_fft=n_fft, hop_length=hop, center=True)) ** 2
    f = librosa.fft_frequencies(sr=sr, n_fft=n_fft)
    band = (f >= SPEECH_BAND_HZ[0]) & (f <= SPEECH_BAND_HZ[1])
    e_db = 10 * np.log10(S[band].sum(0) + 1e-10)
    t = start_s + librosa.frames_to_time(np.arange(len(e_db)), sr=sr, hop_length=hop)
    floor, top = np.percentile(e_db, 10), np.percentile(e_db, 99)
    active = (e_db > floor + 12) & (e_db > top - 40)
    pauses = e_db < floor + 6
    # Modulation spectrum of the envelope: speech has its power at the syllable rate.
    env = e_db - ndimage.uniform_filter1d(e_db, size=int(HIGHPASS_S * GRID_HZ))
    spec = np.abs(np.fft.rfft(env * np.hanning(len(env)))) ** 2
    fm = np.fft.rfftfreq(len(env), d=hop / sr)
    total = spec[(fm >= 0.5) & (fm <= 20)].sum()
    syl = spec[(fm >= 2) & (fm <= 8)].sum() / total if total > 0 else 0.0
    rms = np.sqrt(S[band].sum(0))
    low_energy = float(np.mean(rms < 0.5 * ndimage.uniform_filter1d(rms, size=GRID_HZ)))
    return SpeechActivity(t, e_db, active, float(active.sum() * hop / sr), float(pauses.mean()), float(syl),
                          low_energy, False)


def _zscore(x):
    sd = np.nanstd(x)
    return (x - np.nanmean(x)) / sd if sd > 0 else x * np.nan


def _highpass(x, size):
    """Remove slow drifts with a moving average that ignores nan samples."""
    ok = np.isfinite(x)
    num = ndimage.uniform_filter1d(np.where(ok, x, 0.0), size=size, mode="nearest")
    den = ndimage.uniform_filter1d(ok.astype(float), size=size, mode="nearest")
    with np.errstate(invalid="ignore", divide="ignore"):
        return x - num / den


def offset_curve(mouth: np.ndarray, mouth_t_s: np.ndarray, env_db: np.ndarray, env_t_s: np.ndarray,
                 *, max_lag_ms: int = MAX_LAG_MS, step_ms: int = LAG_STEP_MS):
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
    t0, t1 = mouth_t_s[0], mouth_t_s[-1]
    grid = np.arange(t0, t1, 1.0 / GRID_HZ)
    ok = np.isfinite(mouth)
    if ok.sum() < 5 or len(grid) < 10:
        lags = np.arange(-max_lag_ms, max_lag_ms + 1, step_ms)
        return lags, np.full(len(lags), np.nan), grid, np.full(len(grid), np.nan), np.full(len(grid), np.nan)
    m = np.interp(grid, mouth_t_s[ok], mouth[ok])
    # No interpolation across face dropouts longer than 0.25 s.
    gap = np.interp(grid, mouth_t_s, (~ok).astype(float)) > 0.5
    frame_gap = np.interp(grid, mouth_t_s[ok][1:], np.diff(mouth_t_s[ok]), left=0, right=0) > 0.25
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


def peak_confidence(lags_ms: np.ndarray, corr: np.ndarray, exclude_ms: int = 200) -> tuple[float, float]:
    """How far the best offset stands above the others.

    Returns (z, confidence): z is the peak's distance from the mean of the offsets more than
    ``exclude_ms`` away, in their standard deviations; confidence maps z to [0, 1]
    (z ≤ 2 → 0, z ≥ 8 → 1).
    """
    if not np.isfinite(corr).any():
        return float("nan"), 0.0
    b = int(np.nanargmax(corr))
    far = np.abs(lags_ms - lags_ms[b]) > exclude_ms
    other = corr[far & np.isfinite(corr)]
    if len(other) < 5 or np.std(other) == 0:
        return float("nan"), 0.0
    z = float((corr[b] - other.mean()) / other.std())
    return z, float(np.clip((z - 2.0) / 6.0, 0.0, 1.0))


def measure_lipsync(mouth: np.ndarray, t_s: np.ndarray, y: np.ndarray | None, sr: int, audio_start_s: float = 0.0,
                    *, face_quality: float = 1.0) -> SignalResult:
    """The ``lipsync`` signal.

    Parameters
    ----------
    mouth : np.ndarray [shape=(n,)] inner-lip opening / inter-ocular distance per frame, nan without a face.
    t_s : np.ndarray [shape=(n,)] frame times on the container timeline, s.
    y : audio track (float32 mono) or None when the file has no audio stream.
    sr : sample rate of ``y``, Hz.
    audio_start_s : container time of the first audio sample, s.
    face_quality : reliability of the face track in [0, 1].
    """
    if y is None or len(y) == 0:
        return not_applicable("lipsync", "lipsync.no_audio")
    mouth = np.asarray(mouth, float)
    t_s = np.asarray(t_s, float)
    if np.isfinite(mouth).sum() < 10:
        return not_applicable("lipsync", "lipsync.no_face")
    # Only the audio that overlaps the picture matters.
    act = speech_activity(y, sr, audio_start_s)
    in_video = (act.t_s >= t_s[0]) & (act.t_s <= t_s[-1])
    speech_s = float(act.active[in_video].sum() / GRID_HZ)
    gate = {"speech_s": round(speech_s, 2), "pause_fraction": round(act.pause_fraction, 3),
            "syllabic_ratio": round(act.syllabic_ratio, 3), "low_energy_ratio": round(act.low_energy_ratio, 3),
            "digital_silence": act.digital_silence}
    if act.digital_silence or not act.is_speech:
        return not_applicable("lipsync", "lipsync.no_speech", **gate)
    if speech_s < MIN_SPEECH_S:
        return not_applicable("lipsync", "lipsync.too_short", **gate)
    lags, corr, grid, m_grid, e_grid = offset_curve(mouth, t_s, act.envelope_db, act.t_s)
    if not np.isfinite(corr).any():
        return not_applicable("lipsync", "lipsync.too_short", **gate)
    b = int(np.nanargmax(corr))
    offset_ms, r_best = int(lags[b]), float(corr[b])
    z, conf = peak_confidence(lags, corr)
    r_zero = float(corr[np.argmin(np.abs(lags))])
    # Mouth movement while speech is heard (per inter-ocular distance).
    mouth_ok = np.isfinite(mouth)
    speech_at_frames = np.interp(t_s, act.t_s, act.active.astype(float)) > 0.5
    talking = mouth_ok & speech_at_frames
    mouth_std = float(np.std(mouth[talking])) if talking.sum() >= 10 else float(np.std(mouth[mouth_ok]))
    lo, hi = TOLERATED_OFFSET_MS
    # Evidence of manipulation, each in [0, 1]:
    s_static = float(np.clip((STATIC_MOUTH_STD * 1.5 - mouth_std) / STATIC_MOUTH_STD, 0, 1))
    excess = max(lo - offset_ms, offset_ms - hi, 0)
    s_offset = float(np.clip(excess / 150.0, 0, 1)) * conf  # only a confident peak can place the offset
    s_corr = float(np.clip((0.35 - r_best) / 0.3, 0, 1))  # weak best correlation: mouth does not follow the voice
    score = max(s_static, s_offset, 0.15 + 0.6 * s_corr)
    if s_static >= 0.5:
        explanation = "lipsync.static_mouth"
    elif s_offset >= 0.3:
        explanation = "lipsync.offset"
    elif s_corr >= 0.5:
        explanation = "lipsync.weak_match"
    else:
        explanation = "lipsync.in_sync"
    # Reliability grows with speech duration (≈ 10 s of speech for full weight) and the
    # clarity of the peak; a static mouth is reliable evidence on its own.
    reliability = min(1.0, speech_s / 10.0) * max(0.3, conf if explanation != "lipsync.static_mouth" else 1.0)
    reliability *= float(np.clip(face_quality, 0, 1))
    evidence = {"offset_ms": offset_ms, "correlation": round(r_best, 4), "confidence": round(conf, 3),
                "peak_z": None if not np.isfinite(z) else round(z, 2), "correlation_at_0ms": round(r_zero, 4),
                "mouth_motion_std": round(mouth_std, 4),
                "perceptible_lag": bool(offset_ms > DETECT_AUDIO_LATE_MS or offset_ms < -DETECT_AUDIO_EARLY_MS), **gate}
    series = {"t_s": grid.tolist(), "mouth": m_grid.tolist(), "envelope": e_grid.tolist(),
              "lag_ms": lags.tolist(), "corr": corr.tolist()}
    return SignalResult("lipsync", float(np.clip(score, 0, 1)), float(np.clip(reliability, 0, 1)), evidence, explanation, series)
