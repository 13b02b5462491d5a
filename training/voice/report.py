"""Markdown table of a ``logo.json`` (from the device) into ``training/voice/README.md``.

The table goes between the markers ``<!-- logo:begin -->`` and ``<!-- logo:end -->``; the rest of
the README is left as written.
"""
from __future__ import annotations

import json
import re

from .families import VIETNAMESE_FAMILIES
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
    if backend:
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
             f"| left-out family | vi | {steps} | fakes / reals (originals) | AUC pretrained | AUC {ft} | "
             "AUC all conditions pre → ft |" + " narrowband reals 'high' pre → ft |",
             "|---|---|---|---|---|---|---|---|"]
    for fam, f in sorted(s["folds"].items()):
        tel = (f"{f.get('tel_high_pre_foldcal', '–')} → {f.get('tel_high_ft_foldcal', '–')} of {f['n_tel_real']}"
               if f["n_tel_real"] else "–")
        done = f"{f['steps']} ({doc['folds'][fam]['train']['C']:g})" if probe else f["steps"]
        lines.append(f"| {fam} | {'yes' if fam in VIETNAMESE_FAMILIES else ''} | {done} | {f['n_fake']} / {f['n_real']} "
                     f"| {_f(f['auc_pre'])} | {_f(f['auc_ft'])} | {_f(f['auc_all_pre'])} → {_f(f['auc_all_ft'])} | {tel} |")
    lines += ["", f"| mean over | families | AUC pretrained | AUC {ft} | all conditions pre → ft |", "|---|---|---|---|---|"]
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
                     f"counts once per fold): pretrained with the runtime calibration {_rate(s[f'{name}_high_pre_runtime'], n)}; "
                     f"with calibrations fitted on each fold's training originals: pretrained "
                     f"{_rate(s[f'{name}_high_pre_foldcal'], n)}, {ft} {_rate(s[f'{name}_high_ft_foldcal'], n)}.")
    lines += ["", f"{ft.capitalize()} better on {len(s['families_ft_better'])} of {len(s['folds'])} left-out families "
              f"({', '.join(sorted(s['families_ft_better'])) or 'none'}); falling by more than 0.05: "
              f"{s['families_dropping'] or 'none'}.", "",
              f"**Decision rule** (issue 22: mean AUC over the left-out families up by ≥ 0.05, no family down by more "
              f"than 0.05, held-out reals rated 'high' not more, all / Vietnamese / narrowband): mean gain: "
              f"{yes(d['mean_gain_ok'])}; no family drop: {yes(d['no_family_drop_ok'])}; false alarms no worse: "
              f"{yes(d['real_false_alarms_no_worse'])}; all folds present: "
              f"{'yes' if d['all_folds_present'] else 'no (' + ', '.join(s['missing_folds']) + ')'} → "
              f"**{('keep the head' if probe else 'keep the fine-tuned model') if d['keep_fine_tuned'] else 'keep the pretrained AASIST-L'}**."]
    return "\n".join(lines)


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
