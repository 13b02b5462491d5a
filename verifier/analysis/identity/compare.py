"""``compare(known, questioned)``: is the questioned voice/face the one of a sample known to be genuine?

A different voice or face is strong evidence of a scam; a match is weak evidence, because a
voice clone or a face swap is made to match its victim. The verdict says exactly that:

* ``different``: at least one available part (voice, face) is below its "different person"
  threshold (set so that almost no same-person pair of the development set falls there);
* ``match_not_proof``: every available part is at or above its "match" threshold;
* ``unclear``: between the thresholds;
* ``not_comparable``: the two files share no part (e.g. a voice note and a silent clip).

Thresholds and their provenance: ``verifier/assets/compare_thresholds.json``, written by
``scripts/measure_compare.py`` (docs/compare.md).
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field

from ...core.assets import ASSETS_DIR
from ...core.once import load_once
from ...core.params import SampleParams
from .sample import IdentitySample, sample_file

THRESHOLDS_FILE = ASSETS_DIR / "compare_thresholds.json"
VERDICTS = ("different", "unclear", "match_not_proof", "not_comparable")


@dataclass(frozen=True)
class Thresholds:
    """Decision thresholds of one part.

    ``different_if_below`` / ``match_from`` are on the similarity scale of the part (voice:
    cosine similarity, dimensionless; face: ``1 − Euclidean distance`` of dlib descriptors, so
    that higher = more alike for both).
    """

    different_if_below: float
    match_from: float


@load_once
def thresholds() -> dict[str, Thresholds]:
    with open(THRESHOLDS_FILE, encoding="utf-8") as f:
        d = json.load(f)
    return {k: Thresholds(float(d[k]["different_if_below"]), float(d[k]["match_from"])) for k in ("voice", "face")}


@dataclass
class PartResult:
    similarity: float | None  # None when the part could not be compared
    decision: str  # "different" | "unclear" | "match" | "n/a"
    note: str = ""  # i18n key of why it is n/a


@dataclass
class CompareResult:
    known: IdentitySample
    questioned: IdentitySample
    voice: PartResult
    face: PartResult
    verdict: str
    elapsed_s: float = 0.0
    thresholds: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        def part(p: PartResult, key: str) -> dict:
            t = self.thresholds.get(key)
            return {"similarity": None if p.similarity is None else round(p.similarity, 4), "decision": p.decision,
                    "note": p.note, "different_if_below": t.different_if_below if t else None,
                    "match_from": t.match_from if t else None}

        return {"known": self.known.summary(), "questioned": self.questioned.summary(),
                "voice": part(self.voice, "voice"), "face": part(self.face, "face"),
                "verdict": self.verdict, "verdict_key": verdict_key(self), "elapsed_s": round(self.elapsed_s, 2)}


def decide(similarity: float | None, t: Thresholds) -> str:
    if similarity is None:
        return "n/a"
    if similarity < t.different_if_below:
        return "different"
    return "match" if similarity >= t.match_from else "unclear"


def verdict(parts: list[str]) -> str:
    """Overall verdict from the parts' decisions (see the module docstring)."""
    used = [p for p in parts if p != "n/a"]
    if not used:
        return "not_comparable"
    if "different" in used:
        return "different"
    return "match_not_proof" if all(p == "match" for p in used) else "unclear"


def voice_similarity(a: IdentitySample, b: IdentitySample) -> float | None:
    from .speaker import cosine

    return None if a.voice is None or b.voice is None else cosine(a.voice, b.voice)


def face_similarity(a: IdentitySample, b: IdentitySample) -> float | None:
    """``1 − distance`` of the mean descriptors (dlib: same person below distance 0.6 upstream)."""
    from .face_embed import distance

    return None if a.face is None or b.face is None else 1.0 - distance(a.face, b.face)


def _note(a: IdentitySample, b: IdentitySample, attr: str) -> str:
    return getattr(a, attr) or getattr(b, attr)


def compare_samples(known: IdentitySample, questioned: IdentitySample) -> CompareResult:
    th = thresholds()
    vs, fs = voice_similarity(known, questioned), face_similarity(known, questioned)
    v = PartResult(vs, decide(vs, th["voice"]), "" if vs is not None else _note(known, questioned, "voice_note"))
    f = PartResult(fs, decide(fs, th["face"]), "" if fs is not None else _note(known, questioned, "face_note"))
    return CompareResult(known, questioned, v, f, verdict([v.decision, f.decision]), thresholds=th)


def compare(known: str, questioned: str, params: SampleParams = SampleParams()) -> CompareResult:
    """Compare a file known to come from the real person with the questioned one.

    Raises
    ------
    MediaError
        One of the files cannot be read.
    """
    from .. import threads
    from .sample import SharedLandmarker

    t0 = time.perf_counter()
    threads.configure()
    lm = SharedLandmarker()
    try:
        r = compare_samples(sample_file(known, params, landmarker=lm), sample_file(questioned, params, landmarker=lm))
    finally:
        lm.shutdown()
    r.elapsed_s = time.perf_counter() - t0
    return r


def verdict_key(r: CompareResult) -> str:
    """i18n key of the verdict sentence: a match says which part matched when only one was compared
    (a voice note has no face: "same voice and face" would claim a check that was not made)."""
    if r.verdict == "match_not_proof":
        used = [k for k, p in (("voice", r.voice), ("face", r.face)) if p.decision != "n/a"]
        if len(used) == 1:
            return f"compare.verdict.match_not_proof_{used[0]}_only"
    return f"compare.verdict.{r.verdict}"


def render_text(r: CompareResult, lang: str = "vi") -> str:
    """The plain-language summary of :class:`CompareResult` (CLI and app)."""
    from ...core.i18n import t

    lines = [t(verdict_key(r), lang)]
    for key, p in (("voice", r.voice), ("face", r.face)):
        if p.similarity is None:
            params = r.known.note_params if p.note in (r.known.voice_note, r.known.face_note) else r.questioned.note_params
            lines.append(t(f"compare.{key}_na", lang, why=t(p.note, lang, **params) if p.note else "-"))
        else:
            th = r.thresholds[key]
            lines.append(t(f"compare.{key}_line", lang, sim=f"{p.similarity:.2f}", lo=f"{th.different_if_below:.2f}",
                           hi=f"{th.match_from:.2f}", decision=t(f"compare.decision.{p.decision}", lang)))
    lines.append(t(f"compare.next.{r.verdict}", lang))
    for s, role in ((r.known, "known"), (r.questioned, "questioned")):
        lines.append(t(f"compare.file_{role}", lang, name=s.name, sha256=s.sha256))
    return "\n".join(lines)
