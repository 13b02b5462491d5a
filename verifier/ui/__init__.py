"""The web app (Gradio): ``verifier app [--port N] [--share-lan --password SECRET] [--quiz-folder DIR]``,
also ``python -m verifier.ui`` and, in a checkout, ``python app.py``.

Modules: :mod:`.server` (layout and handlers, thin wiring; the only one that imports gradio),
:mod:`.worker` (the analyses in a warm worker process: a crash there never ends the app),
:mod:`.jobs` (what that process runs). This module stays light, so that ``verifier --help``
does not import gradio.
"""
from __future__ import annotations

import argparse
import os

DEFAULT_PORT = 7860


def add_arguments(ap: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """The app's options (``verifier app`` and ``python app.py`` share them)."""
    ap.add_argument("--port", type=int, default=int(os.environ.get("GRADIO_SERVER_PORT", DEFAULT_PORT)),
                    help=f"cổng (mặc định {DEFAULT_PORT}) / port (default {DEFAULT_PORT})")
    ap.add_argument("--share-lan", action="store_true",
                    help="mở cho cả mạng nội bộ (0.0.0.0) cho phòng đào tạo; cần --password / "
                         "listen on all interfaces (0.0.0.0) for a training room; requires --password")
    ap.add_argument("--password", default=os.environ.get("VERIFIER_APP_PASSWORD"),
                    help="mật khẩu cho --share-lan (tên đăng nhập bất kỳ); hoặc biến VERIFIER_APP_PASSWORD / "
                         "password for --share-lan (any user name); or set VERIFIER_APP_PASSWORD")
    ap.add_argument("--quiz-folder", metavar="DIR", default=os.environ.get("VERIFIER_QUIZ_DIR"),
                    help="các đoạn ghi cho phần đố vui của thẻ Đào tạo (đáp án trong DIR/quiz.tsv; mặc định: samples/) / "
                         "clips for the Training tab's quiz (answers in DIR/quiz.tsv; default: samples/)")
    return ap


HELP = ("chạy ứng dụng web trên máy này (http://127.0.0.1:7860) / "
        "serve the web app on this computer (http://127.0.0.1:7860)")


def add_parser(sub) -> None:
    """``verifier app``."""
    p = add_arguments(sub.add_parser("app", help=HELP, description=HELP))
    p.set_defaults(handler=lambda args: _serve(args, p))


def _serve(args, parser: argparse.ArgumentParser) -> int:
    from .server import serve

    serve(args, error=parser.error)
    return 0


def main(argv=None) -> int:
    """``python -m verifier.ui`` / ``python app.py``."""
    ap = add_arguments(argparse.ArgumentParser(prog="verifier app", description=HELP))
    return _serve(ap.parse_args(argv), ap)
