"""Synthetic head turns for the liveness tests: a frontal photo re-rendered at a given yaw.

FaceMesh's own 3-D landmarks of a frontal photo are rotated about the vertical axis and each
mesh triangle's texture is warped to its projected place (far triangles first, back-facing ones
dropped), over the photo with its face filled in. A second identity is drawn on the same
geometry by warping its face texture onto the first face's landmarks (a synthetic face swap).
A 2-D squeeze of the photo does not work: FaceMesh reads a squeezed frontal face as frontal
(measured: |yaw| < 4° at a 0.5 squeeze).
"""
from __future__ import annotations

import cv2
import numpy as np
from scipy.spatial import Delaunay

N_MESH = 468  # FaceMesh points without the iris


def landmarks_of(rgb: np.ndarray) -> np.ndarray:
    from verifier.analysis.face import FaceTracker

    with FaceTracker() as tr:
        obs = None
        for _ in range(3):
            obs = tr.track(rgb)
    if obs is None or obs.landmarks is None:
        raise RuntimeError("no face found in the synthetic source")
    return obs.landmarks[:N_MESH].astype(np.float64)


def _warp_triangle(src, dst_img, tri_src, tri_dst):
    x, y, w, h = cv2.boundingRect(np.float32(tri_dst))
    if w <= 0 or h <= 0:
        return
    H, W = dst_img.shape[:2]
    x0, y0, x1, y1 = max(x, 0), max(y, 0), min(x + w, W), min(y + h, H)
    if x1 <= x0 or y1 <= y0:
        return
    m = cv2.getAffineTransform(np.float32(tri_src), np.float32(tri_dst - [x0, y0]))
    patch = cv2.warpAffine(src, m, (x1 - x0, y1 - y0), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT_101)
    mask = np.zeros((y1 - y0, x1 - x0), np.uint8)
    cv2.fillConvexPoly(mask, np.int32(np.round(tri_dst - [x0, y0])), 1, lineType=cv2.LINE_8)
    roi = dst_img[y0:y1, x0:x1]
    roi[mask > 0] = patch[mask > 0]


class TurningFace:
    """Render ``photo`` (RGB uint8, one frontal face) at any yaw; ``other`` (optional) is a second
    face photo whose texture is drawn on the same geometry (``render(yaw, swapped=True)``)."""

    def __init__(self, photo: np.ndarray, other: np.ndarray | None = None, depth_gain: float = 2.5):
        self.photo = np.ascontiguousarray(photo)
        self.lm = landmarks_of(self.photo)
        self.depth_gain = depth_gain  # FaceMesh z of one photo is shallow: deepened so a turn reads as one
        self.tri = Delaunay(self.lm[:, :2]).simplices
        hull = cv2.convexHull(np.int32(self.lm[:, :2]))
        mask = np.zeros(self.photo.shape[:2], np.uint8)
        cv2.fillConvexPoly(mask, hull, 255)
        mask = cv2.dilate(mask, np.ones((9, 9), np.uint8))
        self.background = cv2.inpaint(self.photo, mask, 5, cv2.INPAINT_TELEA)
        self.other = None
        if other is not None:  # the other face's texture on this face's geometry
            lm_b = landmarks_of(np.ascontiguousarray(other))
            tex = self.photo.copy()
            for t in self.tri:
                _warp_triangle(other, tex, lm_b[t, :2], self.lm[t, :2])
            self.other = tex

    def render(self, yaw_deg: float, swapped: bool = False) -> np.ndarray:
        tex = self.other if (swapped and self.other is not None) else self.photo
        p = self.lm
        c = p.mean(0)
        a = np.radians(yaw_deg)
        x, z = p[:, 0] - c[0], (p[:, 2] - c[2]) * self.depth_gain
        xr = c[0] + x * np.cos(a) - z * np.sin(a)
        zr = x * np.sin(a) + z * np.cos(a)
        q = np.stack([xr, p[:, 1]], 1)
        out = self.background.copy()
        depth = zr[self.tri].mean(1)
        for i in np.argsort(-depth):  # far first
            t = self.tri[i]
            d = q[t]
            area_src = np.cross(p[t[1], :2] - p[t[0], :2], p[t[2], :2] - p[t[0], :2])
            area_dst = np.cross(d[1] - d[0], d[2] - d[0])
            if area_dst * area_src <= 0:  # back-facing or edge-on
                continue
            _warp_triangle(tex, out, p[t, :2], d)
        return out


def write_clip(path: str, frames: list, fps: float = 10.0) -> None:
    import av

    h, w = frames[0].shape[:2]
    with av.open(path, "w") as c:
        s = c.add_stream("libx264", rate=int(fps))
        s.width, s.height, s.pix_fmt = w - w % 2, h - h % 2, "yuv420p"
        s.options = {"crf": "18"}
        for f in frames:
            vf = av.VideoFrame.from_ndarray(np.ascontiguousarray(f[: s.height, : s.width]), format="rgb24")
            for pkt in s.encode(vf):
                c.mux(pkt)
        for pkt in s.encode():
            c.mux(pkt)


def astronaut_canvas() -> np.ndarray:
    """skimage's astronaut photo (public domain, NASA) on a 640×480 canvas, face ~190 px high."""
    from skimage import data

    img = data.astronaut()
    canvas = cv2.resize(img, (480, 480))
    out = np.full((480, 640, 3), 60, np.uint8)
    out[:, 80:560] = canvas
    return out
