"""Logistic calibration of detector scores to probabilities, stored as JSON (no pickle).

With one feature (the aggregated AASIST logit) this is Platt scaling (Platt, "Probabilistic
outputs for support vector machines", 1999): ``p = 1 / (1 + exp(-(a·s + b)))``. With
several features it is a logistic-regression fusion. Features are standardised with the
training mean and scale; the fitted numbers end in ``_`` (scikit-learn convention).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ...core.errors import ParameterError

DEFAULT_C = 1.0  # inverse L2 strength of LogisticRegression on standardised features (sklearn default)


@dataclass
class LogisticCalibration:
    """``p_fake = sigmoid(coef_ · (x − mean_) / scale_ + intercept_)``.

    Parameters
    ----------
    features : tuple of str
        Names of the input columns, in order (e.g. ``("aasist_logit",)``).
    C : float
        Inverse regularisation strength (scikit-learn ``LogisticRegression``).
    """

    features: tuple = ("aasist_logit",)
    C: float = DEFAULT_C
    mean_: np.ndarray | None = None
    scale_: np.ndarray | None = None
    coef_: np.ndarray | None = None
    intercept_: float | None = None
    provenance: dict = field(default_factory=dict)

    def fit(self, X, y) -> "LogisticCalibration":
        """Fit on ``X`` [shape=(n, n_features)] and labels ``y`` (1 = fake, 0 = real)."""
        from sklearn.linear_model import LogisticRegression

        X, y = self._check_X(X), np.asarray(y).astype(int).ravel()
        if len(y) != len(X) or set(np.unique(y)) != {0, 1}:
            raise ParameterError("y must hold one label (0 real, 1 fake) per row of X, both classes present")
        self.mean_ = X.mean(axis=0)
        self.scale_ = np.where(X.std(axis=0) > 0, X.std(axis=0), 1.0)
        lr = LogisticRegression(C=self.C, max_iter=1000).fit((X - self.mean_) / self.scale_, y)
        self.coef_, self.intercept_ = lr.coef_.ravel().astype(float), float(lr.intercept_[0])
        return self

    def decision_function(self, X) -> np.ndarray:
        if self.coef_ is None:
            raise ParameterError("LogisticCalibration is not fitted: call fit() or from_file()")
        return ((self._check_X(X) - self.mean_) / self.scale_) @ self.coef_ + self.intercept_

    def predict_proba(self, X) -> np.ndarray:
        """Probability of fake, [shape=(n,)] in [0, 1]."""
        return 1.0 / (1.0 + np.exp(-self.decision_function(X)))

    def _check_X(self, X) -> np.ndarray:
        X = np.asarray(X, dtype=float)
        if X.ndim == 1 and len(self.features) == 1:
            X = X[:, None]
        if X.ndim != 2 or X.shape[1] != len(self.features):
            raise ParameterError(f"X must have shape (n, {len(self.features)}) for features {self.features}, got {X.shape}")
        if not np.isfinite(X).all():
            raise ParameterError("X holds nan or inf")
        return X

    def to_dict(self) -> dict:
        if self.coef_ is None:
            raise ParameterError("cannot save an unfitted LogisticCalibration")
        return {"features": list(self.features), "C": self.C, "mean": self.mean_.tolist(),
                "scale": self.scale_.tolist(), "coef": self.coef_.tolist(), "intercept": self.intercept_,
                "provenance": self.provenance}

    def save(self, path: str | Path) -> None:
        with open(path, "w", encoding="utf-8") as f:
            json.dump(self.to_dict(), f, indent=2, ensure_ascii=False)
            f.write("\n")

    @classmethod
    def from_dict(cls, d: dict) -> "LogisticCalibration":
        return cls(features=tuple(d["features"]), C=float(d["C"]), mean_=np.asarray(d["mean"], float),
                   scale_=np.asarray(d["scale"], float), coef_=np.asarray(d["coef"], float),
                   intercept_=float(d["intercept"]), provenance=d.get("provenance", {}))

    @classmethod
    def from_file(cls, path: str | Path) -> "LogisticCalibration":
        with open(path, encoding="utf-8") as f:
            return cls.from_dict(json.load(f))
