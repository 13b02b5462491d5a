"""The ``voice`` signal: is this speech synthetic? Scored by AASIST-L over a few windows.

A message is channel-normalised first (mono 16 kHz, leading/trailing silence and zero
padding trimmed, peak level normalised) so that the sample rate, bit depth, channel count,
padding or level of a file cannot drive the score. Up to :data:`MAX_WINDOWS` windows of
64600 samples (~4 s) spread evenly over the speech are scored in one batch; short speech is
tiled to one window as upstream. The mean of the windows' ``spoof − bona fide`` logit
differences is mapped to a probability of fake by the Platt calibration in
``verifier/assets/voice_calibration.json`` (fitted by ``python -m verifier.evaluate audio``).

The voice score is calibrated AASIST-L alone: fusing it with the side signals of
``verifier.signals.audio`` (logistic regression, paired leave-one-source-out on
``../shared/data/audio``) was below AASIST-L alone in every condition (e.g. published 0.911
with the noise floor, 0.791 with all four, against 0.917), so the side signals explain and
do not enter this score.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..assets import asset_path
from ..errors import ModelUnavailableError, ParameterError
from ..registry import unavailable_result
from ..result import SignalResult, not_applicable
from ..signals.audio_frames import check_audio as check_signal
from .aasist import AASIST_L_CONFIG, WINDOW_SAMPLES, AasistConfig
from .calibration import LogisticCalibration
from .weights import find_weights

SAMPLE_RATE = 16000  # Hz, AASIST input rate
WINDOW_S = WINDOW_SAMPLES / SAMPLE_RATE  # 4.0375 s per window
MAX_WINDOWS = 3  # windows per message: 3 x ~0.3 s on this 2-core CPU keeps a 60 s message under 1.5 s
# Windows per forward pass. Measured on the 2-core development machine: 0.30 s per window one
# at a time, 0.35 s per window in a batch of 3 (the first block's 66 MB activations per window
# stay friendlier to the caches and the allocator). Equal logits either way (eval mode).
BATCH_WINDOWS = 1
TRIM_TOP_DB = 50.0  # dB below the loudest frame counted as padding/silence at the ends (librosa.effects.trim)
SPEECH_TOP_DB = 40.0  # dB below the loudest frame counted as pause when measuring speech duration
SILENCE_DBFS = -60.0  # dBFS: a file whose loudest 32 ms frame is below this holds no speech
FRAME_LENGTH = 512  # samples (32 ms) for trimming and speech duration
HOP_LENGTH = 128  # samples (8 ms)
TARGET_PEAK = 0.9  # full-scale peak after normalisation
MIN_SPEECH_S = 1.0  # s; less speech → "voice.too_short" (reliability 0)
FULL_RELIABILITY_SPEECH_S = WINDOW_S  # s; one full window of speech gives reliability 1
P_FAKE_LIKELY = 0.5  # calibrated probability from which the voice is reported as likely synthetic
CALIBRATION_FILE = asset_path("voice_calibration.json")


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
    if sr == SAMPLE_RATE:
        return y
    from scipy.signal import resample_poly

    g = math.gcd(int(sr), SAMPLE_RATE)
    return resample_poly(y, SAMPLE_RATE // g, int(sr) // g).astype(np.float32)


def frame_rms(y: np.ndarray) -> np.ndarray:
    """RMS of centred frames (:data:`FRAME_LENGTH`, :data:`HOP_LENGTH`, zero padding), as
    ``librosa.feature.rms(y=y, frame_length=512, hop_length=128, center=True)[0]``.

    Written with numpy because the first call of ``librosa.feature`` costs 1.5–2 s at process
    start (lazy imports, numba), which alone would break the 3 s budget of a voice message.
    """
    yp = np.pad(y.astype(np.float32, copy=False), FRAME_LENGTH // 2)
    frames = np.lib.stride_tricks.sliding_window_view(yp, FRAME_LENGTH)[::HOP_LENGTH]
    return np.sqrt(np.mean(np.square(frames, dtype=np.float32), axis=1))


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


def trim(y: np.ndarray, top_db: float = TRIM_TOP_DB) -> np.ndarray:
    """Drop leading and trailing frames more than ``top_db`` below the loudest frame, as
    ``librosa.effects.trim(y, top_db=top_db, frame_length=512, hop_length=128)[0]``."""
    power = np.maximum(frame_rms(y).astype(np.float64) ** 2, 1e-10)
    db = 10 * np.log10(power / power.max())
    loud = np.flatnonzero(db > -top_db)
    if len(loud) == 0:
        return y[:0]
    return y[int(loud[0]) * HOP_LENGTH: min(len(y), (int(loud[-1]) + 1) * HOP_LENGTH)]


def normalise_channel(y: np.ndarray) -> np.ndarray:
    """Trim leading/trailing silence and digital padding (:data:`TRIM_TOP_DB` below the
    loudest frame), remove DC and scale the peak to :data:`TARGET_PEAK`."""
    if len(y) == 0:
        return y
    y = trim(y)
    y = y - y.mean() if len(y) else y
    peak = float(np.abs(y).max()) if len(y) else 0.0
    return (y * (TARGET_PEAK / peak)).astype(np.float32) if peak > 0 else y.astype(np.float32)


def make_windows(y: np.ndarray, max_windows: int = MAX_WINDOWS) -> np.ndarray:
    """Cut ``y`` into ``n ≤ max_windows`` windows of :data:`WINDOW_SAMPLES` spread evenly
    (first starts at 0, last ends at the end; hop = (len − window) / (n − 1)).
    Shorter input is tiled to one window, as the upstream data loader does.

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
    n = int(min(max_windows, math.ceil(len(y) / WINDOW_SAMPLES)))
    starts = np.linspace(0, len(y) - WINDOW_SAMPLES, n).round().astype(int)
    return np.stack([y[s:s + WINDOW_SAMPLES] for s in starts]).astype(np.float32)


@dataclass(frozen=True)
class VoiceScore:
    """Raw result of the detector on one message."""

    aasist_logit: float  # mean over windows of logit(spoof) − logit(bona fide); > 0 leans fake
    window_logits: tuple  # per-window logit differences
    windows: int
    speech_s: float  # seconds of speech (pauses and padding excluded)
    duration_s: float  # seconds after trimming the ends


class VoiceDetector:
    """AASIST-L with its calibration, loaded once and reused.

    Parameters
    ----------
    model : verifier.voice.aasist.AASIST
        Network in eval mode.
    calibration : LogisticCalibration or None
        Platt calibration of ``aasist_logit``; None gives raw scores only (:meth:`score`).
    max_windows : int
        Windows scored per message.
    batch_windows : int
        Windows per forward pass.
    """

    def __init__(self, model, calibration: LogisticCalibration | None = None, *, max_windows: int = MAX_WINDOWS,
                 batch_windows: int = BATCH_WINDOWS):
        if max_windows < 1 or batch_windows < 1:
            raise ParameterError(f"max_windows ({max_windows}) and batch_windows ({batch_windows}) must be >= 1")
        self.model = model.eval()
        self.calibration = calibration
        self.max_windows = max_windows
        self.batch_windows = batch_windows

    @classmethod
    def from_file(cls, weights_path: str | Path | None = None, calibration_path: str | Path | None = CALIBRATION_FILE,
                  *, config: AasistConfig = AASIST_L_CONFIG, max_windows: int = MAX_WINDOWS) -> "VoiceDetector":
        """Load the checked weights (never downloads) and the calibration JSON.

        Raises
        ------
        ModelUnavailableError
            Weights missing or with a wrong size/sha256 (``model.missing`` / ``model.corrupt``).
        """
        from .aasist import load_aasist

        if config is AASIST_L_CONFIG:
            path = find_weights(weights_path)  # size and sha256 of the registry entry "aasist-l"
        elif weights_path is None:
            raise ParameterError("weights_path is required for a config other than AASIST-L")
        else:
            path = Path(weights_path)
        calibration = LogisticCalibration.from_file(calibration_path) if calibration_path is not None else None
        return cls(load_aasist(path, config), calibration, max_windows=max_windows)

    def logits(self, windows: np.ndarray) -> np.ndarray:
        """Network output [shape=(n, 2)]: ``[spoof, bona fide]`` logits per window."""
        import torch

        x = torch.from_numpy(np.ascontiguousarray(windows, dtype=np.float32))
        with torch.inference_mode():
            return torch.cat([self.model(b) for b in x.split(self.batch_windows)]).numpy()

    def score(self, y: np.ndarray, sr: int = SAMPLE_RATE) -> VoiceScore | None:
        """Score one message; None when it holds no audible sound."""
        y = to_model_rate(check_audio(y, sr), int(sr))
        if len(y) == 0 or float(np.abs(y).max()) < 10 ** (SILENCE_DBFS / 20):
            return None
        speech_s = speech_seconds(y)
        y = normalise_channel(y)
        lg = self.logits(make_windows(y, self.max_windows))
        diff = lg[:, 0] - lg[:, 1]
        return VoiceScore(float(diff.mean()), tuple(float(d) for d in diff), len(diff), speech_s, len(y) / SAMPLE_RATE)

    def p_fake(self, aasist_logit: float) -> float:
        if self.calibration is None:
            raise ParameterError("this VoiceDetector has no calibration")
        return float(self.calibration.predict_proba(np.array([[aasist_logit]]))[0])

    def measure(self, y: np.ndarray, sr: int = SAMPLE_RATE) -> SignalResult:
        """The ``voice`` signal of one message (see :func:`measure_voice`)."""
        if len(check_audio(y, sr)) < MIN_SPEECH_S * sr:
            return not_applicable("voice", "voice.too_short", speech_s=round(len(y) / sr, 2), min_speech_s=MIN_SPEECH_S)
        s = self.score(y, sr)
        if s is None:
            return not_applicable("voice", "voice.no_speech", speech_s=0.0)
        if s.speech_s < MIN_SPEECH_S:
            return not_applicable("voice", "voice.too_short", speech_s=round(s.speech_s, 2), min_speech_s=MIN_SPEECH_S)
        p = self.p_fake(s.aasist_logit)
        reliability = float(np.clip(s.speech_s / FULL_RELIABILITY_SPEECH_S, 0.0, 1.0))
        evidence = {"aasist_logit": round(s.aasist_logit, 4), "windows": s.windows, "speech_s": round(s.speech_s, 2),
                    "p_fake": round(p, 4), "p_fake_pct": round(100 * p), "window_logits": [round(d, 3) for d in s.window_logits]}
        key = "voice.synthetic_likely" if p >= P_FAKE_LIKELY else "voice.no_clear_sign"
        return SignalResult("voice", p, reliability, evidence, key)


@lru_cache(maxsize=1)
def default_detector() -> VoiceDetector:
    """The AASIST-L detector with the committed calibration, loaded once per process
    (read-only afterwards). Raises ModelUnavailableError when the weights are missing."""
    return VoiceDetector.from_file()


def measure_voice(y: np.ndarray, sr: int = SAMPLE_RATE, detector: VoiceDetector | None = None) -> SignalResult:
    """The ``voice`` signal: calibrated probability that the speech in ``y`` is synthetic.

    Parameters
    ----------
    y : np.ndarray [shape=(n,), dtype=float32]
        Mono waveform in [-1, 1] (``verifier.media.load_audio``).
    sr : int
        Sample rate of ``y``, Hz (resampled to 16 kHz when different).
    detector : VoiceDetector, optional
        Defaults to :func:`default_detector`.

    Returns
    -------
    SignalResult
        ``score`` = calibrated P(fake); ``reliability`` grows with the seconds of speech
        (1 from one 4 s window on); evidence ``aasist_logit`` (mean spoof − bona fide logit),
        ``windows``, ``speech_s``, ``p_fake``. When the model file is missing or damaged,
        reliability 0 and explanation ``voice.model_missing`` / ``voice.model_corrupt`` (evidence
        ``model``, ``file``, ``command``); too little speech gives ``voice.too_short``.

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
    return detector.measure(y, sr)
