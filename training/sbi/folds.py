"""Cross-fitting folds of the real clips of ``../shared/data/video`` by scene/identity group (round 3).

Every real clip belongs to one *group*: the clips that must not be split between a training and
a test side because they show the same person or the same recording. A DeepFaceLive fake takes
the group of its real half (same scene, only the face swapped), so its paired original is never
in the training data of the model that scores it. Fakes without a real counterpart here (SadTalker,
Wav2Lip, GeneFace: their identities appear in no real clip, checked by eye on one crop per clip)
have no group and are scored by the mean of the K fold models.

The groups below were set by hand from one canonical face crop of every clip (a contact sheet,
2026-11-30): clips were merged whenever the same person *might* be shown (conservative: a merged
group only costs balance, a missed merge leaks identity). The file names of the DeepFaceLive
halves name the swapped-in celebrity model, not the person filmed, so they do not identify the
person; e.g. ``Keanu_Reeves_0_orig`` shows Barack Obama, as does ``deepfacelive_samples/Obama_speaking``.
"""
from __future__ import annotations

import csv
import os

K_FOLDS = 4
FIELDS = ("path", "label", "source", "group", "fold", "reason")

# group -> (clips relative to the video folder, reason). Clips not listed form a group of their own.
MERGED_GROUPS: dict[str, tuple[tuple[str, ...], str]] = {
    "obama": (("real/deepfacelive_original/Keanu_Reeves_0_orig.mp4", "real/deepfacelive_samples/Obama_speaking.mp4"),
              "both show Barack Obama at a lectern (likely the same footage)"),
    "dfl_young_man_dark_room": (("real/deepfacelive_original/David_Kovalniy_1_orig.mp4",
                                 "real/deepfacelive_original/Matilda_Bobbie_0_orig.mp4",
                                 "real/deepfacelive_original/Zahar_Lupin_0_orig.mp4",
                                 "real/deepfacelive_original/Tim_Chrys_0_orig.mp4"),
                                "the same young dark-haired man in a dark room (red light in three), possibly the same recording"),
    "dfl_blonde_woman": (("real/deepfacelive_original/Albica_Johns_0_orig.mp4", "real/deepfacelive_original/Ewon_Spice_1_orig.mp4",
                          "real/deepfacelive_original/Liu_Lice_0_orig.mp4"),
                         "blonde young woman, possibly the same person"),
    "dfl_east_asian_woman": (("real/deepfacelive_original/Ava_de_Addario_2_orig.mp4",
                              "real/deepfacelive_original/Meggie_Merkel_0_orig.mp4",
                              "real/deepfacelive_original/Natasha_Former_0_orig.mp4",
                              "real/deepfacelive_original/Tina_Shift_0_orig.mp4"),
                             "young East Asian woman (streamer-style framing), possibly the same person"),
    "dfl_bearded_man_headset": (("real/deepfacelive_original/Bryan_Greynolds_1_orig.mp4",
                                 "real/deepfacelive_original/Kim_Jarrey_0_orig.mp4",
                                 "real/deepfacelive_original/Silwan_Stillwone_1_orig.mp4"),
                                "bearded dark-haired man, two with headphones, possibly the same person"),
    "lp_man_round_glasses": (("real/liveportrait_driving/d9.mp4", "real/liveportrait_driving/d13.mp4"),
                             "the same man with round glasses"),
    "lp_young_man_d18_d19": (("real/liveportrait_driving/d18.mp4", "real/liveportrait_driving/d19.mp4"),
                             "similar young man (glasses in one), possibly the same person"),
    "robert_downey_jr": (("real/pcavs_voxceleb/pose_source_00473.mp4", "real/pcavs_voxceleb/pose_source_741400163.mp4"),
                         "VoxCeleb: both Robert Downey Jr."),
}
DFL_FAKE, DFL_REAL = "fake/deepfacelive", "real/deepfacelive_original"


def _pair_key(path: str) -> str:
    return os.path.basename(path).rsplit("_", 1)[0]  # Albica_Johns_0_swap.mp4 -> Albica_Johns_0


def clip_groups(manifest_rows: list[dict]) -> dict[str, tuple[str, str]]:
    """path -> (group, reason) for every clip of the video MANIFEST (fakes without a real
    counterpart: group ``""``)."""
    merged = {p: (g, why) for g, (paths, why) in MERGED_GROUPS.items() for p in paths}
    out = {}
    for r in manifest_rows:
        if r["label"] == "real":
            out[r["path"]] = merged.get(r["path"], (os.path.splitext(r["path"])[0].replace("real/", "", 1),
                                                      "own group (no other clip shows this person)"))
    reals_by_key = {_pair_key(p): p for p in out if p.startswith(DFL_REAL + "/")}
    for r in manifest_rows:
        if r["label"] == "fake":
            if r["source"] == DFL_FAKE:
                orig = reals_by_key[_pair_key(r["path"])]
                out[r["path"]] = (out[orig][0], f"DeepFaceLive swap of {os.path.basename(orig)} (same scene)")
            else:
                out[r["path"]] = ("", "no real clip of this identity or scene; scored by the mean of the fold models")
    return out


def assign_folds(group_sizes: dict[str, tuple[int, int]], k: int = K_FOLDS) -> dict[str, int]:
    """Group -> fold: greedy, largest group first, into the fold with the fewest real clips
    (ties: fewest DeepFaceLive originals, then the lowest fold). ``group_sizes``: group ->
    (real clips, DeepFaceLive originals). Deterministic."""
    load = [[0, 0] for _ in range(k)]
    out = {}
    for g in sorted(group_sizes, key=lambda g: (-group_sizes[g][0], -group_sizes[g][1], g)):
        f = min(range(k), key=lambda i: (load[i][0], load[i][1], i))
        out[g] = f
        load[f][0] += group_sizes[g][0]
        load[f][1] += group_sizes[g][1]
    return out


def build_folds(manifest_rows: list[dict], k: int = K_FOLDS) -> list[dict]:
    """Rows (path, label, source, group, fold, reason) for every clip; fold ``-1`` for fakes
    without a group."""
    groups = clip_groups(manifest_rows)
    sizes: dict[str, list[int]] = {}
    for r in manifest_rows:
        if r["label"] == "real":
            s = sizes.setdefault(groups[r["path"]][0], [0, 0])
            s[0] += 1
            s[1] += r["source"] == DFL_REAL
    fold = assign_folds({g: tuple(v) for g, v in sizes.items()}, k)
    rows = []
    for r in sorted(manifest_rows, key=lambda r: r["path"]):
        g, why = groups[r["path"]]
        rows.append({"path": r["path"], "label": r["label"], "source": r["source"], "group": g,
                     "fold": fold[g] if g else -1, "reason": why})
    return rows


def write_folds(rows: list[dict], path: str) -> None:
    from .data import write_tsv

    write_tsv(rows, path, FIELDS)


def read_folds(path: str) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    for r in rows:
        r["fold"] = int(r["fold"])
    return rows
