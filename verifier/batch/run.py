"""``run_batch``: walk a folder, analyse what is new in parallel, write and resume the outputs.

The one orchestrator of the batch mode: walk (:mod:`.walk`) → skip what ``results.jsonl``
already holds → tasks to an engine (:mod:`.local` or :mod:`.dask_engine`) → one results line
per entry as each finishes (:mod:`.outputs`) → summary, index page and manifest. The inputs are
only ever read; an output folder inside the input folder is refused.
"""
from __future__ import annotations

import datetime as _dt
import os
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from ..core.errors import ParameterError
from ..core.i18n import t
from ..core.levels import INCONCLUSIVE
from ..core.params import BatchParams
from ..core.version import __version__
from . import outputs
from .walk import Entry, display, walk
from .worker import Task

# BatchParams fields that change what a results line holds: a results folder is only resumed
# with the values it was started with, so that one folder never mixes two analyses.
ANALYSIS_FIELDS = ("kind", "voice_windows")


@dataclass
class BatchSummary:
    inputs: int = 0
    statuses: Counter = field(default_factory=Counter)  # status → entries
    failed: int = 0  # entries that could not be analysed (error in the report, left out, given up)
    new_lines: int = 0  # lines written by this run
    elapsed_s: float = 0.0
    out: str = ""


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def _versions() -> dict:
    from ..analysis.pipeline import versions as pipeline_versions

    return pipeline_versions()


def _error_line(rel: str, sha: str | None, key: str, params: dict, status: str, reason_en: str) -> dict:
    from ..core.report import AnalysisError, Report

    rep = Report(file=rel, sha256=sha, media=None, risk=None, level=INCONCLUSIVE, versions=_versions(),
                 analyzed_at=_now(), error=AnalysisError(key, reason_en, "batch", params))
    d = rep.to_dict()
    d["batch"] = {"path": rel, "status": status, "reason_key": key, "reason": reason_en,
                  "report_html": None, "report_json": None, "duplicate_of": None}
    return d


def _models() -> list[dict]:
    from ..analysis import registry

    out = []
    for e in registry.entries():
        st, _ = registry.status(e.name)
        sha, size = registry.checksum(e.name)  # a derived model's (AASIST-L.onnx) is recorded at set-up
        out.append({"name": e.name, "file": e.file, "sha256": sha, "size_bytes": size, "status": st})
    return out


def _check_folders(root: str, out: str) -> tuple[str, str]:
    root, out = os.path.abspath(root), os.path.abspath(out)
    if not os.path.isdir(root):
        raise ParameterError(f"not a folder: {display(root)}")
    rr, ro = os.path.realpath(root), os.path.realpath(out)
    if ro == rr or ro.startswith(rr.rstrip(os.sep) + os.sep):
        raise ParameterError(f"the output folder {display(out)} is inside the input folder: choose one outside it "
                             "(the evidence folder is never written to)")
    return root, out


def _check_resume(out: str, params: BatchParams) -> None:
    """Refuse to resume ``out`` with analysis settings other than those it was started with."""
    import json

    try:
        with open(os.path.join(out, "manifest.json"), encoding="utf-8") as f:
            before = json.load(f).get("parameters") or {}
    except FileNotFoundError:
        return
    except (OSError, ValueError):
        return  # a damaged manifest is rewritten at the end; the results journal is what resumes
    defaults = BatchParams()
    for name in ANALYSIS_FIELDS:
        was = before.get(name, getattr(defaults, name))  # manifests older than a field held its default
        now = getattr(params, name)
        if was != now:
            flag = "--" + name.replace("_", "-")
            raise ParameterError(
                f"thư mục kết quả {display(out)} đã được lập với {flag} {was}, không phải {now}: dùng lại giá trị cũ "
                f"hoặc một thư mục kết quả mới / the results folder {display(out)} was started with {flag} {was}, "
                f"not {now}: use the same value or a new results folder")


def _engine(params: BatchParams):
    if params.engine == "local":
        from .local import LocalEngine

        return LocalEngine(params.workers, params.timeout_s)
    if params.engine == "dask":
        try:
            from .dask_engine import DaskEngine
        except ImportError as e:
            raise ParameterError(f"--engine dask needs Dask distributed ({e}): "
                                 "pip install 'deepfake-call-verifier[cluster]' (or -r requirements/base.txt)") from e

        return DaskEngine(params.workers, params.timeout_s, address=params.address)
    raise ParameterError(f"engine must be local or dask, not {params.engine!r}")


def run_batch(root: str, out: str, params: BatchParams = BatchParams(), *, progress: bool = True,
              on_line=None) -> BatchSummary:
    """Analyse every media file under ``root`` into ``out``, resuming what ``out`` holds.

    Parameters
    ----------
    root : str
        The evidence folder; only read.
    out : str
        The results folder (created; must not be inside ``root``).
    params : BatchParams
    progress : bool
        Show a progress bar (files, failures, ETA) on stderr.
    on_line : callable(dict), optional
        Called with each results line as it is written (the CLI's ``--json`` prints them).

    Returns
    -------
    BatchSummary
    """
    t0 = time.perf_counter()
    started_at = _now()
    root, out = _check_folders(root, out)
    _check_resume(out, params)
    os.makedirs(os.path.join(out, outputs.REPORTS_DIR), exist_ok=True)
    entries = walk(root)
    res_path = os.path.join(out, outputs.RESULTS)
    previous = outputs.read_jsonl(res_path, repair=True)
    att_path = os.path.join(out, outputs.ATTEMPTS)
    outputs.read_jsonl(att_path, repair=True)
    starts, last_failure = Counter(), {}
    for a in outputs.read_jsonl(att_path):
        if a["event"] == "start":
            starts[a["sha256"]] += 1
        else:
            last_failure[a["sha256"]] = (a["event"], a.get("detail", ""))
    done_paths = {ln["batch"]["path"] for ln in previous}
    final: dict[str, dict] = {}  # sha256 → its analysed or given-up line
    for ln in previous:
        if ln["batch"]["status"] in ("analysed", "gave_up"):
            final[ln["sha256"]] = ln

    from tqdm import tqdm

    bar = tqdm(total=len(entries), initial=len(done_paths & {e.rel for e in entries}), unit="file",
               disable=not progress, dynamic_ncols=True)
    summary = BatchSummary(inputs=len(entries), out=out)
    results = outputs.Journal(res_path)
    attempts = outputs.Journal(att_path)
    timings = outputs.Journal(os.path.join(out, outputs.TIMINGS))

    def emit(line: dict) -> None:
        results.append(line)
        summary.new_lines += 1
        if on_line is not None:
            on_line(line)
        bar.update(1)

    def duplicate(e: Entry, orig: dict) -> dict:
        return {**orig, "file": e.rel, "batch": {**orig["batch"], "path": e.rel, "status": "duplicate",
                                                  "duplicate_of": orig["batch"]["path"]}}

    waiting: dict[str, list[Entry]] = defaultdict(list)
    tasks: dict[str, Task] = {}
    tries: Counter = Counter(starts)
    failures = 0

    def settle(sha: str, line: dict) -> None:
        nonlocal failures
        final[sha] = line
        emit(line)
        failures += bool(line.get("error"))
        for dup in waiting.pop(sha, []):
            emit(duplicate(dup, line))
        bar.set_postfix(failed=failures)

    def give_up(task: Task, key: str, detail: str) -> dict:
        reason = t(key, "en", detail=detail)
        params_ = {"name": display(os.path.basename(task.path)), "attempts": tries[task.sha256], "reason": reason}
        return _error_line(task.rel, task.sha256, "batch.gave_up", params_, "gave_up",
                           t("batch.gave_up", "en", **params_))

    for e in entries:
        if e.rel in done_paths:
            continue
        if e.skip_key is not None:
            line = _error_line(e.rel, e.sha256, e.skip_key, e.params, "skipped", t(e.skip_key, "en", **e.params))
            failures += 1
            emit(line)
            bar.set_postfix(failed=failures)
        elif e.sha256 in final:
            emit(duplicate(e, final[e.sha256]))
        elif e.sha256 in tasks:
            waiting[e.sha256].append(e)
        else:
            task = Task(e.sha256, e.path, e.rel, params.kind, params.lang, params.analysis)
            if tries[e.sha256] >= params.max_attempts:
                key, detail = last_failure.get(e.sha256, ("batch.interrupted", ""))
                settle(e.sha256, give_up(task, key, detail))
            else:
                tasks[e.sha256] = task
    started_wall: dict[str, float] = {}  # sha256 → when its (last) analysis started, epoch seconds
    if tasks:
        with _engine(params) as engine:
            for task in tasks.values():
                engine.submit(task)
            for ev in engine.events():
                task = ev[1]
                if ev[0] == "started":
                    tries[task.sha256] += 1
                    started_wall[task.sha256] = time.time()
                    attempts.append({"sha256": task.sha256, "path": task.rel, "event": "start", "at": _now()})
                elif ev[0] == "done":
                    outcome = ev[2]
                    rep = outcome["report"]
                    rep["sha256"] = rep["sha256"] or task.sha256
                    html_rel, json_rel = outputs.write_reports(out, rep, outcome["html"])
                    err = rep.get("error")
                    line = {**rep, "batch": {"path": task.rel, "status": "analysed", "reason_key": rep.get("error_key"),
                                             "reason": err, "report_html": html_rel, "report_json": json_rel,
                                             "duplicate_of": None}}
                    timings.append({"sha256": task.sha256, "path": task.rel, "stages_s": outcome["stages_s"],
                                    "peak_rss_mib": outcome["peak_rss_mib"], "pid": outcome["pid"],
                                    "elapsed_s": rep.get("elapsed_s"), "engine": params.engine,
                                    "t_start": started_wall.get(task.sha256), "t_done": time.time()})
                    settle(task.sha256, line)
                else:
                    _, _, key, detail = ev
                    attempts.append({"sha256": task.sha256, "path": task.rel, "event": key, "detail": detail, "at": _now()})
                    if tries[task.sha256] >= params.max_attempts:
                        settle(task.sha256, give_up(task, key, detail))
                    else:
                        engine.submit(task)
    bar.close()
    results.close()
    attempts.close()
    timings.close()
    lines = outputs.read_jsonl(res_path)
    summary.statuses = Counter(ln["batch"]["status"] for ln in lines)
    summary.failed = sum(1 for ln in lines if ln.get("error"))
    outputs.write_summary_csv(out, lines)
    outputs.write_index_html(out, lines, display(root), params.lang)
    _write_manifest(out, root, entries, params, started_at)
    summary.elapsed_s = time.perf_counter() - t0
    return summary


def _write_manifest(out: str, root: str, entries: list[Entry], params: BatchParams, started_at: str) -> None:
    import json

    path = os.path.join(out, "manifest.json")
    runs = []
    if os.path.exists(path):
        try:
            with open(path, encoding="utf-8") as f:
                runs = json.load(f).get("runs", [])
        except (OSError, ValueError):
            runs = []
    runs.append({"started_at": started_at, "ended_at": _now(), **params.record()})
    manifest = {
        "tool": "deepfake-call-verifier", "version": __version__, "versions": _versions(),
        "root": display(root),
        "inputs": [{"path": e.rel, "size_bytes": e.size_bytes, "sha256": e.sha256, "container": e.container,
                    "left_out": e.skip_key} for e in entries],
        "models": _models(),
        "parameters": params.record(),
        "started_at": runs[0]["started_at"], "ended_at": runs[-1]["ended_at"], "runs": runs,
    }
    outputs.write_manifest(out, manifest)
