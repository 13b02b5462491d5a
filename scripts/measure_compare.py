"""Measure ``verifier compare`` on the development data and set its thresholds.

    python scripts/measure_compare.py [--shared ../shared] [--cache /tmp/compare_cache.npz] [--write]

Voice: real recordings of ``../shared/data/audio`` whose speaker is known from the corpus's
file names (VCTK ``pNNN``, LibriSpeech/LibriTTS speaker ids, LJSpeech, and the named
Vietnamese prompts); same-person pairs are two different files of one speaker, different-person
pairs two files of different speakers. Files of unknown speaker (call-centre, news, ViAudioDetect,
the alsa prompts, AISHELL) are left out. Voice clones and TTS of a known voice are scored
against their real speaker separately: they are expected to match.

Face: the RMFD "AFDB" photos of ``../shared/data/faces`` (identity in the file name):
same-person pairs are two photos of one person, different-person pairs the first photos of two
people. Video clips add rows reported apart: the two halves of one real clip (same person, same
session: an upper bound) and a DeepFaceLive swap against the real streamer under it.

Thresholds (set by the rule below, not by hand): "different person" below the 2nd percentile of
the same-person similarities (≈ 2 % of genuine pairs would be called different), "match" from
the 98th percentile of the different-person similarities, each rounded down/up to 0.01; when the
distributions do not overlap (the first above the second) the two are swapped, so that "different"
and "match" each stay where the other kind of pair (almost) never falls and the gap is "unclear". ``--write`` stores them with their provenance in
``verifier/assets/compare_thresholds.json`` and the table in ``docs/compare.md``.
"""
from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import math
import re
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SAME_PCTL = 2.0  # % of same-person pairs allowed under the "different" threshold
DIFF_PCTL = 98.0  # percentile of different-person pairs for the "match" threshold


def speaker_of(rel: str) -> str | None:
    """Speaker label of a real audio file from its corpus naming; None when unknown."""
    name = Path(rel).name
    folder = Path(rel).parent.name
    if folder == "autovc_vctk":
        return "vctk_" + name.split("_")[0]
    if folder == "librispeech_resemblyzer":
        return "libri_" + name.split("-")[0]
    if folder == "rtvc_samples":
        sid = name.split("_")[0]
        return ("vctk_" if sid.startswith("p") else "libri_") + sid
    if folder == "valle_lifeiteng_prompts":
        if name.startswith("LJ"):
            return "lj"
        if name.startswith("ch_"):
            return None
        return "libri_" + name.split("_")[0]
    if rel.endswith("wavernn/436k_steps_target.wav"):
        return "lj"
    if folder == "f5tts_vi_refs":
        return "vi_f5_" + re.sub(r"(_trimmed)?\.wav$", "", name)
    if folder in ("viettts_prompts", "vixtts_reference", "vietvoice"):
        return "vi_" + Path(name).stem
    return None


# clone (fake) file -> speaker it imitates (manifest notes: F5-TTS prompt pairs; LJSpeech-trained systems)
CLONES = {
    "fake/f5tts_vi_clones/36_trimmed_output.wav": ("vi_f5_36", "F5-TTS voice clone (vi)"),
    "fake/f5tts_vi_clones/37_trimmed_output.wav": ("vi_f5_37", "F5-TTS voice clone (vi)"),
    "fake/f5tts_vi_clones/chi_phien_trimmed_output.wav": ("vi_f5_chi_phien", "F5-TTS voice clone (vi)"),
    "fake/f5tts_vi_clones/kha_banh_output.wav": ("vi_f5_kha_banh", "F5-TTS voice clone (vi)"),
    "fake/valle_lifeiteng_demos/ljspeech_demo_0.wav": ("lj", "VALL-E trained on LJSpeech"),
    "fake/valle_lifeiteng_demos/ljspeech_demo_1.wav": ("lj", "VALL-E trained on LJSpeech"),
    "fake/transformer_tts/test.wav": ("lj", "Transformer-TTS trained on LJSpeech"),
    "fake/wavernn/436k_steps_gen.wav": ("lj", "WaveRNN vocoder resynthesis of LJSpeech"),
}


def rmfd_identity(name: str) -> str:
    return name.split("_")[2]


def auc(same: np.ndarray, diff: np.ndarray) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(np.r_[np.ones(len(same)), np.zeros(len(diff))], np.r_[same, diff]))


def choose(same: np.ndarray, diff: np.ndarray) -> dict:
    lo = math.floor(np.percentile(same, SAME_PCTL) * 100) / 100
    hi = math.ceil(np.percentile(diff, DIFF_PCTL) * 100) / 100
    rule = f"different below the {SAME_PCTL:g}nd percentile of same-person pairs, match from the {DIFF_PCTL:g}th percentile of different-person pairs"
    if hi < lo:
        lo, hi = hi, lo  # keep different_if_below <= match_from; the gap becomes "unclear"
        rule += " (the two distributions do not overlap: the gap between them is 'unclear')"
    return {"different_if_below": lo, "match_from": hi, "rule": rule}


def rates(same, diff, th) -> dict:
    return {"same_called_different_pct": round(100 * float(np.mean(same < th["different_if_below"])), 1),
            "different_called_match_pct": round(100 * float(np.mean(diff >= th["match_from"])), 1),
            "different_called_different_pct": round(100 * float(np.mean(diff < th["different_if_below"])), 1),
            "same_called_match_pct": round(100 * float(np.mean(same >= th["match_from"])), 1)}


def embed_all(shared: Path, cache: Path | None) -> dict:
    """{key: vector}; keys "voice:<rel>", "vhalf0:<rel>", "vhalf1:<rel>", "face:<rel>", "face0:<rel>", "face1:<rel>"."""
    from verifier.analysis.identity.sample import sample_file
    from verifier.analysis.identity.speaker import embed_utterance, speech_only
    from verifier.analysis.media import load_audio
    from verifier.analysis.speech import detect_speech
    from verifier.core.params import SpeakerParams

    out = dict(np.load(cache)) if cache and cache.is_file() else {}
    audio = shared / "data" / "audio"
    t0 = time.perf_counter()
    for p in sorted(audio.rglob("*")):
        rel = p.relative_to(audio).as_posix()
        if not p.is_file() or p.name in ("README.md", "MANIFEST.tsv") or f"voice:{rel}" in out or f"none:{rel}" in out:
            continue
        y = load_audio(str(p))
        sp = detect_speech(y)
        if sp.speech_s < SpeakerParams().min_speech_s:
            out[f"none:{rel}"] = np.zeros(1)
            continue
        s = speech_only(y, sp.segments, SpeakerParams().max_speech_s)
        out[f"voice:{rel}"] = embed_utterance(s)[0]
        if len(s) >= 2 * 4 * 16000:  # halves of at least 4 s of speech each
            out[f"vhalf0:{rel}"] = embed_utterance(s[: len(s) // 2])[0]
            out[f"vhalf1:{rel}"] = embed_utterance(s[len(s) // 2:])[0]
    print(f"audio embedded in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    t0 = time.perf_counter()
    faces = shared / "data" / "faces" / "images" / "rmfd_afdb"
    for p in sorted(faces.glob("*.jpg")):
        rel = "faces/" + p.name
        if f"face:{rel}" in out or f"none:{rel}" in out:
            continue
        s = sample_file(str(p))
        out[f"face:{rel}" if len(s.faces) else f"none:{rel}"] = s.faces[0] if len(s.faces) else np.zeros(1)
    print(f"photos embedded in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    if cache:
        np.savez(cache, **out)
    t0 = time.perf_counter()
    video = shared / "data" / "video"
    for p in sorted(video.rglob("*.mp4")):
        rel = "video/" + p.relative_to(video).as_posix()
        if not (rel.startswith("video/real/") or "deepfacelive/" in rel) or f"face:{rel}" in out or f"none:{rel}" in out:
            continue
        s = sample_file(str(p), voice=False)
        if len(s.faces) < 2:
            out[f"none:{rel}"] = np.zeros(1)
            continue
        k = len(s.faces) // 2
        out[f"face:{rel}"] = s.faces.mean(0)
        out[f"face0:{rel}"], out[f"face1:{rel}"] = s.faces[:k].mean(0), s.faces[k:].mean(0)
        if cache:
            np.savez(cache, **out)
    print(f"videos embedded in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    return out


def vsim(a, b):
    return float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))


def fsim(a, b):
    return 1.0 - float(np.linalg.norm(a - b))


def stats(x) -> str:
    x = np.asarray(x)
    return f"{len(x)} | {np.min(x):.3f} | {np.median(x):.3f} | {np.max(x):.3f}"


QUANTILES = (2, 25, 50, 75, 98)  # percentiles kept for the app's distribution plot (verifier/ui/compare_tab.py)


def quantiles(x) -> dict:
    """{"n", "min", "p2", "p25", "p50", "p75", "p98", "max"} of a similarity sample, rounded."""
    x = np.asarray(x, float)
    q = {f"p{p}": round(float(np.percentile(x, p)), 4) for p in QUANTILES}
    return {"n": int(len(x)), "min": round(float(x.min()), 4), **q, "max": round(float(x.max()), 4)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--cache", default="/tmp/compare_cache.npz")
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args(argv)
    shared = Path(args.shared)
    from verifier.analysis import threads

    threads.configure()
    emb = embed_all(shared, Path(args.cache) if args.cache else None)

    # --- voice
    voices = {k.split(":", 1)[1]: v for k, v in emb.items() if k.startswith("voice:")}
    real = {r: speaker_of(r) for r in voices if r.startswith("real/") and speaker_of(r)}
    same_v, diff_v = [], []
    for a, b in itertools.combinations(sorted(real), 2):
        (same_v if real[a] == real[b] else diff_v).append(vsim(voices[a], voices[b]))
    same_v, diff_v = np.array(same_v), np.array(diff_v)
    vi_ids = {r: s for r, s in real.items() if s.startswith("vi_")}
    diff_vi = np.array([vsim(voices[a], voices[b]) for a, b in itertools.combinations(sorted(vi_ids), 2)])
    same_corpus = np.array([vsim(voices[a], voices[b]) for a, b in itertools.combinations(sorted(real), 2)
                            if real[a] != real[b] and Path(a).parent == Path(b).parent])
    halves_vi = np.array([vsim(emb[f"vhalf0:{r}"], emb[f"vhalf1:{r}"]) for r in vi_ids if f"vhalf0:{r}" in emb])
    halves_all = np.array([vsim(emb[f"vhalf0:{r}"], emb[f"vhalf1:{r}"]) for r in real if f"vhalf0:{r}" in emb])
    clones = {}
    for c, (spk, gen) in CLONES.items():
        if c not in voices:
            continue
        for r, s in real.items():
            if s == spk:
                clones.setdefault(gen, []).append(vsim(voices[c], voices[r]))
    th_v = choose(same_v, diff_v)

    # --- face
    photos = {k.split(":", 1)[1]: v for k, v in emb.items() if k.startswith("face:faces/")}
    by_id: dict[str, list[str]] = {}
    for r in sorted(photos):
        by_id.setdefault(rmfd_identity(Path(r).name), []).append(r)
    same_f = np.array([fsim(photos[a], photos[b]) for rs in by_id.values() for a, b in itertools.combinations(rs, 2)])
    firsts = [rs[0] for rs in by_id.values()]
    diff_f = np.array([fsim(photos[a], photos[b]) for a, b in itertools.combinations(firsts, 2)])
    th_f = choose(same_f, diff_f)
    vids = {k.split(":", 1)[1]: v for k, v in emb.items() if k.startswith("face:video/")}
    halves_f = np.array([fsim(emb[f"face0:{r}"], emb[f"face1:{r}"]) for r in vids if r.startswith("video/real/")])
    swap_f = []
    for r in vids:
        if "/deepfacelive/" in r:
            o = r.replace("/fake/deepfacelive/", "/real/deepfacelive_original/").replace("_swap.mp4", "_orig.mp4")
            if o in vids:
                swap_f.append(fsim(vids[r], vids[o]))
    swap_f = np.array(swap_f)
    n_photo_missing = sum(1 for k in emb if k.startswith("none:faces/"))

    res = {
        "voice": {**th_v, "auc": round(auc(same_v, diff_v), 4), "same_pairs": len(same_v), "different_pairs": len(diff_v),
                  "speakers": len(set(real.values())), "files": len(real), **rates(same_v, diff_v, th_v)},
        "face": {**th_f, "auc": round(auc(same_f, diff_f), 4), "same_pairs": len(same_f), "different_pairs": len(diff_f),
                 "identities": len(by_id), "photos": len(photos), "photos_without_face": n_photo_missing,
                 **rates(same_f, diff_f, th_f)},
    }
    res["voice"]["vietnamese_different_called_different_pct"] = round(100 * float(np.mean(diff_vi < th_v["different_if_below"])), 1)
    res["voice"]["same_corpus_different_called_different_pct"] = round(100 * float(np.mean(same_corpus < th_v["different_if_below"])), 1)
    res["voice"]["clones_called_match"] = {g: f"{int(np.sum(np.array(v) >= th_v['match_from']))}/{len(v)}" for g, v in sorted(clones.items())}
    res["voice"]["clones_called_different"] = {g: f"{int(np.sum(np.array(v) < th_v['different_if_below']))}/{len(v)}" for g, v in sorted(clones.items())}
    res["face"]["swap_vs_original_called_different"] = f"{int(np.sum(swap_f < th_f['different_if_below']))}/{len(swap_f)}"
    res["face"]["clip_halves_called_different"] = f"{int(np.sum(halves_f < th_f['different_if_below']))}/{len(halves_f)}"
    print(json.dumps(res, indent=1))
    rows = [
        ("voice", "same speaker, different files (VCTK, LibriSpeech, LibriTTS, LJSpeech)", same_v),
        ("voice", "different speakers (all known-speaker real files)", diff_v),
        ("voice", "different speakers, same corpus folder (same channel: the harder case)", same_corpus),
        ("voice", "different speakers, Vietnamese only", diff_vi),
        ("voice", "same file, two halves of the speech (all, upper bound; not used for thresholds)", halves_all),
        ("voice", "same file, two halves, Vietnamese only (no Vietnamese same-speaker file pairs exist here)", halves_vi),
        *[("voice", f"CLONE vs its real speaker: {g} (expected to match)", np.array(v)) for g, v in sorted(clones.items())],
        ("face", "same person, different photos (RMFD AFDB)", same_f),
        ("face", "different people, first photo each (RMFD AFDB)", diff_f),
        ("face", "same real clip, first vs second half of the frames (upper bound; not used)", halves_f),
        ("face", "DeepFaceLive swap vs the real streamer under it (same scene, other face)", swap_f),
    ]
    for part, what, x in rows:
        if len(x):
            print(f"| {part} | {what} | {stats(x)} |")
    if args.write:
        today = dt.date.today().isoformat()
        out = {
            "voice": {"different_if_below": th_v["different_if_below"], "match_from": th_v["match_from"]},
            "face": {"different_if_below": th_f["different_if_below"], "match_from": th_f["match_from"]},
            "provenance": {"script": "scripts/measure_compare.py", "date": today, "data": "../shared/data/audio (real, known speakers), ../shared/data/faces/images/rmfd_afdb",
                           "scales": "voice: cosine similarity of GE2E embeddings (resemblyzer-ge2e); face: 1 - Euclidean distance of dlib descriptors (dlib-face-resnet)",
                           "measured": res,
                           "distributions": {"voice": {"same": quantiles(same_v), "different": quantiles(diff_v)},
                                             "face": {"same": quantiles(same_f), "different": quantiles(diff_f)}}},
        }
        (ROOT / "verifier" / "assets" / "compare_thresholds.json").write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        table = "\n".join(f"| {p} | {w} | {stats(x)} |" for p, w, x in rows if len(x))
        (ROOT / "docs" / "compare_table.md").write_text(
            f"<!-- written by scripts/measure_compare.py on {today}; do not edit -->\n"
            "| part | pairs | n | min | median | max |\n|---|---|---|---|---|---|\n" + table + "\n\n"
            f"Voice: ROC AUC {res['voice']['auc']:.3f} ({res['voice']['same_pairs']} same / {res['voice']['different_pairs']} different pairs, "
            f"{res['voice']['speakers']} speakers, {res['voice']['files']} files); different if below {th_v['different_if_below']:.2f}, "
            f"match from {th_v['match_from']:.2f}: same-speaker pairs called different {res['voice']['same_called_different_pct']} %, "
            f"different-speaker pairs called a match {res['voice']['different_called_match_pct']} %, called different {res['voice']['different_called_different_pct']} %.\n\n"
            f"Face: ROC AUC {res['face']['auc']:.3f} ({res['face']['same_pairs']} same / {res['face']['different_pairs']} different pairs, "
            f"{res['face']['identities']} people, {res['face']['photos']} photos with a frontal face, {res['face']['photos_without_face']} without); "
            f"different if below {th_f['different_if_below']:.2f}, match from {th_f['match_from']:.2f}: same-person pairs called different "
            f"{res['face']['same_called_different_pct']} %, different-person pairs called a match {res['face']['different_called_match_pct']} %, "
            f"called different {res['face']['different_called_different_pct']} %.\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
