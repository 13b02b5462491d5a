"""The compact data package for the cross-fitting run on the accelerator machine (round 3).

That machine has no mediapipe, PyAV or shared data folder, so everything it needs is packed
here, under a size limit (~30 MiB with the repository):

- ``faces.npz``: training faces as JPEG crops aligned like ``data.py`` does (margin
  :data:`~training.sbi.data.CACHE_MARGIN`) but at :data:`PACK_SIZE_PX` instead of 192 px (at
  margin 1.25 that is the 128 px network input, so nothing the network would see is lost),
  and their 478 FaceMesh landmarks in crop pixels, rounded to 1/:data:`PTS_SCALE` px (the hull
  mask is rasterised on whole pixels and blurred by 2–12 px). Photos: a seeded sample of the
  training photos (JPEG q85); video: :data:`FRAMES_PER_CLIP` evenly spaced frames of every real
  clip (JPEG q95).
- ``eval.npz``: the canonical crops (128 px, margin 1.25, as inference aligns them) of up to
  16 evenly spaced frames of every clip, real and fake, as JPEG q95.
- ``imagenet_fp16.pt``: the ImageNet Lite0 start weights without the 1000-class head, fp16.
- ``manifest.json``: counts, settings and sha256 of the files.

JPEG bytes are stored as one uint8 buffer with offsets (no pickled objects). Unpacking
(:func:`load_faces`, :func:`load_eval`) needs numpy and OpenCV only; faces are returned at
the 192 px cache side the training code expects (resized, landmarks scaled with them).
"""
from __future__ import annotations

import hashlib
import json
import os
import time

import cv2
import numpy as np

from .data import CACHE_MARGIN, CACHE_SIZE_PX, EVAL_FRAMES_PER_CLIP

PACK_SIZE_PX = 164  # 128 px × 1.6 / 1.25: the network's 128 px input at the canonical margin, at native scale
PTS_SCALE = 4  # landmarks stored as int16 in 1/4 px
FRAMES_PER_CLIP = 10  # evenly spaced training frames of each real clip
N_PHOTOS = 600  # sampled training photos (the size limit: ~7 KB each with landmarks)
PHOTO_JPEG_QUALITY = 85  # photos: already heavy JPEG chips upscaled (faces README); both classes are made from the decoded crop
VIDEO_JPEG_QUALITY = 95  # real-clip frames: kept close to the H.264 frames (no JPEG texture that eval video faces lack)
EVAL_JPEG_QUALITY = 95  # evaluation crops: q95 leaves the round-1/2 figures unchanged, q90 lowers AUC by 0.01-0.02 (README, round 3)


def encode_jpegs(imgs, quality) -> tuple[np.ndarray, np.ndarray]:
    """RGB uint8 images -> (one uint8 buffer, int64 offsets of length n + 1); ``quality``: one
    JPEG quality, or one per image."""
    imgs = list(imgs)
    qs = [quality] * len(imgs) if np.isscalar(quality) else list(quality)
    bufs = []
    for x, quality in zip(imgs, qs):
        ok, b = cv2.imencode(".jpg", np.ascontiguousarray(x[..., ::-1]), [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
        if not ok:
            raise ValueError("JPEG encoding failed")
        bufs.append(b.ravel())
    offsets = np.zeros(len(bufs) + 1, np.int64)
    offsets[1:] = np.cumsum([len(b) for b in bufs])
    return (np.concatenate(bufs) if bufs else np.zeros(0, np.uint8)), offsets


def decode_jpegs(buf: np.ndarray, offsets: np.ndarray) -> list[np.ndarray]:
    """Inverse of :func:`encode_jpegs` (RGB uint8 images)."""
    return [np.ascontiguousarray(cv2.imdecode(buf[a:b], cv2.IMREAD_COLOR)[..., ::-1]) for a, b in zip(offsets[:-1], offsets[1:])]


def quantise_pts(pts: np.ndarray) -> np.ndarray:
    return np.round(np.asarray(pts, np.float64) * PTS_SCALE).astype(np.int16)


def save_faces(path: str, crops, pts, paths, is_video) -> None:
    """Training faces (crops at :data:`PACK_SIZE_PX`, margin CACHE_MARGIN) into ``path`` (.npz);
    photos at :data:`PHOTO_JPEG_QUALITY`, video frames at :data:`VIDEO_JPEG_QUALITY`."""
    crops = list(crops)
    if any(c.shape != (PACK_SIZE_PX, PACK_SIZE_PX, 3) for c in crops):
        raise ValueError(f"faces must be {PACK_SIZE_PX} px crops")
    buf, off = encode_jpegs(crops, [VIDEO_JPEG_QUALITY if v else PHOTO_JPEG_QUALITY for v in is_video])
    np.savez_compressed(path, jpeg=buf, offsets=off, pts_q=quantise_pts(np.stack(pts)), path=np.array(paths),
                        is_video=np.array(is_video, bool), size_px=PACK_SIZE_PX, margin=CACHE_MARGIN, pts_scale=PTS_SCALE)


def load_faces(path: str, size_px: int = CACHE_SIZE_PX) -> dict:
    """Training faces as the training code's cache holds them: crops (n, size_px, size_px, 3)
    uint8 at margin CACHE_MARGIN, pts float32 (n, 478, 2) in their pixels, path, is_video."""
    d = np.load(path)
    k = size_px / float(d["size_px"])
    crops = decode_jpegs(d["jpeg"], d["offsets"])
    if k != 1:
        crops = [cv2.resize(c, (size_px, size_px), interpolation=cv2.INTER_CUBIC if k > 1 else cv2.INTER_AREA) for c in crops]
    # pixel centres: a point at x in the stored crop is at (x + 0.5) * k - 0.5 after resizing
    pts = ((d["pts_q"].astype(np.float32) / float(d["pts_scale"]) + 0.5) * k - 0.5).astype(np.float32)
    return {"crops": np.stack(crops), "pts": pts, "path": d["path"], "is_video": d["is_video"]}


def save_eval(path: str, crops, clip_idx, paths, labels, sources, *, quality: int = EVAL_JPEG_QUALITY) -> None:
    buf, off = encode_jpegs(crops, quality)
    np.savez(path, jpeg=buf, offsets=off, clip=np.asarray(clip_idx, np.int32), path=np.array(paths), label=np.array(labels),
             source=np.array(sources))


def load_eval(path: str) -> dict:
    """Evaluation crops in the layout of ``data.cache_eval`` (crops, clip, path, label, source)."""
    d = np.load(path)
    return {"crops": np.stack(decode_jpegs(d["jpeg"], d["offsets"])), "clip": d["clip"], "path": d["path"],
            "label": d["label"], "source": d["source"]}


def save_start_weights(imagenet_pth: str, out: str) -> None:
    """ImageNet Lite0 weights without the 1000-class head (not used: training starts a new
    binary head), in fp16."""
    import torch

    state = torch.load(imagenet_pth, map_location="cpu", weights_only=True)
    torch.save({k: (v.half() if v.is_floating_point() else v) for k, v in state.items() if not k.startswith("_fc.")}, out)


def load_start_weights(path: str) -> dict:
    """The packed start weights as float32, with a placeholder 1000-class head so that
    :func:`verifier.analysis.video.lite0.load_imagenet` (``head=False``) checks every other key."""
    import torch

    state = {k: (v.float() if v.is_floating_point() else v) for k, v in torch.load(path, map_location="cpu", weights_only=True).items()}
    n = state["_conv_head.weight"].shape[0]
    state["_fc.weight"], state["_fc.bias"] = torch.zeros(1000, n), torch.zeros(1000)
    return state


def _sha(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for b in iter(lambda: f.read(1 << 20), b""):
            h.update(b)
    return h.hexdigest()


def build_package(out: str, *, shared_data: str, data_list: str, folds_tsv: str, imagenet_pth: str,
                  n_photos: int = N_PHOTOS, frames_per_clip: int = FRAMES_PER_CLIP, seed: int = 0,
                  raw_eval_out: str | None = None, log=print) -> dict:
    """Build the package into ``out`` (needs mediapipe, PyAV and the shared data). With
    ``raw_eval_out``, the evaluation crops are also saved there losslessly (to measure what
    the JPEG does)."""
    from verifier.analysis.video.align import align_face
    from verifier.core.params import AlignParams

    from .data import StaticMesh, _check, clip_faces, photo_landmarks, read_data_list
    from .folds import read_folds

    os.makedirs(out, exist_ok=True)
    t0 = time.perf_counter()
    rows = read_data_list(data_list)
    photos = [r for r in rows if r["kind"] == "photo"]
    pick = np.sort(np.random.default_rng(seed).choice(len(photos), min(n_photos, len(photos)), replace=False))
    align = AlignParams(PACK_SIZE_PX, CACHE_MARGIN)
    crops, pts, paths, is_video = [], [], [], []
    missed = 0
    with StaticMesh() as mesh:
        for i in pick:
            r = photos[i]
            rgb = np.ascontiguousarray(cv2.imread(_check(shared_data, r), cv2.IMREAD_COLOR)[..., ::-1])
            lm = photo_landmarks(rgb, mesh)
            if lm is None:
                missed += 1
                continue
            c, p = align_face(rgb, lm, align)
            crops.append(c), pts.append(p), paths.append(r["path"]), is_video.append(False)
    log(f"photos: {len(crops)} ({missed} without a face), {time.perf_counter() - t0:.0f} s")
    folds = read_folds(folds_tsv)
    by_path = {r["path"]: r for r in rows if r["kind"] == "clip"}
    for f in folds:
        if f["label"] != "real":
            continue
        r = by_path["video/" + f["path"]]
        for i, c, p in clip_faces(_check(shared_data, r), frames_per_clip, align):
            crops.append(c), pts.append(p), paths.append(f"{r['path']}#{i}"), is_video.append(True)
    log(f"video frames: {sum(is_video)} of {sum(f['label'] == 'real' for f in folds)} real clips, {time.perf_counter() - t0:.0f} s")
    save_faces(os.path.join(out, "faces.npz"), crops, pts, paths, is_video)
    ev_align = AlignParams(128, 1.25)
    ecrops, eclip, epaths, elabels, esources = [], [], [], [], []
    for j, f in enumerate(folds):
        r = by_path["video/" + f["path"]]
        faces = clip_faces(_check(shared_data, r), EVAL_FRAMES_PER_CLIP, ev_align)
        for _, c, _ in faces:
            ecrops.append(c), eclip.append(j)
        epaths.append(r["path"]), elabels.append(r["label"]), esources.append(r["source"])
        if not faces:
            log(f"no face in {r['path']}")
    log(f"eval crops: {len(ecrops)} of {len(folds)} clips, {time.perf_counter() - t0:.0f} s")
    save_eval(os.path.join(out, "eval.npz"), ecrops, eclip, epaths, elabels, esources)
    if raw_eval_out:
        np.savez(raw_eval_out, crops=np.stack(ecrops), clip=np.array(eclip), path=np.array(epaths), label=np.array(elabels),
                 source=np.array(esources))
    save_start_weights(imagenet_pth, os.path.join(out, "imagenet_fp16.pt"))
    files = ("faces.npz", "eval.npz", "imagenet_fp16.pt")
    man = {"built": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "seed": seed,
           "n_photos": int(len(crops) - sum(is_video)), "n_video_frames": int(sum(is_video)), "n_eval_crops": len(ecrops),
           "n_eval_clips": len(folds), "pack_size_px": PACK_SIZE_PX, "cache_margin": CACHE_MARGIN,
           "photo_jpeg_quality": PHOTO_JPEG_QUALITY, "video_jpeg_quality": VIDEO_JPEG_QUALITY, "eval_jpeg_quality": EVAL_JPEG_QUALITY, "frames_per_clip": frames_per_clip,
           "folds_tsv_sha256": _sha(folds_tsv), "data_list_sha256": _sha(data_list),
           "files": {f: {"bytes": os.path.getsize(os.path.join(out, f)), "sha256": _sha(os.path.join(out, f))} for f in files}}
    with open(os.path.join(out, "manifest.json"), "w") as fh:
        json.dump(man, fh, indent=1)
    log(f"package {out}: {sum(v['bytes'] for v in man['files'].values()) / 2**20:.1f} MiB, {time.perf_counter() - t0:.0f} s")
    return man
