"""Prosody: F0 variability, jitter and shimmer (signal ``prosody``).

The F0 track comes from YIN (:func:`verifier.analysis.dsp.yin`, librosa's definition in numpy; de Cheveigné &
Kawahara 2002, JASA 111:1917)
between 65 and 400 Hz with a 20 ms hop, which costs about 0.1 s per minute of audio (pYIN
over the whole range would cost seconds). Frames are voiced when they are speech and the
normalised autocorrelation of the frame at the YIN period reaches 0.45, the default voicing
threshold of Praat's autocorrelation pitch tracker (Boersma 1993, Proc. Inst. Phon. Sci.
Amsterdam 17:97).

Flat, monotone intonation is typical of older or cheaper synthesis, so it is weak evidence;
Vietnamese is tonal, which widens F0 variation in real and synthetic speech alike.

Jitter and shimmer are **approximations from frame-level values** (one F0 and one RMS per
20 ms frame, each averaged over several glottal cycles), not the cycle-to-cycle measures of
Praat or MDVP: they include intonation and loudness movement, so they read higher than
clinical jitter (MDVP normal threshold 1.04 %) and shimmer (3.81 %, 0.35 dB), and they are
reported for explanation only, never scored.
"""
from __future__ import annotations

import math

import numpy as np

from ...core.result import SignalResult, not_applicable
from .. import dsp
from .audio_frames import check_audio, segment_speech

KEY = "prosody"
FMIN_HZ = 65.0  # Hz, lowest F0 searched (low male voices)
FMAX_HZ = 400.0  # Hz, highest F0 searched (high female voices, not singing or children's screams)
F0_FRAME_S = 0.04  # s, YIN frame (640 samples at 16 kHz): two periods of FMIN_HZ plus margin
F0_HOP_FACTOR = 2  # YIN hop = this × segmentation hop (20 ms at 16 kHz)
VOICING_THRESHOLD = 0.45  # normalised autocorrelation at the period; Praat "To Pitch (ac)" default
OCTAVE_OUTLIER_ST = 12.0  # semitones from the median beyond which a frame is a tracking error
MIN_VOICED_S = 1.0  # s of voiced speech below which prosody is not measured
FULL_RELIABILITY_VOICED_S = 10.0  # s of voiced speech for a stable F0 spread
MAX_RELIABILITY = 0.35  # explanation signal; the learned detector decides
# Within-utterance F0 standard deviation of conversational speech is typically a few
# semitones; below ~1.5 st speech sounds flat. Heuristic range (not a published norm),
# to be read against the per-source medians of scripts/probe_audio_signals.py.
NORMAL_F0_STD_ST = (1.5, 6.0)
MONOTONE_F0_STD_ST = 1.5  # st, centre of the score's logistic: flatter speech scores above 0.5
MONOTONE_WIDTH_ST = 0.5  # st, logistic width
SCORE_SPREAD = 0.15  # the score stays within 0.5 ± this


def track_f0(*, y: np.ndarray, sr: int, seg=None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """F0 per frame and a voicing decision.

    Parameters
    ----------
    y : np.ndarray [shape=(n,)], float
    sr : int
        Hz.
    seg : Segmentation or None
        Precomputed :func:`segment_speech` of ``(y, sr)``.

    Returns
    -------
    f0_hz : np.ndarray [shape=(t,)]
        YIN F0 in Hz, frame ``i`` centred on sample ``i * hop_length``.
    voiced : np.ndarray [shape=(t,)], bool
        Speech frame with normalised autocorrelation >= :data:`VOICING_THRESHOLD`.
    rms : np.ndarray [shape=(t,)]
        Frame RMS amplitude (full scale = 1), from the segmentation.
    """
    y = check_audio(y, sr)
    seg = segment_speech(y, sr) if seg is None else seg
    hop = F0_HOP_FACTOR * seg.hop_length
    frame_length = int(round(F0_FRAME_S * sr))
    max_lag = int(math.ceil(sr / FMIN_HZ))
    if frame_length <= max_lag + 1:
        frame_length = max_lag + 2
    if len(y) < frame_length:
        y = np.pad(y, (0, frame_length - len(y)))
    f0 = dsp.yin(y, fmin=FMIN_HZ, fmax=FMAX_HZ, sr=sr, frame_length=frame_length, hop_length=hop)
    speech = seg.speech[::F0_HOP_FACTOR]
    n = min(len(f0), len(speech))
    f0, speech = f0[:n], speech[:n]
    rms = 10 ** (seg.level_db[::F0_HOP_FACTOR][:n] / 20)
    voiced = np.zeros(n, bool)
    idx = np.flatnonzero(speech)
    if len(idx):
        # Normalised cross-correlation between the frame and itself one period later (same
        # centring as the YIN track: the signal is padded by frame_length // 2).
        y_pad = np.pad(y, frame_length // 2)
        frames = dsp.frame(y_pad, frame_length=frame_length, hop_length=hop)[idx].T
        lag = np.clip(np.round(sr / f0[idx]).astype(int), 1, max_lag)
        w = frame_length - max_lag
        a = frames[:w]
        b = np.take_along_axis(frames, np.arange(w)[:, None] + lag[None, :], axis=0)
        num = np.sum(a * b, axis=0)
        den = np.sqrt(np.sum(a * a, axis=0) * np.sum(b * b, axis=0))
        ncc = np.where(den > 0, num / np.maximum(den, 1e-30), 0.0)
        voiced[idx] = ncc >= VOICING_THRESHOLD
    return f0, voiced, rms


def _pair_mask(voiced: np.ndarray) -> np.ndarray:
    """True at i when frames i and i + 1 are both voiced (shape (t - 1,))."""
    return voiced[:-1] & voiced[1:]


def measure_prosody(*, y: np.ndarray, sr: int, seg=None) -> SignalResult:
    """The ``prosody`` signal: how much the voice's pitch moves, with jitter and shimmer.

    Parameters
    ----------
    y : np.ndarray [shape=(n,)], float
        Mono audio in [-1, 1], finite.
    sr : int
        Sample rate in Hz (16000 expected).
    seg : Segmentation, optional
        Precomputed :func:`~verifier.analysis.signals.audio_frames.segment_speech` of ``(y, sr)``
        (the analysis' one segmentation); segmented here by energy when None.

    Returns
    -------
    SignalResult
        Evidence: ``f0_median_hz``; ``f0_std_st`` (standard deviation of F0 in semitones
        re. its median, frames more than an octave away dropped); ``f0_range_st`` (5th to
        95th percentile); ``jitter_local_pct`` = 100 · mean |T(i+1) − T(i)| / mean T over
        consecutive voiced frames, T = 1 / F0; ``shimmer_local_pct`` = 100 · mean
        |A(i+1) − A(i)| / mean A and ``shimmer_local_db`` = mean |20 log10(A(i+1) / A(i))|
        with A the frame RMS (frame-level approximations, see module docstring);
        ``voiced_s``, ``normal_range_st``. Only ``f0_std_st`` moves the score.

    Raises
    ------
    ParameterError
        Invalid ``y`` or ``sr``.
    """
    y = check_audio(y, sr)
    seg = segment_speech(y, sr) if seg is None else seg
    if not len(seg.speech_starts):
        return not_applicable(KEY, "prosody.no_voice", voiced_s=0.0)
    f0, voiced, rms = track_f0(y=y, sr=sr, seg=seg)
    hop_s = F0_HOP_FACTOR * seg.hop_length / sr
    voiced_s = float(voiced.sum() * hop_s)
    if voiced_s < MIN_VOICED_S:
        return not_applicable(KEY, "prosody.no_voice", voiced_s=round(voiced_s, 2))
    med = float(np.median(f0[voiced]))
    st = 12.0 * np.log2(f0 / med)
    voiced = voiced & (np.abs(st) <= OCTAVE_OUTLIER_ST)
    sv = st[voiced]
    std_st = float(np.std(sv))
    p5, p95 = np.percentile(sv, [5, 95])
    pairs = _pair_mask(voiced)
    period = 1.0 / f0
    if pairs.sum() >= 2:
        jitter = 100.0 * float(np.mean(np.abs(np.diff(period))[pairs]) / np.mean(period[voiced]))
        amp = np.maximum(rms, 1e-12)
        shimmer = 100.0 * float(np.mean(np.abs(np.diff(amp))[pairs]) / np.mean(amp[voiced]))
        shimmer_db = float(np.mean(np.abs(20 * np.log10(amp[1:] / amp[:-1]))[pairs]))
    else:
        jitter = shimmer = shimmer_db = float("nan")
    score = 0.5 + SCORE_SPREAD * math.tanh((MONOTONE_F0_STD_ST - std_st) / MONOTONE_WIDTH_ST)
    lo, hi = NORMAL_F0_STD_ST
    if std_st < lo:
        explanation = "prosody.monotone"
    elif std_st > hi:
        explanation = "prosody.very_variable"
        score = 0.5  # mostly tracking errors, shouting or singing: not evidence either way
    else:
        explanation = "prosody.normal"
    reliability = MAX_RELIABILITY * min(1.0, voiced_s / FULL_RELIABILITY_VOICED_S)

    def r(v, nd):
        return None if not math.isfinite(v) else round(v, nd)

    ev = {"f0_median_hz": round(med, 1), "f0_std_st": round(std_st, 2), "f0_range_st": round(float(p95 - p5), 2),
          "jitter_local_pct": r(jitter, 2), "shimmer_local_pct": r(shimmer, 2), "shimmer_local_db": r(shimmer_db, 2),
          "voiced_s": round(voiced_s, 2), "normal_range_st": list(NORMAL_F0_STD_ST)}
    t_s = np.arange(len(f0)) * hop_s
    series = {"t_s": t_s.tolist(), "f0_hz": np.where(voiced, f0, np.nan).tolist()}
    return SignalResult(KEY, float(score), float(reliability), ev, explanation, series)
