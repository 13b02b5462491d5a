"""The hostile-input corpus (issue 13): files people and investigators may feed the verifier.

Every case is generated here with PyAV, numpy and the standard library (nothing is
downloaded) and carries the outcome the verifier must give:

- ``error.<key>``: the analysis stops with that translated error (``report.error.key``);
- ``inconclusive``: the analysis runs to the end without an error, level "inconclusive";
- ``normal``: the analysis runs to the end without an error (any level).

``tests/test_hostile.py`` runs the corpus through the Python API, the CLI and the app API;
the table ``docs/hostile_corpus.md`` is generated from the same list::

    python tests/hostile/build_corpus.py OUT_DIR            # write the files, list them
    python tests/hostile/build_corpus.py OUT_DIR --table docs/hostile_corpus.md --run
        # also analyse each file and write the table with the measured outcome and time
"""
from __future__ import annotations

import argparse
import io
import os
import struct
import sys
import time
import zipfile
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Callable

import av
import numpy as np

SR = 16000  # Hz, sample rate of the generated voice tracks unless a case says otherwise


@dataclass(frozen=True)
class Case:
    """One hostile input: ``build(folder, name)`` writes it and returns the path to analyse."""

    name: str  # file name (some names are the point of the case)
    build: Callable[[Path, str], Path]
    expect: str  # "error.<key>" | "inconclusive" | "normal"
    what: str  # one line for the table
    time_limit_s: float = 30.0  # whole analysis, on a shared 2-core CI runner
    app: bool = False  # part of the subset also sent through the app API
    kind: str = "auto"


# --------------------------------------------------------------------------- generators


def _frame(w: int, h: int, i: int) -> np.ndarray:
    """A moving gradient (no face: the verifier answers "inconclusive" for the picture)."""
    x = np.linspace(0, 255, w, dtype=np.float32)[None, :]
    y = np.linspace(0, 255, h, dtype=np.float32)[:, None]
    img = np.stack([(x + 7 * i) % 256 + 0 * y, (y + 3 * i) % 256 + 0 * x, np.full((h, w), 128.0)], -1)
    return img.astype(np.uint8)


def _voice(seconds: float, sr: int = SR, seed: int = 0) -> np.ndarray:
    from verifier.analysis.synth import speech_like

    y = speech_like(seconds + 0.5, sr=sr, seed=seed).y[: int(seconds * sr)]
    return y.astype(np.float32)


def write_video(path: Path, *, w: int = 160, h: int = 120, fps: int = 15, seconds: float = 1.5,
                codec: str = "libx264", pix_fmt: str = "yuv420p", audio: bool = True, fmt: str | None = None,
                pts: Callable[[int], int] | None = None, options: dict | None = None, n_frames: int | None = None,
                extra_video: int = 0, extra_audio: int = 0, rotate_deg: int = 0) -> Path:
    """A small clip: gradient frames (``pts(i)`` in 1/fps units, default i) and a voice-like track."""
    n = int(round(seconds * fps)) if n_frames is None else n_frames
    with av.open(str(path), "w", format=fmt) as out:
        vss = []
        for _ in range(1 + extra_video):
            vs = out.add_stream(codec, rate=fps)
            vs.width, vs.height, vs.pix_fmt = w, h, pix_fmt
            vs.time_base = Fraction(1, fps)
            if codec in ("libx264", "libx265"):
                vs.options = {"preset": "ultrafast", **(options or {})}
                if codec == "libx265":
                    vs.options["x265-params"] = "log-level=error"
            if rotate_deg:
                vs.set_display_rotation(-rotate_deg)
            vss.append(vs)
        auss = []
        for _ in range((1 if audio else 0) + extra_audio):
            a = out.add_stream("aac", rate=SR)
            a.layout = "mono"
            auss.append(a)
        for vs in vss:
            for i in range(n):
                f = av.VideoFrame.from_ndarray(_frame(w, h, i), format="rgb24")
                f.pts = pts(i) if pts else i
                f.time_base = Fraction(1, fps)
                for p in vs.encode(f):
                    out.mux(p)
            for p in vs.encode(None):
                out.mux(p)
        y = _voice(seconds)
        for a in auss:
            _encode_audio(out, a, y, SR)
    return path


def _encode_audio(out, stream, y: np.ndarray, sr: int, fmt: str = "flt", start: int = 0) -> None:
    chunk = 1024
    for k in range(0, len(y), chunk):
        part = y[k:k + chunk]
        arr = part[None, :] if part.ndim == 1 else part.T.reshape(1, -1)
        af = av.AudioFrame.from_ndarray(np.ascontiguousarray(arr), format=fmt, layout=stream.layout.name)
        af.sample_rate, af.pts, af.time_base = sr, start + k, Fraction(1, sr)
        for p in stream.encode(af):
            out.mux(p)
    for p in stream.encode(None):
        out.mux(p)


def write_audio(path: Path, y: np.ndarray, sr: int = SR, codec: str = "pcm_s16le", fmt: str = "s16",
                layout: str = "mono", container: str | None = None, start: int = 0) -> Path:
    """Audio file from float samples in [-1, 1] ([n] mono or [n, ch])."""
    if fmt == "s16":
        y = (np.clip(y, -1, 1) * 32767).astype(np.int16)
    else:
        y = y.astype(np.float32)
    with av.open(str(path), "w", format=container) as out:
        s = out.add_stream(codec, rate=sr)
        s.layout = layout
        _encode_audio(out, s, y, sr, fmt, start)
    return path


def write_float_wav(path: Path, y: np.ndarray, sr: int, channels: int = 1) -> Path:
    """IEEE-float WAV written by hand (so NaN and inf reach the file unchanged)."""
    data = np.asarray(y, "<f4").tobytes()
    fmt = struct.pack("<HHIIHH", 3, channels, sr, sr * 4 * channels, 4 * channels, 32)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", len(data)) + data
    path.write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)
    return path


def _png(w: int = 32, h: int = 24) -> bytes:
    from PIL import Image

    b = io.BytesIO()
    Image.fromarray(_frame(w, h, 0)).save(b, format="PNG")
    return b.getvalue()


def _image(fmt: str, w: int = 64, h: int = 48) -> bytes:
    from PIL import Image

    b = io.BytesIO()
    Image.fromarray(_frame(w, h, 0)).save(b, format=fmt)
    return b.getvalue()


def _jpeg_declaring(w: int, h: int) -> bytes:
    """A small JPEG whose frame header (SOF0) claims ``w`` × ``h`` pixels: a decompression bomb."""
    data = bytearray(_image("JPEG"))
    i = data.index(b"\xff\xc0")
    data[i + 5:i + 9] = struct.pack(">HH", h, w)
    return bytes(data)


# --------------------------------------------------------------------------- builders


def _b(fn):
    """Builder from ``fn(path)``: the file is ``folder/name``."""
    def build(folder: Path, name: str) -> Path:
        p = folder / name
        fn(p)
        return p
    return build


def _bytes(data: bytes):
    return _b(lambda p: p.write_bytes(data))


def _base_mp4(p: Path, faststart: bool = False) -> Path:
    return write_video(p, seconds=2.0, options=None, fmt=None) if not faststart else write_video(p, seconds=2.0)


def _derived(base: Callable[[Path], Path], edit: Callable[[bytes], bytes]):
    """Write ``base`` to a scratch file, then store ``edit(its bytes)`` under the case's name."""
    def build(folder: Path, name: str) -> Path:
        scratch = folder / ".scratch" / name
        scratch.parent.mkdir(exist_ok=True)
        base(scratch)
        data = edit(scratch.read_bytes())
        scratch.unlink()
        p = folder / name
        p.write_bytes(data)
        return p
    return build


def _mp4(p: Path) -> Path:
    return write_video(p, seconds=2.0)


def _mkv(p: Path) -> Path:
    return write_video(p, seconds=2.0, fmt="matroska")


def _wav(p: Path) -> Path:
    return write_audio(p, _voice(3.0))


def _m4a(p: Path) -> Path:
    return write_audio(p, _voice(3.0), codec="aac", fmt="flt", container="mp4")


def _truncate(frac: float | None = None, n: int | None = None):
    return lambda d: d[: n if n is not None else int(len(d) * frac)]


def _flip(lo: float, hi: float, count: int, seed: int):
    """Flip ``count`` random bits between fractions ``lo`` and ``hi`` of the file."""
    def edit(d: bytes) -> bytes:
        rng = np.random.default_rng(seed)
        b = bytearray(d)
        a, z = int(len(b) * lo), max(int(len(b) * lo) + 1, int(len(b) * hi))
        for i in rng.integers(a, z, count):
            b[i] ^= 1 << int(rng.integers(0, 8))
        return bytes(b)
    return edit


def _mp4_box_edit(box: bytes, offset: int, value: bytes):
    """Overwrite bytes ``offset`` after the first ``box`` type tag."""
    def edit(d: bytes) -> bytes:
        i = d.index(box)
        return d[:i + offset] + value + d[i + offset + len(value):]
    return edit


def _ts_concat(first_start_s: float, second_start_s: float):
    """Two MPEG-TS clips glued byte-wise: the second's timestamps jump (back or far ahead)."""
    def build(folder: Path, name: str) -> Path:
        parts = []
        for k, start in enumerate((first_start_s, second_start_s)):
            q = folder / ".scratch" / f"{name}.{k}.ts"
            q.parent.mkdir(exist_ok=True)
            off = int(round(start * 15))
            write_video(q, seconds=1.0, fmt="mpegts", pts=lambda i, off=off: i + off)
            parts.append(q.read_bytes())
            q.unlink()
        p = folder / name
        p.write_bytes(b"".join(parts))
        return p
    return build


def _huge_declared(p: Path) -> Path:
    """Matroska declaring one 16 000 × 16 000 raw picture but holding 1 kB."""
    with av.open(str(p), "w", format="matroska") as out:
        s = out.add_stream("rawvideo", rate=1)
        s.width, s.height, s.pix_fmt = 16000, 16000, "gray"
        pk = av.Packet(b"\x00" * 1000)
        pk.stream, pk.pts, pk.dts, pk.time_base = s, 0, 0, Fraction(1, 1000)
        out.mux(pk)
    return p


def _mjpeg_bomb(p: Path) -> Path:
    """Matroska holding one Motion-JPEG picture whose headers claim 16 000 × 16 000 (1.4 kB)."""
    with av.open(str(p), "w", format="matroska") as out:
        s = out.add_stream("mjpeg", rate=1)
        s.width, s.height, s.pix_fmt = 16000, 16000, "yuvj420p"
        pk = av.Packet(_jpeg_declaring(16000, 16000))
        pk.stream, pk.pts, pk.dts, pk.time_base = s, 0, 0, Fraction(1, 1000)
        out.mux(pk)
    return p


def _zero_frames(p: Path) -> Path:
    with av.open(str(p), "w", format="mp4") as out:
        s = out.add_stream("libx264", rate=15)
        s.width, s.height, s.pix_fmt = 160, 120, "yuv420p"
        out.start_encoding()  # the header is written, no picture follows
    return p


def _subtitle_only(p: Path) -> Path:
    """Matroska holding one ASS subtitle ("Xin chào") and nothing else."""
    with av.open(str(p), "w", format="matroska") as out:
        s = out.add_stream("ass")
        pk = av.Packet("0,0,Default,,0,0,0,,Xin chào".encode())
        pk.stream, pk.pts, pk.dts, pk.duration, pk.time_base = s, 0, 0, 2000, Fraction(1, 1000)
        out.mux(pk)
    return p


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def _no_streams(p: Path) -> Path:
    """A well-formed mp4 (ftyp + moov with its movie header) that declares no track."""
    matrix = struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
    mvhd = _box(b"mvhd", struct.pack(">IIIII", 0, 0, 0, 1000, 0) + struct.pack(">IH", 0x10000, 0x100)
                + b"\x00" * 10 + matrix + b"\x00" * 24 + struct.pack(">I", 1))
    p.write_bytes(_box(b"ftyp", b"isom" + struct.pack(">I", 0x200) + b"isomiso2mp41") + _box(b"moov", mvhd))
    return p


def _data_only(p: Path) -> Path:
    """MPEG-TS holding one private data stream (KLV metadata) and no picture or sound."""
    with av.open(str(p), "w", format="mpegts") as out:
        s = out.add_data_stream("klv")
        for i in range(10):
            pk = av.Packet(bytes(range(32)))
            pk.stream, pk.pts, pk.dts, pk.time_base = s, i * 9000, i * 9000, Fraction(1, 90000)
            out.mux(pk)
    return p


def _ten_hours(p: Path) -> Path:
    """Two frames, at 0 s and at 10 h: the container declares a 10-hour clip."""
    return write_video(p, n_frames=2, fps=1, fmt="matroska", pts=lambda i: i * 36000, audio=False)


def _wav_declaring_10h(d: bytes) -> bytes:
    """A 3 s WAV whose RIFF and data sizes claim 10 hours of sound."""
    b = bytearray(d)
    n = 10 * 3600 * SR * 2
    b[4:8] = struct.pack("<I", min(n + 36, 2**32 - 1))
    i = b.index(b"data")
    b[i + 4:i + 8] = struct.pack("<I", min(n, 2**32 - 1))
    return bytes(b)


def _named(base: Callable[[Path], Path]):
    return _b(base)


def _nonutf8_name(folder: Path, name: str) -> Path:
    p = Path(os.fsdecode(os.fsencode(str(folder)) + b"/call_\xff\xfe_\xc3.mp4"))
    write_video(p, seconds=1.5)
    return p


def _symlink(folder: Path, name: str) -> Path:
    target = write_video(folder / ".scratch_target.mp4", seconds=1.5)
    p = folder / name
    p.symlink_to(target)
    return p


def _dangling(folder: Path, name: str) -> Path:
    p = folder / name
    p.symlink_to(folder / "does_not_exist.mp4")
    return p


def _fifo(folder: Path, name: str) -> Path:
    p = folder / name
    os.mkfifo(p)
    return p


def _directory(folder: Path, name: str) -> Path:
    p = folder / name
    p.mkdir()
    (p / "inside.mp4").write_bytes(b"")
    return p


def _unreadable(folder: Path, name: str) -> Path:
    p = write_video(folder / name, seconds=1.5)
    p.chmod(0)
    return p


def _missing(folder: Path, name: str) -> Path:
    return folder / name


def _call_clip(p: Path, **kw) -> Path:
    from verifier.analysis.synth import make_call_clip

    make_call_clip(str(p), **{"duration_s": 3.0, "size": (320, 240), **kw})
    return p


def _zip(p: Path) -> Path:
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("call.mp4", b"\x00" * 4096)
    return p


PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")
HTML = "<!DOCTYPE html><html><body><h1>Cuộc gọi</h1><video src='call.mp4'></video></body></html>\n".encode()
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 9 + struct.pack("<HHI", 2, 62, 1) + b"\x00" * 200
SRT = "1\n00:00:00,000 --> 00:00:02,000\nXin chào\n\n2\n00:00:02,000 --> 00:00:04,000\nChuyển tiền ngay\n".encode()


def _silence(seconds: float):
    return _b(lambda p: write_audio(p, np.zeros(int(seconds * 8000), np.float32), sr=8000, codec="flac"))


def _tone_like(fn):
    return _b(lambda p: write_audio(p, fn(_voice(3.0))))


def _nan_wav(p: Path) -> Path:
    y = _voice(3.0)
    y[SR:SR + 400] = np.nan
    y[2 * SR:2 * SR + 10] = np.inf
    y[2 * SR + 10:2 * SR + 20] = -np.inf
    return write_float_wav(p, y, SR)


def _all_nan_wav(p: Path) -> Path:
    return write_float_wav(p, np.full(3 * SR, np.nan, np.float32), SR)


def _eight_channels(p: Path) -> Path:
    y = np.stack([_voice(3.0, seed=k) for k in range(8)], 1)
    return write_audio(p, y, layout="7.1")


def _hi_rate_float(p: Path) -> Path:
    sr = 192000
    return write_float_wav(p, _voice(2.0, sr=sr), sr)


def _amr(p: Path) -> Path:
    return write_audio(p, _voice(3.0, sr=8000), sr=8000, codec="libopencore_amrnb", container="amr")


def _rate_change(folder: Path, name: str) -> Path:
    parts = []
    for k, (sr, layout) in enumerate(((SR, "mono"), (48000, "stereo"))):
        q = folder / ".scratch" / f"{name}.{k}.ts"
        q.parent.mkdir(exist_ok=True)
        y = _voice(1.5, sr=sr, seed=k)
        write_audio(q, y if layout == "mono" else np.stack([y, y], 1), sr=sr, codec="aac", fmt="flt",
                    layout=layout, container="mpegts")
        parts.append(q.read_bytes())
        q.unlink()
    p = folder / name
    p.write_bytes(b"".join(parts))
    return p


def _vfr(p: Path) -> Path:
    rng = np.random.default_rng(3)
    ticks = np.cumsum(rng.integers(1, 12, 40))  # gaps of 1/90 … 11/90 s
    return write_video(p, fps=90, n_frames=40, pts=lambda i: int(ticks[i]), fmt="matroska", options={"bf": "0"})


def _gap(p: Path) -> Path:
    """Frames 0–14, then a 5-minute hole, then frames again (inside the 10-minute limit)."""
    return write_video(p, fps=15, n_frames=30, pts=lambda i: i if i < 15 else i + 15 * 300, fmt="matroska",
                       audio=False, options={"bf": "0"})


def _negative_start(p: Path) -> Path:
    return write_video(p, fps=15, seconds=2.0, pts=lambda i: i - 15, fmt="matroska", audio=False, options={"bf": "0"})


def _interlaced(p: Path) -> Path:
    return write_video(p, w=320, h=240, seconds=1.5, options={"x264-params": "interlaced=1:tff=1"})


# --------------------------------------------------------------------------- the list

CASES: list[Case] = [
    # reference files: the corpus's controls
    Case("control call.mp4", _b(_call_clip), "normal", "synthetic video call with a face and a voice (control)", app=True),
    Case("control_voice.wav", _b(_wav), "normal", "3 s voice message, 16-bit WAV (control)", app=True),
    # empty, tiny, truncated
    Case("empty.mp4", _bytes(b""), "error.empty_file", "zero-length file", app=True),
    Case("one_byte.mp4", _bytes(b"\x00"), "error.not_media", "one byte"),
    Case("trunc_mp4_header_8B.mp4", _derived(_mp4, _truncate(n=8)), "error.not_media", "mp4 cut after 8 bytes (inside ftyp)"),
    Case("trunc_mp4_100B.mp4", _derived(_mp4, _truncate(n=100)), "error.not_media", "mp4 cut after 100 bytes"),
    Case("trunc_mp4_first_keyframe.mp4", _derived(_mp4, _truncate(n=2000)), "error.not_media",
         "mp4 (index at the end) cut inside the first keyframe: no index"),
    Case("trunc_mp4_half.mp4", _derived(_mp4, _truncate(0.5)), "error.not_media", "mp4 (index at the end) cut at 50 %", app=True),
    Case("trunc_mp4_last_byte.mp4", _derived(_mp4, _truncate(n=-1)), "normal", "mp4 missing its last byte"),
    Case("trunc_mkv_header.mkv", _derived(_mkv, _truncate(n=200)), "error.corrupt", "Matroska cut inside the header"),
    Case("trunc_mkv_first_keyframe.mkv", _derived(_mkv, _truncate(n=900)), "error.corrupt",
         "Matroska cut inside the first keyframe"),
    Case("trunc_mkv_half.mkv", _derived(_mkv, _truncate(0.5)), "normal", "Matroska (streamable) cut at 50 %: first half analysed"),
    Case("trunc_wav_header.wav", _derived(_wav, _truncate(n=30)), "error.not_media", "WAV cut inside its header"),
    Case("trunc_wav_half.wav", _derived(_wav, _truncate(0.5)), "normal", "WAV cut at 50 % (header still says 3 s)"),
    Case("trunc_m4a_half.m4a", _derived(_m4a, _truncate(0.5)), "error.not_media", "AAC in mp4 cut at 50 % (no index)"),
    # bit flips and header edits
    Case("flip_mp4_header.mp4", _derived(_mp4, _flip(0.0, 0.002, 8, 1)), "error.not_media", "8 bits flipped in the first bytes"),
    Case("flip_mp4_packets.mp4", _derived(_mp4, _flip(0.05, 0.8, 40, 2)), "normal", "40 bits flipped in the coded pictures"),
    Case("flip_mkv_packets.mkv", _derived(_mkv, _flip(0.1, 0.9, 40, 3)), "normal", "40 bits flipped in Matroska packets"),
    Case("flip_wav_samples.wav", _derived(_wav, _flip(0.1, 1.0, 200, 4)), "normal", "200 bits flipped in WAV samples"),
    # found by tests/test_fuzz_media.py: a stream of an unknown codec has no codec context
    Case("unknown_video_codec.mkv", _derived(_mkv, lambda d: d.replace(b"V_MPEG4/ISO/AVC", b"V_^PEG4/ISO/AVC")), "normal",
         "Matroska whose video codec id is unknown (bit flip found by fuzzing): the sound is analysed"),
    Case("unknown_codecs.mkv", _derived(_mkv, lambda d: d.replace(b"V_MPEG4/ISO/AVC", b"V_^PEG4/ISO/AVC")
                                        .replace(b"A_AAC", b"A_^AC")), "error.no_streams",
         "Matroska whose video and audio codec ids are unknown"),
    Case("mp4_moov_renamed.mp4", _derived(_mp4, lambda d: d.replace(b"moov", b"mooz")), "error.not_media",
         "mp4 whose index box is renamed"),
    Case("mp4_timescale_zero.mp4", _derived(_mp4, _mp4_box_edit(b"mvhd", 16, b"\x00\x00\x00\x00")), "normal",
         "mp4 whose movie timescale is 0"),
    Case("mp4_huge_track_size.mp4", _derived(_mp4, _mp4_box_edit(b"tkhd", 80, struct.pack(">II", 16000 << 16, 16000 << 16))),
         "normal", "mp4 whose track header claims 16 000 × 16 000 (the codec's size is used)"),
    Case("wav_declares_10h.wav", _derived(_wav, _wav_declaring_10h), "normal",
         "3 s WAV whose header claims 10 hours (the real length is used)"),
    # containers without usable streams
    Case("no_streams.mp4", _b(_no_streams), "error.no_streams", "well-formed mp4 declaring no track", app=True),
    Case("subtitle_only.mkv", _b(_subtitle_only), "error.no_streams", "Matroska with only a subtitle stream"),
    Case("data_only.ts", _b(_data_only), "error.no_streams", "MPEG-TS with only a data stream"),
    Case("subtitles.srt.mp4", _bytes(SRT), "error.not_media", "SubRip subtitles renamed .mp4"),
    Case("zero_frames.mp4", _b(_zero_frames), "error.no_streams", "mp4 with an H.264 stream of 0 frames (no codec parameters)"),
    Case("one_frame.mp4", _b(lambda p: write_video(p, n_frames=1, audio=False)), "inconclusive", "one picture, no sound"),
    # sizes and pixel formats
    Case("declared_16000x16000.mkv", _b(_huge_declared), "error.resolution_too_high",
         "stream declaring 16 000 × 16 000 (1 kB of data): refused before decoding", app=True),
    Case("mjpeg_bomb_16000.mkv", _b(_mjpeg_bomb), "error.resolution_too_high",
         "Motion-JPEG picture claiming 16 000 × 16 000 in 1.4 kB: refused before decoding"),
    Case("jpeg_bomb_16000.mp4", _bytes(_jpeg_declaring(16000, 16000)), "error.not_media",
         "JPEG header claiming 16 000 × 16 000, renamed .mp4"),
    Case("one_pixel.mkv", _b(lambda p: write_video(p, w=1, h=1, codec="ffv1", pix_fmt="gray")), "normal", "1 × 1 picture (FFV1) with sound"),
    Case("odd_size_161x97.mp4", _b(lambda p: write_video(p, w=161, h=97, pix_fmt="yuv444p")), "normal", "odd size 161 × 97"),
    Case("ten_bit.mp4", _b(lambda p: write_video(p, pix_fmt="yuv420p10le")), "normal", "H.264 10-bit"),
    Case("hevc_ten_bit.mkv", _b(lambda p: write_video(p, codec="libx265", pix_fmt="yuv420p10le", fmt="matroska")),
         "normal", "HEVC 10-bit"),
    Case("yuv444.mp4", _b(lambda p: write_video(p, pix_fmt="yuv444p")), "normal", "H.264 4:4:4"),
    Case("uhd_black_bomb.mp4", _b(lambda p: write_video(p, w=3840, h=2160, fps=30, seconds=1.0, audio=False)),
         "inconclusive", "4K frames compressing to kilobytes (decode cost ≫ file size)", time_limit_s=60),
    # timing
    Case("vfr.mkv", _b(_vfr), "normal", "variable frame rate (gaps 11–122 ms)"),
    Case("non_monotonic.ts", _ts_concat(10.0, 0.0), "normal", "MPEG-TS whose timestamps jump back 10 s"),
    Case("gap_5min.mkv", _b(_gap), "inconclusive", "a 5-minute hole between two 1 s parts"),
    Case("huge_jump.ts", _ts_concat(0.0, 3000.0), "error.too_long", "MPEG-TS whose timestamps jump 50 min ahead"),
    Case("negative_start.mkv", _b(_negative_start), "inconclusive", "timestamps starting at −1 s"),
    Case("declared_10h.mkv", _b(_ten_hours), "error.too_long", "two pictures 10 hours apart"),
    Case("fps_240.mp4", _b(lambda p: write_video(p, fps=240, seconds=1.5, w=96, h=64)), "normal", "240 frames per second"),
    Case("interlaced.mp4", _b(_interlaced), "normal", "interlaced H.264 (top field first)"),
    # rotation
    Case("rotated_90.mp4", _b(lambda p: _call_clip(p, rotate_deg=90)), "normal", "phone clip rotated 90°"),
    Case("rotated_180.mp4", _b(lambda p: _call_clip(p, rotate_deg=180)), "normal", "rotated 180°"),
    Case("rotated_270.mp4", _b(lambda p: _call_clip(p, rotate_deg=270)), "normal", "rotated 270°"),
    # kinds and extensions
    Case("audio_only.mp4", _b(_m4a), "normal", "AAC sound only, named .mp4", app=True),
    Case("video_only.wav", _b(lambda p: write_video(p, fmt="matroska", audio=False)), "inconclusive",
         "picture only (Matroska) named .wav"),
    Case("video_as_audio.m4a", _b(lambda p: write_video(p, fmt="mp4")), "normal", "a clip with sound analysed as sound only",
         kind="audio"),
    Case("audio_as_video.wav", _b(_wav), "error.no_video", "sound only, analysed as video", kind="video"),
    Case("many_streams.mkv", _b(lambda p: write_video(p, fmt="matroska", extra_video=2, extra_audio=5)), "normal",
         "3 video and 6 audio streams"),
    # sound
    # found by tests/test_fuzz_media.py (long run): the resampler refused a change of input format
    Case("rate_change.ts", _rate_change, "normal", "MPEG-TS whose sound changes from 16 kHz mono to 48 kHz stereo mid-way"),
    Case("eight_channels.wav", _b(_eight_channels), "normal", "8 channels (7.1)"),
    Case("amr_8k.amr", _b(_amr), "normal", "AMR-NB at 8 kHz"),
    Case("float_192k.wav", _b(_hi_rate_float), "normal", "float WAV at 192 kHz"),
    Case("clipping.wav", _tone_like(lambda y: np.clip(y * 30, -1, 1)), "normal", "voice clipped hard (×30)"),
    Case("dc_offset.wav", _tone_like(lambda y: np.clip(0.6 + 0.3 * y, -1, 1)), "normal", "DC offset of +0.6"),
    Case("nan_inf.wav", _b(_nan_wav), "normal", "float WAV with NaN, +inf and −inf samples", app=True),
    Case("all_nan.wav", _b(_all_nan_wav), "inconclusive", "float WAV of NaN only (read as silence)"),
    Case("silence_5min.flac", _silence(300.0), "inconclusive", "5 minutes of digital silence", time_limit_s=60),
    Case("silence_tiny.wav", _b(lambda p: write_audio(p, np.zeros(80, np.float32))), "inconclusive", "5 ms of silence"),
    # not media
    Case("picture.jpg.mp4", _bytes(_image("JPEG")), "error.not_media", "JPEG renamed .mp4", app=True),
    Case("picture.png.mp4", _bytes(_image("PNG")), "error.not_media", "PNG renamed .mp4"),
    Case("picture.gif.mp4", _bytes(_image("GIF")), "error.not_media", "one-frame GIF renamed .mp4"),
    Case("archive.zip.mp4", _b(_zip), "error.not_media", "ZIP renamed .mp4"),
    Case("page.html.mp4", _bytes(HTML), "error.not_media", "HTML renamed .mp4"),
    Case("document.pdf.mp4", _bytes(PDF), "error.not_media", "PDF renamed .mp4"),
    Case("program.elf.mp4", _bytes(ELF), "error.not_media", "ELF executable renamed .mp4"),
    Case("random_bytes.mp4", _bytes(np.random.default_rng(5).bytes(20000)), "error.not_media", "20 kB of random bytes"),
    # names and file-system objects
    Case("cuộc gọi với mẹ.mp4", _named(_mp4), "normal", "name with spaces and Vietnamese diacritics", app=True),
    Case("📞 call 🎭.mp4", _named(_mp4), "normal", "name with emoji"),
    Case("non_utf8", _nonutf8_name, "normal", "name with bytes that are not UTF-8"),
    Case("link.mp4", _symlink, "normal", "symbolic link to a clip"),
    Case("dangling_link.mp4", _dangling, "error.not_found", "symbolic link to nothing"),
    Case("missing.mp4", _missing, "error.not_found", "no such file"),
    Case("fifo.mp4", _fifo, "error.not_a_file", "a named pipe (must not hang)"),
    Case("folder.mp4", _directory, "error.not_a_file", "a directory"),
    Case("unreadable.mp4", _unreadable, "error.unreadable", "a file without read permission (as a non-root user)"),
]


def build(folder: Path, cases: list[Case] = CASES) -> list[tuple[Case, Path]]:
    """Write every case into ``folder`` (created); return (case, path to analyse) pairs."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    return [(c, c.build(folder, c.name)) for c in cases]


def outcome(report) -> str:
    """The report's outcome in the corpus's vocabulary."""
    if report.error is not None:
        return report.error.key
    return "inconclusive" if report.level == "inconclusive" else "normal"


def matches(expect: str, got: str) -> bool:
    """"normal" accepts any finished analysis (inconclusive included); the others must be equal."""
    return got == expect or (expect == "normal" and not got.startswith("error."))


def table(rows: list[tuple[Case, str | None, float | None]]) -> str:
    lines = ["# Hostile-input corpus", "",
             "Generated by `tests/hostile/build_corpus.py` (media made with PyAV/numpy, nothing downloaded) and",
             "run by `tests/test_hostile.py` through the Python API and the CLI (cases marked *app* also",
             "through the app API). *normal*: the analysis finishes (any level); *inconclusive*: it finishes",
             "with the level inconclusive; `error.*`: it stops with that translated message.",
             "", f"{len(rows)} cases. Times: measured on the shared 2-core development machine under load "
             "(the first case includes loading the models).", "",
             "| # | file | input | expected | measured | time (s) | limit (s) |",
             "|---|---|---|---|---|---|---|"]
    for i, (c, got, el) in enumerate(rows, 1):
        name = c.name + (" *(app)*" if c.app else "") + (f" *(--kind {c.kind})*" if c.kind != "auto" else "")
        lines.append(f"| {i} | `{name}` | {c.what} | {c.expect} | {got or ''} | "
                     f"{'' if el is None else f'{el:.1f}'} | {c.time_limit_s:.0f} |")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", help="folder to write the corpus into")
    ap.add_argument("--table", help="write the Markdown table of cases here")
    ap.add_argument("--run", action="store_true", help="analyse each case (Python API) and put the outcome in the table")
    args = ap.parse_args(argv)
    built = build(Path(args.out))
    rows = []
    bad = 0
    for c, p in built:
        got = el = None
        if args.run and c.name == "unreadable.mp4" and os.geteuid() == 0:
            got = "not run (root reads every file)"
        elif args.run:
            from verifier.analysis.pipeline import analyze

            t0 = time.perf_counter()
            got = outcome(analyze(p, kind=c.kind))
            el = time.perf_counter() - t0
            ok = matches(c.expect, got) and el <= c.time_limit_s
            bad += not ok
            print(f"{'ok ' if ok else 'BAD'} {el:6.1f}s {c.name!r}: expected {c.expect}, got {got}", flush=True)
        else:
            print(p)
        rows.append((c, got, el))
    if args.table:
        Path(args.table).write_text(table(rows), encoding="utf-8")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # this checkout's verifier, not an installed one
    sys.exit(main())
