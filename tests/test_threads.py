"""Thread budgets: set once per process, never toggled, and the results do not depend on them."""
import json
import os
import subprocess
import sys

import pytest

from verifier.analysis.threads import ThreadBudget

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_budget_leaves_a_core_beside_the_voice_network():
    assert ThreadBudget.for_cores(1) == ThreadBudget(1, 2, "AUTO", 1)
    assert ThreadBudget.for_cores(2).torch_intra_op == 1
    assert ThreadBudget.for_cores(8) == ThreadBudget(7, 9, "AUTO", 8)


def _py(code, **env):
    p = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300,
                       env={**os.environ, **env})
    assert p.returncode == 0, p.stderr
    return p.stdout


def test_budget_is_set_once_per_process_and_an_analysis_keeps_it(tmp_path):
    from verifier.analysis.synth import speech_like, write_wav

    wav = str(tmp_path / "m.wav")
    write_wav(wav, speech_like(4.0, seed=3).y, 16000)
    code = f"""
import cv2, torch
from verifier.analysis import threads
b = threads.configure()
assert b == threads.ThreadBudget.for_cores(3), b
assert cv2.getNumThreads() == 3
try:
    threads.configure(threads.ThreadBudget.for_cores(1))
    raise SystemExit("a second, different budget was accepted")
except RuntimeError:
    pass
from verifier.analysis.pipeline import analyze
for _ in range(2):
    analyze({wav!r})
    assert torch.get_num_threads() == 2, torch.get_num_threads()
print("ok")
"""
    assert _py(code, VERIFIER_THREADS="3").strip() == "ok"


@pytest.mark.slow
def test_same_json_for_any_budget(make_clip):
    clip = make_clip("threads", duration_s=6, seed=21)
    outs = []
    for n in ("1", "2"):
        p = subprocess.run([sys.executable, "-m", "verifier", "analyze", clip, "--json"], cwd=ROOT,
                           capture_output=True, text=True, timeout=300, env={**os.environ, "VERIFIER_THREADS": n})
        assert p.returncode == 0, p.stderr
        d = json.loads(p.stdout)
        for volatile in ("elapsed_s", "analyzed_at"):
            d.pop(volatile)
        outs.append(d)
    assert outs[0]["signals"]["face"]["reliability"] > 0 and "voice" in outs[0]["signals"]
    assert outs[0] == outs[1]
