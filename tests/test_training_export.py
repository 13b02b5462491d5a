"""The Training tab's library side: the side-by-side MP4 (verifier/outputs/video_export.py) and the
side-by-side page's verdict and one sentence per signal (verifier/outputs/side_by_side.py)."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from verifier.core.errors import MediaError, ParameterError
from verifier.core.i18n import t
from verifier.core.params import ExportParams
from verifier.core.result import SignalResult
from verifier.outputs.side_by_side import TARGETS, side_by_side_html, signal_sentences, verdict
from verifier.outputs.video_export import compose, export_side_by_side, label_band
from verifier.tamper import KINDS

GREEN, RED = ("#1e8449", "#ffffff"), ("#b03a2e", "#ffffff")


def _frames(path):
    import av

    with av.open(path) as c:
        return [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]


def _stereo(path):
    import av

    with av.open(path) as c:
        s = c.streams.audio[0]
        chunks = [f.to_ndarray() for f in c.decode(audio=0)]
    y = np.concatenate(chunks, axis=1)
    return s.channels, s.rate, y


def test_label_band_draws_vietnamese_text_on_the_level_colour():
    band = label_band(400, ("Bản giả mạo: Nhiều dấu hiệu giả mạo", "Nguy cơ 0,93"), *RED, p=ExportParams(band_px=60))
    assert band.shape == (60, 400, 3) and band.dtype == np.uint8
    assert tuple(band[2, 399]) == (0xb0, 0x3a, 0x2e)  # background in the corner
    assert (band == 255).all(axis=2).sum() > 200  # white text drawn


def test_compose_stacks_band_over_picture_and_columns_side_by_side():
    left, right = np.zeros((100, 60, 3), np.uint8), np.full((100, 80, 3), 200, np.uint8)
    bl, br = np.full((20, 60, 3), 1, np.uint8), np.full((20, 80, 3), 2, np.uint8)
    out = compose(left, right, bl, br, gap_px=10)
    assert out.shape == (120, 150, 3)
    assert (out[:20, :60] == 1).all() and (out[20:, :60] == 0).all()
    assert (out[:20, 70:] == 2).all() and (out[20:, 70:] == 200).all()


def test_export_puts_both_clips_side_by_side_with_their_levels(make_clip, tmp_path):
    from verifier.analysis.media import probe
    from verifier.tamper.lab import tamper_file

    src = make_clip("export_src", duration_s=3.0, blink_times_s=(1.0,), size=(320, 240), seed=3)
    fake = tamper_file(src, str(tmp_path / "shifted.mp4"), "shift")
    p = ExportParams(height_px=240, band_px=40, gap_px=8, audio="stereo")
    out = export_side_by_side(src, fake, str(tmp_path / "pair.mp4"), (("Original: low",), ("Tampered: high",)),
                              (GREEN, RED), p)
    info = probe(out)
    assert (info.width, info.height) == (320 + 8 + 320, 40 + 240)
    assert abs(info.duration_s - 3.0) < 0.15
    frames = _frames(out)
    assert abs(len(frames) - len(_frames(fake))) <= 1
    mid = frames[len(frames) // 2]
    assert np.abs(mid[5, 300].astype(int) - (0x1e, 0x84, 0x49)).max() < 25  # left band: green
    assert np.abs(mid[5, 640].astype(int) - (0xb0, 0x3a, 0x2e)).max() < 25  # right band: red
    orig_mid = _frames(src)[len(frames) // 2]
    assert np.abs(mid[40:, :320].astype(int) - orig_mid.astype(int)).mean() < 6  # the left picture is the original
    # stereo: the original's sound on the left, the tampered (300 ms late) on the right
    channels, rate, y = _stereo(out)
    assert channels == 2
    lag = int(0.3 * rate)
    left, right = y[0], y[1]
    n = min(len(left), len(right)) - lag
    aligned = np.corrcoef(left[:n], right[lag:lag + n])[0, 1]
    unaligned = np.corrcoef(left[:n], right[:n])[0, 1]
    assert aligned > 0.8 and aligned > unaligned + 0.3


def test_export_refuses_voice_messages_and_bad_modes(make_clip, tmp_path):
    import soundfile as sf

    src = make_clip("export_src2", duration_s=1.0, size=(160, 120), seed=4)
    wav = tmp_path / "v.wav"
    sf.write(wav, np.zeros(16000, np.float32), 16000)
    with pytest.raises(MediaError):
        export_side_by_side(src, str(wav), str(tmp_path / "o.mp4"), (("a",), ("b",)))
    with pytest.raises(ParameterError):
        export_side_by_side(src, src, str(tmp_path / "o.mp4"), (("a",), ("b",)), p=ExportParams(audio="both"))
    with pytest.raises(ParameterError):
        export_side_by_side(src, src, src, (("a",), ("b",)))


def _report(level, **scores):
    sig = {k: SignalResult(k, v, 0.5 if v == v else 0.0, {}, "") for k, v in scores.items()}
    return SimpleNamespace(level=level, error=None, risk=0.5, signals=sig, file="x.mp4", sha256="0" * 64,
                           elapsed_s=float("nan"), weights={}, media=None)


def test_verdict_says_plainly_when_a_fake_is_not_caught():
    low, medium, high = _report("low"), _report("medium"), _report("high")
    assert verdict(low, high, "espeak") == "caught"
    assert verdict(low, medium, "noblink") == "partly"
    assert verdict(low, low, "swap") == "missed"
    assert verdict(medium, low, "photo") == "missed"
    assert verdict(low, medium, "messenger") == "channel"
    assert verdict(high, high, "noblink") == "already_high"
    assert verdict(_report("inconclusive"), high, "espeak") == "unknown"
    for lang in ("vi", "en"):
        html = side_by_side_html(low, low, "swap", lang, figures=False)
        assert 'data-verdict="missed"' in html
        assert t("training.verdict.missed", lang, a=t("level.low", lang), b=t("level.low", lang)) in html.replace("&#x27;", "'")
        assert ("KHÔNG" if lang == "vi" else "NOT") in t("training.verdict.missed", lang)


def test_one_sentence_per_signal_says_what_changed_and_why():
    a = _report("low", blink=0.3, voice=0.2, lipsync=float("nan"))
    b = _report("medium", blink=0.7, voice=0.45, lipsync=0.3)
    got = dict(signal_sentences(a, b, "noblink", "en"))
    assert set(got) == {"blink", "voice", "lipsync"}
    name = (lambda k: t(f"{k}.name", "en"))
    assert got["blink"] == t("training.why.rose_target", "en", signal=name("blink"), a="30 %", b="70 %")
    assert got["voice"] == t("training.why.rose_other", "en", signal=name("voice"), a="20 %", b="45 %")
    assert got["lipsync"] == t("training.why.not_measured", "en", signal=name("lipsync"), a="–", b="30 %")
    same = dict(signal_sentences(a, a, "noblink", "vi"))
    assert same["blink"].startswith(t("blink.name", "vi")) and "KHÔNG" in same["blink"]


def test_every_kind_has_targets_and_every_sentence_both_languages():
    from verifier.core.i18n import messages

    assert set(TARGETS) == set(KINDS)
    for case in ("rose", "same", "fell"):
        for who in ("target", "other"):
            assert {"vi", "en"} <= set(messages()[f"training.why.{case}_{who}"])
    for v in ("caught", "partly", "missed", "already_high", "channel", "unknown"):
        assert f"training.verdict.{v}" in messages()
