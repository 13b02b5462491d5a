"""The voice model's weights (AASIST-L): a thin alias of :mod:`verifier.analysis.registry`.

Provenance, sha256 and sources are in ``verifier/assets/models/aasist-l.json``; the file is
installed by ``verifier models install aasist-l`` and checked by :func:`find_weights`, which never downloads.
"""
from __future__ import annotations

from pathlib import Path

from ...core.errors import ModelUnavailableError
from .. import registry

MODEL_NAME = "aasist-l"  # registry entry of the published AASIST-L weights


def find_weights(path: str | Path | None = None) -> Path:
    """The checked AASIST-L file (``registry.model_path``); an explicit ``path`` is checked
    against the same size and sha256.

    Raises
    ------
    ModelUnavailableError
        ``model.missing`` or ``model.corrupt``.
    """
    if path is None:
        return registry.model_path(MODEL_NAME)
    e, p = registry.entry(MODEL_NAME), Path(path)
    if not p.is_file():
        raise ModelUnavailableError("model.missing", model=e.name, file=e.file, location=str(p), command=e.fix_command())
    if not registry.file_matches(p, e):
        raise ModelUnavailableError("model.corrupt", model=e.name, file=e.file, location=str(p),
                                    command=e.fix_command(corrupt=True))
    return p

