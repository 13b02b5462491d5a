"""AASIST-L's graph back-end fine-tuned on cached encoder nodes, leave-one-generator-family-out (the CPU run).

Everything after the convolutional encoder (``AASIST.back_end``: positional embedding, both
GAT layers, the four HS-GAL layers, graph pools, master nodes, output layer; 34,512 of the
85,306 parameters) is trained from the published weights, the encoder staying frozen, on the
nodes cached once per window by ``backend_cache.py``. Per fold (``families.split``, the same
14 folds + the whole-pool model as ``logo.py`` and ``probe.py``):

* batches of :attr:`BackendConfig.batch` cached windows, half fake half real, a group (family /
  real group) drawn uniformly, then an item, then one of its cached windows (runtime or
  RawBoost), as ``train.WindowSampler`` draws; weighted cross-entropy (spoof 0.4, bona fide 0.6)
  and Adam, as ``train.py``; dropout on, BatchNorm running statistics frozen (see the config);
* the number of steps is chosen among :attr:`BackendConfig.step_grid` (0 = keep the published
  back-end) by an inner group cross-validation on the fold's training items only
  (StratifiedGroupKFold over generator families / real groups, so inner folds also hold out whole
  generators; item AUC with the runtime's windows and median); the fold's model is then trained on
  all its training items for that many steps;
* held-out items are scored in eval mode with the runtime's windows and median, pretrained and
  fine-tuned alike (the pretrained logits are the cache's, i.e. the full network's);
* the fine-tuned model's Platt calibration is fitted on cross-fitted scores of the fold's
  training originals (each scored by the inner model that did not see its group), as in
  ``probe.py``; the pretrained one's on its plain logits.

``run`` writes ``logo.json`` in ``logo.py``'s format (``python -m training.voice report`` renders
it) and, only if the decision rule keeps the fine-tuned model, the whole-pool model's full
AASIST-L state dict.

Issue 22, variant 3: ``--model aasist5`` starts from the ASVspoof 5 AASIST (its cache from
``backend-cache --model aasist5``), everything else unchanged; ``--baseline-cache`` takes the
"pretrained" column (the rule's baseline) from AASIST-L's cache of the same pool, so the rule
compares against the shipped network; ``--resume-dir`` keeps each finished fold so that a stopped
run continues.
"""
from __future__ import annotations

import copy
import dataclasses
import json
import os
import time
from dataclasses import dataclass

import numpy as np

from .families import FAMILIES, FINAL, split
from .probe import fold_items_and_calibrations, group_of, item_scores

ENCODER_PREFIXES = ("conv_time.", "first_bn.", "encoder.")  # frozen: the cache holds their output


@dataclass(frozen=True)
class BackendConfig:
    """Settings set by hand (not on the LOGO folds); only the step count is chosen, by inner group-CV."""

    step_grid: tuple = (0, 50, 100, 200, 400)  # candidate step counts; 0 keeps the published back-end
    batch: int = 24  # windows per step, half fake half real (train.TrainConfig.batch)
    lr: float = 1e-4  # Adam (train.TrainConfig.lr)
    weight_decay: float = 1e-4  # train.TrainConfig.weight_decay
    class_weights: tuple = (0.4, 0.6)  # CE weights of (spoof, bona fide), train.TrainConfig.class_weights
    train_batchnorm: bool = False  # False: BatchNorm keeps its published running statistics (batches of 24 windows
    # from ~250 items would replace ASVspoof's statistics with noisy ones); its scale and shift still train
    inner_splits: int = 4  # StratifiedGroupKFold splits of the inner CV
    seed: int = 0

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


def backend_parameters(model) -> list:
    """The trainable parameters after the encoder (everything but the sinc front-end, first BN and encoder)."""
    return [p for n, p in model.named_parameters() if not n.startswith(ENCODER_PREFIXES)]


def set_train_mode(model, train_batchnorm: bool = False):
    """Training mode for dropout; BatchNorm layers stay in eval mode unless ``train_batchnorm``."""
    import torch

    model.train()
    if not train_batchnorm:
        for m in model.modules():
            if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
                m.eval()
    return model


class NodeSampler:
    """Class- and group-balanced batches of cached window rows (as ``train.WindowSampler``).

    Half a batch is fakes, half reals; for each row a group (family / real group) is drawn
    uniformly, then an item of it, then one of that item's cached windows."""

    def __init__(self, cache_item: np.ndarray, meta: list[dict], items, seed: int = 0):
        rows = {}
        for r, i in enumerate(np.asarray(cache_item)):
            rows.setdefault(int(i), []).append(r)
        self.rows = {i: np.asarray(rows[i]) for i in items if i in rows}
        self.groups = {"fake": {}, "real": {}}
        for i in self.rows:
            self.groups[meta[i]["label"]].setdefault(group_of(meta[i]), []).append(i)
        if not self.groups["fake"] or not self.groups["real"]:
            raise ValueError("the training items must hold both classes")
        self.group_lists = {lab: [v for _, v in sorted(g.items())] for lab, g in self.groups.items()}
        self.rng = np.random.default_rng(seed)

    def _draw(self, label: str, n: int) -> list[int]:
        lists = self.group_lists[label]
        out = []
        for _ in range(n):
            items = lists[self.rng.integers(len(lists))]
            rows = self.rows[items[self.rng.integers(len(items))]]
            out.append(int(rows[self.rng.integers(len(rows))]))
        return out

    def batch(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        """``(cache rows [n], y [n])``: n // 2 fakes (class 0, spoof), the rest reals (class 1)."""
        from .train import BONAFIDE, SPOOF

        rows = self._draw("fake", n // 2) + self._draw("real", n - n // 2)
        return np.asarray(rows), np.asarray([SPOOF] * (n // 2) + [BONAFIDE] * (n - n // 2))


def window_logits(model, S, T, rows=None, chunk: int = 512) -> np.ndarray:
    """``logit(spoof) − logit(bona fide)`` of the back-end (eval mode) on cached nodes ``S``, ``T`` (torch)."""
    import torch

    from .train import BONAFIDE, SPOOF

    model.eval()
    idx = np.arange(len(S)) if rows is None else np.asarray(rows)
    out = []
    with torch.inference_mode():
        for s in range(0, len(idx), chunk):
            r = torch.from_numpy(idx[s:s + chunk])
            lg = model.back_end(S[r], T[r])
            out.append((lg[:, SPOOF] - lg[:, BONAFIDE]).numpy())
    return np.concatenate(out) if out else np.zeros(0)


def item_logits(model, S, T, cache: dict, items) -> np.ndarray:
    """Per item: the median over its runtime windows (cache ``kind`` 0) of the back-end's logit difference."""
    rows = np.flatnonzero((cache["kind"] == 0) & np.isin(cache["item"], items))
    return item_scores(window_logits(model, S, T, rows), cache["item"][rows], items)


def train_backend(model, S, T, sampler: NodeSampler, cfg: BackendConfig, steps: int, *, on_step=None) -> list[float]:
    """Train ``model``'s back-end in place for ``steps`` steps on cached nodes; returns the losses.

    ``on_step(k, model)`` is called after ``k`` steps for every ``k`` in ``cfg.step_grid`` up to
    ``steps`` (``k = 0`` before any step), so that one run gives every checkpoint of the grid."""
    import torch
    import torch.nn.functional as F

    torch.manual_seed(cfg.seed)
    opt = torch.optim.Adam(backend_parameters(model), lr=cfg.lr, weight_decay=cfg.weight_decay)
    w = torch.tensor(cfg.class_weights, dtype=torch.float32)
    checkpoints = {k for k in cfg.step_grid if k <= steps}
    losses = []
    for step in range(steps + 1):
        if on_step is not None and step in checkpoints:
            on_step(step, model)
        if step == steps:
            break
        rows, y = sampler.batch(cfg.batch)
        r = torch.from_numpy(rows)
        set_train_mode(model, cfg.train_batchnorm)
        loss = F.cross_entropy(model.back_end(S[r], T[r]), torch.from_numpy(y), weight=w)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        losses.append(float(loss.detach()))
    model.eval()
    return losses


def inner_splits(meta: list[dict], train: list[int], cfg: BackendConfig, seed: int):
    """The inner CV's (train items, test items) over ``train`` (StratifiedGroupKFold by family / real group)."""
    from sklearn.model_selection import StratifiedGroupKFold

    y = np.array([int(meta[i]["label"] == "fake") for i in train])
    g = np.array([group_of(meta[i]) for i in train])
    k = min(cfg.inner_splits, len(np.unique(g[y == 1])), len(np.unique(g[y == 0])))
    cv = StratifiedGroupKFold(n_splits=k, shuffle=True, random_state=seed)
    tr_items = np.asarray(train)
    return [(tr_items[a].tolist(), tr_items[b].tolist()) for a, b in cv.split(tr_items, y, g)]


def _auc(meta, items, scores) -> float | None:
    from sklearn.metrics import roc_auc_score

    y = [int(meta[i]["label"] == "fake") for i in items]
    return float(roc_auc_score(y, scores)) if len(set(y)) == 2 else None


def fit_fold(pretrained, S, T, cache: dict, meta: list[dict], train: list[int], cfg: BackendConfig, seed: int):
    """Choose the step count by inner group-CV, then train on all of ``train``.

    Returns ``(model, steps, inner_auc {steps: mean AUC}, cross-fitted item scores {item: logit} at the
    chosen steps, losses)``. Every run starts from a fresh copy of ``pretrained``."""
    max_steps = max(cfg.step_grid)
    inner_scores = {k: {} for k in cfg.step_grid}
    aucs = {k: [] for k in cfg.step_grid}
    for j, (tr, te) in enumerate(inner_splits(meta, train, cfg, seed)):
        model = copy.deepcopy(pretrained)
        sampler = NodeSampler(cache["item"], meta, tr, seed=seed * 1000 + j + 1)

        def checkpoint(k, m, te=te):
            s = item_logits(m, S, T, cache, te)
            inner_scores[k].update(zip(te, s.tolist()))
            a = _auc(meta, te, s)
            if a is not None:
                aucs[k].append(a)

        train_backend(model, S, T, sampler, dataclasses.replace(cfg, seed=seed * 1000 + j + 1), max_steps, on_step=checkpoint)
    inner_auc = {k: float(np.mean(v)) if v else float("nan") for k, v in aucs.items()}
    steps = max(cfg.step_grid, key=lambda k: (np.nan_to_num(inner_auc[k], nan=-1.0), -k))  # ties: fewer steps
    model = copy.deepcopy(pretrained)
    losses = train_backend(model, S, T, NodeSampler(cache["item"], meta, train, seed=seed * 1000),
                           dataclasses.replace(cfg, seed=seed * 1000), steps)
    return model, steps, inner_auc, inner_scores[steps], losses


def run_fold(pretrained, S, T, cache: dict, meta: list[dict], fold: str, cfg: BackendConfig, seed: int = 0,
             baseline: dict | None = None):
    """One LOGO fold (or ``FINAL``) in ``logo.run_job``'s result format, and the fold's model.

    ``baseline`` (arrays ``logit``, ``item``, ``kind`` of another cache of the same pool, e.g. AASIST-L's):
    the "pretrained" column and its calibration come from its runtime windows instead of ``cache``'s."""
    t0 = time.time()
    train, eval_fake, eval_real = split(meta, fold)
    ev = eval_fake + eval_real
    model, steps, inner_auc, crossfit, losses = fit_fold(pretrained, S, T, cache, meta, train, cfg, seed)
    base = cache if baseline is None else baseline
    k0 = base["kind"] == 0
    lg_pre = item_scores(base["logit"][k0], base["item"][k0], ev)
    lg_ft = item_logits(model, S, T, cache, ev)
    out = {"fold": fold, "train_items": len(train),
           "train": {"steps": steps, "inner_auc": {str(k): v for k, v in inner_auc.items()},
                     "loss_first50": float(np.mean(losses[:50])) if losses else None,
                     "loss_last50": float(np.mean(losses[-50:])) if losses else None,
                     "windows": int(np.isin(cache["item"], train).sum()), "seconds": round(time.time() - t0, 1)},
           "config": cfg.to_dict(), **fold_items_and_calibrations(meta, base, train, ev, crossfit, lg_pre, lg_ft)}
    return out, model


def load_cache(path: str):
    """``(cache dict of numpy arrays, S torch [N, 23, 24], T torch [N, 29, 24], info)`` of a ``backend_cache.npz``."""
    import torch

    from .backend_cache import split_nodes

    z = np.load(path)
    cache = {k: z[k] for k in ("feat", "logit", "item", "kind")}
    with open(path[:-4] + ".json", encoding="utf-8") as f:
        info = json.load(f)
    if "node_shape" in info:  # the caches of other starting points (backend-cache --model aasist5)
        S, T = split_nodes(torch.from_numpy(np.ascontiguousarray(cache["feat"], np.float32)), info["node_shape"][2])
    else:
        S, T = split_nodes(torch.from_numpy(np.ascontiguousarray(cache["feat"], np.float32)))
    return cache, S.contiguous(), T.contiguous(), info


def run(a) -> int:
    """Command ``backend-logo`` (see training/voice/__main__.py)."""
    import torch

    from .backend_cache import load_start_model
    from .logo import runtime_rule, summarise

    torch.set_num_threads(1)
    t0 = time.time()
    with open(os.path.join(a.pool, "pool.json"), encoding="utf-8") as f:
        meta = json.load(f)["items"]
    cache, S, T, cache_info = load_cache(a.cache)
    if cache_info["ids"] != [m["id"] for m in meta]:
        raise SystemExit("the cache was made from another pool")
    model_name = getattr(a, "model", "aasist_l")
    if cache_info.get("model", {}).get("name", "aasist_l") != model_name:
        raise SystemExit(f"the cache holds {cache_info.get('model', {}).get('name', 'aasist_l')}'s nodes, not {model_name}'s")
    baseline = None
    if getattr(a, "baseline_cache", None):
        z = np.load(a.baseline_cache)
        baseline = {k: z[k] for k in ("logit", "item", "kind")}
        with open(a.baseline_cache[:-4] + ".json", encoding="utf-8") as f:
            if json.load(f)["ids"] != cache_info["ids"]:
                raise SystemExit("the baseline cache was made from another pool")
    cfg = BackendConfig(seed=a.seed)
    if a.steps is not None:
        cfg = dataclasses.replace(cfg, step_grid=(a.steps,))
    pretrained, model_info = load_start_model(model_name, a.pool, getattr(a, "weights", None), getattr(a, "conf", None))
    pretrained.eval()
    resume = getattr(a, "resume_dir", None)
    if resume:
        os.makedirs(resume, exist_ok=True)
    folds_todo = [f.strip() for f in a.folds.split(",") if f.strip()] or list(FAMILIES) + [FINAL]
    folds, models = {}, {}
    for fold in folds_todo:
        done = os.path.join(resume, f"{fold}.json") if resume else None
        if done and os.path.exists(done):  # finished by an earlier call (--resume-dir)
            with open(done, encoding="utf-8") as f:
                folds[fold] = json.load(f)
            print(f"{fold}: done earlier ({done})", flush=True)
            continue
        folds[fold], models[fold] = run_fold(pretrained, S, T, cache, meta, fold, cfg, a.seed, baseline)
        if done:
            if fold == FINAL:
                torch.save({k: v.detach().float().cpu() for k, v in models[fold].state_dict().items()},
                           os.path.join(resume, "final_model.pth"))
            with open(done + ".tmp", "w", encoding="utf-8") as f:
                json.dump(folds[fold], f, ensure_ascii=False)
            os.replace(done + ".tmp", done)
        tr = folds[fold]["train"]
        print(f"{time.strftime('%H:%M:%S')} {fold}: {tr['steps']} steps (inner AUC "
              f"{ {k: round(v, 3) for k, v in tr['inner_auc'].items()} }), {tr['seconds']} s", flush=True)
    rule = runtime_rule()
    results = {f: r for f, r in folds.items() if f != FINAL}
    doc = {"config": {"head": "graph_backend", "device": "cpu", "procs": 1, "budget_s_per_job": None,
                      "batch": cfg.batch, "lr": cfg.lr, "seed": a.seed, "backend": cfg.to_dict(),
                      "cache": cache_info["config"], "n_aug_done": cache_info["n_aug_done"],
                      "cache_wall_s": cache_info["wall_s"], "n_cached_windows": int(len(cache["item"])),
                      **({"start_model": model_info} if model_name != "aasist_l" else {}),
                      **({"baseline_cache": os.path.abspath(a.baseline_cache)} if baseline is not None else {})},
           "runtime_rule": rule, "errors": {}, "folds": results,
           "final": {k: v for k, v in folds[FINAL].items() if k != "items"} if FINAL in folds else None,
           "summary": summarise(results, rule) if results else None, "wall_s": round(time.time() - t0, 1)}
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "logo.json"), "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False)
    s = doc["summary"]
    if s is None:
        return 0
    if s["decision"]["keep_fine_tuned"] and FINAL in folds:
        if FINAL in models:
            state = {k: v.detach().float().cpu() for k, v in models[FINAL].state_dict().items()}
        else:
            state = torch.load(os.path.join(resume, "final_model.pth"), weights_only=True)
        torch.save(state, os.path.join(a.out, f"{model_name}_backend_ft.pth"))
    print(f"wrote {a.out}/logo.json in {doc['wall_s']} s; mean AUC pre {s['mean_auc_pre_all']:.3f} ft "
          f"{s['mean_auc_ft_all']:.3f} (vi {s['mean_auc_pre_vietnamese']:.3f} → {s['mean_auc_ft_vietnamese']:.3f}); "
          f"reals high {s['real_high_pre_foldcal']} → {s['real_high_ft_foldcal']} of {s['n_real_real']}; "
          f"decision {s['decision']}")
    return 0
