"""Liveness challenge: instructions to read to a caller and the analysis of a recording of it.

See :mod:`verifier.liveness.report` for the result type.
"""
from .report import CHALLENGE_KINDS, VERDICTS, ChallengeReport, Moment, decide_verdict  # noqa: F401
