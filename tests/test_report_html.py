"""Reports on a Report built in the test (no decoding): self-contained HTML, text summary,
translated signal lines, figures drawn only from the report's series."""
from __future__ import annotations

import html
import json
import re

import numpy as np
import pytest

from verifier.analysis.signals.frames import frames_result
from verifier.analysis.video.detector import FrameView
from verifier.core.i18n import t
from verifier.core.report import AnalysisError, Artifacts, FaceQuality, MediaInfo, Quality, Report
from verifier.core.result import SignalResult, not_applicable
from verifier.outputs import plots
from verifier.outputs.html import render_html, render_text, result_html, signal_lines

SHA = "ab" * 32


def _report(level="medium", risk=0.64, audio=True) -> Report:
    t_s = np.arange(0, 12, 1 / 30)
    ear = np.full_like(t_s, 0.31)
    blink = SignalResult("blink", 0.8, 0.4, {"blink_count": 0, "blinks_per_min": 0.0, "duration_s": 12.0,
                                             "normal_range_per_min": [10.5, 32.5]}, "blink.too_few",
                         {"t_s": t_s.tolist(), "ear": ear.tolist(), "threshold": 0.26, "blink_t_s": []})
    lags = np.arange(-600, 601, 10)
    lips = SignalResult("lipsync", 0.65, 0.38, {"offset_ms": 400, "correlation": 0.8498, "confidence": 0.65},
                        "lipsync.offset",
                        {"t_s": t_s.tolist(), "mouth": np.sin(t_s * 6).tolist(), "envelope": np.sin(t_s * 6 + 0.2).tolist(),
                         "lag_ms": lags.tolist(), "corr": np.cos((lags - 400) / 120.0).tolist()})
    face = SignalResult("face", float("nan"), 1.0, {"coverage_pct": 100, "face_px": 160}, "face.ok")
    voice = not_applicable("voice", "voice.not_available")
    frames = frames_result(np.linspace(0.1, 0.9, 32), np.linspace(0.2, 11.8, 32), face_quality=1.0)
    views = [FrameView(11.8, 0.9, np.full((128, 128, 3), 120, np.uint8), np.eye(128, dtype=np.float32))]
    media = MediaInfo(path="/x/call.mp4", kind="video", sha256=SHA, size_bytes=236473, container="mov,mp4",
                      duration_s=12.0, has_video=True, has_audio=audio, width=640, height=480, fps=30.0,
                      video_codec="h264", audio_codec="aac" if audio else None, audio_sample_rate=16000,
                      audio_channels=1, encoder="Lavf62")
    y = (0.1 * np.sin(2 * np.pi * 200 * np.arange(16000 * 3) / 16000)).astype(np.float32) if audio else None
    return Report(file="call.mp4", sha256=SHA, media=media, risk=risk, level=level,
                  signals={"face": face, "blink": blink, "lipsync": lips, "frames": frames, "voice": voice},
                  quality=Quality(FaceQuality(1.0, 160.0, 80.0, 360, 30.0, 1.0), audio_s=12.0 if audio else None),
                  versions={"verifier": "0.1.0"}, analyzed_at="2026-01-01T00:00:00+00:00", elapsed_s=3.2,
                  artifacts=Artifacts(audio=y, frame_views=views))


def _error_report(key="error.not_media") -> Report:
    return Report(file="notes.mp4", sha256=None, media=None, risk=None, level="inconclusive",
                  error=AnalysisError(key, "File “notes.mp4” is not a video…", "probe", {"name": "notes.mp4"}),
                  versions={"verifier": "0.1.0"}, analyzed_at="2026-01-01T00:00:00+00:00")


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_html_is_self_contained_and_complete(lang):
    r = _report()
    doc = render_html(r, lang, {"money_or_otp": True, "urgent_or_secret": True})
    assert doc.startswith("<!DOCTYPE html>") and f'lang="{lang}"' in doc
    assert not re.search(r'(src|href)\s*=\s*"(https?:)?//', doc), "external resource"
    assert "<link" not in doc and "<script src" not in doc and "@import" not in doc
    assert SHA in doc and "0.1.0" in doc and "2026-01-01T00:00:00+00:00" in doc
    assert html.escape(t("level.medium", lang)) in doc
    assert html.escape(t("blink.normal_range", lang)) in doc
    assert html.escape(t("blink.too_few", lang)) in doc
    assert html.escape(t("advice.caution.strong", lang)) in doc  # money + urgency
    assert html.escape(t("advice.plan.no_fear", lang)) in doc
    assert doc.count("data:image/png;base64,") == 5  # blink, lip-sync, spectrogram, face-picture scores, top crops
    # the JSON of the CLI contract, verbatim
    block = re.search(r'<pre id="report-json">(.*?)</pre>', doc, re.S).group(1)
    assert json.loads(html.unescape(block)) == json.loads(json.dumps(r.to_dict()))


def test_low_level_always_shows_caveat_and_never_says_safe():
    for lang in ("vi", "en"):
        frag = result_html(_report(level="low", risk=0.1), lang)
        assert html.escape(t("level.low.caveat", lang)) in frag
        text = render_text(_report(level="low", risk=0.1), lang)
        assert t("level.low.caveat", lang) in text
        for doc in (frag.lower(), text.lower(), render_html(_report(level="low", risk=0.1), lang, figures=False).lower()):
            assert "an toàn" not in doc and "genuine" not in doc and " safe" not in doc


def test_signal_lines_measured_vs_normal():
    lines = {ln.key: ln for ln in signal_lines(_report(), "vi")}
    assert lines["blink"].measured == "0 lần chớp mắt trong 12 giây (0 lần/phút)"
    assert lines["blink"].normal == t("blink.normal_range", "vi")
    assert lines["blink"].flag == "suspicious"
    assert "0,85" in lines["lipsync"].measured  # Vietnamese decimal comma
    assert "0.85" in {ln.key: ln for ln in signal_lines(_report(), "en")}["lipsync"].measured
    assert lines["voice"].flag == "not_measured" and lines["voice"].measured == "—"
    assert lines["face"].flag == "quality"


def test_unknown_signal_keys_do_not_break_rendering():
    r = _report()
    r.signals["pulse"] = SignalResult("pulse", 0.5, 0.5, {"pulse_bpm": 70}, "pulse.something")
    ln = signal_lines(r, "en")[-1]
    assert ln.name == "pulse" and ln.meaning == "pulse.something" and ln.measured == "—"


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_failed_analysis_renders_translated_error(lang):
    r = _error_report()
    msg = t("error.not_media", lang, name="notes.mp4")
    assert html.escape(msg) in result_html(r, lang)
    assert msg in render_text(r, lang)
    doc = render_html(r, lang)
    assert html.escape(msg) in doc and "data:image/png" not in doc
    assert html.escape(t("advice.do.call_back_saved", lang)) in doc


def test_figures_only_from_report():
    figs = plots.figures(_report(), "en")
    assert all(f is not None for k, f in figs.items() if k != "identity")
    assert figs["identity"] is None  # this report has no identity signal (tests/test_identity_pipeline.py draws one)
    ax = figs["lipsync"].axes[1]
    assert any("400" in tx.get_text() for tx in ax.get_legend().get_texts())
    none = plots.figures(_report(audio=False), "vi")
    assert none["spectrogram"] is None
    assert set(plots.figures(_error_report(), "vi").values()) == {None}
    assert "82" in figs["frames"].axes[0].get_title()  # the clip score (0.9 quantile of 0.1…0.9) in the title
    assert len(figs["frame_views"].axes) == 1 and "11.8" in figs["frame_views"].axes[0].get_title()
    assert plots.to_png_base64(figs["blink"])[:8] == "iVBORw0K"  # PNG magic


def test_voice_timeline_is_drawn_under_the_spectrogram():
    r = _report()
    assert plots.voice_figure(r, "en") is None and len(plots.spectrogram_figure(r, "en").axes) == 1
    ev = {"p_fake": 0.3, "p_fake_pct": 30, "windows": 3, "window_start_s": [0.0, 2.0, 4.0],
          "window_end_s": [4.04, 6.04, 8.04], "window_p_fake": [0.1, 0.3, 0.9], "window_logits": [1.0, 2.0, 9.0]}
    r.signals["voice"] = SignalResult("voice", 0.3, 1.0, ev, "voice.no_clear_sign")
    fig = plots.spectrogram_figure(r, "vi")
    assert len(fig.axes) == 2
    ax = fig.axes[1]
    assert ax.get_title() == t("plot.voice.title", "vi", p=30)
    segs = ax.collections[0].get_segments()  # one bar per window, from its start to its end, at its P(fake) in %
    assert [tuple(np.round(s_[:, 0], 2)) for s_ in segs] == [(0.0, 4.04), (2.0, 6.04), (4.0, 8.04)]
    assert [float(s_[0, 1]) for s_ in segs] == pytest.approx([10, 30, 90])
    assert ax.get_xlim()[1] == pytest.approx(8.04)
    assert plots.voice_figure(r, "en") is not None


def test_text_summary_is_short():
    text = render_text(_report(), "vi")
    assert text.count("\n") < 30
    assert SHA in text and t("level.medium", "vi") in text


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_signal_with_weight_zero_is_marked_as_explaining_only(lang):
    r = _report()
    r.signals["noise_floor"] = SignalResult("noise_floor", 0.32, 0.5, {"noise_floor_dbfs": -60.6}, "noise_floor.room_noise")
    r.weights = {"blink": 0.8, "lipsync": 0.8, "voice": 1.0, "noise_floor": 0.0}
    lines = {ln.key: ln for ln in signal_lines(r, lang)}
    assert not lines["noise_floor"].counted and lines["blink"].counted
    page = result_html(r, lang)
    card = page[page.index('data-signal="noise_floor"'):]
    assert html.escape(t("result.explains_only", lang)) in card
    assert html.escape(t("result.explains_only", lang)) not in page[:page.index('data-signal="noise_floor"')]
    assert t("result.explains_only", lang) in render_text(r, lang)
    assert json.loads(json.dumps(r.to_dict()))["weights"]["noise_floor"] == 0.0
