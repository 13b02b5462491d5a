"""The learned face-picture detector: EfficientNet-Lite0 trained on Self-Blended Images
(training/sbi), loaded once per process and used by the ``frames`` signal.

Each loose face crop of the decode pass (:class:`verifier.frames.FaceCrop`) is aligned with
:func:`verifier.video.align.align_face` — the function training used — at the framing the
model was trained with (``size_px``, ``margin`` from the registry entry's provenance config),
normalised with :func:`verifier.video.lite0.normalise`, and scored in batches (channels-last,
``torch.inference_mode``): P(fake) = sigmoid of the network's logit.

:meth:`FrameDetector.heatmap` says where the network looks on one crop (Grad-CAM on the last
convolutional features, Selvaraju et al., ICCV 2017); it is computed only for the few crops a
report shows.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from .. import threads
from ..errors import ModelUnavailableError, ParameterError
from .align import AlignParams, align_face

MODEL_NAME = "sbi-lite0"  # registry entry of the trained detector (verifier/assets/models/sbi-lite0.json)
TRAINED_ALIGN = AlignParams(size_px=128, margin=1.25)  # training/sbi TrainConfig defaults; the entry's config wins
BATCH_CROPS = 32  # crops per forward pass (a 60 s clip gives 32 crops: one pass)


def load_state(path: str | Path) -> dict:
    """The fp16/fp32 state dict of an exported detector (``training/sbi/export.py``), as float32.

    Raises
    ------
    ParameterError
        The file is not a binary EfficientNet-Lite0 state dict (strict key check; the
        batch-norm step counters, dropped by the export, may be absent).
    """
    import torch

    from .lite0 import EfficientNetLite0

    state = torch.load(str(path), map_location="cpu", weights_only=True)
    if not isinstance(state, dict):
        raise ParameterError(f"{path}: not a state dict")
    if "model" in state and isinstance(state["model"], dict):  # a training checkpoint
        state = state["model"]
    want = set(EfficientNetLite0(n_classes=1).state_dict())
    missing = sorted(k for k in want - state.keys() if not k.endswith("num_batches_tracked"))
    unexpected = sorted(state.keys() - want)
    if missing or unexpected:
        raise ParameterError(f"{path} is not a binary Lite0 detector: missing {missing[:5]}, unexpected {unexpected[:5]}")
    return {k: (v.float() if v.is_floating_point() else v) for k, v in state.items()}


def trained_align(entry_extra) -> AlignParams:
    """The crop framing recorded in a registry entry's ``provenance.config`` (export.py writes
    the training config there), else :data:`TRAINED_ALIGN`."""
    cfg = ((entry_extra or {}).get("provenance") or {}).get("config") or {}
    return AlignParams(size_px=int(cfg.get("size_px", TRAINED_ALIGN.size_px)),
                       margin=float(cfg.get("margin", TRAINED_ALIGN.margin)))


@dataclass(frozen=True)
class FrameView:
    """One crop shown in a report: the aligned face, its score and the Grad-CAM heat map."""

    t_s: float  # frame time, seconds
    score: float  # P(fake) of this crop, [0, 1]
    crop: np.ndarray  # (S, S, 3) uint8 RGB, the canonical crop the network saw
    heat: np.ndarray  # (S, S) float32 in [0, 1], where the network looks (1 = most)


class FrameDetector:
    """EfficientNet-Lite0 (binary head) with the crop framing it was trained on.

    Parameters
    ----------
    model : verifier.video.lite0.EfficientNetLite0
        With ``n_classes=1``; put in eval mode and channels-last here.
    align : AlignParams
        Framing of the canonical crops (must be the training framing).
    batch_crops : int
        Crops per forward pass.
    """

    def __init__(self, model, align: AlignParams = TRAINED_ALIGN, *, batch_crops: int = BATCH_CROPS):
        import torch

        if batch_crops < 1:
            raise ParameterError(f"batch_crops must be >= 1, not {batch_crops}")
        self.model = model.eval().to(memory_format=torch.channels_last)
        self.align_params = align
        self.batch_crops = batch_crops

    @classmethod
    def from_file(cls, path: str | Path, align: AlignParams = TRAINED_ALIGN, **kw) -> "FrameDetector":
        """Load exported weights from ``path`` (no checksum: use :func:`default_detector` for
        the registered model)."""
        from .lite0 import EfficientNetLite0

        model = EfficientNetLite0(n_classes=1)
        model.load_state_dict(load_state(path), strict=False)  # strictness checked by load_state
        return cls(model, align, **kw)

    def align(self, images: list[np.ndarray], landmarks: list[np.ndarray]) -> np.ndarray:
        """(n, S, S, 3) uint8 canonical crops of loose crops and their landmarks (crop pixels)."""
        S = self.align_params.size_px
        if not images:
            return np.zeros((0, S, S, 3), np.uint8)
        return np.stack([align_face(img, pts, self.align_params)[0] for img, pts in zip(images, landmarks)])

    def _input(self, aligned: np.ndarray):
        import torch

        from .lite0 import normalise

        x = normalise(torch.from_numpy(np.ascontiguousarray(aligned)))
        return x.contiguous(memory_format=torch.channels_last)

    def score(self, aligned: np.ndarray) -> np.ndarray:
        """P(fake) in [0, 1] of each (n, S, S, 3) uint8 canonical crop, float64 (n,)."""
        import torch

        threads.apply_torch()
        if len(aligned) == 0:
            return np.zeros(0)
        out = []
        with torch.inference_mode():
            for i in range(0, len(aligned), self.batch_crops):
                logit = self.model(self._input(aligned[i:i + self.batch_crops])).squeeze(1)
                out.append(torch.sigmoid(logit.float()).numpy().astype(np.float64))
        return np.concatenate(out)

    def heatmap(self, aligned: np.ndarray) -> np.ndarray:
        """Grad-CAM on the last convolutional features (the 1280-channel head before pooling)
        for (n, S, S, 3) uint8 canonical crops: where the network finds the evidence for its
        decision (the fake logit for a crop it scores ≥ 0.5, the real side, −logit, otherwise).

        Returns
        -------
        heat : np.ndarray [shape=(n, S, S)], float32 in [0, 1]
            ReLU of the gradient-weighted feature sum, upsampled bilinearly to the crop and
            scaled by its maximum (all zeros when no region supports the decision).
        """
        import torch
        import torch.nn.functional as F

        threads.apply_torch()
        m = self.model
        S = aligned.shape[1]
        x = self._input(aligned)
        with torch.enable_grad():
            h = m.act(m._bn0(m._conv_stem(x)))
            for b in m._blocks:
                h = b(h)
            feat = m.act(m._bn1(m._conv_head(h)))
            feat.retain_grad()
            logit = m._fc(feat.mean(dim=(2, 3))).squeeze(1)  # dropout is identity in eval mode
            decision = torch.where(logit.detach() >= 0, 1.0, -1.0)  # P(fake) >= 0.5 ⇔ logit >= 0
            (decision * logit).sum().backward()
        w = feat.grad.mean(dim=(2, 3), keepdim=True)
        cam = F.relu((w * feat).sum(1, keepdim=True)).detach()
        cam = F.interpolate(cam, size=(S, S), mode="bilinear", align_corners=False)[:, 0]
        peak = cam.flatten(1).max(1).values.clamp_min(1e-12).view(-1, 1, 1)
        m.zero_grad(set_to_none=True)
        return (cam / peak).numpy().astype(np.float32)

    def views(self, aligned: np.ndarray, scores: np.ndarray, t_s, k: int) -> list[FrameView]:
        """:class:`FrameView` of the ``k`` highest-scoring crops, highest first."""
        if len(aligned) == 0 or k < 1:
            return []
        top = np.argsort(-np.asarray(scores), kind="stable")[:k]
        heat = self.heatmap(aligned[top])
        return [FrameView(float(t_s[i]), float(scores[i]), aligned[i], heat[j]) for j, i in enumerate(top)]


@lru_cache(maxsize=1)
def default_detector() -> FrameDetector:
    """The registered detector (:data:`MODEL_NAME`), size and sha256 checked, loaded once per
    process (read-only afterwards).

    Raises
    ------
    ModelUnavailableError
        ``model.missing`` when the model is not registered in this version or its file is
        absent; ``model.corrupt`` on a size/sha256 mismatch.
    """
    from .. import registry

    try:
        e = registry.entry(MODEL_NAME)
    except ParameterError:  # not shipped in this version (no registry entry yet)
        raise ModelUnavailableError("model.missing", model=MODEL_NAME, file=f"{MODEL_NAME}.pt", location="?",
                                    command=f"pip install --upgrade {registry.APP_NAME}") from None
    return FrameDetector.from_file(registry.model_path(MODEL_NAME), trained_align(e.extra))
