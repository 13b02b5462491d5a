"""Weights set-up: present, local copy, failed download; provenance record."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from verifier.errors import ModelUnavailableError
from verifier.voice import weights as W

SHARED = Path(os.environ.get("VERIFIER_SHARED") or Path(__file__).resolve().parents[2] / "shared")
LOCAL = SHARED / "models" / "aasist"
requires_models = pytest.mark.skipif(not (LOCAL / "AASIST-L.pth").is_file(), reason="../shared/models/aasist absent")
CLOSED_PORT_URL = "http://127.0.0.1:9/AASIST-L.pth"  # discard port: connection refused, no network needed


def test_provenance_record():
    meta = W.provenance()
    assert meta["licence"] == "MIT" and "NAVER" in meta["copyright"]
    assert len(meta["sha256"]) == 64 and meta["commit"] in meta["url"]
    assert meta["parameters"] == 85306


@requires_models
def test_copy_from_local_then_present(tmp_path):
    dest = tmp_path / "w" / "AASIST-L.pth"
    logs = []
    assert W.ensure_weights(dest, local_dirs=[LOCAL], allow_download=False, log=logs.append) == dest
    assert W.sha256_of(dest) == W.provenance()["sha256"] and "copied" in logs[-1]
    W.ensure_weights(dest, local_dirs=[], allow_download=False, log=logs.append)
    assert "present" in logs[-1]
    assert W.find_weights(dest) == dest
    assert not list(dest.parent.glob("*.part"))


def test_corrupt_local_copy_and_failed_download(tmp_path):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "AASIST-L.pth").write_bytes(b"not the model")
    dest = tmp_path / "w" / "AASIST-L.pth"
    with pytest.raises(ModelUnavailableError) as e:
        W.ensure_weights(dest, local_dirs=[bad], url=CLOSED_PORT_URL, timeout_s=5, log=lambda *a: None)
    assert e.value.key == "voice.weights_unavailable" and "127.0.0.1" in e.value.message("en")
    assert not dest.exists() and not list(dest.parent.glob("*.part"))


def test_find_weights_missing_and_corrupt(tmp_path):
    with pytest.raises(ModelUnavailableError) as e:
        W.find_weights(tmp_path / "AASIST-L.pth")
    assert e.value.key == "voice.model_missing"
    (tmp_path / "AASIST-L.pth").write_bytes(b"x")
    with pytest.raises(ModelUnavailableError) as e:
        W.find_weights(tmp_path / "AASIST-L.pth")
    assert e.value.key == "voice.model_corrupt"


def test_cli_offline_failure_exit_code(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(W, "shared_dirs", lambda: [])
    rc = W.main(["--dest", str(tmp_path / "AASIST-L.pth"), "--no-download"])
    assert rc == 1 and "AASIST-L.pth" in capsys.readouterr().err
