"""Frame-grid against sample-exact trimming of the voice detector on the same files (issue 14).

    python scripts/compare_voice_trim.py score ../shared/data/audio OUT_DIR [--conditions published,messenger_aac,telephone_amr]
        [--old trim_exact=0] [--new trim_exact=1,trim_top_db=40]
    python scripts/compare_voice_trim.py compare OUT_DIR/old.json OUT_DIR/new.json
    python -m verifier.evaluate audio ../shared/data/audio --from-json OUT_DIR/new.json \
        --conditions published,messenger_aac,telephone_amr --write-calibration CANDIDATE.json

``score`` decodes (and re-encodes) every file once per condition and scores it with both
preprocessings (``Preprocessing(trim_exact=False)`` → ``old.json``, ``trim_exact=True`` →
``new.json``), in the record format of ``python -m verifier.evaluate audio --out`` (so that
``--from-json`` refits and summarises them). ``compare`` prints, per condition and language, the
ROC AUC of both and the noise of their difference: a paired randomisation test (each file's
old/new scores swapped with probability 0.5, 2000 draws; under "the change is jitter without a
direction" the difference falls in the printed 95 % range) and the one-file step (1 / the smaller
class: one file crossing the other class entirely). CPU-heavy: ~25 min for the three conditions
on the shared 2-core machine (load 5-10).
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import tempfile
import time

import numpy as np

OLD_SPEC = "trim_exact=0,trim_top_db=50"  # the runtime's trimming until 2026-11-30
NEW_SPEC = "trim_exact=1,trim_top_db=40"  # since


def parse_prep(spec: str) -> dict:
    """``"trim_exact=1,trim_top_db=40"`` → Preprocessing keyword arguments (typed by the dataclass)."""
    from verifier.core.params import Preprocessing

    types = {f.name: f.type for f in dataclasses.fields(Preprocessing)}
    out = {}
    for item in filter(None, spec.split(",")):
        k, v = item.split("=", 1)
        t = types[k]
        out[k] = (v.lower() in ("1", "true", "yes")) if t in (bool, "bool") else float(v) if t in (float, "float") else v
    return out


def score(data: str, outdir: str, conds: list[str], old_spec: str = OLD_SPEC, new_spec: str = NEW_SPEC) -> None:
    from verifier.analysis.channel import CONDITIONS, encode, telephone_band
    from verifier.analysis.media import load_audio
    from verifier.analysis.voice.detector import VoiceDetector
    from verifier.core.constants import MAX_WINDOWS
    from verifier.core.params import Preprocessing
    from verifier.evaluate.invariance import _load_model
    from verifier.evaluate.manifest import read_manifest

    model = _load_model("aasist-l")  # the ONNX export when installed (runtime backend), else torch
    dets = {"old": VoiceDetector(model, None, preprocessing=Preprocessing(**parse_prep(old_spec))),
            "new": VoiceDetector(model, None, preprocessing=Preprocessing(**parse_prep(new_spec)))}
    rows = read_manifest(data)
    recs = {k: [] for k in dets}

    def decoded(path, cond):
        if cond == "published":
            return load_audio(path)
        with tempfile.TemporaryDirectory() as d:
            if cond == "telephone_amr":
                p = os.path.join(d, "message.amr")
                encode(telephone_band(load_audio(path)), p, condition="amr_nb")
            else:
                p = os.path.join(d, "message" + CONDITIONS[cond][3])
                encode(load_audio(path), p, condition=cond)
            return load_audio(p)

    os.makedirs(outdir, exist_ok=True)
    for cond in conds:
        for i, r in enumerate(rows):
            if cond == "telephone_amr" and r["y"] != 0:
                continue  # narrowband false alarms: real files only, as verifier.evaluate.audio
            y = decoded(r["path"] if os.path.isabs(r["path"]) else os.path.join(data, r["path"]), cond)
            for k, det in dets.items():
                t0 = time.perf_counter()
                s = det.score(y, 16000)
                rec = {"audio_s": len(y) / 16000, "voice_s": time.perf_counter() - t0}
                if s is None:
                    rec.update(aasist_logit=float("nan"), windows=0, speech_s=0.0)
                else:
                    rec.update(aasist_logit=s.aasist_logit, windows=s.windows, speech_s=s.speech_s,
                               bandwidth_hz=s.bandwidth_hz, window_logits=list(s.window_logits))
                rec.update(path=r["path"], source=r["source"], y=r["y"], language=r["language"], condition=cond)
                recs[k].append(rec)
            print(f"[{cond} {i + 1}/{len(rows)}] {r['path']}: old {recs['old'][-1]['aasist_logit']:+.2f}, "
                  f"new {recs['new'][-1]['aasist_logit']:+.2f}", flush=True)
        for k, det in dets.items():  # after each condition: a partial run is usable
            with open(os.path.join(outdir, f"{k}.json"), "w", encoding="utf-8") as f:
                json.dump({"data_dir": os.path.abspath(data), "max_windows": MAX_WINDOWS, "summary": {},
                           "records": recs[k], "preprocessing": dataclasses.asdict(det.preprocessing),
                           "script": f"python scripts/compare_voice_trim.py score DATA_DIR OUT --old {old_spec} "
                                     f"--new {new_spec} --conditions {','.join(conds)}"},
                          f, indent=1, default=float)


def compare(old_path: str, new_path: str, draws: int = 2000, seed: int = 1) -> None:
    from verifier.evaluate.metrics import paired_loso, roc_auc

    with open(old_path, encoding="utf-8") as f:
        old = json.load(f)["records"]
    with open(new_path, encoding="utf-8") as f:
        new = json.load(f)["records"]
    rng = np.random.default_rng(seed)
    ident = lambda Xtr, ytr, Xte: Xte[:, 0]  # noqa: E731  (raw logit, as aasist_raw)
    for cond in sorted({r["condition"] for r in old} - {"telephone_amr"}):
        o = [r for r in old if r["condition"] == cond]
        n = [r for r in new if r["condition"] == cond]
        assert [r["path"] for r in o] == [r["path"] for r in n], "old and new hold different files"
        y = np.array([r["y"] for r in o])
        lang = np.array([r["language"] for r in o])
        src = np.array([r["source"] for r in o])
        so = np.nan_to_num(np.array([r["aasist_logit"] for r in o], float))
        sn = np.nan_to_num(np.array([r["aasist_logit"] for r in n], float))
        print(f"== {cond}: files whose logit moved by > 1: {int((abs(sn - so) > 1).sum())} of {len(y)}")
        for name, m in (("all", np.ones(len(y), bool)), ("en", lang == "en"), ("vi", lang == "vi")):
            yy, a, b = y[m], so[m], sn[m]
            d0 = roc_auc(yy, b) - roc_auc(yy, a)
            ds = []
            for _ in range(draws):
                sw = rng.random(len(yy)) < 0.5
                ds.append(roc_auc(yy, np.where(sw, a, b)) - roc_auc(yy, np.where(sw, b, a)))
            lo, hi = np.percentile(ds, [2.5, 97.5])
            print(f"  {name:3s} n={m.sum():3d}  AUC {roc_auc(yy, a):.3f} -> {roc_auc(yy, b):.3f} ({d0:+.3f}); "
                  f"jitter 95 % [{lo:+.3f}, {hi:+.3f}], p {np.mean(np.abs(ds) >= abs(d0) - 1e-12):.3f}; "
                  f"one-file step {1 / min((yy == 1).sum(), (yy == 0).sum()):.3f}")
        lo_, ln_ = paired_loso(so[:, None], y, src, ident), paired_loso(sn[:, None], y, src, ident)
        print(f"  paired LOSO (raw) {lo_['auc_mean']:.3f} (min {lo_['auc_min']:.3f}) -> {ln_['auc_mean']:.3f} "
              f"(min {ln_['auc_min']:.3f})")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("score")
    s.add_argument("data_dir")
    s.add_argument("out_dir")
    s.add_argument("--conditions", default="published,messenger_aac,telephone_amr")
    s.add_argument("--old", default=OLD_SPEC, help="Preprocessing fields of old.json (k=v,...; unset fields: the default)")
    s.add_argument("--new", default=NEW_SPEC, help="Preprocessing fields of new.json (k=v,...; unset fields: the default)")
    c = sub.add_parser("compare")
    c.add_argument("old")
    c.add_argument("new")
    args = ap.parse_args(argv)
    if args.cmd == "score":
        score(args.data_dir, args.out_dir, [x for x in args.conditions.split(",") if x], args.old, args.new)
    else:
        compare(args.old, args.new)
    return 0


if __name__ == "__main__":
    sys.exit(main())
