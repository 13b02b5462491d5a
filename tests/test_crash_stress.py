"""No sequence of concurrent analyses, kills and restarts may leave state that breaks the next one (issue 21).

What broke before: librosa's numba-cached gufuncs (``yin``'s parabolic interpolation), compiled
by two batch workers at once or by a worker killed mid-compile, left a cache that segfaulted
every later process (numba issue #10128). The analysis path now never imports numba
(``verifier.analysis.dsp``); these rounds check that, and that nothing else shared between processes
(numba's cache, matplotlib's font cache, the models' folder) can be left broken:

each round starts from fresh caches (an empty ``NUMBA_CACHE_DIR`` and ``MPLCONFIGDIR``), runs
three processes that analyse a voice note and a clip at once, kills one of them with SIGKILL
part-way, and then requires a fresh batch worker's warm-up (``verifier.batch.worker.warm``) and
an analysis to succeed, with numba never imported and nothing written into numba's cache.

CI runs 2 rounds; ``pytest -m long -k stress`` runs 20.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]

# Runs in each child: analyse the files, print one JSON line per file, then the numba/librosa
# modules that got imported (there must be none).
ANALYSE = """
import json, sys
from verifier.analysis.pipeline import analyze
from verifier.outputs.html import render_html
for p in sys.argv[1:]:
    r = analyze(p)
    render_html(r)
    print(json.dumps({"file": p, "level": r.level, "error": r.error}), flush=True)
print(json.dumps({"modules": sorted(m for m in sys.modules if m.split('.')[0] in ('numba', 'librosa', 'llvmlite'))}))
"""

WARM = """
import json, sys
from verifier.batch.worker import warm
warm(1)
print(json.dumps({"modules": sorted(m for m in sys.modules if m.split('.')[0] in ('numba', 'librosa', 'llvmlite'))}))
"""


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    from verifier.analysis.synth import make_call_clip, speech_like, write_wav

    d = tmp_path_factory.mktemp("stress_media")
    wav, mp4 = d / "note.wav", d / "clip.mp4"
    write_wav(str(wav), speech_like(8.0, seed=3).y, 16000)
    make_call_clip(str(mp4), duration_s=3.0, size=(320, 240), seed=3)
    return [str(wav), str(mp4)]


def _env(cache: Path) -> dict:
    env = dict(os.environ, NUMBA_CACHE_DIR=str(cache / "numba"), MPLCONFIGDIR=str(cache / "mpl"),
               PYTHONFAULTHANDLER="1", VERIFIER_THREADS="1")
    env.pop("VERIFIER_TEST_CRASH", None)
    return env


def _child(code: str, args: list[str], env: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", code, *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _finish(proc: subprocess.Popen, what: str, timeout_s: float = 240.0) -> list[dict]:
    out, err = proc.communicate(timeout=timeout_s)
    assert proc.returncode == 0, f"{what} exited {proc.returncode}:\n{err[-3000:]}"
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def _no_numba(lines: list[dict], what: str) -> None:
    modules = lines[-1]["modules"]
    assert modules == [], f"{what} imported {modules[:5]}: the analysis path must not depend on numba"


def _round(media: list[str], cache: Path, rng: np.random.Generator) -> None:
    env = _env(cache)
    procs = [_child(ANALYSE, media if i % 2 == 0 else media[::-1], env) for i in range(3)]
    victim = procs[int(rng.integers(3))]
    time.sleep(float(rng.uniform(0.5, 4.0)))  # during imports, model loading or the first analysis
    victim.send_signal(signal.SIGKILL)
    for i, p in enumerate(procs):
        if p is victim:
            p.communicate(timeout=60)
            continue
        lines = _finish(p, f"analysis process {i}")
        assert [d["error"] for d in lines[:-1]] == [None, None]
        _no_numba(lines, f"analysis process {i}")
    # After the kill: a fresh worker's warm-up and a fresh analysis must work.
    _no_numba(_finish(_child(WARM, [], env), "batch worker warm-up"), "batch worker warm-up")
    lines = _finish(_child(ANALYSE, media, env), "analysis after the kill")
    assert [d["level"] for d in lines[:-1]] != [] and all(d["error"] is None for d in lines[:-1])
    numba_files = [p for p in (cache / "numba").rglob("*") if p.is_file()] if (cache / "numba").exists() else []
    assert numba_files == [], f"numba cache written: {numba_files[:3]}"


def _rounds(n: int, media, tmp_path) -> None:
    rng = np.random.default_rng(21)
    for r in range(n):
        _round(media, tmp_path / f"round{r}", rng)


def test_concurrent_analyses_and_a_kill_leave_nothing_broken(media, tmp_path):
    _rounds(2, media, tmp_path)


@pytest.mark.long
def test_stress_twenty_rounds(media, tmp_path):
    _rounds(int(os.environ.get("VERIFIER_STRESS_ROUNDS", "20")), media, tmp_path)
