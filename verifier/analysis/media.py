"""Opening media files: probing, hashing, and one streaming decode pass with PyAV.

PyAV bundles FFmpeg, so every format messengers produce (mp4/mov/webm/mkv/3gp/avi video,
m4a/aac/mp3/ogg-opus/wav/flac/amr audio) is decoded without a system ``ffmpeg``.

The file is opened read-only and never modified. Video frames are streamed one at a time
(never the whole clip in memory); the audio track is decoded in the same pass to float32
mono at :data:`SAMPLE_RATE`.
"""
from __future__ import annotations

import errno
import os
import queue
import stat
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable

import av
import numpy as np
from av.video.reformatter import VideoReformatter

from ..core.constants import SAMPLE_RATE
from ..core.errors import MediaError
from ..core.params import Limits
from ..core.report import MediaInfo
from . import threads
from .registry import sha256_of

# Sample rates a real recording can have, Hz: below, above: a corrupt header. The 30-minute fuzz run found a
# float WAV declaring 1.07 GHz whose resampling to 16 kHz took ~10 s of CPU for 8,000 samples.
PLAUSIBLE_AUDIO_RATE_HZ = (1_000, 768_000)  # 768 kHz: the highest rate of studio converters

# FFmpeg also "opens" text (as ANSI art), still images and subtitles; none is a call recording.
NOT_MEDIA_FORMATS = {"tty", "image2", "gif", "apng", "lavfi", "srt", "ass", "webvtt", "subviewer", "microdvd", "mpl2", "jacosub"}
NOT_MEDIA_CODECS = {"ansi", "text", "subrip", "ass", "webvtt"}


DEFAULT_LIMITS = Limits()


@dataclass
class VideoFrame:
    """One decoded picture. ``image`` is RGB uint8 [h, w, 3], upright."""

    index: int  # index among decoded frames (0-based)
    t_s: float  # presentation time on the container's timeline, in seconds
    image: np.ndarray
    prepared: Any = None  # what a DecodeAhead's ``prepare`` made of the frame in the decode thread, if any


def printable(text: str) -> str:
    """``text`` with the bytes of a file name that are not UTF-8 (kept by Python as lone
    surrogates, which no UTF-8 output can hold) shown as U+FFFD."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def display_name(path) -> str:
    """The file's name as shown to the user and written in reports (see :func:`printable`)."""
    return printable(os.path.basename(os.fsdecode(os.fspath(path))))


sha256_file = sha256_of  # SHA-256 of the file's bytes, lowercase hex (read-only, streamed): one implementation


def _open(path: str):
    try:
        return av.open(path, mode="r", metadata_errors="ignore")
    except (av.error.InvalidDataError, av.error.EOFError) as e:
        raise MediaError("error.not_media", name=display_name(path)) from e
    except av.error.PermissionError as e:
        raise MediaError("error.unreadable", name=display_name(path)) from e
    except av.error.OSError as e:
        if e.errno == errno.EIO:  # a container cut inside its header (FFmpeg's Matroska reader)
            raise MediaError("error.corrupt", name=display_name(path), detail=str(e)) from e
        raise MediaError("error.cannot_open", name=display_name(path), detail=str(e)) from e
    except av.error.FFmpegError as e:
        raise MediaError("error.cannot_open", name=display_name(path), detail=str(e)) from e


def _first_frame_rotation(c, stream, name: str) -> int:
    """Decode the first picture (which also proves the stream decodes) and return the
    display rotation its side data asks for, in degrees counter-clockwise (FFmpeg's
    display-matrix convention; phone clips carry 90 or 270)."""
    try:
        for frame in c.decode(stream):
            return int(round(getattr(frame, "rotation", 0) or 0)) % 360
    except av.error.FFmpegError as e:
        raise MediaError("error.corrupt", name=name, detail=str(e)) from e
    raise MediaError("error.corrupt", name=name, detail="no decodable picture")


def probe(path: str, limits: Limits = DEFAULT_LIMITS, *, sha256: str | None = None) -> MediaInfo:
    """Read a file's metadata and check it against ``limits``.

    Raises
    ------
    MediaError
        Missing, empty, too large, not media, no audio or video stream, too long,
        resolution too high.
    """
    path = os.fspath(path)
    name = display_name(path)
    st = _regular_file(path, name)
    size = st.st_size
    if size == 0:
        raise MediaError("error.empty_file", name=name)
    if size > limits.max_file_bytes:
        raise MediaError("error.file_too_big", name=name, size_mb=round(size / 2**20), limit_mb=round(limits.max_file_bytes / 2**20))
    try:
        digest = sha256 or sha256_file(path)
    except PermissionError as e:
        raise MediaError("error.unreadable", name=name) from e
    except OSError as e:  # an I/O error of the disk or network share
        raise MediaError("error.cannot_open", name=name, detail=e.strerror or str(e)) from e
    with _open(path) as c:
        vs, aus = _first(c.streams.video), _first(c.streams.audio)
        # A cover picture (mp3/m4a artwork) is a video stream of one still frame: treat as audio.
        if vs is not None and vs.disposition & getattr(av.stream.Disposition, "attached_pic", 1 << 10):
            vs = None
        if c.format.name in NOT_MEDIA_FORMATS or c.format.name.endswith("_pipe"):
            raise MediaError("error.not_media", name=name)
        if vs is not None and vs.codec_context.name in NOT_MEDIA_CODECS:
            raise MediaError("error.not_media", name=name)
        if vs is None and aus is None:
            raise MediaError("error.no_streams", name=name)
        duration = _duration_s(c, vs, aus)
        info = dict(path=path, sha256=digest, size_bytes=size, container=c.format.name,
                    duration_s=round(duration, 3), has_video=vs is not None, has_audio=aus is not None,
                    encoder=c.metadata.get("encoder") or None,
                    tags={k: v for k, v in c.metadata.items() if len(v) < 200})
        if vs is not None:
            cc = vs.codec_context
            w, h = cc.width, cc.height
            if not w or not h:
                raise MediaError("error.not_media", name=name)
            if w * h > limits.max_pixels:
                raise MediaError("error.resolution_too_high", name=name, width=w, height=h)
            rot = _first_frame_rotation(c, vs, name)
            if rot in (90, 270):
                w, h = h, w
            rate = vs.average_rate or vs.guessed_rate
            info.update(kind="video", width=w, height=h, fps=round(float(rate), 3) if rate else None,
                        n_frames=vs.frames or None, video_codec=cc.name, rotation_deg=rot,
                        video_start_s=_start_s(vs))
        else:
            info.update(kind="audio")
        if aus is not None:
            sr = aus.codec_context.sample_rate
            if sr and not PLAUSIBLE_AUDIO_RATE_HZ[0] <= sr <= PLAUSIBLE_AUDIO_RATE_HZ[1]:
                raise MediaError("error.corrupt", name=name, detail=f"audio sample rate {sr} Hz")
            info.update(audio_codec=aus.codec_context.name, audio_sample_rate=aus.codec_context.sample_rate,
                        audio_channels=aus.codec_context.channels, audio_start_s=_start_s(aus))
    if duration <= 0:
        raise MediaError("error.no_duration", name=name)
    if duration > limits.max_duration_s + limits.duration_slack_s:  # a "10:00" clip may declare 600.06 s
        raise MediaError("error.too_long", name=name, duration_s=round(duration), limit_s=round(limits.max_duration_s))
    return MediaInfo(**info)


def _first(streams):
    """The first stream FFmpeg can decode (a stream of an unknown codec has no codec context)."""
    return next((s for s in streams if s.codec_context is not None), None)


def _regular_file(path: str, name: str) -> os.stat_result:
    """stat() of ``path`` (links followed); only a regular file is accepted, so a FIFO or a
    device is never opened (opening a FIFO would wait for a writer forever)."""
    try:
        st = os.stat(path)
    except FileNotFoundError as e:
        raise MediaError("error.not_found", name=name) from e
    except PermissionError as e:
        raise MediaError("error.unreadable", name=name) from e
    except (OSError, ValueError) as e:  # a loop of links, a name too long, a NUL byte
        raise MediaError("error.not_found", name=name) from e
    if not stat.S_ISREG(st.st_mode):
        raise MediaError("error.not_a_file", name=name)
    if not os.access(path, os.R_OK):
        raise MediaError("error.unreadable", name=name)
    return st


def _rss_bytes() -> int | None:
    """Resident memory of this process in bytes (Linux ``/proc/self/statm``), None elsewhere."""
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


class _Guard:
    """Enforces :class:`Limits`' resource bounds during a decode: wall-clock deadline,
    resident memory, and decoded duration (a header may understate it)."""

    CHECK_EVERY = 8  # frames between memory checks (reading /proc costs ~20 µs)

    def __init__(self, name: str, limits: "Limits", deadline: float | None):
        self.name, self.limits = name, limits
        self.deadline = deadline if deadline is not None else time.monotonic() + limits.max_analysis_s
        self.max_media_s = limits.max_duration_s + limits.duration_slack_s
        self.n = 0

    def check(self, media_s: float) -> None:
        """Called once per decoded frame with the media time decoded so far (seconds)."""
        if media_s > self.max_media_s:
            raise MediaError("error.too_long", name=self.name, duration_s=round(media_s),
                             limit_s=round(self.limits.max_duration_s))
        self.n += 1
        if self.n % self.CHECK_EVERY:
            return
        if time.monotonic() > self.deadline:
            raise MediaError("error.time_limit", name=self.name, limit_s=round(self.limits.max_analysis_s))
        rss = _rss_bytes()
        if rss is not None and rss > self.limits.max_rss_bytes:
            raise MediaError("error.memory_limit", name=self.name, rss_mb=round(rss / 2**20),
                             limit_mb=round(self.limits.max_rss_bytes / 2**20))


def _start_s(stream) -> float | None:
    if stream.start_time is None or stream.time_base is None:
        return None
    return float(stream.start_time * stream.time_base)


def _duration_s(c, vs, aus) -> float:
    for s in (vs, aus):
        if s is not None and s.duration and s.time_base:
            return float(s.duration * s.time_base)
    if c.duration:
        return c.duration / av.time_base
    # Some raw streams (ADTS aac, amr) carry no duration: estimate from the bit rate.
    if c.bit_rate:
        return os.path.getsize(c.name) * 8 / c.bit_rate
    return 0.0


@dataclass
class AudioTrack:
    """Decoded audio: float32 mono samples at ``sr``; sample 0 sits at ``start_s`` on the
    container's timeline (the same timeline as :attr:`VideoFrame.t_s`)."""

    y: np.ndarray
    sr: int
    start_s: float

    @property
    def duration_s(self) -> float:
        return len(self.y) / self.sr


class _AudioSink:
    """Resamples decoded audio frames to mono float32 at ``sr`` and keeps them."""

    def __init__(self, sr: int):
        self.sr = sr
        self.resampler = av.AudioResampler(format="flt", layout="mono", rate=sr)
        self.chunks: list[np.ndarray] = []
        self.start_s: float | None = None
        self.n = 0  # samples kept
        self.input_format: tuple | None = None  # (sample format, layout, rate) the resampler was set up for

    def add(self, frame) -> None:
        if self.start_s is None and frame.time is not None:
            self.start_s = float(frame.time)
        # A stream may change its rate or channels mid-way (glued MPEG-TS, corrupt headers):
        # a resampler is set up for one input format, so a new one takes over.
        if not PLAUSIBLE_AUDIO_RATE_HZ[0] <= frame.sample_rate <= PLAUSIBLE_AUDIO_RATE_HZ[1]:
            return  # a corrupt mid-stream header (the probe refuses such a first stream): resampling it costs seconds
        fmt = (frame.format.name, frame.layout.name, frame.sample_rate)
        if self.input_format is not None and fmt != self.input_format:
            self._flush()
            self.resampler = av.AudioResampler(format="flt", layout="mono", rate=self.sr)
        self.input_format = fmt
        for out in self.resampler.resample(frame):
            self._keep(out)

    def _keep(self, out) -> None:
        self.chunks.append(out.to_ndarray().reshape(-1))
        self.n += self.chunks[-1].size

    def _flush(self) -> None:
        try:
            for out in self.resampler.resample(None):
                self._keep(out)
        except av.error.FFmpegError:  # the resampler's tail after corrupt input: dropped (< 1 frame)
            pass

    def finish(self) -> AudioTrack:
        self._flush()
        y = np.concatenate(self.chunks) if self.chunks else np.zeros(0, np.float32)
        # Float files may hold NaN or ±inf (a broken recorder or a hostile file): silence and full scale.
        y = np.nan_to_num(y.astype(np.float32, copy=False), nan=0.0, posinf=1.0, neginf=-1.0)
        # Some decoders (AMR) overshoot slightly; keep samples in [-1, 1].
        y = np.clip(y, -1.0, 1.0)
        return AudioTrack(y, self.sr, self.start_s or 0.0)


def _rotate(img: np.ndarray, deg: int) -> np.ndarray:
    """Turn a decoded picture ``deg`` degrees counter-clockwise (multiples of 90)."""
    k = (deg // 90) % 4
    return np.ascontiguousarray(np.rot90(img, k=k)) if k else img


def decode(
    path: str,
    info: MediaInfo,
    on_frame: Callable[[VideoFrame], None] | None = None,
    *,
    sr: int = SAMPLE_RATE,
    max_fps: float | None = None,
    audio: bool = True,
    limits: Limits = DEFAULT_LIMITS,
    deadline: float | None = None,
    skip_nonref: bool = False,
    decoder_threads: int | None = None,
    skip_unused: bool = False,
) -> AudioTrack | None:
    """Decode ``path`` in one pass: video frames go to ``on_frame`` one by one, the audio
    track is collected and returned (``None`` when the file has no audio stream).

    Parameters
    ----------
    max_fps : float or None
        Frames are passed on at most at this rate (others are decoded, since codecs need
        them, but not converted to RGB). ``None`` passes every frame.
    audio : bool
        Decode the audio track too. False when it was decoded already: each stream of a
        file is decoded once.
    limits : Limits
        Resource bounds: the decoded media may not outlast ``max_duration_s`` (whatever the
        header said), the process's resident memory may not pass ``max_rss_bytes``.
    deadline : float or None
        ``time.monotonic()`` value after which the decode stops (the analysis's time limit);
        None: ``limits.max_analysis_s`` from now.
    skip_nonref : bool
        Ask the video decoder to skip frames no other frame refers to (FFmpeg
        ``skip_frame=NONREF``: the non-reference B-frames, about half of an x264 clip's frames;
        none in a clip without B-frames). For callers that sample a few frames per second: the
        frames passed on are then the nearest decoded ones, not every ``1 / max_fps``.
    decoder_threads : int or None
        FFmpeg threads of the video decoder; None: the process's budget
        (:attr:`verifier.analysis.threads.ThreadBudget.av_threads`, frame and slice threads). The
        pixels do not depend on it (FFmpeg's threaded decoding is bit-exact).
    skip_unused : bool
        With ``max_fps``: do not decode the non-reference frames that would not be passed on
        (:func:`_unused_frames`: which frames are passed on is known from the packets'
        timestamps before decoding; no other frame refers to a non-reference one, so every
        frame passed on has the same pixels). The frames passed on are those of a full decode
        wherever the decoder gives each packet's frame its packet's timestamp; where a decoded
        frame disagrees with the plan, the rest of the stream is decoded whole. Only with a
        single-thread decoder (``decoder_threads=1``), where the setting reaches the next packet.

    Raises
    ------
    MediaError
        The stream is truncated or corrupt before any usable data was decoded; a resource
        bound was passed (``error.too_long``, ``error.time_limit``, ``error.memory_limit``):
        then nothing decoded is returned.
    """
    name = display_name(path)
    sink = _AudioSink(sr) if (info.has_audio and audio) else None
    min_gap_s = (1.0 / max_fps) * 0.999 if max_fps else 0.0
    n_frames = 0
    next_t = -np.inf
    decoded_any = False
    guard = _Guard(name, limits, deadline)
    t0_video: float | None = None
    # One colour converter for the whole pass, one thread: the same pixels as
    # ``frame.to_ndarray(format="rgb24")``, which sets up a new converter (and its thread
    # pool, one thread a core) for every frame (tests/test_video_pipelined.py checks they are equal).
    to_rgb = VideoReformatter()
    with _open(path) as c:
        streams = []
        vs = _first(c.streams.video) if (info.has_video and on_frame is not None) else None
        if vs is not None:
            b = threads.budget()  # set once per process (verifier.analysis.threads)
            if decoder_threads is None:
                vs.thread_type, vs.thread_count = b.av_thread_type, b.av_threads
            else:
                vs.thread_type, vs.thread_count = (b.av_thread_type, decoder_threads) if decoder_threads > 1 else ("NONE", 1)
            if skip_nonref:
                vs.codec_context.skip_frame = "NONREF"
            streams.append(vs)
        aus = _first(c.streams.audio) if sink is not None else None
        if aus is not None:
            streams.append(aus)
        if not streams:
            return None
        unused = (_unused_frames(path, min_gap_s, guard)
                  if (skip_unused and vs is not None and max_fps and not skip_nonref and decoder_threads == 1) else None)
        passed = iter(sorted(unused.passed)) if unused is not None else None
        expect = next(passed, None) if passed is not None else None  # pts of the next frame the plan passes on
        try:
            for packet in c.demux(*streams):
                if unused is not None and packet.stream is vs:
                    vs.codec_context.skip_frame = "NONREF" if packet.pts in unused.pts else "DEFAULT"
                for frame in packet.decode():
                    decoded_any = True
                    if packet.stream is aus:
                        sink.add(frame)
                        guard.check(sink.n / sr)
                        continue
                    t = frame.time
                    if t is None:
                        t = n_frames / (info.fps or 30.0)
                    t0_video = t if t0_video is None else min(t0_video, t)
                    guard.check(t - t0_video)
                    keep = not t + 1e-9 < next_t
                    if unused is not None:
                        if (frame.pts == expect) if keep else (frame.pts in unused.pts):
                            expect = next(passed, None) if keep else expect
                        else:  # the decoder does not follow the plan: decode the rest whole
                            unused = None
                            vs.codec_context.skip_frame = "DEFAULT"
                    if not keep:
                        continue
                    next_t = t + min_gap_s
                    img = _rotate(to_rgb.reformat(frame, format="rgb24", threads=1).to_ndarray(), info.rotation_deg)
                    on_frame(VideoFrame(n_frames, float(t), img))
                    n_frames += 1
        except av.error.FFmpegError as e:
            # Truncated/corrupt data: keep what was decoded if there is any.
            if not decoded_any:
                raise MediaError("error.corrupt", name=name, detail=str(e)) from e
        if not decoded_any:
            raise MediaError("error.corrupt", name=name, detail="no decodable frame")
    return sink.finish() if sink is not None else None


@dataclass(frozen=True)
class _UnusedFrames:
    """Which video packets of a file :func:`decode` with ``max_fps`` will not pass on."""

    pts: frozenset  # pts of the packets whose frames are not passed on
    passed: frozenset  # pts of those that are


PLAN_MAX_PACKETS = 200_000  # video packets read ahead at most (10 min at 300 fps); more: no plan


def _unused_frames(path: str, min_gap_s: float, guard: _Guard) -> _UnusedFrames | None:
    """The frames :func:`decode` will not pass on, from a pass over the video packets alone
    (no decoding: ~10 ms for a minute of 30 fps video): the same rule on the same times as the
    decode (a frame is passed on unless it comes less than ``min_gap_s`` after the last one
    passed on, in presentation order), applied to every packet's timestamp. None (decode
    everything) when a packet has no timestamp, two share one, the file cannot be read through,
    or the deadline passes."""
    seen: list[int] = []
    try:
        with _open(path) as c:
            vs = _first(c.streams.video)
            if vs is None or vs.time_base is None:
                return None
            num, den = vs.time_base.numerator, vs.time_base.denominator
            for packet in c.demux(vs):
                if packet.size == 0:
                    continue  # the demuxer's end-of-stream packet
                if packet.pts is None or len(seen) >= PLAN_MAX_PACKETS:
                    return None
                seen.append(packet.pts)
                if len(seen) % 1024 == 0 and time.monotonic() > guard.deadline:
                    return None
    except (av.error.FFmpegError, MediaError):
        return None
    if len(set(seen)) != len(seen):
        return None
    unused, passed, next_t = set(), set(), -np.inf
    for pts in sorted(seen):
        t = float(pts) * num / den  # as av's Frame.time
        if t + 1e-9 < next_t:
            unused.add(pts)
        else:
            passed.add(pts)
            next_t = t + min_gap_s
    return _UnusedFrames(frozenset(unused), frozenset(passed))


DECODE_AHEAD_FRAMES = 4  # frames a DecodeAhead keeps ready (720p RGB: 2.6 MB each); set by hand


class _Cancelled(Exception):
    """Raised inside the decode thread of a :class:`DecodeAhead` that its reader left."""


class DecodeAhead:
    """:func:`decode` in a thread of its own, its frames read in order by the caller.

    The decode thread converts up to ``ahead`` frames ahead of the reader (a bounded queue,
    so memory stays at a few frames) while the reader works on the previous ones: FFmpeg's
    decoding and colour conversion and a native face tracker release the GIL, so on two
    cores they run side by side. What reaches the reader, and in which order, is what
    :func:`decode` would give ``on_frame``; a :class:`MediaError` of the decode is raised by
    the iteration at the point where :func:`decode` would have raised it.

    >>> with DecodeAhead(path, info, max_fps=15, audio=False) as frames:
    ...     for frame in frames:
    ...         ...
    >>> frames.audio  # decode()'s return value, once the frames are read

    Leaving the ``with`` block early (an error of the reader) stops the decode thread. The
    decoder runs with :attr:`verifier.analysis.threads.ThreadBudget.av_threads_ahead` threads unless
    ``decoder_threads`` is given, and skips the unused non-reference frames (``skip_unused``
    of :func:`decode`) unless told not to. ``prepare(frame)``, if given, runs in the decode
    thread on each frame before the reader gets it, its result in ``frame.prepared``.
    """

    def __init__(self, path: str, info: MediaInfo, *, ahead: int = DECODE_AHEAD_FRAMES,
                 prepare: Callable[[VideoFrame], Any] | None = None, **decode_kw):
        self._args = (path, info)
        self._prepare = prepare
        decode_kw.setdefault("decoder_threads", threads.budget().av_threads_ahead)
        decode_kw.setdefault("skip_unused", True)
        self._kw = decode_kw
        self._q: queue.Queue = queue.Queue(maxsize=max(1, int(ahead)))
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.audio: AudioTrack | None = None

    def __enter__(self) -> "DecodeAhead":
        self._thread = threading.Thread(target=self._run, name="decode-ahead", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def _put(self, item) -> None:
        while True:
            if self._stop.is_set():
                raise _Cancelled
            try:
                self._q.put(item, timeout=0.05)
                return
            except queue.Full:
                continue

    def _put_frame(self, frame: VideoFrame) -> None:
        if self._prepare is not None:
            frame.prepared = self._prepare(frame)
        self._put(frame)

    def _run(self) -> None:
        try:
            audio = decode(*self._args, self._put_frame, **self._kw)
        except _Cancelled:
            return
        except BaseException as e:  # handed to the reader, raised there
            try:
                self._put(("error", e))
            except _Cancelled:
                pass
            return
        try:
            self._put(("done", audio))
        except _Cancelled:
            pass

    def __iter__(self):
        if self._thread is None:
            raise RuntimeError("DecodeAhead must be used as a context manager")
        while True:
            item = self._q.get()
            if isinstance(item, VideoFrame):
                yield item
                continue
            what, value = item
            if what == "error":
                raise value
            self.audio = value
            return


def load_audio(path: str, sr: int = SAMPLE_RATE, limits: Limits = DEFAULT_LIMITS) -> np.ndarray:
    """Decode the audio track of ``path`` to float32 mono at ``sr`` Hz, values in [-1, 1].

    Raises
    ------
    MediaError
        Not media, no audio track, or a limit is broken.
    """
    info = probe(path, limits)
    if not info.has_audio:
        raise MediaError("error.no_audio", name=display_name(path))
    track = decode(path, info, None, sr=sr, limits=limits)
    return track.y

