"""The learned face-picture detector: EfficientNet-Lite0 trained on Self-Blended Images
(training/sbi), loaded once per process and used by the ``frames`` signal.

Each loose face crop of the decode pass (:class:`verifier.analysis.frames.FaceCrop`) is aligned with
:func:`verifier.analysis.video.align.align_face` — the function training used — at the framing the
model was trained with (``size_px``, ``margin`` from the registry entry's provenance config),
normalised with :func:`verifier.analysis.video.lite0.normalise`, and scored in batches (channels-last,
``torch.inference_mode``): P(fake) = sigmoid of the network's logit.

:meth:`FrameDetector.heatmap` says where the network looks on one crop (Grad-CAM on the last
convolutional features, Selvaraju et al., ICCV 2017; equal to the class activation map for this
head, so one forward pass); it is computed only for the few crops a report shows.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ...core.errors import ModelUnavailableError, ParameterError
from ...core.once import load_once
from ...core.params import AlignParams
from .. import threads
from .align import align_face

MODEL_NAME = "sbi-lite0"  # registry entry of the trained detector (verifier/assets/models/sbi-lite0.json)
TRAINED_ALIGN = AlignParams(size_px=128, margin=1.25)  # training/sbi TrainConfig defaults; the entry's config wins
BATCH_CROPS = 16  # crops per forward pass (2 passes for a 60 s clip's 32 crops: faster than 1 of 32 on the 2-core VM, caches)


def load_state(path: str | Path) -> dict:
    """The fp16/fp32 state dict of an exported detector (``training/sbi/export.py``), as float32.

    Raises
    ------
    ParameterError
        The file is not a binary EfficientNet-Lite0 state dict (strict key check; the
        batch-norm step counters, dropped by the export, may be absent).
    """
    import torch

    state = torch.load(str(path), map_location="cpu", weights_only=True)
    if not isinstance(state, dict):
        raise ParameterError(f"{path}: not a state dict")
    if "model" in state and isinstance(state["model"], dict):  # a training checkpoint
        state = state["model"]
    want = _state_keys()
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


def fold_batch_norms(model):
    """``model`` (in eval mode) with every batch norm folded into the convolution before it, in
    place (same outputs up to float rounding, ~20 % faster on CPU); for inference only."""
    import torch
    from torch import nn

    if model.training:
        raise ParameterError("fold batch norms of a model in eval mode only")
    pairs = [(model, "_conv_stem", "_bn0"), (model, "_conv_head", "_bn1")]
    for b in model._blocks:
        if b.has_expand:
            pairs.append((b, "_expand_conv", "_bn0"))
        pairs += [(b, "_depthwise_conv", "_bn1"), (b, "_project_conv", "_bn2")]
    with torch.no_grad():
        for mod, conv_name, bn_name in pairs:
            conv, bn = getattr(mod, conv_name), getattr(mod, bn_name)
            if not isinstance(bn, nn.BatchNorm2d):
                continue
            k = bn.weight / torch.sqrt(bn.running_var + bn.eps)  # y = k (x − mean) + beta
            bias = bn.bias - k * bn.running_mean + (k * conv.bias if conv.bias is not None else 0)
            conv.weight.mul_(k.view(-1, 1, 1, 1))
            conv.bias = nn.Parameter(bias)
            setattr(mod, bn_name, nn.Identity())
    return model


@load_once
def _state_keys() -> frozenset:
    from .lite0 import EfficientNetLite0

    return frozenset(EfficientNetLite0(n_classes=1).state_dict())


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
    model : verifier.analysis.video.lite0.EfficientNetLite0
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
        self.model = fold_batch_norms(model.eval()).to(memory_format=torch.channels_last)
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
        return self.score_maps(aligned)[0]

    def score_maps(self, aligned: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """P(fake) of each canonical crop, float64 (n,), and its class activation map (n, h, w)
        on the last features (h = w = S / 32), from the same forward passes (see :meth:`heatmap`)."""
        import torch

        threads.apply_torch()
        if len(aligned) == 0:
            S = self.align_params.size_px // 32
            return np.zeros(0), np.zeros((0, S, S), np.float32)
        ps, cams = [], []
        with torch.inference_mode():
            for i in range(0, len(aligned), self.batch_crops):
                logit, cam = self._forward_maps(self._input(aligned[i:i + self.batch_crops]))
                ps.append(torch.sigmoid(logit.float()).numpy().astype(np.float64))
                cams.append(cam.float().numpy())
        return np.concatenate(ps), np.concatenate(cams)

    def _forward_maps(self, x):
        """Logits (n,) and class activation maps (n, h, w) of the last convolutional features:
        ``logit = mean(cam) + bias`` (the head is a linear layer after global average pooling)."""
        import torch

        m = self.model
        h = m.act(m._bn0(m._conv_stem(x)))
        for b in m._blocks:
            h = b(h)
        feat = m.act(m._bn1(m._conv_head(h)))
        cam = torch.einsum("c,nchw->nhw", m._fc.weight[0], feat)
        return cam.mean(dim=(1, 2)) + m._fc.bias[0], cam

    def heatmap(self, aligned: np.ndarray) -> np.ndarray:
        """Where the network finds the evidence for its decision on each (n, S, S, 3) uint8
        canonical crop: Grad-CAM (Selvaraju et al., ICCV 2017) on the last convolutional
        features (the 1280-channel head before pooling), for the fake logit when the crop
        scores ≥ 0.5 and for the real side (−logit) otherwise.

        The head is global average pooling then one linear unit, so Grad-CAM's channel weights
        are the head's weights / (h·w) and the map is the class activation map (CAM, Zhou et
        al., CVPR 2016): one forward pass, no backward (checked against autograd in
        tests/test_frames_signal.py).

        Returns
        -------
        heat : np.ndarray [shape=(n, S, S)], float32 in [0, 1]
            ReLU of the map, upsampled bilinearly to the crop and scaled by its maximum (all
            zeros when no region supports the decision).
        """
        scores, cams = self.score_maps(aligned)
        return heat_from_maps(cams, scores, aligned.shape[1])

    def views(self, aligned: np.ndarray, scores: np.ndarray, t_s, k: int, maps: np.ndarray | None = None) -> list[FrameView]:
        """:class:`FrameView` of the ``k`` highest-scoring crops, highest first; their heat maps
        from ``maps`` (:meth:`score_maps`) when given, else computed (:meth:`heatmap`)."""
        if len(aligned) == 0 or k < 1:
            return []
        top = np.argsort(-np.asarray(scores), kind="stable")[:k]
        if maps is None:
            heat = self.heatmap(aligned[top])
        else:
            heat = heat_from_maps(np.asarray(maps)[top], np.asarray(scores)[top], aligned.shape[1])
        return [FrameView(float(t_s[i]), float(scores[i]), aligned[i], heat[j]) for j, i in enumerate(top)]


def heat_from_maps(maps: np.ndarray, scores: np.ndarray, size_px: int) -> np.ndarray:
    """Heat maps (n, size_px, size_px) in [0, 1] from class activation maps (n, h, w): the
    side of the decision (the map for P(fake) ≥ 0.5, its negative otherwise), ReLU, bilinear
    upsampling to the crop, scaled by the maximum (all zeros when nothing supports it)."""
    import cv2

    out = np.zeros((len(maps), size_px, size_px), np.float32)
    for j, (m, p) in enumerate(zip(maps, scores)):
        cam = np.maximum(np.asarray(m, np.float32) * (1.0 if p >= 0.5 else -1.0), 0.0)
        up = np.maximum(cv2.resize(cam, (size_px, size_px), interpolation=cv2.INTER_LINEAR), 0.0)
        peak = float(up.max())
        out[j] = up / peak if peak > 1e-12 else 0.0
    return out


@load_once
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
