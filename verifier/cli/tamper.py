"""``verifier tamper IN --kind KIND -o OUT``: the tamper lab on the command line (vi/en)."""
from __future__ import annotations

import os
import sys
import time
from dataclasses import replace

from ..tamper import KINDS
from .options import add_lang


def add_parser(sub) -> None:
    """Register the ``tamper`` subcommand on ``sub`` (argparse subparsers)."""
    p = sub.add_parser("tamper", help="tạo bản giả mạo để đào tạo / make a tampered copy for training (issue 10)")
    p.add_argument("input", metavar="IN", help="clip hoặc tin nhắn thoại gốc (chỉ đọc) / original clip or voice message (only read)")
    p.add_argument("--kind", required=True, choices=KINDS, help="kiểu giả mạo / tamper type")
    p.add_argument("-o", "--output", required=True, metavar="OUT", help="tệp kết quả (.mp4, .wav, .m4a) / output file")
    p.add_argument("--shift-ms", type=float, default=300.0, help="độ lệch tiếng, ms (>0: tiếng trễ) / audio shift, ms (>0: audio late)")
    p.add_argument("--other", metavar="FILE", help="giọng thay thế (kind voice) / the replacement recording (kind voice)")
    p.add_argument("--photo", metavar="IMAGE", help="ảnh khuôn mặt khác (swap, photo; mặc định: ảnh phi hành gia) / donor or talking photo (default: astronaut)")
    p.add_argument("--text", help="câu espeak-ng đọc (kind espeak) / sentence for espeak-ng")
    p.add_argument("--messenger", action="store_true", help="thêm nén như ứng dụng nhắn tin (480p, AAC 32 kbit/s) / also degrade like a messenger")
    p.add_argument("--side-by-side", metavar="HTML", help="phân tích cả hai bản và ghi trang so sánh / analyse both and write the comparison page")
    add_lang(p)


def run(args) -> int:
    """Make the tampered copy; print one line in ``args.lang``. Exit status 1 on bad input."""
    from ..core.errors import VerifierError
    from ..core.i18n import t
    from ..core.params import EspeakParams, ShiftParams, TamperParams
    from ..tamper.lab import tamper_file

    p = TamperParams(shift=ShiftParams(args.shift_ms),
                     espeak=replace(EspeakParams(), text=args.text) if args.text else EspeakParams())
    t0 = time.perf_counter()
    try:
        tamper_file(args.input, args.output, args.kind, p, other=args.other, photo=args.photo, messenger=args.messenger)
    except (VerifierError, OSError) as e:
        msg = e.message(args.lang) if isinstance(e, VerifierError) else str(e)
        print(t("tamper.cli.failed", args.lang, name=os.path.basename(args.input), detail=msg), file=sys.stderr)
        return 1
    print(t("tamper.cli.done", args.lang, kind=t(f"tamper.{args.kind}.name", args.lang), out=args.output,
            seconds=round(time.perf_counter() - t0, 1)))
    print(t(f"tamper.{args.kind}.explain", args.lang))
    if args.side_by_side:
        from ..outputs.side_by_side import write_side_by_side

        write_side_by_side(args.input, args.output, args.side_by_side, args.kind, args.lang)
        print(t("tamper.cli.side_by_side", args.lang, out=args.side_by_side))
    return 0
