"""Round 4 diagnostic: does a real video codec make real photos look "blended"?

For each checkpoint, N real photos (a seeded sample of the photo identities held out of round 2's
training) and their own self-blends are scored after the same capture chain (applied to the 192 px
cached crop, then the canonical 128 px framing): none; chroma 4:2:0 alone; JPEG at the coded size;
a real H.264 encode–decode (PyAV libx264, yuv420p, 4-frame clip, last frame a P frame) at several
CRFs, face sizes and twice; VP8 and VP9. Reference: the same checkpoint's frame scores on the
held-out real video faces (DeepFaceLive originals and all reals of the evaluation cache).

Then an occlusion map (grey 16 px patch sliding by 8 px over the 128 px input; drop of the logit)
averaged over DeepFaceLive originals, photos, their self-blends and H.264-coded photos: where the
network looks. Everything seeded; ``python -m training.sbi codec-probe --out FILE.json``.
"""
from __future__ import annotations

import time

import cv2
import numpy as np
import torch

from verifier.analysis.video.lite0 import EfficientNetLite0, normalise
from verifier.evaluate.metrics import roc_auc

from .augment import reframe
from .blend import self_blend
from .codec import CodecSettings, apply_codec
from .data import CACHE_MARGIN
from .evaluate import DFL_REAL, REAL_THRESHOLD, score_crops
from .train import held_out_photos

SIZE_PX, MARGIN = 128, 1.25  # the network input of rounds 1–3
VIDEO_FACE_SCALE = 1.25  # cached 192 px crop -> 240 px: the held-out faces' size in their frames (box ~149 px)
SHIFTS = ((1.3, 0.4), (0.7, -1.1), (0.2, 0.5))  # sub-pixel motion of the 3 earlier frames (px), fixed


def _jpeg(x: np.ndarray, q: int) -> np.ndarray:
    ok, buf = cv2.imencode(".jpg", np.ascontiguousarray(x[..., ::-1]), [cv2.IMWRITE_JPEG_QUALITY, q])
    return cv2.imdecode(buf, cv2.IMREAD_COLOR)[..., ::-1]


def _at_scale(fn, scale: float):
    """Apply ``fn`` at the coded size (crop resized by ``scale``), then back to the crop's size."""
    def g(img):
        h, w = img.shape[:2]
        H, W = 2 * round(h * scale / 2), 2 * round(w * scale / 2)
        big = cv2.resize(img, (W, H), interpolation=cv2.INTER_LINEAR if scale > 1 else cv2.INTER_AREA)
        return cv2.resize(fn(big), (w, h), interpolation=cv2.INTER_AREA if scale > 1 else cv2.INTER_LINEAR)
    return g


def _yuv420(x: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(cv2.cvtColor(np.ascontiguousarray(x), cv2.COLOR_RGB2YUV_I420), cv2.COLOR_YUV2RGB_I420)


def _codec(codec: str, crf: int, scale: float = VIDEO_FACE_SCALE, n_frames: int = 4, preset: str = "medium"):
    s = CodecSettings(codec=codec, crf=crf, scale=scale, n_frames=n_frames, shifts_px=SHIFTS[:n_frames - 1],
                      noise_sigma=1.5, noise_seed=0, preset=preset)
    return lambda img: apply_codec(img, s)


def _in_frame(crf: int, frame_hw: tuple[int, int] = (360, 640)):
    """H.264 of the face placed in a 640×360 frame (the rest: its reflection), so rate control and
    adaptive quantisation see a whole frame; the face's square is cut back out."""
    s = CodecSettings(codec="libx264", crf=crf, scale=1.0, n_frames=4, shifts_px=SHIFTS, noise_sigma=1.5, noise_seed=0, preset="medium")

    def g(img):
        h = img.shape[0]
        side = 2 * round(h * VIDEO_FACE_SCALE / 2)
        big = cv2.resize(img, (side, side), interpolation=cv2.INTER_LINEAR)
        top, left = (frame_hw[0] - side) // 2, (frame_hw[1] - side) // 2
        canvas = cv2.copyMakeBorder(big, top, frame_hw[0] - side - top, left, frame_hw[1] - side - left, cv2.BORDER_REFLECT_101)
        out = apply_codec(canvas, s)[top:top + side, left:left + side]
        return cv2.resize(out, (h, h), interpolation=cv2.INTER_AREA)
    return g


def conditions() -> dict:
    """name -> function of a 192 px cached crop (uint8 RGB in and out)."""
    twice_a, twice_b = _codec("libx264", 30), _codec("libx264", 18)
    return {
        "none": lambda x: x,
        "rescale_only_x1.25": _at_scale(lambda x: x, VIDEO_FACE_SCALE),
        "yuv420_only": _at_scale(_yuv420, VIDEO_FACE_SCALE),
        "jpeg_q90": _at_scale(lambda x: _jpeg(x, 90), VIDEO_FACE_SCALE),
        "jpeg_q60": _at_scale(lambda x: _jpeg(x, 60), VIDEO_FACE_SCALE),
        "jpeg_q30": _at_scale(lambda x: _jpeg(x, 30), VIDEO_FACE_SCALE),
        "h264_crf23": _codec("libx264", 23),
        "h264_crf30": _codec("libx264", 30),
        "h264_crf36": _codec("libx264", 36),
        "h264_crf30_iframe": _codec("libx264", 30, n_frames=1),
        "h264_crf30_small_x0.6": _codec("libx264", 30, scale=0.6),
        "h264_crf30_then_crf18": lambda x: twice_b(twice_a(x)),
        "h264_crf30_veryfast": _codec("libx264", 30, preset="veryfast"),
        "h264_crf30_in_640x360_frame": _in_frame(30),
        "h264_crf36_in_640x360_frame": _in_frame(36),
        "vp8_crf30": _codec("libvpx", 30),
        "vp9_crf40": _codec("libvpx-vp9", 40),
    }


def load_model(path: str) -> EfficientNetLite0:
    ck = torch.load(path, map_location="cpu", weights_only=False)
    m = EfficientNetLite0(n_classes=1)
    m.load_state_dict(ck["model"])
    return m.to(memory_format=torch.channels_last).eval()


def canonical(img: np.ndarray) -> np.ndarray:
    return reframe(img, cache_margin=CACHE_MARGIN, margin=MARGIN, size_px=SIZE_PX)


def photo_sample(train_npz: str, n: int, seed: int = 0):
    """(crops, pts, self-blends) of ``n`` photos of the held-out identities (10 %, as round 2)."""
    t = np.load(train_npz)
    held = held_out_photos(t["path"], t["is_video"], 10)
    idx = np.sort(np.random.default_rng(seed).choice(np.flatnonzero(held), min(n, int(held.sum())), replace=False))
    crops, pts = t["crops"][idx], t["pts"][idx]
    rng = np.random.default_rng(seed)
    blends = np.stack([self_blend(c, p, rng)[0] for c, p in zip(crops, pts)])
    return crops, pts, blends


@torch.no_grad()
def logits(model, x: np.ndarray, batch: int = 128) -> np.ndarray:
    out = []
    for i in range(0, len(x), batch):
        xb = normalise(torch.from_numpy(np.ascontiguousarray(x[i:i + batch]))).contiguous(memory_format=torch.channels_last)
        out.append(model(xb).squeeze(1).float().numpy())
    return np.concatenate(out)


def occlusion_map(model, img: np.ndarray, patch: int = 16, stride: int = 8, grey: int = 128) -> np.ndarray:
    """Logit drop (base − occluded) for a grey ``patch`` px square at each ``stride`` position."""
    S = img.shape[0]
    pos = list(range(0, S - patch + 1, stride))
    batch = []
    for y in pos:
        for x in pos:
            o = img.copy()
            o[y:y + patch, x:x + patch] = grey
            batch.append(o)
    lg = logits(model, np.stack([img, *batch]))
    return (lg[0] - lg[1:]).reshape(len(pos), len(pos))


def summarise_map(m: np.ndarray) -> dict:
    """Where the drop is: central half (inner face) vs the outer ring, and a 5×5 coarse grid."""
    n = m.shape[0]
    a, b = n // 4, n - n // 4
    inner = np.zeros_like(m, bool)
    inner[a:b, a:b] = True
    pos = np.clip(m, 0, None)
    tot = pos.sum() + 1e-9
    edges = np.linspace(0, n, 6).astype(int)
    grid = [[float(m[edges[i]:edges[i + 1], edges[j]:edges[j + 1]].mean()) for j in range(5)] for i in range(5)]
    return {"mean_drop": float(m.mean()), "max_drop": float(m.max()), "inner_share_of_positive_drop": float(pos[inner].sum() / tot),
            "inner_area_share": float(inner.mean()), "grid5": grid}


def run(ckpts: dict, *, train_npz: str, eval_npz: str, n: int = 200, occ_n: int = 24, occ_ckpts: tuple = (), seed: int = 0,
        only: tuple = (), log=print) -> dict:
    torch.manual_seed(seed)
    crops, _, blends = photo_sample(train_npz, n, seed)
    log(f"{len(crops)} held-out photos")
    ev = np.load(eval_npz)
    clip_src = ev["source"][ev["clip"]]
    is_real = ev["label"][ev["clip"]] == "real"
    is_dfl = clip_src == DFL_REAL
    models = {k: load_model(p) for k, p in ckpts.items()}
    res = {"n_photos": int(len(crops)), "ckpts": ckpts, "reference_video": {}, "conditions": {}}
    for k, m in models.items():
        s = 1 / (1 + np.exp(-logits(m, ev["crops"])))
        res["reference_video"][k] = {
            "dfl_original_frames": {"n": int(is_dfl.sum()), "median": float(np.median(s[is_dfl])), "over": float((s[is_dfl] > REAL_THRESHOLD).mean())},
            "all_real_frames": {"n": int(is_real.sum()), "median": float(np.median(s[is_real])), "over": float((s[is_real] > REAL_THRESHOLD).mean())},
            "fake_frames": {"n": int((~is_real).sum()), "median": float(np.median(s[~is_real])), "over": float((s[~is_real] > REAL_THRESHOLD).mean())},
        }
        log(f"{k}: video reference {res['reference_video'][k]}")
    coded = {}
    for name, fn in conditions().items():
        if only and name not in ("none", *only):
            continue
        t0 = time.perf_counter()
        r = np.stack([canonical(fn(c)) for c in crops])
        f = np.stack([canonical(fn(b)) for b in blends])
        coded[name] = r
        res["conditions"][name] = {"mad_vs_none_grey": float(np.abs(r.astype(np.float32) - coded["none"]).mean()) if "none" in coded else 0.0}
        for k, m in models.items():
            sr, sf = score_crops(m, r), score_crops(m, f)
            y = np.r_[np.zeros(len(sr)), np.ones(len(sf))]
            res["conditions"][name][k] = {"real_median": float(np.median(sr)), "real_over": float((sr > REAL_THRESHOLD).mean()),
                                          "real_mean": float(sr.mean()), "blend_median": float(np.median(sf)),
                                          "auc_real_vs_own_blend": roc_auc(y, np.r_[sr, sf])}
        log(f"{name:<24} " + "  ".join(f"{k}: real med {v['real_median']:.3f} over {v['real_over']:.2f} blend med "
                                          f"{v['blend_median']:.3f} AUC {v['auc_real_vs_own_blend']:.3f}"
                                          for k, v in res["conditions"][name].items() if isinstance(v, dict))
            + f"  ({time.perf_counter() - t0:.0f} s)")
    if occ_n:
        rng = np.random.default_rng(seed)
        dfl_clips = np.flatnonzero(ev["source"] == DFL_REAL)
        dfl_idx = []
        for j in dfl_clips:  # the middle frame of each DeepFaceLive original
            fr = np.flatnonzero(ev["clip"] == j)
            if len(fr):
                dfl_idx.append(fr[len(fr) // 2])
        dfl_idx = np.array(dfl_idx[:occ_n])
        ph = rng.choice(len(crops), min(occ_n, len(crops)), replace=False)
        groups = {"dfl_original": ev["crops"][dfl_idx], "photo": coded["none"][ph],
                  "photo_self_blend": np.stack([canonical(blends[i]) for i in ph]), "photo_h264_crf30": coded["h264_crf30"][ph]}
        res["occlusion"] = {}
        for k in occ_ckpts:
            res["occlusion"][k] = {}
            for g, imgs in groups.items():
                t0 = time.perf_counter()
                maps = np.stack([occlusion_map(models[k], im) for im in imgs])
                res["occlusion"][k][g] = summarise_map(maps.mean(0)) | {"n": int(len(imgs))}
                np.save(f"/tmp/occ_{k}_{g}.npy", maps)
                log(f"occlusion {k} {g}: {({kk: v for kk, v in res['occlusion'][k][g].items() if kk != 'grid5'})} ({time.perf_counter() - t0:.0f} s)")
    return res
