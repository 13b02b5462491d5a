"""ONNX Runtime path of the voice network (AASIST-L export) and the speech activity (Silero VAD):
parity with the torch path, derived-model records in the registry, fallback, and no torch import."""
from __future__ import annotations

import json
import subprocess
import sys
import types
from pathlib import Path

import numpy as np
import pytest
from conftest import SHARED, forget, requires_shared

from verifier.analysis import registry, speech
from verifier.analysis.synth import speech_like
from verifier.core.errors import ModelUnavailableError

ROOT = Path(__file__).resolve().parents[1]
PARITY_FILES = ("real/librispeech_resemblyzer", "fake/kyubyong_tacotron", "real/vietasr")  # one file of each


def _status_ok(name: str) -> bool:
    return registry.status(name)[0] == "ok"


needs_vad_models = pytest.mark.skipif(not (_status_ok("silero-vad") and _status_ok("silero-vad-onnx")),
                                      reason="silero-vad wheel not installed")
needs_aasist_export = pytest.mark.skipif(not (_status_ok("aasist-l") and _status_ok("aasist-l-onnx")),
                                         reason="AASIST-L or its ONNX export not installed (verifier models install)")


def _shared_audio(n_each: int = 1) -> list[Path]:
    out = []
    for sub in PARITY_FILES:
        d = SHARED / "data" / "audio" / sub
        out += sorted(p for p in d.glob("*") if p.suffix in (".wav", ".flac", ".mp3"))[:n_each] if d.is_dir() else []
    return out


def _tracks():
    """Generated speech (long enough for several VAD blocks), with noise and a pause."""
    a = speech_like(21.0, seed=5).y
    b = speech_like(7.0, seed=9).y
    rng = np.random.default_rng(3)
    gap = (0.003 * rng.standard_normal(16000 * 2)).astype(np.float32)
    return {"speech_21s": a, "speech_pause_speech": np.concatenate([b, gap, a[: 16000 * 5]]).astype(np.float32),
            "short_1s": b[:16000]}


# --- Silero VAD: ONNX model with explicit state vs the TorchScript model --------------------------

@needs_vad_models
def test_vad_onnx_matches_torchscript_on_generated_speech():
    assert speech.default_backend() == "onnx"
    for name, y in _tracks().items():
        po = speech.vad_probabilities(y, backend="onnx")
        pt = speech.vad_probabilities(y, backend="torch")
        assert po.shape == pt.shape == (int(np.ceil(len(y) / 512)),), name
        assert np.abs(po - pt).max() < 1e-4, (name, np.abs(po - pt).max())  # measured 2.9e-5 at most (122 files)
        d = len(y) / 16000
        assert speech.probabilities_to_segments(po, 0.032, d) == speech.probabilities_to_segments(pt, 0.032, d), name
        assert po.max() > 0.5, name  # the generated speech is found (the comparison is not of two zero arrays)


@needs_vad_models
@requires_shared
def test_vad_onnx_matches_torchscript_on_real_speech():
    from verifier.analysis.media import load_audio

    files = _shared_audio()
    assert files
    for f in files:
        y = load_audio(str(f))
        po, pt = speech.vad_probabilities(y, backend="onnx"), speech.vad_probabilities(y, backend="torch")
        d = len(y) / 16000
        assert np.abs(po - pt).max() < 1e-4, f.name
        assert speech.probabilities_to_segments(po, 0.032, d) == speech.probabilities_to_segments(pt, 0.032, d), f.name


# --- AASIST-L: the set-up export vs torch --------------------------------------------------------

def _detectors():
    from verifier.analysis.voice import onnx_backend
    from verifier.analysis.voice.aasist import load_aasist
    from verifier.analysis.voice.detector import VoiceDetector
    from verifier.analysis.voice.weights import find_weights

    onnx_det = VoiceDetector.from_file()
    assert onnx_det.backend == "onnx" and isinstance(onnx_det.model, onnx_backend.OnnxAasist)
    return onnx_det, VoiceDetector(load_aasist(find_weights()), onnx_det.calibration)


@needs_aasist_export
def test_voice_score_onnx_equals_torch():
    from verifier.analysis.media import load_audio

    onnx_det, torch_det = _detectors()
    tracks = list(_tracks().items()) + [(f.name, load_audio(str(f))) for f in _shared_audio()]
    for name, y in tracks:
        sa = speech.detect_speech(y)
        ro, rt = onnx_det.measure(y, 16000, sa), torch_det.measure(y, 16000, sa)
        assert ro.explanation == rt.explanation, name
        if not np.isfinite(rt.score):  # not applicable (too short): both say so
            assert not np.isfinite(ro.score), name
            continue
        assert abs(ro.score - rt.score) < 1e-4, (name, ro.score, rt.score)
        assert ro.evidence["window_logits"] == pytest.approx(rt.evidence["window_logits"], abs=2e-3), name
    windows = np.stack([np.resize(y, 64600) for _, y in tracks[:2]]).astype(np.float32)
    assert np.abs(onnx_det.logits(windows) - torch_det.logits(windows)).max() < 1e-4


@needs_aasist_export
def test_export_record_names_its_parent_and_parity():
    rec = registry.derived_record("aasist-l-onnx")
    assert rec["from_sha256"] == registry.entry("aasist-l").sha256
    assert rec["sha256"] == registry.sha256_of(registry.model_path("aasist-l-onnx"))
    assert rec["opset"] == 17 and rec["parity_max_abs_logit_diff"] <= 1e-4


@pytest.mark.slow
@pytest.mark.skipif(not _status_ok("aasist-l"), reason="AASIST-L weights not installed")
def test_export_makes_a_checked_file(tmp_path):
    pytest.importorskip("onnx")
    from verifier.analysis.voice import onnx_backend

    dest = tmp_path / "a.onnx"
    meta = onnx_backend.export(registry.model_path("aasist-l"), dest)
    assert dest.stat().st_size > 100_000 and meta["parity_max_abs_logit_diff"] < 1e-4
    x = onnx_backend.probe_windows(2)
    lg = onnx_backend.OnnxAasist(dest).logits(x, batch_windows=2)
    assert lg.shape == (2, 2) and np.isfinite(lg).all()
    assert np.abs(lg - onnx_backend.OnnxAasist(dest).logits(x, batch_windows=1)).max() < 1e-5  # dynamic batch


@pytest.mark.skipif(not _status_ok("aasist-l"), reason="AASIST-L weights not installed")
def test_detector_falls_back_to_torch_and_says_why(monkeypatch):
    from verifier.analysis.voice import onnx_backend
    from verifier.analysis.voice.detector import VoiceDetector

    def missing():
        raise ModelUnavailableError("model.missing", model="aasist-l-onnx", file="AASIST-L.onnx", location="?",
                                    command="verifier models install aasist-l-onnx")

    monkeypatch.setattr(onnx_backend, "load", missing)
    d = VoiceDetector.from_file()
    assert d.backend == "torch" and "aasist-l-onnx" in d.backend_note
    from verifier.cli.doctor import check_voice_backend

    c = check_voice_backend()
    assert not c.ok and "verifier models install aasist-l-onnx" in c.message("vi") and "torch" in c.message("en")


@needs_aasist_export
@needs_vad_models
def test_voice_analysis_never_imports_torch(tmp_path):
    from verifier.analysis.synth import write_wav

    wav = tmp_path / "m.wav"
    write_wav(str(wav), speech_like(6.0, seed=4).y, 16000)
    code = ("import sys, json\nfrom verifier.analysis.pipeline import analyze\nr = analyze(sys.argv[1])\n"
            "v = r.signals['voice']\n"
            "print(json.dumps({'torch': 'torch' in sys.modules, 'voice': v.score}))")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {k: v for k, v in __import__("os").environ.items() if k != "ORT_DISABLE_TELEMETRY"}
    p = subprocess.run([sys.executable, "-c", code, str(wav)], cwd=ROOT, capture_output=True, text=True, timeout=120,
                       env={**env, "TMPDIR": str(tmp)})
    assert p.returncode == 0, p.stderr[-2000:]
    out = json.loads(p.stdout.strip().splitlines()[-1])
    assert out["voice"] is not None and out["torch"] is False
    assert list(tmp.iterdir()) == []  # onnxruntime's telemetry session file (.ses) is not written


# --- registry: derived models (made at set-up, sha256 recorded beside them) ------------------------

@pytest.fixture
def derived_reg(tmp_path, monkeypatch):
    """A registry with a parent file and a derived entry whose recipe reverses the parent's bytes."""
    d = tmp_path / "entries"
    d.mkdir()
    monkeypatch.setattr(registry, "MODEL_ENTRIES_DIR", d)
    monkeypatch.setenv("VERIFIER_MODELS_DIR", str(tmp_path / "installed"))
    monkeypatch.setattr(registry, "shared_roots", lambda: [])
    calls = []

    def reverse(src, dest):
        calls.append(Path(src).name)
        Path(dest).write_bytes(Path(src).read_bytes()[::-1])
        return {"how": "reversed"}

    monkeypatch.setitem(sys.modules, "fake_recipes", types.SimpleNamespace(reverse=reverse))
    payload = b"parent weights \x00\x01" * 20
    import hashlib

    base = {"licence": "CC0", "upstream": "https://example.org/p", "trained_on": "nothing", "used_by": "tests"}
    (d / "parent.json").write_text(json.dumps({**base, "name": "parent", "file": "p.bin", "size_bytes": len(payload),
                                               "sha256": hashlib.sha256(payload).hexdigest(),
                                               "sources": [{"kind": "shared", "subdir": "x"}]}))
    (d / "child.json").write_text(json.dumps({**base, "name": "child", "file": "c.bin", "sha256": None, "size_bytes": None,
                                              "sources": [{"kind": "derived", "from_model": "parent",
                                                           "recipe": "fake_recipes:reverse"}]}))
    src = tmp_path / "src"
    src.mkdir()
    (src / "p.bin").write_bytes(payload)
    registry._entries_from.cache_clear()
    registry._CHECKED.clear()
    yield src, calls, tmp_path / "installed"
    registry._entries_from.cache_clear()
    registry._CHECKED.clear()


def test_derived_model_is_made_recorded_and_checked(derived_reg):
    src, calls, installed = derived_reg
    e = registry.entry("child")
    assert e.derived.from_model == "parent" and e.in_place is None
    with pytest.raises(ModelUnavailableError) as err:  # parent not installed yet
        registry.install(["child"], allow_download=False, log=lambda *a: None)
    assert "parent" in err.value.params["detail"] and not calls
    assert registry.status("child")[0] == "missing"
    done = registry.install(from_dir=src, allow_download=False, log=lambda *a: None)  # parent first, then child
    assert list(done) == ["parent", "child"] and calls == ["p.bin"]
    rec = registry.derived_record("child")
    assert rec["from_sha256"] == registry.entry("parent").sha256 and rec["how"] == "reversed"
    assert registry.checksum("child") == (rec["sha256"], rec["size_bytes"]) and rec["size_bytes"] == 340
    assert registry.model_path("child").read_bytes() == (src / "p.bin").read_bytes()[::-1]
    registry.install(["child"], log=lambda *a: None)
    assert calls == ["p.bin"]  # present and matching its record: not made again
    # a changed file, or a record made from other weights, is refused
    registry._CHECKED.clear()
    sidecar = installed / "c.bin.json"
    sidecar.write_text(json.dumps({**rec, "from_sha256": "0" * 64}))
    assert registry.status("child")[0] == "corrupt"
    sidecar.write_text(json.dumps(rec))
    assert registry.status("child")[0] == "ok"
    registry._CHECKED.clear()
    (installed / "c.bin").write_bytes(b"tampered")
    assert registry.status("child")[0] == "corrupt"
    sidecar.unlink()
    assert registry.status("child")[0] == "missing"


def test_derived_entries_are_well_formed(derived_reg):
    from verifier.core.errors import ParameterError

    bad = registry.MODEL_ENTRIES_DIR / "bad.json"
    bad.write_text(json.dumps({"name": "bad", "file": "b.bin", "sha256": "a" * 64, "size_bytes": 3, "licence": "x",
                               "upstream": "https://x", "trained_on": "x", "used_by": "x",
                               "sources": [{"kind": "derived", "from_model": "parent", "recipe": "m:f"}]}))
    registry._entries_from.cache_clear()
    with pytest.raises(ParameterError, match="derived"):
        registry.entries()


def test_installing_a_model_also_makes_its_derived_files(derived_reg):
    """`verifier models install parent` makes `child` too (as `install resemblyzer-ge2e` makes its export)."""
    src, calls, _ = derived_reg
    done = registry.install(["parent"], from_dir=src, allow_download=False, log=lambda *a: None)
    assert list(done) == ["parent", "child"] and calls == ["p.bin"]


# --- GE2E speaker encoder of `verifier compare` -----------------------------------------------------

needs_ge2e_export = pytest.mark.skipif(
    not (_status_ok("resemblyzer-ge2e") and _status_ok("resemblyzer-ge2e-onnx")),
    reason="optional: verifier models install resemblyzer-ge2e (makes its ONNX export too)")


@needs_ge2e_export
def test_speaker_embedding_onnx_equals_torch():
    from verifier.analysis.identity import speaker

    onnx_enc = speaker.OnnxEncoder(registry.model_path("resemblyzer-ge2e-onnx"))
    torch_enc = speaker._load_torch(registry.model_path("resemblyzer-ge2e"))
    assert isinstance(speaker.load_encoder(), speaker.OnnxEncoder)  # what compare uses when the export is there
    for seed, seconds in ((5, 12.0), (9, 3.0)):
        y = speech_like(seconds, seed=seed).y
        e_onnx, p_onnx = speaker.embed_utterance(y, model=onnx_enc)
        e_torch, p_torch = speaker.embed_utterance(y, model=torch_enc)
        assert p_onnx.shape == p_torch.shape and len(p_onnx) >= 1
        assert np.abs(e_onnx - e_torch).max() < 1e-5 and np.abs(p_onnx - p_torch).max() < 1e-5
    rec = registry.derived_record("resemblyzer-ge2e-onnx")
    assert rec["from_sha256"] == registry.entry("resemblyzer-ge2e").sha256
    assert rec["parity_max_abs_embedding_diff"] <= speaker.ONNX_PARITY_MAX_ABS


@pytest.mark.slow
@pytest.mark.skipif(not _status_ok("resemblyzer-ge2e"), reason="optional: verifier models install resemblyzer-ge2e")
def test_speaker_export_is_checked(tmp_path):
    from verifier.analysis.identity import speaker

    rec = speaker.export_onnx(registry.model_path("resemblyzer-ge2e"), tmp_path / "ge2e.onnx")
    assert (tmp_path / "ge2e.onnx").stat().st_size > 1_000_000 and rec["parity_max_abs_embedding_diff"] < 1e-5


@pytest.mark.skipif(not _status_ok("resemblyzer-ge2e"), reason="optional: verifier models install resemblyzer-ge2e")
def test_speaker_encoder_falls_back_to_torch_without_the_export(monkeypatch):
    from verifier.analysis.identity import speaker

    real = registry.model_path

    def no_export(name, *a, **k):
        if name == speaker.ONNX_MODEL_NAME:
            raise ModelUnavailableError("model.missing", model=name, file="x", location="?", command="install")
        return real(name, *a, **k)

    monkeypatch.setattr(registry, "model_path", no_export)
    forget(monkeypatch, speaker.default_encoder)
    enc = speaker.load_encoder()
    assert not isinstance(enc, speaker.OnnxEncoder) and type(enc).__name__ == "GE2EEncoder"
    e, _ = speaker.embed_utterance(speech_like(3.0, seed=2).y, model=enc)
    assert e.shape == (256,) and abs(np.linalg.norm(e) - 1) < 1e-5
