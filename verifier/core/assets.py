"""Committed data the verifier reads at run time, shipped inside the package (package data).

``fusion.json`` (fusion weights and thresholds), ``voice_calibration.json`` (Platt calibration
of the voice model), ``models/<name>.json`` (one provenance entry per model file, read by
:mod:`verifier.analysis.registry`) and ``weights/`` (small trained weights committed with the code, if
any). Found relative to this module, so a source checkout and an installed wheel read the same
files wherever the tool is run from.
"""
from __future__ import annotations

from pathlib import Path

ASSETS_DIR = Path(__file__).resolve().parents[1] / "assets"
MODEL_ENTRIES_DIR = ASSETS_DIR / "models"


def asset_path(name: str) -> Path:
    """Path of the committed asset ``name`` (relative to ``verifier/assets/``)."""
    return ASSETS_DIR / name
