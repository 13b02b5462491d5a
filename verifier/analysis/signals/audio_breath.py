"""Breath sounds between phrases (signal ``breath``).

People inhale at phrase boundaries: in running speech an inhalation comes every few
seconds, mostly in the pause just before a phrase starts. Many speech synthesisers generate
no breath at all, so long speech with many pauses and not one breath is weak evidence of
synthesis. It stays weak: recent generators do produce breaths, and close or distant
microphones, noise suppression and lossy codecs hide real ones.

A breath event here is a run of noise-like frames (high spectral flatness in 300-4000 Hz),
clearly above the pause noise floor yet well below the speech level, lasting 150-800 ms,
with its energy below 3 kHz on average (unlike /s/), that ends shortly before a phrase
onset. All thresholds are heuristics, not fitted.
"""
from __future__ import annotations

import math

import numpy as np

from ...core.result import SignalResult, not_applicable
from .audio_frames import (
    DB_FLOOR,
    NOISE_LIKE_BELOW_REF_DB,
    NOISE_LIKE_FLATNESS,
    check_audio,
    frames_to_s,
    runs,
    segment_speech,
)

KEY = "breath"
BREATH_DURATION_S = (0.15, 0.8)  # s, inhalations between phrases last ~0.2-0.8 s (heuristic range)
BREATH_MIN_ABOVE_FLOOR_DB = 6.0  # dB above the pause noise floor, so hiss alone is not a breath
BREATH_MAX_CENTROID_HZ = 3000.0  # Hz, mean spectral centroid; /s/ sits at 4-8 kHz (heuristic)
BREATH_MAX_GAP_TO_ONSET_S = 0.5  # s, a breath ends at most this long before the next phrase starts
FLOOR_PERCENTILE = 10.0  # the pause floor is this percentile of pause-frame levels
# Speech breathing: inhalations come at phrase boundaries every few seconds of running
# speech, of the order of 10-20 per minute (speech-breathing studies such as Winkworth et
# al. 1995, "Breathing patterns during spontaneous speech", J. Speech Hear. Res. 38);
# only audible ones can be counted here, so the range below is a heuristic, wider one.
NORMAL_BREATHS_PER_MIN = (4.0, 20.0)
MIN_PAUSES_FOR_EVIDENCE = 4  # with fewer pauses, no breath means nothing
NO_BREATH_SCORE = 0.62  # many pauses and not one breath (weak evidence of synthesis)
BREATHS_SCORE = 0.4  # breaths heard at a human-like rate
NEUTRAL_SCORE = 0.5
FULL_RELIABILITY_PAUSES = 10  # pauses at which the absence of breaths is as informative as it gets
MAX_RELIABILITY = 0.35  # audibility of breaths depends on microphone, noise suppression and codec


def detect_breaths(*, y: np.ndarray, sr: int, seg=None) -> tuple[np.ndarray, np.ndarray]:
    """Find breath-like events in the pauses before phrase onsets.

    Parameters
    ----------
    y : np.ndarray [shape=(n,)], float
    sr : int
        Hz.
    seg : Segmentation or None
        Precomputed :func:`segment_speech` of ``(y, sr)``.

    Returns
    -------
    start_s, end_s : np.ndarray [shape=(k,)]
        Breath events, seconds from the start of ``y``.
    """
    y = check_audio(y, sr)
    seg = segment_speech(y, sr) if seg is None else seg
    empty = np.zeros(0)
    if not len(seg.pause_starts):
        return empty, empty
    pause = seg.pause_mask()
    levels = seg.level_db[pause]
    audible = levels[levels > DB_FLOOR + 1.0]
    floor = float(np.percentile(audible, FLOOR_PERCENTILE)) if len(audible) else DB_FLOOR
    cand = (pause & (seg.flatness >= NOISE_LIKE_FLATNESS)
            & (seg.level_db >= floor + BREATH_MIN_ABOVE_FLOOR_DB)
            & (seg.level_db < seg.ref_db - NOISE_LIKE_BELOW_REF_DB))
    hop_s = seg.hop_length / sr
    # Bridge one-frame dropouts inside an event (flatness fluctuates frame to frame).
    c_starts, c_ends = runs(~cand)
    for s, e in zip(c_starts, c_ends):
        if 0 < s and e < len(cand) and e - s <= 2 and pause[s:e].all():
            cand[s:e] = True
    onsets = seg.speech_starts
    lo, hi = (int(round(d / hop_s)) for d in BREATH_DURATION_S)
    gap = int(round(BREATH_MAX_GAP_TO_ONSET_S / hop_s))
    out_s, out_e = [], []
    for s, e in zip(*runs(cand)):
        if not lo <= e - s <= hi:
            continue
        nxt = onsets[onsets >= e]
        if not len(nxt) or nxt[0] - e > gap:
            continue
        if np.mean(seg.centroid_hz[s:e]) > BREATH_MAX_CENTROID_HZ:
            continue
        out_s.append(s)
        out_e.append(e)
    return (frames_to_s(np.array(out_s, float), sr=sr, hop_length=seg.hop_length),
            frames_to_s(np.array(out_e, float), sr=sr, hop_length=seg.hop_length))


def measure_breath(*, y: np.ndarray, sr: int, seg=None) -> SignalResult:
    """The ``breath`` signal: audible inhalations between phrases.

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
        Evidence: ``breath_count``, ``breaths_per_min`` (per minute of speech plus pauses,
        from the first to the last speech run), ``pause_count``, ``pause_s``,
        ``speech_s``, ``normal_range_per_min``. The score is only moved away from 0.5 with
        at least :data:`MIN_PAUSES_FOR_EVIDENCE` pauses; reliability grows with the number
        of pauses and stays below :data:`MAX_RELIABILITY`.

    Raises
    ------
    ParameterError
        Invalid ``y`` or ``sr``.
    """
    y = check_audio(y, sr)
    seg = segment_speech(y, sr) if seg is None else seg
    n_pauses = int(len(seg.pause_starts))
    ev = {"pause_count": n_pauses, "pause_s": round(seg.pause_s, 2), "speech_s": round(seg.speech_s, 2)}
    if not len(seg.speech_starts):
        return not_applicable(KEY, "breath.no_speech", **ev)
    if n_pauses == 0:
        return not_applicable(KEY, "breath.no_pauses", **ev)
    starts, ends = detect_breaths(y=y, sr=sr, seg=seg)
    span_s = float(frames_to_s(seg.speech_ends[-1] - seg.speech_starts[0], sr=sr, hop_length=seg.hop_length))
    rate = len(starts) / span_s * 60.0 if span_s > 0 else float("nan")
    lo, hi = NORMAL_BREATHS_PER_MIN
    if n_pauses < MIN_PAUSES_FOR_EVIDENCE:
        score, explanation = NEUTRAL_SCORE, ("breath.few_pauses" if not len(starts) else "breath.present")
    elif not len(starts):
        score, explanation = NO_BREATH_SCORE, "breath.none"
    elif rate >= lo:
        score, explanation = BREATHS_SCORE, "breath.present"
    else:
        score, explanation = NEUTRAL_SCORE, "breath.few"
    reliability = MAX_RELIABILITY * min(1.0, n_pauses / FULL_RELIABILITY_PAUSES)
    ev.update({"breath_count": int(len(starts)), "breaths_per_min": round(rate, 1) if math.isfinite(rate) else None,
               "speech_span_s": round(span_s, 2), "normal_range_per_min": list(NORMAL_BREATHS_PER_MIN),
               "median_breath_ms": round(float(np.median(ends - starts)) * 1000, 0) if len(starts) else None})
    series = {"breath_start_s": starts.tolist(), "breath_end_s": ends.tolist()}
    return SignalResult(KEY, float(score), float(reliability), ev, explanation, series)
