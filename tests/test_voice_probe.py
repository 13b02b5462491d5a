"""CPU linear probe on the frozen AASIST-L (training/voice/probe_cache.py, probe.py)."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from test_voice_finetune import _meta

from training.voice.families import FAMILIES, FINAL, split
from training.voice.pool import WINDOW_SAMPLES
from training.voice.probe import LinearProbe, ProbeConfig, balanced_weights, item_scores, run_fold
from training.voice.probe_cache import CacheConfig, add_rounds, aug_window, build_cache, window_features


def test_aug_window_is_seeded_and_per_item():
    clip = (np.random.default_rng(0).uniform(-0.3, 0.3, WINDOW_SAMPLES + 5000) * 32767).astype(np.int16)
    a = aug_window(clip, item=3, k=1, seed=0)
    assert a.shape == (WINDOW_SAMPLES,) and a.dtype == np.float32 and np.isfinite(a).all() and np.abs(a).max() <= 1
    np.testing.assert_array_equal(a, aug_window(clip, item=3, k=1, seed=0))
    assert not np.array_equal(a, aug_window(clip, item=3, k=2, seed=0))
    assert not np.array_equal(a, aug_window(clip, item=4, k=1, seed=0))
    short = aug_window(clip[:1000], item=0, k=1)  # shorter than a window: wrapped to one window
    assert short.shape == (WINDOW_SAMPLES,) and np.isfinite(short).all()


class _TinyNet(torch.nn.Module):
    """A stand-in with AASIST's interface (windows → 2 logits through ``out_layer``), fast on CPU."""

    def __init__(self):
        super().__init__()
        self.hidden = torch.nn.Linear(16, 6)
        self.out_layer = torch.nn.Linear(6, 2)

    def forward(self, x):
        chunks = x.reshape(x.shape[0], 17, -1)[:, :16]  # 64600 = 17 × 3800
        return self.out_layer(torch.tanh(self.hidden(chunks.abs().mean(dim=2) * 10)))


def test_cache_is_deterministic_and_matches_the_network():
    torch.manual_seed(0)
    model = _TinyNet().eval()
    rng = np.random.default_rng(1)
    clips = [(rng.uniform(-0.2, 0.2, n) * 32767).astype(np.int16) for n in (20000, WINDOW_SAMPLES + 300)]
    offsets = np.concatenate([[0], np.cumsum([len(c) for c in clips])])
    samples = np.concatenate(clips)
    meta = [{"eval_starts": [0]}, {"eval_starts": [0, 300]}]
    cfg = CacheConfig(n_aug=1, seed=0, batch=2)
    a = build_cache(model, samples, offsets, meta, cfg, log=lambda m: None)
    b = build_cache(model, samples, offsets, meta, CacheConfig(n_aug=1, seed=0, batch=5), log=lambda m: None)
    assert a["item"].tolist() == [0, 1, 1, 0, 1] and a["kind"].tolist() == [0, 0, 0, 1, 1] and a["n_aug_done"] == 1
    for k in ("feat", "logit"):
        np.testing.assert_allclose(a[k], b[k], rtol=1e-6, atol=1e-6)  # batching does not change a window's values
    assert a["feat"].shape == (5, 6)
    assert not np.allclose(a["feat"][3], a["feat"][0])  # the augmented window is not the runtime window
    # the cached logit difference is the network's own output on that window
    x = samples[offsets[1] + 300:offsets[1] + 300 + WINDOW_SAMPLES].astype(np.float32)[None] / 32767.0
    with torch.inference_mode():
        lg = model(torch.from_numpy(x))
    assert a["logit"][2] == pytest.approx(float(lg[0, 0] - lg[0, 1]), abs=1e-5)
    # a deadline already passed keeps the runtime windows and skips the augmented rounds
    c = build_cache(model, samples, offsets, meta, cfg, deadline=0.0, log=lambda m: None)
    assert c["n_aug_done"] == 0 and c["kind"].tolist() == [0, 0, 0]
    # rounds added later (--extend) are the rounds a single run would have made
    more = add_rounds(model, samples, offsets, c, cfg, items=[0, 1], seconds_per_window=0.0, log=lambda m: None)
    assert more["n_aug_done"] == 1 and more["kind"].tolist() == a["kind"].tolist()
    np.testing.assert_allclose(more["feat"], a["feat"], rtol=1e-6, atol=1e-6)


def test_readout_is_the_input_of_aasist_output_layer():
    from verifier.analysis.voice.aasist import AASIST

    torch.manual_seed(0)
    torch.set_num_threads(1)
    model = AASIST().eval()  # random weights: the hook's placement, not the published network
    x = np.random.default_rng(2).uniform(-0.1, 0.1, (1, 16000)).astype(np.float32)  # any length goes through
    f, d = window_features(model, x)
    assert f.shape == (1, model.out_layer.in_features)
    with torch.inference_mode():
        out = model.out_layer(torch.from_numpy(f))
        lg = model(torch.from_numpy(x))
    assert float(out[0, 0] - out[0, 1]) == pytest.approx(float(d[0]), abs=1e-4)
    assert float(lg[0, 0] - lg[0, 1]) == pytest.approx(float(d[0]), abs=1e-4)


def _separable(n_per_group=30, d=12, shift=1.5, seed=0):
    rng = np.random.default_rng(seed)
    X, y, g = [], [], []
    for k, (lab, grp) in enumerate([(1, "fa"), (1, "fb"), (1, "fc"), (0, "ra"), (0, "rb"), (0, "rc")]):
        c = rng.normal(0, 1, d) * 0.5
        c[0] += shift if lab else -shift
        X.append(c + rng.normal(0, 1, (n_per_group * (k + 1), d)))  # unequal group sizes
        y += [lab] * n_per_group * (k + 1)
        g += [grp] * n_per_group * (k + 1)
    return np.concatenate(X), np.array(y), np.array(g)


def test_balanced_weights_equalise_classes_and_groups():
    _, y, g = _separable()
    w = balanced_weights(y, g)
    assert w[y == 1].sum() == pytest.approx(len(y) / 2) and w[y == 0].sum() == pytest.approx(len(y) / 2)
    assert w[g == "fa"].sum() == pytest.approx(w[g == "fc"].sum())


def test_linear_probe_fits_and_predicts_a_tiny_synthetic_set():
    from sklearn.metrics import roc_auc_score

    X, y, g = _separable()
    Xt, yt, _ = _separable(seed=1)
    head = LinearProbe(Cs=(0.001, 0.1, 10.0), inner_splits=3).fit(X, y, g)
    assert head.C_ in (0.001, 0.1, 10.0) and set(head.cv_auc_) == {0.001, 0.1, 10.0}
    s = head.decision_function(Xt)
    assert roc_auc_score(yt, s) > 0.9
    assert head.coef_[0] > 0  # the fake-shifted dimension raises the log-odds of fake
    p = head.predict_proba(Xt)
    assert p.shape == (len(Xt), 2) and np.allclose(p.sum(axis=1), 1)
    assert ((p[:, 1] > 0.5).astype(int) == head.predict(Xt)).all()
    d = head.to_dict()
    again = (((Xt - np.array(d["mean"])) / np.array(d["scale"])) @ np.array(d["coef"])) + d["intercept"]
    np.testing.assert_allclose(again, s)
    with pytest.raises(ValueError):
        LinearProbe().fit(X[y == 1], y[y == 1], g[y == 1])


def test_item_scores_are_the_median_over_windows():
    assert item_scores([1.0, 5.0, 2.0, -3.0], [7, 7, 7, 2], [2, 7]).tolist() == [-3.0, 2.0]


@pytest.mark.parametrize("fold", ["commercial_vi", "world", FINAL])
def test_run_fold_scores_exactly_the_split_items(fold):
    meta = _meta()
    for m in meta:
        m.setdefault("language", "")
    rng = np.random.default_rng(0)
    item = np.repeat(np.arange(len(meta)), 3)
    kind = np.tile([0, 0, 1], len(meta)).astype(np.int16)
    lab = np.array([meta[i]["label"] == "fake" for i in item], float)
    feat = rng.normal(0, 1, (len(item), 8)) + lab[:, None] * 1.0
    cache = {"feat": feat, "logit": rng.normal(0, 1, len(item)) + lab, "item": item, "kind": kind}
    res, head = run_fold(cache, meta, fold, ProbeConfig(Cs=(0.01, 1.0), inner_splits=3))
    train, ev_fake, ev_real = split(meta, fold)
    assert [it["id"] for it in res["items"]] == [meta[i]["id"] for i in ev_fake + ev_real]
    assert res["train"]["windows"] == 3 * len(train) and res["train_items"] == len(train)
    assert res["calibration_ft"] is not None and res["calibration_pre"] is not None
    if fold != FINAL:
        from training.voice.logo import fold_figures

        fig = fold_figures(res, {"high_from": 0.7, "calibration": res["calibration_pre"]})
        assert fig["auc_ft"] is not None and fig["n_fake"] > 0
    assert fold == FINAL or fold in FAMILIES


def test_report_renders_a_probe_run_in_its_own_section(tmp_path):
    import json

    from training.voice.logo import summarise
    from training.voice.report import write_report

    meta = _meta()
    for m in meta:
        m.setdefault("language", "")
    rng = np.random.default_rng(0)
    item = np.repeat(np.arange(len(meta)), 2)
    lab = np.array([meta[i]["label"] == "fake" for i in item], float)
    cache = {"feat": rng.normal(0, 1, (len(item), 6)) + lab[:, None], "logit": rng.normal(0, 1, len(item)),
             "item": item, "kind": np.tile([0, 1], len(meta)).astype(np.int16)}
    cfg = ProbeConfig(Cs=(0.1,), inner_splits=3)
    folds = {f: run_fold(cache, meta, f, cfg)[0] for f in ("commercial_vi", "world")}
    rule = {"high_from": 0.7, "calibration": folds["world"]["calibration_pre"]}
    doc = {"config": {"head": "linear_probe", "seed": 0, "probe": cfg.to_dict(), "n_aug_done": 1, "cache_wall_s": 1.0},
           "runtime_rule": rule, "errors": {}, "folds": folds, "summary": summarise(folds, rule), "wall_s": 1.0}
    (tmp_path / "logo.json").write_text(json.dumps(doc))
    readme = tmp_path / "README.md"
    readme.write_text("x\n<!-- logo:begin -->\nGPU\n<!-- logo:end -->\n<!-- probe:begin -->\nPREVIOUS-TABLE\n<!-- probe:end -->\n")
    write_report(str(tmp_path / "logo.json"), str(readme))
    md = readme.read_text()
    assert "<!-- logo:begin -->\nGPU\n<!-- logo:end -->" in md and "PREVIOUS-TABLE" not in md
    probe_part = md.split("<!-- probe:begin -->")[1]
    assert "AUC head" in probe_part and "| commercial_vi | yes |" in probe_part and "| world |" in probe_part
    assert "all folds present: no" in probe_part  # two folds of fourteen: never a decision to keep
