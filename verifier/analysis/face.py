"""Face tracking: 478 FaceMesh landmarks per frame behind a small interface of our own.

FaceMesh (mediapipe 0.10.21, legacy ``solutions`` API) misses faces that are small in a
wide frame, because its own detector is short-range. So the tracker finds the face with
the full-range detector first, then runs the mesh on a square crop around it, and keeps
following the face with the landmarks of the previous frame. The full-range detector
runs again only when the mesh loses the face.

Another landmarker can be swapped in by implementing :class:`Landmarker`.
"""
from __future__ import annotations

import importlib
import os
import sys
import types
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol

import cv2
import numpy as np

N_LANDMARKS = 478  # FaceMesh with refine_landmarks=True (468 mesh points + 10 iris points)

# Landmark indices (mediapipe canonical face mesh).
LEFT_EYE_EAR = (33, 160, 158, 133, 153, 144)  # p1..p6 of the eye aspect ratio (Soukupová & Čech 2016)
RIGHT_EYE_EAR = (362, 385, 387, 263, 373, 380)
LEFT_EYE_OUTER, RIGHT_EYE_OUTER = 33, 263  # outer eye corners: inter-ocular distance, the face scale
INNER_LIP_PAIRS = ((82, 87), (13, 14), (312, 317))  # upper/lower inner lip points, left to right
MOUTH_CORNERS = (78, 308)
FACE_TOP, FACE_BOTTOM = 10, 152  # forehead, chin

CROP_MARGIN = 1.9  # crop side = this × the larger side of the face box
MESH_INPUT_PX = 256  # the crop is resized to at most this side before the mesh (the model itself runs at 192)
DETECT_MAX_SIDE_PX = 640  # full frames are downscaled to this for the full-range detector
BLUR_EVERY_N = 5  # sharpness is measured on every 5th face (it changes slowly; saves ~0.5 ms/frame)
RECROP_DRIFT = 0.2  # re-centre the crop when the face centre moves by this fraction of the crop side


class Landmarker(Protocol):
    """Anything that maps an RGB image to one face's landmarks (or None)."""

    def landmarks(self, rgb: np.ndarray) -> np.ndarray | None:
        """(478, 3) float32 landmarks in pixel coordinates of ``rgb`` (z in the same
        scale as x), or ``None`` when no face is found."""

    def detect(self, rgb: np.ndarray) -> tuple[float, float, float, float] | None:
        """Bounding box (x0, y0, x1, y1) in pixels of the most prominent face, or None."""

    def close(self) -> None: ...


WARM_UP_PX = 192  # side of the blank frame that starts each graph, pixels
QUIET_FIRST_RUNS = 3  # runs of a mediapipe graph (that found a face) during which its C++ start-up logging is hidden


@contextmanager
def _native_stderr_quiet(quiet: bool = True):
    """Point file descriptor 2 at /dev/null while mediapipe's graphs start.

    Their C++ code writes INFO/WARNING lines (TFLite delegate, feedback tensors, projection
    notes) straight to fd 2 the first time each graph runs; users read them as errors, and
    neither GLOG_minloglevel nor TF_CPP_MIN_LOG_LEVEL reaches that logger
    (google-ai-edge/mediapipe#5371). Python errors are unaffected: they are raised, not
    printed, inside this block. Whatever another thread writes to stderr during these few
    milliseconds is lost too. ``VERIFIER_DEBUG=1`` keeps everything.
    """
    if not quiet or os.environ.get("VERIFIER_DEBUG"):
        yield
        return
    sys.stderr.flush()
    saved, devnull = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


class _LazyModule(types.ModuleType):
    """Stands in ``sys.modules`` for a module during :func:`import_mediapipe`; whoever kept it
    gets the real module's attributes on first use (imported then)."""

    def __getattr__(self, attr):
        if sys.modules.get(self.__name__) is self:  # still standing in: the real one is not loaded
            raise AttributeError(attr)
        return getattr(importlib.import_module(self.__name__), attr)


def import_mediapipe():
    """``import mediapipe``, without importing matplotlib.

    mediapipe 0.10.21's ``solutions`` package imports ``drawing_utils``, which imports
    ``matplotlib.pyplot`` at module level for one plotting helper (``plot_landmarks``) that
    the verifier never calls: about half of mediapipe's import time (0.5 s of CPU measured
    here). While mediapipe is imported, ``matplotlib`` (when not imported yet) and
    ``matplotlib.pyplot`` are stand-ins; afterwards they are taken out of ``sys.modules``,
    so any later import of matplotlib gets the real one, and ``drawing_utils.plt`` imports
    it on first use. Nothing else of mediapipe changes.
    """
    if "mediapipe" in sys.modules or "matplotlib.pyplot" in sys.modules:
        import mediapipe

        return mediapipe
    stand_ins = {name: _LazyModule(name) for name in ("matplotlib", "matplotlib.pyplot") if name not in sys.modules}
    if "matplotlib" in stand_ins:
        stand_ins["matplotlib"].pyplot = stand_ins["matplotlib.pyplot"]
    sys.modules.update(stand_ins)
    try:
        import mediapipe
    finally:
        for name, mod in stand_ins.items():
            if sys.modules.get(name) is mod:
                del sys.modules[name]
    return mediapipe


class MediaPipeLandmarker:
    """mediapipe 0.10.21 FaceMesh (refined, tracking mode) + full-range FaceDetection."""

    def __init__(self, min_confidence: float = 0.5):
        mp = import_mediapipe()  # imported here: 0.3 s, only when faces are needed

        with _native_stderr_quiet():
            self._mesh = mp.solutions.face_mesh.FaceMesh(
                static_image_mode=False, max_num_faces=1, refine_landmarks=True,
                min_detection_confidence=min_confidence, min_tracking_confidence=min_confidence)
            self._detector = mp.solutions.face_detection.FaceDetection(
                model_selection=1, min_detection_confidence=min_confidence)  # 1 = full range (up to ~5 m)
            # The graphs open their calculators in worker threads after start; one run on a blank
            # frame waits until they are idle, so their start-up lines land in this quiet block.
            blank = np.zeros((WARM_UP_PX, WARM_UP_PX, 3), np.uint8)
            self._mesh.process(blank)
            self._detector.process(blank)
        # Each graph logs from its worker threads during its first runs that find a face.
        self._mesh_runs = self._detector_runs = 0  # runs that found a face
        self._lean = _lean_api(self._mesh)
        if self._lean:
            from mediapipe.python import packet_creator
            from mediapipe.python._framework_bindings import _packet_getter, image_frame

            self._packet_creator, self._getter = packet_creator, _packet_getter
            self._srgb = image_frame.ImageFormat.SRGB
            (self._in_stream,), (self._out_stream,) = self._mesh._input_stream_type_info, ("multi_face_landmarks",)

    def landmarks(self, rgb):
        h, w = rgb.shape[:2]
        with _native_stderr_quiet(self._mesh_runs < QUIET_FIRST_RUNS):
            if self._lean:
                pts = self._lean_mesh(rgb)
            else:
                res = self._mesh.process(rgb)
                pts = res.multi_face_landmarks[0].landmark if res.multi_face_landmarks else None
        if pts is None:
            return None
        self._mesh_runs += 1
        return _landmark_array(pts, w, h)

    def _lean_mesh(self, rgb):
        """What ``self._mesh.process(rgb)`` does for one frame, without the per-call overhead of
        mediapipe's generic ``SolutionBase.process`` (a namedtuple class made per call, the type
        dispatch, one protobuf object per landmark): the same packet at the same simulated
        timestamp into the same graph, then the first face's landmarks read straight from the
        serialised protobuf (:func:`_landmarks_from_proto_bytes`). Returns the first face's
        normalised landmarks ((478, 3) float32, or mediapipe's landmark list when the serialised
        form is not the one parsed here), or None when no face. Same landmarks as ``process()``
        (tests/test_video_pipelined.py)."""
        s = self._mesh
        s._graph_outputs.clear()
        s._simulated_timestamp += 33333  # as SolutionBase.process: a 30 fps clock
        packet = self._packet_creator.create_image(rgb, image_format=self._srgb).at(s._simulated_timestamp)
        s._graph.add_packet_to_input_stream(stream=self._in_stream, packet=packet)
        s._graph.wait_until_idle()
        out = s._graph_outputs.get(self._out_stream)
        if out is None or out.is_empty() or self._getter._get_proto_vector_size(out) == 0:
            return None
        pts = _landmarks_from_proto_bytes(self._getter._get_serialized_proto_list(out)[0])
        if pts is None:  # not the layout parsed here: decode this frame's packet with protobuf
            from mediapipe.python import packet_getter

            return packet_getter.get_proto_list(out)[0].landmark
        return pts

    def detect(self, rgb):
        h, w = rgb.shape[:2]
        scale = min(1.0, DETECT_MAX_SIDE_PX / max(h, w))
        small = cv2.resize(rgb, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA) if scale < 1 else rgb
        with _native_stderr_quiet(self._detector_runs < QUIET_FIRST_RUNS):
            res = self._detector.process(small)
        if not res.detections:
            return None
        self._detector_runs += 1
        best = max(res.detections, key=lambda d: d.score[0] * d.location_data.relative_bounding_box.width)
        b = best.location_data.relative_bounding_box
        return (b.xmin * w, b.ymin * h, (b.xmin + b.width) * w, (b.ymin + b.height) * h)

    def close(self):
        self._mesh.close()
        self._detector.close()


def _lean_api(solution) -> bool:
    """Whether ``solution`` (a mediapipe FaceMesh) has the internals :meth:`MediaPipeLandmarker._lean_mesh`
    drives (those of mediapipe 0.10.21's ``SolutionBase``: one image input, the landmark output);
    otherwise its public ``process()`` is used."""
    try:
        from mediapipe.python._framework_bindings import _packet_getter
        from mediapipe.python.solution_base import PacketDataType

        ok = (list(solution._input_stream_type_info.values()) == [PacketDataType.IMAGE]
              and solution._output_stream_type_info.get("multi_face_landmarks") == PacketDataType.PROTO_LIST)
        return bool(ok and isinstance(solution._graph_outputs, dict) and isinstance(solution._simulated_timestamp, int)
                    and hasattr(solution._graph, "wait_until_idle")
                    and hasattr(_packet_getter, "_get_serialized_proto_list")
                    and hasattr(_packet_getter, "_get_proto_vector_size"))
    except Exception:  # noqa: BLE001 another mediapipe: the public API
        return False


# One NormalizedLandmark as mediapipe serialises it when only x, y, z are set (protobuf wire format):
# the field tag of ``landmark`` (1, length-delimited), the length 15, then x, y, z as fields 1–3 of
# wire type 5 (32-bit little-endian floats), each a tag byte and 4 bytes.
_LANDMARK_RECORD = 17  # bytes
_LANDMARK_TAGS = {0: 0x0A, 1: 15, 2: 0x0D, 7: 0x15, 12: 0x1D}  # byte offset in the record -> expected byte
_LANDMARK_FLOAT_BYTES = np.array([3, 4, 5, 6, 8, 9, 10, 11, 13, 14, 15, 16])  # x, y, z


def _landmarks_from_proto_bytes(data: bytes) -> np.ndarray | None:
    """(n, 3) float32 ``x, y, z`` of a serialised ``NormalizedLandmarkList`` whose landmarks hold
    exactly x, y and z (what FaceMesh gives), read with numpy: the same float32 values protobuf
    would parse. None for any other layout (visibility or presence set, a default value
    omitted, other fields): the caller then parses it with protobuf."""
    raw = np.frombuffer(data, np.uint8)
    if raw.size == 0 or raw.size % _LANDMARK_RECORD:
        return None
    rec = raw.reshape(-1, _LANDMARK_RECORD)
    if not all((rec[:, i] == v).all() for i, v in _LANDMARK_TAGS.items()):
        return None
    return rec[:, _LANDMARK_FLOAT_BYTES].copy().view("<f4").reshape(-1, 3).astype(np.float32, copy=False)


def _landmark_array(pts, w: int, h: int) -> np.ndarray:
    """(n, 3) float32 pixel coordinates ``(x·w, y·h, z·w)`` of mediapipe's normalised landmarks
    (its landmark list, or an (n, 3) float32 array of them): multiplied in float64, then rounded
    to float32, as a per-point loop would (10× faster)."""
    if isinstance(pts, np.ndarray):
        out = pts.astype(np.float64).reshape(-1, 3)
    else:
        out = np.array([(p.x, p.y, p.z) for p in pts], np.float64).reshape(-1, 3)
    out *= (w, h, w)
    return out.astype(np.float32)


@dataclass
class FaceObservation:
    """What the tracker saw in one frame."""

    landmarks: np.ndarray | None  # (478, 3) in full-frame pixels, or None
    face_px: float = 0.0  # face height (forehead to chin) in pixels
    blur: float = float("nan")  # variance of the Laplacian on the face, grey levels²
    box: tuple[float, float, float, float] | None = None  # landmarks' bounding box (x0, y0, x1, y1), pixels


class FaceTracker:
    """Follows one face through a clip. Use as a context manager.

    >>> with FaceTracker() as tracker:
    ...     obs = tracker.track(rgb_frame)
    """

    def __init__(self, landmarker: Landmarker | None = None):
        self._lm = landmarker
        self._crop: tuple[int, int, int] | None = None  # x0, y0, side in frame pixels
        self._n_faces = 0

    def __enter__(self):
        if self._lm is None:
            self._lm = MediaPipeLandmarker()
        return self

    def __exit__(self, *exc):
        if self._lm is not None:
            self._lm.close()

    def prepare(self, rgb: np.ndarray) -> "_MeshInput | None":
        """The mesh input (crop, downscaled) of ``rgb`` for the crop this tracker holds now, or None
        when it holds none. Safe to call from another thread while the tracker works on earlier
        frames (it only reads the crop): the pipeline's decode thread prepares each frame this
        way, and :meth:`track` uses the result when the crop is still the same (it mostly is:
        the crop stays put while the face does), so the resize is off the tracking thread."""
        crop = self._crop
        return None if crop is None else _mesh_input(rgb, crop)

    def track(self, rgb: np.ndarray, prepared: "_MeshInput | None" = None) -> FaceObservation:
        """The face in ``rgb``. ``prepared``: :meth:`prepare` of the same ``rgb``, made earlier;
        used only when made for the crop the tracker holds now (the same pixels it would make)."""
        if self._lm is None:
            raise RuntimeError("FaceTracker must be used as a context manager")
        pts = None
        if self._crop is not None:
            pts = self._mesh_on_crop(rgb, self._crop, prepared)
        if pts is None:  # lost, or first frame: find the face with the full-range detector
            box = self._lm.detect(rgb)
            if box is None:
                self._crop = None
                return FaceObservation(None)
            self._crop = _square_crop(box, rgb.shape, CROP_MARGIN)
            pts = self._mesh_on_crop(rgb, self._crop)
            if pts is None:
                self._crop = None
                return FaceObservation(None)
        (x0, y0), (x1, y1) = pts[:, :2].min(0), pts[:, :2].max(0)
        box = (float(x0), float(y0), float(x1), float(y1))
        self._update_crop(box, rgb.shape)
        face_px = float(np.linalg.norm(pts[FACE_TOP, :2] - pts[FACE_BOTTOM, :2]))
        self._n_faces += 1
        blur = _face_blur(rgb, box) if (self._n_faces - 1) % BLUR_EVERY_N == 0 else float("nan")
        return FaceObservation(pts, face_px, blur, box)

    def _mesh_on_crop(self, rgb, crop, prepared: "_MeshInput | None" = None):
        inp = prepared if (prepared is not None and prepared.crop == crop) else _mesh_input(rgb, crop)
        if inp.patch is None:
            return None
        pts = self._lm.landmarks(inp.patch)
        if pts is None:
            return None
        pts = pts / inp.scale
        pts[:, 0] += inp.xa
        pts[:, 1] += inp.ya
        return pts

    def _update_crop(self, box, shape):
        new = _square_crop(box, shape, CROP_MARGIN)
        if self._crop is None:
            self._crop = new
            return
        cx, cy, side = self._crop[0] + self._crop[2] / 2, self._crop[1] + self._crop[2] / 2, self._crop[2]
        ncx, ncy, nside = new[0] + new[2] / 2, new[1] + new[2] / 2, new[2]
        # Hysteresis: keep the crop fixed while the face stays put, so the mesh tracks smoothly.
        if abs(ncx - cx) > RECROP_DRIFT * side or abs(ncy - cy) > RECROP_DRIFT * side or not 0.8 < nside / side < 1.25:
            self._crop = new


@dataclass(frozen=True)
class _MeshInput:
    """What the mesh is given for one frame and crop: the crop's part inside the picture,
    downscaled to :data:`MESH_INPUT_PX` (None when under 16 px), the scale, and where it lies."""

    crop: tuple[int, int, int]  # x0, y0, side in frame pixels
    patch: np.ndarray | None  # contiguous RGB
    scale: float
    xa: int
    ya: int


def _mesh_input(rgb: np.ndarray, crop) -> _MeshInput:
    x0, y0, side = crop
    h, w = rgb.shape[:2]
    xa, ya, xb, yb = max(0, x0), max(0, y0), min(w, x0 + side), min(h, y0 + side)
    if xb - xa < 16 or yb - ya < 16:
        return _MeshInput(crop, None, 1.0, xa, ya)
    patch, scale = _shrink(rgb[ya:yb, xa:xb], MESH_INPUT_PX)
    return _MeshInput(crop, np.ascontiguousarray(patch), scale, xa, ya)


def _shrink(img: np.ndarray, max_side: int) -> tuple[np.ndarray, float]:
    """Downscale so the longer side is at most ``max_side`` px; returns (image, scale).

    Whole-pixel decimation for large factors, then bilinear: about 10× faster than
    INTER_AREA on a 720p crop, and the mesh (192 px input) sees no difference.
    """
    h, w = img.shape[:2]
    scale = min(1.0, max_side / max(h, w))
    if scale >= 1.0:
        return img, 1.0
    out_w, out_h = max(1, round(w * scale)), max(1, round(h * scale))
    k = int(0.5 / scale)  # keep at least twice the target size before interpolating
    if k >= 2:
        img = img[::k, ::k]
    return cv2.resize(img, (out_w, out_h), interpolation=cv2.INTER_LINEAR), out_w / w


def _square_crop(box, shape, margin):
    x0, y0, x1, y1 = box
    side = max(x1 - x0, y1 - y0) * margin
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    side = int(round(min(side, max(shape[:2]) * 1.0)))
    return int(round(cx - side / 2)), int(round(cy - side / 2)), max(side, 16)


def _face_blur(rgb, box) -> float:
    """Sharpness of the face region (``box``: the landmarks' bounding box): variance of the
    Laplacian (higher = sharper)."""
    x0, y0 = max(int(box[0]), 0), max(int(box[1]), 0)
    x1, y1 = int(box[2]), int(box[3])
    patch = rgb[y0:y1, x0:x1]
    if patch.size < 64:
        return float("nan")
    grey = cv2.cvtColor(patch, cv2.COLOR_RGB2GRAY)
    if max(grey.shape) > 128:  # compare faces of different sizes at one scale
        grey, _ = _shrink(grey, 128)
    return float(cv2.Laplacian(grey, cv2.CV_64F).var())


# --- per-frame geometry (pure functions over landmark arrays) ------------------------------

def eye_aspect_ratio(pts: np.ndarray, idx=LEFT_EYE_EAR) -> np.ndarray:
    """Eye aspect ratio (Soukupová & Čech, CVWW 2016): (|p2−p6| + |p3−p5|) / (2 |p1−p4|).

    Parameters
    ----------
    pts : np.ndarray [shape=(..., 478, 2 or 3)]
        Landmarks in pixels.

    Returns
    -------
    ear : np.ndarray [shape=(...)]
        About 0.25–0.35 for an open eye, under 0.15 for a closed one (dimensionless).
    """
    p = pts[..., list(idx), :2]
    v1 = np.linalg.norm(p[..., 1, :] - p[..., 5, :], axis=-1)
    v2 = np.linalg.norm(p[..., 2, :] - p[..., 4, :], axis=-1)
    hz = np.linalg.norm(p[..., 0, :] - p[..., 3, :], axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (v1 + v2) / (2.0 * hz)


def interocular_px(pts: np.ndarray) -> np.ndarray:
    """Distance between the outer eye corners in pixels, shape (...)."""
    return np.linalg.norm(pts[..., LEFT_EYE_OUTER, :2] - pts[..., RIGHT_EYE_OUTER, :2], axis=-1)


def mouth_opening(pts: np.ndarray) -> np.ndarray:
    """Inner-lip opening divided by the inter-ocular distance (dimensionless), shape (...).

    Mean over three upper/lower inner-lip pairs; normalising by the eye distance (which does
    not move with speech) makes it independent of face size and distance to the camera.
    """
    gaps = [np.linalg.norm(pts[..., a, :2] - pts[..., b, :2], axis=-1) for a, b in INNER_LIP_PAIRS]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.mean(gaps, axis=0) / interocular_px(pts)


# --- head pose (vectorised over frames) ----------------------------------------------------
# Points kept per frame for the pose, in this order: the two outer eye corners, forehead, chin.
POSE_POINTS = (LEFT_EYE_OUTER, RIGHT_EYE_OUTER, FACE_TOP, FACE_BOTTOM)


def head_pose_deg(pose_pts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Yaw, pitch and roll of the head in degrees from four landmarks per frame.

    A geometric estimate on FaceMesh's own 3-D landmarks (x, y in pixels, z relative depth in
    the same scale, larger = farther from the camera), with no camera model and no fitted
    head: the eye line (outer corner 33 → 263, image-left → image-right on a frontal face)
    and the face's vertical line (forehead 10 → chin 152).

    Parameters
    ----------
    pose_pts : np.ndarray [shape=(n, 4, 3)]
        :data:`POSE_POINTS` per frame, ``nan`` where no face.

    Returns
    -------
    yaw_deg, pitch_deg, roll_deg : np.ndarray [shape=(n,)]
        * roll: angle of the eye line in the image plane; positive when the image-right eye
          (the person's left) is lower on screen (a clockwise tilt as seen). 0 when level.
        * yaw: angle of the eye line out of the image plane; positive when the image-right eye
          is farther from the camera, i.e. the face turns towards image left (the person's
          right). 0 for a frontal face (the two corners are symmetric).
        * pitch: angle of the forehead→chin line out of the image plane; positive when the
          chin is farther from the camera than the forehead (head tipped down). Not corrected
          for the person's face shape: a frontal face reads a few degrees from 0.
        ``nan`` where no face.
    """
    p = np.asarray(pose_pts, float)
    eye = p[:, 1] - p[:, 0]
    vert = p[:, 3] - p[:, 2]
    roll = np.degrees(np.arctan2(eye[:, 1], eye[:, 0]))
    yaw = np.degrees(np.arctan2(eye[:, 2], np.hypot(eye[:, 0], eye[:, 1])))
    pitch = np.degrees(np.arctan2(vert[:, 2], np.hypot(vert[:, 0], vert[:, 1])))
    return yaw, pitch, roll


def outside_frame_share(pts: np.ndarray, frame_w: int, frame_h: int, box=None) -> float:
    """Share of the landmarks that lie outside the picture, in [0, 1].

    The occlusion column: FaceMesh places every landmark even where the face is cut by the
    frame edge, so this measures how much of the face the picture does not show. It does not
    see hands, hair or objects in front of a face inside the frame. ``box`` (the landmarks'
    bounding box, if known) spares the common case a per-point test.
    """
    x0, y0, x1, y1 = box if box is not None else (*pts[:, :2].min(0), *pts[:, :2].max(0))
    if x0 >= 0 and y0 >= 0 and x1 < frame_w and y1 < frame_h:  # the usual case, without a per-point test
        return 0.0
    x, y = pts[:, 0], pts[:, 1]
    outside = (x < 0) | (y < 0) | (x >= frame_w) | (y >= frame_h)
    return float(np.count_nonzero(outside)) / len(pts)


@dataclass
class FaceTrack:
    """Per-frame measurements of one clip, one named column per quantity, aligned with the
    analysed frames (all columns have the same length ``n``)."""

    t_s: np.ndarray  # (n,) frame times on the container timeline, seconds
    present: np.ndarray  # (n,) bool
    ear_left: np.ndarray  # (n,) eye aspect ratio, nan where no face
    ear_right: np.ndarray
    mouth: np.ndarray  # (n,) inner-lip opening / inter-ocular distance
    face_px: np.ndarray  # (n,) face height in pixels (0 where no face)
    blur: np.ndarray  # (n,) Laplacian variance on the face (nan where no face or not measured)
    yaw_deg: np.ndarray  # (n,) head pose, degrees (see head_pose_deg for signs); nan where no face
    pitch_deg: np.ndarray
    roll_deg: np.ndarray
    occlusion: np.ndarray  # (n,) share of landmarks outside the picture, [0, 1]; nan where no face
    frame_size: tuple[int, int] = (0, 0)  # (width, height)

    @property
    def n(self) -> int:
        return len(self.t_s)

    @property
    def coverage(self) -> float:
        return float(self.present.mean()) if self.n else 0.0

    @property
    def fps(self) -> float:
        if self.n < 2:
            return float("nan")
        return float((self.n - 1) / (self.t_s[-1] - self.t_s[0])) if self.t_s[-1] > self.t_s[0] else float("nan")


# Columns measured per frame while decoding (the head pose is derived from the kept points at build()).
_FRAME_COLUMNS = ("t_s", "present", "ear_left", "ear_right", "mouth", "face_px", "blur", "occlusion")


class FaceTrackBuilder:
    """Frame consumer that accumulates the per-frame columns of a :class:`FaceTrack` (a few
    floats and the four pose points per frame, never the frames)."""

    def __init__(self):
        self._cols: dict[str, list] = {name: [] for name in _FRAME_COLUMNS}
        self._col_lists = [self._cols[name] for name in _FRAME_COLUMNS]  # in _FRAME_COLUMNS order
        self._pose: list[np.ndarray] = []
        self.frame_size = (0, 0)

    def consume(self, frame, obs: FaceObservation) -> None:
        self.add(frame.t_s, obs, frame.image.shape)

    def add(self, t_s: float, obs: FaceObservation, frame_shape) -> None:
        self.frame_size = w, h = (frame_shape[1], frame_shape[0])
        p = obs.landmarks
        if p is None:
            row = (t_s, False, np.nan, np.nan, np.nan, 0.0, np.nan, np.nan)
            self._pose.append(_NO_POSE)
        else:
            row = (t_s, True, float(eye_aspect_ratio(p, LEFT_EYE_EAR)), float(eye_aspect_ratio(p, RIGHT_EYE_EAR)),
                   float(mouth_opening(p)), obs.face_px, obs.blur, outside_frame_share(p, w, h, obs.box))
            self._pose.append(p[_POSE_IDX])
        for col, v in zip(self._col_lists, row):
            col.append(v)

    def finish(self) -> FaceTrack:
        return self.build()

    def build(self) -> FaceTrack:
        cols = {k: np.asarray(v, dtype=float) for k, v in self._cols.items()}
        cols["present"] = cols["present"].astype(bool)
        pose = np.stack(self._pose) if self._pose else np.zeros((0, len(POSE_POINTS), 3))
        yaw, pitch, roll = head_pose_deg(pose)
        return FaceTrack(**cols, yaw_deg=yaw, pitch_deg=pitch, roll_deg=roll, frame_size=self.frame_size)


_NO_POSE = np.full((len(POSE_POINTS), 3), np.nan)
_POSE_IDX = np.array(POSE_POINTS)
