"""Command line of the voice fine-tuning (see training/voice/__init__.py)."""
from __future__ import annotations

import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DEFAULT_SHARED_AUDIO = os.path.join(ROOT, "..", "shared", "data", "audio")
DATA_LIST = os.path.join(HERE, "data_list.tsv")


def _cache_args(p, cache_file: str, *, n_aug: int, max_minutes: float) -> None:
    """The options shared by the two CPU cache commands (probe-cache, backend-cache)."""
    p.add_argument("--pool", required=True, help="folder with pool.npz, pool.json and AASIST-L.pth")
    p.add_argument("--out", required=True, help=f"folder for {cache_file} (+ .json)")
    p.add_argument("--n-aug", type=int, default=n_aug, help="augmented random windows per item at most")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--max-minutes", type=float, default=max_minutes, help="wall-clock cap: augmented rounds stop before it")
    p.add_argument("--extend", action="store_true", help="add augmented rounds to the cache already in --out")


def _model_args(p) -> None:
    """The starting point of the back-end runs (backend_cache.py, backend.py)."""
    p.add_argument("--model", default="aasist_l", choices=("aasist_l", "aasist5"),
                   help="aasist_l: the pool's AASIST-L.pth; aasist5: the ASVspoof 5 AASIST (../shared/models/aasist5)")
    p.add_argument("--weights", default=None, help="with --model aasist5: the .pth (default ../shared/models/aasist5/)")
    p.add_argument("--conf", default=None, help="with --model aasist5: the upstream .conf (default ../shared/models/aasist5/)")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m training.voice")
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("prepare", help="build the training pool (here: needs the venv, ../shared, espeak-ng, pyworld)")
    p.add_argument("--shared-audio", default=DEFAULT_SHARED_AUDIO)
    p.add_argument("--out", required=True, help="folder for pool.npz and pool.json")
    p.add_argument("--seed", type=int, default=0)
    p = sub.add_parser("logo", help="leave-one-generator-family-out folds + the final model (device-agnostic)")
    p.add_argument("--pool", required=True, help="folder with pool.npz, pool.json and AASIST-L.pth")
    p.add_argument("--out", required=True)
    p.add_argument("--device", default="cpu")
    p.add_argument("--procs", type=int, default=1, help="fold processes in parallel (<= 7 on the device)")
    p.add_argument("--max-minutes", type=float, default=5.5, help="wall-clock cap: results are written before it")
    p.add_argument("--folds", default="", help="comma-separated subset (default: every family, then 'all')")
    p.add_argument("--steps", type=int, default=None, help="training steps per fold (default TrainConfig.steps)")
    p.add_argument("--batch", type=int, default=None)
    p.add_argument("--eval-limit", type=int, default=0, help="evaluate at most this many items per class (smoke tests)")
    p = sub.add_parser("report", help="markdown table of a logo.json into training/voice/README.md")
    p.add_argument("--results", required=True)
    p.add_argument("--readme", default=os.path.join(HERE, "README.md"))
    p.add_argument("--section", default=None, help="write between <!-- SECTION:begin/end --> instead of the run kind's markers")
    p = sub.add_parser("report-compare", help="one table of several logo.json runs with the same baseline into the README")
    p.add_argument("--run", action="append", required=True, help="LABEL=path/to/logo.json (repeat; same folds and baseline)")
    p.add_argument("--readme", default=os.path.join(HERE, "README.md"))
    p.add_argument("--section", required=True, help="write between <!-- SECTION:begin/end -->")
    # CPU run: frozen network + trained linear head (probe_cache.py, probe.py)
    _cache_args(sub.add_parser("probe-cache", help="frozen AASIST-L readout of every pool window (CPU, once)"),
                "probe_cache.npz", n_aug=4, max_minutes=20.0)
    p = sub.add_parser("probe-logo", help="LOGO of a linear head on the cached readout; writes logo.json + the head")
    p.add_argument("--pool", required=True, help="folder with pool.json")
    p.add_argument("--cache", required=True, help="probe_cache.npz")
    p.add_argument("--out", required=True, help="run folder (logo.json, head.json, config)")
    p.add_argument("--seed", type=int, default=0)
    # CPU run: frozen encoder + fine-tuned graph back-end (backend_cache.py, backend.py)
    p = sub.add_parser("backend-cache", help="frozen AASIST-L (or ASVspoof 5 AASIST) encoder nodes of every pool window (CPU, once)")
    _cache_args(p, "backend_cache.npz", n_aug=8, max_minutes=25.0)
    _model_args(p)
    p = sub.add_parser("backend-logo", help="LOGO of the graph back-end fine-tuned on cached encoder nodes")
    p.add_argument("--pool", required=True, help="folder with pool.json and AASIST-L.pth")
    p.add_argument("--cache", required=True, help="backend_cache.npz")
    p.add_argument("--out", required=True, help="run folder (logo.json, and the weights if it wins)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--steps", type=int, default=None, help="optimiser steps per fold (default BackendConfig.steps)")
    p.add_argument("--folds", default="", help="comma-separated subset (default: every family, then 'all')")
    _model_args(p)
    p.add_argument("--baseline-cache", default=None,
                   help="backend_cache.npz of AASIST-L: its logits are the 'pretrained' column (the rule's baseline)")
    p.add_argument("--resume-dir", default=None, help="keep each finished fold here and skip it when re-run")
    p = sub.add_parser("opinion-cache", help="AASIST-L logit + GE2E embedding of every pool item (CPU, resumable)")
    p.add_argument("--pool", required=True, help="folder with pool.npz and pool.json")
    p.add_argument("--out", required=True, help="folder for opinion_cache.npz")
    p.add_argument("--max-minutes", type=float, default=60.0, help="stop (resumable) after this wall time")
    p = sub.add_parser("opinion-logo", help="LOGO of the GE2E second opinion and its fusion with AASIST-L")
    p.add_argument("--pool", required=True)
    p.add_argument("--cache", required=True, help="opinion_cache.npz")
    p.add_argument("--out", required=True, help="run folder (opinion_logo.json, opinion_logo.md, opinion_head.json)")
    p.add_argument("--force", default=None, help="fit this candidate in every fold (e.g. zmean_c0.01): reports a variant, chooses nothing")
    p = sub.add_parser("fusion-logo", help="LOGO of AASIST-L and the ASVspoof 5 AASIST, both frozen, fused by a fixed rule (issue 22, variant 4)")
    p.add_argument("--pool", required=True, help="folder with pool.json")
    p.add_argument("--cache-a", required=True, help="AASIST-L's backend_cache.npz (the rule's baseline)")
    p.add_argument("--cache-b", required=True, help="the ASVspoof 5 AASIST's backend_cache.npz (backend-cache --model aasist5)")
    p.add_argument("--out", required=True, help="run folder: logo.json + oof.json of the candidate, the others in OUT/VARIANT/")
    p.add_argument("--variant", default=None, choices=("zmax", "zmean", "stack"), help="only this one (default: all three)")
    a = ap.parse_args(argv)
    if a.cmd == "opinion-cache":
        from .opinion import build_cache

        build_cache(a.pool, a.out, max_minutes=a.max_minutes)
        return 0
    if a.cmd == "opinion-logo":
        from verifier.core.fusion import Fusion

        from .opinion import markdown, run_logo

        result = run_logo(a.pool, a.cache, a.out, high_from=Fusion.from_file().high_from, force=a.force)
        md = markdown(result)
        with open(os.path.join(a.out, f"opinion_logo{'_' + a.force if a.force else ''}.md"), "w", encoding="utf-8") as f:
            f.write(md + "\n")
        print(md)
        return 0

    if a.cmd == "prepare":
        from .pool import build, load, write_data_list

        build(a.shared_audio, a.out, seed=a.seed)
        write_data_list(load(os.path.join(a.out, "pool.npz"))[2], DATA_LIST)
        import shutil

        from verifier.analysis.voice.weights import find_weights

        shutil.copy(find_weights(), os.path.join(a.out, "AASIST-L.pth"))  # the registry's checked copy, for the device
        return 0
    if a.cmd == "logo":
        from .logo import run

        return run(a)
    if a.cmd == "probe-cache":
        from .probe_cache import run as run_cache

        return run_cache(a)
    if a.cmd == "probe-logo":
        from .probe import run as run_probe

        return run_probe(a)
    if a.cmd == "backend-cache":
        from .backend_cache import run as run_backend_cache

        return run_backend_cache(a)
    if a.cmd == "backend-logo":
        from .backend import run as run_backend

        return run_backend(a)
    if a.cmd == "fusion-logo":
        from .fusion import run as run_fusion

        return run_fusion(a)
    if a.cmd == "report-compare":
        from .report import write_compare

        return write_compare(a.run, a.readme, a.section)
    if a.cmd == "report":
        from .report import write_report

        return write_report(a.results, a.readme, a.section)
    return 2


if __name__ == "__main__":
    sys.exit(main())
