"""The ASVspoof 5 AASIST as a second opinion (issue 14, item 4): loading, registry, the
leave-one-source-out scorers of ``python -m verifier.evaluate second_opinion``."""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from verifier.analysis import registry
from verifier.analysis.voice.aasist import AASIST_CONFIG, AASIST_L_CONFIG, AasistConfig, load_aasist, n_parameters
from verifier.core.errors import ModelUnavailableError
from verifier.evaluate import second_opinion as SO
from verifier.evaluate.metrics import roc_auc

SHARED = Path(os.environ.get("VERIFIER_SHARED") or Path(__file__).resolve().parents[2] / "shared")
A5 = SHARED / "models" / "aasist5"
requires_a5 = pytest.mark.skipif(not (A5 / "AASIST-ASVspoof5.pth").is_file(), reason="../shared/models/aasist5 absent")


def test_registry_entry():
    e = registry.entry("aasist5")
    assert e.file == "AASIST-ASVspoof5.pth" and e.size_bytes == 1275639 and e.extra["parameters"] == 297866
    assert e.licence.startswith("MIT") and e.optional  # evaluation only (docs/voice_second_opinion.md)
    kinds = [s.kind for s in e.sources]
    assert kinds == ["shared", "url"] and e.sources[0].subdir == "aasist5"
    url = e.sources[1].url
    assert url.startswith("https://github.com/asvspoof-challenge/asvspoof5/raw/") and e.extra["commit"] in url


@requires_a5
def test_config_is_the_full_aasist_verified_against_reference_logits():
    # The full-size architecture is checked to 1e-4 against the upstream logits of AASIST.pth
    # (tests/test_voice_model.py); the ASVspoof 5 baseline uses the same model_config.
    assert AasistConfig.from_conf(A5 / "AASIST_ASVspoof5.conf") == AASIST_CONFIG


@requires_a5
def test_weights_load_strictly_into_the_full_architecture_only():
    import torch

    m = load_aasist(A5 / "AASIST-ASVspoof5.pth", AASIST_CONFIG)
    assert n_parameters(m) == 297866
    x = torch.from_numpy(np.random.default_rng(0).standard_normal((2, 64600)).astype(np.float32) * 0.1)
    with torch.inference_mode():
        a, b = m(x), m(x)
    assert a.shape == (2, 2) and torch.isfinite(a).all() and torch.equal(a, b)  # eval mode: deterministic
    with pytest.raises(RuntimeError):
        load_aasist(A5 / "AASIST-ASVspoof5.pth", AASIST_L_CONFIG)


def test_missing_model_gives_the_registry_message(tmp_path, monkeypatch):
    monkeypatch.setenv("VERIFIER_MODELS_DIR", str(tmp_path))
    with pytest.raises(ModelUnavailableError) as e:
        registry.model_path("aasist5")
    assert e.value.key == "model.missing"
    assert e.value.params["command"] == "verifier models install aasist5"
    assert e.value.params["file"] == "AASIST-ASVspoof5.pth"


@requires_a5
def test_install_from_shared_copies_and_checks(tmp_path, monkeypatch):
    monkeypatch.setenv("VERIFIER_MODELS_DIR", str(tmp_path))
    registry.install_one("aasist5", from_dir=A5, allow_download=False)
    assert registry.model_path("aasist5") == tmp_path / "AASIST-ASVspoof5.pth"


# ---------------------------------------------------------------------------------------------
# Scorers and metrics (synthetic data)


def _two_model_data(rng, n=200):
    """Model 1 (column 0) is noise; model 2 (column 1, on another scale) separates the classes."""
    y = np.repeat([0, 1], n // 2)
    X = np.column_stack([rng.standard_normal(n), -15 + 3 * y + 0.5 * rng.standard_normal(n)])
    return X, y


def test_stacking_learns_which_model_separates(rng):
    X, y = _two_model_data(rng)
    Xte, yte = _two_model_data(np.random.default_rng(1))
    p = SO.fit_predict_stacking(X, y, Xte)
    assert p.shape == (len(yte),) and ((p >= 0) & (p <= 1)).all()
    assert roc_auc(yte, p) > 0.95
    assert roc_auc(yte, SO.SCORERS["a_aasist_l"](X, y, Xte)) < 0.7  # the noise model alone
    assert roc_auc(yte, SO.SCORERS["b_aasist5"](X, y, Xte)) > 0.95


def test_zmean_and_rankmean_put_models_on_one_scale(rng):
    X, y = _two_model_data(rng)
    Xte = np.array([[0.0, -15.0], [0.0, -12.0]])
    z = SO.fit_predict_zmean(X, y, Xte)
    r = SO.fit_predict_rankmean(X, y, Xte)
    assert z[1] > z[0] and r[1] > r[0]
    assert ((r >= 0) & (r <= 1)).all()
    # a test row above every training row of both models has rank mean 1
    assert SO.fit_predict_rankmean(X, y, np.array([[99.0, 99.0]]))[0] == 1.0


def test_out_of_source_never_trains_on_the_scored_source():
    X = np.arange(12, dtype=float).reshape(6, 2)
    y = np.array([0, 0, 1, 1, 0, 1])
    src = np.array(["r1", "r1", "f1", "f1", "r2", "f2"])
    seen = []

    def fp(Xtr, ytr, Xte):
        seen.append((set(map(tuple, Xtr)), set(map(tuple, Xte))))
        return Xte[:, 0]

    out = SO.out_of_source(X, y, src, fp)
    assert np.array_equal(out, X[:, 0]) and len(seen) == 4
    for train, test in seen:
        assert not train & test


def test_tpr_at_fpr():
    y = np.array([0] * 20 + [1] * 4)
    s = np.concatenate([np.arange(20), [18.5, 19.5, 25, -1]])
    # 5 % of 20 reals = 1 real may lie above: threshold 18 → fakes above 18: 18.5, 19.5, 25
    assert SO.tpr_at_fpr(y, s, 0.05) == 0.75
    assert SO.tpr_at_fpr(y, s, 0.0) == 0.5  # threshold 19
    assert np.isnan(SO.tpr_at_fpr(np.ones(3), np.arange(3)))


def test_summarise_and_render(rng):
    recs = []
    for so, lab, lang in (("real/a", 0, "en"), ("real/b", 0, "vi"), ("real/c", 0, "vi"),
                          ("fake/d", 1, "en"), ("fake/e", 1, "vi"), ("fake/f", 1, "vi")):
        for i in range(5):
            recs.append({"source": so, "y": lab, "language": lang, "path": f"{so}/{i}.wav", "condition": "published",
                         "aasist_l": float(rng.standard_normal()), "aasist5": -15 + 4 * lab + float(rng.standard_normal()),
                         "aasist_l_s_per_window": 0.3, "aasist5_s_per_window": 1.0})
    res = SO.summarise(recs)
    assert res["n"] == 30 and res["n_fake"] == 15
    assert res["models"]["aasist5"]["auc"] > 0.95
    assert res["loso"]["b_aasist5"]["n_pairs"] == 9 and res["loso"]["b_aasist5"]["n_pairs_vi"] == 4
    assert res["loso"]["b_aasist5"]["paired_auc_mean"] > 0.95 > res["loso"]["a_aasist_l"]["paired_auc_mean"]
    assert res["per_source"]["fake/e"]["aasist5"]["min"] <= res["per_source"]["fake/e"]["aasist5"]["median"]
    md = SO.render({"published": res})
    assert "| c_stacking |" in md and "| fake/f | fake | vi | 5 |" in md


def test_cli_resummarises_saved_records(rng, tmp_path, capsys):
    import json

    recs = [{"source": so, "y": lab, "language": "vi", "path": f"{so}/{i}.wav", "condition": "published",
             "aasist_l": 3.0 * lab + float(rng.standard_normal()), "aasist5": float(rng.standard_normal()),
             "aasist_l_s_per_window": 0.3, "aasist5_s_per_window": 1.0}
            for so, lab in (("real/a", 0), ("real/b", 0), ("fake/c", 1), ("fake/d", 1)) for i in range(4)]
    (tmp_path / "r.json").write_text(json.dumps({"records": recs}))
    from verifier.evaluate.__main__ import main

    assert main(["second_opinion", str(tmp_path), "--from-json", str(tmp_path / "r.json"),
                 "--markdown", str(tmp_path / "t.md")]) == 0
    md = (tmp_path / "t.md").read_text()
    assert md in capsys.readouterr().out and "### published: 16 files (8 fake)" in md
    row = next(line for line in md.splitlines() if line.startswith("| a_aasist_l |"))
    assert float(row.split("|")[2]) > 0.9  # paired AUC mean of the separating model
