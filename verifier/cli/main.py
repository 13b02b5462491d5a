"""Command line: ``verifier analyze PATH [PATH ...] [--json] [--lang vi|en]`` (or ``python -m verifier``).

``--json`` prints one JSON object per input, one per line (the contract other tools rely
on, see docs/cli.md). Without it, a short summary per file in the chosen language: the level
in plain words, each signal against its human normal range, and the first things to do.
``--report-dir DIR`` also writes an HTML and a JSON report per file; ``--debug`` prints the
traceback of an internal error (a bug). The exit status is 1
when any file could not be analysed or its report could not be written.

Set-up: ``verifier models install [NAME ...] [--from DIR] [--no-download]`` installs the model
files (sha256 checked) and checks mediapipe; ``verifier models list`` and ``verifier models
verify`` say what is installed; ``verifier doctor`` checks models and mediapipe. ``verifier app [--port N] [--share-lan
--password SECRET] [--quiz-folder DIR]`` serves the web app (:mod:`verifier.ui`).
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import sys

from .options import add_lang, add_voice_windows, analysis_params


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m verifier", description="Kiểm tra đoạn ghi cuộc gọi video hoặc tin nhắn thoại có dấu hiệu giả mạo (deepfake) không / Check a video-call clip or voice message for signs of deepfake.")
    sub = ap.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("analyze", help="phân tích một hoặc nhiều tệp / analyse one or more files")
    a.add_argument("paths", nargs="+", metavar="PATH")
    a.add_argument("--json", action="store_true", help="mỗi tệp một đối tượng JSON, mỗi dòng một tệp / one JSON object per file, one per line")
    add_lang(a, help="ngôn ngữ của bản tóm tắt / language of the summary")
    a.add_argument("--kind", choices=("auto", "video", "audio"), default="auto")
    a.add_argument("--debug", action="store_true",
                   help="in chi tiết lỗi nội bộ ra stderr để báo lỗi / print the traceback of an internal error (a bug) on stderr, for a bug report")
    a.add_argument("--report-dir", metavar="DIR",
                   help="ghi thêm báo cáo HTML và JSON của từng tệp vào DIR (tệp gốc chỉ được đọc) / "
                        "also write a self-contained HTML report and the JSON of each file into DIR "
                        "(NAME.SHA256[:12].report.html/.json; created if needed; inputs are only read)")
    a.add_argument("--identity", action="store_true",
                   help="đo thêm độ nhất quán danh tính khuôn mặt trong đoạn ghi / also measure the face's identity consistency across the clip (uses the model "
                        "dlib-face-resnet, installed by set-up; shown, not counted in the risk; ~2 s more per minute of video)")
    add_voice_windows(a)
    m = sub.add_parser("models", help="cài đặt, liệt kê hoặc kiểm tra tệp mô hình / install, list or verify the model files")
    msub = m.add_subparsers(dest="models_cmd", required=True)
    mi = msub.add_parser("install", help="cài tệp mô hình (từ --from DIR, ../shared hoặc nguồn gốc), có kiểm tra sha256 / install model files (from --from DIR, ../shared, or upstream), sha256 checked")
    mi.add_argument("names", nargs="*", metavar="NAME", help="các mô hình cần cài (mặc định: tất cả) / models to install (default: all)")
    mi.add_argument("--from", dest="from_dir", metavar="DIR", help="thư mục chứa tệp / folder holding the files (DIR/FILE or DIR/SUBDIR/FILE)")
    mi.add_argument("--no-download", action="store_true", help="chỉ dùng bản sao trên máy / only local copies (--from, $VERIFIER_SHARED, ../shared)")
    msub.add_parser("list", help="tên, giấy phép, đã cài chưa, sha256 đúng không / name, licence, installed?, sha256 OK?")
    msub.add_parser("verify", help="kiểm tra mọi tệp mô hình (mã thoát 1 nếu thiếu hoặc hỏng) / check every model file (exit status 1 when one is missing or damaged)")
    sub.add_parser("doctor", help="kiểm tra tệp mô hình và mediapipe / check the model files and mediapipe (installed with --no-deps)")
    _add_compare(sub)
    from .batch import add_parsers as _add_batch_parsers  # batch, verify (verifier/batch/)
    _add_batch_parsers(sub)
    from .tamper import add_parser as add_tamper  # tamper lab (issue 10)
    from .tamper import run as run_tamper
    add_tamper(sub)
    from .pages import add_handout as _add_handout  # printable handout (issue 10)
    _add_handout(sub)
    from .challenge import add_parser as _add_challenge  # verifier challenge FILE (issue 12 item 4)
    _add_challenge(sub)
    from .pages import add_challenge_sheet as _add_challenge_sheet  # printable challenge script (issue 12)
    _add_challenge_sheet(sub)
    from ..ui import add_parser as _add_app  # the web app (issue 21 item 4); gradio imported only when it runs
    _add_app(sub)
    args = ap.parse_args(argv)
    if getattr(args, "handler", None) is not None:
        return args.handler(args)
    if args.cmd == "tamper":
        return run_tamper(args)
    if args.cmd == "models":
        return _models(args)
    if args.cmd == "doctor":
        return _doctor()
    if args.cmd == "compare":
        return _compare(args)
    # Errors of the input are in each file's result; a bug's one-line message goes to stderr,
    # its traceback too with --debug.
    log = logging.getLogger("verifier")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    saved = log.level, log.propagate
    log.addHandler(handler)
    log.setLevel(logging.DEBUG if args.debug else logging.WARNING)
    log.propagate = False
    try:
        return _analyze(args)
    finally:
        log.removeHandler(handler)
        log.setLevel(saved[0])
        log.propagate = saved[1]


def _analyze(args) -> int:
    from ..analysis.media import printable
    from ..analysis.pipeline import analyze_many
    from ..outputs.html import render_text, write_report

    failed = 0
    params = analysis_params(args)
    if args.identity:
        params = dataclasses.replace(params, identity=dataclasses.replace(params.identity, enabled=True))
    for path, report in analyze_many(args.paths, kind=args.kind, params=params):
        if report.error:
            failed += 1
        report.file = printable(path)  # as given (bytes that are not UTF-8 shown as U+FFFD)
        if args.report_dir:
            try:
                # the first 12 hex digits of the SHA-256 keep same-named files apart
                write_report(report, args.report_dir, args.lang, tag=report.sha256[:12] if report.sha256 else "unreadable")
            except OSError as e:
                failed += 1
                from ..core.i18n import os_error_detail, t

                print(t("error.cannot_write_report", args.lang, name=printable(path), folder=args.report_dir,
                        detail=os_error_detail(e, args.lang)), file=sys.stderr)
        if args.json:
            print(json.dumps(report.to_dict(), ensure_ascii=False), flush=True)
        else:
            print(render_text(report, args.lang) + "\n", flush=True)
    return 1 if failed else 0



def _models(args) -> int:
    from ..analysis import registry
    from ..core.errors import ModelUnavailableError, ParameterError

    if args.models_cmd == "list":
        print(f"{'name':14s} {'status':8s} {'size':>9s}  {'licence':32s} path")
        for e in registry.entries():
            st, path = registry.status(e.name)
            print(f"{e.name:14s} {st:8s} {registry.checksum(e.name)[1]:9d}  {e.licence[:32]:32s} {path or '(package not installed)'}"
                  + ("  (optional)" if e.optional else ""))
        print(f"installed files go to {registry.models_dir()} ($VERIFIER_MODELS_DIR)")
        return 0
    if args.models_cmd == "verify":
        return _verify_models()
    try:
        for n in args.names:
            registry.entry(n)
    except ParameterError as e:
        print(e, file=sys.stderr)
        return 2
    try:
        registry.install(args.names or None, from_dir=args.from_dir, allow_download=not args.no_download)
    except ModelUnavailableError:
        return 1  # install() already printed each failure and what to do
    finally:
        _mediapipe_line()
    return 0


def _verify_models() -> int:
    from ..analysis import registry
    from ..core.errors import ModelUnavailableError

    bad = 0
    for e in registry.entries():
        try:
            print(f"{e.name}: {registry.model_path(e.name)} sha256 OK")
        except ModelUnavailableError as err:
            # Every model a tab or command uses is an error; a derived model's parent runs in its
            # place (slower); an optional one (training, evaluation) is only noted.
            required = not (e.optional or e.derived)
            bad += required
            tag = " (optional)" if e.optional else " (derived at set-up; without it the slower original is used)" if e.derived else ""
            print(f"{'ERROR: ' if required else ''}{e.name}{tag}: {err.message('en')}", file=sys.stderr)
    return 1 if bad else 0


def _mediapipe_line() -> bool:
    from ..core.i18n import t
    from .doctor import check_mediapipe

    c = check_mediapipe()
    print(c.message("en"), file=sys.stdout if c.ok else sys.stderr)
    if not c.ok:
        print(t("doctor.mediapipe_no_deps", "en"), file=sys.stderr)
    return c.ok


def _doctor() -> int:
    rc = _verify_models()
    _voice_backend_line()
    return 1 if not _mediapipe_line() else rc


def _voice_backend_line() -> None:
    from .doctor import check_voice_backend

    c = check_voice_backend()
    print(c.message("en"), file=sys.stdout if c.ok else sys.stderr)


# --- verifier compare KNOWN QUESTIONED (verifier/analysis/identity/compare.py) -------------------------

def _add_compare(sub) -> None:
    c = sub.add_parser("compare", help="so sánh tệp nghi vấn với tệp chắc chắn của người thật (giọng, mặt) / compare a questioned file with one known to come from the real person (voice, face)")
    c.add_argument("known", metavar="KNOWN", help="tin nhắn thoại, video hoặc ảnh chắc chắn của người thật / a voice note, video or photo that certainly came from the real person")
    c.add_argument("questioned", metavar="QUESTIONED", help="đoạn ghi cuộc gọi hoặc tin nhắn thoại đáng ngờ / the suspicious call recording or voice note")
    c.add_argument("--json", action="store_true", help="một đối tượng JSON / one JSON object")
    add_lang(c, help="ngôn ngữ của bản tóm tắt / language of the summary")


def _compare(args) -> int:
    from ..analysis.identity.compare import compare, render_text
    from ..core.errors import VerifierError

    try:
        r = compare(args.known, args.questioned)
    except VerifierError as e:
        print(e.message(args.lang), file=sys.stderr)
        return 1
    print(json.dumps(r.to_dict(), ensure_ascii=False) if args.json else render_text(r, args.lang), flush=True)
    return 0
