"""Generator families of the labelled speech folder (``../shared/data/audio``): one per system.

Pure Python. Used by ``python -m verifier.evaluate audio`` (per-family figures) and by the
training pool (``training/voice/families.py``: folds leave one family out).
"""
from __future__ import annotations

# Source folder of ../shared/data/audio/fake/<folder> → generator family, for folders of one system.
# One family per system: every F5-TTS fine-tune is "f5tts", every VITS (MMS, Piper) is "vits".
FAKE_FAMILY = {
    "kyubyong_tacotron": "tacotron_gl",  # Tacotron + Griffin-Lim (LJSpeech)
    "transformer_tts": "tacotron_gl",  # Transformer-TTS + CBHG + Griffin-Lim (LJSpeech): same vocoder type
    "wavernn": "wavernn",
    "valle_lifeiteng_demos": "valle",  # VALL-E / VALL-F, Encodec 24 kHz
    "f5tts_vi_clones": "f5tts",  # F5-TTS ViVoice fine-tune
    "psilab_f5tts_vi_outputs": "f5tts",
    "viettts": "viettts_hifigan",  # NAT acoustic model + HiFiGAN
    "viaudiodetect": "viaudiodetect_vi",  # TTS or so-vits-svc VC, per-file system not given
    "mms_vits_vn": "vits",
    "piper_vits_vn": "vits",
    "piper_vits_vn_nammap": "vits",
    "sparktts_vn": "sparktts_vi",
    "edgetts_simpletts": "commercial_vi",  # Microsoft Edge neural voice
    "fptai_autovid": "commercial_vi",  # FPT.AI commercial TTS
    "kani_tts_vie_test": "kani_tts_vi",
    "vvcs_invalid_demo_tts": "unnamed_vi_tts",  # a Vietnamese TTS the repository does not name
}
# Folders holding several systems: the family comes from the manifest's generator_or_recording,
# by its first words (checked in order; every row must match one, tests/test_voice_finetune.py).
FAMILY_BY_GENERATOR = {
    "vvcs_benchmark_engines": (("viXTTS", "xtts"), ("F5-TTS", "f5tts"), ("MMS-TTS", "vits"), ("Piper", "vits"),
                               ("Edge-TTS", "commercial_vi"), ("Bark", "bark")),
    "indextts_demo": (("IndexTTS", "indextts"), ("XTTS", "xtts"), ("CosyVoice2", "cosyvoice2"),
                      ("FireRedTTS", "fireredtts"), ("F5-TTS", "f5tts"), ("FishSpeech", "fishspeech")),
    "maskgct_demo": (("MaskGCT", "maskgct"), ("AR baseline", "ar_baseline")),
    "f5tts_demo": (("F5-TTS", "f5tts"), ("E2 TTS", "e2tts")),
}


def family_of(folder: str, generator: str) -> str:
    """Generator family of a file of ``fake/<folder>/`` whose manifest says ``generator``."""
    if folder in FAKE_FAMILY:
        return FAKE_FAMILY[folder]
    for prefix, family in FAMILY_BY_GENERATOR[folder]:
        if generator.startswith(prefix):
            return family
    raise KeyError(f"no family for {folder!r} / {generator!r}")


def real_group(folder: str, recording: str) -> str:
    """Real group of a file of ``real/<folder>/``; viet-asr is split into news and call centre."""
    if folder == "vietasr":
        return "vietasr_call" if "call-center" in recording else "vietasr_news"
    return folder
