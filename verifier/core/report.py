"""The outcome of analysing one file, built from typed parts, and its JSON form (the CLI
contract, see docs/cli.md).

* :class:`Report` — what is serialised: media, signals, quality, fusion weights, level, error.
* :class:`Quality` — the data-quality fields (face track, sound length).
* :class:`AnalysisError` — a failure as structured fields (i18n key, English message, stage).
* :class:`Artifacts` — what the app and the figures use but the JSON never carries (decoded
  sound, preview thumbnails, face crops, the face-picture detector's top crops with heat maps).

Tracebacks of bugs are never part of a report: they go to the ``verifier`` logger
(``python -m verifier analyze --debug`` prints them).
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

from .constants import SAMPLE_RATE
from .levels import LEVELS  # noqa: F401  (re-exported: a report's level is one of them)
from .result import SignalResult, _jsonable

if TYPE_CHECKING:  # numpy is imported by the code that fills these fields, never by the contracts
    import numpy as np


@dataclass(frozen=True)
class MediaInfo:
    """Metadata of a media file, as read from its container (nothing decoded yet)."""

    path: str
    kind: str  # "video" | "audio"
    sha256: str
    size_bytes: int
    container: str
    duration_s: float
    has_video: bool
    has_audio: bool
    width: int | None = None  # displayed size, after rotation
    height: int | None = None
    fps: float | None = None
    n_frames: int | None = None  # from the container, may be None
    video_codec: str | None = None
    rotation_deg: int = 0  # display rotation, degrees counter-clockwise (FFmpeg display matrix); frames are returned upright
    video_start_s: float | None = None
    audio_codec: str | None = None
    audio_sample_rate: int | None = None
    audio_channels: int | None = None
    audio_start_s: float | None = None
    encoder: str | None = None
    tags: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        d = asdict(self)
        d.pop("path")
        return d


@dataclass(frozen=True)
class FaceQuality:
    """The face track's quality fields of a report."""

    face_coverage: float  # share of analysed frames with a face, [0, 1]
    face_px: float  # median face height (forehead–chin), pixels
    face_blur_var: float | None  # median Laplacian variance on the face, grey levels² (None: not measured)
    analysed_frames: int
    analysed_fps: float | None  # frames analysed per second (None: fewer than two frames)
    face_quality: float  # the gate's quality, [0, 1]

    def to_dict(self) -> dict:
        return dict(vars(self))

@dataclass(frozen=True)
class AnalysisError:
    """Why a file could not be analysed.

    ``key`` is the i18n key of the message (``error.*``), ``message`` the sentence in English,
    ``where`` the stage that failed (``probe``, ``decode_track``, ``voice``, ``fusion``…, or
    ``internal`` for a bug), ``params`` the values of the message's placeholders.
    """

    key: str
    message: str
    where: str
    params: dict = field(default_factory=dict)


@dataclass
class Quality(Mapping):
    """Data-quality fields of a report; read like a dict of the fields that were measured."""

    face: FaceQuality | None = None  # the face track (videos analysed as video)
    audio_s: float | None = None  # seconds of decoded sound (0.0: the file has a sound track that decoded empty)
    speech_s: float | None = None  # seconds of speech (verifier.analysis.speech): the one figure every signal used
    speech_method: str | None = None  # "silero" (the VAD), "energy" (its fallback) or "none" (silence)

    def to_dict(self) -> dict:
        d = self.face.to_dict() if self.face is not None else {}
        for k in ("audio_s", "speech_s", "speech_method"):
            if getattr(self, k) is not None:
                d[k] = getattr(self, k)
        return d

    def __getitem__(self, key):
        return self.to_dict()[key]

    def __iter__(self):
        return iter(self.to_dict())

    def __len__(self) -> int:
        return len(self.to_dict())


@dataclass
class Artifacts:
    """Products of an analysis kept for the app and the figures; never serialised."""

    audio: np.ndarray | None = field(default=None, repr=False)  # analysed sound, mono float32
    sr: int = SAMPLE_RATE  # its sample rate, Hz
    preview: list = field(default_factory=list, repr=False)  # [(t_s, RGB thumbnail)], when asked for
    face_crops: list = field(default_factory=list, repr=False)  # [verifier.analysis.frames.FaceCrop], when asked for
    frame_views: list = field(default_factory=list, repr=False)  # [verifier.analysis.video.detector.FrameView]: the frames signal's top crops


@dataclass
class Report:
    """Everything known about one analysed file.

    ``risk`` is the fused probability-like score in [0, 1] (``None`` when inconclusive or
    failed); ``level`` one of :data:`verifier.core.levels.LEVELS`; ``signals`` maps a signal name
    to its result; ``error`` is set when the file could not be analysed.
    """

    file: str
    sha256: str | None
    media: MediaInfo | None
    risk: float | None
    level: str
    signals: dict[str, SignalResult] = field(default_factory=dict)
    quality: Quality = field(default_factory=Quality)
    weights: dict = field(default_factory=dict)  # fusion weight of each signal (0 = explains, not counted)
    error: AnalysisError | None = None
    versions: dict = field(default_factory=dict)
    analyzed_at: str = ""
    elapsed_s: float = float("nan")
    artifacts: Artifacts = field(default_factory=Artifacts, repr=False, compare=False)

    def to_dict(self) -> dict:
        """The CLI's JSON contract (see docs/cli.md)."""
        media = self.media.to_dict() if self.media else None
        return {
            "file": self.file,
            "sha256": self.sha256,
            "media": _jsonable(media),
            "risk": None if self.risk is None or math.isnan(self.risk) else round(float(self.risk), 4),
            "level": self.level,
            "signals": {k: s.to_dict() for k, s in self.signals.items()},
            "quality": _jsonable(self.quality.to_dict()),
            "weights": _jsonable(self.weights),
            "error": self.error.message if self.error else None,
            "error_key": self.error.key if self.error else None,
            "error_where": self.error.where if self.error else None,
            "versions": self.versions,
            "analyzed_at": self.analyzed_at,
            "elapsed_s": None if math.isnan(self.elapsed_s) else round(self.elapsed_s, 3),
        }
