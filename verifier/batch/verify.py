"""``verifier verify REPORT.json FILE``: is FILE the file the report was made from? (chain of custody)

Re-hashes FILE (SHA-256, read-only, streamed) and compares it with the report's ``sha256``;
when the report records the media's size, that is compared too.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass

from ..analysis.registry import sha256_of
from ..core.i18n import t
from .walk import display


@dataclass(frozen=True)
class Verification:
    ok: bool
    expected: str | None
    actual: str | None
    message_key: str
    params: dict

    def message(self, lang: str = "vi") -> str:
        return t(self.message_key, lang, **self.params)


def verify(report_path: str, file_path: str) -> Verification:
    """Compare ``file_path``'s SHA-256 (and size) with the report at ``report_path``.

    A report that cannot be read or holds no SHA-256 gives ``ok=False`` with
    ``verify.bad_report``.
    """
    shown = display(os.fspath(file_path))
    try:
        with open(report_path, encoding="utf-8") as f:
            report = json.load(f)
        expected = report["sha256"]
        if not isinstance(expected, str) or len(expected) != 64:
            raise ValueError("it holds no SHA-256 of an analysed file")
    except (OSError, ValueError, KeyError, TypeError) as e:
        return Verification(False, None, None, "verify.bad_report",
                            {"report": display(os.fspath(report_path)), "detail": str(e)})
    try:
        actual = sha256_of(file_path)
        size = os.path.getsize(file_path)
    except OSError as e:
        return Verification(False, expected, None, "verify.mismatch",
                            {"file": shown, "actual": f"({e.strerror})", "expected": expected})
    size_expected = (report.get("media") or {}).get("size_bytes")
    ok = actual == expected.lower() and (size_expected is None or size_expected == size)
    key = "verify.ok" if ok else "verify.mismatch"
    return Verification(ok, expected, actual, key,
                        {"file": shown, "sha256": actual, "actual": actual, "expected": expected})
