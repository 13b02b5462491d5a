"""The voice model's weights: where they live, how they are checked and fetched at set-up.

The published AASIST-L state dict (MIT licence, NAVER Corp.) is not committed: it lives at
``models/weights/AASIST-L.pth`` (gitignored). Its provenance (upstream address, commit,
sha256, licence, parameter count) is committed in ``models/aasist-l.json``.

Set-up (``python -m verifier.voice.weights``) gets the file in this order:

1. already at the target with the right sha256 → nothing to do;
2. a local copy in ``$VERIFIER_SHARED/models/aasist/`` or ``../shared/models/aasist/``
   (development machines and CI, which have no internet) → copied, then checked;
3. download from the upstream address with ``urllib`` → checked;
4. otherwise a :class:`~verifier.errors.ModelUnavailableError` that says what to do.

Nothing is downloaded at analysis time: :func:`find_weights` only looks and checks.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

from ..errors import ModelUnavailableError

REPO_ROOT = Path(__file__).resolve().parents[2]
MODELS_DIR = REPO_ROOT / "models"
PROVENANCE_FILE = MODELS_DIR / "aasist-l.json"
DOWNLOAD_TIMEOUT_S = 60.0  # per network operation


def provenance(path: str | Path = PROVENANCE_FILE) -> dict:
    """The committed provenance record of the AASIST-L weights (url, sha256, licence…)."""
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def weights_dir() -> Path:
    """Folder of the weight files: ``$VERIFIER_WEIGHTS_DIR`` or ``<repo>/models/weights``."""
    return Path(os.environ.get("VERIFIER_WEIGHTS_DIR") or MODELS_DIR / "weights")


def default_weights_path() -> Path:
    return weights_dir() / provenance()["file"]


def shared_dirs() -> list[Path]:
    """Local copies to try: ``$VERIFIER_SHARED/models/aasist`` then ``../shared/models/aasist``."""
    dirs = []
    if os.environ.get("VERIFIER_SHARED"):
        dirs.append(Path(os.environ["VERIFIER_SHARED"]) / "models" / "aasist")
    dirs.append(REPO_ROOT.parent / "shared" / "models" / "aasist")
    return dirs


def sha256_of(path: str | Path, chunk_bytes: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(chunk_bytes), b""):
            h.update(block)
    return h.hexdigest()


def find_weights(path: str | Path | None = None) -> Path:
    """The weights file, checked against its sha256. Never downloads.

    Raises
    ------
    ModelUnavailableError
        ``voice.model_missing`` when there is no file, ``voice.model_corrupt`` when its
        sha256 is wrong.
    """
    meta = provenance()
    p = Path(path) if path is not None else default_weights_path()
    if not p.is_file():
        raise ModelUnavailableError("voice.model_missing", name=meta["file"], file=str(p))
    if sha256_of(p) != meta["sha256"]:
        raise ModelUnavailableError("voice.model_corrupt", name=meta["file"], file=str(p))
    return p


def _install(src_tmp: Path, dest: Path, sha256: str) -> bool:
    """Move ``src_tmp`` to ``dest`` if its sha256 matches; delete it otherwise."""
    if sha256_of(src_tmp) != sha256:
        src_tmp.unlink(missing_ok=True)
        return False
    os.chmod(src_tmp, 0o644)  # mkstemp creates 0600
    os.replace(src_tmp, dest)
    return True


def _download(url: str, to: Path, timeout_s: float) -> None:
    with urllib.request.urlopen(url, timeout=timeout_s) as r, open(to, "wb") as f:
        shutil.copyfileobj(r, f)


def ensure_weights(dest: str | Path | None = None, *, local_dirs: list[Path] | None = None,
                   url: str | None = None, allow_download: bool = True,
                   timeout_s: float = DOWNLOAD_TIMEOUT_S, log=print) -> Path:
    """Make sure the AASIST-L weights are at ``dest`` with the right sha256 (set-up step).

    Parameters
    ----------
    dest : path, optional
        Target file; default ``models/weights/AASIST-L.pth``.
    local_dirs : list of Path, optional
        Folders holding a local copy; default :func:`shared_dirs`.
    url : str, optional
        Download address; default the upstream address in ``models/aasist-l.json``.
    allow_download : bool
        False skips step 3 (offline set-up).
    timeout_s : float
        Network timeout, seconds.

    Returns
    -------
    Path
        The checked file.

    Raises
    ------
    ModelUnavailableError
        ``voice.weights_unavailable``: no copy with the right sha256 could be obtained.
    """
    meta = provenance()
    name, sha = meta["file"], meta["sha256"]
    dest = Path(dest) if dest is not None else default_weights_path()
    url = url or meta["url"]
    if dest.is_file() and sha256_of(dest) == sha:
        log(f"{dest}: present, sha256 OK")
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkstemp(prefix=name + ".", suffix=".part", dir=dest.parent)[1])
    for d in (shared_dirs() if local_dirs is None else local_dirs):
        src = Path(d) / name
        if src.is_file():
            shutil.copyfile(src, tmp)
            if _install(tmp, dest, sha):
                log(f"{dest}: copied from {src}, sha256 OK")
                return dest
            log(f"{src}: sha256 mismatch, ignored")
    detail = "download disabled"
    if allow_download:
        log(f"downloading {url} …")
        try:
            _download(url, tmp, timeout_s)
        except (urllib.error.URLError, OSError, ValueError) as e:  # no network, HTTP error, bad URL
            detail = f"{type(e).__name__}: {e}"
        else:
            if _install(tmp, dest, sha):
                log(f"{dest}: downloaded, sha256 OK")
                return dest
            detail = "downloaded file has the wrong sha256"
    tmp.unlink(missing_ok=True)
    raise ModelUnavailableError("voice.weights_unavailable", name=name, url=url, dest=str(dest), detail=detail)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m verifier.voice.weights",
                                 description="Install the AASIST-L voice model weights (local copy or upstream download, sha256 checked).")
    ap.add_argument("--dest", help="target file (default models/weights/AASIST-L.pth)")
    ap.add_argument("--no-download", action="store_true", help="only use a local copy (../shared or $VERIFIER_SHARED)")
    ap.add_argument("--url", help="download address (default: the upstream address in models/aasist-l.json)")
    args = ap.parse_args(argv)
    try:
        ensure_weights(args.dest, url=args.url, allow_download=not args.no_download)
    except ModelUnavailableError as e:
        print(e.message("en"), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
