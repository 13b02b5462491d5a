"""Helpers for the app tests: start ``app.py`` (or ``verifier app``) in a subprocess on a free local port."""
from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP_MAX_MB = 1  # small upload limit for the tests, so "too large" is cheap to provoke


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_app(log_dir: Path, *, max_mb: int = APP_MAX_MB, timeout_s: float = 90.0, args: tuple = (),
                env: dict | None = None, command: tuple | None = None, cwd: Path = ROOT, base_env: dict | None = None,
                exit_codes: list | None = None):
    """Run ``python app.py --port N [args]`` (or ``command --port N [args]``, e.g. an installed
    ``verifier app``) and yield its URL; stop it (SIGTERM, by its pid) afterwards.
    ``env``: extra environment variables of the app process (e.g. its own ``TMPDIR``) over
    ``base_env`` (default: this process's); ``exit_codes`` receives the app's exit status."""
    port = free_port()
    env = {**(os.environ if base_env is None else base_env), "GRADIO_ANALYTICS_ENABLED": "False",
           "VERIFIER_APP_MAX_MB": str(max_mb), "PYTHONUNBUFFERED": "1", "GRADIO_TEMP_DIR": str(log_dir / "gradio-tmp"),
           **(env or {})}
    log = open(log_dir / "app.log", "w")
    cmd = [str(c) for c in (command or (sys.executable, ROOT / "app.py"))]
    proc = subprocess.Popen([*cmd, "--port", str(port), *args], cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"app exited with {proc.returncode}:\n{(log_dir / 'app.log').read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(url, timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"app not ready after {timeout_s} s:\n{(log_dir / 'app.log').read_text()[-3000:]}")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
        if exit_codes is not None:
            exit_codes.append(proc.returncode)


def alive(url: str) -> bool:
    with urllib.request.urlopen(url, timeout=5) as r:
        return r.status == 200
