"""Issue 22, variant 3: the back-end cache and run from the ASVspoof 5 AASIST (training/voice/backend_cache.py)."""
from __future__ import annotations

import json
import os

import numpy as np
import pytest
import torch
from test_voice_backend import _clips

from training.voice.backend import window_logits
from training.voice.backend_cache import (
    AASIST5_CONF,
    AASIST5_WEIGHTS,
    N_SPECTRAL,
    N_TEMPORAL,
    build_resumable,
    encoder_features,
    node_shape,
    split_nodes,
)
from training.voice.pool import WINDOW_SAMPLES
from training.voice.probe_cache import CacheConfig, build_cache
from verifier.analysis.voice.aasist import AASIST, AasistConfig


@pytest.fixture(scope="module")
def full_net():
    """The full AASIST architecture (upstream config/AASIST.conf, that of the ASVspoof 5 baseline), seeded random weights."""
    from verifier.analysis.voice.aasist import AASIST_CONFIG

    torch.manual_seed(0)
    torch.set_num_threads(1)
    return AASIST(AASIST_CONFIG).eval()


def test_resumable_cache_is_build_cache_and_resumes(full_net, tmp_path):
    samples, offsets, meta = _clips()
    for i, m in enumerate(meta):
        m["id"] = f"x{i}"
    ref = build_cache(full_net, samples, offsets, meta, CacheConfig(n_aug=1, batch=2), log=lambda m: None,
                      features=encoder_features)
    assert node_shape(full_net) == (N_SPECTRAL, N_TEMPORAL, 64)
    assert ref["feat"].shape == (5, (N_SPECTRAL + N_TEMPORAL) * 64)
    cfg = CacheConfig(n_aug=1, batch=2)
    info = {"ids": [m["id"] for m in meta], "model": {"name": "test"}}
    path = str(tmp_path / "backend_cache.npz")
    # stopped at once by its cap after one batch, then continued by a second call
    calls = []

    def feats(model, x):
        calls.append(len(x))
        return encoder_features(model, x)

    assert build_resumable(full_net, samples, offsets, meta, cfg, path, deadline=0.0, info=info, log=lambda m: None) is False
    assert os.path.exists(path[:-4] + ".partial.json") and not os.path.exists(path)
    # a partial made of the first batch only, then resumed
    z = build_cache(full_net, samples, offsets, meta, CacheConfig(n_aug=0, batch=2), log=lambda m: None,
                    features=encoder_features)
    np.savez(path[:-4] + ".partial.npz", feat=z["feat"][:2], logit=z["logit"][:2])
    p = json.loads(open(path[:-4] + ".partial.json").read())
    p["done"] = 2
    open(path[:-4] + ".partial.json", "w").write(json.dumps(p))
    assert build_resumable(full_net, samples, offsets, meta, cfg, path, deadline=1e12, info=info, features=feats,
                           log=lambda m: None) is True
    assert calls == [1, 2]  # the last runtime window, then the augmented round: nothing done twice
    assert not os.path.exists(path[:-4] + ".partial.json")
    c = np.load(path)
    assert c["item"].tolist() == ref["item"].tolist() and c["kind"].tolist() == ref["kind"].tolist()
    np.testing.assert_allclose(c["feat"], ref["feat"], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(c["logit"], ref["logit"], atol=1e-5)
    # the back-end on the cached 64-channel nodes is the full network
    S, T = split_nodes(torch.from_numpy(c["feat"]), 64)
    np.testing.assert_allclose(window_logits(full_net, S, T), ref["logit"], atol=1e-4)
    assert json.loads(open(path[:-4] + ".json").read())["n_aug_done"] == 1


@pytest.mark.skipif(not (os.path.exists(AASIST5_WEIGHTS) and os.path.exists(AASIST5_CONF)),
                    reason="../shared/models/aasist5 absent")
def test_aasist5_node_shapes_from_its_conf():
    from training.voice.backend_cache import load_start_model

    model, info = load_start_model("aasist5", pool="")
    conf = AasistConfig.from_conf(AASIST5_CONF)
    assert model.config == conf and info["sha256"] and tuple(info["model_config"]["gat_dims"]) == (64, 32)
    rng = np.random.default_rng(0)
    x = rng.uniform(-0.1, 0.1, (1, WINDOW_SAMPLES)).astype(np.float32)
    feat, logit = encoder_features(model, x)
    nc = conf.filts[-1][-1]
    assert feat.shape == (1, (N_SPECTRAL + N_TEMPORAL) * nc)
    with torch.inference_mode():
        lg = model(torch.from_numpy(x))
    assert logit[0] == pytest.approx(float(lg[0, 0] - lg[0, 1]), abs=1e-4)
    S, T = split_nodes(torch.from_numpy(feat), nc)
    assert window_logits(model, S, T)[0] == pytest.approx(logit[0], abs=1e-4)


def test_backend_logo_baseline_cache_and_resume(tmp_path):
    """``backend-logo --baseline-cache``: the 'pretrained' column is the baseline cache's; ``--resume-dir``
    keeps finished folds and a second call skips them, giving the same logo.json."""
    from test_voice_backend import _lang, _meta, _synthetic_cache

    from training.voice.__main__ import main

    torch.manual_seed(0)
    net = AASIST().eval()
    meta = _lang(_meta())
    cache, _, _ = _synthetic_cache(net, meta)
    pool = tmp_path / "pool"
    pool.mkdir()
    (pool / "pool.json").write_text(json.dumps({"info": {}, "items": meta}))
    torch.save(net.state_dict(), pool / "AASIST-L.pth")
    info = {"ids": [m["id"] for m in meta], "config": {"n_aug": 1}, "n_aug_done": 1, "wall_s": 1.0}
    np.savez(pool / "backend_cache.npz", **cache)
    (pool / "backend_cache.json").write_text(json.dumps(info))
    base = dict(cache, logit=np.linspace(-3, 3, len(cache["logit"])).astype(np.float32))
    np.savez(pool / "base_cache.npz", **base)
    (pool / "base_cache.json").write_text(json.dumps(info))
    args = ["backend-logo", "--pool", str(pool), "--cache", str(pool / "backend_cache.npz"), "--steps", "0",
            "--folds", "commercial_vi,world", "--baseline-cache", str(pool / "base_cache.npz"),
            "--resume-dir", str(tmp_path / "partial")]
    assert main(args + ["--out", str(tmp_path / "a")]) == 0
    assert sorted(os.listdir(tmp_path / "partial")) == ["commercial_vi.json", "world.json"]
    doc = json.loads((tmp_path / "a" / "logo.json").read_text())
    ids = [m["id"] for m in meta]
    for it in doc["folds"]["world"]["items"]:
        i = ids.index(it["id"])
        rows = (base["item"] == i) & (base["kind"] == 0)
        assert it["logit_pre"] == pytest.approx(float(np.median(base["logit"][rows])), abs=1e-4)
        rows_c = (cache["item"] == i) & (cache["kind"] == 0)
        assert it["logit_ft"] == pytest.approx(float(np.median(cache["logit"][rows_c])), abs=2e-4)  # 0 steps
    assert doc["config"]["baseline_cache"].endswith("base_cache.npz")
    assert main(args + ["--out", str(tmp_path / "b")]) == 0
    doc_b = json.loads((tmp_path / "b" / "logo.json").read_text())
    assert doc_b["folds"] == doc["folds"] and doc_b["summary"] == doc["summary"]


def test_compare_table_checks_the_common_baseline():
    from training.voice.report import compare_table

    path = os.path.join(os.path.dirname(__file__), "..", "training", "voice", "runs", "backend_issue22", "logo.json")
    if not os.path.exists(path):
        pytest.skip("no backend_issue22 run in this checkout")
    doc = json.loads(open(path, encoding="utf-8").read())
    md = compare_table([("a", doc), ("b", doc)])
    assert "| mean AUC, all | 25 | 0.688 | 0.675 | 0.675 |" in md and md.count("| yes |") >= 1
    other = json.loads(json.dumps(doc))
    other["folds"]["bark"]["items"][0]["logit_pre"] += 1.0
    with pytest.raises(SystemExit):
        compare_table([("a", doc), ("b", other)])
