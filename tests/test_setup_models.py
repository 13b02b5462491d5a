"""Every tab and command works after the README's set-up (issue 21, item 3).

``scripts/setup.sh`` runs ``verifier models install`` without names, which installs every entry
that is not ``optional``; so only training and evaluation models may be optional, ``verifier
doctor`` fails on a missing product model, and on a set-up checkout (CI's fresh clone runs
``scripts/test.sh``, which runs ``scripts/setup.sh``) ``verifier compare`` measures the voice.
These tests do not skip: a set-up that misses a model must fail them.
"""
from __future__ import annotations

import json
import subprocess
import sys

from verifier.analysis import registry
from verifier.cli import main as cli

PRODUCT_MODELS = {  # model -> what uses it (a tab and a command each)
    "aasist-l": "voice signal: Video call and Voice message tabs, verifier analyze / batch",
    "silero-vad": "speech activity: every analysis",
    "resemblyzer-ge2e": "voice similarity: Compare tab, verifier compare",
    "resemblyzer-ge2e-onnx": "voice similarity without importing torch: Compare tab, verifier compare",
    "dlib-face-resnet": "face similarity: Compare tab, verifier compare, analyze --identity",
}


def test_only_training_and_evaluation_models_are_optional():
    for name in PRODUCT_MODELS:
        assert not registry.entry(name).optional, name
    for e in registry.entries():
        if e.optional:
            assert "training" in e.used_by or "evaluation only" in e.used_by, (e.name, e.used_by)


def test_product_models_are_installed(capsys):
    """What ``scripts/setup.sh`` installed: every model a tab or command uses is present and checks."""
    for name in PRODUCT_MODELS:
        assert registry.status(name)[0] == "ok", f"{name} ({PRODUCT_MODELS[name]}): run bash scripts/setup.sh"
    assert cli._verify_models() == 0, capsys.readouterr().err


def test_doctor_reports_a_missing_product_model_as_an_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("VERIFIER_MODELS_DIR", str(tmp_path / "empty"))  # as on a machine without the set-up
    monkeypatch.setattr(registry, "shared_roots", lambda: [])
    registry._CHECKED.clear()
    try:
        assert cli._verify_models() == 1
        err = capsys.readouterr().err
        assert "ERROR: dlib-face-resnet:" in err and "ERROR: resemblyzer-ge2e:" in err
        assert "verifier models install dlib-face-resnet" in err
        assert "ERROR: aasist5" not in err and "aasist5 (optional)" in err  # evaluation only: a note
    finally:
        registry._CHECKED.clear()


def test_compare_measures_the_voice_of_two_recordings_of_one_speaker(tmp_path):
    """Two different recordings of one synthetic speaker (same voice source and formants, other
    syllables and pauses): ``verifier compare`` gives a voice similarity, here a match."""
    from verifier.analysis.synth import speech_like, write_wav

    a, b = tmp_path / "nguoi_than.wav", tmp_path / "tin_nhan_nghi_van.wav"
    write_wav(str(a), speech_like(8.0, seed=1).y, 16000)
    write_wav(str(b), speech_like(8.0, seed=2).y, 16000)
    p = subprocess.run([sys.executable, "-m", "verifier", "compare", str(a), str(b), "--json"], capture_output=True,
                       text=True, timeout=300)
    assert p.returncode == 0, p.stderr[-2000:]
    r = json.loads(p.stdout)
    voice = r["voice"]
    assert voice["note"] == "" and isinstance(voice["similarity"], float), voice  # measured, not "NOT checked"
    assert voice["decision"] == "match" and voice["similarity"] >= voice["match_from"], voice
    assert r["known"]["voice_windows"] >= 1 and r["questioned"]["voice_windows"] >= 1
    assert r["verdict"] == "match_not_proof"  # a match is never proof
