"""Cache of the frozen AASIST-L's last hidden vector for every pool window (the CPU linear probe).

One forward pass per window gives both the pretrained network's logit difference
``logit(spoof) − logit(bona fide)`` (the runtime's score) and the 120-value readout that the
output layer sees (``AASIST.out_layer``'s input, eval mode, so no dropout): the features of
the linear probe (``probe.py``). Two kinds of windows per pool item:

* ``kind == 0``: the runtime's windows (``eval_starts``, ``pool.eval_windows``): evaluation,
  and clean training windows;
* ``kind == k >= 1``: the k-th augmented random window for training: a random start (clips
  shorter than a window wrap, as in ``train.WindowSampler``), then RawBoost and a random gain
  (``rawboost.rawboost``), from a generator seeded by ``(seed, item, k)`` alone, so any
  window is reproducible whatever the order or batching.

Measured here (2026-11-30, 2 shared cores at load ~7, torch 1 thread): ~1.25 s per window,
so the runtime's 413 windows take ~9 min; augmented rounds are added while the wall-clock
cap allows (each round = one window per item).
"""
from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass

import numpy as np

from .pool import WINDOW_SAMPLES, eval_windows

SEED_STRIDE = 1_000_003  # (seed, item, k) → one generator seed; a prime larger than any item count × rounds


@dataclass(frozen=True)
class CacheConfig:
    """Settings of the cache (set by hand to fit the CPU budget, not tuned on the folds)."""

    n_aug: int = 4  # augmented random windows per item at most (rounds stop at the wall-clock cap)
    seed: int = 0
    batch: int = 8  # windows per forward pass
    max_minutes: float = 20.0  # wall-clock cap (the brief's CPU budget for the cache)


def aug_window(clip: np.ndarray, item: int, k: int, seed: int = 0) -> np.ndarray:
    """The ``k``-th augmented training window of pool item ``item`` (int16 or float ``clip``).

    Returns float32 [64600], RawBoost-augmented with a random gain, clipped to [-1, 1];
    identical for identical ``(clip, item, k, seed)``."""
    import torch

    from .rawboost import rawboost

    y = np.asarray(clip)
    y = y.astype(np.float32) / 32767.0 if y.dtype == np.int16 else y.astype(np.float32)
    g = torch.Generator().manual_seed((seed * SEED_STRIDE + item) * 101 + k)
    span = max(len(y) - WINDOW_SAMPLES, 0) + 1
    start = int(torch.randint(span, (1,), generator=g))
    pos = (start + np.arange(WINDOW_SAMPLES)) % len(y)
    x = torch.from_numpy(np.ascontiguousarray(y[pos]))[None]
    return rawboost(x, g)[0].numpy()


def window_features(model, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(readout [n, d] float32, logit difference [n] float32)`` of windows ``x`` [n, 64600]:
    the input of ``model.out_layer`` and ``logit(spoof) − logit(bona fide)``, eval mode."""
    import torch

    from .train import BONAFIDE, SPOOF

    model.eval()
    got = []
    h = model.out_layer.register_forward_pre_hook(lambda _m, inp: got.append(inp[0].detach().clone()))
    try:
        with torch.inference_mode():
            lg = model(torch.from_numpy(np.ascontiguousarray(x, np.float32)))
    finally:
        h.remove()
    return got[0].numpy().astype(np.float32), (lg[:, SPOOF] - lg[:, BONAFIDE]).numpy().astype(np.float32)


def _run(model, wins, feats, logits, batch, features=None):
    for s in range(0, len(wins), batch):
        f, d = (features or window_features)(model, np.stack(wins[s:s + batch]))
        feats.append(f)
        logits.append(d)


def build_cache(model, samples: np.ndarray, offsets: np.ndarray, meta: list[dict], cfg: CacheConfig = CacheConfig(),
                *, items=None, deadline: float | None = None, log=print, features=None) -> dict:
    """Features of every item's runtime windows (``kind`` 0), then augmented rounds ``kind`` 1..n_aug.

    ``features(model, x) -> (feat [n, d], logit difference [n])`` (default :func:`window_features`;
    ``backend_cache.encoder_features`` for the back-end cache).

    A round is kept only when complete (one window for every item); rounds stop at
    ``deadline`` (``time.time()``). Returns arrays ``feat`` [N, d], ``logit`` [N], ``item`` [N],
    ``kind`` [N] and ``n_aug_done``."""
    items = list(range(len(meta))) if items is None else list(items)
    clip = lambda i: samples[offsets[i]:offsets[i + 1]]  # noqa: E731
    feats, logits, owner, kind = [], [], [], []
    t0 = time.time()
    wins = []
    for i in items:
        w = eval_windows(clip(i).astype(np.float32) / 32767.0, meta[i]["eval_starts"])
        wins += list(w)
        owner += [i] * len(w)
    kind += [0] * len(wins)
    _run(model, wins, feats, logits, cfg.batch, features)
    log(f"runtime windows: {len(wins)} in {time.time() - t0:.0f} s")
    out = {"feat": np.concatenate(feats), "logit": np.concatenate(logits), "item": np.asarray(owner, np.int32),
           "kind": np.asarray(kind, np.int16), "n_aug_done": 0}
    return add_rounds(model, samples, offsets, out, cfg, items=items, seconds_per_window=(time.time() - t0) / max(len(wins), 1),
                      deadline=deadline, log=log, features=features)


def add_rounds(model, samples: np.ndarray, offsets: np.ndarray, cache: dict, cfg: CacheConfig, *, items,
               seconds_per_window: float, deadline: float | None = None, log=print, features=None) -> dict:
    """Append augmented rounds ``cache["n_aug_done"] + 1 .. cfg.n_aug`` (one window per item each) to ``cache``,
    while a whole round (estimated at ``seconds_per_window``) fits before ``deadline``."""
    feats, logits = [cache["feat"]], [cache["logit"]]
    owner, kind = [cache["item"]], [cache["kind"]]
    done, t0 = cache["n_aug_done"], time.time()
    clip = lambda i: samples[offsets[i]:offsets[i + 1]]  # noqa: E731
    for k in range(done + 1, cfg.n_aug + 1):
        per_round = seconds_per_window * len(items)
        if deadline is not None and time.time() + per_round > deadline:
            log(f"stopping before augmented round {k}: ~{per_round:.0f} s needed, cap reached")
            break
        f_k, l_k = [], []
        _run(model, [aug_window(clip(i), i, k, cfg.seed) for i in items], f_k, l_k, cfg.batch, features)
        feats += f_k
        logits += l_k
        owner.append(np.asarray(items, np.int32))
        kind.append(np.full(len(items), k, np.int16))
        done = k
        log(f"augmented round {k}: {len(items)} windows in {time.time() - t0:.0f} s")
    return {"feat": np.concatenate(feats), "logit": np.concatenate(logits), "item": np.concatenate(owner).astype(np.int32),
            "kind": np.concatenate(kind).astype(np.int16), "n_aug_done": done}


def run(a, features=None, name: str = "probe_cache") -> int:
    """Command ``probe-cache`` (see training/voice/__main__.py): writes ``OUT/<name>.npz`` (+ ``.json``);
    ``backend-cache`` is the same with ``backend_cache.encoder_features``."""
    import torch

    from .pool import load
    from .train import load_model

    torch.set_num_threads(1)
    torch.manual_seed(0)
    cfg = CacheConfig(n_aug=a.n_aug, seed=a.seed, max_minutes=a.max_minutes)
    t0 = time.time()
    samples, offsets, meta, _ = load(os.path.join(a.pool, "pool.npz"))
    model = load_model(os.path.join(a.pool, "AASIST-L.pth"))
    log = lambda m: print(f"{time.strftime('%H:%M:%S')} {m}", flush=True)  # noqa: E731
    path = os.path.join(a.out, name + ".npz")
    deadline = t0 + 60 * cfg.max_minutes
    info = {"config": asdict(cfg), "ids": [m["id"] for m in meta], "pool": os.path.abspath(a.pool), "wall_s": 0.0}
    if a.extend:  # add augmented rounds to the cache already there (same pool, same seed)
        with open(path[:-4] + ".json", encoding="utf-8") as f:
            info = json.load(f)
        z = np.load(path)
        c = {k: z[k] for k in ("feat", "logit", "item", "kind")}
        c["n_aug_done"] = info["n_aug_done"]
        if info["ids"] != [m["id"] for m in meta] or info["config"]["seed"] != cfg.seed:
            raise SystemExit("--extend needs the same pool and seed as the cache")
        n0 = int((c["kind"] == 0).sum())
        c = add_rounds(model, samples, offsets, c, cfg, items=list(range(len(meta))),
                       seconds_per_window=info["wall_s"] / max(n0, 1), deadline=deadline, log=log, features=features)
        info["config"]["n_aug"] = cfg.n_aug
    else:
        c = build_cache(model, samples, offsets, meta, cfg, deadline=deadline, log=log, features=features)
    os.makedirs(a.out, exist_ok=True)
    np.savez_compressed(path, **{k: v for k, v in c.items() if k != "n_aug_done"})
    info["n_aug_done"] = c["n_aug_done"]
    info["wall_s"] = round(info["wall_s"] + time.time() - t0, 1)
    with open(path[:-4] + ".json", "w", encoding="utf-8") as f:
        json.dump(info, f, ensure_ascii=False)
    log(f"wrote {path}: {len(c['item'])} windows, {c['n_aug_done']} augmented rounds, {time.time() - t0:.0f} s")
    return 0
