"""Deepfake call verification assistant: analyse a video-call clip or a voice message for
signs of manipulation and explain the evidence. Everything runs locally."""

from .core.version import __version__


def analyze(path, **kw):
    """See :func:`verifier.analysis.pipeline.analyze`."""
    from .analysis.pipeline import analyze as _analyze

    return _analyze(path, **kw)


from .core.errors import MediaError, VerifierError  # noqa: E402
from .core.result import SignalResult  # noqa: E402

__all__ = ["analyze", "MediaError", "VerifierError", "SignalResult", "__version__"]
