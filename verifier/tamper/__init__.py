"""Tamper lab: the fakes scammers make, made on purpose from a real clip or voice message.

For police training (issue 10): each tamper type is one pure function with a frozen
parameter dataclass (:mod:`.audio` for the sound, :mod:`.video` for the picture); the file
level (read, track, apply, write) is :func:`verifier.tamper.lab.tamper_file`, and the CLI is
``verifier tamper IN --kind KIND -o OUT``. Inputs are only ever read.

Kinds: ``shift`` (audio shifted by N ms), ``voice`` (voice replaced by another recording),
``vocoder`` (voice re-synthesised by Griffin-Lim), ``espeak`` (voice replaced by espeak-ng
speech of a sentence), ``noblink`` (blinks removed), ``swap`` (crude face swap),
``photo`` (talking photo), ``messenger`` (480p, low bit rate, AAC 32 kbit/s; composable).
"""
from __future__ import annotations

KINDS = ("shift", "voice", "vocoder", "espeak", "noblink", "swap", "photo", "messenger")
AUDIO_KINDS = ("voice", "vocoder", "espeak", "messenger")  # kinds that also apply to a voice message
