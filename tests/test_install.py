"""The built wheel in a fresh virtual environment, run from another folder, analyses the demos.

What a user does (docs/install.md, "Install as a package"): ``pip install`` the wheel (every declared dependency
resolved by pip), the one extra step ``pip install --no-deps mediapipe==0.10.21``, then
``verifier models install``; then ``verifier analyze`` and ``verifier app`` from any folder. The wheel is built
from a copy of the package sources (never from stale ``build/`` output). Takes 2–4 minutes
on the 2-core machine, most of it pip unpacking torch; deselect with ``-m "not install"``.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from verifier.analysis import registry
from verifier.cli.doctor import MEDIAPIPE_PIP_COMMAND

pytestmark = [pytest.mark.install, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("VERIFIER_SHARED") or ROOT.parent / "shared")
VOICE = ROOT / "samples" / "demo_voice_message.wav"
CLIP = ROOT / "samples" / "demo_call_no_blink_lagging_voice.mp4"
INSTALL_TIMEOUT_S = 1200  # pip resolving and unpacking ~2 GB of wheels on a loaded 2-core machine
VIDEO_SIGNALS = {"face", "blink", "lipsync"}
AUDIO_SIGNALS = {"voice", "noise_floor", "bandwidth", "breath", "prosody"}


def _model_folder() -> Path | None:
    """Where the fresh install copies the model files from (``--no-download``): this machine's
    installed files (``scripts/setup.sh`` put every product model there), else ../shared/models;
    None when neither has every model that ``verifier models install`` installs."""
    def holds_all(folder: Path) -> bool:
        return all(any((folder / sub / e.file).is_file() for sub in ("", *(s.subdir for s in e.sources if s.subdir)))
                   for e in registry.entries() if e.in_place is None and e.derived is None and not e.optional)

    return next((f for f in (registry.models_dir(), SHARED / "models") if f.is_dir() and holds_all(f)), None)


def _run(cmd, *, cwd, env, timeout=INSTALL_TIMEOUT_S) -> subprocess.CompletedProcess:
    p = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert p.returncode == 0, f"{cmd}\n--- stdout\n{p.stdout[-3000:]}\n--- stderr\n{p.stderr[-3000:]}"
    return p


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A fresh venv with the wheel, mediapipe (--no-deps) and the models; returns (bin dir, env, cwd)."""
    models_from = _model_folder()
    if models_from is None:
        pytest.skip("no model files to install from (neither ../shared/models nor installed weights)")
    if not (VOICE.is_file() and CLIP.is_file()):
        pytest.skip("demo media absent (python -m verifier.analysis.synth samples)")
    tmp = tmp_path_factory.mktemp("wheel_install")
    src = tmp / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(ROOT / name, src / name)
    shutil.copytree(ROOT / "verifier", src / "verifier", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VERIFIER_", "PYTHON", "VIRTUAL_ENV"))}
    env["VERIFIER_MODELS_DIR"] = str(tmp / "models")  # never the user's folder
    _run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", src, "-w", tmp / "dist"], cwd=tmp, env=env)
    wheel = next((tmp / "dist").glob("deepfake_call_verifier-*.whl"))
    _run([sys.executable, "-m", "venv", tmp / "venv"], cwd=tmp, env=env)
    bin_dir = tmp / "venv" / "bin"
    pip = [bin_dir / "python", "-m", "pip", "install", "-q", "--no-compile"]
    _run([*pip, wheel], cwd=tmp, env=env)
    _run([*pip, *MEDIAPIPE_PIP_COMMAND.split()[2:]], cwd=tmp, env=env)  # the documented extra step
    out = _run([bin_dir / "verifier", "models", "install", "--from", models_from, "--no-download"], cwd=tmp, env=env)
    assert "FaceMesh works" in out.stdout
    return bin_dir, env, tmp


def test_wheel_holds_the_package_data(installed):
    bin_dir, env, cwd = installed
    out = _run([bin_dir / "python", "-c", "import verifier.analysis.registry as r, verifier.core.assets as a; "
                "print(a.ASSETS_DIR); print(sorted(e.name for e in r.entries()))"], cwd=cwd, env=env, timeout=120)
    assets_dir, names = out.stdout.splitlines()
    assert "site-packages" in assets_dir and not assets_dir.startswith(str(ROOT))
    assert eval(names) == sorted(e.name for e in registry.entries())  # noqa: S307 (our own repr)
    _run([bin_dir / "verifier", "doctor"], cwd=cwd, env=env, timeout=300)


def test_demos_analysed_with_every_signal_from_another_folder(installed):
    bin_dir, env, cwd = installed
    work = cwd / "elsewhere"
    work.mkdir()
    out = _run([bin_dir / "verifier", "analyze", VOICE, CLIP, "--json"], cwd=work, env=env, timeout=600)
    voice, clip = (json.loads(line) for line in out.stdout.strip().splitlines())
    assert voice["error"] is None and clip["error"] is None
    for report, expected in ((voice, AUDIO_SIGNALS), (clip, VIDEO_SIGNALS | AUDIO_SIGNALS)):
        assert expected <= set(report["signals"])
        for key, s in report["signals"].items():
            assert "model_" not in s["explanation"] and not s["explanation"].startswith("model."), (key, s)
        for key in expected:  # measured (face is the quality gate: a reliability, no score)
            s = report["signals"][key]
            assert s["reliability"] > 0 and (key == "face" or s["score"] is not None), (key, s)
    assert voice["signals"]["voice"]["evidence"]["windows"] >= 1
    assert clip["level"] in ("medium", "high")  # the demo has no blinks and a late voice


def test_app_command_serves_from_another_folder(installed, tmp_path):
    """``verifier app`` (the installed command; no app.py in a wheel): its options, this computer
    only by default, an analysis through the API (in its worker process), and a clean stop."""
    from conftest_app import running_app
    from gradio_client import Client, handle_file

    bin_dir, env, cwd = installed
    out = _run([bin_dir / "verifier", "app", "--help"], cwd=cwd, env=env, timeout=120).stdout
    for option in ("--port", "--share-lan", "--password", "--quiz-folder"):
        assert option in out
    work, app_tmp = cwd / "elsewhere-app", tmp_path / "tmp"
    work.mkdir()
    app_tmp.mkdir()
    codes: list = []
    with running_app(tmp_path, command=(bin_dir / "verifier", "app"), cwd=work, base_env=env, timeout_s=180, max_mb=50,
                     env={"TMPDIR": str(app_tmp)}, exit_codes=codes) as url:
        assert "http://127.0.0.1:" in (tmp_path / "app.log").read_text()  # local only by default
        data = Client(url, verbose=False).predict(handle_file(str(VOICE)), "en", [], api_name="/analyze_audio")[2]
        assert data["error"] is None and data["signals"]["voice"]["evidence"]["windows"] >= 1
    assert codes == [0], (tmp_path / "app.log").read_text()[-3000:]
    assert not list(app_tmp.iterdir())  # the worker's private folder went with it
