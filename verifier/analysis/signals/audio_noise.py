"""Noise floor and digital silence in the pauses of speech (signal ``noise_floor``).

A microphone in a room always picks up something between phrases: room noise, hiss,
breathing. Speech synthesis often leaves its pauses far cleaner, sometimes exactly zero.
In earlier work on this project (issue 3), "fakes are cleaner in pauses" was the only
hand-crafted cue that pointed the same way on ``../shared/data/audio`` and on unseen
generators, but studio recordings and noise suppression in messenger apps are clean too,
so this is weak evidence.

Zero padding at the start or end of a file is an editing or format artefact (the real
Vietnamese references in ``../shared/data/audio`` are padded at the start), so only
digital silence *between* speech runs is counted; edge padding is reported apart.
"""
from __future__ import annotations

import math

import numpy as np

from ...core.result import SignalResult, not_applicable
from .audio_frames import DB_FLOOR, check_audio, frames_to_s, segment_speech, zero_runs

KEY = "noise_floor"
NOISE_FLOOR_PERCENTILE = 10.0  # the noise floor is this percentile of pause-frame levels
PAUSE_GUARD_S = 0.03  # s trimmed at each end of a pause, where speech onsets/offsets bleed in
# Pause level relative to the speech level, dB. Recordings in rooms or through phones
# usually sit 25-55 dB below speech; vocoders often 60 dB or more. Heuristic centre and
# width, consistent with (not fitted on) the medians printed by scripts/probe_audio_signals.py.
CLEAN_FLOOR_RE_SPEECH_DB = -60.0  # dB re. speech level at which the score is 0.5
CLEAN_FLOOR_WIDTH_DB = 8.0  # dB, logistic width around that centre
SCORE_RANGE = (0.3, 0.7)  # weak evidence: the floor alone never moves the score further
DIGITAL_SILENCE_SCORE = 0.75  # exactly-zero gaps between phrases: edited or generated (or a noise gate)
MIN_INTERNAL_SILENCE_S = 0.1  # s of digital silence between speech runs needed to report it
FULL_RELIABILITY_PAUSE_S = 3.0  # s of pauses at which the floor is as reliable as it gets
MAX_RELIABILITY = 0.5  # explanation signal: the learned detector decides


def measure_noise_floor(*, y: np.ndarray, sr: int, seg=None) -> SignalResult:
    """The ``noise_floor`` signal: how clean the pauses between phrases are.

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
        Evidence (levels in dBFS, RMS re. a full-scale square wave):

        - ``noise_floor_dbfs``: 10th percentile of the level of non-zero pause frames;
        - ``pause_level_dbfs``: median level of pause frames;
        - ``speech_level_dbfs``: median level of speech frames;
        - ``floor_re_speech_db``: noise floor minus speech level (more negative = cleaner);
        - ``pause_s``, ``pause_count``, ``speech_s``;
        - ``digital_silence_s``: exactly-zero runs (>= 20 ms) between speech runs;
        - ``zero_fraction_pauses``: share of exactly-zero samples inside pauses;
        - ``edge_digital_silence_s``: zero runs before the first / after the last speech
          run, *not* scored (editing or format padding).

        ``reliability`` grows with pause time (0 without pauses, ``noise_floor.no_pauses``).

    Raises
    ------
    ParameterError
        Invalid ``y`` or ``sr`` (see :func:`verifier.analysis.signals.audio_frames.check_audio`).
    """
    y = check_audio(y, sr)
    seg = segment_speech(y, sr) if seg is None else seg
    if not len(seg.speech_starts):
        return not_applicable(KEY, "noise_floor.no_speech", pause_s=0.0, speech_s=0.0)
    hop = seg.hop_length
    span_start, span_end = seg.speech_span_samples()
    z_starts, z_ends = zero_runs(y, sr=sr)
    inside = (z_starts >= span_start) & (z_ends <= span_end)
    digital_s = float(np.sum(z_ends[inside] - z_starts[inside]) / sr)
    edge_s = float(np.sum(z_ends[~inside] - z_starts[~inside]) / sr)
    ev = {"speech_s": round(seg.speech_s, 2), "pause_count": int(len(seg.pause_starts)),
          "pause_s": round(seg.pause_s, 2), "digital_silence_s": round(digital_s, 3),
          "edge_digital_silence_s": round(edge_s, 3)}
    if not len(seg.pause_starts):
        return not_applicable(KEY, "noise_floor.no_pauses", **ev)
    guard = int(round(PAUSE_GUARD_S * sr / hop))
    pause = np.zeros(seg.n_frames, bool)
    zero_in_pauses = 0
    pause_samples = 0
    for s, e in zip(seg.pause_starts, seg.pause_ends):
        pause[s + guard: max(s + guard, e - guard)] = True
        a, b = s * hop, min(len(y), e * hop)
        zero_in_pauses += int(np.count_nonzero(y[a:b] == 0))
        pause_samples += max(0, b - a)
    levels = seg.level_db[pause]
    if not len(levels):
        return not_applicable(KEY, "noise_floor.no_pauses", **ev)
    nonzero = levels[levels > DB_FLOOR + 1.0]
    floor = float(np.percentile(nonzero, NOISE_FLOOR_PERCENTILE)) if len(nonzero) else DB_FLOOR
    speech_level = float(np.median(seg.level_db[seg.speech]))
    rel = floor - speech_level
    lo, hi = SCORE_RANGE
    score = lo + (hi - lo) / (1.0 + math.exp((rel - CLEAN_FLOOR_RE_SPEECH_DB) / CLEAN_FLOOR_WIDTH_DB))
    if digital_s >= MIN_INTERNAL_SILENCE_S:
        score = max(score, DIGITAL_SILENCE_SCORE)
        explanation = "noise_floor.digital_silence"
    elif rel < CLEAN_FLOOR_RE_SPEECH_DB:
        explanation = "noise_floor.clean_pauses"
    else:
        explanation = "noise_floor.room_noise"
    pause_s = float(frames_to_s(pause.sum(), sr=sr, hop_length=hop))
    reliability = MAX_RELIABILITY * min(1.0, pause_s / FULL_RELIABILITY_PAUSE_S)
    ev.update({"noise_floor_dbfs": round(floor, 1), "pause_level_dbfs": round(float(np.median(levels)), 1),
               "speech_level_dbfs": round(speech_level, 1), "floor_re_speech_db": round(rel, 1),
               "zero_fraction_pauses": round(zero_in_pauses / max(pause_samples, 1), 4)})
    series = {"t_s": frames_to_s(np.arange(seg.n_frames), sr=sr, hop_length=hop).tolist(),
              "level_db": seg.level_db.tolist(), "pause": pause.tolist()}
    return SignalResult(KEY, float(score), float(reliability), ev, explanation, series)
