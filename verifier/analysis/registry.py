"""The model registry: every model file the verifier loads, with its provenance and checksum.

One JSON entry per model in ``verifier/assets/models/<name>.json`` (name, file, sha256,
size, licence, upstream address, training data, who uses it, and the ``sources`` it can be
installed from, tried in order). Signals ask for a file with :func:`model_path`, which only
looks and checks (size and sha256) and never downloads; set-up (``verifier models install``)
calls :func:`install`. A signal that cannot get its model turns the error into a
not-applicable result with :func:`unavailable_result`.

Where a file lives depends on its sources:

* ``bundled``: committed inside ``verifier/assets/<member>`` (small trained weights);
* ``package``: a file inside an installed Python package (a declared dependency), found
  without importing it; nothing to install;
* otherwise (``shared``, ``url``, ``pip_wheel``, ``pip_sdist``: a member of a source archive on
  PyPI, for packages published without a wheel) it is installed into :func:`models_dir`:
  ``$VERIFIER_MODELS_DIR`` if set, else the per-user data folder
  (``~/.local/share/deepfake-call-verifier/models`` on Linux, platformdirs), the same for a
  source checkout and an installed wheel run from any folder.
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

from ..core.assets import ASSETS_DIR, MODEL_ENTRIES_DIR
from ..core.errors import ModelUnavailableError, ParameterError
from ..core.result import SignalResult, not_applicable

APP_NAME = "deepfake-call-verifier"  # per-user data folder name (platformdirs)
DOWNLOAD_TIMEOUT_S = 60.0  # per network operation of a url source
PIP_TIMEOUT_S = 600.0  # `pip download` of a pip_wheel source
INSTALLED_KINDS = ("shared", "url", "pip_wheel", "pip_sdist")  # sources copied into models_dir()
IN_PLACE_KINDS = ("bundled", "package")  # sources read where they are
SOURCE_FIELDS = {  # kind -> required fields (besides "kind")
    "shared": ("subdir",),
    "url": ("url",),
    "pip_wheel": ("package", "version", "member"),
    "pip_sdist": ("package", "version", "member"),  # member: path inside the .tar.gz, top folder included
    "package": ("package", "member"),
    "bundled": ("member",),
    "derived": ("from_model", "recipe"),  # made at set-up from another entry's file (see derived_* below)
}
ENTRY_FIELDS = ("name", "file", "sha256", "size_bytes", "licence", "upstream", "trained_on", "used_by", "sources")
INSTALL_COMMAND = "verifier models install"


@dataclass(frozen=True)
class Source:
    """One place a model file can come from (see the module docstring for the kinds)."""

    kind: str
    subdir: str | None = None  # shared: $VERIFIER_SHARED/models/<subdir>/<file>
    url: str | None = None  # url: downloaded at set-up only
    package: str | None = None  # pip_wheel, pip_sdist: distribution name; package: import name
    version: str | None = None  # pip_wheel, pip_sdist (required), package (optional, for the pip command)
    member: str | None = None  # path inside the wheel / the package folder / verifier/assets
    from_model: str | None = None  # derived: the registered model the file is made from
    recipe: str | None = None  # derived: "module:function(source_path, dest_path) -> dict of provenance"

    @classmethod
    def from_dict(cls, d: Mapping) -> "Source":
        kind = d.get("kind")
        if kind not in SOURCE_FIELDS:
            raise ParameterError(f"unknown model source kind {kind!r}; known: {sorted(SOURCE_FIELDS)}")
        missing = [k for k in SOURCE_FIELDS[kind] if not d.get(k)]
        unknown = set(d) - {"kind", "subdir", "url", "package", "version", "member", "from_model", "recipe"}
        if missing or unknown:
            raise ParameterError(f"model source {dict(d)}: missing {missing}, unknown {sorted(unknown)}")
        return cls(**dict(d))


@dataclass(frozen=True)
class ModelEntry:
    """Provenance of one model file (``verifier/assets/models/<name>.json``).

    ``optional`` (JSON ``"optional": true``, e.g. a model used only for training) is not
    installed by ``verifier models install`` without names and does not fail ``verify``.
    ``extra`` holds the entry's other keys (commit, parameter count, paper…), read-only.
    """

    name: str
    file: str
    sha256: str
    size_bytes: int
    licence: str
    upstream: str
    trained_on: str
    used_by: str
    sources: tuple[Source, ...]
    notes: str = ""
    optional: bool = False
    extra: Mapping = field(default_factory=lambda: MappingProxyType({}), compare=False)

    @classmethod
    def from_dict(cls, d: Mapping) -> "ModelEntry":
        missing = [k for k in ENTRY_FIELDS if k not in d]
        if missing:
            raise ParameterError(f"model entry {d.get('name')!r} lacks {missing}")
        if any(s.get("kind") == "derived" for s in d["sources"] or ()):
            return cls._derived_from_dict(d)
        sha = str(d["sha256"]).lower()
        if len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
            raise ParameterError(f"model entry {d['name']!r}: sha256 must be 64 hex digits")
        if not d["sources"]:
            raise ParameterError(f"model entry {d['name']!r} has no sources")
        known = set(ENTRY_FIELDS) | {"notes", "optional"}
        return cls(name=d["name"], file=d["file"], sha256=sha, size_bytes=int(d["size_bytes"]),
                   licence=d["licence"], upstream=d["upstream"], trained_on=d["trained_on"], used_by=d["used_by"],
                   sources=tuple(Source.from_dict(s) for s in d["sources"]), notes=d.get("notes", ""),
                   optional=bool(d.get("optional", False)),
                   extra=MappingProxyType({k: v for k, v in d.items() if k not in known}))

    @classmethod
    def _derived_from_dict(cls, d: Mapping) -> "ModelEntry":
        """A ``derived`` entry: one source, ``sha256`` and ``size_bytes`` null (the bytes depend
        on the exporter's version: they are recorded in the sidecar at set-up, :func:`derived_record`)."""
        if len(d["sources"]) != 1 or d["sha256"] is not None or d["size_bytes"] is not None:
            raise ParameterError(f"model entry {d['name']!r}: a derived model has one source and null sha256/size_bytes")
        known = set(ENTRY_FIELDS) | {"notes", "optional"}
        return cls(name=d["name"], file=d["file"], sha256="", size_bytes=0, licence=d["licence"],
                   upstream=d["upstream"], trained_on=d["trained_on"], used_by=d["used_by"],
                   sources=(Source.from_dict(d["sources"][0]),), notes=d.get("notes", ""),
                   optional=bool(d.get("optional", False)),
                   extra=MappingProxyType({k: v for k, v in d.items() if k not in known}))

    @property
    def derived(self) -> Source | None:
        """The ``derived`` source (the file is made at set-up from another model), else None."""
        return next((s for s in self.sources if s.kind == "derived"), None)

    @property
    def in_place(self) -> Source | None:
        """The first ``bundled`` or ``package`` source (the file is read there), else None."""
        return next((s for s in self.sources if s.kind in IN_PLACE_KINDS), None)

    def fix_command(self, corrupt: bool = False) -> str:
        """The exact command that installs (or repairs) this model."""
        src = self.in_place
        if src is None:
            return f"{INSTALL_COMMAND} {self.name}"
        if src.kind == "package":
            spec = f"{src.package}=={src.version}" if src.version else src.package
            return f"pip install {'--force-reinstall ' if corrupt else ''}{spec}"
        return f"pip install --force-reinstall {APP_NAME}"  # bundled: the package itself is damaged


# ---------------------------------------------------------------------------------------------
# Entries


@lru_cache(maxsize=None)
def _entries_from(folder: str) -> tuple[ModelEntry, ...]:
    out = []
    for p in sorted(Path(folder).glob("*.json")):
        with open(p, encoding="utf-8") as f:
            e = ModelEntry.from_dict(json.load(f))
        if e.name != p.stem:
            raise ParameterError(f"{p.name}: the entry's name {e.name!r} must be the file's stem")
        out.append(e)
    return tuple(out)


def entries() -> tuple[ModelEntry, ...]:
    """Every registered model, sorted by name."""
    return _entries_from(str(MODEL_ENTRIES_DIR))


def entry(name: str) -> ModelEntry:
    """The entry called ``name``.

    Raises
    ------
    ParameterError
        No such model (lists the known names).
    """
    for e in entries():
        if e.name == name:
            return e
    raise ParameterError(f"unknown model {name!r}; known: {[e.name for e in entries()]}")


# ---------------------------------------------------------------------------------------------
# Locations and checks (analysis time: look and check, never download)


def models_dir() -> Path:
    """Folder of installed model files: ``$VERIFIER_MODELS_DIR`` or the per-user data folder."""
    env = os.environ.get("VERIFIER_MODELS_DIR")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False) / "models"


def _package_dir(package: str) -> Path | None:
    """Folder of an installed package, found without importing it (None when absent)."""
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0])


def expected_path(e: ModelEntry) -> Path | None:
    """Where ``e``'s file is read from; None when its package is not installed."""
    src = e.in_place
    if src is None:
        return models_dir() / e.file
    if src.kind == "bundled":
        return ASSETS_DIR / src.member
    pkg = _package_dir(src.package)
    return None if pkg is None else pkg / src.member


def sha256_of(path: str | Path, chunk_bytes: int = 1 << 20) -> str:
    """SHA-256 of the file's bytes, as lowercase hex (read-only, streamed); also
    ``verifier.analysis.media.sha256_file`` (reports) and the training scripts' data checks."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(chunk_bytes), b""):
            h.update(block)
    return h.hexdigest()


def file_matches(path: Path, e: ModelEntry) -> bool:
    """True when ``path`` is a file of ``e``'s size and sha256."""
    return path.is_file() and path.stat().st_size == e.size_bytes and sha256_of(path) == e.sha256


_CHECKED: dict[str, tuple[str, int, int]] = {}  # name -> (path, size, mtime_ns) already hashed OK


def _error(key: str, e: ModelEntry, path: Path | None) -> ModelUnavailableError:
    return ModelUnavailableError(key, model=e.name, file=e.file, location=str(path) if path else "?",
                                 command=e.fix_command(corrupt=key == "model.corrupt"))


def model_path(name: str) -> Path:
    """The checked file of model ``name``. Never downloads.

    The size and sha256 are checked once per process for a given (path, size, mtime).

    Raises
    ------
    ModelUnavailableError
        ``model.missing`` (no file, or its package is not installed) or ``model.corrupt``
        (wrong size or sha256); ``params`` hold ``model``, ``file``, ``location`` and the
        ``command`` that fixes it.
    ParameterError
        ``name`` is not a registered model.
    """
    e = entry(name)
    p = expected_path(e)
    if p is None or not p.is_file():
        raise _error("model.missing", e, p)
    st = p.stat()
    key = (str(p), st.st_size, st.st_mtime_ns)
    if _CHECKED.get(name) == key:
        return p
    if e.derived is not None:
        if not derived_sidecar(e).is_file():
            raise _error("model.missing", e, p)
        if not _derived_matches(p, e):
            raise _error("model.corrupt", e, p)
    elif st.st_size != e.size_bytes or sha256_of(p) != e.sha256:
        raise _error("model.corrupt", e, p)
    _CHECKED[name] = key
    return p


def status(name: str) -> tuple[str, Path | None]:
    """``("ok" | "missing" | "corrupt", path)`` of model ``name``, without raising."""
    e = entry(name)
    try:
        return "ok", model_path(name)
    except ModelUnavailableError as err:
        return err.key.split(".", 1)[1], expected_path(e)


def unavailable_result(signal: str, error: ModelUnavailableError) -> SignalResult:
    """The not-applicable result of ``signal`` when its model is unavailable.

    The explanation is ``<signal>.model_missing`` / ``<signal>.model_corrupt`` when the signal
    words its own message in ``verifier/locales`` (``voice`` does, part of the JSON contract),
    else the generic ``model.missing`` / ``model.corrupt``. Evidence: ``model``, ``file``
    (a file name, never a local path) and the ``command`` that fixes it.
    """
    from ..core.i18n import messages

    what = error.key.split(".", 1)[1]  # "missing" | "corrupt"
    key = f"{signal}.model_{what}"
    if key not in messages():
        key = error.key
    p = error.params
    return not_applicable(signal, key, model=p.get("model"), file=os.path.basename(str(p.get("file", ""))),
                          command=p.get("command"))


# ---------------------------------------------------------------------------------------------
# Derived models: made at set-up from another registered file (e.g. an ONNX export of published
# weights, which must not be redistributed). The export's bytes depend on the exporter's version,
# so its sha256 and size are recorded beside it at export time (the sidecar) and checked at load,
# with the sha256 of the file it was made from (a sidecar of other weights is refused).


def derived_sidecar(e: ModelEntry) -> Path:
    """The JSON record written beside a derived model's file (``<file>.json``)."""
    return models_dir() / (e.file + ".json")


def derived_record(name: str) -> dict | None:
    """The sidecar of derived model ``name`` (None when absent or unreadable)."""
    try:
        with open(derived_sidecar(entry(name)), encoding="utf-8") as f:
            rec = json.load(f)
    except (OSError, ValueError):
        return None
    return rec if isinstance(rec, dict) else None


def checksum(name: str) -> tuple[str, int]:
    """``(sha256, size_bytes)`` that model ``name``'s file must have: the entry's, or for a
    derived model its record's (``("", 0)`` before it is made)."""
    e = entry(name)
    if e.derived is None:
        return e.sha256, e.size_bytes
    rec = derived_record(name) or {}
    return str(rec.get("sha256", "")), int(rec.get("size_bytes", 0))


def _derived_matches(path: Path, e: ModelEntry) -> bool:
    """``path`` is the file its sidecar describes, made from the registered parent's sha256."""
    rec = derived_record(e.name)
    if rec is None or rec.get("from_sha256") != entry(e.derived.from_model).sha256:
        return False
    return (path.is_file() and path.stat().st_size == rec.get("size_bytes")
            and sha256_of(path) == rec.get("sha256"))


def _run_recipe(e: ModelEntry, log) -> Path:
    """Make a derived model's file from its parent (checked) with its recipe; write the sidecar."""
    import importlib

    src = e.derived
    dest = models_dir() / e.file
    parent = entry(src.from_model)
    try:
        source_path = model_path(parent.name)
    except ModelUnavailableError as err:
        raise ModelUnavailableError("model.install_failed", model=e.name, file=e.file, dest=str(dest), url=e.upstream,
                                    detail=f"needs {parent.name} first: {err.message('en')}") from err
    module, _, func = src.recipe.partition(":")
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkstemp(prefix=e.file + ".", suffix=".part", dir=dest.parent)[1])
    log(f"{e.name}: making {dest} from {source_path} ({src.recipe}) …")
    try:
        meta = getattr(importlib.import_module(module), func)(source_path, tmp)
    except Exception as err:  # an exporter can fail in many ways (missing package, tracer error): all say the same
        tmp.unlink(missing_ok=True)
        raise ModelUnavailableError("model.install_failed", model=e.name, file=e.file, dest=str(dest), url=e.upstream,
                                    detail=f"{src.recipe}: {type(err).__name__}: {err}") from err
    rec = {"model": e.name, "file": e.file, "sha256": sha256_of(tmp), "size_bytes": tmp.stat().st_size,
           "from_model": parent.name, "from_file": parent.file, "from_sha256": parent.sha256, "recipe": src.recipe,
           **dict(meta or {})}
    os.chmod(tmp, 0o644)
    os.replace(tmp, dest)
    side_tmp = derived_sidecar(e).with_suffix(".json.part")
    side_tmp.write_text(json.dumps(rec, indent=1) + "\n", encoding="utf-8")
    os.replace(side_tmp, derived_sidecar(e))
    _CHECKED.pop(e.name, None)
    model_path(e.name)  # the record just written must check
    log(f"{e.name}: {dest} made, sha256 {rec['sha256'][:12]}… recorded in {derived_sidecar(e).name}")
    return dest


# ---------------------------------------------------------------------------------------------
# Set-up (the only place anything is copied or downloaded)


def shared_roots() -> list[Path]:
    """Folders holding a local ``models/<subdir>/`` copy: ``$VERIFIER_SHARED``, then the
    ``shared/`` folder beside a source checkout (development machines and CI)."""
    roots = []
    if os.environ.get("VERIFIER_SHARED"):
        roots.append(Path(os.environ["VERIFIER_SHARED"]))
    checkout = Path(__file__).resolve().parents[2]  # verifier/analysis/registry.py -> the checkout
    if (checkout / "pyproject.toml").is_file():
        roots.append(checkout.parent / "shared")
    return roots


def _place(tmp: Path, dest: Path, e: ModelEntry) -> bool:
    """Move ``tmp`` to ``dest`` if it matches ``e``; delete it otherwise."""
    if not file_matches(tmp, e):
        tmp.unlink(missing_ok=True)
        return False
    os.chmod(tmp, 0o644)  # mkstemp creates 0600
    os.replace(tmp, dest)
    return True


def _download(url: str, to: Path, timeout_s: float) -> None:
    with urllib.request.urlopen(url, timeout=timeout_s) as r, open(to, "wb") as f:
        shutil.copyfileobj(r, f)


def _pip_download(src: Source, d: str, binary: bool) -> Path:
    """``pip download --no-deps PACKAGE==VERSION`` (the wheel, or with ``binary=False`` the source
    archive) into the folder ``d``; the downloaded file."""
    only = "--only-binary=:all:" if binary else "--no-binary=:all:"
    cmd = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", only, f"{src.package}=={src.version}", "-d", d]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=PIP_TIMEOUT_S)
    if r.returncode != 0:
        raise OSError(f"pip download failed: {r.stderr.strip()[-300:]}")
    found = sorted(Path(d).glob("*.whl" if binary else "*.tar.gz"))
    if not found:
        raise OSError("pip download gave no wheel" if binary else "pip download gave no source archive")
    return found[0]


def _from_pip_wheel(src: Source, to: Path) -> None:
    """``pip download --no-deps PACKAGE==VERSION`` into a temporary folder, extract ``member``."""
    with tempfile.TemporaryDirectory() as d:
        with zipfile.ZipFile(_pip_download(src, d, binary=True)) as z, z.open(src.member) as fin, \
                open(to, "wb") as fout:
            shutil.copyfileobj(fin, fout)


def _from_pip_sdist(src: Source, to: Path) -> None:
    """``pip download --no-deps --no-binary=:all: PACKAGE==VERSION`` into a temporary folder,
    extract ``member`` from the source archive (.tar.gz) without running its code."""
    import tarfile

    with tempfile.TemporaryDirectory() as d:
        archive = _pip_download(src, d, binary=False)
        with tarfile.open(archive, "r:gz") as tf:
            fin = tf.extractfile(src.member)
            if fin is None:
                raise KeyError(f"{src.member} is not a file in {archive.name}")
            with fin, open(to, "wb") as fout:
                shutil.copyfileobj(fin, fout)


def _local_candidates(e: ModelEntry, from_dir: str | Path | None) -> list[Path]:
    subdirs = [s.subdir for s in e.sources if s.kind == "shared"]
    out = []
    if from_dir is not None:
        out += [Path(from_dir) / e.file] + [Path(from_dir) / sd / e.file for sd in subdirs]
    for src in e.sources:
        if src.kind == "shared":
            out += [root / "models" / src.subdir / e.file for root in shared_roots()]
    return out


def install_one(name: str, *, from_dir: str | Path | None = None, allow_download: bool = True,
                timeout_s: float = DOWNLOAD_TIMEOUT_S, log=print) -> Path:
    """Install model ``name`` (set-up step); see :func:`install`.

    Raises
    ------
    ModelUnavailableError
        ``model.install_failed`` with what was tried; for an in-place model (``bundled`` or
        ``package``) the :func:`model_path` error, whose command says what to install.
    """
    e = entry(name)
    if e.derived is not None:  # made here from its parent, never copied or downloaded
        st, p = status(name)
        if st == "ok":
            log(f"{name}: {p} present, sha256 matches its record")
            return p
        return _run_recipe(e, log)
    if e.in_place is not None:  # nothing to copy: check it where it is
        p = model_path(name)
        log(f"{name}: {p} (from {e.in_place.kind} {e.in_place.package or 'verifier'}), sha256 OK")
        return p
    dest = models_dir() / e.file
    if file_matches(dest, e):
        log(f"{name}: {dest} present, sha256 OK")
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    tried = []
    for cand in _local_candidates(e, from_dir):
        if not cand.is_file():
            continue
        tmp = Path(tempfile.mkstemp(prefix=e.file + ".", suffix=".part", dir=dest.parent)[1])
        shutil.copyfile(cand, tmp)
        if _place(tmp, dest, e):
            log(f"{name}: copied {cand} -> {dest}, sha256 OK")
            return dest
        tried.append(f"{cand}: wrong size or sha256")
        log(f"{name}: {cand} has the wrong size or sha256, ignored")
    for src in e.sources:
        if src.kind not in ("url", "pip_wheel", "pip_sdist"):
            continue
        what = src.url if src.kind == "url" else f"pip download {src.package}=={src.version} ({src.member})"
        if not allow_download:
            tried.append(f"{what}: download disabled")
            continue
        log(f"{name}: {what} …")
        tmp = Path(tempfile.mkstemp(prefix=e.file + ".", suffix=".part", dir=dest.parent)[1])
        try:
            if src.kind == "url":
                _download(src.url, tmp, timeout_s)
            elif src.kind == "pip_sdist":
                _from_pip_sdist(src, tmp)
            else:
                _from_pip_wheel(src, tmp)
        except (urllib.error.URLError, OSError, ValueError, KeyError, subprocess.SubprocessError) as err:
            tmp.unlink(missing_ok=True)
            tried.append(f"{what}: {type(err).__name__}: {err}")
            continue
        if _place(tmp, dest, e):
            log(f"{name}: {dest} from {what}, sha256 OK")
            return dest
        tried.append(f"{what}: wrong size or sha256")
    if not tried:
        tried.append("no local copy found (" + ", ".join(str(c) for c in _local_candidates(e, from_dir)) + ")")
    raise ModelUnavailableError("model.install_failed", model=name, file=e.file, dest=str(dest),
                                url=next((s.url for s in e.sources if s.kind == "url"), e.upstream),
                                detail="; ".join(tried))


def install(names=None, *, from_dir: str | Path | None = None, allow_download: bool = True,
            timeout_s: float = DOWNLOAD_TIMEOUT_S, log=print) -> dict[str, Path]:
    """Install the model files ``names`` (default: all but the optional ones) and the files
    derived from them, trying each entry's sources in order.

    Order per model: already installed with the right sha256 → nothing to do; ``from_dir``
    (``DIR/<file>`` or ``DIR/<subdir>/<file>``); ``shared`` copies (:func:`shared_roots`);
    ``url``, ``pip_wheel`` and ``pip_sdist`` sources (skipped when ``allow_download`` is False). Every file
    is checked (size, sha256) before it is moved into place. ``bundled`` and ``package``
    models are only checked. ``derived`` models are made last, from their parent's checked
    file, by their recipe (:func:`_run_recipe`).

    Returns
    -------
    dict
        Model name → checked path, for the models that could be installed.

    Raises
    ------
    ModelUnavailableError
        After trying every model, the first failure (each failure is also logged).
    """
    names = [e.name for e in entries() if not e.optional] if names is None else list(names)
    for n in names:
        entry(n)  # unknown names fail before anything is copied
    # A model's derived files come with it (`install resemblyzer-ge2e` also makes its ONNX export).
    names += [e.name for e in entries() if e.derived is not None and e.derived.from_model in names and e.name not in names]
    names.sort(key=lambda n: entry(n).derived is not None)  # derived models after the files they are made from
    done, first_error = {}, None
    for n in names:
        try:
            done[n] = install_one(n, from_dir=from_dir, allow_download=allow_download, timeout_s=timeout_s, log=log)
        except ModelUnavailableError as err:
            log(err.message("en"))
            first_error = first_error or err
    if first_error is not None:
        raise first_error
    return done
