"""The one way numbers are written for people: in sentences (:func:`format_number`, with the
language's decimal mark) and on figure labels (:func:`label_number`)."""
from __future__ import annotations

import math

import numpy as np

from ..core.i18n import t


def format_number(v, lang: str) -> str:
    """A measured number for a sentence: integers plain, others with 1–2 decimals
    (Vietnamese uses a decimal comma)."""
    if isinstance(v, bool):
        return t("report.yes" if v else "report.no", lang)
    if isinstance(v, int):
        s = str(v)
    else:
        f = float(v)
        if math.isnan(f):
            return "–"
        if f.is_integer():
            s = str(int(f))
        elif abs(f) >= 100:
            s = f"{f:.0f}"
        elif abs(f) >= 10:
            s = f"{f:.1f}"
        else:
            s = f"{f:.2f}"
    return s.replace(".", ",") if lang == "vi" else s


def format_numbers(p: dict | None, lang: str) -> dict:
    """The message parameters ``p`` with every number written by :func:`format_number`."""
    return {k: (format_number(v, lang) if isinstance(v, (int, float)) and not isinstance(v, bool) else v)
            for k, v in (p or {}).items()}


def label_number(v) -> str:
    """A number for a label: integers without decimals, others with at most 1."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    if isinstance(v, (int, np.integer)) or float(v).is_integer():
        return str(int(v))
    return f"{float(v):.1f}"
