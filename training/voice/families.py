"""Generator families, real groups and the leave-one-generator-family-out (LOGO) split.

Pure Python (no numpy, no torch): imported both here and on the device.

A *family* is one generator type (fakes only). Reals are grouped by their source (the
folder of ``../shared/data/audio``; the viet-asr set is split into TV news and 8 kHz
call-centre speech). A fold leaves out one family's fakes and that family's *matching
reals*: the reals of the same source or recording set when the source published any, else a
set of reals of the same language (chosen here by hand, written in :data:`HELD_OUT_REALS`);
for the families made here from real speech (WORLD, Griffin-Lim, LPC) the matching reals are
the very clips they were made from. Everything derived from a held-out clip (its codec and
telephone versions, and any fake made from it) is kept out of that fold's training.
"""
from __future__ import annotations

from verifier.evaluate.families import FAKE_FAMILY, FAMILY_BY_GENERATOR, family_of, real_group  # noqa: F401

# Families generated here (training/voice/generate.py), each its own family.
MADE_FROM_TEXT = ("espeak_vi", "espeak_en")
MADE_FROM_REALS = ("world", "griffinlim", "lpc")
GENERATED_FAMILIES = MADE_FROM_TEXT + MADE_FROM_REALS
SHARED_FAMILIES = tuple(sorted(set(FAKE_FAMILY.values())
                               | {f for rules in FAMILY_BY_GENERATOR.values() for _, f in rules}))
FAMILIES = SHARED_FAMILIES + GENERATED_FAMILIES
VIETNAMESE_FAMILIES = ("viettts_hifigan", "viaudiodetect_vi", "sparktts_vi", "commercial_vi", "kani_tts_vi",
                       "unnamed_vi_tts", "espeak_vi")  # families whose every file is Vietnamese
# 2024-2025 zero-shot cloning systems (issue 22): what a scammer can run today.
MODERN_FAMILIES = ("f5tts", "e2tts", "xtts", "indextts", "cosyvoice2", "fireredtts", "fishspeech", "maskgct",
                   "sparktts_vi", "kani_tts_vi")

# Fold F's held-out real groups: every real group of the sources F's fakes come from (the same demo
# page or repository, so that a page's recording chain cannot carry the label), and, where a source
# published no reals, reals of the same language (chosen by hand). The made-from-reals families hold
# out their own source clips instead (see split()).
_VI_NO_REALS = ("vietasr_news", "viettts_prompts", "vi_freevc_dummy")  # Vietnamese speech of several speakers
HELD_OUT_REALS = {
    "tacotron_gl": ("librispeech_resemblyzer", "rtvc_samples"),  # no reals published with it; English read speech
    "wavernn": ("wavernn", "autovc_vctk"),  # its LJSpeech ground truth + English read speech
    "valle": ("valle_lifeiteng_prompts",),  # the demos' own prompts (LJSpeech, LibriTTS, AISHELL)
    "f5tts": ("f5tts_vi_refs", "psilab_f5tts_vi_refs", "vvcs_reference", "indextts_demo_prompts", "f5tts_demo_prompts"),
    "e2tts": ("f5tts_demo_prompts",),
    "viettts_hifigan": ("vixtts_reference", "vietvoice", "viettts_prompts"),  # no reals published; Vietnamese
    "viaudiodetect_vi": ("viaudiodetect",),  # the set's own bona fide
    "vits": ("vvcs_reference",) + _VI_NO_REALS,
    "sparktts_vi": ("vietasr_news", "vietvoice", "vixtts_reference"),  # no reals published; Vietnamese
    "commercial_vi": ("vvcs_reference",) + _VI_NO_REALS,
    "kani_tts_vi": _VI_NO_REALS,
    "unnamed_vi_tts": ("vvcs_reference",) + _VI_NO_REALS,
    "xtts": ("vvcs_reference", "indextts_demo_prompts"),
    "bark": ("vvcs_reference",) + _VI_NO_REALS,
    "indextts": ("indextts_demo_prompts",),
    "cosyvoice2": ("indextts_demo_prompts",),
    "fireredtts": ("indextts_demo_prompts",),
    "fishspeech": ("indextts_demo_prompts",),
    "maskgct": ("maskgct_demo_prompts",),
    "ar_baseline": ("maskgct_demo_prompts",),
    "espeak_vi": ("vietasr_call", "vietasr_news", "vi_commands_8k"),  # Vietnamese, incl. the native 8 kHz reals
    "espeak_en": ("debian_alsa_utils", "rtvc_samples"),  # English
}
FINAL = "all"  # the job that trains on the whole pool (the model that would ship)


def split(meta: list[dict], fold: str) -> tuple[list[int], list[int], list[int]]:
    """Indices ``(train, eval_fake, eval_real)`` of the pool items ``meta`` for ``fold``.

    ``eval_fake``: every item of family ``fold`` (originals and their codec/telephone
    versions). ``eval_real``: every real item whose ``root`` (the original real clip it was
    made from, or itself) is a held-out real: a clip of the fold's groups in
    :data:`HELD_OUT_REALS`, or, for a made-from-reals family, a clip one of its fakes was made
    from. ``train``: the rest, less anything whose ``root`` is the root of an evaluated item
    (so no held-out real, no version of it and no fake made from it is trained on).
    ``fold == FINAL``: all items train, nothing is evaluated.

    Each item of ``meta`` has ``label`` ("real"/"fake"), ``family`` (fakes), ``real_group``
    (reals), ``id`` and ``root`` (an id).
    """
    if fold == FINAL:
        return list(range(len(meta))), [], []
    if fold not in FAMILIES:
        raise ValueError(f"unknown fold {fold!r}; families: {FAMILIES}")
    eval_fake = [i for i, m in enumerate(meta) if m["label"] == "fake" and m["family"] == fold]
    if fold in MADE_FROM_REALS:
        held_roots = {meta[i]["root"] for i in eval_fake}
    else:
        groups = set(HELD_OUT_REALS[fold])
        held_roots = {m["id"] for m in meta if m["label"] == "real" and m["root"] == m["id"] and m["real_group"] in groups}
    eval_real = [i for i, m in enumerate(meta) if m["label"] == "real" and m["root"] in held_roots]
    out_roots = held_roots | {meta[i]["root"] for i in eval_fake}
    evaluated = set(eval_fake) | set(eval_real)
    train = [i for i, m in enumerate(meta) if i not in evaluated and m["root"] not in out_roots]
    return train, eval_fake, eval_real
