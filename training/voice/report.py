"""Markdown table of a ``logo.json`` (from the device) into ``training/voice/README.md``.

The table goes between the markers ``<!-- logo:begin -->`` and ``<!-- logo:end -->``; the rest of
the README is left as written.
"""
from __future__ import annotations

import json
import re

import numpy as np

from .families import MODERN_FAMILIES, VIETNAMESE_FAMILIES
from .logo import summarise

BEGIN, END = "<!-- logo:begin -->", "<!-- logo:end -->"
PROBE_BEGIN, PROBE_END = "<!-- probe:begin -->", "<!-- probe:end -->"  # the CPU run's table (probe.py)
BACKEND_BEGIN, BACKEND_END = "<!-- backend:begin -->", "<!-- backend:end -->"  # the CPU back-end run (backend.py)


def _f(v, nd=3) -> str:
    return "–" if v is None else f"{v:.{nd}f}"


def _rate(k, n) -> str:
    return f"{k}/{n} ({100 * k / n:.0f} %)" if n else "–"


def table(doc: dict) -> str:
    """The results section (markdown) of one ``logo.json``."""
    s = summarise(doc["folds"], doc["runtime_rule"])  # recomputed from the per-item logits
    c = doc["config"]
    probe = c.get("head") == "linear_probe"  # the CPU run (probe.py): frozen network + linear head
    backend = c.get("head") == "graph_backend"  # the CPU run (backend.py): frozen encoder + fine-tuned back-end
    ft, steps = ("head", "training windows (C)") if probe else ("fine-tuned", "steps")
    start = c.get("start_model", {}).get("name", "aasist_l")  # backend-logo --model (issue 22, variant 3)
    pre = "AASIST-L (baseline)" if c.get("baseline_cache") else "pretrained"
    pre_word = "AASIST-L" if c.get("baseline_cache") else "pretrained"
    if backend and start != "aasist_l":
        b = c["backend"]
        frozen = list(b["step_grid"]) == [0]  # --steps 0: the published network, reported for information
        if frozen:
            ft = "frozen"
        how = ("its published back-end, no fine-tuning (steps fixed at 0; for information, never chosen)" if frozen else
               f"its graph back-end fine-tuned from its published weights, batch {b['batch']}, Adam lr {b['lr']}, steps "
               f"from {list(b['step_grid'])} by {b['inner_splits']}-split inner group-CV (0 = published back-end)")
        run = (f"Run: frozen {START_NAMES.get(start, start)} encoder's nodes cached once ({c['n_cached_windows']} windows: "
               f"the runtime's + {c['n_aug_done']} RawBoost round(s) of one random window per item; cache "
               f"{c['cache_wall_s']:.0f} s on `cpu`), {how}, seed {c['seed']}; {len(doc['folds'])} folds in {doc['wall_s']} s. "
               f"'{pre}' = " + ("AASIST-L's logits on the same windows (its back-end cache), the rule's baseline."
                                if c.get("baseline_cache") else f"the frozen {START_NAMES.get(start, start)}."))
    elif c.get("head") == "fusion":  # fusion.py (issue 22, variant 4): two frozen networks, no training
        ft = "fused"
        role = ("the pre-registered candidate" if c.get("candidate") else "for information, never chosen")
        run = (f"Run: AASIST-L and the ASVspoof 5 AASIST, both frozen as published, on the runtime's windows (median "
               f"per item, from the two back-end caches); each standardised per fold by the fold's training-side real "
               f"originals; fused by `{c['variant']}` ({role}); Platt calibrations fitted on each fold's training "
               f"originals; {len(doc['folds'])} folds in {doc['wall_s']} s. 'AASIST-L (baseline)' = the shipped network.")
        pre = "AASIST-L (baseline)"
        pre_word = "AASIST-L"
    elif backend:
        b = c["backend"]
        run = (f"Run: frozen AASIST-L encoder's nodes cached once ({c['n_cached_windows']} windows: the runtime's + "
               f"{c['n_aug_done']} RawBoost round(s) of one random window per item; cache {c['cache_wall_s']:.0f} s on "
               f"`cpu`), graph back-end fine-tuned from the published weights, batch {b['batch']}, Adam lr {b['lr']}, "
               f"steps from {list(b['step_grid'])} by {b['inner_splits']}-split inner group-CV (0 = published back-end), "
               f"seed {c['seed']}; {len(doc['folds'])} folds in {doc['wall_s']} s.")
    elif probe:
        run = (f"Run: frozen AASIST-L readout cached once ({c['n_aug_done']} RawBoost round(s) of one random window per "
               f"item besides the runtime's windows; cache {c['cache_wall_s']:.0f} s on `cpu`), L2 logistic head, C from "
               f"{list(c['probe']['Cs'])} by {c['probe']['inner_splits']}-split inner group-CV, seed {c['seed']}; "
               f"{len(doc['folds'])} folds in {doc['wall_s']} s.")
    else:
        run = (f"Run: {len(doc['folds'])} jobs on `{c['device']}`, {c['procs']} processes, {c['budget_s_per_job']} s "
               f"training budget per job, batch {c['batch']}, lr {c['lr']}, seed {c['seed']}; wall {doc['wall_s']} s.")
    lines = [run + (f" Errors: {doc['errors']}." if doc["errors"] else ""), "",
             f"| left-out family | vi | {steps} | fakes / reals (originals) | AUC {pre} | AUC {ft} | "
             "AUC all conditions pre → ft |" + " narrowband reals 'high' pre → ft |",
             "|---|---|---|---|---|---|---|---|"]
    for fam, f in sorted(s["folds"].items()):
        tel = (f"{f.get('tel_high_pre_foldcal', '–')} → {f.get('tel_high_ft_foldcal', '–')} of {f['n_tel_real']}"
               if f["n_tel_real"] else "–")
        done = f"{f['steps']} ({doc['folds'][fam]['train']['C']:g})" if probe else f["steps"]
        lines.append(f"| {fam} | {'yes' if fam in VIETNAMESE_FAMILIES else ''} | {done} | {f['n_fake']} / {f['n_real']} "
                     f"| {_f(f['auc_pre'])} | {_f(f['auc_ft'])} | {_f(f['auc_all_pre'])} → {_f(f['auc_all_ft'])} | {tel} |")
    lines += ["", f"| mean over | families | AUC {pre} | AUC {ft} | all conditions pre → ft |", "|---|---|---|---|---|"]
    for name in ("all", "vietnamese"):
        lines.append(f"| {name} | {s[f'n_families_{name}']} | {_f(s[f'mean_auc_pre_{name}'])} | {_f(s[f'mean_auc_ft_{name}'])} "
                     f"| {_f(s[f'mean_auc_all_pre_{name}'])} → {_f(s[f'mean_auc_all_ft_{name}'])} |")
    d = s["decision"]
    yes = lambda b: "yes" if b else "no"  # noqa: E731
    lines += [""]
    for name, what in (("real", "All held-out reals"), ("vi", "Vietnamese held-out reals"),
                       ("tel", "Narrowband held-out reals (AMR-NB / 300-3400 Hz copies, 8 kHz recordings)")):
        n = s.get(f"n_{name}_real", 0)
        lines.append(f"{what} rated 'high' (P(fake) ≥ {doc['runtime_rule']['high_from']}; a clip held out in several folds "
                     f"counts once per fold): {pre_word} with the runtime calibration {_rate(s[f'{name}_high_pre_runtime'], n)}; "
                     f"with calibrations fitted on each fold's training originals: {pre_word} "
                     f"{_rate(s[f'{name}_high_pre_foldcal'], n)}, {ft} {_rate(s[f'{name}_high_ft_foldcal'], n)}.")
    lines += ["", f"{ft.capitalize()} better on {len(s['families_ft_better'])} of {len(s['folds'])} left-out families "
              f"({', '.join(sorted(s['families_ft_better'])) or 'none'}); falling by more than 0.05: "
              f"{s['families_dropping'] or 'none'}.", "",
              f"**Decision rule** (issue 22: mean AUC over the left-out families up by ≥ 0.05, no family down by more "
              f"than 0.05, held-out reals rated 'high' not more, all / Vietnamese / narrowband): mean gain: "
              f"{yes(d['mean_gain_ok'])}; no family drop: {yes(d['no_family_drop_ok'])}; false alarms no worse: "
              f"{yes(d['real_false_alarms_no_worse'])}; all folds present: "
              f"{'yes' if d['all_folds_present'] else 'no (' + ', '.join(s['missing_folds']) + ')'} → "
              f"**{('keep the head' if probe else f'keep the {ft} model') if d['keep_fine_tuned'] else 'keep the pretrained AASIST-L'}**."]
    return "\n".join(lines)


START_NAMES = {"aasist_l": "AASIST-L", "aasist5": "ASVspoof 5 AASIST"}


def _mean(v):
    v = [x for x in v if x is not None]
    return float(np.mean(v)) if v else None


def compare_table(runs: list[tuple[str, dict]]) -> str:
    """One table of several ``logo.json`` runs on the same folds with the same baseline column (``logit_pre``):
    per family the baseline's AUC and each run's, the means (all, Vietnamese, modern cloning families), held-out
    reals rated 'high' (fold calibrations; all / Vietnamese / narrowband) and each run's decision by the rule."""
    sums = [(label, summarise(doc["folds"], doc["runtime_rule"]), doc) for label, doc in runs]
    base_doc = runs[0][1]
    for label, doc in runs[1:]:  # the same baseline logits, fold for fold
        for fam, r in doc["folds"].items():
            b = base_doc["folds"].get(fam)
            if b is not None and [it["logit_pre"] for it in r["items"]] != [it["logit_pre"] for it in b["items"]]:
                raise SystemExit(f"{label}: fold {fam} has another baseline than {runs[0][0]}")
    s0 = sums[0][1]
    fams = sorted(set().union(*[set(s["folds"]) for _, s, _ in sums]))
    head = "| held-out family | vi | modern | fakes / reals | AASIST-L (baseline) |" + "".join(f" {lab} (steps) |" for lab, _, _ in sums)
    lines = [head, "|---|---|---|---|---|" + "---|" * len(sums)]
    for fam in fams:
        f0 = next(s["folds"][fam] for _, s, _ in sums if fam in s["folds"])
        cells = "".join(f" {_f(s['folds'][fam]['auc_ft'])} ({s['folds'][fam]['steps']}) |" if fam in s["folds"] else " – |"
                        for _, s, _ in sums)
        lines.append(f"| {fam} | {'yes' if fam in VIETNAMESE_FAMILIES else ''} | {'yes' if fam in MODERN_FAMILIES else ''} "
                     f"| {f0['n_fake']} / {f0['n_real']} | {_f(f0['auc_pre'])} |{cells}")
    lines += ["", "| | families | AASIST-L (baseline) |" + "".join(f" {lab} |" for lab, _, _ in sums),
              "|---|---|---|" + "---|" * len(sums)]
    for name, sub in (("mean AUC, all", None), ("mean AUC, Vietnamese", VIETNAMESE_FAMILIES),
                      ("mean AUC, modern cloning", MODERN_FAMILIES)):
        keep = [f for f in s0["folds"] if sub is None or f in sub]
        lines.append(f"| {name} | {len(keep)} | {_f(_mean([s0['folds'][f]['auc_pre'] for f in keep]))} |"
                     + "".join(f" {_f(_mean([s['folds'][f]['auc_ft'] for f in keep if f in s['folds']]))} |" for _, s, _ in sums))
    common = [f for f in s0["folds"] if all(f in s["folds"] for _, s, _ in sums)]  # counts over the folds all runs have
    for name, what in (("real", "all"), ("vi", "Vietnamese"), ("tel", "narrowband")):
        cnt = lambda s, k: sum(s["folds"][f].get(k, 0) for f in common)  # noqa: E731
        lines.append(f"| reals 'high', {what} (fold calibrations) | {cnt(s0, f'n_{name}_real')} reals "
                     f"| {cnt(s0, f'{name}_high_pre_foldcal')} |" + "".join(f" {cnt(s, f'{name}_high_ft_foldcal')} |" for _, s, _ in sums))
    lines.append("| families falling > 0.05 | | – |"
                 + "".join(f" {len(s['families_dropping'])} ({', '.join(sorted(s['families_dropping'])) or 'none'}) |"
                           for _, s, _ in sums))
    yes = lambda b: "yes" if b else "no"  # noqa: E731
    lines.append("| rule: mean gain / no family drop / false alarms / all folds → ship | | – |"
                 + "".join(f" {yes(d['mean_gain_ok'])} / {yes(d['no_family_drop_ok'])} / {yes(d['real_false_alarms_no_worse'])}"
                           f" / {yes(d['all_folds_present'])} → **{'ship' if d['keep_fine_tuned'] else 'AASIST-L stays'}** |"
                           for d in (s["decision"] for _, s, _ in sums)))
    return "\n".join(lines)


def write_compare(runs: list[str], readme: str, section: str) -> int:
    """``runs``: ``LABEL=path/to/logo.json``; the table of :func:`compare_table` between ``<!-- section:begin/end -->``."""
    docs = []
    for r in runs:
        label, path = r.split("=", 1)
        with open(path, encoding="utf-8") as f:
            docs.append((label, json.load(f)))
    text = compare_table(docs)
    _write_block(readme, f"<!-- {section}:begin -->", f"<!-- {section}:end -->", text)
    print(text)
    return 0


def _write_block(readme: str, begin: str, end: str, text: str) -> None:
    with open(readme, encoding="utf-8") as f:
        md = f.read()
    block = f"{begin}\n{text}\n{end}"
    md = re.sub(re.escape(begin) + ".*?" + re.escape(end), lambda _: block, md, flags=re.S) if begin in md else md + "\n" + block + "\n"
    with open(readme, "w", encoding="utf-8") as f:
        f.write(md)


def write_report(results: str, readme: str, section: str | None = None) -> int:
    """Render ``results`` into ``readme`` between its run kind's markers, or ``<!-- {section}:begin/end -->``."""
    with open(results, encoding="utf-8") as f:
        doc = json.load(f)
    if not doc.get("folds"):
        raise SystemExit(f"{results} holds no finished fold (errors: {doc.get('errors')})")
    text = table(doc)
    with open(readme, encoding="utf-8") as f:
        md = f.read()
    begin, end = {"linear_probe": (PROBE_BEGIN, PROBE_END),
                  "graph_backend": (BACKEND_BEGIN, BACKEND_END)}.get(doc["config"].get("head"), (BEGIN, END))
    if section:
        begin, end = f"<!-- {section}:begin -->", f"<!-- {section}:end -->"
    block = f"{begin}\n{text}\n{end}"
    md = re.sub(re.escape(begin) + ".*?" + re.escape(end), lambda _: block, md, flags=re.S) if begin in md else md + "\n" + block + "\n"
    with open(readme, "w", encoding="utf-8") as f:
        f.write(md)
    print(text)
    return 0
