"""The result type shared by every signal."""
from __future__ import annotations

import math
from dataclasses import dataclass, field


@dataclass(frozen=True)
class SignalResult:
    """What one signal measured on one clip.

    Attributes
    ----------
    key : str
        Signal name, also the JSON name and the i18n prefix: "blink", "lipsync", "voice"…
    score : float
        Evidence of manipulation in [0, 1] (higher = more likely fake); ``nan`` when the
        signal could not be measured.
    reliability : float
        How much the score can be trusted, in [0, 1] (coverage, duration, SNR…).
        0 means fusion ignores the signal.
    evidence : dict
        The measured numbers, with units in their keys (``blinks_per_min``, ``offset_ms``).
        Values are floats, ints, bools, strings or short lists; never numpy types.
    explanation : str
        i18n key of the sentence explaining the result, e.g. ``"blink.too_few"``.
    series : dict
        Optional time series for plots (not part of the JSON contract), e.g.
        ``{"t_s": [...], "ear": [...]}``.
    """

    key: str
    score: float
    reliability: float
    evidence: dict = field(default_factory=dict)
    explanation: str = ""
    series: dict = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self):
        if not (math.isnan(self.score) or 0.0 <= self.score <= 1.0):
            raise ValueError(f"{self.key}: score {self.score} outside [0, 1]")
        if not 0.0 <= self.reliability <= 1.0:
            raise ValueError(f"{self.key}: reliability {self.reliability} outside [0, 1]")

    @property
    def usable(self) -> bool:
        return self.reliability > 0 and not math.isnan(self.score)

    def to_dict(self) -> dict:
        return {
            "score": None if math.isnan(self.score) else round(float(self.score), 4),
            "reliability": round(float(self.reliability), 4),
            "evidence": _jsonable(self.evidence),
            "explanation": self.explanation,
        }


def not_applicable(key: str, explanation: str, **evidence) -> SignalResult:
    """A signal that could not be measured on this clip (reliability 0, score nan)."""
    return SignalResult(key, float("nan"), 0.0, evidence, explanation)


def _jsonable(value):
    import numpy as np

    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return [_jsonable(v) for v in value.tolist()]
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        v = float(value)
        return None if math.isnan(v) or math.isinf(v) else round(v, 6)
    return value
