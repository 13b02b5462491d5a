"""The ``voice`` signal: is this speech synthetic? Scored by AASIST-L over the whole message.

A message is channel-normalised first (mono 16 kHz, leading/trailing silence and zero
padding trimmed to the sample, :data:`TRIM_TOP_DB` under the loudest frame, DC removed,
active-speech level set to :data:`TARGET_ACTIVE_DBFS`) so that the sample rate, channel count,
padding, added silence or level of a file cannot drive the score. The
level target is an active-speech RMS, not a peak: a peak target (0.9 full scale, used until
issue 14) lifts loud, clean read speech above the level the network was trained at and
moves with every click and codec overshoot; see ``docs/voice_invariance.md`` for the table
(``python -m verifier.evaluate invariance``) that chose it.

The message is cut into windows of 64600 samples (~4 s, the upstream input) with 50 %
overlap covering all of it; when there are more than :data:`MAX_WINDOWS`, that many are
taken evenly spread from first to last (the cap keeps a voice message within the 3 s
speed bar on a 2-core CPU; AASIST-L costs ~0.3 s per window there). Short speech is tiled
to one window as upstream. The median of the windows' ``spoof − bona fide`` logit
differences (robust to one odd window) is mapped to a probability of fake by the Platt
calibration in ``verifier/assets/voice_calibration.json`` (fitted by ``python -m verifier.evaluate
audio``); each window's own probability (same mapping) is the timeline in the evidence.
``VoiceParams.timeline_windows`` (``--voice-windows all``) scores more windows for the timeline
only: the message's score stays the median of the calibrated windows.

Narrowband speech (effective bandwidth below :data:`NARROWBAND_MAX_HZ`, measured on the
signal, e.g. a telephone call or AMR voice note) is outside what the network was trained
on (16 kHz ASVspoof 2019 LA): real telephone speech scores as synthetic, so there the
result carries :data:`NARROWBAND_RELIABILITY` and is never reported as "synthetic likely".

The voice score is calibrated AASIST-L alone: fusing it with the side signals of
``verifier.analysis.signals.audio`` (logistic regression, paired leave-one-source-out on
``../shared/data/audio``) was below AASIST-L alone in every condition (e.g. published 0.911
with the noise floor, 0.791 with all four, against 0.917), so the side signals explain and
do not enter this score.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ...core.assets import asset_path
from ...core.constants import MAX_WINDOWS, SAMPLE_RATE, TRIM_TOP_DB
from ...core.errors import ModelUnavailableError, ParameterError
from ...core.once import load_once
from ...core.params import Preprocessing, VoiceParams
from ...core.result import SignalResult, not_applicable
from .. import dsp
from ..registry import unavailable_result
from ..signals.audio_frames import check_audio as check_signal
from ..signals.audio_frames import resample
from .aasist_config import AASIST_L_CONFIG, WINDOW_SAMPLES, AasistConfig  # torch-free (the network is in .aasist)
from .calibration import LogisticCalibration
from .weights import find_weights

WINDOW_S = WINDOW_SAMPLES / SAMPLE_RATE  # 4.0375 s per window
WINDOW_HOP = WINDOW_SAMPLES // 2  # samples: 50 % overlap between consecutive windows

# ``VoiceParams(timeline_windows=ALL_WINDOWS)`` also scores the rest of the 50 %-overlap grid for
# the timeline (the CLI's ``--voice-windows all``): at most 297 windows, since media are capped at
# 10 min (verifier.analysis.media.Limits.max_duration_s), ~0.25 s each here (about 75 s for 10 min).
ALL_WINDOWS = 10_000
# Windows per forward pass. Measured on the 2-core development machine: 0.30 s per window one
# at a time, 0.35 s per window in a batch of 3 (the first block's 66 MB activations per window
# stay friendlier to the caches and the allocator); re-measured for issue 14 under load: 0.48 s
# per window at batch 1, 1.6-2.2 s at batch 2-8. Equal logits either way (eval mode).
BATCH_WINDOWS = 1

SPEECH_TOP_DB = 40.0  # dB below the loudest frame counted as pause when measuring speech duration
SILENCE_DBFS = -60.0  # dBFS: a file whose loudest 32 ms frame is below this holds no speech
FRAME_LENGTH = 512  # samples (32 ms) for trimming and speech duration
HOP_LENGTH = 128  # samples (8 ms)
# samples (2 ms) of the short RMS that places the sample-exact trim (exact_trim_bounds): long enough that
# noise under the threshold does not reach it (the RMS of 32 Gaussian samples stays within ~±2 dB of the
# noise's RMS), short against a syllable onset
EXACT_TRIM_RMS_SAMPLES = 32

ACTIVE_RANGE_DB = 30.0  # dB below the loudest frame still counted as active speech for the level
MAX_PEAK = 0.99  # full scale: the gain is lowered so that no sample clips
TARGET_PEAK = 0.9  # full-scale peak of the former (until issue 14) peak normalisation, LEVEL_MODES["peak"]

MIN_SPEECH_S = 1.0  # s; less speech → "voice.too_short" (reliability 0)
FULL_RELIABILITY_SPEECH_S = WINDOW_S  # s; one full window of speech gives reliability 1
P_FAKE_LIKELY = 0.5  # calibrated probability from which the voice is reported as likely synthetic
# Effective bandwidth (cut-off of the long-term spectrum, verifier.analysis.signals.audio_bandwidth) below
# which speech is narrowband: telephone 300-3400 Hz (ITU-T G.712) and AMR-NB (4 kHz) fall below,
# wideband messenger codecs (AAC 32 kbit/s, Opus 16-24 kbit/s, MP3 64 kbit/s at 16 kHz) keep >= 6 kHz.
NARROWBAND_MAX_HZ = 5000.0
# Reliability factor for narrowband speech: every preprocessing variant scores real telephone
# speech as synthetic (issue 14; docs/voice_invariance.md), so the voice result counts little
# there. 0.1 so that, through verifier/assets/fusion.json (voice weight 1, "high" from 0.7, clip 1e-3),
# even P(fake) = 0.999 gives risk sigmoid(0.1 x 6.9) = 0.67 < 0.7, and a voice message alone
# has evidence 0.1 < min_evidence 0.25 ("inconclusive"), not a "fake" verdict.
NARROWBAND_RELIABILITY = 0.1
# Reliability factor when the sound has a beat (music or singing, verifier.analysis.speech.SpeechActivity.music):
# AASIST-L was trained on read speech only, and real music clips scored P(fake) 0.5-0.6 (d10, d11
# of ../shared/data/video). Same figure and reasoning as NARROWBAND_RELIABILITY: the voice alone
# then gives "inconclusive", never "low" (background music must not buy a cloned voice a low level).
MUSIC_RELIABILITY = 0.1
WELCH_NPERSEG = 1024  # samples (64 ms at 16 kHz) for the long-term spectrum, as audio_bandwidth.N_FFT_S
CALIBRATION_FILE = asset_path("voice_calibration.json")


DEFAULT_PREPROCESSING = Preprocessing()
UNSCORED = object()  # VoiceDetector.measure's "the network has not scored this message yet"


DEFAULT_VOICE_PARAMS = VoiceParams()


def check_audio(y, sr) -> np.ndarray:
    """Validate a waveform: 1-D floating numpy array of finite samples, ``sr`` a positive int
    (any rate: it is resampled to 16 kHz). Returns it as float32.

    Raises
    ------
    ParameterError
        Naming what is wrong.
    """
    return check_signal(y, sr, min_sr=1)


def to_model_rate(y: np.ndarray, sr: int) -> np.ndarray:
    """Resample to :data:`SAMPLE_RATE` (polyphase, scipy) when needed."""
    return resample(y, orig_sr=sr, target_sr=SAMPLE_RATE)


def frame_rms(y: np.ndarray) -> np.ndarray:
    """RMS of centred frames (:data:`FRAME_LENGTH`, :data:`HOP_LENGTH`, zero padding), as
    ``librosa.feature.rms(y=y, frame_length=512, hop_length=128, center=True)[0]``.

    Written with numpy because the first call of ``librosa.feature`` costs 1.5–2 s at process
    start (lazy imports, numba), which alone would break the 3 s budget of a voice message.
    """
    return dsp.frame_rms(y, frame_length=FRAME_LENGTH, hop_length=HOP_LENGTH)


def _frame_db(y: np.ndarray) -> np.ndarray:
    return 20 * np.log10(np.maximum(frame_rms(y), 1e-10))


def speech_seconds(y: np.ndarray, sr: int = SAMPLE_RATE) -> float:
    """Seconds of frames within :data:`SPEECH_TOP_DB` of the loudest frame (and above
    :data:`SILENCE_DBFS`): a duration of speech that ignores pauses and padding."""
    if len(y) == 0:
        return 0.0
    db = _frame_db(y)
    active = (db >= db.max() - SPEECH_TOP_DB) & (db >= SILENCE_DBFS)
    return float(active.sum() * HOP_LENGTH / sr)


def trim_bounds(y: np.ndarray, top_db: float = TRIM_TOP_DB) -> tuple[int, int]:
    """``(start, end)`` sample indices of :func:`trim`'s output in ``y``."""
    if len(y) == 0:
        return 0, 0
    power = frame_rms(y).astype(np.float64) ** 2
    if power.max() <= 0:
        return 0, 0
    # Floor relative to the loudest frame (librosa's is absolute, 1e-10 = -100 dBFS, which at a
    # peak near -40 dBFS reaches the -50 dB threshold and makes the trim depend on the level).
    db = 10 * np.log10(np.maximum(power, power.max() * 1e-12) / power.max())
    loud = np.flatnonzero(db > -top_db)
    if len(loud) == 0:
        return 0, 0
    return int(loud[0]) * HOP_LENGTH, min(len(y), (int(loud[-1]) + 1) * HOP_LENGTH)


def short_rms(y: np.ndarray, n: int) -> np.ndarray:
    """RMS of the ``n`` samples centred on each sample of ``y`` (zero outside), float64."""
    c = np.concatenate([[0.0], np.cumsum(np.square(y, dtype=np.float64))])
    i = np.arange(len(y))
    lo, hi = np.clip(i - n // 2, 0, len(y)), np.clip(i - n // 2 + n, 0, len(y))
    return np.sqrt(np.maximum(c[hi] - c[lo], 0.0) / n)


def exact_trim_bounds(y: np.ndarray, top_db: float = TRIM_TOP_DB) -> tuple[int, int]:
    """:func:`trim_bounds` moved to the sample: the first and (one past) the last sample,
    within one frame (:data:`FRAME_LENGTH`) of the frame-grid bounds, where the RMS of the
    :data:`EXACT_TRIM_RMS_SAMPLES` samples around it reaches ``top_db`` below the loudest frame's RMS.

    The frame grid (8 ms hop) makes the trimmed start depend on how much silence precedes the
    sound (up to a hop), and the network's output moves with a shift of a few ms (issue 14,
    ``docs/voice_invariance.md``, row ``shift_4ms``); a threshold relative to the loudest frame
    does not depend on the silence before it, nor on the level. A short RMS, not one sample's
    magnitude, is compared so that the peaks of background noise a few dB under the threshold
    (Gaussian noise peaks 10 dB over its RMS) cannot set the start.
    """
    a, b = trim_bounds(y, top_db)
    if b <= a:
        return a, b
    thr = float(frame_rms(y).max()) * 10 ** (-top_db / 20)
    lo, hi = max(0, a - FRAME_LENGTH), min(len(y), a + FRAME_LENGTH)
    hit = np.flatnonzero(short_rms(y[lo:hi], EXACT_TRIM_RMS_SAMPLES) >= thr)
    a2 = lo + int(hit[0]) if len(hit) else a
    lo, hi = max(a2, b - FRAME_LENGTH), min(len(y), b + FRAME_LENGTH)
    hit = np.flatnonzero(short_rms(y[lo:hi], EXACT_TRIM_RMS_SAMPLES) >= thr)
    b2 = lo + int(hit[-1]) + 1 if len(hit) else b
    return a2, max(b2, a2 + 1)


def trim(y: np.ndarray, top_db: float = TRIM_TOP_DB) -> np.ndarray:
    """Drop leading and trailing frames more than ``top_db`` below the loudest frame, as
    ``librosa.effects.trim(y, top_db=top_db, frame_length=512, hop_length=128)[0]`` (but with
    a power floor relative to the loudest frame, so that quiet files trim as loud ones)."""
    a, b = trim_bounds(y, top_db)
    return y[a:b]


def active_level_dbfs(y: np.ndarray) -> float:
    """Active-speech level, dBFS RMS: the power mean of the 32 ms frames within
    :data:`ACTIVE_RANGE_DB` of the loudest frame (a simple stand-in for ITU-T P.56).
    -inf for silence."""
    if len(y) == 0:
        return float("-inf")
    power = frame_rms(y).astype(np.float64) ** 2
    if power.max() <= 0:
        return float("-inf")
    active = power >= power.max() * 10 ** (-ACTIVE_RANGE_DB / 10)
    return float(10 * np.log10(power[active].mean()))


def set_level(y: np.ndarray, prep: Preprocessing = DEFAULT_PREPROCESSING) -> np.ndarray:
    """Scale ``y`` as ``prep.level`` says; the gain never makes a sample exceed :data:`MAX_PEAK`
    (except ``"peak"``, which sets the peak to :data:`TARGET_PEAK`)."""
    peak = float(np.abs(y).max()) if len(y) else 0.0
    if peak <= 0 or prep.level == "own":
        return y.astype(np.float32, copy=False)
    if prep.level == "peak":
        gain = TARGET_PEAK / peak
    else:
        gain = min(10 ** ((prep.target_active_dbfs - active_level_dbfs(y)) / 20), MAX_PEAK / peak)
    return (y * gain).astype(np.float32)


def normalise_channel(y: np.ndarray, prep: Preprocessing = DEFAULT_PREPROCESSING) -> np.ndarray:
    """Trim leading/trailing silence and digital padding (:data:`TRIM_TOP_DB` below the
    loudest frame; when ``prep.trim``), remove DC and set the level (:func:`set_level`)."""
    return _normalise(y, prep)[0]


def _normalise(y: np.ndarray, prep: Preprocessing) -> tuple[np.ndarray, int]:
    """:func:`normalise_channel` and the index in ``y`` of its first sample."""
    if len(y) == 0:
        return y.astype(np.float32), 0
    bounds = exact_trim_bounds if prep.trim_exact else trim_bounds
    a, b = bounds(y, prep.trim_top_db) if prep.trim else (0, len(y))
    y = y[a:b]
    y = y - y.mean() if len(y) else y
    return set_level(y, prep), a


def window_starts(n_samples: int, max_windows: int = MAX_WINDOWS) -> np.ndarray:
    """Start samples of the windows scored in ``n_samples`` of audio.

    The grid covers the whole input: windows of :data:`WINDOW_SAMPLES` every
    :data:`WINDOW_HOP` samples (50 % overlap), the last one moved to end at the end. When
    the grid holds more than ``max_windows``, ``max_windows`` of them are taken evenly
    spread over it (the first and the last always). Shorter input gives one start, 0.

    Returns
    -------
    starts : np.ndarray [shape=(n,), dtype=int], n <= max_windows
    """
    if max_windows < 1:
        raise ParameterError(f"max_windows must be >= 1, not {max_windows}")
    if n_samples <= WINDOW_SAMPLES:
        return np.zeros(1, int)
    grid = np.arange(0, n_samples - WINDOW_SAMPLES + 1, WINDOW_HOP)
    if grid[-1] != n_samples - WINDOW_SAMPLES:
        grid = np.append(grid, n_samples - WINDOW_SAMPLES)
    if len(grid) > max_windows:
        grid = grid[np.unique(np.linspace(0, len(grid) - 1, max_windows).round().astype(int))]
    return grid.astype(int)


def grid_windows(n_samples: int) -> int:
    """Windows of the full 50 %-overlap grid over ``n_samples`` (before the cap)."""
    if n_samples <= WINDOW_SAMPLES:
        return 1
    return int(math.ceil((n_samples - WINDOW_SAMPLES) / WINDOW_HOP)) + 1


def make_windows(y: np.ndarray, max_windows: int = MAX_WINDOWS) -> np.ndarray:
    """Cut ``y`` into the windows of :func:`window_starts`. Shorter input is tiled to one
    window, as the upstream data loader does.

    Returns
    -------
    windows : np.ndarray [shape=(n, 64600), dtype=float32]
    """
    if max_windows < 1:
        raise ParameterError(f"max_windows must be >= 1, not {max_windows}")
    if len(y) == 0:
        raise ParameterError("cannot cut windows from empty audio")
    if len(y) < WINDOW_SAMPLES:
        return np.tile(y, WINDOW_SAMPLES // len(y) + 1)[None, :WINDOW_SAMPLES].astype(np.float32)
    return np.stack([y[s:s + WINDOW_SAMPLES] for s in window_starts(len(y), max_windows)]).astype(np.float32)


def effective_bandwidth_hz(y: np.ndarray, sr: int = SAMPLE_RATE) -> float:
    """Cut-off frequency of the long-term spectrum of ``y``, Hz
    (:func:`verifier.analysis.signals.audio_bandwidth.find_cutoff` on a Welch spectrum,
    :func:`verifier.analysis.dsp.welch`, so that the voice path imports neither librosa nor scipy.signal). ``y`` is one signal, or the
    scored windows [shape=(n, samples)], whose spectra are averaged (no joins between them).
    nan when too short."""
    from scipy import ndimage

    from ..signals.audio_bandwidth import MEDIAN_SMOOTH_HZ, find_cutoff

    y = np.atleast_2d(y)
    if y.shape[1] < WELCH_NPERSEG:
        return float("nan")
    freqs, psd = dsp.welch(y, sr=sr, nperseg=WELCH_NPERSEG, noverlap=WELCH_NPERSEG // 2)
    ltas = 10 * np.log10(np.maximum(psd.mean(axis=0), 1e-20))
    width = max(3, int(round(MEDIAN_SMOOTH_HZ / (freqs[1] - freqs[0]))) | 1)
    return float(find_cutoff(freqs, ndimage.median_filter(ltas, size=width, mode="nearest"))[0])


def aggregate(window_logits: np.ndarray) -> float:
    """Message logit from the windows' logits: their median (one odd window cannot carry it)."""
    return float(np.median(np.asarray(window_logits, float)))


@dataclass(frozen=True)
class VoiceScore:
    """Raw result of the detector on one message."""

    aasist_logit: float  # median over the verdict's windows of logit(spoof) − logit(bona fide); > 0 leans fake
    window_logits: tuple  # per-window logit differences (every scored window, in time order)
    windows: int  # windows scored
    speech_s: float  # seconds of speech (pauses and padding excluded)
    duration_s: float  # seconds after trimming the ends
    window_start_s: tuple = ()  # per-window start in the input, s
    window_end_s: tuple = ()  # per-window end in the input, s
    grid_windows: int = 1  # windows of the full 50 %-overlap grid (the caps pick evenly from it)
    bandwidth_hz: float = float("nan")  # effective bandwidth of the verdict's windows, Hz
    verdict_windows: int = 1  # windows the message logit is the median of (the others: timeline only)


class VoiceDetector:
    """AASIST-L with its calibration, loaded once and reused.

    Parameters
    ----------
    model : verifier.analysis.voice.aasist.AASIST or verifier.analysis.voice.onnx_backend.OnnxAasist
        Network in eval mode: torch, or its ONNX export run by ONNX Runtime (same logits
        within 1e-4, checked at export; :attr:`backend` says which).
    calibration : LogisticCalibration or None
        Platt calibration of ``aasist_logit``; None gives raw scores only (:meth:`score`).
    max_windows : int
        Windows scored per message at most.
    batch_windows : int
        Windows per forward pass.
    preprocessing : Preprocessing
        Level and trimming (the default is the one the calibration was fitted with).
    """

    def __init__(self, model, calibration: LogisticCalibration | None = None, *, max_windows: int = MAX_WINDOWS,
                 batch_windows: int = BATCH_WINDOWS, preprocessing: Preprocessing = DEFAULT_PREPROCESSING):
        if max_windows < 1 or batch_windows < 1:
            raise ParameterError(f"max_windows ({max_windows}) and batch_windows ({batch_windows}) must be >= 1")
        self.model = model.eval()
        self.backend = getattr(model, "backend", "torch")  # "onnx" (OnnxAasist) or "torch"
        self.backend_note = ""  # why torch was used for AASIST-L when the ONNX export was not (from_file)
        self.calibration = calibration
        self.max_windows = max_windows
        self.batch_windows = batch_windows
        self.preprocessing = preprocessing

    @classmethod
    def from_file(cls, weights_path: str | Path | None = None, calibration_path: str | Path | None = CALIBRATION_FILE,
                  *, config: AasistConfig = AASIST_L_CONFIG, max_windows: int = MAX_WINDOWS) -> "VoiceDetector":
        """Load the checked weights (never downloads) and the calibration JSON.

        For AASIST-L without an explicit ``weights_path``, the ONNX export made at set-up
        (:mod:`verifier.analysis.voice.onnx_backend`, registry ``aasist-l-onnx``) is used when present
        and valid; otherwise the torch network (slower: importing torch alone costs 1.2-1.5 s),
        with the reason in :attr:`backend_note`.

        Raises
        ------
        ModelUnavailableError
            Weights missing or with a wrong size/sha256 (``model.missing`` / ``model.corrupt``).
        """
        calibration = LogisticCalibration.from_file(calibration_path) if calibration_path is not None else None
        note = ""
        if config is AASIST_L_CONFIG and weights_path is None:
            from . import onnx_backend

            try:
                return cls(onnx_backend.load(), calibration, max_windows=max_windows)
            except Exception as e:  # noqa: BLE001 missing/corrupt export, no onnxruntime, a session error: torch instead
                note = e.message("en") if isinstance(e, ModelUnavailableError) else f"{type(e).__name__}: {e}"
        from .aasist import load_aasist

        if config is AASIST_L_CONFIG:
            path = find_weights(weights_path)  # size and sha256 of the registry entry "aasist-l"
        elif weights_path is None:
            raise ParameterError("weights_path is required for a config other than AASIST-L")
        else:
            path = Path(weights_path)
        det = cls(load_aasist(path, config), calibration, max_windows=max_windows)
        det.backend_note = note
        return det

    def logits(self, windows: np.ndarray) -> np.ndarray:
        """Network output [shape=(n, 2)]: ``[spoof, bona fide]`` logits per window."""
        if self.backend == "onnx":
            return self.model.logits(windows, self.batch_windows)
        import torch

        from ..threads import apply_torch

        apply_torch()  # this thread's torch intra-op count (the budget), once per thread
        x = torch.from_numpy(np.ascontiguousarray(windows, dtype=np.float32))
        with torch.inference_mode():
            return torch.cat([self.model(b) for b in x.split(self.batch_windows)]).numpy()

    def score(self, y: np.ndarray, sr: int = SAMPLE_RATE, *, timeline_windows: int | None = None) -> VoiceScore | None:
        """Score one message; None when it holds no audible sound.

        The message logit is the median over the detector's :attr:`max_windows` windows;
        ``timeline_windows`` (default: the same; :class:`~verifier.core.params.VoiceParams` validates
        it) evenly spread windows are scored as well for
        the timeline (the union of both sets is scored once)."""
        extra = self.max_windows if timeline_windows is None else timeline_windows  # >= 1: VoiceParams checks it
        y = to_model_rate(check_audio(y, sr), int(sr))
        if len(y) == 0 or float(np.abs(y).max()) < 10 ** (SILENCE_DBFS / 20):
            return None
        speech_s = speech_seconds(y)
        y, offset = _normalise(y, self.preprocessing)
        if len(y) < WINDOW_SAMPLES:
            starts, ends, verdict = np.zeros(1, int), np.array([len(y)]), np.ones(1, bool)
            windows = make_windows(y)
        else:
            own = window_starts(len(y), self.max_windows)
            starts = np.union1d(own, window_starts(len(y), extra)).astype(int)
            verdict = np.isin(starts, own)
            ends = starts + WINDOW_SAMPLES
            windows = np.stack([y[a:a + WINDOW_SAMPLES] for a in starts]).astype(np.float32)
        lg = self.logits(windows)
        diff = lg[:, 0] - lg[:, 1]
        return VoiceScore(aggregate(diff[verdict]), tuple(float(d) for d in diff), len(diff), speech_s, len(y) / SAMPLE_RATE,
                          tuple(float((offset + a) / SAMPLE_RATE) for a in starts),
                          tuple(float((offset + b) / SAMPLE_RATE) for b in ends),
                          grid_windows(len(y)), effective_bandwidth_hz(windows[verdict] if len(y) >= WINDOW_SAMPLES else y),
                          int(verdict.sum()))

    def p_fake(self, aasist_logit) -> float | np.ndarray:
        """Calibrated P(fake) of one logit (float) or of an array of logits (array)."""
        if self.calibration is None:
            raise ParameterError("this VoiceDetector has no calibration")
        x = np.atleast_1d(np.asarray(aasist_logit, float))
        p = self.calibration.predict_proba(x[:, None])
        return float(p[0]) if np.ndim(aasist_logit) == 0 else p

    def measure(self, y: np.ndarray, sr: int = SAMPLE_RATE, speech=None, *,
                timeline_windows: int | None = None, scored=UNSCORED) -> SignalResult:
        """The ``voice`` signal of one message (see :func:`measure_voice`); ``speech`` is the
        analysis' :class:`verifier.analysis.speech.SpeechActivity` (None: the energy measure of :meth:`score`);
        ``timeline_windows`` as in :meth:`score`. ``scored``: what :meth:`score` returned for the
        same ``y``, ``sr`` and ``timeline_windows`` when it already ran (the pipeline runs the
        network beside the speech activity, which it does not depend on)."""
        if len(check_audio(y, sr)) < MIN_SPEECH_S * sr:
            return not_applicable("voice", "voice.too_short", speech_s=round(len(y) / sr, 2), min_speech_s=MIN_SPEECH_S)
        if speech is not None and speech.speech_s == 0:  # noise, hum, music, silence: nothing to score
            return not_applicable("voice", "voice.no_speech", **speech.evidence())
        s = self.score(y, sr, timeline_windows=timeline_windows) if scored is UNSCORED else scored
        if s is None:
            return not_applicable("voice", "voice.no_speech", speech_s=0.0)
        speech_s = s.speech_s if speech is None else speech.speech_s
        if speech_s < MIN_SPEECH_S:
            return not_applicable("voice", "voice.too_short", speech_s=round(speech_s, 2), min_speech_s=MIN_SPEECH_S)
        p = self.p_fake(s.aasist_logit)
        p_win = self.p_fake(np.array(s.window_logits))
        peak = int(np.argmax(p_win))
        reliability = float(np.clip(speech_s / FULL_RELIABILITY_SPEECH_S, 0.0, 1.0)) * (1.0 if speech is None else speech.reliability)
        narrowband = bool(np.isfinite(s.bandwidth_hz) and s.bandwidth_hz < NARROWBAND_MAX_HZ)
        if narrowband:
            reliability *= NARROWBAND_RELIABILITY
        music = bool(speech is not None and speech.music)
        if music:
            reliability *= MUSIC_RELIABILITY
        evidence = {"aasist_logit": round(s.aasist_logit, 4), "windows": s.windows, "grid_windows": s.grid_windows,
                    "verdict_windows": s.verdict_windows,
                    "speech_s": round(speech_s, 2), "p_fake": round(p, 4), "p_fake_pct": round(100 * p),
                    "window_logits": [round(d, 3) for d in s.window_logits],
                    "window_start_s": [round(v, 2) for v in s.window_start_s],
                    "window_end_s": [round(v, 2) for v in s.window_end_s],
                    "window_p_fake": [round(float(v), 4) for v in p_win],
                    # the most machine-like window: with every window scored, a short synthetic
                    # insert between real speech shows here even when the median stays low
                    "peak_window_p_fake_pct": round(100 * float(p_win[peak])),
                    "peak_window_start_s": round(s.window_start_s[peak], 2),
                    "peak_window_end_s": round(s.window_end_s[peak], 2),
                    "bandwidth_hz": None if not np.isfinite(s.bandwidth_hz) else round(s.bandwidth_hz),
                    "narrowband": narrowband, "music": music}
        if speech is not None and np.isfinite(speech.rhythm):
            evidence["rhythm_strength"] = round(speech.rhythm, 3)
        if music:
            key = "voice.music"
        elif narrowband:
            key = "voice.narrowband"
        else:
            key = "voice.synthetic_likely" if p >= P_FAKE_LIKELY else "voice.no_clear_sign"
        return SignalResult("voice", p, reliability, evidence, key)


@load_once
def default_detector() -> VoiceDetector:
    """The AASIST-L detector with the committed calibration, loaded once per process
    (read-only afterwards). Raises ModelUnavailableError when the weights are missing."""
    return VoiceDetector.from_file()


def measure_voice(y: np.ndarray, sr: int = SAMPLE_RATE, detector: VoiceDetector | None = None,
                  speech=None, params: VoiceParams = DEFAULT_VOICE_PARAMS, scored=UNSCORED) -> SignalResult:
    """The ``voice`` signal: calibrated probability that the speech in ``y`` is synthetic.

    Parameters
    ----------
    y : np.ndarray [shape=(n,), dtype=float32]
        Mono waveform in [-1, 1] (``verifier.analysis.media.load_audio``).
    sr : int
        Sample rate of ``y``, Hz (resampled to 16 kHz when different).
    detector : VoiceDetector, optional
        Defaults to :func:`default_detector`.
    speech : verifier.analysis.speech.SpeechActivity, optional
        The analysis' speech activity of ``y`` (computed here when None): its ``speech_s`` is
        the gate and the reliability; no speech at all (noise, music) is ``voice.no_speech``.
    params : VoiceParams
        How many windows to score for the timeline (:data:`MAX_WINDOWS` by default); the
        score is always the median of the detector's own windows.
    scored : VoiceScore or None, optional
        ``detector.score(y, sr, timeline_windows=params.timeline_windows)`` when it already ran.

    Returns
    -------
    SignalResult
        ``score`` = calibrated P(fake); ``reliability`` grows with the seconds of speech
        (1 from one 4 s window on), times :data:`NARROWBAND_RELIABILITY` for narrowband
        speech (explanation ``voice.narrowband``) and for music or singing (``speech.music``,
        :data:`MUSIC_RELIABILITY`, explanation ``voice.music``); evidence ``aasist_logit`` (median spoof −
        bona fide logit over the ``verdict_windows`` windows), ``windows`` (scored, timeline
        included), ``grid_windows`` (of the full 50 %-overlap grid), ``speech_s``, ``p_fake``, the timeline ``window_start_s``,
        ``window_end_s``, ``window_p_fake`` (each window's logit through the same
        calibration), the most machine-like window (``peak_window_p_fake_pct``,
        ``peak_window_start_s``, ``peak_window_end_s``), ``bandwidth_hz`` and ``narrowband``. When the model file is missing, reliability 0
        and explanation ``voice.model_missing``; too little speech gives ``voice.too_short``.

    Raises
    ------
    ParameterError
        ``y`` is not a 1-D float array of finite samples.
    """
    check_audio(y, sr)
    if detector is None:
        try:
            detector = default_detector()
        except ModelUnavailableError as e:
            return unavailable_result("voice", e)
    if speech is None:
        from ..speech import detect_speech

        speech = detect_speech(y, sr)
    return detector.measure(y, sr, speech, timeline_windows=params.timeline_windows, scored=scored)
