"""Shared fixtures: generated media (built in code, no external data) and ../shared."""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]

# librosa (a test-only reference here) caches numba machine code beside its sources, and two
# processes compiling at once can leave a cache that segfaults later (numba #10128): give each
# test session a cache of its own. The tool itself never imports numba (tests/test_crash_stress.py).
if "NUMBA_CACHE_DIR" not in os.environ:
    import atexit
    import shutil
    import tempfile

    os.environ["NUMBA_CACHE_DIR"] = tempfile.mkdtemp(prefix="verifier-test-numba-")
    atexit.register(shutil.rmtree, os.environ["NUMBA_CACHE_DIR"], True)
SHARED = Path(os.environ.get("VERIFIER_SHARED", ROOT.parent / "shared"))

requires_shared = pytest.mark.skipif(not (SHARED / "data").is_dir(), reason="../shared/data absent")


@pytest.fixture
def rng():
    return np.random.default_rng(440)


@pytest.fixture(scope="session")
def clip_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("clips")


@pytest.fixture(scope="session")
def make_clip(clip_dir):
    """Cached generator of synthetic call clips: make_clip(name, **make_call_clip kwargs)."""
    from verifier.analysis.synth import make_call_clip

    cache = {}

    def _make(name, **kw):
        if name not in cache:
            p = clip_dir / f"{name}.mp4"
            make_call_clip(str(p), **kw)
            cache[name] = str(p)
        return cache[name]

    return _make


def forget(monkeypatch, once) -> None:
    """Make a :func:`verifier.core.once.load_once` function load again during one test; the value
    loaded before comes back afterwards (monkeypatch restores both fields)."""
    monkeypatch.setattr(once, "_done", False)
    monkeypatch.setattr(once, "_value", None)
