"""The ``batch`` and ``verify`` subcommands (registered by :mod:`verifier.cli.main`)."""
from __future__ import annotations

import json
import os
import sys

from .options import add_lang, add_voice_windows, analysis_params


def add_parsers(sub) -> None:
    """Add ``batch`` and ``verify`` to the CLI's subparsers; each sets ``args.handler``."""
    b = sub.add_parser("batch", help="sàng lọc cả thư mục (song song, chạy tiếp được, mỗi tệp một báo cáo) / pre-screen a whole folder (parallel, resumable, one report per file)")
    b.add_argument("folder", metavar="DIR", help="thư mục chứng cứ (duyệt cả thư mục con, chỉ đọc) / evidence folder (walked recursively, only read)")
    b.add_argument("--out", required=True, metavar="RESULTS_DIR",
                   help="thư mục kết quả (ngoài DIR); chạy lại với cùng thư mục sẽ làm tiếp / results folder (outside DIR); rerunning with the same folder resumes")
    b.add_argument("--workers", type=int, default=1, help="số tiến trình xử lý (mặc định 1) / worker processes (default 1)")
    b.add_argument("--engine", choices=("local", "dask"), default="local",
                   help="local: nhiều tiến trình trên máy này (mặc định); dask: cụm máy Dask / local: a process pool, nothing to start (default); dask: Dask distributed")
    b.add_argument("--address", metavar="tcp://HOST:PORT",
                   help="với --engine dask: bộ điều phối có sẵn / with --engine dask: an existing scheduler (default: a local cluster of --workers)")
    b.add_argument("--timeout-s", type=float, default=None,
                   help="giới hạn thời gian mỗi tệp, giây (mặc định 600) / time limit per file in seconds (default 600); its worker is killed and replaced")
    b.add_argument("--json", action="store_true", help="in từng dòng kết quả (không có thanh tiến độ) / print each results line (no progress bar)")
    add_lang(b, help="ngôn ngữ của báo cáo HTML và trang mục lục / language of the HTML reports and the index page")
    b.add_argument("--kind", choices=("auto", "video", "audio"), default="auto")
    add_voice_windows(b, "; một thư mục kết quả chỉ chạy tiếp với cùng giá trị / "
                         "a results folder resumes only with the same value")
    b.set_defaults(handler=_batch)
    v = sub.add_parser("verify", help="kiểm tra FILE có đúng là tệp đã lập báo cáo không (SHA-256) / check that FILE is the file a report was made from (SHA-256)")
    v.add_argument("report", metavar="REPORT.json")
    v.add_argument("file", metavar="FILE")
    add_lang(v)
    v.set_defaults(handler=_verify)


def _batch(args) -> int:
    from ..batch.run import run_batch
    from ..core.constants import DEFAULT_TIMEOUT_S
    from ..core.errors import ParameterError
    from ..core.params import BatchParams

    if args.address and args.engine != "dask":
        print("--address needs --engine dask", file=sys.stderr)
        return 2
    params = BatchParams(workers=args.workers, engine=args.engine, address=args.address,
                         timeout_s=args.timeout_s or DEFAULT_TIMEOUT_S, lang=args.lang, kind=args.kind,
                         analysis=analysis_params(args))

    def show(line):
        print(json.dumps(line, ensure_ascii=False), flush=True)

    try:
        s = run_batch(args.folder, args.out, params, progress=not args.json, on_line=show if args.json else None)
    except ParameterError as e:
        print(e, file=sys.stderr)
        return 2
    if not args.json:
        counts = ", ".join(f"{k} {v}" for k, v in sorted(s.statuses.items()))
        print(f"{s.inputs} entries ({counts}); {s.failed} could not be analysed; {s.elapsed_s:.1f} s; "
              f"{os.path.join(s.out, 'index.html')}", file=sys.stderr)
    return 1 if s.failed else 0


def _verify(args) -> int:
    from ..batch.verify import verify

    v = verify(args.report, args.file)
    print(v.message(args.lang), file=sys.stdout if v.ok else sys.stderr)
    if v.message_key == "verify.bad_report":
        return 2
    return 0 if v.ok else 1
