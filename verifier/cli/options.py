"""Options shared by several subcommands, declared once."""
from __future__ import annotations

import argparse
import os

from ..core.errors import ParameterError
from ..core.i18n import LANGS, normalize_lang
from ..core.params import AnalysisParams, VoiceParams

LANG_HELP = "ngôn ngữ / language (mặc định / default: $VERIFIER_LANG, vi)"


def default_lang() -> str:
    """``$VERIFIER_LANG`` when it names a supported language, else Vietnamese."""
    return normalize_lang(os.environ.get("VERIFIER_LANG"))


def add_lang(p: argparse.ArgumentParser, help: str = LANG_HELP) -> None:
    """``--lang vi|en`` (default :func:`default_lang`)."""
    p.add_argument("--lang", choices=LANGS, default=default_lang(), help=help)


VOICE_WINDOWS_HELP = ("số đoạn 4 giây của giọng nói được chấm cho biểu đồ theo thời gian, rải đều trên cả tin nhắn "
                      "(mặc định 3, cho nhanh); 'all' chấm mọi đoạn (chồng 50 %%), khoảng 0,25 giây mỗi đoạn; điểm "
                      "của tin nhắn vẫn là trung vị của 3 đoạn đã hiệu chuẩn / windows of ~4 s the voice detector "
                      "scores for the timeline, spread over the whole message (default 3, the speed bar); 'all' "
                      "scores every window (50 %% overlap), ~0.25 s each on 2 cores; the message's score stays the "
                      "median of the 3 calibrated windows")


def voice_windows_arg(text: str) -> VoiceParams:
    """``--voice-windows``: ``all`` (every ~4 s window of the 50 %-overlap grid) or a count, read
    into the :class:`VoiceParams` that validates it."""
    from ..analysis.voice.detector import ALL_WINDOWS

    word = text.strip().lower()
    try:
        return VoiceParams(timeline_windows=ALL_WINDOWS if word == "all" else int(word))
    except (ValueError, ParameterError):
        raise argparse.ArgumentTypeError(f"cần 'all' hoặc một số nguyên >= 1, không phải {text!r} / "
                                         f"expected 'all' or an integer >= 1, not {text!r}") from None


def add_voice_windows(p: argparse.ArgumentParser, extra_help: str = "") -> None:
    """``--voice-windows N|all`` (``args.voice``: a :class:`VoiceParams`, or None for the default)."""
    p.add_argument("--voice-windows", dest="voice", type=voice_windows_arg, default=None, metavar="N|all",
                   help=VOICE_WINDOWS_HELP + extra_help)


def analysis_params(args) -> AnalysisParams:
    """The one :class:`AnalysisParams` of a command: ``--params FILE`` (if the command has it) with
    ``--voice-windows`` on top."""
    path = getattr(args, "params", None)
    params = AnalysisParams.load(path) if path else AnalysisParams()
    if getattr(args, "voice", None) is not None:
        import dataclasses

        params = dataclasses.replace(params, voice=args.voice)
    return params
