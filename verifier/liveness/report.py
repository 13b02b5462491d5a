"""The typed result of a liveness-challenge analysis (the contract between analysis, CLI and app).

A challenge is a short list of actions the caller is asked to do live (turn the head to each side
until the ear shows, pass a hand slowly in front of the face, touch the nose); real-time face swaps
break in exactly these moments. :func:`verifier.liveness.analyze_challenge` finds each moment in
a recording of the call and measures in and around it; this module only holds what it returns.

A missing moment is never a pass: the verdict is then "not performed" (or "partly performed").
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..core.report import AnalysisError
from ..core.result import _jsonable

#: The actions, in the order they are read to the caller (i18n: ``challenge.kind.<kind>``).
CHALLENGE_KINDS = ("turn_left", "turn_right", "hand", "nose_touch")

#: Verdict keys (i18n: ``challenge.verdict.<verdict>``), from worst to best. "no_anomaly_found" is
#: never worded as "real": a good swap can pass a challenge too.
VERDICTS = ("anomaly", "not_performed", "partly_performed", "no_anomaly_found")


@dataclass
class Moment:
    """One challenge moment found in the recording.

    Attributes
    ----------
    kind : str
        One of :data:`CHALLENGE_KINDS`.
    t_start_s, t_end_s : float
        Where the moment lies in the recording, seconds.
    peak_t_s : float
        The moment's extreme (largest |yaw|, hand deepest over the face), seconds.
    measures : dict
        Measured numbers with units in the key names (``identity_distance``, ``landmark_jitter_px``,
        ``border_discontinuity``, ``hand_over_face_share``…); None where not measurable.
    flags : list of str
        i18n keys (``challenge.flag.*``) of each anomaly found in this moment; empty = none found.
    frames : list of np.ndarray
        RGB thumbnails (uint8, H×W×3) before / during / after the moment, for display only
        (never written to disk by the analysis; not in the JSON).
    frame_times_s : list of float
        Time of each thumbnail, seconds.
    notes : list of str
        i18n keys (``challenge.note.*``) of facts that are neither a pass nor an anomaly (e.g. the face
        was lost during the turn, so the profile was not checked); their values are in ``measures``.
        Added after the first contract (additive).
    """

    kind: str
    t_start_s: float
    t_end_s: float
    peak_t_s: float
    measures: dict = field(default_factory=dict)
    flags: list = field(default_factory=list)
    frames: list = field(default_factory=list, repr=False, compare=False)
    frame_times_s: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"kind": self.kind, "t_start_s": round(self.t_start_s, 3), "t_end_s": round(self.t_end_s, 3),
                "peak_t_s": round(self.peak_t_s, 3), "measures": _jsonable(self.measures),
                "flags": list(self.flags), "frame_times_s": [round(t, 3) for t in self.frame_times_s],
                "notes": list(self.notes)}


@dataclass
class ChallengeReport:
    """What :func:`verifier.liveness.analyze_challenge` found in one recording.

    Attributes
    ----------
    file : str
        The file's display name (never its folder).
    sha256 : str
        SHA-256 of the file's bytes (the file is only read).
    duration_s : float
    moments : list of Moment
    performed : dict
        ``{kind: bool}`` for every kind of :data:`CHALLENGE_KINDS`: was at least one moment found.
    verdict : str
        One of :data:`VERDICTS`: "anomaly" when any moment has a flag; otherwise "not_performed"
        when no moment was found, "partly_performed" when some kinds are missing, else
        "no_anomaly_found".
    baseline : dict
        The clip's calm (frontal, unoccluded) reference measures the moments are compared with.
    error : AnalysisError or None
        Set when the file could not be analysed (then verdict is "not_performed").
    elapsed_s : float
    """

    file: str
    sha256: str
    duration_s: float
    moments: list = field(default_factory=list)
    performed: dict = field(default_factory=dict)
    verdict: str = "not_performed"
    baseline: dict = field(default_factory=dict)
    error: AnalysisError | None = None
    elapsed_s: float = 0.0

    def to_dict(self) -> dict:
        return {"file": self.file, "sha256": self.sha256, "duration_s": round(self.duration_s, 3),
                "verdict": self.verdict, "performed": dict(self.performed),
                "moments": [m.to_dict() for m in self.moments], "baseline": _jsonable(self.baseline),
                "error": None if self.error is None else {"key": self.error.key, "message": self.error.message,
                                                          "where": self.error.where},
                "elapsed_s": round(self.elapsed_s, 2)}


def decide_verdict(moments: list, performed: dict) -> str:
    """The verdict from the moments found (see :class:`ChallengeReport`); a missing moment is never a pass."""
    if any(m.flags for m in moments):
        return "anomaly"
    done = [k for k in CHALLENGE_KINDS if performed.get(k)]
    if not done:
        return "not_performed"
    if len(done) < len(CHALLENGE_KINDS):
        return "partly_performed"
    return "no_anomaly_found"


def thumbnails_ok(frames: list) -> bool:
    """True when every thumbnail is an RGB uint8 picture (a check for producers of :class:`Moment`)."""
    return all(isinstance(f, np.ndarray) and f.dtype == np.uint8 and f.ndim == 3 and f.shape[2] == 3 for f in frames)
