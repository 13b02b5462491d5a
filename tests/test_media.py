"""Decoding: formats, timestamps, limits, hashing."""
import hashlib
from fractions import Fraction

import av
import numpy as np
import pytest

from verifier.analysis.media import decode, load_audio, probe
from verifier.core.constants import SAMPLE_RATE
from verifier.core.errors import MediaError
from verifier.core.params import Limits

SR_IN = 48000


def tone(seconds, sr=SR_IN):
    t = np.arange(int(seconds * sr)) / sr
    return (0.3 * np.sin(2 * np.pi * 330 * t)).astype(np.float32)


def write_audio(path, codec, fmt, y, sr, layout="mono", start_s=0.0, container_format=None):
    with av.open(str(path), "w", format=container_format) as out:
        s = out.add_stream(codec, rate=sr)
        s.layout = layout
        step = 1024
        for k in range(0, len(y), step):
            chunk = y[k:k + step]
            if layout == "stereo":
                arr = np.stack([chunk, chunk])
                fr = av.AudioFrame.from_ndarray(arr if fmt.endswith("p") else arr.T.reshape(1, -1), format=fmt, layout=layout)
            else:
                fr = av.AudioFrame.from_ndarray(chunk[None, :], format=fmt, layout=layout)
            fr.sample_rate = sr
            fr.pts = k + int(start_s * sr)
            fr.time_base = Fraction(1, sr)
            for p in s.encode(fr):
                out.mux(p)
        for p in s.encode(None):
            out.mux(p)


@pytest.mark.parametrize("name,codec,fmt,sr,layout,cf", [
    ("a.wav", "pcm_s16le", "s16", 44100, "stereo", None),
    ("a.flac", "flac", "s16", 16000, "mono", None),
    ("a.mp3", "libmp3lame", "fltp", 24000, "mono", None),
    ("a.m4a", "aac", "fltp", 48000, "mono", None),
    ("a.ogg", "libopus", "flt", 48000, "mono", None),
    ("a.amr", "libopencore_amrnb", "s16", 8000, "mono", None),
])
def test_messenger_audio_formats_decode_to_16k_mono(tmp_path, name, codec, fmt, sr, layout, cf):
    y = tone(3.0, sr)
    if fmt == "s16":
        y = (y * 32767).astype(np.int16)
    p = tmp_path / name
    write_audio(p, codec, fmt, y, sr, layout, container_format=cf)
    out = load_audio(str(p))
    assert out.dtype == np.float32 and out.ndim == 1
    assert abs(len(out) / SAMPLE_RATE - 3.0) < 0.15
    assert np.abs(out).max() <= 1.0
    # the tone survives: its RMS is near 0.3/sqrt(2) (AMR narrows and distorts, hence the tolerance)
    assert 0.1 < np.sqrt(np.mean(out[SAMPLE_RATE // 2:-SAMPLE_RATE // 2] ** 2)) < 0.35


def test_audio_start_time_comes_from_the_container(tmp_path):
    p = tmp_path / "late.m4a"
    write_audio(p, "aac", "fltp", tone(2.0), SR_IN, start_s=0.5)
    info = probe(str(p))
    track = decode(str(p), info, None)
    assert track.start_s == pytest.approx(0.5, abs=0.03)


def test_probe_and_stream_video(make_clip):
    p = make_clip("probe", duration_s=3, size=(320, 240), seed=2)
    info = probe(p)
    assert info.kind == "video" and (info.width, info.height) == (320, 240)
    assert info.fps == 30 and info.duration_s == pytest.approx(3.0, abs=0.05)
    assert info.sha256 == hashlib.sha256(open(p, "rb").read()).hexdigest()
    frames = []
    audio = decode(p, info, lambda f: frames.append((f.index, f.t_s, f.image.shape)), max_fps=15)
    assert len(frames) == 45 and frames[0][2] == (240, 320, 3)
    assert np.allclose(np.diff([f[1] for f in frames]), 1 / 15, atol=1e-3)
    assert audio.sr == SAMPLE_RATE and abs(audio.duration_s - 3.0) < 0.1


def test_limits_give_clear_errors(make_clip, tmp_path):
    p = make_clip("probe", duration_s=3, size=(320, 240), seed=2)
    with pytest.raises(MediaError, match="limit is 2 s") as e:
        probe(p, Limits(max_duration_s=2))
    assert "tối đa 2 giây" in e.value.message("vi")
    with pytest.raises(MediaError, match="resolution"):
        probe(p, Limits(max_pixels=160 * 120))
    with pytest.raises(MediaError, match="too large"):
        probe(p, Limits(max_file_bytes=1000))
    with pytest.raises(MediaError, match="not found"):
        probe(str(tmp_path / "missing.mp4"))


def test_truncated_file_keeps_what_decodes(make_clip, tmp_path):
    # A stream cut mid-way (no index at the end, as an interrupted download of a .ts/.webm)
    p = tmp_path / "cut.webm"
    with av.open(str(p), "w") as out:
        s = out.add_stream("libvpx", rate=25)
        s.width, s.height, s.pix_fmt = 160, 120, "yuv420p"
        for i in range(50):
            f = av.VideoFrame.from_ndarray(np.full((120, 160, 3), i * 5, np.uint8), format="rgb24")
            f.pts, f.time_base = i, Fraction(1, 25)
            for pk in s.encode(f):
                out.mux(pk)
        for pk in s.encode(None):
            out.mux(pk)
    data = p.read_bytes()
    cut = tmp_path / "cut_half.webm"
    cut.write_bytes(data[: len(data) // 2])
    info = probe(str(cut))  # WebM has its index up front: the cut file still opens
    frames = []
    decode(str(cut), info, lambda f: frames.append((f.index, f.t_s, int(f.image[0, 0, 0]))))
    n = len(frames)
    assert 10 <= n < 50
    # what decodes is the clip's beginning, in order, with the pictures that were encoded there
    assert [f[0] for f in frames] == list(range(n))
    np.testing.assert_allclose([f[1] for f in frames], np.arange(n) / 25, atol=1e-3)
    assert all(abs(v - 5 * i) <= 3 for i, (_, _, v) in enumerate(frames))


@pytest.mark.parametrize("ext,vcodec,acodec,afmt", [
    ("webm", "libvpx", "libopus", "flt"),
    ("mkv", "libx264", "aac", "fltp"),
    ("mov", "libx264", "aac", "fltp"),
    ("3gp", "libx264", "libopencore_amrnb", "s16"),
    ("avi", "mpeg4", "libmp3lame", "fltp"),
])
def test_video_containers_decode_picture_and_sound(tmp_path, ext, vcodec, acodec, afmt):
    p = tmp_path / f"clip.{ext}"
    asr = 8000 if "amr" in acodec else 48000
    with av.open(str(p), "w") as out:
        vs = out.add_stream(vcodec, rate=25)
        vs.width, vs.height, vs.pix_fmt = 160, 120, "yuv420p"
        aus = out.add_stream(acodec, rate=asr)
        aus.layout = "mono"
        for i in range(50):
            f = av.VideoFrame.from_ndarray(np.full((120, 160, 3), i * 5, np.uint8), format="rgb24")
            f.pts, f.time_base = i, Fraction(1, 25)
            for pk in vs.encode(f):
                out.mux(pk)
        for pk in vs.encode(None):
            out.mux(pk)
        y = tone(2.0, asr)
        if afmt == "s16":
            y = (y * 32767).astype(np.int16)
        for k in range(0, len(y), 1024):
            fr = av.AudioFrame.from_ndarray(y[None, k:k + 1024], format=afmt, layout="mono")
            fr.sample_rate, fr.pts, fr.time_base = asr, k, Fraction(1, asr)
            for pk in aus.encode(fr):
                out.mux(pk)
        for pk in aus.encode(None):
            out.mux(pk)
    info = probe(str(p))
    assert info.kind == "video" and info.has_audio and (info.width, info.height) == (160, 120)
    n = []
    audio = decode(str(p), info, lambda f: n.append(f.t_s))
    assert 45 <= len(n) <= 50
    assert abs(audio.duration_s - 2.0) < 0.2
