"""Finding the challenge moments in per-frame tracks (pure functions on arrays).

Sign convention (verifier.analysis.face.head_pose_deg): yaw > 0 when the face turns towards image left,
i.e. the person turns to their own right → ``turn_right``; yaw < 0 → ``turn_left``. A mirrored
recording (some phones mirror the front camera) swaps the two; the challenge asks for both.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..core.params import ChallengeParams


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


def find_hand_moments(t_s, hand_share, hand_count=None, params: ChallengeParams = ChallengeParams()) -> list[Span]:
    """A hand over the face: samples where the share of the hand's landmarks inside the face box is at
    least ``hand_overlap_min``, joined across gaps under ``merge_gap_s``.

    The hand must also be seen beside the face (a hand sample with less than ``hand_overlap_min`` of
    it in the box) within ``window_s`` of the moment: a hand that crosses the face comes from and
    goes somewhere, while the hand model's false detections on a face (measured on 3 real dev
    clips without any hand: a "hand" inside the face box, never beside it) do not.

    Parameters
    ----------
    t_s, hand_share : np.ndarray [shape=(m,)]
        Times of the hand samples, s; largest share of one hand's 21 landmarks in the face box
        (0 without a hand, nan where neither a face nor a held face box was known).
    hand_count : np.ndarray [shape=(m,)], optional
        Hands found per sample (None: every sample with a share > 0 has one, no check beside the face).
    """
    t_s, share = np.asarray(t_s, float), np.nan_to_num(np.asarray(hand_share, float), nan=0.0)
    beside = None if hand_count is None else (np.asarray(hand_count) > 0) & (share < params.hand_overlap_min)
    out = []
    for a, b in merge_runs(runs(share >= params.hand_overlap_min), t_s, params.merge_gap_s):
        if beside is not None:
            near = (t_s >= t_s[a] - params.window_s) & (t_s <= t_s[b] + params.window_s)
            if not (beside & near).any():
                continue
        out.append(Span("hand", int(a), int(b), a + int(np.argmax(share[a: b + 1]))))
    return out


def find_nose_touches(t_s, fingertip_nose_rel, hand_share=None, hand_count=None,
                      params: ChallengeParams = ChallengeParams()) -> list[Span]:
    """Index fingertip within ``nose_touch_rel`` × face height of the nose tip (nan: no hand or no face).

    With ``hand_share`` and ``hand_count``, the hand must also be seen beside the face within
    ``window_s`` (as in :func:`find_hand_moments`: false hand detections lie on the face only).
    """
    t_s = np.asarray(t_s, float)
    d = np.nan_to_num(np.asarray(fingertip_nose_rel, float), nan=np.inf)
    beside = None
    if hand_share is not None and hand_count is not None:
        share = np.nan_to_num(np.asarray(hand_share, float), nan=0.0)
        beside = (np.asarray(hand_count) > 0) & (share < params.hand_overlap_min)
    out = []
    for a, b in merge_runs(runs(d <= params.nose_touch_rel), t_s, params.merge_gap_s):
        if beside is not None:
            near = (t_s >= t_s[a] - params.window_s) & (t_s <= t_s[b] + params.window_s)
            if not (beside & near).any():
                continue
        out.append(Span("nose_touch", int(a), int(b), a + int(np.argmin(d[a: b + 1]))))
    return out


def hand_gaps_over_face(t_s, hand_share, face_present, hand_xy, face_box,
                        params: ChallengeParams = ChallengeParams()) -> list[tuple[int, int, float]]:
    """Where a hand disappears exactly over the face and comes back, while the face stays tracked.

    A gap counts when the hand touches the face box on both sides of it, the face is tracked on
    every sample of the gap, the gap lasts ``hand_gap_s`` to ``3 × merge_gap_s + hand_gap_s``, and
    the straight path between the hand's centres before and after crosses the inner half of the
    face box (a hand that stays at the edge of the face, at the ear or chin, is not "over" it).

    Parameters
    ----------
    t_s, hand_share, face_present : np.ndarray [shape=(m,)]
        Hand-sample times (s), hand share in the face box, face tracked.
    hand_xy : np.ndarray [shape=(m, 2)]
        Centre of the hand most inside the face box, pixels (nan without a hand).
    face_box : np.ndarray [shape=(m, 4)]
        Face box (x0, y0, x1, y1) held at each sample, pixels (nan without one).

    Returns
    -------
    list of (index before, index after, seconds between them).
    """
    t_s = np.asarray(t_s, float)
    share = np.nan_to_num(np.asarray(hand_share, float), nan=0.0)
    face = np.asarray(face_present, bool)
    xy, box = np.asarray(hand_xy, float).reshape(-1, 2), np.asarray(face_box, float).reshape(-1, 4)
    on = np.flatnonzero(share > 0)
    out = []
    for a, b in zip(on[:-1], on[1:]):
        if b - a < 2:
            continue
        gap = float(t_s[b] - t_s[a])
        if not (params.hand_gap_s <= gap <= 3 * params.merge_gap_s + params.hand_gap_s and face[a + 1: b].all()):
            continue
        x0, y0, x1, y1 = box[a]
        cx, cy, hw, hh = (x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) / 4, (y1 - y0) / 4
        path = xy[a] + np.linspace(0, 1, 11)[:, None] * (xy[b] - xy[a])
        if (np.all(np.isfinite(path)) and ((np.abs(path[:, 0] - cx) <= hw) & (np.abs(path[:, 1] - cy) <= hh)).any()):
            out.append((int(a), int(b), round(gap, 2)))
    return out
