"""The training loop: EfficientNet-Lite0 (ImageNet start), binary head, real vs self-blended.

Every step draws ``batch_pairs`` cached real faces; each gives one real and one self-blended
sample (the SBI pairing: both classes share identity, pose and capture), each then reframed
and degraded independently (augment.py). The random stream of step ``k`` is
``default_rng([seed, k])``, so a resumed run draws exactly what an uninterrupted one would.
A checkpoint (model, optimiser, step, config) is written atomically every ``ckpt_every`` steps
and at the end; rerunning the same command continues from it.
"""
from __future__ import annotations

import json
import math
import os
import time
from dataclasses import asdict, dataclass

import numpy as np
import torch

from verifier.analysis.video.lite0 import EfficientNetLite0, load_imagenet, normalise

from .augment import AugmentParams, SharedChainParams, degrade, reframe, shared_chain
from .blend import SBIParams, self_blend
from .data import CACHE_MARGIN


@dataclass(frozen=True)
class TrainConfig:
    """One training run. Speeds measured on the 2-core dev VM (see the report in the README)."""

    size_px: int = 128  # network input side; 128 px trains ~95 img/s unfrozen here (stack-feasibility notes)
    margin: float = 1.25  # canonical crop margin (verifier.analysis.video.align.AlignParams.margin)
    batch_pairs: int = 16  # real faces per step -> 32 images (16 real + 16 self-blended)
    steps: int = 3000  # length of the schedule
    lr: float = 5e-4  # AdamW peak learning rate (set by hand)
    weight_decay: float = 1e-4
    warmup_steps: int = 100
    freeze_blocks: int = 3  # stem + first 3 MBConv blocks (the stride-2/4 stages) keep their ImageNet weights
    video_share: float = 0.3  # share of faces drawn from the training clips' frames (the rest: photos)
    seed: int = 0
    ckpt_every: int = 50
    shared_chain_p: float = 0.0  # share of real faces given augment.shared_chain before blending (round 2: 0.8)
    init_from: str = ""  # start from this run's ckpt.pt instead of ImageNet (fine-tuning; round 2)
    holdout_photo_pct: int = 0  # per cent of photo identities kept out of training (held_out_photos) to measure memorisation


def make_batch(crops: np.ndarray, pts: np.ndarray, idx: np.ndarray, cfg: TrainConfig, rng: np.random.Generator,
               sbi: SBIParams = SBIParams(), aug: AugmentParams = AugmentParams()) -> tuple[np.ndarray, np.ndarray]:
    """(2n, S, S, 3) uint8 images and (2n,) labels (1 = self-blended) for cached faces ``idx``."""
    imgs, ys = [], []
    for i in idx:
        real = crops[i]
        if cfg.shared_chain_p > 0 and rng.random() < cfg.shared_chain_p:
            real = shared_chain(real, rng, SharedChainParams())
        fake, _ = self_blend(real, pts[i], rng, sbi)
        for img, y in ((real, 0.0), (fake, 1.0)):
            x = reframe(img, cache_margin=CACHE_MARGIN, margin=cfg.margin, size_px=cfg.size_px, rng=rng, p=aug)
            imgs.append(degrade(x, rng, aug))
            ys.append(y)
    return np.stack(imgs), np.array(ys, np.float32)


def photo_identity(path: str) -> str:
    """The identity key of a training photo: the person's name for RMFD (``0_0_<name>_0016.jpg``),
    the file itself for UTKFace (no identity labels)."""
    name = os.path.basename(path)
    if "/rmfd_afdb/" in path:
        return "rmfd:" + name.split("_")[2]
    return "utk:" + name


def held_out_photos(paths: np.ndarray, is_video: np.ndarray, pct: int) -> np.ndarray:
    """Boolean mask of the photos whose identity falls in the held-out ``pct`` per cent
    (a stable hash of :func:`photo_identity`, independent of the seed)."""
    import hashlib

    out = np.zeros(len(paths), bool)
    if pct <= 0:
        return out
    for i, (p, v) in enumerate(zip(paths, is_video)):
        if not v:
            out[i] = int(hashlib.sha256(photo_identity(str(p)).encode()).hexdigest()[:8], 16) % 100 < pct
    return out


def draw_indices(is_video: np.ndarray, n: int, share_video: float, rng: np.random.Generator) -> np.ndarray:
    vid, pho = np.flatnonzero(is_video), np.flatnonzero(~is_video)
    n_vid = int(rng.binomial(n, share_video)) if len(vid) else 0
    return np.concatenate([rng.choice(vid, n_vid), rng.choice(pho, n - n_vid)])


def lr_at(step: int, cfg: TrainConfig) -> float:
    """Linear warm-up, then cosine decay to 0 at ``cfg.steps``."""
    if step < cfg.warmup_steps:
        return cfg.lr * (step + 1) / cfg.warmup_steps
    t = min(1.0, (step - cfg.warmup_steps) / max(1, cfg.steps - cfg.warmup_steps))
    return cfg.lr * 0.5 * (1 + math.cos(math.pi * t))


def build_model(cfg: TrainConfig, imagenet_state: dict | None) -> EfficientNetLite0:
    model = EfficientNetLite0(n_classes=1)
    if imagenet_state is not None:
        load_imagenet(model, imagenet_state, head=False)
    model.freeze_stem_and_blocks(cfg.freeze_blocks)
    return model.to(memory_format=torch.channels_last)


def _save_atomic(obj, path: str) -> None:
    tmp = path + ".tmp"
    torch.save(obj, tmp)
    os.replace(tmp, path)


def train(cfg: TrainConfig, *, cache: str, out: str, imagenet_weights: str, max_minutes: float | None = None,
          threads: int = 2, log=print) -> str:
    """Train (or resume) into ``out``; returns the checkpoint path. Stops at ``cfg.steps`` or
    after ``max_minutes`` of wall time (checkpointing first). ``threads``: torch's CPU threads
    (not part of the config: a run may resume with another count; on a CPU shared with other
    jobs, 1 thread avoids OpenMP spin-waiting)."""
    os.makedirs(out, exist_ok=True)
    ckpt_path, cfg_path = os.path.join(out, "ckpt.pt"), os.path.join(out, "config.json")
    torch.set_num_threads(threads)
    torch.manual_seed(cfg.seed)
    data = np.load(os.path.join(cache, "train.npz"))
    crops, pts, is_video = data["crops"], data["pts"], data["is_video"]
    keep = ~held_out_photos(data["path"], is_video, cfg.holdout_photo_pct)
    if not keep.all():
        crops, pts, is_video = crops[keep], pts[keep], is_video[keep]
        log(f"{int((~keep).sum())} photos held out ({cfg.holdout_photo_pct} % of identities)")
    step = 0
    if os.path.exists(ckpt_path):
        ck = torch.load(ckpt_path, map_location="cpu", weights_only=False)
        saved = asdict(TrainConfig()) | ck["config"]  # keys added later take their defaults
        if saved != asdict(cfg):
            diff = {k: (saved.get(k), v) for k, v in asdict(cfg).items() if saved.get(k) != v}
            raise ValueError(f"{ckpt_path} was made with another config (saved, asked): {diff}")
        model = build_model(cfg, None)
        model.load_state_dict(ck["model"])
        step = ck["step"]
        log(f"resuming at step {step}")
    elif cfg.init_from:
        model = build_model(cfg, None)
        model.load_state_dict(torch.load(cfg.init_from, map_location="cpu", weights_only=False)["model"])
        log(f"fine-tuning from {cfg.init_from}")
        ck = None
    else:
        state = torch.load(imagenet_weights, map_location="cpu", weights_only=True)
        model = build_model(cfg, state)
        ck = None
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=cfg.lr, weight_decay=cfg.weight_decay)
    if ck is not None:
        opt.load_state_dict(ck["optimizer"])
    with open(cfg_path, "w") as f:
        json.dump(asdict(cfg) | {"cache": cache, "imagenet_weights": imagenet_weights,
                                 "n_photos": int((~is_video).sum()), "n_video_frames": int(is_video.sum())}, f, indent=1)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    model.train()
    t0 = time.perf_counter()
    t_data = t_net = 0.0
    n_img = 0
    history = ck.get("history", []) if ck else []
    while step < cfg.steps:
        rng = np.random.default_rng([cfg.seed, step])
        ta = time.perf_counter()
        idx = draw_indices(is_video, cfg.batch_pairs, cfg.video_share, rng)
        x, y = make_batch(crops, pts, idx, cfg, rng)
        xb = normalise(torch.from_numpy(x)).contiguous(memory_format=torch.channels_last)
        yb = torch.from_numpy(y)
        tb = time.perf_counter()
        for g in opt.param_groups:
            g["lr"] = lr_at(step, cfg)
        logits = model(xb).squeeze(1)
        loss = loss_fn(logits, yb)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        tc = time.perf_counter()
        t_data += tb - ta
        t_net += tc - tb
        n_img += len(y)
        step += 1
        acc = float(((logits.detach() > 0).float() == yb).float().mean())
        history.append((step, loss.item(), acc))
        if step % 10 == 0:
            recent = np.array(history[-10:])
            log(f"step {step}/{cfg.steps} loss {recent[:, 1].mean():.3f} acc {recent[:, 2].mean():.2f} "
                f"lr {lr_at(step - 1, cfg):.2e} | {n_img / (t_data + t_net):.1f} img/s "
                f"(data {n_img / t_data:.0f} img/s, net {n_img / t_net:.0f} img/s)")
        stop = max_minutes is not None and (time.perf_counter() - t0) > 60 * max_minutes
        if step % cfg.ckpt_every == 0 or step == cfg.steps or stop:
            _save_atomic({"model": model.state_dict(), "optimizer": opt.state_dict(), "step": step,
                          "config": asdict(cfg), "history": history,
                          "throughput_img_s": n_img / max(1e-9, t_data + t_net)}, ckpt_path)
        if stop:
            log(f"stopped after {max_minutes} min at step {step} (rerun the same command to continue)")
            break
    return ckpt_path
