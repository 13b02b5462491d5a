"""The batch's output folder: results journal, per-file reports, summary, index page, manifest.

* ``results.jsonl`` — one line per entry of the input folder: the CLI's JSON contract of its
  report plus a ``batch`` object (``path``, ``status``, ``reason_key``, ``reason``,
  ``report_html``, ``report_json``, ``duplicate_of``). Appended and flushed to disk as each file
  finishes, so a crash loses nothing already written; a torn last line is cut on resume.
* ``reports/SHA256.report.html`` and ``.report.json`` — one self-contained report per content.
* ``attempts.jsonl`` — when each analysis started and why one did not finish (resume's memory).
* ``timings.jsonl`` — seconds per stage and the worker's peak memory per file (benchmarks).
* ``summary.csv`` (sorted by risk), ``index.html`` (self-contained), ``manifest.json``.
"""
from __future__ import annotations

import csv
import html
import json
import os

from ..core.i18n import normalize_lang, t

TIME_FIELDS = ("analyzed_at", "elapsed_s")  # the only fields of a line that differ between identical runs
RESULTS, ATTEMPTS, TIMINGS = "results.jsonl", "attempts.jsonl", "timings.jsonl"
REPORTS_DIR = "reports"


def comparable(line: dict) -> dict:
    """``line`` without its time fields (two runs on the same files give equal ``comparable`` lines)."""
    return {k: v for k, v in line.items() if k not in TIME_FIELDS}


def read_jsonl(path: str, *, repair: bool = False) -> list[dict]:
    """The complete lines of a JSON-lines journal; with ``repair`` a torn last line (the
    process was killed while writing it) is cut off the file so appends start clean."""
    if not os.path.exists(path):
        return []
    with open(path, "rb") as f:
        data = f.read()
    good = data.rfind(b"\n") + 1
    if repair and good < len(data):
        with open(path, "r+b") as f:
            f.truncate(good)
    out = []
    for raw in data[:good].splitlines():
        if raw.strip():
            out.append(json.loads(raw))
    return out


class Journal:
    """Append-only JSON lines, each flushed and fsync'ed before :meth:`append` returns."""

    def __init__(self, path: str):
        self._f = open(path, "a", encoding="utf-8")

    def append(self, obj: dict) -> None:
        self._f.write(json.dumps(obj, ensure_ascii=False, sort_keys=False) + "\n")
        self._f.flush()
        os.fsync(self._f.fileno())

    def close(self) -> None:
        self._f.close()


def _atomic_write(path: str, text: str) -> None:
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def write_reports(out: str, report: dict, html_text: str) -> tuple[str, str]:
    """Write one file's reports, named by its SHA-256; returns their paths relative to ``out``."""
    sha = report["sha256"]
    rel_html = f"{REPORTS_DIR}/{sha}.report.html"
    rel_json = f"{REPORTS_DIR}/{sha}.report.json"
    _atomic_write(os.path.join(out, rel_json), json.dumps(report, ensure_ascii=False, indent=2))
    _atomic_write(os.path.join(out, rel_html), html_text)
    return rel_html, rel_json


def _risk_order(line: dict):
    r = line.get("risk")
    return (r is None, -(r or 0.0), line["batch"]["path"])


def write_summary_csv(out: str, lines: list[dict]) -> str:
    """``summary.csv``: one row per entry, highest risk first, then the inconclusive and failed."""
    path = os.path.join(out, "summary.csv")
    cols = ["path", "sha256", "status", "level", "risk", "kind", "duration_s", "reason", "duplicate_of", "report_html"]
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(cols)
        for ln in sorted(lines, key=_risk_order):
            b, m = ln["batch"], ln.get("media") or {}
            w.writerow([b["path"], ln.get("sha256") or "", b["status"], ln["level"],
                        "" if ln.get("risk") is None else ln["risk"], m.get("kind", ""), m.get("duration_s", ""),
                        b.get("reason") or "", b.get("duplicate_of") or "", b.get("report_html") or ""])
    os.replace(tmp, path)
    return path


def _status_words(b: dict, lang: str) -> str:
    if b["status"] == "duplicate":
        return t("batch.status.duplicate", lang, path=b["duplicate_of"])
    return t(f"batch.status.{b['status']}", lang)


def write_index_html(out: str, lines: list[dict], root: str, lang: str = "vi") -> str:
    """``index.html``: a self-contained page (inline CSS, no script) listing every entry by
    risk, with links to each file's HTML and JSON report."""
    from ..outputs.html import CSS, LEVEL_COLOURS

    lang = normalize_lang(lang)
    e = html.escape
    counts = {"analysed": 0, "failed": 0, "duplicates": 0}
    for ln in lines:
        st = ln["batch"]["status"]
        if st == "duplicate":
            counts["duplicates"] += 1
        elif st == "analysed" and not ln.get("error"):
            counts["analysed"] += 1
        else:
            counts["failed"] += 1
    rows = []
    for ln in sorted(lines, key=_risk_order):
        b = ln["batch"]
        level = "error" if ln.get("error") else ln["level"]
        bg, fg = LEVEL_COLOURS.get(level, LEVEL_COLOURS["error"])
        level_txt = "—" if ln.get("error") else t(f"level.{ln['level']}", lang)
        links = ""
        if b.get("report_html"):
            links = f'<a href="{e(b["report_html"])}">HTML</a> · <a href="{e(b["report_json"])}">JSON</a>'
        status = _status_words(b, lang) + (f"<br><span class=\"small\">{e(b['reason'])}</span>" if b.get("reason") else "")
        risk = "" if ln.get("risk") is None else f"{ln['risk']:.2f}"
        rows.append(f'<tr><td class="mono">{e(b["path"])}</td>'
                    f'<td style="background:{bg};color:{fg}">{e(level_txt)}</td><td>{risk}</td>'
                    f"<td>{status}</td><td>{links}</td></tr>")
    head = "".join(f"<th>{e(t('batch.col.' + c, lang))}</th>" for c in ("path", "level", "risk", "status", "reports"))
    doc = (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
           f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{e(t("batch.index.title", lang))}</title>'
           f"<style>{CSS} body {{ max-width: 1200px; margin: 20px auto; padding: 0 14px; }}</style></head>"
           f'<body><div class="vr"><h1>{e(t("batch.index.title", lang))}</h1>'
           f'<p>{e(t("batch.index.intro", lang, n=len(lines), root=root))}</p>'
           f'<p>{e(t("batch.index.counts", lang, **counts))}</p>'
           f"<table><tr>{head}</tr>{''.join(rows)}</table></div></body></html>")
    path = os.path.join(out, "index.html")
    _atomic_write(path, doc)
    return path


def write_manifest(out: str, manifest: dict) -> str:
    path = os.path.join(out, "manifest.json")
    _atomic_write(path, json.dumps(manifest, ensure_ascii=False, indent=2))
    return path
