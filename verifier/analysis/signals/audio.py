"""The explainable audio side signals, run together.

They explain what a voice message sounds like (pauses, channel, breathing, intonation); the
learned detector in ``verifier.analysis.voice`` decides. Each is a pure function of ``(y, sr)`` and the
one segmentation made here from the analysis' speech activity (``verifier.analysis.speech``).
"""
from __future__ import annotations

import numpy as np

from ...core.result import SignalResult
from ..speech import SpeechActivity, detect_speech
from .audio_bandwidth import measure_bandwidth
from .audio_breath import measure_breath
from .audio_frames import check_audio, segment_speech
from .audio_noise import measure_noise_floor
from .audio_prosody import measure_prosody

SIDE_SIGNALS = (measure_noise_floor, measure_bandwidth, measure_breath, measure_prosody)
SIDE_SIGNAL_KEYS = ("noise_floor", "bandwidth", "breath", "prosody")


def measure_audio_signals(y: np.ndarray, sr: int, speech: SpeechActivity | None = None) -> list[SignalResult]:
    """All side signals of a voice message, in the order of :data:`SIDE_SIGNAL_KEYS`.

    Parameters
    ----------
    y : np.ndarray [shape=(n,)], float
        Mono audio in [-1, 1], finite; 16 kHz expected (``verifier.analysis.media.load_audio``).
    sr : int
        Sample rate, Hz.
    speech : verifier.analysis.speech.SpeechActivity, optional
        The analysis' speech activity of ``y`` (computed here when None). The clip is segmented
        once with it and that segmentation is passed to every side signal.

    Returns
    -------
    list of SignalResult
        A signal that has nothing to measure (silence, no pauses, too short) has
        reliability 0 and an explanation key saying why.

    Raises
    ------
    ParameterError
        ``y`` is not a finite 1-D float array or ``sr`` is not a valid rate.
    """
    y = check_audio(y, sr)
    if speech is None:
        speech = detect_speech(y, sr)
    seg = segment_speech(y, sr, speech)
    return [f(y=y, sr=sr, seg=seg) for f in SIDE_SIGNALS]
