"""The labelled folders the evaluations read: ``MANIFEST.tsv`` with ``path`` and ``label``."""
from __future__ import annotations

import csv
import os


def read_manifest(folder: str) -> list[dict]:
    """Rows of ``MANIFEST.tsv`` with ``source`` (``real/<folder>`` or ``fake/<folder>``) and
    ``y`` (1 fake, 0 real) added."""
    with open(os.path.join(folder, "MANIFEST.tsv"), encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    for r in rows:
        parts = r["path"].split("/")
        r["source"] = "/".join(parts[:2]) if len(parts) > 2 else parts[0]
        r["y"] = 1 if r["label"] == "fake" else 0
        r.setdefault("language", "")
    return rows
