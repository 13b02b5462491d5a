"""The original and the tampered clip side by side in one MP4, for the slides of a training session.

Each clip is scaled to the same height, a band above it says which it is and the level the
verifier gave it (coloured as in the app), and the two are stacked horizontally (the
``hstack`` of FFmpeg, done here on the decoded frames with NumPy so that no FFmpeg binary is
needed). Frames of the tampered copy set the pace; each is paired with the original's frame
shown at that time. The sound is the tampered copy's (default), the original's, or both
(original on the left channel, tampered on the right: ``audio="stereo"``).
"""
from __future__ import annotations

import os
from fractions import Fraction
from functools import lru_cache

import numpy as np

from ..analysis.media import decode, display_name, probe
from ..core.constants import SAMPLE_RATE
from ..core.errors import MediaError, ParameterError
from ..core.params import ExportParams, Limits

AUDIO_MODES = ("tampered", "original", "stereo")


@lru_cache(maxsize=4)
def _font(size_px: int):
    """DejaVu Sans (shipped with matplotlib, has every Vietnamese letter) at ``size_px``."""
    import matplotlib
    from PIL import ImageFont

    return ImageFont.truetype(os.path.join(matplotlib.get_data_path(), "fonts", "ttf", "DejaVuSans.ttf"), size_px)


def _hex_rgb(colour: str) -> tuple[int, int, int]:
    c = colour.lstrip("#")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


def label_band(width_px: int, lines: tuple[str, ...], background: str, foreground: str,
               p: ExportParams = ExportParams()) -> np.ndarray:
    """An RGB uint8 band (``p.band_px`` × ``width_px``) with up to two text lines, the first bold-sized."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (width_px, p.band_px), _hex_rgb(background))
    draw = ImageDraw.Draw(img)
    sizes = (p.font_px, max(10, int(p.font_px * 0.7)))
    y = 4
    for text, size in zip(lines[:2], sizes):
        font = _font(size)
        while draw.textlength(text, font=font) > width_px - 16 and len(text) > 4:  # cut to fit the panel
            text = text[:-2].rstrip() + "…"
        draw.text((8, y), text, font=font, fill=_hex_rgb(foreground))
        y += size + 6
    return np.asarray(img)


def _scaled(img: np.ndarray, height_px: int) -> np.ndarray:
    import cv2

    h, w = img.shape[:2]
    w2 = max(2, int(round(w * height_px / h)) // 2 * 2)
    return cv2.resize(img, (w2, height_px), interpolation=cv2.INTER_AREA if h > height_px else cv2.INTER_LINEAR)


def compose(left: np.ndarray, right: np.ndarray, left_band: np.ndarray, right_band: np.ndarray,
            gap_px: int) -> np.ndarray:
    """One output frame: each band above its picture, the two columns side by side with a dark
    gap (pictures of equal height; even total size for H.264)."""
    cols = [np.vstack([left_band, left]), np.full((left.shape[0] + left_band.shape[0], gap_px, 3), 24, np.uint8),
            np.vstack([right_band, right])]
    out = np.hstack(cols)
    h, w = out.shape[:2]
    return np.ascontiguousarray(out[: h - h % 2, : w - w % 2])


def _aligned_sound(track, first_frame_s: float, n_samples: int) -> np.ndarray | None:
    """The sound as played from the first frame on, cut or padded to ``n_samples``."""
    if track is None or not len(track.y):
        return None
    k = int(round((track.start_s - first_frame_s) * track.sr))
    y = np.concatenate([np.zeros(k, np.float32), track.y]) if k >= 0 else track.y[-k:]
    out = np.zeros(n_samples, np.float32)
    out[: min(n_samples, len(y))] = y[:n_samples]
    return out


def export_side_by_side(original: str, tampered: str, out: str, labels: tuple[tuple[str, ...], tuple[str, ...]],
                        colours: tuple[tuple[str, str], tuple[str, str]] = (("#dfe9f5", "#1b3a5c"),) * 2,
                        p: ExportParams = ExportParams()) -> str:
    """Write ``out`` (H.264/AAC mp4): ``original`` on the left, ``tampered`` on the right, each
    under a band with its ``labels`` (one or two lines) in its ``colours`` (background,
    text). Both inputs are only read; both must have a picture.

    Raises
    ------
    MediaError
        An input is not a clip (no picture), cannot be decoded, or is longer than ``p.max_duration_s``.
    ParameterError
        ``p.audio`` is not one of :data:`AUDIO_MODES`, or ``out`` is one of the inputs.
    """
    import av

    if p.audio not in AUDIO_MODES:
        raise ParameterError(f"audio must be one of {AUDIO_MODES}, not {p.audio!r}")
    if os.path.abspath(out) in (os.path.abspath(original), os.path.abspath(tampered)):
        raise ParameterError("the output must not be one of the inputs")
    limits = Limits(max_duration_s=p.max_duration_s)
    info_a, info_b = probe(original, limits), probe(tampered, limits)
    for path, info in ((original, info_a), (tampered, info_b)):
        if not info.has_video:
            raise MediaError("error.no_video", name=display_name(path))

    a_frames: list[np.ndarray] = []
    a_times: list[float] = []

    def keep(f):
        a_frames.append(_scaled(f.image, p.height_px))
        a_times.append(f.t_s)

    a_track = decode(original, info_a, keep, limits=limits)
    if not a_frames:
        raise MediaError("error.corrupt", name=display_name(original), detail="no decodable frame")
    a_t = np.asarray(a_times) - a_times[0]
    fps = info_b.fps or info_a.fps or 25.0
    rate = Fraction(fps).limit_denominator(1001)
    band_l = label_band(a_frames[0].shape[1], labels[0], *colours[0], p=p)
    state: dict = {"n": 0, "t0": None, "band_r": None}

    with av.open(out, "w", format="mp4") as container:
        vs = container.add_stream("libx264", rate=rate)
        vs.pix_fmt = "yuv420p"
        vs.options = {"crf": str(p.crf), "preset": "veryfast"}
        aus = None
        want_a = p.audio in ("original", "stereo") and info_a.has_audio
        want_b = p.audio in ("tampered", "stereo") and info_b.has_audio
        if want_a or want_b:
            aus = container.add_stream("aac", rate=SAMPLE_RATE, layout="stereo" if p.audio == "stereo" else "mono")
            aus.bit_rate = p.audio_bit_rate

        def put(f):
            if state["t0"] is None:
                state["t0"] = f.t_s
            right = _scaled(f.image, p.height_px)
            if state["band_r"] is None:
                state["band_r"] = label_band(right.shape[1], labels[1], *colours[1], p=p)
            t = f.t_s - state["t0"]
            i = int(np.clip(np.searchsorted(a_t, t + 0.5 / fps, side="right") - 1, 0, len(a_frames) - 1))
            frame = compose(a_frames[i], right, band_l, state["band_r"], p.gap_px)
            if state["n"] == 0:
                vs.height, vs.width = frame.shape[:2]
            vf = av.VideoFrame.from_ndarray(frame, format="rgb24")
            vf.pts, vf.time_base = state["n"], 1 / rate
            for pkt in vs.encode(vf):
                container.mux(pkt)
            state["n"] += 1

        b_track = decode(tampered, info_b, put, limits=limits)
        for pkt in vs.encode(None):
            container.mux(pkt)
        if aus is not None:
            n = int(round(state["n"] / fps * SAMPLE_RATE))
            ya = _aligned_sound(a_track, a_times[0], n) if want_a else None
            yb = _aligned_sound(b_track, state["t0"] or 0.0, n) if want_b else None
            silent = np.zeros(n, np.float32)
            if p.audio == "stereo":
                y = np.vstack([ya if ya is not None else silent, yb if yb is not None else silent])
            else:
                y = (ya if ya is not None else yb)[None, :]
            y = np.clip(y, -1, 1).astype(np.float32)
            layout = "stereo" if p.audio == "stereo" else "mono"
            for k in range(0, n, 1024):
                af = av.AudioFrame.from_ndarray(np.ascontiguousarray(y[:, k:k + 1024]), format="fltp", layout=layout)
                af.sample_rate, af.pts, af.time_base = SAMPLE_RATE, k, Fraction(1, SAMPLE_RATE)
                for pkt in aus.encode(af):
                    container.mux(pkt)
            for pkt in aus.encode(None):
                container.mux(pkt)
    return out


def report_labels(report, role_key: str, lang: str) -> tuple[tuple[str, ...], tuple[str, str]]:
    """The band lines (role, level in words with the risk) and colours for one analysed clip."""
    from ..core.i18n import t
    from .html import LEVEL_COLOURS, level_words
    from .numbers import format_number

    head, _ = level_words(report, lang)
    sub = "" if report.error or report.risk is None else t("result.risk", lang, risk=format_number(report.risk, lang))
    colours = LEVEL_COLOURS["error" if report.error else report.level]
    return (f"{t(role_key, lang)}: {head}", sub) if sub else (f"{t(role_key, lang)}: {head}",), colours


def export_pair(original: str, tampered: str, out: str, original_report, tampered_report, lang: str = "vi",
                p: ExportParams = ExportParams()) -> str:
    """:func:`export_side_by_side` with each band saying "Original/Tampered copy: <level>" from
    the two analyses (:class:`verifier.core.report.Report`) in ``lang``."""
    la, ca = report_labels(original_report, "tamper.sbs.original", lang)
    lb, cb = report_labels(tampered_report, "tamper.sbs.tampered", lang)
    return export_side_by_side(original, tampered, out, (la, lb), (ca, cb), p)
