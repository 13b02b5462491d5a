"""Analysis of a recorded liveness challenge: find each moment, measure in and around it.

``analyze_challenge(path)`` decodes the clip once (:func:`verifier.analysis.media.decode` with a frame
consumer), tracks the face with the FaceMesh tracker at ``face_fps`` and runs mediapipe's bundled
hand model on every ``hand_every_n``-th tracked frame, on a square around the face. Then:

* moments (:mod:`verifier.liveness.moments`): ``turn_left`` / ``turn_right`` (|yaw| past ±45°;
  a face lost during a turn is kept as a moment that is NOT performed, note
  ``challenge.note.face_lost_at_turn``: the profile was not checked — never a pass), ``hand``
  (≥ 30 % of a hand's landmarks inside the face box), ``nose_touch`` (index fingertip near the nose tip);
* measures per moment (:mod:`verifier.liveness.measures`), compared with the clip's calm frames
  (frontal, no hand near the face, outside every moment).

Keys (i18n, verifier/core/locales/challenge.py), for the app:

* kinds ``challenge.kind.{turn_left,turn_right,hand,nose_touch}``;
  verdicts ``challenge.verdict.{anomaly,not_performed,partly_performed,no_anomaly_found}``;
* flags ``challenge.flag.{identity_change,landmark_jitter,border_discontinuity,face_over_hand,
  hand_vanished_over_face}`` — each message takes ``{value}`` and ``{threshold}``, which are in
  ``Moment.measures["flag_values"][flag]`` as ``[value, threshold]``;
* notes ``challenge.note.{face_lost_at_turn,identity_unavailable}`` (``{value}``, ``{yaw}``);
* measures (``Moment.measures`` keys; labels ``challenge.measure.<key>``): peak_abs_yaw_deg,
  face_lost_s, face_present_share, identity_distance_before_after, identity_distance_during_max,
  different_person_distance, faces_described, landmark_jitter_rel, landmark_jitter_ratio,
  border_step, border_step_ratio, hand_over_face_share, hand_region_change_ratio,
  hand_gap_over_face_s, fingertip_nose_rel, frame_score (None: no learned frame model installed);
* text lines ``challenge.{title,file_line,performed_line,missing_line,none,moment_line,moment_ok,
  error_line,elapsed_line}``; progress stages ``challenge.stage.{decode,measure,done}``.
"""
from __future__ import annotations

import logging
import os
import time

import numpy as np

from ..core.errors import MediaError, ModelUnavailableError, VerifierError
from ..core.params import ChallengeParams
from ..core.report import AnalysisError
from . import measures as ms
from .moments import Span, find_hand_moments, find_nose_touches, find_turns, hand_gaps_over_face
from .report import CHALLENGE_KINDS, ChallengeReport, Moment, decide_verdict

log = logging.getLogger("verifier")


def _noop(*_):
    pass


def analyze_challenge(path: str, params: ChallengeParams = ChallengeParams(), progress=None) -> ChallengeReport:
    """Find the challenge moments of a recording and measure each (see the module docstring).

    Parameters
    ----------
    path : str
        The recording; it is only read, nothing is written to disk.
    params : ChallengeParams
    progress : callable(fraction, stage_key), optional

    Returns
    -------
    ChallengeReport
        Never raises: a file that cannot be analysed gives ``error`` set and verdict "not_performed".
    """
    from ..analysis.media import display_name, probe

    t0 = time.perf_counter()
    path = os.fspath(path)
    progress = progress or _noop
    report = ChallengeReport(file=display_name(path), sha256="", duration_s=0.0,
                             performed={k: False for k in CHALLENGE_KINDS})
    stage = "probe"
    try:
        info = probe(path)
        report.sha256, report.duration_s = info.sha256, float(info.duration_s)
        if not info.has_video:
            raise MediaError("error.no_video", name=display_name(path))
        stage = "decode"
        progress(0.05, "challenge.stage.decode")
        col = _collect(path, info, params)
        stage = "measure"
        progress(0.8, "challenge.stage.measure")
        _measure(report, col, params)
    except VerifierError as e:
        report.error = AnalysisError(e.key, e.message("en"), stage, dict(e.params))
        report.moments, report.verdict = [], "not_performed"
        report.performed = {k: False for k in CHALLENGE_KINDS}
    except Exception as e:  # a bug: reported as this file's error, traceback to the log (CLI --debug)
        name, detail = display_name(path), f"{type(e).__name__}: {e}"
        log.error("Internal error while analysing %s: %s", name, detail)
        log.debug("traceback", exc_info=True)
        report.error = AnalysisError("error.internal", f"Internal error while analysing {name}: {detail}",
                                     f"internal:{stage}", {"name": name, "detail": detail})
        report.moments, report.verdict = [], "not_performed"
        report.performed = {k: False for k in CHALLENGE_KINDS}
    report.elapsed_s = time.perf_counter() - t0
    progress(1.0, "challenge.stage.done")
    return report


def _collect(path, info, params):
    from ..analysis.face import FaceTracker
    from ..analysis.media import decode
    from .collect import ChallengeCollector, HandModel

    hands = HandModel()
    try:
        with FaceTracker() as tracker:
            col = ChallengeCollector(tracker, hands, params)
            decode(path, info, col, max_fps=params.face_fps, audio=False, skip_nonref=True)
    finally:
        hands.close()
    return col


def _frames_between(t_s, a, b):
    return np.flatnonzero((t_s >= a) & (t_s <= b))


def _measure(report: ChallengeReport, col, p: ChallengeParams) -> None:
    a = col.arrays()
    t, present, yaw = a["t_s"], a["present"], a["yaw_deg"]
    if len(t) == 0:
        report.verdict = decide_verdict([], report.performed)
        return
    ht = t[a["h_idx"]] if len(a["h_idx"]) else np.zeros(0)
    spans = find_turns(t, yaw, present, p)
    h_count, h_xy, h_box = col.hand_geometry()
    hand_spans = find_hand_moments(ht, a["h_share"], h_count, p)
    nose_spans = find_nose_touches(ht, a["h_nose"], a["h_share"], h_count, p)
    gaps = hand_gaps_over_face(ht, a["h_share"], present[a["h_idx"]] if len(ht) else np.zeros(0, bool), h_xy, h_box, p)
    for g0, g1, gap in gaps:  # a hand that vanished over the face: a hand moment (flagged below)
        if not any(s.i0 <= g1 and g0 <= s.i1 for s in hand_spans):
            hand_spans.append(Span("hand", g0, g1, g0))
    # hand spans in frame indices
    fr_spans = list(spans)
    for s in hand_spans + nose_spans:
        fr_spans.append(Span(s.kind, int(a["h_idx"][s.i0]), int(a["h_idx"][s.i1]), int(a["h_idx"][s.peak]), s.reached))
    fr_spans.sort(key=lambda s: t[s.i0])

    jitter = ms.jitter_rel(a["landmarks"], a["face_px"])
    # calm frames: a frontal face, no hand near it, outside every moment (± the window)
    near_hand = np.zeros(len(t), bool)
    for k, i in enumerate(a["h_idx"]):
        if np.nan_to_num(a["h_share"][k]) > 0:
            near_hand[max(0, i - 2): i + 3] = True
    calm = present & (np.abs(np.nan_to_num(yaw, nan=99)) <= p.frontal_yaw_deg) & ~near_hand
    in_moment = np.zeros(len(t), bool)
    for s in fr_spans:
        in_moment[_frames_between(t, t[s.i0] - p.window_s, t[s.i1] + p.window_s)] = True
    calm_out = calm & ~in_moment
    base_mask = calm_out if calm_out.sum() >= p.min_calm_frames else calm
    enough = base_mask.sum() >= p.min_calm_frames
    base_jitter = float(np.nanmedian(jitter[base_mask])) if enough and np.isfinite(jitter[base_mask]).sum() >= 3 else None
    base_border = float(np.nanmedian(a["border"][base_mask, 0])) if enough and np.isfinite(a["border"][base_mask, 0]).any() else None
    report.baseline = {"calm_frames": int(base_mask.sum()), "landmark_jitter_rel": _r(base_jitter, 4),
                       "border_step": _r(base_border, 2), "frames_tracked": int(len(t)),
                       "face_present_share": _r(float(present.mean()), 3), "frame_score": None,
                       "max_abs_yaw_deg": _r(float(np.nanmax(np.abs(yaw))) if present.any() else None, 1)}

    # identity descriptors, all moments in one batch
    want: dict = {}
    plan = []
    for s in fr_spans:
        before = [i for i in _frames_between(t, t[s.i0] - p.window_s, t[s.i0] - 1e-6) if calm[i] and i in col.id_jpeg]
        after = [i for i in _frames_between(t, t[s.i1] + 1e-6, t[s.i1] + p.window_s) if calm[i] and i in col.id_jpeg]
        during = [i for i in range(s.i0, s.i1 + 1) if i in col.id_jpeg and not near_hand[i]]
        sel = [_even(before[::-1], p.max_described_per_window), _even(after, p.max_described_per_window),
               _even(during, p.max_described_per_window + 1)]
        plan.append(sel)
        for lst in sel:
            want.update({i: None for i in lst})
    ref_idx = _even([i for i in np.flatnonzero(base_mask) if i in col.id_jpeg], 8)
    want.update({i: None for i in ref_idx})
    desc, id_ok = _describe(col, sorted(want))
    threshold = p.identity_distance
    if threshold is None:
        from ..analysis.identity.consistency import different_distance

        threshold = different_distance()
    ref = ms.medoid(np.stack([desc[i] for i in ref_idx])) if id_ok and ref_idx else None

    moments = []
    for s, (bef, aft, dur) in zip(fr_spans, plan):
        moments.append(_one_moment(s, a, col, p, jitter, calm, near_hand, base_jitter, base_border,
                                   (bef, aft, dur), desc if id_ok else None, ref, threshold, gaps))
    report.moments = moments
    for m in moments:
        if m.kind in ("turn_left", "turn_right"):
            # a turn whose face was lost before the threshold is not performed (never a pass)
            report.performed[m.kind] |= "challenge.note.face_lost_at_turn" not in m.notes
        else:
            report.performed[m.kind] = True
    report.verdict = decide_verdict(moments, report.performed)


def _one_moment(s, a, col, p, jitter, calm, near_hand, base_jitter, base_border, plan, desc, ref, threshold, gaps):
    t, present, yaw = a["t_s"], a["present"], a["yaw_deg"]
    idx = np.arange(s.i0, s.i1 + 1)
    mm: dict = {"face_present_share": _r(float(present[idx].mean()), 3), "frame_score": None}
    flags, notes, fv = [], [], {}
    if s.kind.startswith("turn"):
        mm["peak_abs_yaw_deg"] = _r(float(np.nanmax(np.abs(yaw[idx]))) if present[idx].any() else None, 1)
        mm["face_lost_s"] = s.lost_s
        if not s.reached:
            notes.append("challenge.note.face_lost_at_turn")
    # landmark jitter
    j = jitter[idx]
    jm = float(np.nanmedian(j)) if np.isfinite(j).any() else None
    mm["landmark_jitter_rel"] = _r(jm, 4)
    jr = jm / max(base_jitter, p.jitter_floor_rel) if (jm is not None and base_jitter is not None) else None
    mm["landmark_jitter_ratio"] = _r(jr, 2)
    if jr is not None and jr >= p.jitter_ratio and jm >= p.jitter_min_rel:
        flags.append("challenge.flag.landmark_jitter")
        fv["challenge.flag.landmark_jitter"] = [_r(jr, 2), p.jitter_ratio]
    # border step
    b = a["border"][idx, 0]
    bm = float(np.nanmedian(b)) if np.isfinite(b).any() else None
    mm["border_step"] = _r(bm, 2)
    br = bm / max(base_border, 1.0) if (bm is not None and base_border is not None) else None
    mm["border_step_ratio"] = _r(br, 2)
    if br is not None and br >= p.border_ratio:
        flags.append("challenge.flag.border_discontinuity")
        fv["challenge.flag.border_discontinuity"] = [_r(br, 2), p.border_ratio]
    # identity
    bef, aft, dur = plan
    if desc is not None and (bef or aft or dur):
        get = lambda lst: np.stack([desc[i] for i in lst]) if lst else np.zeros((0, 128))  # noqa: E731
        ba, dm = ms.identity_distances(get(bef), get(aft), get(dur), ref)
        mm.update(identity_distance_before_after=_r(ba, 3), identity_distance_during_max=_r(dm, 3),
                  different_person_distance=_r(threshold, 3), faces_described=len(bef) + len(aft) + len(dur))
        worst = max([x for x in (ba, dm) if x is not None], default=None)
        if worst is not None and worst >= threshold:
            flags.append("challenge.flag.identity_change")
            fv["challenge.flag.identity_change"] = [_r(worst, 3), _r(threshold, 3)]
    else:
        mm.update(identity_distance_before_after=None, identity_distance_during_max=None,
                  different_person_distance=_r(threshold, 3), faces_described=0)
        notes.append("challenge.note.identity_unavailable")
    # hands
    if s.kind in ("hand", "nose_touch"):
        hs = np.flatnonzero((a["h_idx"] >= s.i0) & (a["h_idx"] <= s.i1))
        mm["hand_over_face_share"] = _r(float(np.nanmax(a["h_share"][hs])) if len(hs) and np.isfinite(a["h_share"][hs]).any() else None, 2)
        if s.kind == "nose_touch":
            mm["fingertip_nose_rel"] = _r(float(np.nanmin(a["h_nose"][hs])) if len(hs) and np.isfinite(a["h_nose"][hs]).any() else None, 3)
        gap = max([g for g0, g1, g in gaps if a["h_idx"][g0] <= s.i1 and s.i0 <= a["h_idx"][g1]], default=0.0)
        mm["hand_gap_over_face_s"] = gap
        if gap >= p.hand_gap_s:
            flags.append("challenge.flag.hand_vanished_over_face")
            fv["challenge.flag.hand_vanished_over_face"] = [gap, p.hand_gap_s]
        ratio = _hand_change(a, col, s, p, calm, hs)
        mm["hand_region_change_ratio"] = _r(ratio, 2)
        if ratio is not None and ratio < p.hand_change_ratio:
            flags.append("challenge.flag.face_over_hand")
            fv["challenge.flag.face_over_hand"] = [_r(ratio, 2), p.hand_change_ratio]
    mm["flag_values"] = fv
    frames, times = _thumbs(col, t, s, p)
    return Moment(s.kind, float(t[s.i0]), float(t[s.i1]), float(t[s.peak]), mm, flags, frames, times, notes)


def _hand_change(a, col, s, p, calm, hs):
    """Median over the hand samples of the moment of :func:`measures.hand_region_change`."""
    import cv2

    from .collect import CHANGE_CHIP_PX, apply

    t = a["t_s"]
    base_i = [i for i in _frames_between(t, t[s.i0] - 2 * p.window_s, t[s.i0] - 1e-6) if calm[i] and col.chip[i] is not None]
    if not base_i:
        return None
    base = np.median(np.stack([col.chip[i] for i in base_i[-5:]]), axis=0).astype(np.uint8)
    vals = []
    for k in hs:
        i = int(a["h_idx"][k])
        if col.chip[i] is None or not col.h_hands[k]:
            continue
        m = col.chip_m[i]
        oval = apply(m, col.landmarks[i][list(ms.FACE_OVAL)])
        face = np.zeros((CHANGE_CHIP_PX, CHANGE_CHIP_PX), np.uint8)
        cv2.fillPoly(face, [np.int32(np.round(oval))], 1)
        hand = max(col.h_hands[k], key=lambda h: ms.hand_share_in_box(h, col.box[i]))
        v = ms.hand_region_change(col.chip[i], base, apply(m, hand), face.astype(bool))
        if np.isfinite(v):
            vals.append(v)
    return float(np.median(vals)) if vals else None


def _thumbs(col, t, s, p):
    from .collect import unjpeg

    keys = np.array(sorted(col.thumbs))
    if len(keys) == 0:
        return [], []
    out, times = [], []
    for target in (t[s.i0] - p.window_s / 2, t[s.peak], t[s.i1] + p.window_s / 2):
        k = int(keys[np.argmin(np.abs(t[keys] - target))])
        out.append(unjpeg(col.thumbs[k]))
        times.append(float(t[k]))
    return out, times


def _describe(col, idx):
    from .collect import unjpeg

    if not idx:
        return {}, True
    try:
        from ..analysis.identity.face_embed import describe

        d = describe([unjpeg(col.id_jpeg[i]) for i in idx])
    except ModelUnavailableError:
        return {}, False
    return dict(zip(idx, d)), True


def _even(lst, k):
    if len(lst) <= k:
        return list(lst)
    return [lst[i] for i in np.linspace(0, len(lst) - 1, k).round().astype(int)]


def _r(x, nd):
    return None if x is None or not np.isfinite(x) else round(float(x), nd)


# --- text and CLI -------------------------------------------------------------------------------

def render_text(report: ChallengeReport, lang: str = "vi") -> str:
    """The report as a few lines of text in ``lang`` (``verifier challenge FILE``)."""
    from ..core.i18n import t

    lines = [t("challenge.title", lang),
             t("challenge.file_line", lang, file=report.file, duration_s=round(report.duration_s, 1),
               sha256=report.sha256 or "-")]
    if report.error is not None:
        from ..core.i18n import messages

        msg = t(report.error.key, lang, **report.error.params) if report.error.key in messages() else report.error.message
        lines.append(t("challenge.error_line", lang, message=msg))
    lines.append(t(f"challenge.verdict.{report.verdict}", lang))
    done = [t(f"challenge.kind.{k}", lang) for k in CHALLENGE_KINDS if report.performed.get(k)]
    missing = [t(f"challenge.kind.{k}", lang) for k in CHALLENGE_KINDS if not report.performed.get(k)]
    lines.append(t("challenge.performed_line", lang, done="; ".join(done) or t("challenge.none", lang)))
    lines.append(t("challenge.missing_line", lang, missing="; ".join(missing) or t("challenge.none", lang)))
    for m in report.moments:
        lines.append(t("challenge.moment_line", lang, kind=t(f"challenge.kind.{m.kind}", lang),
                       t0=f"{m.t_start_s:.1f}", t1=f"{m.t_end_s:.1f}", peak=f"{m.peak_t_s:.1f}"))
        fv = m.measures.get("flag_values", {})
        for f in m.flags:
            v, thr = fv.get(f, [None, None])
            lines.append("  ! " + t(f, lang, value=v, threshold=thr))
        for n in m.notes:
            lines.append("  - " + t(n, lang, value=m.measures.get("face_lost_s"), yaw=m.measures.get("peak_abs_yaw_deg")))
        if not m.flags:
            lines.append(t("challenge.moment_ok", lang))
    lines.append(t("challenge.elapsed_line", lang, elapsed_s=round(report.elapsed_s, 1)))
    return "\n".join(lines)
