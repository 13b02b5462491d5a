"""Platt calibration stored as JSON, detection metrics and the paired LOSO protocol."""
from __future__ import annotations

import json

import numpy as np
import pytest

from verifier.analysis.voice.calibration import LogisticCalibration
from verifier.analysis.voice.detector import CALIBRATION_FILE
from verifier.core.errors import ParameterError
from verifier.evaluate.metrics import eer, paired_loso, roc_auc


def test_platt_fit_roundtrip_and_improves_brier(rng, tmp_path):
    y = rng.integers(0, 2, 400)
    s = 3.0 * (2 * y - 1) + 2.0 * rng.standard_normal(400) + 5.0  # shifted, overconfident scores
    cal = LogisticCalibration().fit(s, y)
    p = cal.predict_proba(s)
    naive = 1 / (1 + np.exp(-s))
    assert np.mean((p - y) ** 2) < np.mean((naive - y) ** 2)
    assert cal.coef_[0] > 0
    cal.save(tmp_path / "c.json")
    again = LogisticCalibration.from_file(tmp_path / "c.json")
    np.testing.assert_allclose(again.predict_proba(s), p)
    json.loads((tmp_path / "c.json").read_text())  # plain JSON, no pickle


def test_calibration_input_checks():
    with pytest.raises(ParameterError, match="not fitted"):
        LogisticCalibration().predict_proba([0.0])
    with pytest.raises(ParameterError, match="both classes"):
        LogisticCalibration().fit([0.0, 1.0], [1, 1])
    with pytest.raises(ParameterError, match="nan"):
        LogisticCalibration().fit([0.0, np.nan], [0, 1])


def test_committed_calibration_is_increasing_in_the_logit():
    cal = LogisticCalibration.from_file(CALIBRATION_FILE)
    p = cal.predict_proba(np.array([[-5.0], [0.0], [5.0]]))
    assert p[0] < p[1] < p[2]
    assert cal.provenance["manifest_sha256"] and cal.provenance["script"]


def test_auc_and_eer_known_answers():
    y = np.array([0, 0, 1, 1])
    assert roc_auc(y, [0.1, 0.2, 0.8, 0.9]) == 1.0 and eer(y, [0.1, 0.2, 0.8, 0.9]) == 0.0
    assert roc_auc(y, [0.9, 0.8, 0.2, 0.1]) == 0.0 and eer(y, [0.9, 0.8, 0.2, 0.1]) == 1.0
    assert np.isnan(roc_auc([1, 1], [0.1, 0.2]))


def test_paired_loso_holds_out_one_source_of_each_class(rng):
    sources = np.repeat(["f1", "f2", "f3", "r1", "r2"], 10)
    y = np.array([s.startswith("f") for s in sources], int)
    seen = []

    def fit_predict(Xtr, ytr, Xte):
        seen.append(len(Xte))
        assert set(ytr) == {0, 1}
        return Xte[:, 0]

    X = (y + 0.5 * rng.standard_normal(len(y)))[:, None]
    res = paired_loso(X, y, sources, fit_predict)
    assert res["n_pairs"] == 6 and seen == [20] * 6
    assert res["auc_mean"] > 0.8
    noise = paired_loso(rng.standard_normal((len(y), 1)), y, sources, fit_predict)
    assert noise["auc_mean"] < 0.8
