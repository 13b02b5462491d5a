"""CPU back-end fine-tuning on cached encoder nodes (training/voice/backend_cache.py, backend.py)."""
from __future__ import annotations

import copy

import numpy as np
import pytest
import torch
from test_voice_finetune import _meta

from training.voice.backend import (
    BackendConfig,
    NodeSampler,
    backend_parameters,
    inner_splits,
    item_logits,
    run_fold,
    train_backend,
    window_logits,
)
from training.voice.backend_cache import FEAT_DIM, N_CHANNELS, N_SPECTRAL, N_TEMPORAL, encoder_features, split_nodes
from training.voice.families import FINAL, split
from training.voice.pool import WINDOW_SAMPLES
from training.voice.probe import group_of
from training.voice.probe_cache import CacheConfig, build_cache
from verifier.analysis.voice.aasist import AASIST


@pytest.fixture(scope="module")
def net():
    """AASIST-L with seeded random weights and non-trivial BatchNorm statistics (eval mode)."""
    torch.manual_seed(0)
    torch.set_num_threads(1)
    model = AASIST()
    for m in model.modules():
        if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
            m.running_mean.uniform_(-0.2, 0.2)
            m.running_var.uniform_(0.5, 2.0)
    return model.eval()


def _clips():
    rng = np.random.default_rng(1)
    clips = [(rng.uniform(-0.2, 0.2, n) * 32767).astype(np.int16) for n in (20000, WINDOW_SAMPLES + 300)]
    return np.concatenate(clips), np.concatenate([[0], np.cumsum([len(c) for c in clips])]), [{"eval_starts": [0]}, {"eval_starts": [0, 300]}]


def test_back_end_on_cached_nodes_is_the_full_network(net):
    samples, offsets, meta = _clips()
    a = build_cache(net, samples, offsets, meta, CacheConfig(n_aug=1, batch=2), log=lambda m: None, features=encoder_features)
    assert a["feat"].shape == (5, FEAT_DIM) and a["feat"].dtype == np.float32
    assert a["item"].tolist() == [0, 1, 1, 0, 1] and a["kind"].tolist() == [0, 0, 0, 1, 1]
    # reproducible whatever the batching
    b = build_cache(net, samples, offsets, meta, CacheConfig(n_aug=1, batch=5), log=lambda m: None, features=encoder_features)
    np.testing.assert_allclose(a["feat"], b["feat"], rtol=1e-5, atol=1e-6)
    S, T = split_nodes(torch.from_numpy(a["feat"]))
    assert S.shape == (5, N_SPECTRAL, N_CHANNELS) and T.shape == (5, N_TEMPORAL, N_CHANNELS)
    # the full network on the raw window == the back-end on its cached nodes == the cached logit
    x = samples[offsets[1] + 300:offsets[1] + 300 + WINDOW_SAMPLES].astype(np.float32)[None] / 32767.0
    with torch.inference_mode():
        lg = net(torch.from_numpy(x))
    full = float(lg[0, 0] - lg[0, 1])
    assert a["logit"][2] == pytest.approx(full, abs=1e-4)
    assert window_logits(net, S, T, [2])[0] == pytest.approx(full, abs=1e-4)
    # no step taken: the trained back-end is the published one, window for window
    model = copy.deepcopy(net)
    losses = train_backend(model, S, T, None, BackendConfig(step_grid=(0,)), 0)
    assert losses == []
    np.testing.assert_allclose(window_logits(model, S, T), a["logit"], atol=1e-4)
    # item scores: median over the runtime windows (kind 0) only
    cache = {k: a[k] for k in ("item", "kind", "logit")}
    np.testing.assert_allclose(item_logits(model, S, T, cache, [1, 0]),
                               [np.median(a["logit"][[1, 2]]), a["logit"][0]], atol=1e-4)


def _synthetic_cache(model, meta, per_item=3, seed=0):
    """Random nodes (fakes shifted), the model's own logits on them, kinds 0, 0, 1 per item."""
    rng = np.random.default_rng(seed)
    item = np.repeat(np.arange(len(meta)), per_item)
    lab = np.array([meta[i]["label"] == "fake" for i in item], float)
    feat = np.abs(rng.normal(1, 0.5, (len(item), FEAT_DIM)) + 0.3 * lab[:, None]).astype(np.float32)
    S, T = split_nodes(torch.from_numpy(feat))
    cache = {"feat": feat, "item": item, "kind": np.tile([0, 0, 1], len(meta)).astype(np.int16)}
    cache["logit"] = window_logits(model, S, T)
    return cache, S.contiguous(), T.contiguous()


def _lang(meta):
    for m in meta:
        m.setdefault("language", "")
    return meta


def test_node_sampler_is_balanced_seeded_and_stays_in_its_items():
    meta = _lang(_meta())
    train, _, _ = split(meta, "commercial_vi")
    item = np.repeat(np.arange(len(meta)), 2)
    s = NodeSampler(item, meta, train, seed=3)
    rows, y = s.batch(400)
    assert (y[:200] == 0).all() and (y[200:] == 1).all()  # spoof first, then bona fide
    items = item[rows]
    assert set(items) <= set(train)
    assert all(meta[i]["label"] == "fake" for i in items[:200]) and all(meta[i]["label"] == "real" for i in items[200:])
    fams = [group_of(meta[i]) for i in items[:200]]
    n_groups = len({group_of(meta[i]) for i in train if meta[i]["label"] == "fake"})
    assert len(set(fams)) == n_groups  # every family drawn
    assert max(fams.count(f) for f in set(fams)) < 3 * 200 / n_groups  # roughly uniform over families
    again, _ = NodeSampler(item, meta, train, seed=3).batch(400)
    assert (again == rows).all()


def test_training_moves_only_the_back_end(net):
    meta = _lang(_meta())
    cache, S, T = _synthetic_cache(net, meta)
    train, _, _ = split(meta, "world")
    model = copy.deepcopy(net)
    before = {n: p.detach().clone() for n, p in model.named_parameters()}
    losses = train_backend(model, S, T, NodeSampler(cache["item"], meta, train), BackendConfig(batch=8, lr=1e-3), 5)
    assert len(losses) == 5 and np.isfinite(losses).all()
    trained = {id(p) for p in backend_parameters(model)}
    for n, p in model.named_parameters():
        if id(p) in trained:
            continue
        assert torch.equal(p, before[n]), n  # encoder untouched
    assert any(not torch.equal(p, before[n]) for n, p in model.named_parameters() if id(p) in trained)
    assert not model.training


def test_inner_splits_hold_out_whole_groups():
    meta = _lang(_meta())
    train, _, _ = split(meta, "valle")
    splits = inner_splits(meta, train, BackendConfig(inner_splits=3), seed=0)
    assert len(splits) == 3
    for tr, te in splits:
        assert not {group_of(meta[i]) for i in tr} & {group_of(meta[i]) for i in te}
        assert sorted(tr + te) == sorted(train)


@pytest.mark.parametrize("fold", ["commercial_vi", FINAL])
def test_run_fold_scores_the_split_items_and_zero_steps_is_the_pretrained(net, fold):
    meta = _lang(_meta())
    cache, S, T = _synthetic_cache(net, meta)
    res, model = run_fold(net, S, T, cache, meta, fold, BackendConfig(step_grid=(0, 3), batch=8, inner_splits=3))
    train, ev_fake, ev_real = split(meta, fold)
    assert [it["id"] for it in res["items"]] == [meta[i]["id"] for i in ev_fake + ev_real]
    assert res["train"]["steps"] in (0, 3) and set(res["train"]["inner_auc"]) == {"0", "3"}
    assert res["calibration_pre"] is not None and res["calibration_ft"] is not None
    if fold != FINAL:
        from training.voice.logo import fold_figures

        fig = fold_figures(res, {"high_from": 0.7, "calibration": res["calibration_pre"]})
        assert fig["auc_ft"] is not None and fig["n_fake"] > 0
    # a grid of 0 steps only gives back the pretrained network's scores and calibration
    res0, _ = run_fold(net, S, T, cache, meta, fold, BackendConfig(step_grid=(0,), inner_splits=3))
    for it in res0["items"]:
        assert it["logit_ft"] == pytest.approx(it["logit_pre"], abs=2e-4)
    assert res0["calibration_ft"]["coef"] == pytest.approx(res0["calibration_pre"]["coef"], abs=1e-3)


def test_report_renders_a_backend_run_in_its_own_section(net, tmp_path):
    import json

    from training.voice.logo import summarise
    from training.voice.report import write_report

    meta = _lang(_meta())
    cache, S, T = _synthetic_cache(net, meta)
    cfg = BackendConfig(step_grid=(0, 2), batch=8, inner_splits=3)
    folds = {f: run_fold(net, S, T, cache, meta, f, cfg)[0] for f in ("commercial_vi", "world")}
    rule = {"high_from": 0.7, "calibration": folds["world"]["calibration_pre"]}
    doc = {"config": {"head": "graph_backend", "seed": 0, "backend": cfg.to_dict(), "n_aug_done": 1,
                      "cache_wall_s": 1.0, "n_cached_windows": len(cache["item"])},
           "runtime_rule": rule, "errors": {}, "folds": folds, "summary": summarise(folds, rule), "wall_s": 1.0}
    (tmp_path / "logo.json").write_text(json.dumps(doc))
    readme = tmp_path / "README.md"
    readme.write_text("<!-- logo:begin -->\nGPU\n<!-- logo:end -->\n<!-- probe:begin -->\nPROBE\n<!-- probe:end -->\n"
                      "<!-- backend:begin -->\nOLD\n<!-- backend:end -->\n")
    write_report(str(tmp_path / "logo.json"), str(readme))
    md = readme.read_text()
    assert "GPU" in md and "PROBE" in md and "OLD" not in md
    part = md.split("<!-- backend:begin -->")[1]
    assert "graph back-end fine-tuned" in part and "| commercial_vi | yes |" in part and "all folds present: no" in part
    # a second run of the same kind goes into a section of its own
    readme.write_text(md + "<!-- fixed:begin -->\n<!-- fixed:end -->\n")
    write_report(str(tmp_path / "logo.json"), str(readme), section="fixed")
    assert readme.read_text().split("<!-- fixed:begin -->")[1].count("| commercial_vi | yes |") == 1


def test_backend_logo_command_writes_logo_json(net, tmp_path):
    """``python -m training.voice backend-logo`` end to end on a synthetic cache (two folds, 2 steps)."""
    import json

    from training.voice.__main__ import main

    meta = _lang(_meta())
    cache, _, _ = _synthetic_cache(net, meta)
    pool = tmp_path / "pool"
    pool.mkdir()
    (pool / "pool.json").write_text(json.dumps({"info": {}, "items": meta}))
    torch.save(net.state_dict(), pool / "AASIST-L.pth")
    np.savez(pool / "backend_cache.npz", **cache)
    (pool / "backend_cache.json").write_text(json.dumps({"ids": [m["id"] for m in meta], "config": {"n_aug": 1},
                                                         "n_aug_done": 1, "wall_s": 1.0}))
    out = tmp_path / "run"
    assert main(["backend-logo", "--pool", str(pool), "--cache", str(pool / "backend_cache.npz"), "--out", str(out),
                 "--steps", "2", "--folds", "commercial_vi,all"]) == 0
    doc = json.loads((out / "logo.json").read_text())
    assert set(doc["folds"]) == {"commercial_vi"} and doc["final"]["train"]["steps"] == 2
    assert doc["summary"]["decision"]["keep_fine_tuned"] is False  # 13 folds missing: never kept
    assert not (out / "aasist_l_backend_ft.pth").exists()
