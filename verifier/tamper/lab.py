"""File level of the tamper lab: read a clip or voice message, apply one tamper, write the result.

``tamper_file(src, dst, kind, ...)`` decodes ``src`` (only read), tracks the face when the
tamper needs landmarks (:class:`verifier.analysis.face.FaceTracker`), applies the pure function of
:mod:`.audio` or :mod:`.video`, and writes ``dst``: H.264/AAC mp4 for a clip, WAV (or FLAC)
for a voice message, or — with ``messenger=True`` or ``kind="messenger"`` — the messenger
degradation on top (:class:`DegradeParams`).
"""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from ..analysis.media import decode, load_audio, probe
from ..core.constants import SAMPLE_RATE
from ..core.errors import MediaError, ParameterError
from ..core.params import DegradeParams, Limits, TamperParams
from . import AUDIO_KINDS, KINDS
from .audio import espeak_voice, replace_voice, shift, vocode
from .video import face_swap, loudness_envelope, remove_blinks, talking_photo

MAX_TAMPER_DURATION_S = 120.0  # s: every frame is held in memory (a training clip is ~10 s)
OUT_CRF = 18  # x264 constant quality of the tampered clip: visually lossless, so the tamper is what shows
OUT_AUDIO_BIT_RATE = 128_000  # bit/s, AAC of the tampered clip (not a degradation)


@dataclass
class Clip:
    """A decoded clip: every frame (RGB uint8), its time, the sound aligned to the first frame."""

    frames: list[np.ndarray]
    fps: float
    audio: np.ndarray | None  # float32 mono at sr; sample 0 at the first frame's time
    sr: int = SAMPLE_RATE


def read_clip(path: str) -> Clip:
    """Decode every frame and the sound of ``path`` (a video), the sound re-timed so that its
    first sample plays with the first frame (as the container's timestamps say)."""
    info = probe(path, Limits(max_duration_s=MAX_TAMPER_DURATION_S))
    if not info.has_video:
        raise MediaError("error.no_video", name=os.path.basename(path))
    frames, times = [], []

    def keep(f):
        frames.append(f.image)
        times.append(f.t_s)

    track = decode(path, info, keep)
    if not frames:
        raise MediaError("error.corrupt", name=os.path.basename(path), detail="no decodable frame")
    fps = info.fps or (len(times) - 1) / max(1e-3, times[-1] - times[0])
    y = None
    if track is not None and len(track.y):
        k = int(round((track.start_s - times[0]) * track.sr))  # > 0: the sound starts after the first frame
        y = np.concatenate([np.zeros(k, np.float32), track.y]) if k >= 0 else track.y[-k:]
        y = np.ascontiguousarray(y[:int(round(len(frames) / fps * track.sr))])
    return Clip(frames, float(fps), y)


def write_clip(path: str, frames, fps: float, audio: np.ndarray | None, sr: int = SAMPLE_RATE, *,
               crf: int = OUT_CRF, audio_bit_rate: int = OUT_AUDIO_BIT_RATE) -> None:
    """Write RGB frames at a constant ``fps`` and a mono sound starting with the first frame as
    H.264 (yuv420p, odd sizes cut by one pixel) / AAC mp4."""
    import av

    h, w = frames[0].shape[:2]
    h2, w2 = h - h % 2, w - w % 2
    rate = Fraction(fps).limit_denominator(1001)
    with av.open(path, "w", format="mp4") as out:
        vs = out.add_stream("libx264", rate=rate)
        vs.width, vs.height, vs.pix_fmt = w2, h2, "yuv420p"
        vs.options = {"crf": str(crf), "preset": "veryfast"}
        aus = None
        if audio is not None:
            aus = out.add_stream("aac", rate=sr, layout="mono")
            aus.bit_rate = audio_bit_rate
        for i, img in enumerate(frames):
            vf = av.VideoFrame.from_ndarray(np.ascontiguousarray(img[:h2, :w2]), format="rgb24")
            vf.pts, vf.time_base = i, 1 / rate
            for pkt in vs.encode(vf):
                out.mux(pkt)
        for pkt in vs.encode(None):
            out.mux(pkt)
        if aus is not None:
            y = np.clip(np.asarray(audio, np.float32), -1, 1)
            for k in range(0, len(y), 1024):
                af = av.AudioFrame.from_ndarray(np.ascontiguousarray(y[None, k:k + 1024]), format="flt", layout="mono")
                af.sample_rate, af.pts, af.time_base = sr, k, Fraction(1, sr)
                for pkt in aus.encode(af):
                    out.mux(pkt)
            for pkt in aus.encode(None):
                out.mux(pkt)


def degrade_file(src: str, dst: str, p: DegradeParams = DegradeParams()) -> None:
    """(g) ``src`` as a messenger passes it on: a clip scaled to at most ``p.max_height_px``
    lines, H.264 at ``p.video_bit_rate`` and mono AAC at ``p.audio_bit_rate``
    (:func:`verifier.analysis.channel.reencode_video`); a voice message as mono AAC (.m4a)."""
    from ..analysis import channel

    info = probe(src)
    if info.has_video:
        channel.reencode_video(src, dst, spec=(p.max_height_px, p.video_bit_rate, p.audio_bit_rate, p.audio_sr))
        return
    import av

    y = load_audio(src, sr=p.audio_sr)
    with av.open(dst, "w", format="mp4") as out:
        st = out.add_stream("aac", rate=p.audio_sr, layout="mono")
        st.bit_rate = p.audio_bit_rate
        for k in range(0, len(y), 1024):
            fr = av.AudioFrame.from_ndarray(np.ascontiguousarray(y[None, k:k + 1024]), format="flt", layout="mono")
            fr.sample_rate, fr.pts, fr.time_base = p.audio_sr, k, Fraction(1, p.audio_sr)
            for pkt in st.encode(fr):
                out.mux(pkt)
        for pkt in st.encode(None):
            out.mux(pkt)


def track_landmarks(frames) -> list[np.ndarray | None]:
    """FaceMesh landmarks (478, 3) of every frame, or None where no face was found."""
    from ..analysis.face import FaceTracker

    with FaceTracker() as trk:
        return [trk.track(img).landmarks for img in frames]


def photo_landmarks(img: np.ndarray) -> np.ndarray:
    """Landmarks of the one face of a still photo (raises when none is found)."""
    from ..analysis.face import FaceTracker

    with FaceTracker() as trk:
        pts = trk.track(img).landmarks
    if pts is None:
        raise ParameterError("no face found in the photo")
    return pts


def load_photo(path: str | None) -> np.ndarray:
    """RGB uint8 photo from ``path``, or the public-domain astronaut photo (scikit-image)."""
    if path is None:
        from skimage import data

        return np.ascontiguousarray(data.astronaut())
    import cv2

    img = cv2.imread(path, cv2.IMREAD_COLOR)
    if img is None:
        raise ParameterError(f"cannot read the photo {path}")
    return cv2.cvtColor(img, cv2.COLOR_BGR2RGB)


def _tamper_sound(kind: str, y: np.ndarray, sr: int, p: TamperParams, other: str | None) -> np.ndarray:
    if kind == "shift":
        return shift(y, sr, p.shift)
    if kind == "voice":
        if other is None:
            raise ParameterError("--other: the recording that replaces the voice is needed")
        return replace_voice(y, sr, load_audio(other, sr=sr), p.replace)
    if kind == "vocoder":
        return vocode(y, sr, p.vocoder)
    if kind == "espeak":
        return espeak_voice(y, sr, p.espeak)
    raise AssertionError(kind)


def tamper_file(src: str, dst: str, kind: str, p: TamperParams = TamperParams(), *, other: str | None = None,
                photo: str | None = None, messenger: bool = False) -> str:
    """Write a tampered copy of ``src`` to ``dst`` and return ``dst``. ``src`` is only read.

    Parameters
    ----------
    kind : one of :data:`verifier.tamper.KINDS`.
    other : the recording that replaces the voice (kind "voice").
    photo : the donor face (kind "swap") or the photo that talks (kind "photo"; default: the
        clip's first frame with a face, or the astronaut for a voice message); None = astronaut
        for "swap".
    messenger : also apply the messenger degradation (``p.degrade``) to the result.
    """
    if kind not in KINDS:
        raise ParameterError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    if os.path.abspath(src) == os.path.abspath(dst):
        raise ParameterError("the output must not be the input (inputs are never modified)")
    if kind == "messenger":
        degrade_file(src, dst, p.degrade)
        return dst
    if messenger:
        with tempfile.TemporaryDirectory() as d:
            mid = os.path.join(d, "tampered" + (".mp4" if probe(src).has_video or kind == "photo" else ".wav"))
            tamper_file(src, mid, kind, p, other=other, photo=photo)
            degrade_file(mid, dst, p.degrade)
        return dst
    info = probe(src, Limits(max_duration_s=MAX_TAMPER_DURATION_S))
    if not info.has_video:
        if kind not in AUDIO_KINDS and kind != "photo":
            raise ParameterError(f"kind {kind!r} needs a video; a voice message takes {', '.join(AUDIO_KINDS)} or photo")
        y = load_audio(src)
        if kind == "photo":  # a voice message given a face: a talking photo clip
            img = load_photo(photo)
            fps = 25.0
            n = max(1, int(len(y) / SAMPLE_RATE * fps))
            frames = talking_photo(img, photo_landmarks(img), loudness_envelope(y, SAMPLE_RATE, n, fps, p.photo.floor_db), p.photo)
            write_clip(dst, frames, fps, y)
            return dst
        import soundfile as sf

        sf.write(dst, _tamper_sound(kind, y, SAMPLE_RATE, p, other), SAMPLE_RATE, subtype="PCM_16")
        return dst
    clip = read_clip(src)
    frames, y = clip.frames, clip.audio
    if kind in ("shift", "voice", "vocoder", "espeak"):
        if y is None:
            raise MediaError("error.no_audio", name=os.path.basename(src))
        y = _tamper_sound(kind, y, clip.sr, p, other)
    elif kind == "noblink":
        frames = remove_blinks(frames, track_landmarks(frames), p.noblink)
    elif kind == "swap":
        donor = load_photo(photo)
        frames = face_swap(frames, track_landmarks(frames), donor, photo_landmarks(donor), p.swap)
    elif kind == "photo":
        if photo is not None:
            img = load_photo(photo)
            pts = photo_landmarks(img)
        else:  # the clip's first frame with a face
            lms = track_landmarks(frames[: int(clip.fps * 5) + 1])
            i = next((i for i, q in enumerate(lms) if q is not None), None)
            if i is None:
                raise ParameterError("no face found in the first 5 s of the clip")
            img, pts = frames[i], lms[i]
        env = (loudness_envelope(y, clip.sr, len(frames), clip.fps, p.photo.floor_db) if y is not None
               else np.zeros(len(frames)))
        frames = talking_photo(img, pts, env, p.photo)
    write_clip(dst, frames, clip.fps, y, clip.sr)
    return dst
