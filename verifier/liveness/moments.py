"""Finding the challenge moments in per-frame tracks (pure functions on arrays).

Sign convention (verifier.face.head_pose_deg): yaw > 0 when the face turns towards image left,
i.e. the person turns to their own right → ``turn_right``; yaw < 0 → ``turn_left``. A mirrored
recording (some phones mirror the front camera) swaps the two; the challenge asks for both.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .params import ChallengeParams


@dataclass
class Span:
    """One moment in sample indices (inclusive) of the track it was found in."""

    kind: str
    i0: int
    i1: int
    peak: int
    reached: bool = True  # the action was seen (a turn past the threshold, a hand over the face)
    lost_s: float = 0.0  # face lost inside a turn, s


def runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) index of each run of True in ``mask`` (inclusive)."""
    m = np.concatenate([[False], np.asarray(mask, bool), [False]])
    d = np.diff(m.astype(np.int8))
    return list(zip(np.flatnonzero(d == 1), np.flatnonzero(d == -1) - 1))


def merge_runs(rs: list, t_s: np.ndarray, gap_s: float) -> list[tuple[int, int]]:
    """Join runs whose gap (time between the end of one and the start of the next) is under ``gap_s``."""
    out: list = []
    for a, b in rs:
        if out and t_s[a] - t_s[out[-1][1]] <= gap_s:
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def _lost_after_turn(present: np.ndarray, side_yaw: np.ndarray, min_yaw: float) -> np.ndarray:
    """True on frames without a face whose last frame with a face had ``side_yaw`` ≥ ``min_yaw``."""
    out = np.zeros(len(present), bool)
    last = -np.inf
    for i in range(len(present)):
        if present[i]:
            last = side_yaw[i]
        else:
            out[i] = last >= min_yaw
    return out


def find_turns(t_s, yaw_deg, present, params: ChallengeParams = ChallengeParams()) -> list[Span]:
    """Head turns to each side.

    A turn spans the frames with ``side × yaw ≥ turn_window_yaw_deg`` (and the frames where the face
    was lost right after ``side × yaw ≥ turn_lost_min_yaw_deg``), joined across gaps under
    ``merge_gap_s``. It is ``reached`` when a tracked frame passes ``turn_yaw_deg``; a turn whose face
    was lost before that is kept, not reached, with the lost time (never a pass).

    Parameters
    ----------
    t_s, yaw_deg : np.ndarray [shape=(n,)]
        Frame times, s; yaw, degrees (nan where no face).
    present : np.ndarray [shape=(n,)], bool
    """
    t_s, yaw, present = np.asarray(t_s, float), np.asarray(yaw_deg, float), np.asarray(present, bool)
    out: list[Span] = []
    dt = np.median(np.diff(t_s)) if len(t_s) > 1 else 0.0
    for side, kind in ((1.0, "turn_right"), (-1.0, "turn_left")):
        sy = np.where(present, side * np.nan_to_num(yaw, nan=0.0), -np.inf)
        lost = _lost_after_turn(present, sy, params.turn_lost_min_yaw_deg)
        active = (sy >= params.turn_window_yaw_deg) | lost
        for a, b in merge_runs(runs(active), t_s, params.merge_gap_s):
            seg = sy[a: b + 1]
            peak = a + int(np.argmax(seg))
            lost_s = float(lost[a: b + 1].sum() * dt)
            reached = bool(seg.max() >= params.turn_yaw_deg)
            if reached or lost_s >= params.merge_gap_s / 3:
                out.append(Span(kind, int(a), int(b), int(peak), reached, round(lost_s, 2)))
    return sorted(out, key=lambda s: s.i0)


def find_hand_moments(t_s, hand_share, params: ChallengeParams = ChallengeParams()) -> list[Span]:
    """A hand over the face: samples where the share of the hand's landmarks inside the face box is at
    least ``hand_overlap_min``, joined across gaps under ``merge_gap_s``.

    Parameters
    ----------
    t_s, hand_share : np.ndarray [shape=(m,)]
        Times of the hand samples, s; largest share of one hand's 21 landmarks in the face box
        (0 without a hand, nan where neither a face nor a held face box was known).
    """
    t_s, share = np.asarray(t_s, float), np.nan_to_num(np.asarray(hand_share, float), nan=0.0)
    out = []
    for a, b in merge_runs(runs(share >= params.hand_overlap_min), t_s, params.merge_gap_s):
        out.append(Span("hand", int(a), int(b), a + int(np.argmax(share[a: b + 1]))))
    return out


def find_nose_touches(t_s, fingertip_nose_rel, params: ChallengeParams = ChallengeParams()) -> list[Span]:
    """Index fingertip within ``nose_touch_rel`` × face height of the nose tip (nan: no hand or no face)."""
    t_s = np.asarray(t_s, float)
    d = np.nan_to_num(np.asarray(fingertip_nose_rel, float), nan=np.inf)
    out = []
    for a, b in merge_runs(runs(d <= params.nose_touch_rel), t_s, params.merge_gap_s):
        out.append(Span("nose_touch", int(a), int(b), a + int(np.argmin(d[a: b + 1]))))
    return out


def hand_gaps_over_face(t_s, hand_share, face_present, params: ChallengeParams = ChallengeParams()) -> list[tuple[int, int, float]]:
    """Where a hand touching the face box disappears and comes back while the face stays tracked.

    Returns (index of the last sample with the hand on the face box, index of the next one with it,
    seconds between them) for each gap of at least ``hand_gap_s`` with a face on every sample of the
    gap. Hands leaving the picture are not counted: the hand must touch the face box on both sides.
    """
    t_s = np.asarray(t_s, float)
    share = np.nan_to_num(np.asarray(hand_share, float), nan=0.0)
    face = np.asarray(face_present, bool)
    on = np.flatnonzero(share > 0)
    out = []
    for a, b in zip(on[:-1], on[1:]):
        if b - a < 2:
            continue
        gap = float(t_s[b] - t_s[a])
        if gap >= params.hand_gap_s and face[a + 1: b].all() and gap <= 3 * params.merge_gap_s + params.hand_gap_s:
            out.append((int(a), int(b), round(gap, 2)))
    return out
