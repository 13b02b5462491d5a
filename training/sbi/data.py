"""The data list (which file trains, which evaluates) and the landmark/crop cache.

Split, by source (a source folder is one recording set, so identities do not cross):
- train: every real photo of ``faces/`` and the real clips of :data:`TRAIN_CLIP_SOURCES`;
- eval: every other real clip (among them ``deepfacelive_original``, the real halves of the
  DeepFaceLive same-scene pairs, never trained on) and all fake clips.
The list is committed (``training/sbi/data_list.tsv``: paths relative to the shared data
folder and sha256 from its MANIFEST.tsv files) and checked against the files when caching.

The cache (gitignored, default ``/work/cache/sbi``) holds, per split, aligned face crops
(:func:`verifier.analysis.video.align.align_face`, side :data:`CACHE_SIZE_PX`, margin
:data:`CACHE_MARGIN`) and their 478 landmarks in crop pixels, as ``.npz``.
"""
from __future__ import annotations

import csv
import os
import time

import cv2
import numpy as np
import platformdirs

from verifier.analysis.registry import sha256_of as sha256_file
from verifier.analysis.video.align import align_face
from verifier.core.params import AlignParams
from verifier.evaluate.manifest import read_manifest

TRAIN_CLIP_SOURCES = ("real/liveportrait_driving", "real/videoretalking_input")  # set aside for training (16 clips)
NEVER_TRAIN_SOURCES = ("real/deepfacelive_original",)  # real halves of the DeepFaceLive pairs: the key evaluation
CACHE_SIZE_PX = 192  # side of the cached crops, pixels
CACHE_MARGIN = 1.6  # margin of the cached crops: wider than the network's (1.25), so training can re-frame with jitter
PHOTO_PAD_FRAC = 0.25  # photos are padded (reflected) by this fraction of their side before FaceMesh (tight chips)
TRAIN_FRAMES_PER_CLIP = 48  # evenly spaced frames of each training clip
EVAL_FRAMES_PER_CLIP = 16  # evenly spaced frames of each evaluation clip
FIELDS = ("split", "kind", "path", "sha256", "label", "source")
# Landmarks, crops, fetched start weights and runs (outside git): $SBI_CACHE, else the per-user cache folder.
DEFAULT_CACHE = os.environ.get("SBI_CACHE") or os.path.join(platformdirs.user_cache_dir("deepfake-call-verifier"), "sbi")


def build_data_list(shared_data: str) -> list[dict]:
    """Rows (split, kind, path, sha256, label, source) from the MANIFEST.tsv of
    ``<shared_data>/faces`` and ``<shared_data>/video``."""
    rows = []
    with open(os.path.join(shared_data, "faces", "MANIFEST.tsv"), encoding="utf-8") as f:
        photos = list(csv.DictReader(f, delimiter="\t"))  # no label column: every photo is real
    for r in photos:
        rows.append({"split": "train", "kind": "photo", "path": "faces/" + r["path"], "sha256": r["sha256"],
                     "label": "real", "source": "faces/" + r["path"].split("/")[1]})
    for r in read_manifest(os.path.join(shared_data, "video")):
        train = r["label"] == "real" and r["source"] in TRAIN_CLIP_SOURCES and r["source"] not in NEVER_TRAIN_SOURCES
        rows.append({"split": "train" if train else "eval", "kind": "clip", "path": "video/" + r["path"],
                     "sha256": r["sha256"], "label": r["label"], "source": r["source"]})
    return rows


def write_tsv(rows: list[dict], path: str, fields) -> None:
    """``rows`` as a tab-separated file with a header of ``fields``."""
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fields, delimiter="\t", lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def write_data_list(rows: list[dict], path: str) -> None:
    write_tsv(rows, path, FIELDS)


def read_data_list(path: str) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))



def _check(shared_data: str, row: dict) -> str:
    p = os.path.join(shared_data, row["path"])
    if sha256_file(p) != row["sha256"]:
        raise ValueError(f"sha256 mismatch for {row['path']}: the data changed since the list was written")
    return p


class StaticMesh:
    """FaceMesh (refined, 478 points) in static-image mode for unrelated photos."""

    def __enter__(self):
        import mediapipe as mp

        self._mesh = mp.solutions.face_mesh.FaceMesh(static_image_mode=True, max_num_faces=1, refine_landmarks=True,
                                                     min_detection_confidence=0.5)
        return self

    def __exit__(self, *exc):
        self._mesh.close()

    def landmarks(self, rgb: np.ndarray) -> np.ndarray | None:
        h, w = rgb.shape[:2]
        res = self._mesh.process(rgb)
        if not res.multi_face_landmarks:
            return None
        return np.array([(p.x * w, p.y * h) for p in res.multi_face_landmarks[0].landmark], np.float32)


def photo_landmarks(rgb: np.ndarray, mesh: StaticMesh) -> np.ndarray | None:
    """Landmarks of a tight face chip: pad by reflection first (FaceMesh needs some context)."""
    pad = round(PHOTO_PAD_FRAC * max(rgb.shape[:2]))
    padded = cv2.copyMakeBorder(rgb, pad, pad, pad, pad, cv2.BORDER_REFLECT_101)
    pts = mesh.landmarks(padded)
    return None if pts is None else pts - pad


def sample_clip_frames(path: str, n: int) -> list[tuple[int, np.ndarray]]:
    """``n`` evenly spaced RGB frames of a clip (all frames are decoded, the chosen ones kept;
    the clips here are short). Returns (frame index, frame) pairs."""
    import av

    with av.open(path) as c:
        frames = [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]
    if not frames:
        return []
    idx = np.unique(np.linspace(0, len(frames) - 1, min(n, len(frames))).round().astype(int))
    return [(int(i), frames[i]) for i in idx]


def clip_faces(path: str, n: int, align: AlignParams) -> list[tuple[int, np.ndarray, np.ndarray]]:
    """Aligned crops of ``n`` evenly spaced frames: (frame index, crop, landmarks in crop px);
    frames where no face is found are left out."""
    from verifier.analysis.face import FaceTracker

    out = []
    with FaceTracker() as tracker:
        for i, rgb in sample_clip_frames(path, n):
            obs = tracker.track(rgb)
            if obs.landmarks is not None:
                crop, pts = align_face(rgb, obs.landmarks, align)
                out.append((i, crop, pts))
    return out


def cache_train(rows: list[dict], shared_data: str, cache: str, *, log=print) -> str:
    """Aligned crops + landmarks of every training photo and sampled training-clip frame into
    ``<cache>/train.npz`` (crops uint8 (n, S, S, 3), pts float32 (n, 478, 2), path, is_video)."""
    os.makedirs(cache, exist_ok=True)
    out_path = os.path.join(cache, "train.npz")
    align = AlignParams(CACHE_SIZE_PX, CACHE_MARGIN)
    crops, pts_all, paths, is_video = [], [], [], []
    missed = 0
    t0 = time.perf_counter()
    train = [r for r in rows if r["split"] == "train"]
    with StaticMesh() as mesh:
        for k, r in enumerate(r for r in train if r["kind"] == "photo"):
            p = _check(shared_data, r)
            rgb = cv2.imread(p, cv2.IMREAD_COLOR)[..., ::-1]
            lm = photo_landmarks(np.ascontiguousarray(rgb), mesh)
            if lm is None:
                missed += 1
                continue
            crop, pts = align_face(rgb, lm, align)
            crops.append(crop), pts_all.append(pts), paths.append(r["path"]), is_video.append(False)
            if k % 500 == 0:
                log(f"photos {k}: {time.perf_counter() - t0:.0f} s, {missed} without a face")
    n_photos = len(crops)
    for r in (r for r in train if r["kind"] == "clip"):
        for i, crop, pts in clip_faces(_check(shared_data, r), TRAIN_FRAMES_PER_CLIP, align):
            crops.append(crop), pts_all.append(pts), paths.append(f"{r['path']}#{i}"), is_video.append(True)
        log(f"clip {r['path']}: {len(crops) - n_photos} frames so far")
    np.savez(out_path, crops=np.stack(crops), pts=np.stack(pts_all), path=np.array(paths), is_video=np.array(is_video))
    log(f"train cache: {n_photos} photos ({missed} without a face), {len(crops) - n_photos} clip frames, "
        f"{time.perf_counter() - t0:.0f} s -> {out_path}")
    return out_path


def cache_eval(rows: list[dict], shared_data: str, cache: str, align: AlignParams, *, log=print) -> str:
    """Canonical crops (the inference framing ``align``) of :data:`EVAL_FRAMES_PER_CLIP` frames of
    every evaluation clip into ``<cache>/eval_<size>_<margin>.npz`` (crops, clip index per crop,
    and the clip paths, labels and sources)."""
    os.makedirs(cache, exist_ok=True)
    out_path = os.path.join(cache, f"eval_{align.size_px}_{align.margin:g}.npz")
    crops, clip_idx = [], []
    ev = [r for r in rows if r["split"] == "eval"]
    t0 = time.perf_counter()
    for j, r in enumerate(ev):
        faces = clip_faces(_check(shared_data, r), EVAL_FRAMES_PER_CLIP, align)
        for _, crop, _ in faces:
            crops.append(crop), clip_idx.append(j)
        if not faces:
            log(f"no face in {r['path']}")
    np.savez(out_path, crops=np.stack(crops), clip=np.array(clip_idx), path=np.array([r["path"] for r in ev]),
             label=np.array([r["label"] for r in ev]), source=np.array([r["source"] for r in ev]))
    log(f"eval cache: {len(ev)} clips, {len(crops)} crops, {time.perf_counter() - t0:.0f} s -> {out_path}")
    return out_path
