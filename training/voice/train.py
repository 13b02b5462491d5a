"""Fine-tuning AASIST-L on the pool: random 4 s windows, RawBoost, class-balanced batches.

Device-agnostic (``device="cpu"`` or ``"cuda"``); the whole pool sits on the device as int16
and windows are cut and augmented there, so no CPU worker processes are needed.
The windows are cut from clips that ``prepare`` already normalised with the runtime's
``normalise_channel`` (trim, DC, active level -26 dBFS), and scored at evaluation with the
runtime's windows (``eval_starts`` = ``window_starts``) and aggregation (median).
"""
from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn.functional as F

from verifier.analysis.voice.aasist import AASIST_L_CONFIG, load_aasist

from .pool import WINDOW_SAMPLES, eval_windows
from .rawboost import RawBoostParams, rawboost

SPOOF, BONAFIDE = 0, 1  # the network's output order


@dataclass(frozen=True)
class TrainConfig:
    """Fine-tuning settings (set by hand, not tuned on the LOGO folds)."""

    steps: int = 600  # upper bound; the wall-clock budget may stop earlier (steps done are reported)
    batch: int = 24  # windows per step, half fake half real (~0.4 GB of GPU memory per window in training, measured on CPU)
    lr: float = 1e-4  # Adam (upstream trained from scratch at 1e-4; few steps here)
    weight_decay: float = 1e-4  # upstream's
    class_weights: tuple = (0.4, 0.6)  # CE weight of (spoof, bona fide): a false alarm on a real costs more
    seed: int = 0
    rawboost: RawBoostParams = field(default_factory=RawBoostParams)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


class WindowSampler:
    """Random 64,600-sample windows from the pool, class-balanced and group-balanced.

    Each half-batch picks a group uniformly (fakes: generator family; reals: real group) and
    an item uniformly within it, then a random start (clips shorter than a window are tiled
    from their start, as the runtime does).
    """

    def __init__(self, samples: np.ndarray, offsets: np.ndarray, meta: list[dict], idx, device="cpu"):
        self.device = torch.device(device)
        self.samples = torch.from_numpy(np.ascontiguousarray(samples)).to(self.device)
        self.offsets = torch.from_numpy(np.asarray(offsets[:-1], np.int64)).to(self.device)
        self.lengths = torch.from_numpy(np.diff(offsets).astype(np.int64)).to(self.device)
        self.groups = {}
        for i in idx:
            m = meta[i]
            key = (m["label"], m["family"] if m["label"] == "fake" else m["real_group"])
            self.groups.setdefault(key, []).append(i)
        self.by_label = {}
        for lab in ("fake", "real"):
            lists = [v for k, v in sorted(self.groups.items()) if k[0] == lab]
            if not lists:
                raise ValueError("the training items must hold both classes")
            table = np.full((len(lists), max(len(v) for v in lists)), -1, np.int64)
            for r, v in enumerate(lists):
                table[r, :len(v)] = v
            self.by_label[lab] = (torch.from_numpy(table).to(self.device),
                                  torch.tensor([len(v) for v in lists], device=self.device))
        self.ar = torch.arange(WINDOW_SAMPLES, device=self.device)

    def _items(self, label: str, n: int, g: torch.Generator) -> torch.Tensor:
        table, sizes = self.by_label[label]
        gi = torch.randint(len(sizes), (n,), generator=g, device=self.device)
        ri = (torch.rand(n, generator=g, device=self.device) * sizes[gi]).long()
        return table[gi, ri]

    def batch(self, n: int, g: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        """``(x [n, 64600] float32, y [n] long)``: n // 2 fakes (class 0), the rest reals (class 1)."""
        items = torch.cat([self._items("fake", n // 2, g), self._items("real", n - n // 2, g)])
        length = self.lengths[items]
        span = (length - WINDOW_SAMPLES).clamp_min(0) + 1
        start = (torch.rand(n, generator=g, device=self.device) * span).long()
        pos = self.offsets[items, None] + (start[:, None] + self.ar[None, :]) % length[:, None]
        x = self.samples[pos].float() / 32767.0
        y = torch.cat([torch.full((n // 2,), SPOOF), torch.full((n - n // 2,), BONAFIDE)]).to(self.device)
        return x, y


def load_model(weights: str, device="cpu") -> torch.nn.Module:
    """The pretrained AASIST-L (``verifier.analysis.voice.aasist.load_aasist``) on ``device``."""
    return load_aasist(weights, AASIST_L_CONFIG).to(torch.device(device))


def train_step(model, opt, x: torch.Tensor, y: torch.Tensor, class_weights=(0.5, 0.5)) -> float:
    """One optimiser step of weighted cross-entropy; returns the loss before the step."""
    model.train()
    w = torch.tensor(class_weights, dtype=torch.float32, device=x.device)
    loss = F.cross_entropy(model(x), y, weight=w)
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()
    return float(loss.detach())


def fine_tune(model, sampler: WindowSampler, cfg: TrainConfig, *, deadline: float | None = None, log=print) -> dict:
    """Train ``model`` in place for ``cfg.steps`` or until ``time.time() >= deadline``.

    Returns ``{"steps": done, "loss_first50": mean, "loss_last50": mean, "seconds": s}``."""
    torch.manual_seed(cfg.seed)
    g = torch.Generator(device=sampler.device).manual_seed(cfg.seed)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    losses, t0 = [], time.time()
    for step in range(cfg.steps):
        if deadline is not None and time.time() >= deadline:
            break
        x, y = sampler.batch(cfg.batch, g)
        x = rawboost(x, g, cfg.rawboost)
        losses.append(train_step(model, opt, x, y, cfg.class_weights))
        if step % 50 == 0:
            log(f"step {step} loss {np.mean(losses[-50:]):.4f} ({time.time() - t0:.0f} s)")
    model.eval()
    return {"steps": len(losses), "loss_first50": float(np.mean(losses[:50])) if losses else None,
            "loss_last50": float(np.mean(losses[-50:])) if losses else None, "seconds": round(time.time() - t0, 1)}


@torch.inference_mode()
def file_logits(model, samples: np.ndarray, offsets: np.ndarray, meta: list[dict], idx, device="cpu",
                batch: int = 32) -> np.ndarray:
    """Per item: the median over the runtime's windows of ``logit(spoof) − logit(bona fide)``
    (the runtime's ``aggregate``), model in eval mode. [len(idx)] float."""
    model.eval()
    wins, owner = [], []
    for k, i in enumerate(idx):
        w = eval_windows(samples[offsets[i]:offsets[i + 1]].astype(np.float32) / 32767.0, meta[i]["eval_starts"])
        wins.append(w)
        owner += [k] * len(w)
    if not wins:
        return np.zeros(0)
    allw = np.concatenate(wins)
    out = []
    for s in range(0, len(allw), batch):
        lg = model(torch.from_numpy(allw[s:s + batch]).to(device)).float().cpu().numpy()
        out.append(lg[:, SPOOF] - lg[:, BONAFIDE])
    diff, owner = np.concatenate(out), np.asarray(owner)
    return np.array([float(np.median(diff[owner == k])) for k in range(len(idx))])
