"""Cache of the frozen AASIST-L encoder's output for every pool window (the CPU back-end fine-tuning).

The graph back-end (``AASIST.back_end``: positional embedding, GATs, HS-GALs, graph pools,
master nodes, output layer) sees the encoder's map only through ``AASIST.nodes``: the
spectral nodes (max of |map| over time, 23 bands × 24 channels) and the temporal nodes (max
of |map| over frequency, 29 frames × 24 channels). Those 1,248 values per window are cached
(float32, so that the back-end on cached nodes reproduces the full network to ~1e-6), with the
pretrained network's logit difference, for the same windows as ``probe_cache.py`` (the
runtime's windows, ``kind`` 0, then RawBoost rounds, ``kind`` k ≥ 1, seeded by (seed, item, k)):
``probe_cache.build_cache`` with :func:`encoder_features`. The encoder runs in eval mode
(BatchNorm running statistics, no dropout), as it would stay frozen.

``--model aasist5`` (issue 22, variant 3): the same cache from the ASVspoof 5 AASIST (full
architecture read from its upstream ``.conf``: 64 encoder channels, so 52 × 64 = 3,328 values per
window), built by :func:`build_resumable`: the same windows in the same order and batches, saved
every few minutes to ``backend_cache.partial.npz`` so that a run stopped by ``--max-minutes`` (or
killed) continues where it stopped when re-run with the same arguments. The AASIST-L path is
unchanged.
"""
from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import asdict

import numpy as np

N_SPECTRAL = 23  # spectral nodes (verifier.analysis.voice.aasist.N_SPECTRAL_NODES)
N_TEMPORAL = 29  # temporal nodes of a 64,600-sample window: 64,472 sinc outputs // 3 (max-pool) then // 3 six times
N_CHANNELS = 24  # encoder output channels of AASIST-L (filts[-1][-1])
FEAT_DIM = (N_SPECTRAL + N_TEMPORAL) * N_CHANNELS  # 1,248 cached values per window

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED_AASIST5 = os.path.join(HERE, "..", "..", "..", "shared", "models", "aasist5")  # ../shared from the repo root
AASIST5_WEIGHTS = os.path.join(SHARED_AASIST5, "AASIST-ASVspoof5.pth")
AASIST5_CONF = os.path.join(SHARED_AASIST5, "AASIST_ASVspoof5.conf")
MODELS = ("aasist_l", "aasist5")  # starting points of the back-end runs


def node_shape(model) -> tuple[int, int, int]:
    """``(spectral nodes, temporal nodes, channels)`` of ``model`` on a 64,600-sample window."""
    return N_SPECTRAL, N_TEMPORAL, int(model.config.filts[-1][-1])


def _sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for b in iter(lambda: f.read(1 << 20), b""):
            h.update(b)
    return h.hexdigest()


def load_start_model(name: str, pool: str, weights: str | None = None, conf: str | None = None):
    """``(model in eval mode, info)`` of a starting point: ``aasist_l`` = the pool's ``AASIST-L.pth`` (the
    registry's checked copy); ``aasist5`` = the ASVspoof 5 AASIST, architecture from its upstream ``.conf``,
    weights checked against the registry entry's sha256 (``verifier/assets/models/aasist5.json``)."""
    from .train import load_model

    if name == "aasist_l":
        path = os.path.join(pool, "AASIST-L.pth")
        return load_model(path), {"name": name, "weights": os.path.abspath(path)}
    if name != "aasist5":
        raise ValueError(f"unknown model {name!r} (one of {MODELS})")
    from verifier.analysis import registry
    from verifier.analysis.voice.aasist import AasistConfig, load_aasist

    weights, conf = weights or AASIST5_WEIGHTS, conf or AASIST5_CONF
    sha = _sha256(weights)
    if sha != registry.entry("aasist5").sha256:
        raise SystemExit(f"{weights}: sha256 {sha} is not the registry's aasist5")
    config = AasistConfig.from_conf(conf)
    return load_aasist(weights, config), {"name": name, "weights": os.path.abspath(weights), "sha256": sha,
                                          "conf": os.path.abspath(conf), "model_config": asdict(config)}


def encoder_features(model, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(nodes [n, 1248] float32, logit difference [n] float32)`` of windows ``x`` [n, 64600], eval mode.

    ``nodes`` = spectral nodes [n, 23, 24] then temporal nodes [n, 29, 24], flattened
    (:func:`split_nodes` undoes it); the logit difference ``logit(spoof) − logit(bona fide)`` is
    the pretrained back-end's on those nodes, i.e. the full network's."""
    import torch

    from .train import BONAFIDE, SPOOF

    model.eval()
    with torch.inference_mode():
        s, t = model.nodes(model.embed(torch.from_numpy(np.ascontiguousarray(x, np.float32))))
        lg = model.back_end(s, t)
    ns, nt, nc = node_shape(model)
    if s.shape[1:] != (ns, nc) or t.shape[1:] != (nt, nc):
        raise ValueError(f"unexpected node shapes {tuple(s.shape)}, {tuple(t.shape)}: not {nc}-channel AASIST on 64,600 samples")
    nodes = torch.cat([s.reshape(len(s), -1), t.reshape(len(t), -1)], dim=1)
    return nodes.numpy().astype(np.float32), (lg[:, SPOOF] - lg[:, BONAFIDE]).numpy().astype(np.float32)


def split_nodes(feat, channels: int = N_CHANNELS):
    """Cached rows [n, 52 × channels] (numpy or torch) → ``(spectral [n, 23, channels], temporal [n, 29, channels])``
    (``channels`` 24 for AASIST-L, 64 for the full AASIST)."""
    n = feat.shape[0]
    k = N_SPECTRAL * channels
    return feat[:, :k].reshape(n, N_SPECTRAL, channels), feat[:, k:].reshape(n, N_TEMPORAL, channels)


def _segments(samples, offsets, meta, n_aug: int, seed: int):
    """The cache's windows in ``probe_cache.build_cache``'s order, as segments (kind, [(item, window maker)]):
    kind 0 = every item's runtime windows, then kind k = one RawBoost window per item (``aug_window``)."""
    from .pool import eval_windows
    from .probe_cache import aug_window

    clip = lambda i: samples[offsets[i]:offsets[i + 1]]  # noqa: E731
    runtime = []
    for i in range(len(meta)):
        for j in range(len(meta[i]["eval_starts"])):
            runtime.append((i, lambda i=i, j=j: eval_windows(clip(i).astype(np.float32) / 32767.0, meta[i]["eval_starts"])[j]))
    segs = [(0, runtime)]
    for k in range(1, n_aug + 1):
        segs.append((k, [(i, lambda i=i, k=k: aug_window(clip(i), i, k, seed)) for i in range(len(meta))]))
    return segs


def build_resumable(model, samples, offsets, meta, cfg, path: str, *, deadline: float, info: dict,
                    save_every_s: float = 300.0, features=None, log=print) -> bool:
    """Fill ``path`` (``backend_cache.npz`` + ``.json``) with the windows of ``build_cache`` (runtime windows,
    then ``cfg.n_aug`` RawBoost rounds, every round complete), batches of ``cfg.batch`` within a segment.

    Progress is kept in ``<path>.partial.npz`` (+ ``.json``), written every ``save_every_s`` and when
    ``deadline`` (``time.time()``) is reached; a later call with the same pool and settings continues from
    it. Returns True once the cache is complete (the partial files are then removed)."""
    features = features or encoder_features
    part = path[:-4] + ".partial"
    segs = _segments(samples, offsets, meta, cfg.n_aug, cfg.seed)
    total = sum(len(w) for _, w in segs)
    feats, logits, done, wall0 = [], [], 0, 0.0
    if os.path.exists(part + ".json"):
        with open(part + ".json", encoding="utf-8") as f:
            p = json.load(f)
        if p["ids"] != info["ids"] or p["config"]["seed"] != cfg.seed or p["config"]["batch"] != cfg.batch \
                or p["config"]["n_aug"] != cfg.n_aug or p["model"] != info["model"]:
            raise SystemExit(f"{part}.json was made with another pool, model or settings: remove it to start again")
        done, wall0 = int(p["done"]), float(p["wall_s"])
        if done:
            z = np.load(part + ".npz")
            feats, logits = [z["feat"]], [z["logit"]]
            if len(z["logit"]) != done:
                raise SystemExit(f"{part}.npz holds {len(z['logit'])} windows, its .json says {done}")
        log(f"resuming at window {done} of {total} ({wall0:.0f} s spent before)")
    t0 = last = time.time()

    def save():
        if feats:
            np.savez(part + ".npz", feat=np.concatenate(feats), logit=np.concatenate(logits))
        with open(part + ".json", "w", encoding="utf-8") as f:
            json.dump({**info, "config": asdict(cfg), "done": done, "wall_s": round(wall0 + time.time() - t0, 1)}, f)

    pos = 0
    for kind, wins in segs:
        for s in range(0, len(wins), cfg.batch):
            n = min(cfg.batch, len(wins) - s)
            if pos + n <= done:  # done in an earlier call
                pos += n
                continue
            if time.time() >= deadline:
                save()
                log(f"stopped at window {done} of {total} (cap): re-run the same command to continue")
                return False
            f, d = features(model, np.stack([w() for _, w in wins[s:s + n]]))
            feats.append(f)
            logits.append(d)
            pos += n
            done = pos
            if time.time() - last >= save_every_s:
                save()
                last = time.time()
                log(f"{done} of {total} windows ({wall0 + time.time() - t0:.0f} s)")
    owner = np.concatenate([np.asarray([i for i, _ in w], np.int32) for _, w in segs])
    kind = np.concatenate([np.full(len(w), k, np.int16) for k, w in segs])
    np.savez_compressed(path, feat=np.concatenate(feats), logit=np.concatenate(logits), item=owner, kind=kind)
    with open(path[:-4] + ".json", "w", encoding="utf-8") as f:
        json.dump({**info, "config": asdict(cfg), "n_aug_done": cfg.n_aug, "wall_s": round(wall0 + time.time() - t0, 1)},
                  f, ensure_ascii=False)
    for ext in (".npz", ".json"):
        if os.path.exists(part + ext):
            os.remove(part + ext)
    log(f"wrote {path}: {total} windows, {cfg.n_aug} augmented round(s), {wall0 + time.time() - t0:.0f} s in all")
    return True


def run(a) -> int:
    """Command ``backend-cache`` (see training/voice/__main__.py): writes ``OUT/backend_cache.npz`` (+ ``.json``).

    ``--model aasist_l`` (default): ``probe_cache.run`` with :func:`encoder_features`, as before.
    ``--model aasist5``: :func:`build_resumable` (every round complete; re-run to continue after the cap)."""
    if getattr(a, "model", "aasist_l") == "aasist_l":
        from .probe_cache import run as run_cache

        return run_cache(a, features=encoder_features, name="backend_cache")
    import torch

    from .pool import load
    from .probe_cache import CacheConfig

    torch.set_num_threads(1)
    torch.manual_seed(0)
    if a.extend:
        raise SystemExit("--extend is for the AASIST-L cache; with --model aasist5 re-run to continue")
    t0 = time.time()
    cfg = CacheConfig(n_aug=a.n_aug, seed=a.seed, max_minutes=a.max_minutes)
    samples, offsets, meta, _ = load(os.path.join(a.pool, "pool.npz"))
    model, minfo = load_start_model(a.model, a.pool, a.weights, a.conf)
    info = {"ids": [m["id"] for m in meta], "pool": os.path.abspath(a.pool), "model": minfo,
            "node_shape": list(node_shape(model))}
    os.makedirs(a.out, exist_ok=True)
    log = lambda m: print(f"{time.strftime('%H:%M:%S')} {m}", flush=True)  # noqa: E731
    done = build_resumable(model, samples, offsets, meta, cfg, os.path.join(a.out, "backend_cache.npz"),
                           deadline=t0 + 60 * cfg.max_minutes, info=info, log=log)
    return 0 if done else 3
