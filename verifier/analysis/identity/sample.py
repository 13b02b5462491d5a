"""What one file says about who is in it: a voice embedding and face descriptors.

One decode pass per file (:func:`verifier.analysis.media.decode`): the sound in full, the picture at
a low rate (faces change slowly; the descriptor costs ~0.15 s per face on one core). A photo
(JPEG/PNG/WebP, e.g. from a family album) gives a face only.
"""
from __future__ import annotations

import math
import os
from dataclasses import dataclass, field

import numpy as np

from ...core.errors import MediaError, ModelUnavailableError
from ...core.params import SampleParams

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".bmp")
IMAGE_PAD = 0.25  # tight portrait crops are padded by this share of their side on each side (mirrored) before the face search


@dataclass
class IdentitySample:
    """Embeddings of one file; ``None``/empty where the file has no such evidence.

    ``voice_note`` / ``face_note`` hold the i18n key of why a part is missing (``note_params``
    its parameters when a model is missing: which file and the command that installs it).
    """

    path: str
    name: str
    sha256: str
    kind: str  # "video" | "audio" | "image"
    speech_s: float = 0.0  # speech found in the sound heard (:attr:`SampleParams.voice_max_audio_s`)
    audio_heard_s: float = 0.0  # seconds of the sound the voice part heard
    voice: np.ndarray | None = None  # (256,) unit vector
    voice_windows: int = 0
    faces: np.ndarray = field(default_factory=lambda: np.zeros((0, 128), np.float32))  # (k, 128)
    face_t_s: list = field(default_factory=list)
    voice_note: str = ""
    face_note: str = ""
    note_params: dict = field(default_factory=dict)  # i18n parameters of a model-missing note (model, file, command)

    @property
    def face(self) -> np.ndarray | None:
        """Mean descriptor, or None without faces."""
        return None if len(self.faces) == 0 else self.faces.mean(0)

    def summary(self) -> dict:
        return {"file": self.name, "sha256": self.sha256, "kind": self.kind, "speech_s": round(self.speech_s, 2),
                "audio_heard_s": round(self.audio_heard_s, 2),
                "voice_windows": self.voice_windows, "faces_described": int(len(self.faces)),
                "voice_note": self.voice_note, "face_note": self.face_note,
                **({"install_command": self.note_params["command"]} if "command" in self.note_params else {})}


class SharedLandmarker:
    """One face landmarker for several files (mediapipe's graphs cost ~0.4 s of CPU to build):
    made on first use, kept open by the trackers that borrow it (their ``close`` does nothing),
    closed by :meth:`shutdown`. Each file starts with the full-range detector, so nothing of
    one file's face track carries into the next."""

    def __init__(self):
        self._lm = None

    def _get(self):
        if self._lm is None:
            from ..face import MediaPipeLandmarker

            self._lm = MediaPipeLandmarker()
        return self._lm

    def landmarks(self, rgb):
        return self._get().landmarks(rgb)

    def detect(self, rgb):
        return self._get().detect(rgb)

    def close(self) -> None:
        """Kept open for the next file (see :meth:`shutdown`)."""

    def shutdown(self) -> None:
        if self._lm is not None:
            self._lm.close()
            self._lm = None


def _frontal_enough(lm: np.ndarray, params: SampleParams) -> bool:
    from ..face import FACE_BOTTOM, FACE_TOP, POSE_POINTS, head_pose_deg

    yaw, _, _ = head_pose_deg(lm[list(POSE_POINTS)][None])
    face_px = float(np.linalg.norm(lm[FACE_TOP, :2] - lm[FACE_BOTTOM, :2]))
    return abs(float(yaw[0])) <= params.max_abs_yaw_deg and face_px >= params.min_face_px


def even_excerpts(y: np.ndarray, sr: int, max_s: float, n: int) -> np.ndarray:
    """``y`` itself when it lasts at most ``max_s`` seconds, else ``n`` excerpts of
    ``max_s / n`` seconds each, spread evenly from the start to the end, joined."""
    cap = int(max_s * sr)
    if len(y) <= cap or n < 1:
        return y
    width = cap // n
    starts = np.linspace(0, len(y) - width, n).round().astype(int)
    return np.concatenate([y[a: a + width] for a in starts])


def _voice(sample: IdentitySample, y: np.ndarray, sr: int, params: SampleParams = SampleParams()) -> None:
    from ...core.params import SpeakerParams
    from ..speech import detect_speech
    from .speaker import embed_utterance, speech_only

    sp = SpeakerParams()
    y = even_excerpts(y, sr, params.voice_max_audio_s, params.voice_excerpts)
    sample.audio_heard_s = len(y) / sr
    speech = detect_speech(y, sr)
    sample.speech_s = float(speech.speech_s)
    if speech.speech_s < sp.min_speech_s:
        sample.voice_note = "compare.voice_too_short"
        return
    try:
        e, partials = embed_utterance(speech_only(y, speech.segments, sp.max_speech_s), sp)
    except ModelUnavailableError as err:
        sample.voice_note, sample.note_params = err.key, dict(err.params)
        return
    sample.voice, sample.voice_windows = e, int(len(partials))


def _describe(sample: IdentitySample, frames: list) -> None:
    """``frames``: (t_s, rgb, landmarks) of near-frontal faces."""
    from .face_embed import align_chip, describe

    if not frames:
        sample.face_note = sample.face_note or "compare.no_face"
        return
    try:
        sample.faces = describe([align_chip(img, lm) for _, img, lm in frames])
    except ModelUnavailableError as err:
        sample.face_note, sample.note_params = err.key, dict(err.params)
        return
    sample.face_t_s = [round(t, 2) for t, _, _ in frames]


def sample_file(path: str, params: SampleParams = SampleParams(), *, voice: bool = True, face: bool = True,
                landmarker: SharedLandmarker | None = None) -> IdentitySample:
    """Embeddings of a video, a voice message or a photo (``landmarker``: one shared by several
    files, else a new one for this file).

    Raises
    ------
    MediaError
        The file cannot be read (not media, corrupt, over the limits).
    """
    from ..media import decode, probe

    path = os.fspath(path)
    if path.lower().endswith(IMAGE_SUFFIXES):
        return _sample_image(path, params, landmarker)
    info = probe(path)
    s = IdentitySample(path, os.path.basename(path), info.sha256, info.kind)
    want_face = face and info.has_video
    frames: list = []
    if want_face:
        fps = min(params.face_fps_max, max(0.2, 3 * params.max_faces / max(info.duration_s, 1e-3)))
        seen: list = []
        from ..face import FaceTracker

        with FaceTracker(landmarker) as tracker:
            def on_frame(fr):
                obs = tracker.track(fr.image)
                if obs.landmarks is not None and _frontal_enough(obs.landmarks, params):
                    seen.append((fr.t_s, fr.image, obs.landmarks))

            track = decode(path, info, on_frame, max_fps=fps, audio=voice, skip_nonref=True)
        if len(seen) > params.max_faces:  # evenly over the clip
            idx = np.linspace(0, len(seen) - 1, params.max_faces).round().astype(int)
            seen = [seen[i] for i in idx]
        frames = seen
        _describe(s, frames)
    else:
        s.face_note = "compare.no_picture" if not info.has_video else ""
        track = decode(path, info, None, audio=voice) if (voice and info.has_audio) else None
    if voice and track is not None and len(track.y):
        _voice(s, track.y, track.sr, params)
    elif voice:
        s.voice_note = "compare.no_sound"
    return s


def _sample_image(path: str, params: SampleParams, landmarker: SharedLandmarker | None = None) -> IdentitySample:
    import cv2

    from ..face import FaceTracker
    from ..registry import sha256_of

    try:
        sha = sha256_of(path)
    except OSError as e:
        raise MediaError("error.cannot_open", name=os.path.basename(path), detail=str(e)) from e
    bgr = cv2.imread(path, cv2.IMREAD_COLOR)
    if bgr is None:
        raise MediaError("error.not_media", name=os.path.basename(path))
    h, w = bgr.shape[:2]
    p = int(math.ceil(IMAGE_PAD * max(h, w)))
    rgb = cv2.cvtColor(cv2.copyMakeBorder(bgr, p, p, p, p, cv2.BORDER_REFLECT_101), cv2.COLOR_BGR2RGB)
    s = IdentitySample(path, os.path.basename(path), sha, "image", voice_note="compare.no_sound")
    with FaceTracker(landmarker) as tracker:
        obs = tracker.track(rgb)
    frames = [(0.0, rgb, obs.landmarks)] if obs.landmarks is not None and _frontal_enough(obs.landmarks, params) else []
    _describe(s, frames)
    return s
