"""The SBI training loop (resume), the clip-level evaluation figures and the committed data list."""
from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import numpy as np
import pytest
import torch

from tests.conftest import SHARED, requires_shared
from training.sbi.data import CACHE_SIZE_PX, NEVER_TRAIN_SOURCES, read_data_list
from training.sbi.evaluate import clip_scores, summarise
from training.sbi.train import TrainConfig, make_batch, train
from verifier.analysis.video.lite0 import EfficientNetLite0

DATA_LIST = Path(__file__).resolve().parents[1] / "training" / "sbi" / "data_list.tsv"


def _tiny_cache(tmp_path, rng, n=6, side=48):
    crops = rng.integers(0, 256, (n, side, side, 3), dtype=np.uint8)
    t = np.linspace(0, 2 * np.pi, 478, endpoint=False)
    pts = np.stack([side / 2 + side / 4 * np.cos(t), side / 2 + side / 3 * np.sin(t)], 1).astype(np.float32)
    np.savez(tmp_path / "train.npz", crops=crops, pts=np.repeat(pts[None], n, 0), path=np.array([str(i) for i in range(n)]),
             is_video=np.arange(n) % 3 == 0)
    w = tmp_path / "start.pth"
    torch.save(EfficientNetLite0().state_dict(), w)  # stands in for the ImageNet weights
    return str(tmp_path), str(w)


def test_batch_pairs_each_real_face_with_its_self_blend(rng):
    cfg = TrainConfig(size_px=32)
    crops = rng.integers(0, 256, (3, CACHE_SIZE_PX, CACHE_SIZE_PX, 3), dtype=np.uint8)
    t = np.linspace(0, 2 * np.pi, 478, endpoint=False)
    pts = np.stack([96 + 40 * np.cos(t), 96 + 50 * np.sin(t)], 1)[None].repeat(3, 0)
    x, y = make_batch(crops, pts, np.array([0, 2]), cfg, np.random.default_rng(0))
    assert x.shape == (4, 32, 32, 3) and x.dtype == np.uint8
    assert y.tolist() == [0.0, 1.0, 0.0, 1.0]


def test_training_resumes_from_its_checkpoint_and_refuses_another_config(tmp_path, rng):
    cache, start = _tiny_cache(tmp_path, rng)
    cfg = TrainConfig(size_px=32, batch_pairs=2, steps=4, warmup_steps=1, ckpt_every=2, freeze_blocks=15)  # small optimiser state: fast
    out = str(tmp_path / "run")
    lines = []
    train(dataclasses.replace(cfg, steps=4), cache=cache, out=out, imagenet_weights=start, max_minutes=0.0, threads=1, log=lines.append)
    ck = torch.load(os.path.join(out, "ckpt.pt"), weights_only=False)
    assert ck["step"] == 1  # max_minutes=0: one step, then checkpoint and stop
    train(cfg, cache=cache, out=out, imagenet_weights=start, threads=1, log=lines.append)
    ck = torch.load(os.path.join(out, "ckpt.pt"), weights_only=False)
    assert ck["step"] == 4 and "resuming at step 1" in lines
    assert [h[0] for h in ck["history"]] == [1, 2, 3, 4]
    assert os.path.exists(os.path.join(out, "config.json"))
    with pytest.raises(ValueError, match="another config"):
        train(dataclasses.replace(cfg, lr=1.0), cache=cache, out=out, imagenet_weights=start, log=lines.append)


def test_summary_counts_pairs_and_false_alarms():
    path = np.array(["fake/deepfacelive/A_0_swap.mp4", "real/deepfacelive_original/A_0_orig.mp4",
                     "fake/deepfacelive/B_1_swap.mp4", "real/deepfacelive_original/B_1_orig.mp4", "real/x/c.mp4", "fake/y/d.mp4"])
    source = np.array([p.rsplit("/", 1)[0] for p in path])
    label = np.array([s.split("/")[0] for s in source])
    score = np.array([0.9, 0.2, 0.3, 0.6, 0.7, np.nan])
    res = summarise(score, label, source, path)
    assert res["dfl_pairs"] == {"fake_higher": 1, "n": 2}
    assert res["real_over_threshold"]["all"]["share"] == pytest.approx(2 / 3)
    assert res["n_scored"] == 5
    assert res["auc"] == pytest.approx(np.mean([0.9 > 0.2, 0.9 > 0.6, 0.9 > 0.7, 0.3 > 0.2, 0.3 > 0.6, 0.3 > 0.7]))


def test_clip_score_is_a_high_quantile_and_nan_without_faces():
    s = clip_scores(np.array([0.1, 0.2, 0.9, 0.5]), np.array([0, 0, 0, 2]), 3, q=1.0)
    assert s[0] == 0.9 and np.isnan(s[1]) and s[2] == 0.5


def test_data_list_keeps_evaluation_sources_out_of_training():
    rows = read_data_list(str(DATA_LIST))
    train_src = {r["source"] for r in rows if r["split"] == "train"}
    eval_src = {r["source"] for r in rows if r["split"] == "eval"}
    assert not train_src & eval_src
    assert not train_src & set(NEVER_TRAIN_SOURCES)
    assert all(r["label"] == "real" for r in rows if r["split"] == "train")
    assert sum(r["label"] == "fake" for r in rows if r["split"] == "eval") == 39
    assert all(len(r["sha256"]) == 64 for r in rows)


@requires_shared
def test_data_list_matches_the_shared_manifests():
    from training.sbi.data import build_data_list

    assert build_data_list(str(SHARED / "data")) == read_data_list(str(DATA_LIST))


def test_held_out_photos_keep_an_identity_together_and_never_take_video_frames():
    from training.sbi.train import held_out_photos, photo_identity

    names = [f"faces/images/rmfd_afdb/0_0_person{k}_{j:04d}.jpg" for k in range(60) for j in range(3)]
    names += [f"faces/images/utkface/{k}_0_2_2017.jpg" for k in range(2000)]
    paths = np.array(names + ["video/real/liveportrait_driving/d1.mp4#3"] * 50)
    is_video = np.array([False] * (len(names)) + [True] * 50)
    held = held_out_photos(paths, is_video, 10)
    assert not held[is_video].any()
    ids = np.array([photo_identity(p) for p in names])
    for i in set(ids[: 180]):  # the three photos of one RMFD person go together
        assert len(set(held[: 180][ids[: 180] == i])) == 1
    assert 0.07 < held[180: len(names)].mean() < 0.13  # about 10 % of the UTKFace files
    assert not held_out_photos(paths, is_video, 0).any()
    assert (held_out_photos(paths, is_video, 10) == held).all()  # stable: no seed involved


def test_shared_chain_is_seeded_keeps_shape_and_changes_the_face(rng):
    from training.sbi.augment import SharedChainParams, shared_chain

    img = rng.integers(0, 256, (64, 64, 3), dtype=np.uint8)
    a = shared_chain(img, np.random.default_rng(3))
    assert a.shape == img.shape and a.dtype == np.uint8
    assert (a == shared_chain(img, np.random.default_rng(3))).all()
    always = SharedChainParams(p_rescale=1.0, p_blur=0.0, p_sharpen=0.0, p_jpeg=0.0)
    smooth = shared_chain(img, np.random.default_rng(0), always)
    # down/up-scaling noise removes high frequencies: neighbouring pixels agree more
    assert np.abs(np.diff(smooth.astype(int), axis=1)).mean() < 0.7 * np.abs(np.diff(img.astype(int), axis=1)).mean()


def test_fine_tuning_starts_from_the_given_checkpoint_and_old_configs_still_resume(tmp_path, rng):
    cache, start = _tiny_cache(tmp_path, rng)
    cfg = TrainConfig(size_px=32, batch_pairs=2, steps=2, warmup_steps=1, ckpt_every=2, freeze_blocks=15)
    first = os.path.join(str(tmp_path), "first")
    train(cfg, cache=cache, out=first, imagenet_weights=start, threads=1, log=lambda s: None)
    a = torch.load(os.path.join(first, "ckpt.pt"), weights_only=False)
    # a checkpoint written before round 2 (no shared_chain_p, init_from, holdout_photo_pct) still resumes
    old = os.path.join(str(tmp_path), "old")
    os.makedirs(old)
    new_keys = ("shared_chain_p", "init_from", "holdout_photo_pct")
    torch.save(dict(a, step=1, config={k: v for k, v in a["config"].items() if k not in new_keys}), os.path.join(old, "ckpt.pt"))
    lines = []
    train(cfg, cache=cache, out=old, imagenet_weights=start, threads=1, log=lines.append)
    assert "resuming at step 1" in lines
    tuned = dataclasses.replace(cfg, init_from=os.path.join(first, "ckpt.pt"), lr=0.0, weight_decay=0.0, shared_chain_p=1.0)
    out = os.path.join(str(tmp_path), "tuned")
    train(tuned, cache=cache, out=out, imagenet_weights=start, threads=1, log=lines.append)
    assert any(s.startswith("fine-tuning from") for s in lines)
    b = torch.load(os.path.join(out, "ckpt.pt"), weights_only=False)["model"]
    weights = [k for k in b if k.endswith("weight")]
    assert weights and all(torch.equal(b[k], a["model"][k]) for k in weights)  # lr 0: the starting checkpoint's weights
