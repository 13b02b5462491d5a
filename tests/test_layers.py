"""The package layout is the design: layers import only downwards, never in a circle, and the
contracts layer (``verifier.core``) imports nothing else of the project and nothing heavy.

Every ``import`` statement counts, including those inside functions (a deferred import is still
a dependency)."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "verifier"

# Bottom (0) to top. Two different packages of the same rank must not import each other.
LAYERS = {
    "core": 0,
    "analysis": 1,
    "liveness": 2, "tamper": 2,
    "outputs": 3,
    "batch": 4, "evaluate": 4,
    "ui": 5,
    "cli": 6,
    "": 7,  # verifier/__init__.py and __main__.py: the facade
}


def modules() -> dict[str, Path]:
    out = {}
    for p in PKG.rglob("*.py"):
        parts = p.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = p
    return out


def imports_of(name: str, path: Path, known: dict) -> set[str]:
    """Project modules that ``name`` imports (absolute or relative, at any depth of the file)."""
    is_pkg = path.name == "__init__.py"
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if is_pkg else name.split(".")[:-1]
                base = base[:len(base) - (node.level - 1)]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            targets = [f"{mod}.{a.name}" if f"{mod}.{a.name}" in known else mod for a in node.names]
        for t in targets:
            while t and t not in known and "." in t:
                t = t.rsplit(".", 1)[0]
            if t in known and t != name:
                found.add(t)
    return found


def layer(name: str) -> tuple[str, int]:
    parts = name.split(".")
    top = parts[1] if len(parts) > 1 else ""
    if top in ("__main__",):
        top = ""
    if top == "assets":  # data files only
        return top, 0
    assert top in LAYERS, f"{name}: package {top!r} has no layer in tests/test_layers.py"
    return top, LAYERS[top]


@pytest.fixture(scope="module")
def graph():
    known = modules()
    return {m: imports_of(m, p, known) for m, p in known.items()}


def test_every_import_goes_down_a_layer(graph):
    bad = []
    for a, targets in graph.items():
        (pa, la) = layer(a)
        for b in targets:
            (pb, lb) = layer(b)
            if lb > la or (lb == la and pa != pb):
                bad.append(f"{a} ({pa or 'verifier'}, layer {la}) imports {b} ({pb}, layer {lb})")
    assert not bad, "\n".join(sorted(bad))


def test_no_import_circle(graph):
    index, low, stack, on, circles = {}, {}, [], set(), []
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                circles.append(sorted(comp))

    for v in graph:
        if v not in index:
            visit(v)
    assert not circles, circles


def test_core_imports_nothing_else_of_the_project(graph):
    outside = {a: sorted(b for b in t if not b.startswith("verifier.core")) for a, t in graph.items()
               if a.startswith("verifier.core")}
    assert not any(outside.values()), outside


def test_the_checker_sees_an_upward_import(tmp_path):
    """The walker itself: a deferred relative import from core to analysis is found."""
    p = tmp_path / "x.py"
    p.write_text("def f():\n    from ..analysis import media\n")
    known = {"verifier.core.x": p, "verifier.analysis": p, "verifier.analysis.media": p}
    assert imports_of("verifier.core.x", p, known) == {"verifier.analysis.media"}


def test_core_imports_fast_and_without_numpy():
    """``verifier.core`` costs ≤ 50 ms to import (CPU time of the importing process, which other
    processes on a shared machine do not inflate, unlike wall time) and pulls in nothing heavy."""
    code = ("import sys, time; t = time.process_time()\n"
            "import verifier.core.params, verifier.core.report, verifier.core.fusion, verifier.core.i18n, "
            "verifier.core.errors, verifier.core.levels, verifier.core.result, verifier.core.constants, "
            "verifier.core.once, verifier.core.version\n"
            "ms = (time.process_time() - t) * 1000\n"
            "heavy = sorted(m for m in ('numpy', 'scipy', 'cv2', 'torch', 'av', 'matplotlib') if m in sys.modules)\n"
            "print(ms, ','.join(heavy))")
    best = None
    for _ in range(3):  # the best of three fresh processes
        out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
        ms, heavy = out.stdout.split(" ", 1)
        assert heavy.strip() == "", f"verifier.core imported {heavy.strip()}"
        best = float(ms) if best is None else min(best, float(ms))
    assert best <= 50.0, f"import verifier.core.*: {best:.0f} ms of CPU (bar: 50 ms)"
