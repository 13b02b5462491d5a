"""Shared fixtures: generated media (built in code, no external data) and ../shared."""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
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
    from verifier.synth import make_call_clip

    cache = {}

    def _make(name, **kw):
        if name not in cache:
            p = clip_dir / f"{name}.mp4"
            make_call_clip(str(p), **kw)
            cache[name] = str(p)
        return cache[name]

    return _make
