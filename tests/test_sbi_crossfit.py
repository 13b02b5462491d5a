"""Round 3 of the SBI detector: the cross-fitting folds, the device package and the device command."""
from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from tests.conftest import ROOT, SHARED, requires_shared
from training.sbi.crossfit import ALL, crossfit_scores, train_masks
from training.sbi.folds import DFL_FAKE, DFL_REAL, K_FOLDS, _pair_key, assign_folds, read_folds
from training.sbi.package import (
    PACK_SIZE_PX,
    PTS_SCALE,
    load_eval,
    load_faces,
    load_start_weights,
    save_eval,
    save_faces,
    save_start_weights,
)
from verifier.analysis.video.lite0 import EfficientNetLite0, load_imagenet

FOLDS = ROOT / "training" / "sbi" / "folds.tsv"


def test_no_group_on_both_sides_and_each_swap_sits_with_its_original():
    rows = read_folds(str(FOLDS))
    reals = [r for r in rows if r["label"] == "real"]
    assert len(reals) == 56 and len(rows) == 95
    fold_of_group = {}
    for r in rows:
        if r["group"]:
            assert fold_of_group.setdefault(r["group"], r["fold"]) == r["fold"], r["group"]
    assert {r["fold"] for r in reals} == set(range(K_FOLDS))
    orig = {_pair_key(r["path"]): r for r in rows if r["source"] == DFL_REAL}
    swaps = [r for r in rows if r["source"] == DFL_FAKE]
    assert len(swaps) == 24
    for f in swaps:
        o = orig[_pair_key(f["path"])]
        assert (f["group"], f["fold"]) == (o["group"], o["fold"])
    for r in rows:  # fakes without a group are exactly those with no real counterpart
        assert (r["group"] == "") == (r["label"] == "fake" and r["source"] != DFL_FAKE)
        assert (r["fold"] == -1) == (r["group"] == "")
    per_fold = np.bincount([r["fold"] for r in reals], minlength=K_FOLDS)
    assert per_fold.max() - per_fold.min() <= 2


def test_merged_identities_share_a_fold():
    rows = {r["path"]: r for r in read_folds(str(FOLDS))}
    a, b = rows["real/deepfacelive_original/Keanu_Reeves_0_orig.mp4"], rows["real/deepfacelive_samples/Obama_speaking.mp4"]
    assert a["group"] == b["group"] == "obama" and a["fold"] == b["fold"]


def test_fold_assignment_balances_and_never_splits_a_group():
    sizes = {"a": (5, 0), "b": (3, 3), "c": (3, 1), "d": (2, 2), "e": (1, 1), "f": (1, 0), "g": (1, 0)}
    fold = assign_folds(sizes, k=3)
    assert set(fold) == set(sizes) and set(fold.values()) == {0, 1, 2}
    load = np.bincount(list(fold.values()), weights=[sizes[g][0] for g in fold], minlength=3)
    assert load.tolist() == [5, 6, 5] or load.max() - load.min() <= 1
    assert fold == assign_folds(dict(reversed(list(sizes.items()))), k=3)  # independent of the input order


@requires_shared
def test_committed_folds_match_the_manifest():
    from training.sbi.folds import build_folds
    from verifier.evaluate.manifest import read_manifest

    built = build_folds(read_manifest(str(SHARED / "data" / "video")))
    assert [(r["path"], r["group"], r["fold"]) for r in built] == [(r["path"], r["group"], r["fold"]) for r in read_folds(str(FOLDS))]


def _smooth_faces(n, rng, side=PACK_SIZE_PX):
    yy, xx = np.mgrid[0:side, 0:side].astype(np.float32)
    crops, pts = [], []
    t = np.linspace(0, 2 * np.pi, 478, endpoint=False)
    for i in range(n):
        cx, cy = side / 2 + rng.uniform(-10, 10, 2)
        img = np.stack([128 + 80 * np.sin(xx / 17 + i), 128 + 60 * np.cos(yy / 23), 100 + 0.4 * xx], -1)
        p = np.stack([cx + 40 * np.cos(t), cy + 50 * np.sin(t)], 1)
        x0, y0 = np.round(p[7]).astype(int)
        img[y0 - 2:y0 + 3, x0 - 2:x0 + 3] = (255, 0, 0)  # a red dot on landmark 7
        crops.append(np.clip(img, 0, 255).astype(np.uint8)), pts.append(p.astype(np.float32))
    return crops, pts


def test_package_round_trip_keeps_crops_and_landmarks(tmp_path, rng):
    crops, pts = _smooth_faces(3, rng)
    paths = ["faces/utk/a.jpg", "video/real/x/y.mp4#3", "video/real/x/y.mp4#9"]
    save_faces(str(tmp_path / "faces.npz"), crops, pts, paths, [False, True, True])
    native = load_faces(str(tmp_path / "faces.npz"), size_px=PACK_SIZE_PX)
    assert native["crops"].shape == (3, PACK_SIZE_PX, PACK_SIZE_PX, 3) and native["path"].tolist() == paths
    assert native["is_video"].tolist() == [False, True, True]
    assert np.abs(native["pts"] - np.stack(pts)).max() <= 0.5 / PTS_SCALE + 1e-4
    err = np.abs(native["crops"].astype(int) - np.stack(crops).astype(int))
    assert err.mean() < 2.5, err.mean()
    big = load_faces(str(tmp_path / "faces.npz"))  # at the training cache side (192 px)
    assert big["crops"].shape[1] == 192
    for c, p in zip(big["crops"], big["pts"]):  # the landmark still points at its red dot after the resize
        x, y = np.round(p[7]).astype(int)
        assert c[y, x, 0] > 200 and c[y, x, 1] < 80
    ev = [c[:128, :128] for c in crops]
    save_eval(str(tmp_path / "eval.npz"), ev, [0, 0, 2], ["a", "b", "c"], ["real", "fake", "fake"], ["s", "t", "t"])
    back = load_eval(str(tmp_path / "eval.npz"))
    assert back["crops"].shape == (3, 128, 128, 3) and back["clip"].tolist() == [0, 0, 2] and back["label"].tolist() == ["real", "fake", "fake"]
    assert np.abs(back["crops"].astype(int) - np.stack(ev).astype(int)).mean() < 2.5


def test_start_weights_drop_the_imagenet_head_and_still_load(tmp_path):
    src = EfficientNetLite0(n_classes=1000)
    torch.save(src.state_dict(), tmp_path / "in.pth")
    save_start_weights(str(tmp_path / "in.pth"), str(tmp_path / "out.pt"))
    saved = torch.load(tmp_path / "out.pt", weights_only=True)
    assert not any(k.startswith("_fc.") for k in saved) and saved["_conv_head.weight"].dtype == torch.float16
    net = load_imagenet(EfficientNetLite0(n_classes=1), load_start_weights(str(tmp_path / "out.pt")), head=False)
    w = src.state_dict()["_conv_head.weight"]
    assert torch.allclose(net.state_dict()["_conv_head.weight"], w.half().float())


def test_fold_models_never_see_their_fold_nor_held_out_photos():
    folds = [{"path": "real/a/1.mp4", "label": "real", "fold": 0}, {"path": "real/b/2.mp4", "label": "real", "fold": 1}]
    paths = np.array(["video/real/a/1.mp4#0", "video/real/a/1.mp4#5", "video/real/b/2.mp4#0"]
                     + [f"faces/utkface/{i}.jpg" for i in range(200)])
    is_video = np.arange(len(paths)) < 3
    m = train_masks(paths, is_video, folds, 2, holdout_pct=10)
    assert m["fold0"][:3].tolist() == [False, False, True] and m["fold1"][:3].tolist() == [True, True, False]
    assert m[ALL][:3].all()
    held = ~m[ALL][3:]
    assert 5 <= held.sum() <= 40  # ~10 % of identities
    for k in ("fold0", "fold1"):
        assert not (m[k][3:] & held).any()


def test_crossfit_score_takes_the_model_that_did_not_see_the_clip():
    folds = [{"path": "real/a.mp4", "fold": 0}, {"path": "fake/a.mp4", "fold": 0}, {"path": "real/b.mp4", "fold": 1},
             {"path": "fake/z.mp4", "fold": -1}]
    by_model = {"fold0": np.array([0.1, 0.8, 0.3, 0.5]), "fold1": np.array([0.9, 0.2, 0.4, 0.7]), ALL: np.zeros(4)}
    s = crossfit_scores(by_model, np.array(["video/real/a.mp4", "video/fake/a.mp4", "video/real/b.mp4", "video/fake/z.mp4"]), folds, 2)
    assert s.tolist() == pytest.approx([0.1, 0.8, 0.4, 0.6])


def _tiny_package(pkg: Path, rng):
    """Faces for 4 real clips (one per fold, from the committed folds) + photos; eval crops for
    a DeepFaceLive pair in different folds from the others, and a fake without a group."""
    rows = read_folds(str(FOLDS))
    reals = [next(r for r in rows if r["label"] == "real" and r["fold"] == f and r["source"] == DFL_REAL) for f in range(K_FOLDS)]
    swaps = [next(r for r in rows if r["source"] == DFL_FAKE and _pair_key(r["path"]) == _pair_key(o["path"])) for o in reals]
    lone = next(r for r in rows if r["fold"] == -1)
    crops, pts = _smooth_faces(8, rng)
    paths = [f"video/{r['path']}#{i}" for r in reals for i in (0, 1)]
    photo_c, photo_p = _smooth_faces(30, rng)
    save_faces(str(pkg / "faces.npz"), crops + photo_c, pts + photo_p, paths + [f"faces/utkface/p{i}.jpg" for i in range(30)],
               [True] * 8 + [False] * 30)
    ev_rows = reals + swaps + [lone]
    ev = [c[18:146, 18:146] for c, _ in zip(*_smooth_faces(2 * len(ev_rows), rng))]
    save_eval(str(pkg / "eval.npz"), ev, np.repeat(np.arange(len(ev_rows)), 2), [f"video/{r['path']}" for r in ev_rows],
              [r["label"] for r in ev_rows], [r["source"] for r in ev_rows])
    torch.save({k: v.half() if v.is_floating_point() else v for k, v in EfficientNetLite0().state_dict().items()
                if not k.startswith("_fc.")}, pkg / "imagenet_fp16.pt")


def test_device_command_runs_end_to_end_on_cpu_without_the_media_stack(tmp_path, rng):
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    _tiny_package(pkg, rng)
    wrapper = tmp_path / "py"  # python that cannot import what the accelerator machine lacks
    wrapper.write_text("#!/bin/sh\nexec %s -c \"import sys, runpy; [sys.modules.__setitem__(m, None) for m in "
                       "('mediapipe', 'av', 'soundfile', 'librosa', 'gradio')]; sys.argv = ['training.sbi'] + sys.argv[3:]; "
                       "runpy.run_module('training.sbi', run_name='__main__')\" \"$@\"\n" % sys.executable)
    wrapper.chmod(0o755)
    out = tmp_path / "out"
    env = dict(os.environ, PYTHON=str(wrapper), DEVICE="cpu", SBIFOLD_PKG=str(pkg))
    p = subprocess.run(["bash", "training/sbi/device_run.sh", str(out), "--workers", "1", "--batch-pairs", "3", "--size-px", "32",
                        "--max-minutes", "0.05", "--eval-every-minutes", "0.02", "--warmup-steps", "2", "--photo-n", "4",
                        "--threads", "1"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-3000:]
    res = json.loads((out / "sbifold" / "results.json").read_text())
    assert res["partial"] is False and res["steps_done"] >= 1 and res["k_folds"] == K_FOLDS
    c = res["crossfit"]
    assert c["n_clips"] == 9 and c["dfl_pairs"]["n"] == 4 and 0 <= c["auc"] <= 1
    assert set(res["self_blend_detection"]) == {f"fold{i}" for i in range(K_FOLDS)} | {ALL}
    assert "held_out_video_frames" in res["self_blend_detection"]["fold0"]
    assert res["n_train_faces"]["fold0"] < res["n_train_faces"][ALL]
    ck = torch.load(out / "sbifold" / "sbi_all_fp16.pt", weights_only=False)
    net = EfficientNetLite0(n_classes=1)
    net.load_state_dict({k: v.float() for k, v in ck["model"].items()}, strict=False)
    assert ck["config"]["size_px"] == 32 and ck["step"] == res["steps_done"]
    assert (out / "sbifold" / "train.log").stat().st_size > 0
    assert len(list((out / "sbifold").iterdir())) <= 4
    from training.sbi.crossfit import format_report

    text = format_report(res)
    assert "cross-fitted" in text and "DeepFaceLive same-scene pairs" in text and "held_out_video_frames AUC" in text


def test_one_fold_run_warm_starts_scores_the_control_and_resumes(tmp_path, rng):
    from training.sbi.crossfit import run, score, subset_eval
    from training.sbi.evaluate import clip_scores
    from training.sbi.train import TrainConfig

    pkg = tmp_path / "pkg"
    pkg.mkdir()
    _tiny_package(pkg, rng)
    torch.manual_seed(3)
    init = EfficientNetLite0(n_classes=1)
    torch.save({"model": init.state_dict(), "step": 7}, tmp_path / "ckpt.pt")  # a rounds 1-2 train.py checkpoint
    cfg = TrainConfig(size_px=32, batch_pairs=3, steps=4, warmup_steps=1, ckpt_every=2, init_from=str(tmp_path / "ckpt.pt"))
    logs = []
    kw = dict(package=str(pkg), folds_tsv=str(FOLDS), out=str(tmp_path / "out"), workers=0, max_minutes=30, schedule="steps",
              eval_every_minutes=30, photo_n=4, only_fold=1, log=logs.append)
    res = run(cfg, **kw)
    rows = {r["path"]: r["fold"] for r in read_folds(str(FOLDS))}
    assert res["only_fold"] == 1 and res["steps_done"] == 4 and set(res["self_blend_detection"]) == {"fold1"}
    assert {rows[p.removeprefix("video/")] for p in res["per_clip"]} == {1, -1}  # the fold's clips + fakes without a group
    assert res["crossfit"]["n_clips"] == 3 and res["crossfit"]["dfl_pairs"]["n"] == 1
    # the control is the warm-start model itself on the same clips, before any step
    ev = subset_eval(load_eval(str(pkg / "eval.npz")), 0, 32)
    want = clip_scores(score(init, ev["crops"], "cpu"), ev["clip"], len(ev["path"]))
    for p, w in zip(ev["path"], want):
        if str(p) in res["control"]["per_clip"]:
            assert res["control"]["per_clip"][str(p)]["fold1"] == pytest.approx(w, abs=1e-3)
    assert res["per_clip"] != res["control"]["per_clip"]  # 4 steps moved the model
    assert not (tmp_path / "out" / "sbi_all_fp16.pt").exists() and (tmp_path / "out" / "ckpt.pt").exists()
    # the same command again resumes from the checkpoint (nothing left to train) and keeps the control
    res2 = run(cfg, **kw)
    assert any("resuming at step 4" in s for s in logs)
    assert res2["steps_done"] == 4 and res2["control"] == res["control"] and res2["per_clip"] == res["per_clip"]
    from training.sbi.crossfit import format_report

    text = format_report(res2)
    assert "control (warm start" in text and "control self-blends, fold1: held_out_video_frames AUC" in text
    with pytest.raises(ValueError, match="another run"):
        run(dataclasses.replace(cfg, lr=1e-3), **kw)
