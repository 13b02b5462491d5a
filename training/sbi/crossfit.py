"""Cross-fitted training and evaluation on the packed data (round 3; runs on the accelerator).

K fold models and one model on every real clip are trained *at once*, in one process: each
step draws one batch of real faces (photos and real-clip frames, :func:`train.draw_indices`)
and their self-blends (:func:`train.make_batch`, made by DataLoader workers), and every model
trains on the part of that batch it may see. Fold model ``k`` never sees the frames of the
clips in fold ``k`` (folds by scene/identity group: ``folds.tsv``); no model sees the held-out
photo identities (``TrainConfig.holdout_photo_pct``). Sharing the batch costs the CPU one
blend per face for all K + 1 models.

Evaluation (:func:`crossfit_eval`): each real clip is scored by the model that did not train on
its fold, each DeepFaceLive fake by the model of its original's fold, each fake without a group
by the mean of the K fold models' clip scores; then the figures of ``evaluate.summarise``,
plus self-blend detection on held-out photos and on the held-out fold's video frames.

The learning rate follows a linear warm-up over steps, then a cosine over the *wall-clock*
budget (``--schedule time``: the number of steps a budget allows is not known in advance),
or over ``TrainConfig.steps`` (``--schedule steps``, reproducible step by step).

One fold on a CPU (``only_fold``): only fold model ``k`` is trained (on the faces outside fold
``k``), warm-started from ``TrainConfig.init_from`` (a rounds 1–2 ``ckpt.pt``), and evaluated on
fold ``k``'s clips and the fakes without a group; the warm-start model is first scored on the
same clips (``results["control"]``). A checkpoint (``out/ckpt.pt``, every ``ckpt_every`` steps)
lets the same command resume.
"""
from __future__ import annotations

import dataclasses
import json
import math
import os
import time

import numpy as np
import torch

from verifier.analysis.video.lite0 import IMAGENET_MEAN, IMAGENET_STD, EfficientNetLite0, load_imagenet

from .data import CACHE_MARGIN
from .evaluate import REAL_THRESHOLD, clip_scores, photo_pairs, summarise
from .folds import read_folds
from .package import load_eval, load_faces, load_start_weights
from .train import TrainConfig, draw_indices, held_out_photos, make_batch

ALL = "all"  # name of the model trained on every real clip


def clip_of(frame_path: str) -> str:
    """'video/real/x/y.mp4#12' -> 'real/x/y.mp4' (the folds.tsv key)."""
    return frame_path.split("#", 1)[0].removeprefix("video/")


def train_masks(paths: np.ndarray, is_video: np.ndarray, folds: list[dict], k: int, holdout_pct: int) -> dict[str, np.ndarray]:
    """Model name ('fold0'.. and :data:`ALL`) -> boolean mask of the faces it may train on."""
    fold_of = {r["path"]: r["fold"] for r in folds if r["label"] == "real"}
    face_fold = np.array([fold_of[clip_of(str(p))] if v else -1 for p, v in zip(paths, is_video)])
    if (is_video & (face_fold < 0)).any():
        raise ValueError("a video frame's clip has no fold")
    base = ~held_out_photos(paths, is_video, holdout_pct)
    masks = {f"fold{i}": base & (face_fold != i) for i in range(k)}
    masks[ALL] = base.copy()
    return masks


def fold_eval(ev: dict, folds: list[dict], fold: int) -> dict:
    """Only the clips of ``fold`` and the fakes without a group (fold −1): what one fold model
    can score cross-fitted."""
    fold_of = {r["path"]: r["fold"] for r in folds}
    keep = np.array([fold_of[str(p).removeprefix("video/")] in (fold, -1) for p in ev["path"]])
    new = -np.ones(len(keep), int)
    new[keep] = np.arange(int(keep.sum()))
    m = new[ev["clip"]] >= 0
    return {"crops": ev["crops"][m], "clip": new[ev["clip"][m]], **{k: ev[k][keep] for k in ("path", "label", "source")}}


def subset_eval(ev: dict, max_clips: int, size_px: int) -> dict:
    """At most ``max_clips`` evenly spread clips (0: all; for a quick smoke run on CPU), crops
    resized to the network input ``size_px`` where it differs from theirs."""
    n = len(ev["path"])
    if 0 < max_clips < n:
        keep = np.unique(np.linspace(0, n - 1, max_clips).round().astype(int))
        new = -np.ones(n, int)
        new[keep] = np.arange(len(keep))
        m = new[ev["clip"]] >= 0
        ev = {"crops": ev["crops"][m], "clip": new[ev["clip"][m]], **{k: ev[k][keep] for k in ("path", "label", "source")}}
    if len(ev["crops"]) and ev["crops"].shape[1] != size_px:
        import cv2

        ev = ev | {"crops": np.stack([cv2.resize(c, (size_px, size_px), interpolation=cv2.INTER_AREA) for c in ev["crops"]])}
    return ev


class _Batches(torch.utils.data.IterableDataset):
    """Step ``s`` -> (s, images uint8 (2n, S, S, 3), labels, face index per image) with the
    random stream ``default_rng([seed, s])``; worker ``w`` of ``W`` makes steps ``s ≡ w (mod W)``,
    so the DataLoader's round-robin yields the steps in order."""

    def __init__(self, crops, pts, is_video, pool, cfg: TrainConfig, start: int, stop: int):
        self.crops, self.pts, self.is_video, self.pool, self.cfg, self.start, self.stop = crops, pts, is_video, pool, cfg, start, stop

    def __iter__(self):
        import cv2

        info = torch.utils.data.get_worker_info()
        w, n = (info.id, info.num_workers) if info else (0, 1)
        cv2.setNumThreads(1)
        torch.set_num_threads(1)
        for s in range(self.start + w, self.stop, n):
            rng = np.random.default_rng([self.cfg.seed, s])
            idx = self.pool[draw_indices(self.is_video[self.pool], self.cfg.batch_pairs, self.cfg.video_share, rng)]
            x, y = make_batch(self.crops, self.pts, idx, self.cfg, rng)
            yield s, torch.from_numpy(x), torch.from_numpy(y), torch.from_numpy(np.repeat(idx, 2))


def _normalise(x: torch.Tensor) -> torch.Tensor:
    """uint8 NHWC on any device -> normalised float NCHW (channels-last memory)."""
    mean = torch.tensor(IMAGENET_MEAN, device=x.device).view(1, 3, 1, 1)
    std = torch.tensor(IMAGENET_STD, device=x.device).view(1, 3, 1, 1)
    return ((x.permute(0, 3, 1, 2).float() / 255.0 - mean) / std).contiguous(memory_format=torch.channels_last)


@torch.no_grad()
def score(model: EfficientNetLite0, crops: np.ndarray, device: str, batch: int = 256) -> np.ndarray:
    model.eval()
    out = []
    for i in range(0, len(crops), batch):
        x = _normalise(torch.from_numpy(np.ascontiguousarray(crops[i:i + batch])).to(device))
        with torch.autocast(device_type="cuda", dtype=torch.bfloat16, enabled=device.startswith("cuda")):
            out.append(torch.sigmoid(model(x).squeeze(1).float()).cpu().numpy())
    model.train()
    return np.concatenate(out) if out else np.zeros(0)


def crossfit_scores(clip_by_model: dict[str, np.ndarray], paths: np.ndarray, folds: list[dict], k: int) -> np.ndarray:
    """Per clip: the score of the fold model that did not train on the clip's group; fakes
    without a group: mean over the K fold models (nan where a model found no face; with one
    fold model, as in ``run(only_fold=...)``, that model's)."""
    fold_of = {r["path"]: r["fold"] for r in folds}
    fold_models = [m for m in clip_by_model if m.startswith("fold")]
    out = np.full(len(paths), np.nan)
    for j, p in enumerate(paths):
        f = fold_of[str(p).removeprefix("video/")]
        out[j] = clip_by_model[f"fold{f}"][j] if f >= 0 else np.nanmean([clip_by_model[m][j] for m in fold_models])
    return out


def crossfit_eval(models: dict[str, EfficientNetLite0], faces: dict, ev: dict, masks: dict, folds: list[dict], cfg: TrainConfig,
                  device: str, photo_n: int = 200, full: bool = True) -> dict:
    """The figures of the module docstring (``full=False``: clip figures only, for the
    progress curve)."""
    k = sum(m.startswith("fold") for m in models)
    n_clips = len(ev["path"])
    clip_by_model = {m: clip_scores(score(net, ev["crops"], device), ev["clip"], n_clips) for m, net in models.items()}
    cs = crossfit_scores(clip_by_model, ev["path"], folds, k)
    res = {"crossfit": summarise(cs, ev["label"], ev["source"], ev["path"])}
    fin = np.isfinite(cs)
    res["crossfit"]["median_real"] = float(np.median(cs[fin & (ev["label"] == "real")]))
    res["crossfit"]["median_fake"] = float(np.median(cs[fin & (ev["label"] == "fake")]))
    # the all-reals model: its fakes are unseen, its reals were trained on (in-sample; memorisation shows here)
    if ALL in clip_by_model:
        res[ALL + "_model_in_sample_reals"] = summarise(clip_by_model[ALL], ev["label"], ev["source"], ev["path"])
    if not full:
        return res
    res["per_clip"] = {str(p): {"crossfit": None if not np.isfinite(s) else round(float(s), 4),
                                **{m: None if not np.isfinite(c[j]) else round(float(c[j]), 4) for m, c in clip_by_model.items()}}
                       for j, (p, s) in enumerate(zip(ev["path"], cs))}
    held = held_out_photos(faces["path"], faces["is_video"], cfg.holdout_photo_pct)
    rng = np.random.default_rng(0)
    held_idx = np.sort(rng.choice(np.flatnonzero(held), min(photo_n, int(held.sum())), replace=False)) if held.any() else None
    fold_of = {r["path"]: r["fold"] for r in folds if r["label"] == "real"}
    face_fold = np.array([fold_of[clip_of(str(p))] if v else -1 for p, v in zip(faces["path"], faces["is_video"])])
    res["self_blend_detection"] = {}
    for m, net in models.items():
        net.eval()
        scorer = _CpuScorer(net, device)
        r = {}
        if held_idx is not None:
            r["held_out_photos"] = photo_pairs(scorer, faces["crops"][held_idx], faces["pts"][held_idx], cache_margin=CACHE_MARGIN,
                                               margin=cfg.margin, size_px=cfg.size_px)
        if m.startswith("fold"):  # its unseen fold's real video frames against their own self-blends
            vi = np.flatnonzero(face_fold == int(m[4:]))
            vi = np.sort(np.random.default_rng(1).choice(vi, min(photo_n, len(vi)), replace=False))
            r["held_out_video_frames"] = photo_pairs(scorer, faces["crops"][vi], faces["pts"][vi], cache_margin=CACHE_MARGIN,
                                                     margin=cfg.margin, size_px=cfg.size_px)
        res["self_blend_detection"][m] = r
        net.train()
    return res


class _CpuScorer:
    """Adapter: ``evaluate.photo_pairs`` calls ``score_crops(model, crops)`` on CPU tensors;
    this wraps a model on ``device`` so that call runs there."""

    def __init__(self, net, device):
        self.net, self.device = net, device

    def eval(self):
        return self

    def __call__(self, x):
        with torch.autocast(device_type="cuda", dtype=torch.bfloat16, enabled=self.device.startswith("cuda")):
            return self.net(x.to(self.device)).float().cpu()


def _lr(step: int, frac: float, cfg: TrainConfig, schedule: str) -> float:
    if step < cfg.warmup_steps:
        return cfg.lr * (step + 1) / cfg.warmup_steps
    t = min(1.0, frac) if schedule == "time" else min(1.0, (step - cfg.warmup_steps) / max(1, cfg.steps - cfg.warmup_steps))
    return cfg.lr * 0.5 * (1 + math.cos(math.pi * t))


def run(cfg: TrainConfig, *, package: str, folds_tsv: str, out: str, device: str = "cpu", k: int = 4, workers: int = 6,
        max_minutes: float = 4.5, schedule: str = "time", eval_every_minutes: float = 1.0, photo_n: int = 200,
        start_weights: str | None = None, eval_max_clips: int = 0, only_fold: int | None = None, log=print) -> dict:
    """Train K fold models + the all-reals model for at most ``max_minutes`` of wall time from
    the call (data loading included), evaluate, write ``out/results.json`` (also after each
    interim evaluation, so a killed run leaves figures) and ``out/sbi_all_fp16.pt``.
    ``only_fold``: train and evaluate that fold model alone (module docstring; no export)."""
    t_start = time.perf_counter()
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(cfg.seed)
    folds = read_folds(folds_tsv)
    faces = load_faces(os.path.join(package, "faces.npz"))
    ev = subset_eval(load_eval(os.path.join(package, "eval.npz")), eval_max_clips, cfg.size_px)
    masks = train_masks(faces["path"], faces["is_video"], folds, k, cfg.holdout_photo_pct)
    names = [f"fold{i}" for i in range(k)] + [ALL]
    if only_fold is not None:
        names = [f"fold{only_fold}"]
        ev = fold_eval(ev, folds, only_fold)
    pool = np.flatnonzero(masks[names[0] if only_fold is not None else ALL])
    log(f"{len(faces['path'])} faces ({int(faces['is_video'].sum())} video frames), pool {len(pool)}, "
        f"eval {len(ev['crops'])} crops of {len(ev['path'])} clips; loaded in {time.perf_counter() - t_start:.1f} s")
    state = load_start_weights(start_weights or os.path.join(package, "imagenet_fp16.pt"))
    models, opts = {}, {}
    for m in names:
        net = EfficientNetLite0(n_classes=1)
        load_imagenet(net, state, head=False)
        if cfg.init_from:  # warm start (a rounds 1-2 train.py checkpoint)
            net.load_state_dict(torch.load(cfg.init_from, map_location="cpu", weights_only=False)["model"])
        net.freeze_stem_and_blocks(cfg.freeze_blocks)
        net = net.to(device).to(memory_format=torch.channels_last)
        net.train()
        models[m] = net
        opts[m] = torch.optim.AdamW([p for p in net.parameters() if p.requires_grad], lr=cfg.lr, weight_decay=cfg.weight_decay)
    in_model = {m: torch.from_numpy(masks[m]) for m in names}
    ckpt_path = os.path.join(out, "ckpt.pt")
    ck = torch.load(ckpt_path, map_location="cpu", weights_only=False) if os.path.exists(ckpt_path) else None
    if ck is not None:
        if ck["config"] != dataclasses.asdict(cfg) or ck["names"] != names:
            raise ValueError(f"{ckpt_path} was made by another run (config or models differ)")
        for m in names:
            models[m].load_state_dict(ck["models"][m])
            opts[m].load_state_dict(ck["opts"][m])
        log(f"resuming at step {ck['step']} ({ck['train_elapsed'] / 60:.1f} of {ck['train_budget'] / 60:.1f} min trained)")
    results = ck["results"] if ck is not None else {}
    if cfg.init_from and "control" not in results:  # the warm-start model on the same clips, before any step
        results["control"] = crossfit_eval(models, faces, ev, masks, folds, cfg, device, photo_n=photo_n)
        c = results["control"]["crossfit"]
        log(f"control (warm start, no step): AUC {c['auc']:.3f}, DFL pairs {c['dfl_pairs']['fake_higher']}/{c['dfl_pairs']['n']}, "
            f"reals over {REAL_THRESHOLD}: {c['real_over_threshold']['all']['share']:.2f}; {time.perf_counter() - t_start:.0f} s so far")
    step0 = ck["step"] if ck is not None else 0
    loader = torch.utils.data.DataLoader(_Batches(faces["crops"], faces["pts"], faces["is_video"], pool, cfg, step0, cfg.steps),
                                         batch_size=None, num_workers=workers, pin_memory=device.startswith("cuda"),
                                         prefetch_factor=4 if workers else None, persistent_workers=False)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    budget = 60 * max_minutes
    t_train = time.perf_counter()
    train_budget = ck["train_budget"] if ck is not None else max(1.0, budget - (t_train - t_start))
    elapsed0 = ck["train_elapsed"] if ck is not None else 0.0
    results |= {"config": dataclasses.asdict(cfg), "k_folds": k, "device": device, "workers": workers, "schedule": schedule,
               "max_minutes": max_minutes, "n_faces": int(len(faces["path"])), "n_video_frames": int(faces["is_video"].sum()),
               "n_train_faces": {m: int(v.sum()) for m, v in masks.items()},
                "curve": results.get("curve", []), "only_fold": only_fold}
    hist = ck["hist"] if ck is not None else {m: [] for m in names}
    step, n_img, t_wait = step0, 0, 0.0
    next_eval = (math.floor(elapsed0 / (eval_every_minutes * 60)) + 1) * eval_every_minutes * 60

    def write(res):
        tmp = os.path.join(out, "results.json.tmp")
        with open(tmp, "w") as f:
            json.dump(res, f, indent=1)
        os.replace(tmp, os.path.join(out, "results.json"))

    ta = time.perf_counter()
    for s, x, y, idx in loader:
        t_wait += time.perf_counter() - ta
        elapsed = elapsed0 + time.perf_counter() - t_train
        lr = _lr(s, elapsed / train_budget, cfg, schedule)
        xb, yb = _normalise(x.to(device, non_blocking=True)), y.to(device, non_blocking=True)
        for m in names:
            sel = in_model[m][idx]
            if int(sel.sum()) < 2:  # batch norm needs two samples (only with tiny batches)
                continue
            sel = sel.to(device)
            for g in opts[m].param_groups:
                g["lr"] = lr
            with torch.autocast(device_type="cuda", dtype=torch.bfloat16, enabled=device.startswith("cuda")):
                logits = models[m](xb[sel]).squeeze(1).float()
            loss = loss_fn(logits, yb[sel])
            opts[m].zero_grad(set_to_none=True)
            loss.backward()
            opts[m].step()
            if (s + 1) % 20 == 0:
                hist[m].append((s + 1, round(loss.item(), 4), round(float(((logits.detach() > 0).float() == yb[sel]).float().mean()), 3)))
        step, n_img = s + 1, n_img + len(y)
        elapsed = elapsed0 + time.perf_counter() - t_train
        if step % 20 == 0 or step <= 3:
            t_call = time.perf_counter() - t_train
            log(f"{time.strftime('%H:%M:%S')} step {step} lr {lr:.2e} {n_img / t_call:.0f} img/s (data wait {t_wait / t_call:.0%}) "
                + " ".join(f"{m}:{hist[m][-1][1]:.3f}/{hist[m][-1][2]:.2f}" for m in names if hist[m]))
        stop = elapsed >= train_budget
        if step % cfg.ckpt_every == 0 or stop:
            _save({"models": {m: models[m].state_dict() for m in names}, "opts": {m: opts[m].state_dict() for m in names}, "names": names,
                   "config": dataclasses.asdict(cfg), "step": step, "train_elapsed": elapsed, "train_budget": train_budget,
                   "hist": hist, "results": results}, ckpt_path)
        if elapsed >= next_eval and not stop:
            r = crossfit_eval(models, faces, ev, masks, folds, cfg, device, full=False)
            c = r["crossfit"]
            results["curve"].append({"step": step, "minutes": round(elapsed / 60, 2), "auc": c["auc"], "dfl_pairs": c["dfl_pairs"]["fake_higher"],
                                     "real_over": c["real_over_threshold"]["all"]["share"], "median_real": c["median_real"],
                                     "median_fake": c["median_fake"],
                                     "auc_all_model_in_sample": r[ALL + "_model_in_sample_reals"]["auc"] if ALL in r else None})
            log(f"{time.strftime('%H:%M:%S')} eval at step {step}: {results['curve'][-1]}")
            write(results | {"steps_done": step, "partial": True, "history": hist})
            next_eval += eval_every_minutes * 60
        if stop:
            break
        ta = time.perf_counter()
    del loader
    t_eval = time.perf_counter()
    log(f"{time.strftime('%H:%M:%S')} training stopped at step {step}; final evaluation")
    results |= {"steps_done": step, "images_per_model": step * 2 * cfg.batch_pairs, "train_seconds": round(elapsed0 + time.perf_counter() - t_train, 1),
                "throughput_img_s": round(n_img / max(1e-9, time.perf_counter() - t_train), 1), "history": hist}
    results |= crossfit_eval(models, faces, ev, masks, folds, cfg, device, photo_n=photo_n)
    results["eval_seconds"] = round(time.perf_counter() - t_eval, 1)
    results["partial"] = False
    if ALL in models:
        _export_all(models[ALL], cfg, step, hist, results, out)
    results["total_seconds"] = round(time.perf_counter() - t_start, 1)
    write(results)
    c = results["crossfit"]
    log(f"{time.strftime('%H:%M:%S')} done: {step} steps; cross-fitted AUC {c['auc']:.3f}, DFL pairs {c['dfl_pairs']['fake_higher']}/"
        f"{c['dfl_pairs']['n']}, reals over {REAL_THRESHOLD}: {c['real_over_threshold']['all']['share']:.2f}, "
        f"median real {c['median_real']:.3f} fake {c['median_fake']:.3f}; total {results['total_seconds']} s")
    return results


def _save(obj, path: str) -> None:
    torch.save(obj, path + ".tmp")
    os.replace(path + ".tmp", path)


def _export_all(model, cfg: TrainConfig, step: int, hist: dict, results: dict, out: str) -> None:
    state = {kk: (v.detach().half().cpu() if v.is_floating_point() else v.cpu())
             for kk, v in model.state_dict().items() if not kk.endswith("num_batches_tracked")}
    torch.save({"model": state, "config": dataclasses.asdict(cfg), "step": step, "history": hist[ALL],
                "throughput_img_s": results["throughput_img_s"], "trained_on": "all real clips + packed photos (held-out identities excluded)"},
               os.path.join(out, "sbi_all_fp16.pt"))


def format_report(res: dict) -> str:
    """The figures of a ``results.json`` as text (``python -m training.sbi crossfit-report``)."""
    from .evaluate import format_summary

    c = res["crossfit"]
    lines = [f"{res['steps_done']} steps ({res.get('images_per_model', 0)} images a model, {res.get('throughput_img_s', 0)} img/s), "
             f"{'PARTIAL (interim) ' if res.get('partial') else ''}device {res['device']}",
             "cross-fitted (each clip by a model that never saw its scene/identity group):", format_summary(c),
             f"median real {c['median_real']:.3f}, median fake {c['median_fake']:.3f}"]
    a = res.get(ALL + "_model_in_sample_reals")
    if a:
        lines.append(f"all-clips model (its reals in training): AUC {a['auc']:.3f}, reals over {a['threshold']}: "
                     f"{a['real_over_threshold']['all']['share']:.2f}, DFL pairs {a['dfl_pairs']['fake_higher']}/{a['dfl_pairs']['n']}")
    for m, r in res.get("self_blend_detection", {}).items():
        lines.append(f"self-blends, {m}: " + "; ".join(f"{k} AUC {v['auc']:.3f} (n={v['n']}, reals over 0.5 {v['real_over_threshold']:.2f})"
                                                      for k, v in r.items()))
    ctl = res.get("control")
    if ctl:  # one-fold run: the warm-start model on the same clips, before any step
        cc = ctl["crossfit"]
        lines.append(f"control (warm start {res['config'].get('init_from')}, before fine-tuning): AUC {cc['auc']:.3f}, DFL pairs "
                     f"{cc['dfl_pairs']['fake_higher']}/{cc['dfl_pairs']['n']}, reals over {cc['threshold']}: "
                     f"{cc['real_over_threshold']['all']['share']:.2f}, median real {cc['median_real']:.3f}, fake {cc['median_fake']:.3f}")
        for m, r in ctl.get("self_blend_detection", {}).items():
            lines.append(f"control self-blends, {m}: " + "; ".join(f"{k} AUC {v['auc']:.3f} (n={v['n']})" for k, v in r.items()))
    for p in res.get("curve", []):
        lines.append(f"  curve: step {p['step']} ({p['minutes']} min) AUC {p['auc']:.3f}, DFL {p['dfl_pairs']}, reals over 0.5 {p['real_over']:.2f}")
    return "\n".join(lines)
