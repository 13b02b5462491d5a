"""Schema: every evidence and series key the HTML/text reports and the figures read exists in what
the signals produce (renaming one must fail here, not turn a report line into "not measured")."""
from __future__ import annotations

import ast
import inspect
import string

import pytest

from verifier.core.i18n import messages
from verifier.outputs import plots

pytestmark = pytest.mark.slow
CORE_SIGNALS = ("face", "blink", "lipsync")  # always measured on the generated call clip
MODEL_SIGNALS = ("voice", "frames")  # measured only where their model is installed


@pytest.fixture(scope="module")
def produced(make_clip, tmp_path_factory):
    """Signal results of a real analysis of a generated call clip and of a voice message."""
    from verifier.analysis.pipeline import analyze
    from verifier.analysis.synth import speech_like, write_wav

    wav = str(tmp_path_factory.mktemp("schema") / "message.wav")
    write_wav(wav, speech_like(8.0, seed=5).y, 16000)
    clip = make_clip("blinks", duration_s=12, blink_times_s=(1.0, 2.7, 5.9, 7.4, 10.6), seed=11)
    results = []
    for path in (clip, wav):
        r = analyze(path)
        assert r.error is None
        results += list(r.signals.values())
    assert {s.key for s in results if s.reliability > 0} >= set(CORE_SIGNALS)
    return results


def _placeholders(key: str) -> set[str]:
    fields = set()
    for lang_text in messages()[key].values():
        fields |= {f for _, f, _, _ in string.Formatter().parse(lang_text) if f}
    return fields


def test_explanation_sentences_only_use_evidence_their_result_has(produced):
    for s in produced:
        assert s.explanation in messages(), s.explanation
        missing = _placeholders(s.explanation) - set(s.evidence)
        assert not missing, f"{s.explanation} needs {missing}; {s.key} gives {sorted(s.evidence)}"


def test_value_sentences_only_use_evidence_of_measured_results(produced):
    checked = set()
    for s in produced:
        if not s.usable or f"{s.key}.value" not in messages():
            continue
        missing = _placeholders(f"{s.key}.value") - set(s.evidence)
        assert not missing, f"{s.key}.value needs {missing}; {s.key} gives {sorted(s.evidence)}"
        checked.add(s.key)
    assert {"blink", "lipsync"} <= checked


def _reads(module) -> dict[str, set[tuple[str, str]]]:
    """(signal key → {("evidence"|"series", key)}) read in ``module``'s source: a variable bound
    to ``report.signals.get("K")`` (or ``["K"]``), its ``.evidence``/``.series`` (also through a
    variable), then ``.get("k")`` or ``["k"]`` on them."""
    tree = ast.parse(inspect.getsource(module))
    reads: dict[str, set] = {}
    for fn in [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]:
        sig_of: dict[str, str] = {}  # variable → signal key
        part_of: dict[str, tuple[str, str]] = {}  # variable → (signal key, "evidence"|"series")

        def signal_key(node):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get":
                base = node.func.value
            elif isinstance(node, ast.Subscript):
                base = node.value
            else:
                return None
            if isinstance(base, ast.Attribute) and base.attr == "signals" and node_args(node):
                return node_args(node)
            return None

        def node_args(node):
            arg = node.args[0] if isinstance(node, ast.Call) and node.args else getattr(node, "slice", None)
            return arg.value if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else None

        def part(node):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr":
                obj, name = node.args[0], node.args[1]
                if isinstance(obj, ast.Name) and obj.id in sig_of and isinstance(name, ast.Constant):
                    return sig_of[obj.id], name.value
            if isinstance(node, ast.BoolOp):
                for v in node.values:
                    if (p := part(v)) is not None:
                        return p
            if isinstance(node, ast.Attribute) and node.attr in ("evidence", "series"):
                if isinstance(node.value, ast.Name) and node.value.id in sig_of:
                    return sig_of[node.value.id], node.attr
            if isinstance(node, ast.Name) and node.id in part_of:
                return part_of[node.id]
            return None

        for node in ast.walk(fn):
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                name = node.targets[0].id
                if (k := signal_key(node.value)) is not None:
                    sig_of[name] = k
                elif (p := part(node.value)) is not None:
                    part_of[name] = p
        for node in ast.walk(fn):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get":
                target = node.func.value
            elif isinstance(node, ast.Subscript):
                target = node.value
            else:
                continue
            p = part(target)
            key = node_args(node)
            if p is not None and key is not None:
                reads.setdefault(p[0], set()).add((p[1], key))
    return reads


def test_the_walker_sees_what_the_figures_read():
    reads = _reads(plots)
    assert ("evidence", "blinks_per_min") in reads["blink"] and ("series", "ear") in reads["blink"]
    assert ("evidence", "offset_ms") in reads["lipsync"] and ("series", "lag_ms") in reads["lipsync"]
    assert ("evidence", "cutoff_hz") in reads["bandwidth"] and ("evidence", "p_fake_pct") in reads["voice"]
    assert ("series", "score") in reads["frames"] and ("evidence", "clip_score_pct") in reads["frames"]


def test_every_key_the_figures_read_is_produced(produced):
    have: dict[str, set] = {}
    for s in produced:
        have.setdefault(s.key, set()).update({("evidence", k) for k in s.evidence} | {("series", k) for k in s.series})
    for key, wanted in _reads(plots).items():
        if key not in have or key in MODEL_SIGNALS and not any(s.key == key and s.usable for s in produced):
            continue  # not measured here (its model is absent on this machine; frames: see tests/test_frames_signal.py)
        missing = wanted - have[key]
        assert not missing, f"figures read {sorted(missing)} of {key}, which gives {sorted(have[key])}"
