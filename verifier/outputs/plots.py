"""Figures of the evidence, for people who would rather look than read.

Drawing only: every number comes from a :class:`~verifier.core.report.Report` (its signals'
``evidence`` and ``series``, its ``artifacts.audio``); nothing is measured here. Figures are built
with the object-oriented API on the Agg backend (no pyplot state, safe in a server), and
each function returns ``None`` when the report has nothing to draw.
"""
from __future__ import annotations

import base64
import io

import matplotlib

matplotlib.use("Agg")  # no display; must precede any pyplot import elsewhere in the process

import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

# Human tolerance of audio/video offset (ITU-R BT.1359), drawn as a band.
from ..analysis.signals.lipsync import DETECT_AUDIO_EARLY_MS, DETECT_AUDIO_LATE_MS  # noqa: E402
from ..core.i18n import t  # noqa: E402
from .numbers import label_number

SPECTROGRAM_MAX_S = 60.0  # longer audio is drawn for its first minute only
SPECTROGRAM_MAX_HZ = 8000

COLOURS = {"ear": "#1f5fa8", "threshold": "#c0392b", "blink": "#e67e22", "mouth": "#1f5fa8",
           "envelope": "#16a085", "corr": "#6c3483", "band": "#d5f5e3", "f0": "#f1c40f", "cutoff": "#ecf0f1",
           "voice": "#8e44ad",
           "frames": "#6c3483"}


def _fig(rows: int = 1, height_in: float = 2.8) -> Figure:
    fig = Figure(figsize=(8.0, height_in * rows), dpi=100, layout="constrained")
    fig.set_facecolor("white")
    return fig


def _arr(x) -> np.ndarray:
    return np.asarray([np.nan if v is None else v for v in x], dtype=float)


def blink_figure(report, lang: str = "vi") -> Figure | None:
    """Eye openness (eye aspect ratio) over time, the blink threshold and the blinks found."""
    sig = report.signals.get("blink")
    s = getattr(sig, "series", None) or {}
    if not s.get("t_s") or not s.get("ear"):
        return None
    t_s, ear = _arr(s["t_s"]), _arr(s["ear"])
    fig = _fig()
    ax = fig.add_subplot()
    ax.plot(t_s, ear, color=COLOURS["ear"], lw=1.2, label=t("plot.blink.ear", lang))
    thr = s.get("threshold")
    if thr is not None:
        thr = np.full_like(t_s, float(thr)) if np.isscalar(thr) else _arr(thr)
        ax.plot(t_s, thr, color=COLOURS["threshold"], lw=1, ls="--", label=t("plot.blink.threshold", lang))
    blinks = _arr(s.get("blink_t_s") or [])
    for i, b in enumerate(blinks):
        ax.axvline(b, color=COLOURS["blink"], lw=2, alpha=0.7, label=t("plot.blink.blink", lang) if i == 0 else None)
    ev = sig.evidence
    ax.set_title(t("plot.blink.title", lang, n=ev.get("blink_count", len(blinks)),
                   rate=label_number(ev.get("blinks_per_min")), duration_s=label_number(ev.get("duration_s"))), fontsize=10)
    ax.set_xlabel(t("plot.time_s", lang))
    ax.set_ylabel(t("plot.blink.ear_axis", lang))
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right", fontsize=8, framealpha=0.8)
    return fig


def lipsync_figure(report, lang: str = "vi") -> Figure | None:
    """Top: mouth opening and speech envelope aligned at the best offset. Bottom: how well
    they match at each audio/video offset, with the band viewers do not notice."""
    sig = report.signals.get("lipsync")
    s = getattr(sig, "series", None) or {}
    if not s.get("t_s") or not s.get("lag_ms"):
        return None
    ev = sig.evidence
    off = ev.get("offset_ms")
    fig = _fig(rows=2, height_in=2.5)
    ax1, ax2 = fig.subplots(2, 1)
    t_s = _arr(s["t_s"])
    ax1.plot(t_s, _arr(s.get("mouth", [])), color=COLOURS["mouth"], lw=1, label=t("plot.lipsync.mouth", lang))
    ax1.plot(t_s, _arr(s.get("envelope", [])), color=COLOURS["envelope"], lw=1, alpha=0.8,
             label=t("plot.lipsync.envelope", lang))
    ax1.set_title(t("plot.lipsync.title", lang, offset_ms=label_number(off)), fontsize=10)
    ax1.set_xlabel(t("plot.time_s", lang))
    ax1.set_yticks([])
    ax1.legend(loc="upper right", fontsize=8, framealpha=0.8)
    ax1.grid(alpha=0.3)

    lags, corr = _arr(s["lag_ms"]), _arr(s.get("corr", []))
    ax2.axvspan(-DETECT_AUDIO_EARLY_MS, DETECT_AUDIO_LATE_MS, color=COLOURS["band"],
                label=t("plot.lipsync.band", lang))
    ax2.plot(lags, corr, color=COLOURS["corr"], lw=1.3, label=t("plot.lipsync.corr", lang))
    if off is not None:
        ax2.axvline(off, color=COLOURS["threshold"], ls="--", lw=1.2,
                    label=t("plot.lipsync.best", lang, offset_ms=label_number(off)))
    ax2.axhline(0, color="grey", lw=0.6)
    ax2.set_xlabel(t("plot.lipsync.offset_axis", lang))
    ax2.set_ylabel(t("plot.lipsync.corr_axis", lang))
    ax2.grid(alpha=0.3)
    ax2.legend(loc="lower left", fontsize=8, framealpha=0.8)
    return fig


def voice_timeline(ax, voice, lang: str = "vi") -> bool:
    """Draw the voice detector's per-window P(fake) on ``ax``: each ~4 s window as a bar
    from its start to its end at its probability, the whole message's (median) probability
    and the 0.5 line. False when the voice signal has no timeline."""
    ev = getattr(voice, "evidence", None) or {}
    if not (voice is not None and voice.usable and ev.get("window_p_fake") and ev.get("window_start_s")):
        return False
    p = 100 * _arr(ev["window_p_fake"])
    t0, t1 = _arr(ev["window_start_s"]), _arr(ev["window_end_s"])
    ax.hlines(p, t0, t1, color=COLOURS["voice"], lw=3, alpha=0.8, label=t("plot.voice.window", lang))
    ax.plot((t0 + t1) / 2, p, "o", color=COLOURS["voice"], ms=4)
    ax.axhline(100 * float(voice.score), color=COLOURS["threshold"], ls="--", lw=1, label=t("plot.voice.overall", lang))
    ax.axhline(50, color="#7f8c8d", ls=":", lw=1)
    ax.set_ylim(0, 100)
    ax.set_ylabel(t("plot.voice.axis", lang) + " (%)")
    ax.set_title(t("plot.voice.title", lang, p=label_number(ev.get("p_fake_pct"))), fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper right", fontsize=8, framealpha=0.8)
    return True


def voice_figure(report, lang: str = "vi") -> Figure | None:
    """The voice detector's timeline alone (:func:`voice_timeline`)."""
    voice = report.signals.get("voice")
    fig = _fig(height_in=2.2)
    ax = fig.add_subplot()
    if not voice_timeline(ax, voice, lang):
        return None
    ax.set_xlabel(t("plot.time_s", lang))
    return fig


def spectrogram_figure(report, lang: str = "vi") -> Figure | None:
    """Spectrogram of the analysed sound, the pitch track and bandwidth cut-off if measured,
    and the voice finding in the title; below it, on the same time axis, the voice
    detector's per-window timeline (:func:`voice_timeline`) when there is one."""
    y, sr = report.artifacts.audio, int(report.artifacts.sr)
    if y is None or len(y) < sr // 4:
        return None
    y = np.asarray(y[: int(SPECTROGRAM_MAX_S * sr)], dtype=np.float32)
    voice = report.signals.get("voice")
    timeline = bool(voice is not None and voice.usable and (voice.evidence or {}).get("window_p_fake"))
    fig = _fig(height_in=3.0 + (2.0 if timeline else 0.0))
    if timeline:
        ax, ax_v = fig.subplots(2, 1, sharex=True, height_ratios=(3, 2))
    else:
        ax, ax_v = fig.add_subplot(), None
    n_fft = 512
    with np.errstate(divide="ignore"):  # digital silence has zero power: drawn black
        ax.specgram(y, NFFT=n_fft, Fs=sr, noverlap=n_fft - 160, cmap="magma", scale="dB", vmin=-130)
    ax.set_ylim(0, min(SPECTROGRAM_MAX_HZ, sr / 2))
    pros = report.signals.get("prosody")
    ps = getattr(pros, "series", None) or {}
    if ps.get("t_s") and ps.get("f0_hz"):
        ax.plot(_arr(ps["t_s"]), _arr(ps["f0_hz"]), color=COLOURS["f0"], lw=1.5, label=t("plot.spec.f0", lang))
    bw = report.signals.get("bandwidth")
    cutoff = (bw.evidence.get("cutoff_hz") if bw is not None else None)
    if cutoff and cutoff < sr / 2 * 0.98:
        ax.axhline(cutoff, color=COLOURS["cutoff"], ls="--", lw=1, label=t("plot.spec.cutoff", lang, hz=label_number(cutoff)))
    ax.set_ylabel(t("plot.spec.freq_axis", lang))
    if ax_v is not None:
        voice_timeline(ax_v, voice, lang)
        ax_v.set_xlim(0, max(len(y) / sr, float(np.nanmax(_arr(voice.evidence["window_end_s"])))))
    (ax_v if ax_v is not None else ax).set_xlabel(t("plot.time_s", lang))
    title = t("plot.spec.title", lang)
    if voice is not None and voice.explanation:
        finding = t(f"{voice.key}.name", lang)
        if voice.usable and "p_fake_pct" in voice.evidence:
            finding += ": " + t("plot.spec.voice_p", lang, p=label_number(voice.evidence["p_fake_pct"]))
        else:
            finding += ": " + t("plot.spec.voice_na", lang)
        title += "  —  " + finding
    ax.set_title(title, fontsize=10)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="upper right", fontsize=8, framealpha=0.8)
    return fig


def frames_figure(report, lang: str = "vi") -> Figure | None:
    """The learned detector's score of each sampled face picture over time, the clip score
    (a high quantile of them) and the 50 % line."""
    sig = report.signals.get("frames")
    s = getattr(sig, "series", None) or {}
    if not s.get("t_s") or not s.get("score"):
        return None
    ev = sig.evidence
    t_s, score = _arr(s["t_s"]), _arr(s["score"])
    fig = _fig(height_in=2.6)
    ax = fig.add_subplot()
    ax.plot(t_s, score, color=COLOURS["frames"], lw=1, marker="o", ms=3.5, label=t("plot.frames.score", lang))
    clip = ev.get("clip_score")
    if clip is not None:
        ax.axhline(float(clip), color=COLOURS["threshold"], lw=1.2, label=t("plot.frames.clip", lang))
    thr = s.get("threshold")
    if thr is not None:
        ax.axhline(float(thr), color="grey", lw=0.8, ls="--", label=t("plot.frames.threshold", lang))
    ax.set_ylim(-0.02, 1.02)
    ax.set_title(t("plot.frames.title", lang, clip_score_pct=label_number(ev.get("clip_score_pct"))), fontsize=10)
    ax.set_xlabel(t("plot.time_s", lang))
    ax.set_ylabel(t("plot.frames.score_axis", lang))
    ax.grid(alpha=0.3)
    ax.legend(loc="upper right", fontsize=8, framealpha=0.8)
    return fig


def frame_views_figure(report, lang: str = "vi") -> Figure | None:
    """The most suspicious face pictures as the network saw them (canonical crops), each with
    the Grad-CAM heat map of where it looked laid over it; caption: time and score."""
    views = list(getattr(report.artifacts, "frame_views", None) or [])
    if not views:
        return None
    fig = Figure(figsize=(2.7 * len(views), 3.0), dpi=100, layout="constrained")
    fig.set_facecolor("white")
    for ax, v in zip(np.atleast_1d(fig.subplots(1, len(views))), views):
        ax.imshow(v.crop)
        ax.imshow(v.heat, cmap="jet", alpha=0.35, vmin=0, vmax=1)
        ax.set_title(t("plot.views.caption", lang, t_s=label_number(v.t_s), score_pct=label_number(round(100 * v.score))), fontsize=9)
        ax.set_axis_off()
    fig.suptitle(t("plot.views.title", lang), fontsize=10)
    return fig


def figures(report, lang: str = "vi") -> dict[str, Figure | None]:
    """All figures of a report, by name (``None`` where there is nothing to draw)."""
    if report.error:
        return {"blink": None, "lipsync": None, "spectrogram": None, "frames": None, "frame_views": None,
                "identity": None}
    return {"blink": blink_figure(report, lang), "lipsync": lipsync_figure(report, lang),
            "spectrogram": spectrogram_figure(report, lang), "frames": frames_figure(report, lang),
            "frame_views": frame_views_figure(report, lang), "identity": identity_figure(report, lang)}


def identity_figure(report, lang: str = "vi") -> Figure | None:
    """Face identity over the clip (:func:`verifier.analysis.identity.consistency.identity_figure`), when measured."""
    s = report.signals.get("identity")
    if s is None or not s.usable:
        return None
    from ..analysis.identity.consistency import identity_figure as draw

    return draw(s, lang)


def to_png_base64(fig: Figure, dpi: int = 90) -> str:
    """The figure as a base64 PNG (for self-contained HTML)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return base64.b64encode(buf.getvalue()).decode("ascii")
