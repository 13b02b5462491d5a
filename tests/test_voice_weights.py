"""``verifier.analysis.voice.weights``: the AASIST-L checks of the registry, and its set-up command
(``verifier models install aasist-l``)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from verifier.analysis import registry
from verifier.analysis.voice import weights as W
from verifier.cli.main import main as cli_main
from verifier.core.errors import ModelUnavailableError

SHARED = Path(os.environ.get("VERIFIER_SHARED") or Path(__file__).resolve().parents[2] / "shared")
LOCAL = SHARED / "models" / "aasist"
requires_models = pytest.mark.skipif(not (LOCAL / "AASIST-L.pth").is_file(), reason="../shared/models/aasist absent")


def test_provenance_entry():
    e = registry.entry(W.MODEL_NAME)
    assert e.file == "AASIST-L.pth" and e.size_bytes == 426428 and e.extra["parameters"] == 85306
    assert e.licence.startswith("MIT") and "NAVER" in e.licence
    url = next(s.url for s in e.sources if s.kind == "url")
    assert e.extra["commit"] in url and e.extra["commit"] in e.upstream and url.startswith("https://")


def test_find_weights_missing_and_corrupt(tmp_path):
    with pytest.raises(ModelUnavailableError) as e:
        W.find_weights(tmp_path / "AASIST-L.pth")
    assert e.value.key == "model.missing" and e.value.params["command"] == "verifier models install aasist-l"
    (tmp_path / "AASIST-L.pth").write_bytes(b"x" * 426428)  # right size, wrong content
    with pytest.raises(ModelUnavailableError) as e:
        W.find_weights(tmp_path / "AASIST-L.pth")
    assert e.value.key == "model.corrupt"


@requires_models
def test_models_install_aasist_l_from_a_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("VERIFIER_MODELS_DIR", str(tmp_path / "m"))
    assert cli_main(["models", "install", "aasist-l", "--from", str(LOCAL), "--no-download"]) == 0
    assert "copied" in capsys.readouterr().out
    assert W.find_weights() == tmp_path / "m" / "AASIST-L.pth" == W.find_weights(tmp_path / "m" / "AASIST-L.pth")


def test_models_install_offline_failure_exit_code(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("VERIFIER_MODELS_DIR", str(tmp_path))
    monkeypatch.setattr(registry, "shared_roots", lambda: [])
    assert cli_main(["models", "install", "aasist-l", "--no-download"]) == 1
    out = capsys.readouterr().out
    assert "AASIST-L.pth" in out and "verifier models install aasist-l --from" in out
    assert not list(tmp_path.iterdir())  # nothing half-written
