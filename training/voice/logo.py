"""Leave-one-generator-family-out: one fine-tuning per family (and one on the whole pool), in parallel.

Each job trains from the pretrained AASIST-L on its fold's training items, then scores the
fold's held-out items with the pretrained and the fine-tuned network on the same windows
(the runtime's windows and median). Jobs run in ``--procs`` processes (spawned; each holds the
pool on the device); every job gets the same training time budget, so that all results are
written before ``--max-minutes``. Writes ``OUT/voiceft/logo.json`` (per item logits, per fold
figures, the summary and the decision) and ``OUT/voiceft/aasist_l_ft.pth`` (the model
trained on the whole pool, fp32 state dict).
"""
from __future__ import annotations

import json
import math
import os
import time

import numpy as np

from .families import FAMILIES, FINAL, VIETNAMESE_FAMILIES, split

NAME = "voiceft"
START_RESERVE_S = 45.0  # s: process start, CUDA init and pool decoding before training starts (set by hand)
END_RESERVE_S = 45.0  # s: evaluation and writing after training stops (set by hand)
ORIGINAL_CONDITIONS = ("as_published", "as_made")
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _log(msg: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} [{os.getpid()}] {msg}", flush=True)


def runtime_rule() -> dict:
    """The runtime's calibration (verifier/assets/voice_calibration.json) and "high" threshold
    (verifier/assets/fusion.json ``high_from``; the voice alone at reliability 1 gives risk = P(fake))."""
    with open(os.path.join(REPO, "verifier", "assets", "voice_calibration.json"), encoding="utf-8") as f:
        cal = json.load(f)
    with open(os.path.join(REPO, "verifier", "assets", "fusion.json"), encoding="utf-8") as f:
        high = float(json.load(f)["high_from"])
    return {"calibration": cal, "high_from": high}


def _calibrate(logits, labels) -> dict | None:
    from verifier.analysis.voice.calibration import LogisticCalibration

    if len(set(labels)) < 2:
        return None
    return LogisticCalibration().fit(np.asarray(logits)[:, None], np.asarray(labels)).to_dict()


def _p(cal: dict, logits) -> np.ndarray:
    from verifier.analysis.voice.calibration import LogisticCalibration

    return LogisticCalibration.from_dict(cal).predict_proba(np.asarray(logits, float)[:, None])


def run_job(job: dict) -> dict:
    """One fold (or the final model): train, score, return the figures (and save weights for FINAL)."""
    import torch

    from .pool import load
    from .train import TrainConfig, WindowSampler, file_logits, fine_tune, load_model

    torch.set_num_threads(1)
    fold, dev = job["fold"], job["device"]
    if dev.startswith("cuda"):
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
        torch.backends.cudnn.benchmark = True
    samples, offsets, meta, _ = load(os.path.join(job["pool"], "pool.npz"))
    train, eval_fake, eval_real = split(meta, fold)
    rng = np.random.default_rng(0)
    if job["eval_limit"]:
        eval_fake = sorted(rng.permutation(eval_fake)[:job["eval_limit"]].tolist())
        eval_real = sorted(rng.permutation(eval_real)[:job["eval_limit"]].tolist())
    # calibration items: the training pool's originals (no codec/telephone copies)
    cal_idx = [i for i in train if meta[i]["condition"] in ORIGINAL_CONDITIONS]
    if job["eval_limit"]:
        cal_idx = sorted(rng.permutation(cal_idx)[:2 * job["eval_limit"]].tolist())
    cfg = TrainConfig(**job["cfg"])
    weights = os.path.join(job["pool"], "AASIST-L.pth")
    _log(f"{fold}: {len(train)} train, {len(eval_fake)} fake + {len(eval_real)} real held out")
    ev = eval_fake + eval_real
    pre = load_model(weights, dev)
    lg_pre = file_logits(pre, samples, offsets, meta, ev, dev)
    cal_pre = file_logits(pre, samples, offsets, meta, cal_idx, dev)
    del pre
    model = load_model(weights, dev)
    sampler = WindowSampler(samples, offsets, meta, train, dev)
    deadline = min(time.time() + job["budget_s"], job["train_deadline"])
    stats = fine_tune(model, sampler, cfg, deadline=deadline, log=lambda m: _log(f"{fold}: {m}"))
    lg_ft = file_logits(model, samples, offsets, meta, ev, dev)
    cal_ft = file_logits(model, samples, offsets, meta, cal_idx, dev)
    cal_labels = [int(meta[i]["label"] == "fake") for i in cal_idx]
    out = {"fold": fold, "train_items": len(train), "train": stats, "config": cfg.to_dict(),
           "calibration_pre": _calibrate(cal_pre, cal_labels), "calibration_ft": _calibrate(cal_ft, cal_labels),
           "items": [{"id": meta[i]["id"], "label": meta[i]["label"], "family": meta[i]["family"],
                      "real_group": meta[i]["real_group"], "language": meta[i]["language"],
                      "condition": meta[i]["condition"], "is_telephone": meta[i]["is_telephone"],
                      "logit_pre": round(float(a), 4), "logit_ft": round(float(b), 4)}
                     for i, a, b in zip(ev, lg_pre, lg_ft)]}
    if fold == FINAL:
        torch.save({k: v.detach().float().cpu() for k, v in model.state_dict().items()}, job["weights_out"])
        out["weights"] = os.path.basename(job["weights_out"])
    _log(f"{fold}: done, {stats['steps']} steps, loss {stats['loss_first50']} -> {stats['loss_last50']}")
    return out


def _auc(items, key, conditions=None) -> float | None:
    from sklearn.metrics import roc_auc_score

    sel = [it for it in items if conditions is None or it["condition"] in conditions]
    y = [int(it["label"] == "fake") for it in sel]
    if len(set(y)) < 2:
        return None
    return float(roc_auc_score(y, [it[key] for it in sel]))


def fold_figures(res: dict, rule: dict) -> dict:
    """AUCs (originals only and all conditions) and telephone-band real false alarms at "high"."""
    items = res["items"]
    fig = {"n_fake": sum(it["label"] == "fake" and it["condition"] in ORIGINAL_CONDITIONS for it in items),
           "n_real": sum(it["label"] == "real" and it["condition"] in ORIGINAL_CONDITIONS for it in items),
           "n_fake_all": sum(it["label"] == "fake" for it in items),
           "n_real_all": sum(it["label"] == "real" for it in items),
           "steps": res["train"]["steps"]}
    for m in ("pre", "ft"):
        fig[f"auc_{m}"] = _auc(items, f"logit_{m}", ORIGINAL_CONDITIONS)
        fig[f"auc_all_{m}"] = _auc(items, f"logit_{m}")
    hi = rule["high_from"]
    # Held-out reals rated "high": all, Vietnamese, narrowband ("tel"), each with the fold's calibrations
    # (and, for the pretrained network, also the runtime's).
    for name, keep in (("real", lambda it: True), ("vi", lambda it: it.get("language") == "vi"),
                       ("tel", lambda it: it["is_telephone"])):
        reals = [it for it in items if it["label"] == "real" and keep(it)]
        fig[f"n_{name}_real"] = len(reals)
        if not reals:
            continue
        lp = [it["logit_pre"] for it in reals]
        lf = [it["logit_ft"] for it in reals]
        fig[f"{name}_high_pre_runtime"] = int((_p(rule["calibration"], lp) >= hi).sum())
        if res["calibration_pre"] and res["calibration_ft"]:
            fig[f"{name}_high_pre_foldcal"] = int((_p(res["calibration_pre"], lp) >= hi).sum())
            fig[f"{name}_high_ft_foldcal"] = int((_p(res["calibration_ft"], lf) >= hi).sum())
    return fig


RULE_MEAN_GAIN = 0.05  # issue 22: the mean held-out-family AUC must rise by at least this
RULE_MAX_FAMILY_DROP = 0.05  # and no family may fall by more than this


def summarise(folds: dict, rule: dict) -> dict:
    """Per-fold figures, means (all families; Vietnamese families), real false alarms and the decision.

    Decision rule (issue 22, fixed before the run; README): keep the fine-tuned model only if, over
    the left-out families (originals), its mean AUC is at least :data:`RULE_MEAN_GAIN` above the
    pretrained one's, no family falls by more than :data:`RULE_MAX_FAMILY_DROP`, and held-out real
    speech rated "high" does not rise (all reals, Vietnamese reals and narrowband reals apart; each
    with calibrations fitted on the fold's training originals)."""
    figs = {f: fold_figures(r, rule) for f, r in folds.items() if f != FINAL}
    out = {"folds": figs}
    for name, fams in (("all", list(figs)), ("vietnamese", [f for f in figs if f in VIETNAMESE_FAMILIES])):
        for m in ("pre", "ft"):
            for k in ("auc", "auc_all"):
                v = [figs[f][f"{k}_{m}"] for f in fams if figs[f][f"{k}_{m}"] is not None]
                out[f"mean_{k}_{m}_{name}"] = float(np.mean(v)) if v else None
        out[f"n_families_{name}"] = len(fams)
    wins = [f for f in figs if None not in (figs[f]["auc_ft"], figs[f]["auc_pre"]) and figs[f]["auc_ft"] > figs[f]["auc_pre"]]
    out["families_ft_better"] = wins
    ok_alarms = True
    for name in ("real", "vi", "tel"):
        n = sum(f.get(f"n_{name}_real", 0) for f in figs.values())
        out[f"n_{name}_real"] = n
        for k in (f"{name}_high_pre_runtime", f"{name}_high_pre_foldcal", f"{name}_high_ft_foldcal"):
            out[k] = sum(f.get(k, 0) for f in figs.values())
            out[k + "_rate"] = out[k] / n if n else None
        ok_alarms = ok_alarms and out[f"{name}_high_ft_foldcal"] <= out[f"{name}_high_pre_foldcal"]
    out["families_dropping"] = {f: round(figs[f]["auc_pre"] - figs[f]["auc_ft"], 3) for f in figs
                                if None not in (figs[f]["auc_ft"], figs[f]["auc_pre"])
                                and figs[f]["auc_pre"] - figs[f]["auc_ft"] > RULE_MAX_FAMILY_DROP}
    ok_auc = (None not in (out["mean_auc_ft_all"], out["mean_auc_pre_all"])
              and out["mean_auc_ft_all"] - out["mean_auc_pre_all"] >= RULE_MEAN_GAIN)
    out["missing_folds"] = [f for f in FAMILIES if f not in folds]
    out["decision"] = {"mean_gain_ok": bool(ok_auc), "no_family_drop_ok": not out["families_dropping"],
                       "real_false_alarms_no_worse": bool(ok_alarms), "all_folds_present": not out["missing_folds"],
                       "keep_fine_tuned": bool(ok_auc and ok_alarms and not out["families_dropping"]
                                               and not out["missing_folds"])}
    return out


def run(a) -> int:
    """Command ``logo`` (see training/voice/__main__.py)."""
    import multiprocessing as mp

    from .train import TrainConfig

    t0 = time.time()
    out_dir = os.path.join(a.out, NAME)
    os.makedirs(out_dir, exist_ok=True)
    folds = [f.strip() for f in a.folds.split(",") if f.strip()] or [FINAL] + list(FAMILIES)
    cfg = TrainConfig().to_dict()
    if a.steps:
        cfg["steps"] = a.steps
    if a.batch:
        cfg["batch"] = a.batch
    cfg.pop("rawboost")  # default RawBoostParams (recorded with the results)
    procs = max(1, min(a.procs, len(folds)))
    waves = math.ceil(len(folds) / procs)
    train_deadline = t0 + a.max_minutes * 60 - END_RESERVE_S
    budget = max(5.0, (a.max_minutes * 60 - START_RESERVE_S - END_RESERVE_S) / waves)
    _log(f"{len(folds)} jobs in {procs} processes ({waves} waves), {budget:.0f} s training each, device {a.device}")
    jobs = [{"fold": f, "device": a.device, "pool": a.pool, "cfg": cfg, "eval_limit": a.eval_limit,
             "budget_s": budget, "train_deadline": train_deadline,
             "weights_out": os.path.join(out_dir, "aasist_l_ft.pth")} for f in folds]
    results, errors = {}, {}
    hard_deadline = t0 + a.max_minutes * 60 - 10
    if procs == 1:
        for j in jobs:
            try:
                results[j["fold"]] = run_job(j)
            except Exception as e:  # one failed fold must not lose the others
                errors[j["fold"]] = repr(e)
                _log(f"{j['fold']} failed: {e!r}")
    else:
        ctx = mp.get_context("spawn")
        pool = ctx.Pool(procs, maxtasksperchild=None)
        pending = {j["fold"]: pool.apply_async(run_job, (j,)) for j in jobs}
        while pending and time.time() < hard_deadline:
            for f in [f for f, r in pending.items() if r.ready()]:
                r = pending.pop(f)
                try:
                    results[f] = r.get()
                except Exception as e:
                    errors[f] = repr(e)
                    _log(f"{f} failed: {e!r}")
            time.sleep(1.0)
        for f in pending:
            errors[f] = "not finished before --max-minutes"
        pool.terminate()
    import dataclasses

    from .rawboost import RawBoostParams

    rule = runtime_rule()
    doc = {"config": {**cfg, "rawboost": dataclasses.asdict(RawBoostParams()), "procs": procs, "device": a.device,
                      "max_minutes": a.max_minutes, "budget_s_per_job": round(budget, 1), "eval_limit": a.eval_limit},
           "runtime_rule": rule, "errors": errors, "folds": results,
           "summary": summarise(results, rule) if results else None, "wall_s": round(time.time() - t0, 1)}
    with open(os.path.join(out_dir, "logo.json"), "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False)
    s = doc["summary"] or {}
    _log(f"wrote {out_dir}/logo.json in {doc['wall_s']} s; mean AUC pre {s.get('mean_auc_pre_all')} "
         f"ft {s.get('mean_auc_ft_all')}; decision {s.get('decision')}; errors {errors}")
    return 0
