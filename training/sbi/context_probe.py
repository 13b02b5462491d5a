"""Round 4 diagnostic, part 2: does the *context* of the training photos explain the video gap?

The training photos are tight 200 px (UTKFace) or ~140 px (RMFD) chips; aligned at the cache
margin their crops reach past the chip and are filled by reflection (``align_face``'s
``BORDER_REFLECT_101``), so in the network's 128 px input of a photo everything outside the chip
is a mirror image of the face. Video faces show real hair, ears, neck, headphones, background.
Here the evaluation crops of video (real and fake) are given the photos' context: for each crop
a real photo's chip outline (in canonical crop pixels, from FaceMesh on the chip, as the cache
did) is drawn at random, the pixels outside it are replaced by the reflection of the inside (as
the photos got), or by grey, and the clip-level figures are recomputed. If the video reals then
score like photos while fakes keep their scores, the network reads the context, not the face.
"""
from __future__ import annotations

import os

import cv2
import numpy as np

from verifier.analysis.video.align import similarity_from_landmarks

from .data import CACHE_MARGIN, CACHE_SIZE_PX, StaticMesh, photo_landmarks
from .evaluate import clip_scores, format_summary, score_crops, summarise

SIZE_PX, MARGIN = 128, 1.25


def cache_to_canonical() -> np.ndarray:
    """The 3×3 map from cache-crop pixels (192 px, margin 1.6) to the canonical 128 px crop (margin 1.25)."""
    k = SIZE_PX / (CACHE_SIZE_PX * MARGIN / CACHE_MARGIN)
    c = CACHE_SIZE_PX / 2
    return np.array([[k, 0, SIZE_PX / 2 - k * c], [0, k, SIZE_PX / 2 - k * c], [0, 0, 1]])


def chip_maps(shared_data: str, paths, log=print) -> list[tuple[np.ndarray, tuple[int, int]]]:
    """(A, (h, w)) per photo: the 2×3 map from chip pixels to canonical crop pixels and the chip's size."""
    out = []
    Z = cache_to_canonical()
    with StaticMesh() as mesh:
        for p in paths:
            rgb = np.ascontiguousarray(cv2.imread(os.path.join(shared_data, str(p)), cv2.IMREAD_COLOR)[..., ::-1])
            lm = photo_landmarks(rgb, mesh)
            if lm is None:
                continue
            M = np.vstack([similarity_from_landmarks(lm, size_px=CACHE_SIZE_PX, margin=CACHE_MARGIN), [0, 0, 1]])
            out.append(((Z @ M)[:2], rgb.shape[:2]))
    log(f"{len(out)} chip outlines from {len(paths)} photos")
    return out


def photo_context(img: np.ndarray, A: np.ndarray, chip_hw: tuple[int, int], fill: str = "reflect") -> np.ndarray:
    """``img`` (canonical crop) with everything outside the chip outline ``A`` (chip px → crop px)
    replaced: by the chip's reflection (as ``align_face`` fills photos) or by grey."""
    h, w = chip_hw
    S = img.shape[0]
    inside = cv2.warpAffine(np.ones((h, w), np.float32), A, (S, S), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT) > 0.5
    if fill == "grey":
        other = np.full_like(img, 128)
    else:
        chip = cv2.warpAffine(img, cv2.invertAffineTransform(A), (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT_101)
        other = cv2.warpAffine(chip, A, (S, S), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT_101)
    return np.where(inside[..., None], img, other)


def adapt_bn(model, crops: np.ndarray, batch: int = 64):
    """A copy of ``model`` whose BatchNorm statistics are recomputed (cumulative average) on ``crops``
    (canonical uint8 crops), everything else unchanged: does the video gap sit in the normalisation?"""
    import copy

    import torch

    from verifier.analysis.video.lite0 import normalise

    m = copy.deepcopy(model).eval()
    for mod in m.modules():
        if isinstance(mod, torch.nn.BatchNorm2d):
            mod.reset_running_stats()
            mod.momentum = None
            mod.train()
    with torch.no_grad():
        for i in range(0, len(crops), batch):
            m(normalise(torch.from_numpy(np.ascontiguousarray(crops[i:i + batch]))).contiguous(memory_format=torch.channels_last))
    return m.eval()


def training_video_pairs(train_npz: str, seed: int = 0) -> np.ndarray:
    """Canonical crops of the training clips' frames and of their self-blends (no jitter, no degradation)."""
    from .augment import reframe
    from .blend import self_blend

    t = np.load(train_npz)
    v = np.flatnonzero(t["is_video"])
    crops, pts = t["crops"][v], t["pts"][v]  # one read: each t[...] access re-reads the whole array
    rng = np.random.default_rng(seed)
    out = []
    for c, p in zip(crops, pts):
        for img in (c, self_blend(c, p, rng)[0]):
            out.append(reframe(img, cache_margin=CACHE_MARGIN, margin=MARGIN, size_px=SIZE_PX))
    return np.stack(out)


def run(models: dict, *, eval_npz: str, train_npz: str, shared_data: str, n_chips: int = 60, seed: int = 0,
        bn_video: bool = True, log=print) -> dict:
    from .train import held_out_photos

    t = np.load(train_npz)
    held = np.flatnonzero(held_out_photos(t["path"], t["is_video"], 10))
    pick = np.random.default_rng(seed).choice(held, min(n_chips, len(held)), replace=False)
    maps = chip_maps(shared_data, t["path"][pick], log)
    inside_share = [float((cv2.warpAffine(np.ones(hw, np.float32), A, (SIZE_PX, SIZE_PX)) > 0.5).mean()) for A, hw in maps]
    ev = np.load(eval_npz)
    rng = np.random.default_rng(seed)
    which = rng.integers(0, len(maps), len(ev["crops"]))
    variants = {"as_is": ev["crops"]}
    for fill in ("reflect", "grey"):
        variants[f"photo_context_{fill}"] = np.stack([photo_context(c, *maps[j], fill=fill) for c, j in zip(ev["crops"], which)])
    cv2.imwrite("/tmp/context_probe_examples.png", np.concatenate(
        [np.concatenate(list(v[::160][:8]), 1) for v in variants.values()], 0)[..., ::-1])
    res = {"n_chips": len(maps), "chip_inside_share_of_input": {"median": float(np.median(inside_share)),
                                                                 "min": float(np.min(inside_share)), "max": float(np.max(inside_share))},
           "variants": {}}
    adapted = {}
    if bn_video:
        pairs = training_video_pairs(train_npz, seed)
        adapted = {k + "_bn_training_video": adapt_bn(m, pairs) for k, m in models.items()}
        log(f"BatchNorm statistics recomputed on {len(pairs)} training-clip frames and their self-blends")
    for name, crops in variants.items():
        res["variants"][name] = {}
        for k, m in (models | adapted).items():
            if k.endswith("_bn_training_video") and name != "as_is":
                continue
            fs = score_crops(m, crops)
            cs = clip_scores(fs, ev["clip"], len(ev["path"]))
            s = summarise(cs, ev["label"], ev["source"], ev["path"])
            real_frames = ev["label"][ev["clip"]] == "real"
            s["frame_median_real"], s["frame_median_fake"] = float(np.median(fs[real_frames])), float(np.median(fs[~real_frames]))
            res["variants"][name][k] = s
            log(f"--- {name} / {k}: frame median real {s['frame_median_real']:.3f} fake {s['frame_median_fake']:.3f}\n{format_summary(s)}")
    return res
