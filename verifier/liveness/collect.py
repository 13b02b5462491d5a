"""One decode pass over a challenge recording: the face (FaceMesh), the hands (mediapipe Hands) and
the few small pictures the measures need, kept in memory (JPEG bytes for the thumbnails and the
identity chips, small arrays for the rest), never on disk."""
from __future__ import annotations

import cv2
import numpy as np

from ..analysis.face import FACE_BOTTOM, FACE_TOP, POSE_POINTS
from ..core.params import ChallengeParams
from .measures import NOSE_TIP, border_step, fingertip_nose_rel, hand_share_in_box

CHANGE_CHIP_PX = 64  # aligned face chip for the hand-over-face change, pixels
CHANGE_CHIP_PADDING = 0.3
HAND_INPUT_PX = 256  # the hand model's crop is resized to this side at most, pixels
JPEG_QUALITY = 92


def _jpeg(rgb: np.ndarray) -> bytes:
    ok, buf = cv2.imencode(".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    return buf.tobytes()


def unjpeg(data: bytes) -> np.ndarray:
    return cv2.cvtColor(cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)


def chip_transform(landmarks: np.ndarray, size: int, padding: float) -> np.ndarray:
    """The 2×3 similarity of :func:`verifier.analysis.identity.face_embed.align_chip` for these landmarks."""
    from ..analysis.identity.face_embed import DLIB_TEMPLATE_5, FACEMESH_5, similarity_transform

    dst = (padding + DLIB_TEMPLATE_5) / (2 * padding + 1) * size
    return similarity_transform(np.asarray(landmarks)[list(FACEMESH_5), :2], dst)


def apply(m: np.ndarray, pts: np.ndarray) -> np.ndarray:
    p = np.asarray(pts, float)[:, :2]
    return p @ m[:, :2].T + m[:, 2]


class HandModel:
    """mediapipe 0.10.21's bundled hand landmarker (``mp.solutions.hands``, lite model)."""

    def __init__(self):
        import mediapipe as mp

        from ..analysis.face import _native_stderr_quiet

        with _native_stderr_quiet():
            self._h = mp.solutions.hands.Hands(static_image_mode=False, max_num_hands=2, model_complexity=0,
                                               min_detection_confidence=0.5, min_tracking_confidence=0.5)
            self._h.process(np.zeros((64, 64, 3), np.uint8))
        self._runs = 0

    def hands(self, rgb: np.ndarray) -> list[np.ndarray]:
        """(21, 2) landmarks in ``rgb`` pixels for each hand found."""
        from ..analysis.face import _native_stderr_quiet

        h, w = rgb.shape[:2]
        with _native_stderr_quiet(self._runs < 3):
            res = self._h.process(rgb)
        if not res.multi_hand_landmarks:
            return []
        self._runs += 1
        return [np.array([(p.x * w, p.y * h) for p in hl.landmark], np.float32) for hl in res.multi_hand_landmarks]

    def close(self):
        self._h.close()


class ChallengeCollector:
    """Frame consumer: per tracked frame the landmarks, pose points, border step, an aligned chip;
    per hand sample the hands' landmarks and their overlap with the face."""

    def __init__(self, tracker, hand_model, params: ChallengeParams = ChallengeParams()):
        self.tracker, self.hand_model, self.p = tracker, hand_model, params
        self.t_s: list = []
        self.present: list = []
        self.landmarks: list = []  # (478, 2) float32 or None
        self.pose: list = []  # (4, 3) or nan
        self.face_px: list = []
        self.box: list = []
        self.border: list = []  # (colour, texture)
        self.chip: list = []  # 64 px aligned chips (uint8) or None
        self.chip_m: list = []
        self.id_jpeg: dict = {}  # frame index → JPEG of the 150 px identity chip (|yaw| small enough)
        self.thumbs: dict = {}  # frame index → JPEG thumbnail
        # hand samples
        self.h_idx: list = []  # tracked-frame index of each hand sample
        self.h_share: list = []  # largest share of one hand in the face box (0: no hand; nan: no face box)
        self.h_nose: list = []  # smallest fingertip–nose distance / face height (nan: none)
        self.h_hands: list = []  # the hands found (list of (21, 2))
        self.h_box: list = []  # the face box held at each hand sample (None: none)
        self._last_face = None  # (index, box, landmarks, face_px)
        self._n = 0
        self.frame_size = (0, 0)

    def __call__(self, frame) -> None:
        from ..analysis.face import head_pose_deg
        from ..analysis.identity.face_embed import align_chip

        img = frame.image
        i = self._n
        self._n += 1
        self.frame_size = (img.shape[1], img.shape[0])
        obs = self.tracker.track(img)
        lm = obs.landmarks
        self.t_s.append(frame.t_s)
        self.present.append(lm is not None)
        if i % 2 == 0:  # thumbnails at half the tracking rate
            th = self.p.thumb_height_px
            self.thumbs[i] = _jpeg(cv2.resize(img, (max(1, round(img.shape[1] * th / img.shape[0])), th), interpolation=cv2.INTER_AREA))
        if lm is None:
            self.landmarks.append(None)
            self.pose.append(np.full((4, 3), np.nan))
            self.face_px.append(0.0)
            self.box.append(None)
            self.border.append((np.nan, np.nan))
            self.chip.append(None)
            self.chip_m.append(None)
        else:
            self.landmarks.append(lm[:, :2].astype(np.float32))
            pp = lm[list(POSE_POINTS)]
            self.pose.append(pp)
            fpx = float(np.linalg.norm(lm[FACE_TOP, :2] - lm[FACE_BOTTOM, :2]))
            self.face_px.append(fpx)
            self.box.append(obs.box)
            self.border.append(border_step(img, lm))
            m = chip_transform(lm, CHANGE_CHIP_PX, CHANGE_CHIP_PADDING)
            self.chip.append(cv2.warpAffine(img, m, (CHANGE_CHIP_PX, CHANGE_CHIP_PX), flags=cv2.INTER_LINEAR,
                                            borderMode=cv2.BORDER_REFLECT_101))
            self.chip_m.append(m)
            yaw = float(head_pose_deg(pp[None])[0][0])
            if abs(yaw) <= self.p.during_max_yaw_deg and i % 2 == 0:
                self.id_jpeg[i] = _jpeg(align_chip(img, lm))
            self._last_face = (i, obs.box, lm, fpx)
        if i % max(1, self.p.hand_every_n) == 0:
            self._hands(i, img)

    def _hands(self, i: int, img: np.ndarray) -> None:
        face = self._last_face
        held = face is not None and (self.t_s[i] - self.t_s[face[0]]) <= self.p.face_hold_s
        h, w = img.shape[:2]
        if held:
            x0, y0, x1, y1 = face[1]
            side = self.p.hand_crop_scale * max(x1 - x0, y1 - y0)
            cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
            xa, ya = int(max(0, cx - side / 2)), int(max(0, cy - side / 2))
            xb, yb = int(min(w, cx + side / 2)), int(min(h, cy + side / 2))
        else:
            xa, ya, xb, yb = 0, 0, w, h
        patch = img[ya:yb, xa:xb]
        s = min(1.0, HAND_INPUT_PX / max(patch.shape[:2]))
        if s < 1.0:
            patch = cv2.resize(patch, (max(1, round(patch.shape[1] * s)), max(1, round(patch.shape[0] * s))),
                               interpolation=cv2.INTER_LINEAR)
        hands = [hd / s + [xa, ya] for hd in self.hand_model.hands(np.ascontiguousarray(patch))]
        self.h_idx.append(i)
        self.h_hands.append(hands)
        self.h_box.append(face[1] if held else None)
        if not held:
            self.h_share.append(np.nan if not hands else 0.0)
            self.h_nose.append(np.nan)
            return
        _, box, lm, fpx = face
        self.h_share.append(max((hand_share_in_box(hd, box) for hd in hands), default=0.0))
        self.h_nose.append(min((fingertip_nose_rel(hd, lm[NOSE_TIP], fpx) for hd in hands), default=np.nan))

    # --- arrays ------------------------------------------------------------------------------
    def hand_geometry(self):
        """(hands found, centre of the hand most inside the face box, the face box held) per hand sample."""
        m = len(self.h_idx)
        count, xy, box = np.zeros(m, int), np.full((m, 2), np.nan), np.full((m, 4), np.nan)
        for k, (i, hands) in enumerate(zip(self.h_idx, self.h_hands)):
            count[k] = len(hands)
            b = self.h_box[k]
            if b is not None:
                box[k] = b
                if hands:
                    best = max(hands, key=lambda h: hand_share_in_box(h, b))
                    xy[k] = best.mean(0)
        return count, xy, box

    def arrays(self) -> dict:
        from ..analysis.face import head_pose_deg

        pose = np.stack(self.pose) if self.pose else np.zeros((0, 4, 3))
        yaw, pitch, _ = head_pose_deg(pose)
        n = len(self.t_s)
        lms = np.full((n, 478, 2), np.nan, np.float32)
        for i, lm in enumerate(self.landmarks):
            if lm is not None:
                lms[i] = lm
        return {"t_s": np.asarray(self.t_s, float), "present": np.asarray(self.present, bool), "yaw_deg": yaw,
                "face_px": np.asarray(self.face_px, float), "landmarks": lms,
                "border": np.asarray(self.border, float).reshape(-1, 2),
                "h_idx": np.asarray(self.h_idx, int), "h_share": np.asarray(self.h_share, float),
                "h_nose": np.asarray(self.h_nose, float)}
