"""The training pool: every clip as the runtime would feed it to the network, in one compact file.

``prepare`` (here, with the project's venv) writes ``pool.npz`` + ``pool.json`` (metadata,
one dict per item) and the committed data list ``training/voice/data_list.tsv``:

* every file of ``../shared/data/audio``, decoded and resampled to 16 kHz by the runtime's
  loader (``verifier.analysis.media.load_audio``), channel-normalised by the runtime
  (``verifier.analysis.voice.detector.normalise_channel``: trim, DC, active level -26 dBFS), then cropped
  to :data:`ORIGINAL_MAX_SAMPLES` (two windows: the runtime's three 50 %-overlap windows cover it);
* spoofs made here (``generate.py``): espeak-ng Vietnamese and English from text, and WORLD,
  Griffin-Lim and LPC resyntheses of real clips (disjoint sets of reals, one family each);
* codec (AAC 32k, Opus 16k, AMR-NB 12.2k, MP3 64k; ``verifier.analysis.channel``) and telephone
  (300-3400 Hz band, 8 kHz) versions of a seeded share of the reals AND fakes, cropped to one
  window: the channel is an augmentation of both classes, never a class cue.

Stored as 16 kHz int16 (full scale 32767), first differences split into two byte planes and
deflated (``np.savez_compressed``): lossless, ~0.6 of the raw size on speech. :func:`load`
needs numpy and json only (it runs on the device).
"""
from __future__ import annotations

import json
import os

import numpy as np

SR = 16000  # Hz
WINDOW_SAMPLES = 64600  # the network's input (verifier.analysis.voice.aasist.WINDOW_SAMPLES)
ORIGINAL_MAX_SAMPLES = 2 * WINDOW_SAMPLES  # 8.07 s: files of the shared set, after normalisation
GENERATED_MAX_SAMPLES = WINDOW_SAMPLES  # 4.04 s: spoofs made here
DERIVED_MAX_SAMPLES = WINDOW_SAMPLES  # 4.04 s: codec and telephone versions
N_PER_RESYNTH_FAMILY = 12  # real clips resynthesised per WORLD / Griffin-Lim / LPC family
CODEC_SHARE = 0.35  # share of the (non-derived) items given one codec version, both classes
TELEPHONE_SHARE = 0.2  # share given a telephone-band (300-3400 Hz, 8 kHz) version, both classes
CODECS = ("messenger_aac", "messenger_opus16", "amr_nb", "mp3_64")  # verifier.analysis.channel.CONDITIONS
NARROWBAND_CONDITIONS = ("amr_nb", "telephone")
SIZE_LIMIT_BYTES = 25 * 2 ** 20  # the device package's share for the pool


def to_int16(y: np.ndarray) -> np.ndarray:
    return np.clip(np.round(np.asarray(y, np.float64) * 32767.0), -32768, 32767).astype(np.int16)


def pack(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """int16 samples → (high, low) byte planes of their first differences (wrapping)."""
    d = np.diff(x.astype(np.int16), prepend=np.int16(0)).astype(np.int16)
    u = d.view(np.uint16)
    return (u >> 8).astype(np.uint8), (u & 0xFF).astype(np.uint8)


def unpack(hi: np.ndarray, lo: np.ndarray) -> np.ndarray:
    """Inverse of :func:`pack` (exact: the cumulative sum wraps as the differences did)."""
    d = ((hi.astype(np.uint16) << 8) | lo.astype(np.uint16)).view(np.int16)
    return np.cumsum(d, dtype=np.int16)


def save(path_npz: str, clips: list[np.ndarray], meta: list[dict], info: dict) -> None:
    """Write the int16 ``clips`` and their ``meta`` (``pool.json`` next to ``path_npz``)."""
    offsets = np.concatenate([[0], np.cumsum([len(c) for c in clips])]).astype(np.int64)
    hi, lo = pack(np.concatenate(clips))
    np.savez_compressed(path_npz, hi=hi, lo=lo, offsets=offsets)
    with open(os.path.join(os.path.dirname(path_npz), "pool.json"), "w", encoding="utf-8") as f:
        json.dump({"info": info, "items": meta}, f, ensure_ascii=False, indent=0)


def load(path_npz: str) -> tuple[np.ndarray, np.ndarray, list[dict], dict]:
    """``(samples int16 [total], offsets [n+1], meta, info)`` of a pool written by :func:`save`."""
    z = np.load(path_npz)
    samples = unpack(z["hi"], z["lo"])
    with open(os.path.join(os.path.dirname(path_npz), "pool.json"), encoding="utf-8") as f:
        j = json.load(f)
    return samples, z["offsets"], j["items"], j["info"]


def eval_windows(clip: np.ndarray, starts) -> np.ndarray:
    """The runtime's windows of one normalised clip (``verifier.analysis.voice.detector.make_windows``):
    at ``starts`` (``window_starts``, stored in the metadata), or the clip tiled to one window
    when shorter than a window. float32 [n, 64600]."""
    y = np.asarray(clip, np.float32)
    if len(y) < WINDOW_SAMPLES:
        return np.tile(y, WINDOW_SAMPLES // len(y) + 1)[None, :WINDOW_SAMPLES]
    return np.stack([y[s:s + WINDOW_SAMPLES] for s in starts])


# --------------------------------------------------------------------------- building (here only)

def _manifest(shared_audio: str) -> list[dict]:
    import csv

    with open(os.path.join(shared_audio, "MANIFEST.tsv"), encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def _item(id_, label, family, real_group, language, condition, parent, root, made_by, source, y) -> dict:
    narrow = condition in NARROWBAND_CONDITIONS or real_group == "vietasr_call"
    return {"id": id_, "label": label, "family": family, "real_group": real_group, "language": language,
            "condition": condition, "is_telephone": bool(narrow), "parent": parent, "root": root,
            "source": source, "made_by": made_by, "n_samples": int(len(y))}


# The pool's channel normalisation, fixed so that the committed runs (cpu_probe_*, ...) stay reproducible:
# active level -26 dBFS, ends trimmed on the 8 ms frame grid at 50 dB under the loudest frame (the
# runtime's default until 2026-11-30, when it moved to sample-exact trimming at 40 dB: the windows
# then start a few samples apart, which the random training windows and the codec copies dwarf).
POOL_PREPROCESSING = {"level": "active_rms", "trim_exact": False, "trim_top_db": 50.0}


def build(shared_audio: str, out_dir: str, seed: int = 0, log=print) -> dict:
    """Build the pool into ``out_dir`` (``pool.npz``, ``pool.json``); returns the info dict."""
    from verifier.analysis.channel import reencode, telephone_band
    from verifier.analysis.media import load_audio
    from verifier.analysis.signals.audio_frames import resample
    from verifier.analysis.voice.detector import normalise_channel, window_starts
    from verifier.core.params import Preprocessing

    from . import generate
    from .families import family_of, real_group

    rng = np.random.default_rng(seed)
    clips, meta = [], []

    def add(y, **kw):
        y = normalise_channel(np.asarray(y, np.float32), Preprocessing(**POOL_PREPROCESSING))
        y = y[:kw.pop("max_samples")]
        if len(y) < 1600:  # < 0.1 s of sound after trimming: nothing to learn from
            log(f"skip {kw['id_']}: {len(y)} samples")
            return None
        m = _item(y=y, **kw)
        m["eval_starts"] = [int(s) for s in window_starts(len(y))] if len(y) >= WINDOW_SAMPLES else [0]
        clips.append(to_int16(y))
        meta.append(m)
        return len(meta) - 1

    for r in _manifest(shared_audio):
        kind, folder = r["path"].split("/")[:2]
        y = load_audio(os.path.join(shared_audio, r["path"]), sr=SR)
        fam = family_of(folder, r["generator_or_recording"]) if kind == "fake" else ""
        grp = real_group(folder, r["generator_or_recording"]) if kind == "real" else ""
        add(y, max_samples=ORIGINAL_MAX_SAMPLES, id_=r["path"], label=kind, family=fam, real_group=grp,
            language=r["language"], condition="as_published", parent="", root=r["path"],
            made_by="shared/data/audio (sha256 in its MANIFEST.tsv)", source=folder)
    n_orig = len(meta)
    log(f"{n_orig} shared files")

    for fam, texts, lang in (("espeak_vi", generate.TEXTS_VI, "vi"), ("espeak_en", generate.TEXTS_EN, "en")):
        for k, text in enumerate(texts):
            s = seed * 1000 + k
            add(generate.espeak(text, lang, s), max_samples=GENERATED_MAX_SAMPLES, id_=f"gen/{fam}/{k:02d}",
                label="fake", family=fam, real_group="", language=lang, condition="as_made", parent="",
                root=f"gen/{fam}/{k:02d}", made_by=f"training/voice/generate.py espeak(TEXTS_{lang.upper()}[{k}], seed={s})",
                source="espeak-ng")
    log("espeak done")

    reals = [i for i in range(n_orig) if meta[i]["label"] == "real" and meta[i]["real_group"] != "vietasr_call"]
    order = rng.permutation(reals)
    for j, fam in enumerate(generate.RESYNTH):
        for k, i in enumerate(order[j * N_PER_RESYNTH_FAMILY:(j + 1) * N_PER_RESYNTH_FAMILY]):
            src = clips[i][:GENERATED_MAX_SAMPLES].astype(np.float32) / 32767.0
            s = seed * 1000 + 100 * j + k
            add(generate.RESYNTH[fam](src, s), max_samples=GENERATED_MAX_SAMPLES, id_=f"gen/{fam}/{k:02d}",
                label="fake", family=fam, real_group="", language=meta[i]["language"], condition="as_made",
                parent=meta[i]["id"], root=meta[i]["id"],
                made_by=f"training/voice/generate.py {generate.RESYNTH[fam].__name__}(first 64600 samples of {meta[i]['id']}, seed={s})",
                source=fam)
        log(f"{fam} done")

    n_base = len(meta)
    for i in range(n_base):
        base = clips[i][:DERIVED_MAX_SAMPLES].astype(np.float32) / 32767.0
        m = meta[i]
        conds = []
        if rng.random() < CODEC_SHARE:
            conds.append(CODECS[int(rng.integers(len(CODECS)))])
        if rng.random() < TELEPHONE_SHARE and m["real_group"] != "vietasr_call":
            conds.append("telephone")
        for c in conds:
            if c == "telephone":
                y = resample(resample(telephone_band(base), orig_sr=SR, target_sr=8000), orig_sr=8000, target_sr=SR)
                how = "verifier.analysis.channel.telephone_band, 16→8→16 kHz (verifier's resampler)"
            else:
                y = reencode(base, condition=c)
                how = f"verifier.analysis.channel.reencode(condition={c!r})"
            add(y, max_samples=DERIVED_MAX_SAMPLES, id_=f"{m['id']}#{c}", label=m["label"], family=m["family"],
                real_group=m["real_group"], language=m["language"], condition=c, parent=m["id"], root=m["root"],
                made_by=f"{how} of the first 64600 samples of {m['id']} (pool seed {seed})", source=m["source"])
    log(f"{len(meta) - n_base} codec/telephone versions")

    os.makedirs(out_dir, exist_ok=True)
    info = {"seed": seed, "sample_rate": SR, "n_items": len(meta), "window_samples": WINDOW_SAMPLES,
            "preprocessing": f"verifier.analysis.voice.detector.normalise_channel (Preprocessing(**{POOL_PREPROCESSING})), then crop",
            "total_seconds": round(sum(len(c) for c in clips) / SR, 1)}
    path = os.path.join(out_dir, "pool.npz")
    save(path, clips, meta, info)
    info["bytes"] = os.path.getsize(path)
    log(f"{len(meta)} items, {info['total_seconds']} s, {info['bytes'] / 2 ** 20:.1f} MiB")
    if info["bytes"] > SIZE_LIMIT_BYTES:
        log(f"WARNING: pool.npz is over {SIZE_LIMIT_BYTES / 2 ** 20:.0f} MiB")
    return info


def write_data_list(meta: list[dict], path: str) -> None:
    """The committed data list (how every item was made)."""
    cols = ("id", "label", "family", "real_group", "language", "condition", "is_telephone", "root", "n_samples", "made_by")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\t".join(cols) + "\n")
        for m in meta:
            f.write("\t".join(str(m[c]) for c in cols) + "\n")
