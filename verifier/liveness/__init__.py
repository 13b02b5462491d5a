"""Liveness challenge: instructions to read to a caller and the analysis of a recording of it.

See :mod:`verifier.liveness.report` for the result type, :mod:`verifier.liveness.analyze` for the analysis.
"""
from ..core.params import ChallengeParams  # noqa: F401
from .analyze import analyze_challenge, render_text  # noqa: F401
from .report import CHALLENGE_KINDS, VERDICTS, ChallengeReport, Moment, decide_verdict  # noqa: F401
