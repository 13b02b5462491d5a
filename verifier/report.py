"""The outcome of analysing one file, and its JSON form (the CLI contract)."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .levels import LEVELS  # noqa: F401  (re-exported: the report's level is one of them)
from .media import MediaInfo
from .result import SignalResult, _jsonable



@dataclass
class Report:
    """Everything known about one analysed file.

    ``risk`` is the fused probability-like score in [0, 1] (``None`` when inconclusive or
    failed); ``level`` one of :data:`LEVELS`; ``signals`` maps a signal name to its result;
    ``error`` is the i18n key of a failure (``None`` when the file was analysed), with
    ``error_message`` the sentence in English.
    """

    file: str
    sha256: str | None
    media: MediaInfo | None
    risk: float | None
    level: str
    signals: dict[str, SignalResult] = field(default_factory=dict)
    quality: dict = field(default_factory=dict)  # face coverage, face size, blur, speech seconds…
    weights: dict = field(default_factory=dict)  # fusion weight of each signal (0 = explains, not counted)
    error: str | None = None
    error_message: str | None = None
    error_params: dict = field(default_factory=dict)
    versions: dict = field(default_factory=dict)
    analyzed_at: str = ""
    elapsed_s: float = float("nan")
    audio: np.ndarray | None = field(default=None, repr=False)  # 16 kHz mono, for plots; not serialised
    sr: int = 16000
    preview: list = field(default_factory=list, repr=False)  # [(t_s, RGB thumbnail)], when asked for; not serialised
    face_crops: list = field(default_factory=list, repr=False)  # [FaceCrop], when asked for; not serialised

    def to_dict(self) -> dict:
        """The CLI's JSON contract (see README)."""
        media = self.media.to_dict() if self.media else None
        return {
            "file": self.file,
            "sha256": self.sha256,
            "media": _jsonable(media),
            "risk": None if self.risk is None or math.isnan(self.risk) else round(float(self.risk), 4),
            "level": self.level,
            "signals": {k: s.to_dict() for k, s in self.signals.items()},
            "quality": _jsonable(self.quality),
            "weights": _jsonable(self.weights),
            "error": self.error_message,
            "error_key": self.error,
            "versions": self.versions,
            "analyzed_at": self.analyzed_at,
            "elapsed_s": None if math.isnan(self.elapsed_s) else round(self.elapsed_s, 3),
        }
