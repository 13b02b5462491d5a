"""Messenger-like channel: re-encode a 16 kHz mono waveform as a voice message would be.

Zalo, Messenger and Telegram send voice messages as low-rate mono AAC (m4a) or Opus (ogg).
Every file, real and fake alike, goes through the same encoder, so the detector cannot win
by the original container, rate or bit depth.
"""
from __future__ import annotations

import os
import tempfile

import av
import numpy as np

from ..core.constants import SAMPLE_RATE
from ..core.errors import ParameterError

CONDITIONS = {
    # name: (container format, codec, bit rate in bit/s, file suffix)
    "messenger_aac": ("mp4", "aac", 32000, ".m4a"),  # AAC-LC 32 kbit/s, 16 kHz mono (m4a voice notes)
    "messenger_opus": ("ogg", "libopus", 24000, ".ogg"),  # Opus 24 kbit/s, 16 kHz mono (ogg/opus voice notes)
    "messenger_opus16": ("ogg", "libopus", 16000, ".ogg"),  # Opus 16 kbit/s (low-data voice notes)
    "mp3_64": ("mp3", "libmp3lame", 64000, ".mp3"),  # MP3 64 kbit/s (forwarded/downloaded voice files)
    "amr_nb": ("amr", "libopencore_amrnb", 12200, ".amr"),  # AMR-NB 12.2 kbit/s at 8 kHz (GSM/3G calls, MMS)
}
CODEC_RATES = {"amr_nb": 8000}  # Hz, codecs that only take one rate: the audio is resampled to it first
TELEPHONE_BAND_HZ = (300.0, 3400.0)  # Hz, narrowband telephony pass band (ITU-T G.712)
TELEPHONE_FILTER_ORDER = 8  # Butterworth band-pass order (scipy.signal.butter; 4 per edge)


def telephone_band(y: np.ndarray, sr: int = SAMPLE_RATE) -> np.ndarray:
    """``y`` band-limited to :data:`TELEPHONE_BAND_HZ` (zero-phase Butterworth, scipy)."""
    from scipy.signal import butter, sosfiltfilt

    sos = butter(TELEPHONE_FILTER_ORDER // 2, TELEPHONE_BAND_HZ, btype="bandpass", fs=sr, output="sos")
    return sosfiltfilt(sos, y).astype(np.float32)


def encode(y: np.ndarray, path: str, *, condition: str, sr: int = SAMPLE_RATE) -> None:
    """Write ``y`` (float32 mono at ``sr``) to ``path`` with the codec of ``condition``."""
    if condition not in CONDITIONS:
        raise ParameterError(f"condition must be one of {sorted(CONDITIONS)}, not {condition!r}")
    fmt, codec, bit_rate, _ = CONDITIONS[condition]
    if condition in CODEC_RATES and sr != CODEC_RATES[condition]:
        from .signals.audio_frames import resample

        y = resample(y, orig_sr=sr, target_sr=CODEC_RATES[condition])
        sr = CODEC_RATES[condition]
    with av.open(path, "w", format=fmt) as out:
        st = out.add_stream(codec, rate=sr, layout="mono")
        st.bit_rate = bit_rate
        # 60 ms Opus frames at 16 kHz; AMR 20 ms frames at 8 kHz; AAC frame size (and MP3 at 16 kHz: 576)
        frame_samples = {"libopus": 960, "libopencore_amrnb": 160, "libmp3lame": 576}.get(codec, 1024)
        pts = 0
        for i in range(0, len(y), frame_samples):
            chunk = np.ascontiguousarray(y[i:i + frame_samples], dtype=np.float32)[None, :]
            fr = av.AudioFrame.from_ndarray(chunk, format="flt", layout="mono")
            fr.sample_rate, fr.pts = sr, pts
            pts += chunk.shape[1]
            for pkt in st.encode(fr):
                out.mux(pkt)
        for pkt in st.encode(None):
            out.mux(pkt)


def reencode(y: np.ndarray, *, condition: str, sr: int = SAMPLE_RATE) -> np.ndarray:
    """``y`` after a round trip through the messenger codec of ``condition``, decoded by
    :func:`verifier.analysis.media.load_audio` (float32 mono at ``sr``)."""
    from .media import load_audio

    suffix = CONDITIONS[condition][3] if condition in CONDITIONS else ""
    with tempfile.TemporaryDirectory() as d:
        p = os.path.join(d, "message" + suffix)
        encode(y, p, condition=condition, sr=sr)
        return load_audio(p, sr=sr)


# Messenger-like video: what a video-call recording looks like after being forwarded through a
# messenger (downscaled to 480 lines, low-rate H.264, mono AAC). Both classes go through it.
VIDEO_CONDITIONS = {
    # name: (max picture height px, H.264 bit rate bit/s, AAC bit rate bit/s, audio rate Hz)
    "messenger_h264": (480, 400_000, 32_000, 16000),  # set by hand: ~Zalo/Messenger forwarded clips (480p, ~0.4 Mbit/s)
}


def reencode_video(src: str, dst: str, *, condition: str = "messenger_h264", spec: tuple | None = None) -> None:
    """Write ``src`` to ``dst`` (.mp4) as a messenger would pass it on: the picture scaled down to
    at most the condition's height (even sizes, aspect kept), H.264 (yuv420p, x264 "veryfast")
    at its bit rate, frame times kept; the sound, if any, as mono AAC. The input is only read.
    ``spec`` (max height px, video bit/s, audio bit/s, audio Hz) replaces the condition's figures
    (the tamper lab's messenger degradation)."""
    from fractions import Fraction

    if spec is None and condition not in VIDEO_CONDITIONS:
        raise ParameterError(f"condition must be one of {sorted(VIDEO_CONDITIONS)}, not {condition!r}")
    max_h, v_rate, a_rate, a_sr = spec if spec is not None else VIDEO_CONDITIONS[condition]
    with av.open(src) as inp, av.open(dst, "w", format="mp4") as out:
        vin = inp.streams.video[0]
        h = min(max_h, vin.codec_context.height)
        h -= h % 2
        w = max(2, int(round(vin.codec_context.width * h / vin.codec_context.height / 2)) * 2)
        tb = Fraction(1, 1000)  # millisecond frame times: keeps variable frame rates
        vout = out.add_stream("libx264", rate=vin.average_rate or 30)
        vout.width, vout.height, vout.pix_fmt, vout.bit_rate = w, h, "yuv420p", v_rate
        vout.time_base = tb
        vout.options = {"preset": "veryfast"}
        aout = None
        if inp.streams.audio:
            aout = out.add_stream("aac", rate=a_sr, layout="mono")
            aout.bit_rate = a_rate
        last = -1
        for fr in inp.decode(vin):
            if fr.time is None:
                continue
            pts = max(last + 1, int(round(fr.time * 1000)))
            last = pts
            nf = fr.reformat(width=w, height=h, format="yuv420p")
            nf.pts, nf.time_base = pts, tb
            for pkt in vout.encode(nf):
                out.mux(pkt)
        for pkt in vout.encode(None):
            out.mux(pkt)
        if aout is not None:
            inp.seek(0)
            resampler = av.AudioResampler(format="fltp", layout="mono", rate=a_sr)
            for fr in inp.decode(inp.streams.audio[0]):
                for rf in resampler.resample(fr):
                    rf.pts = None
                    for pkt in aout.encode(rf):
                        out.mux(pkt)
            for pkt in aout.encode(None):
                out.mux(pkt)
