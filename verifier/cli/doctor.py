"""Set-up checks that pip cannot do: mediapipe, installed with ``--no-deps`` on purpose.

mediapipe 0.10.21's declared dependencies pull in jax and ``opencv-contrib-python`` (a GUI
OpenCV build that silently replaces the headless one), so it cannot be a declared dependency
of this package; it is installed in one extra step (:data:`MEDIAPIPE_PIP_COMMAND`).
:func:`check_mediapipe` says whether that step was done and the FaceMesh solution works.
"""
from __future__ import annotations

from dataclasses import dataclass

MEDIAPIPE_VERSION = "0.10.21"  # last release whose wheel ships the legacy FaceMesh models
MEDIAPIPE_PIP_COMMAND = f"pip install --no-deps mediapipe=={MEDIAPIPE_VERSION}"


@dataclass(frozen=True)
class Check:
    """Outcome of one set-up check: ``ok``, an i18n ``key`` and its ``params``."""

    ok: bool
    key: str
    params: dict

    def message(self, lang: str = "en") -> str:
        from ..core.i18n import t

        return t(self.key, lang, **self.params)


def check_mediapipe() -> Check:
    """Build the face tracker's mediapipe graphs (FaceMesh + face detection) and run them once
    on a blank frame: exactly what :class:`verifier.analysis.face.FaceTracker` needs."""
    try:
        from importlib.metadata import version

        from ..analysis.face import MediaPipeLandmarker

        MediaPipeLandmarker().close()

        return Check(True, "doctor.mediapipe_ok", {"version": version("mediapipe")})
    except Exception as e:  # ImportError, a missing runtime dependency, a broken wheel: all say the same
        return Check(False, "doctor.mediapipe_missing",
                     {"detail": f"{type(e).__name__}: {e}", "command": MEDIAPIPE_PIP_COMMAND})


def check_voice_backend() -> Check:
    """Which runtime runs the voice network (AASIST-L) and the speech activity (Silero VAD):
    ONNX Runtime (the set-up export, fast, no torch import) or torch (slower), and why."""
    from ..analysis.speech import default_backend
    from ..analysis.voice.detector import VoiceDetector

    try:
        vad = default_backend()
    except Exception as e:  # the wheel is missing: the models check above says what to install
        vad = f"energy gate ({type(e).__name__})"
    try:
        det = VoiceDetector.from_file(calibration_path=None)
    except Exception as e:  # the weights themselves are missing: the models check above says what to run
        return Check(False, "doctor.voice_backend_none", {"detail": f"{type(e).__name__}: {e}", "vad": vad})
    if det.backend == "onnx":
        return Check(True, "doctor.voice_backend_onnx", {"vad": vad})
    return Check(False, "doctor.voice_backend_torch", {"detail": det.backend_note, "vad": vad,
                                                      "command": "verifier models install aasist-l-onnx"})
