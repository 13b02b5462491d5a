"""End to end on generated clips: planted blinks and audio offsets, bad inputs, CLI contract."""
import json
import os
import subprocess
import sys
from fractions import Fraction

import av
import numpy as np
import pytest

from verifier.analysis.media import sha256_file
from verifier.analysis.pipeline import analyze

pytestmark = pytest.mark.slow
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BLINKS_S = (1.0, 2.7, 5.9, 7.4, 10.6)


def run_cli(*args):
    p = subprocess.run([sys.executable, "-m", "verifier", "analyze", *args], cwd=ROOT, capture_output=True, text=True,
                       timeout=300)
    return p


@pytest.fixture(scope="module")
def blink_clip(make_clip):
    return make_clip("blinks", duration_s=12, blink_times_s=BLINKS_S, seed=11)


def test_planted_blinks_are_counted_exactly(blink_clip):
    before = (sha256_file(blink_clip), os.stat(blink_clip).st_mtime_ns)
    r = analyze(blink_clip)
    assert r.error is None
    assert r.signals["blink"].evidence["blink_count"] == len(BLINKS_S)
    blink_t = np.array(r.signals["blink"].series["blink_t_s"])
    np.testing.assert_allclose(blink_t, BLINKS_S, atol=0.05)
    assert r.quality["face_coverage"] > 0.95
    # the original is never modified
    assert (r.sha256, os.stat(blink_clip).st_mtime_ns) == before


def test_planted_audio_shift_moves_the_offset(make_clip):
    offsets = {}
    for planted in (-400, -200, 0, 200, 400):
        p = make_clip(f"offset{planted}", duration_s=10, audio_offset_ms=planted, seed=12)
        offsets[planted] = analyze(p).signals["lipsync"].evidence["offset_ms"]
    for planted, measured in offsets.items():
        assert abs((measured - offsets[0]) - planted) <= 40, offsets
    assert abs(offsets[0]) <= 40


def test_mismatched_voice_scores_higher_than_matching(make_clip):
    from verifier.analysis.synth import speech_like

    other = speech_like(10.0, seed=99).y
    good = analyze(make_clip("offset0", duration_s=10, audio_offset_ms=0, seed=12)).signals["lipsync"]
    bad = analyze(make_clip("dubbed", duration_s=10, audio_track=other, seed=12)).signals["lipsync"]
    assert bad.evidence["correlation"] < good.evidence["correlation"] - 0.3
    assert bad.score > good.score


def test_rotated_phone_clip_is_turned_upright(make_clip):
    p = make_clip("rotated", duration_s=4, size=(480, 360), rotate_deg=90, audio=False, seed=13)
    r = analyze(p)
    assert (r.media.width, r.media.height, r.media.rotation_deg) == (480, 360, 270)
    assert r.quality["face_coverage"] > 0.9


def test_video_without_face_is_inconclusive(tmp_path):
    p = str(tmp_path / "noface.mp4")
    with av.open(p, "w") as out:
        s = out.add_stream("libx264", rate=25)
        s.width, s.height, s.pix_fmt = 320, 240, "yuv420p"
        for i in range(75):
            img = np.full((240, 320, 3), (i * 3) % 255, np.uint8)
            f = av.VideoFrame.from_ndarray(img, format="rgb24")
            f.pts, f.time_base = i, Fraction(1, 25)
            for pk in s.encode(f):
                out.mux(pk)
        for pk in s.encode(None):
            out.mux(pk)
    r = analyze(p)
    assert r.error is None and r.level == "inconclusive" and r.risk is None
    assert r.signals["face"].explanation == "face.none"


def test_audio_only_file_runs_the_audio_path(tmp_path):
    from verifier.analysis.synth import speech_like, write_wav

    p = str(tmp_path / "voice.wav")
    write_wav(p, speech_like(6.0, seed=4).y, 16000)
    r = analyze(p)
    assert r.error is None and r.media.kind == "audio"
    assert "voice" in r.signals and "blink" not in r.signals
    assert r.artifacts.audio is not None and abs(len(r.artifacts.audio) / 16000 - 6.0) < 0.05


def test_voice_and_side_signals_for_a_voice_message_and_for_the_sound_of_a_video(tmp_path, blink_clip):
    from verifier.analysis.signals.audio import SIDE_SIGNAL_KEYS
    from verifier.analysis.synth import speech_like, write_wav

    wav = str(tmp_path / "message.wav")
    write_wav(wav, speech_like(8.0, seed=5).y, 16000)
    for path in (wav, blink_clip):
        r = analyze(path)
        assert {"voice", *SIDE_SIGNAL_KEYS} <= set(r.signals), path
        v = r.signals["voice"]
        if v.explanation == "voice.model_missing":  # no weights on this machine: says so, decides nothing
            assert v.reliability == 0
            continue
        assert 0 <= v.score <= 1 and v.reliability > 0 and v.evidence["windows"] >= 1
        if path == wav and v.reliability == 1:
            # a voice message's risk is the calibrated voice probability: the side signals explain only
            assert r.risk == pytest.approx(v.score, abs=1e-3)


def test_cli_json_contract_and_bad_inputs(tmp_path, blink_clip):
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    rnd = tmp_path / "random.mp4"
    rnd.write_bytes(np.random.default_rng(0).bytes(50_000))
    text = tmp_path / "notes.txt"
    text.write_text("not a video\n" * 100)
    data = open(blink_clip, "rb").read()
    trunc = tmp_path / "truncated.mp4"
    trunc.write_bytes(data[: len(data) // 3])
    p = run_cli(str(empty), str(rnd), str(text), str(trunc), blink_clip, "--json")
    assert p.returncode == 1  # some files failed
    assert "Traceback" not in p.stderr
    rows = [json.loads(line) for line in p.stdout.strip().splitlines()]
    assert [r["file"] for r in rows] == [str(empty), str(rnd), str(text), str(trunc), blink_clip]
    for r in rows[:3]:
        assert r["error"] and r["risk"] is None and r["level"] == "inconclusive"
    assert "empty" in rows[0]["error"]
    assert [r["error_key"] for r in rows] == ["error.empty_file", "error.not_media", "error.not_media",
                                               "error.not_media", None]
    assert [r["error_where"] for r in rows] == ["probe"] * 4 + [None]
    # a truncated mp4 without its index (the moov box is at the end) cannot be opened: a clear error
    assert "trunc" in rows[3]["error"] and rows[3]["risk"] is None and rows[3]["level"] == "inconclusive"
    ok = rows[4]
    assert ok["error"] is None and len(ok["sha256"]) == 64
    assert ok["media"]["kind"] == "video" and ok["media"]["duration_s"] == pytest.approx(12, abs=0.1)
    # the level and risk are fusion's reading of the signals in the JSON, with the weights it reports
    from verifier.analysis.pipeline import default_fusion
    from verifier.core.result import SignalResult

    sigs = [SignalResult(k, float("nan") if v["score"] is None else v["score"], v["reliability"])
            for k, v in ok["signals"].items()]
    risk, level = default_fusion().decide(sigs)
    assert ok["level"] == level and (ok["risk"] is None) == (risk is None)
    if risk is not None:
        assert ok["risk"] == pytest.approx(risk, abs=2e-3)
    assert ok["weights"] == {k: default_fusion().weight(k) for k in ok["signals"] if k != "face"}
    assert ok["signals"]["blink"]["evidence"]["blink_count"] == len(BLINKS_S)
    assert set(ok["signals"]["lipsync"]["evidence"]) >= {"offset_ms", "correlation"}
    for s in ok["signals"].values():
        assert set(s) >= {"score", "reliability", "evidence"}


def test_cli_audio_file_given_as_video_is_a_clear_error(tmp_path):
    from verifier.analysis.synth import speech_like, write_wav

    p = str(tmp_path / "voice.wav")
    write_wav(p, speech_like(3.0, seed=4).y, 16000)
    out = run_cli(p, "--kind", "video", "--json")
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert "no picture" in json.loads(out.stdout)["error"]


def test_cli_human_summary_in_both_languages(blink_clip):
    vi = run_cli(blink_clip, "--lang", "vi")
    en = run_cli(blink_clip, "--lang", "en")
    assert vi.returncode == en.returncode == 0
    assert "chớp mắt" in vi.stdout and "blink" in en.stdout.lower()
    from verifier.core.i18n import t

    for lang, out in (("vi", vi.stdout), ("en", en.stdout)):
        assert blink_clip in out  # the path as given
        assert t("advice.caution.label", lang) in out  # what to do comes with every result
        assert t("advice.do.call_back_saved", lang) in out


def test_cli_stderr_free_of_mediapipe_start_up_lines(blink_clip):
    out = run_cli(blink_clip, "--json")
    assert out.returncode == 0
    noise = [ln for ln in out.stderr.splitlines() if ln.startswith(("W0000", "I0000", "INFO:", "WARNING: All log"))]
    assert noise == [], noise


def test_cli_report_dir_for_investigators(tmp_path, blink_clip):
    import hashlib

    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    before = hashlib.sha256(open(blink_clip, "rb").read()).hexdigest()
    out_dir = tmp_path / "reports"
    out = run_cli(blink_clip, str(empty), "--json", "--report-dir", str(out_dir))
    assert out.returncode == 1  # the empty file failed, the clip did not
    lines = [json.loads(x) for x in out.stdout.splitlines()]
    files = sorted(p.name for p in out_dir.iterdir())
    stem = os.path.splitext(os.path.basename(blink_clip))[0]
    assert files == sorted([f"{stem}.{before[:12]}.report.html", f"{stem}.{before[:12]}.report.json",
                            "empty.unreadable.report.html", "empty.unreadable.report.json"])
    saved = json.loads((out_dir / f"{stem}.{before[:12]}.report.json").read_text(encoding="utf-8"))
    assert saved["sha256"] == lines[0]["sha256"] == before and saved["level"] == lines[0]["level"]
    assert before in (out_dir / f"{stem}.{before[:12]}.report.html").read_text(encoding="utf-8")
    assert hashlib.sha256(open(blink_clip, "rb").read()).hexdigest() == before  # the input is only read


def test_cli_report_dir_that_cannot_be_made_is_named_in_the_users_language(tmp_path, blink_clip):
    taken = tmp_path / "reports"
    taken.write_text("not a folder", encoding="utf-8")
    out = run_cli(blink_clip, "--lang", "vi", "--report-dir", str(taken))
    assert out.returncode == 1 and taken.read_text(encoding="utf-8") == "not a folder"
    assert "Không ghi được báo cáo" in out.stderr and str(taken) in out.stderr and "Traceback" not in out.stderr
    assert "đã có một tệp cùng tên" in out.stderr, out.stderr


def test_annotated_preview_is_small_and_bounded(blink_clip):
    from verifier.analysis.preview import PREVIEW_FPS, PREVIEW_MAX_SIDE_PX, PREVIEW_SECONDS

    r = analyze(blink_clip, preview=True)
    assert 0 < len(r.artifacts.preview) <= PREVIEW_SECONDS * PREVIEW_FPS + 1
    t0, img = r.artifacts.preview[0]
    assert img.dtype == np.uint8 and max(img.shape[:2]) == PREVIEW_MAX_SIDE_PX
    assert analyze(blink_clip).artifacts.preview == []  # only when asked for


def test_a_bug_is_a_structured_error_with_its_traceback_only_in_the_log(tmp_path, monkeypatch, capsys):
    from verifier.analysis import pipeline
    from verifier.analysis.synth import speech_like, write_wav
    from verifier.cli import main as cli

    p = str(tmp_path / "voice.wav")
    write_wav(p, speech_like(3.0, seed=4).y, 16000)

    def broken(y, sr, **kw):  # audio_signals also takes on_speech, speech_params
        raise ZeroDivisionError("planted bug")

    monkeypatch.setattr(pipeline, "audio_signals", broken)
    (_, r), = pipeline.analyze_many([p])
    assert (r.error.key, r.error.where) == ("error.internal", "internal:voice")
    assert r.error.params == {"name": "voice.wav", "detail": "ZeroDivisionError: planted bug"}
    d = r.to_dict()
    assert (d["error_key"], d["error_where"], d["level"], d["risk"]) == ("error.internal", "internal:voice", "inconclusive", None)
    assert "Traceback" not in json.dumps(d) and "traceback" not in d["quality"]
    capsys.readouterr()
    assert cli.main(["analyze", p, "--json"]) == 1
    quiet = capsys.readouterr()
    assert "planted bug" in quiet.err and "Traceback" not in quiet.err
    assert json.loads(quiet.out)["error_key"] == "error.internal"
    assert cli.main(["analyze", p, "--json", "--debug"]) == 1
    loud = capsys.readouterr()
    assert "Traceback" in loud.err and "ZeroDivisionError: planted bug" in loud.err and 'raise ZeroDivisionError' in loud.err
