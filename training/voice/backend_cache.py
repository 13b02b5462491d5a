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
"""
from __future__ import annotations

import numpy as np

N_SPECTRAL = 23  # spectral nodes (verifier.analysis.voice.aasist.N_SPECTRAL_NODES)
N_TEMPORAL = 29  # temporal nodes of a 64,600-sample window: 64,472 sinc outputs // 3 (max-pool) then // 3 six times
N_CHANNELS = 24  # encoder output channels of AASIST-L (filts[-1][-1])
FEAT_DIM = (N_SPECTRAL + N_TEMPORAL) * N_CHANNELS  # 1,248 cached values per window


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
    if s.shape[1:] != (N_SPECTRAL, N_CHANNELS) or t.shape[1:] != (N_TEMPORAL, N_CHANNELS):
        raise ValueError(f"unexpected node shapes {tuple(s.shape)}, {tuple(t.shape)}: not AASIST-L on 64,600 samples")
    nodes = torch.cat([s.reshape(len(s), -1), t.reshape(len(t), -1)], dim=1)
    return nodes.numpy().astype(np.float32), (lg[:, SPOOF] - lg[:, BONAFIDE]).numpy().astype(np.float32)


def split_nodes(feat):
    """Cached rows [n, 1248] (numpy or torch) → ``(spectral [n, 23, 24], temporal [n, 29, 24])``."""
    n = feat.shape[0]
    k = N_SPECTRAL * N_CHANNELS
    return feat[:, :k].reshape(n, N_SPECTRAL, N_CHANNELS), feat[:, k:].reshape(n, N_TEMPORAL, N_CHANNELS)


def run(a) -> int:
    """Command ``backend-cache`` (see training/voice/__main__.py): writes ``OUT/backend_cache.npz`` (+ ``.json``)."""
    from .probe_cache import run as run_cache

    return run_cache(a, features=encoder_features, name="backend_cache")
