"""Shared framing for the explainable audio side signals: input checks, frame levels,
speech/pause segmentation and digital-silence runs.

Every side signal (``audio_noise``, ``audio_bandwidth``, ``audio_breath``,
``audio_prosody``) is a pure function of ``(y, sr)`` and an optional precomputed
:class:`Segmentation`; :func:`verifier.analysis.signals.audio.measure_audio_signals` segments the clip
once, with the analysis' speech activity (:mod:`verifier.analysis.speech`), and passes it to each, so
"speech" and "a pause" mean the same thing in all of them and in the rest of the report.
Called alone without ``seg``, a side signal falls back to the energy segmentation here.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ...core.errors import ParameterError
from .. import dsp

MIN_SR = 8000  # Hz, below this a 4 kHz channel cannot even be represented
FRAME_S = 0.025  # s, analysis window for frame levels (25 ms, the usual speech frame)
HOP_S = 0.010  # s, frame step (10 ms)
FLATNESS_N_FFT_S = 0.032  # s, FFT window for spectral flatness (512 samples at 16 kHz)
DB_FLOOR = -120.0  # dBFS, level given to all-zero frames (below 16-bit quantisation, ~-101 dBFS)
AMIN = 10 ** (DB_FLOOR / 20)  # linear amplitude matching DB_FLOOR
REF_PERCENTILE = 95.0  # the "speech level" reference is this percentile of non-silent frame levels
SPEECH_RANGE_DB = 30.0  # dB, frames within this of the reference may be speech (heuristic)
NOISE_LIKE_FLATNESS = 0.25  # spectral flatness in FLATNESS_BAND_HZ above which a frame is noise-like
# (white noise gives ~0.56 per frame, voiced speech < 0.1); heuristic
FLATNESS_BAND_HZ = (300.0, 2500.0)  # Hz, band where voiced speech has its clearest harmonics and breath
# noise its most energy; narrow enough that a breath's spectral tilt keeps it noise-like
NOISE_LIKE_BELOW_REF_DB = 15.0  # dB, noise-like frames quieter than ref - this are not speech (breath, noise)
MERGE_GAP_S = 0.06  # s, speech runs closer than this are merged (stop closures)
MIN_SPEECH_RUN_S = 0.06  # s, shorter speech runs are clicks, not speech
MIN_PAUSE_S = 0.2  # s, a gap between speech runs counts as a pause from this length
# (pause studies use 150-250 ms cut-offs to separate pauses from articulatory gaps; heuristic choice)
MIN_DIGITAL_SILENCE_S = 0.02  # s, a run of exactly-zero samples this long is digital silence
# (a live microphone never gives 320 identical zero samples at 16 kHz; heuristic)


def check_audio(y, sr, *, min_sr: int = MIN_SR) -> np.ndarray:
    """Validate a mono signal and its rate; return it as a float32 array.

    Parameters
    ----------
    y : np.ndarray [shape=(n,)], floating, finite
        Mono audio in [-1, 1] (full scale = 1). An empty array is valid (nothing measured).
    sr : int > 0
        Sample rate in Hz, at least ``min_sr``; the signals are designed for 16 kHz.
    min_sr : int
        Lowest accepted rate, Hz (default :data:`MIN_SR`).

    Raises
    ------
    ParameterError
        ``y`` is not a 1-D floating array of finite values, or ``sr`` is not a valid rate.
    """
    if not isinstance(y, np.ndarray):
        raise ParameterError(f"y must be a numpy array, not {type(y).__name__}")
    if not np.issubdtype(y.dtype, np.floating):
        raise ParameterError(f"y must hold floats in [-1, 1] (floating-point audio), not {y.dtype}")
    if y.ndim != 1:
        raise ParameterError(f"y must be mono with shape (n,), not {y.shape}")
    if not np.isfinite(y).all():
        raise ParameterError("y must contain only finite values (found nan or inf)")
    if isinstance(sr, bool) or not isinstance(sr, (int, np.integer)) or sr < max(1, min_sr):
        raise ParameterError(f"sr must be an integer sample rate >= {max(1, min_sr)} Hz, not {sr!r}")
    return y.astype(np.float32, copy=False)


def resample(y: np.ndarray, *, orig_sr: int, target_sr: int) -> np.ndarray:
    """``y`` resampled from ``orig_sr`` to ``target_sr`` Hz by polyphase filtering
    (``scipy.signal.resample_poly`` with the rates' reduced ratio), as float32; unchanged when
    the rates are equal. The one resampler of the analysis and the evaluations."""
    if int(orig_sr) == int(target_sr):
        return y
    from scipy.signal import resample_poly

    g = math.gcd(int(orig_sr), int(target_sr))
    return resample_poly(y, int(target_sr) // g, int(orig_sr) // g).astype(np.float32)


def amplitude_to_dbfs(rms: np.ndarray) -> np.ndarray:
    """RMS amplitude to dB re. full scale (a full-scale square wave is 0 dB, a full-scale
    sine -3 dB); zero maps to :data:`DB_FLOOR`."""
    return 20.0 * np.log10(np.maximum(np.asarray(rms, float), AMIN))


def frames_to_s(frame_idx, *, sr: int, hop_length: int):
    """Frame index (or count) to seconds (frame ``i`` centred on sample ``i * hop_length``)."""
    return np.asarray(frame_idx) * hop_length / sr


def runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and exclusive end indices of the runs of True in a boolean array."""
    m = np.concatenate([[False], np.asarray(mask, bool), [False]])
    d = np.diff(m.astype(np.int8))
    return np.flatnonzero(d == 1), np.flatnonzero(d == -1)


@dataclass(frozen=True)
class Segmentation:
    """Frame-level view of a clip (frame ``i`` is centred on sample ``i * hop_length``).

    Attributes
    ----------
    sr, hop_length, frame_length : int
        Rate (Hz) and framing (samples).
    level_db : np.ndarray [shape=(t,)]
        Frame RMS level, dBFS (:func:`amplitude_to_dbfs`).
    flatness : np.ndarray [shape=(t,)]
        Spectral flatness in :data:`FLATNESS_BAND_HZ`, in [0, 1].
    centroid_hz : np.ndarray [shape=(t,)]
        Spectral centroid, Hz.
    speech : np.ndarray [shape=(t,)], bool
        Speech frames (loud enough and not quiet noise-like), after merging and cleaning.
    ref_db : float
        Reference speech level (95th percentile of non-silent frames), dBFS; nan if silent.
    speech_starts, speech_ends : np.ndarray [shape=(k,)]
        Speech runs, frame indices (end exclusive).
    pause_starts, pause_ends : np.ndarray [shape=(p,)]
        Pauses: gaps of at least :data:`MIN_PAUSE_S` *between* speech runs (the
        non-speech before the first and after the last run is never a pause).
    """

    sr: int
    hop_length: int
    frame_length: int
    level_db: np.ndarray
    flatness: np.ndarray
    centroid_hz: np.ndarray
    speech: np.ndarray
    ref_db: float
    speech_starts: np.ndarray
    speech_ends: np.ndarray
    pause_starts: np.ndarray
    pause_ends: np.ndarray
    speech_total_s: float | None = None  # the speech activity's own total, s, when segmented from one
    method: str = "energy"  # "energy" (this module) or the speech activity's method ("silero", ...)

    @property
    def n_frames(self) -> int:
        return len(self.level_db)

    @property
    def speech_s(self) -> float:
        """Seconds of speech: the speech activity's total when given (one number per report),
        else the speech frames' duration."""
        if self.speech_total_s is not None:
            return float(self.speech_total_s)
        return float(frames_to_s(self.speech.sum(), sr=self.sr, hop_length=self.hop_length))

    @property
    def pause_s(self) -> float:
        return float(frames_to_s(np.sum(self.pause_ends - self.pause_starts), sr=self.sr, hop_length=self.hop_length))

    def pause_mask(self) -> np.ndarray:
        m = np.zeros(self.n_frames, bool)
        for s, e in zip(self.pause_starts, self.pause_ends):
            m[s:e] = True
        return m

    def speech_span_samples(self) -> tuple[int, int]:
        """Sample range [first speech start, last speech end), (0, 0) without speech."""
        if not len(self.speech_starts):
            return 0, 0
        half = self.hop_length // 2
        return (max(0, int(self.speech_starts[0]) * self.hop_length - half),
                int(self.speech_ends[-1] - 1) * self.hop_length + half)


def segment_speech(y: np.ndarray, sr: int, speech=None) -> Segmentation:
    """Split a clip into speech runs and pauses.

    Parameters
    ----------
    y : np.ndarray [shape=(n,)]
        Mono float audio (checked with :func:`check_audio`).
    sr : int
        Sample rate, Hz.
    speech : verifier.analysis.speech.SpeechActivity, optional
        The analysis' speech activity of ``y``: only frames inside its speech runs (frame ``i``
        centred on sample ``i * hop``) can be speech, and its ``speech_s`` is the
        segmentation's. Within the runs the energy rule below still marks pauses and breaths.

    Returns
    -------
    Segmentation
        Frame levels, flatness and centroid are measured here either way. Without ``speech``,
        a frame is speech when its level is within :data:`SPEECH_RANGE_DB` of the clip's
        reference level, unless it is noise-like (flatness >= :data:`NOISE_LIKE_FLATNESS`)
        and more than :data:`NOISE_LIKE_BELOW_REF_DB` below the reference, as breaths and
        background noise are. Runs closer than :data:`MERGE_GAP_S` are merged, runs shorter
        than :data:`MIN_SPEECH_RUN_S` dropped. This is an energy segmentation, not a
        trained voice-activity detector: loud non-speech (music, shouting crowd) counts as
        speech.
    """
    y = check_audio(y, sr)
    hop = int(round(HOP_S * sr))
    frame_length = int(round(FRAME_S * sr))
    n_fft = int(2 ** np.ceil(np.log2(FLATNESS_N_FFT_S * sr)))
    if len(y) < n_fft:  # too short for one analysis frame: pad with zeros (nothing is measured)
        y = np.pad(y, (0, n_fft - len(y)))
    rms = dsp.frame_rms(y, frame_length=frame_length, hop_length=hop)
    level_db = amplitude_to_dbfs(rms)
    S, freqs = dsp.power_spectrogram(y, sr=sr, n_fft=n_fft, hop_length=hop)
    S = S[: len(level_db)]
    band = (freqs >= FLATNESS_BAND_HZ[0]) & (freqs <= FLATNESS_BAND_HZ[1])
    flatness = dsp.spectral_flatness(S[:, band], amin=1e-20)
    centroid = dsp.spectral_centroid(np.sqrt(S), freqs)
    audible = level_db > DB_FLOOR + 1.0
    t = len(level_db)
    empty = np.zeros(0, int)
    if not audible.any():
        return Segmentation(sr, hop, frame_length, level_db, flatness, centroid, np.zeros(t, bool), float("nan"),
                            empty, empty, empty, empty, None if speech is None else 0.0,
                            "energy" if speech is None else speech.method)
    ref_db = float(np.percentile(level_db[audible], REF_PERCENTILE))
    activity = speech
    noise_like = (flatness >= NOISE_LIKE_FLATNESS) & (level_db < ref_db - NOISE_LIKE_BELOW_REF_DB)
    speech = (level_db >= ref_db - SPEECH_RANGE_DB) & ~noise_like
    merge = int(round(MERGE_GAP_S / HOP_S))
    starts, ends = runs(~speech)
    for s, e in zip(starts, ends):  # close short gaps between speech runs
        if s > 0 and e < t and e - s < merge:
            speech[s:e] = True
    starts, ends = runs(speech)
    min_run = int(round(MIN_SPEECH_RUN_S / HOP_S))
    for s, e in zip(starts, ends):
        if e - s < min_run:
            speech[s:e] = False
    if activity is not None:
        # Speech only inside the speech activity's runs (noise, music, silence are none), and the
        # energy rule inside them: the VAD bridges breaths and short pauses within a phrase, which
        # are exactly what the noise-floor and breath signals look at.
        speech &= activity.mask(frames_to_s(np.arange(t), sr=sr, hop_length=hop))
        return _with_pauses(sr, hop, frame_length, level_db, flatness, centroid, speech, ref_db,
                            speech_total_s=activity.speech_s, method=activity.method)
    return _with_pauses(sr, hop, frame_length, level_db, flatness, centroid, speech, ref_db)


def _with_pauses(sr, hop, frame_length, level_db, flatness, centroid, speech, ref_db, **kw) -> Segmentation:
    """The Segmentation of a speech mask: its runs, and the gaps of at least MIN_PAUSE_S between them."""
    s_starts, s_ends = runs(speech)
    gap_starts, gap_ends = s_ends[:-1], s_starts[1:]
    keep = (gap_ends - gap_starts) >= int(round(MIN_PAUSE_S / HOP_S))
    return Segmentation(sr, hop, frame_length, level_db, flatness, centroid, speech, ref_db, s_starts, s_ends,
                        gap_starts[keep], gap_ends[keep], **kw)


def zero_runs(y: np.ndarray, *, sr: int, min_s: float = MIN_DIGITAL_SILENCE_S) -> tuple[np.ndarray, np.ndarray]:
    """Runs of exactly-zero samples lasting at least ``min_s`` seconds.

    Returns
    -------
    starts, ends : np.ndarray [shape=(k,)]
        Sample indices (end exclusive).
    """
    if min_s <= 0:
        raise ParameterError(f"min_s must be > 0 s, not {min_s}")
    starts, ends = runs(np.asarray(y) == 0)
    keep = (ends - starts) >= int(round(min_s * sr))
    return starts[keep], ends[keep]
