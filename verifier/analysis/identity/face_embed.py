"""Face embedding: dlib's ResNet face descriptor on a chip aligned from our FaceMesh landmarks.

The descriptor (registry entry ``dlib-face-resnet``, CC0, run by the ``dlib-bin`` wheel) maps a
150×150 face chip to 128 numbers; upstream, two faces of one person lie closer than 0.6
(Euclidean) on LFW. dlib cuts the chip with :func:`dlib.get_face_chip` from its own 5-point
landmarks; here the same five points (outer and inner eye corners, base of the nose) come
from FaceMesh, and the same similarity transform places them on dlib's template, so neither
dlib's face detector nor its landmark model is needed.
"""
from __future__ import annotations

import cv2
import numpy as np

from ...core.errors import ModelUnavailableError
from ...core.once import load_once

MODEL_NAME = "dlib-face-resnet"  # verifier/assets/models/dlib-face-resnet.json
DLIB_PACKAGE = "dlib-bin==20.0.1.post1"  # the wheel that runs it (no compiler needed)
CHIP_PX = 150  # the descriptor's input side, pixels
CHIP_PADDING = 0.25  # dlib.get_face_chip's default padding (share of the face box on each side)
# dlib's 5-point template (dlib/image_transforms/interpolation.h, get_face_chip_details), in the
# order of its 5-point landmark model: image-right eye outer and inner corner, image-left eye
# outer and inner corner, base of the nose; unit square before padding.
DLIB_TEMPLATE_5 = np.array([[0.8595674595992, 0.2134981538014], [0.6460604764104, 0.2289674387677],
                            [0.1205750620789, 0.2137274526848], [0.3340850613712, 0.2290642403242],
                            [0.4901123135022, 0.6277975316475]])
# The same five points in FaceMesh's 478 (canonical mesh indices): 263/362 image-right eye
# outer/inner corner, 33/133 image-left eye outer/inner corner, 2 the base of the nose (subnasale).
FACEMESH_5 = (263, 362, 33, 133, 2)


def similarity_transform(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Least-squares similarity (rotation, uniform scale, translation) taking ``src`` points to
    ``dst`` (Umeyama 1991, as dlib's ``find_similarity_transform``).

    Returns
    -------
    np.ndarray [shape=(2, 3)], the affine matrix for :func:`cv2.warpAffine`.
    """
    src, dst = np.asarray(src, float), np.asarray(dst, float)
    ms, md = src.mean(0), dst.mean(0)
    s, d = src - ms, dst - md
    cov = d.T @ s / len(src)
    u, sig, vt = np.linalg.svd(cov)
    sign = np.eye(2)
    if np.linalg.det(u) * np.linalg.det(vt) < 0:
        sign[1, 1] = -1
    r = u @ sign @ vt
    scale = np.trace(np.diag(sig) @ sign) / max(s.var(0).sum(), 1e-12)
    m = np.zeros((2, 3))
    m[:, :2] = scale * r
    m[:, 2] = md - scale * r @ ms
    return m


def align_chip(rgb: np.ndarray, landmarks: np.ndarray, size: int = CHIP_PX, padding: float = CHIP_PADDING) -> np.ndarray:
    """The ``size``×``size`` RGB face chip dlib's descriptor expects.

    Parameters
    ----------
    rgb : np.ndarray [shape=(h, w, 3)], uint8
    landmarks : np.ndarray [shape=(478, 2 or 3)]
        FaceMesh landmarks in ``rgb``'s pixels.

    Returns
    -------
    np.ndarray [shape=(size, size, 3)], uint8 (outside the picture: mirrored).
    """
    dst = (padding + DLIB_TEMPLATE_5) / (2 * padding + 1) * size
    m = similarity_transform(np.asarray(landmarks)[list(FACEMESH_5), :2], dst)
    return cv2.warpAffine(rgb, m, (size, size), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT_101)


@load_once
def load_descriptor():
    """dlib's ``face_recognition_model_v1`` with the registry's checked file, loaded once.

    Raises
    ------
    ModelUnavailableError
        ``model.missing`` / ``model.corrupt``; also ``model.missing`` when the ``dlib`` module
        (the ``dlib-bin`` wheel) is not installed, with the pip command.
    """
    from .. import registry

    p = registry.model_path(MODEL_NAME)
    try:
        import dlib
    except ImportError as e:
        raise ModelUnavailableError("model.missing", model="dlib", file="dlib (Python module)",
                                    location=str(e), command=f"pip install {DLIB_PACKAGE}") from e
    return dlib.face_recognition_model_v1(str(p))


def describe(chips: list[np.ndarray], model=None) -> np.ndarray:
    """128-d descriptors of aligned chips, shape (k, 128), float32 (dlib's scale: same person
    < 0.6 apart upstream)."""
    if not chips:
        return np.zeros((0, 128), np.float32)
    model = model or load_descriptor()
    out = model.compute_face_descriptor([np.ascontiguousarray(c, np.uint8) for c in chips])
    return np.asarray([np.asarray(v) for v in out], np.float32)


def distance(a: np.ndarray, b: np.ndarray) -> float:
    """Euclidean distance of two descriptors (dlib's metric; smaller = more alike)."""
    return float(np.linalg.norm(np.asarray(a, float) - np.asarray(b, float)))
