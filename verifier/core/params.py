"""Every tunable number of an analysis in one frozen object, so an evaluation can try
alternatives without editing code.

    params = AnalysisParams.from_overrides({"blink": {"min_drop": 0.25}, "fusion": {"high_from": 0.65}})
    analyze(path, params=params)

``python -m verifier.evaluate video FOLDER --params overrides.json`` reads the same JSON.
Each section is the frozen dataclass of one signal; unknown names are errors.
"""
from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field

from .errors import ParameterError
from .fusion import Fusion
from ..analysis.identity.consistency import IdentityParams
from ..analysis.signals.blink import BlinkParams
from ..analysis.signals.face_quality import FaceQualityParams
from ..analysis.signals.frames import FramesParams
from ..analysis.signals.lipsync import LipsyncParams
from ..analysis.speech import SpeechParams
from ..analysis.voice.detector import VoiceParams


@dataclass(frozen=True)
class AnalysisParams:
    """Parameters of the blink and lip-sync signals, the speech activity, the voice detector's
    windows (``voice``), the face-quality gate, the face-picture detector's aggregation
    (``frames``) and fusion.

    ``fusion`` None means the committed fusion parameters (``verifier/assets/fusion.json``); a
    ``fusion`` section in the overrides is applied on top of them.
    """

    blink: BlinkParams = field(default_factory=BlinkParams)
    face: FaceQualityParams = field(default_factory=FaceQualityParams)
    frames: FramesParams = field(default_factory=FramesParams)
    lipsync: LipsyncParams = field(default_factory=LipsyncParams)
    speech: SpeechParams = field(default_factory=SpeechParams)
    identity: IdentityParams = field(default_factory=IdentityParams)
    voice: VoiceParams = field(default_factory=VoiceParams)
    fusion: Fusion | None = None

    @classmethod
    def from_overrides(cls, overrides: dict, base: "AnalysisParams | None" = None) -> "AnalysisParams":
        """``base`` (default parameters if None) with the named fields of each section replaced.

        Raises
        ------
        ParameterError
            An unknown section or field.
        """
        base = base or cls()
        out = {}
        for section, values in (overrides or {}).items():
            if section not in {f.name for f in dataclasses.fields(cls)}:
                raise ParameterError(f"unknown parameter section {section!r}")
            current = getattr(base, section)
            if current is None and section == "fusion":
                current = Fusion.from_file()
            names = {f.name for f in dataclasses.fields(current)}
            bad = set(values) - names
            if bad:
                raise ParameterError(f"unknown {section} parameters {sorted(bad)}; known: {sorted(names)}")
            out[section] = dataclasses.replace(current, **values)
        return dataclasses.replace(base, **out)

    @classmethod
    def load(cls, path: str) -> "AnalysisParams":
        """Default parameters with the overrides of a JSON file ``{"blink": {...}, "face": {...}, "fusion": {...}}``."""
        with open(path, encoding="utf-8") as f:
            return cls.from_overrides(json.load(f))

    def to_dict(self) -> dict:
        """The parameters as plain data (fusion omitted when it is the committed one)."""
        d = {"blink": dataclasses.asdict(self.blink), "face": dataclasses.asdict(self.face),
             "frames": dataclasses.asdict(self.frames), "voice": dataclasses.asdict(self.voice)}
        if self.fusion is not None:
            d["fusion"] = {k: v for k, v in dataclasses.asdict(self.fusion).items() if k != "provenance"}
        return d


DEFAULT_PARAMS = AnalysisParams()
