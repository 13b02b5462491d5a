"""Fusing signals into one risk and a level.

Each usable signal contributes its log-odds, scaled by its weight and its reliability (a
tempered naive-Bayes sum). The weights and thresholds are data in ``verifier/assets/fusion.json``
with a note of how they were set; this module holds only the arithmetic.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

from .assets import asset_path
from .errors import ParameterError
from .levels import HIGH, INCONCLUSIVE, LOW, MEDIUM
from .result import SignalResult

DEFAULT_FUSION_FILE = asset_path("fusion.json")
SCORE_CLIP = 1e-3  # scores are clipped to [SCORE_CLIP, 1 − SCORE_CLIP] before the logit


def _logit(p: float) -> float:
    p = min(max(p, SCORE_CLIP), 1 - SCORE_CLIP)
    return math.log(p / (1 - p))


@dataclass(frozen=True)
class Fusion:
    """Weighted log-odds fusion, with its parameters (frozen: build another to try others).

    Parameters
    ----------
    weights : dict
        Signal name → weight (signals not listed get ``default_weight``).
    bias : float
        Log-odds added to the sum (prior).
    low_below, high_from : float
        Risk thresholds of the levels: risk < low_below → "low", ≥ high_from → "high".
    min_evidence : float
        Minimum Σ weight × reliability of usable signals for a verdict; less → "inconclusive".
    """

    weights: dict = field(default_factory=dict)
    default_weight: float = 0.2  # as the committed verifier/assets/fusion.json (tests/test_params.py checks)
    bias: float = 0.0
    low_below: float = 0.45
    high_from: float = 0.7
    min_evidence: float = 0.25
    provenance: dict = field(default_factory=dict)

    def __post_init__(self):
        if not 0 < self.low_below <= self.high_from < 1:
            raise ParameterError(f"need 0 < low_below ({self.low_below}) <= high_from ({self.high_from}) < 1")
        if self.min_evidence < 0:
            raise ParameterError("min_evidence must be >= 0")

    @classmethod
    def from_file(cls, path: str | Path = DEFAULT_FUSION_FILE) -> "Fusion":
        with open(path, encoding="utf-8") as f:
            d = json.load(f)
        return cls(**{k: d[k] for k in ("weights", "default_weight", "bias", "low_below", "high_from",
                                         "min_evidence", "provenance") if k in d})

    def weight(self, key: str) -> float:
        return float(self.weights.get(key, self.default_weight))

    def evidence_mass(self, signals) -> float:
        """Σ weight × reliability over usable signals."""
        return float(sum(self.weight(s.key) * s.reliability for s in signals if s.usable))

    def predict_proba(self, signals) -> float:
        """Fused risk in [0, 1] (nan when no signal is usable)."""
        usable = [s for s in signals if s.usable]
        if not usable:
            return float("nan")
        z = self.bias + sum(self.weight(s.key) * s.reliability * _logit(s.score) for s in usable)
        return float(1 / (1 + math.exp(-z)))

    def level(self, risk: float, signals) -> str:
        """One of :data:`verifier.core.levels.LEVELS`."""
        if not math.isfinite(risk) or self.evidence_mass(signals) < self.min_evidence:
            return INCONCLUSIVE
        if risk >= self.high_from:
            return HIGH
        if risk < self.low_below:
            return LOW
        return MEDIUM

    def decide(self, signals: list[SignalResult]) -> tuple[float | None, str]:
        risk = self.predict_proba(signals)
        level = self.level(risk, signals)
        return (None if level == INCONCLUSIVE else risk), level
