"""A real video-codec round trip (H.264 / VP8 / VP9 through PyAV's libx264 / libvpx) of one face crop,
as pure, seeded functions (round 4).

Every real video face the detector meets was coded by a video encoder (in-loop deblocking,
4×4/8×8 integer transforms, adaptive quantisation, chroma 4:2:0); every training photo is a
JPEG. :func:`codec_roundtrip` gives a crop that trace: the crop is (optionally) rescaled, turned
into a short clip of ``n_frames`` frames (earlier frames shifted by sub-pixel amounts and each
with its own small sensor-like noise, so the encoder codes the last frame as a P frame with
motion compensation, as in a call), encoded at a constant rate factor in yuv420p, decoded, and
the last frame is scaled back to the crop's size. All randomness is drawn once into a
:class:`CodecSettings` (:func:`draw_codec_settings`), so a real face and its self-blend can be
given exactly the same chain (training option ``TrainConfig.codec_chain_p``).
"""
from __future__ import annotations

import io
from dataclasses import dataclass

import av
import cv2
import numpy as np

CODECS = ("libx264", "libvpx", "libvpx-vp9")  # H.264, VP8, VP9 (all in PyAV's bundled FFmpeg)


@dataclass(frozen=True)
class CodecSettings:
    """One concrete chain (no randomness left)."""

    codec: str = "libx264"
    crf: int = 30  # constant rate factor (x264: 0–51, 23 default; libvpx: 4–63)
    scale: float = 1.0  # the crop is resized by this before encoding (the face's size in the coded frame)
    n_frames: int = 4  # frames coded; the last one (a P frame) is returned
    shifts_px: tuple[tuple[float, float], ...] = ((0.0, 0.0),) * 3  # (dx, dy) of frames 0..n-2 against the last, in pixels of the coded frame
    noise_sigma: float = 1.5  # per-frame Gaussian noise, grey levels (sensor noise)
    noise_seed: int = 0  # seed of the noise fields (same seed, same noise)
    preset: str = "veryfast"  # x264 preset (veryfast keeps deblocking, adaptive quantisation, 8×8 DCT; ultrafast does not)


@dataclass(frozen=True)
class CodecChainParams:
    """Ranges of the training chain (round 4, set by hand): the held-out real clips are H.264
    High, yuv420p, 150–630 kbit/s at 224–564 px, the DeepFaceLive ones coded twice (the demo,
    then CRF 18 by the data's maintainers); a call's face is 100–400 px in its frame."""

    crf: tuple[int, int] = (20, 38)  # x264 CRF, drawn uniformly (integers)
    scale: tuple[float, float] = (0.5, 1.3)  # at the 192 px cached crop: coded face 96–250 px
    n_frames: int = 4
    max_shift_px: float = 2.0  # ± sub-pixel shift of the earlier frames
    noise_sigma: tuple[float, float] = (0.5, 2.5)
    preset: str = "veryfast"


def draw_codec_settings(rng: np.random.Generator, p: CodecChainParams = CodecChainParams()) -> CodecSettings:
    """Draw one chain from ``p`` (H.264 only: the codec of every held-out real clip)."""
    crf = int(rng.integers(p.crf[0], p.crf[1] + 1))
    scale = float(rng.uniform(*p.scale))
    shifts = tuple((float(a), float(b)) for a, b in rng.uniform(-p.max_shift_px, p.max_shift_px, (p.n_frames - 1, 2)))
    return CodecSettings("libx264", crf, scale, p.n_frames, shifts, float(rng.uniform(*p.noise_sigma)),
                         int(rng.integers(2**31 - 1)), p.preset)


def _even(n: float) -> int:
    return max(16, 2 * int(round(n / 2)))


def _clip_frames(img: np.ndarray, s: CodecSettings) -> list[np.ndarray]:
    """The frames to code: ``img`` rescaled to even sides; frames 0..n-2 shifted by ``s.shifts_px``;
    every frame with its own noise field."""
    h, w = img.shape[:2]
    H, W = _even(h * s.scale), _even(w * s.scale)
    base = cv2.resize(img, (W, H), interpolation=cv2.INTER_AREA if s.scale < 1 else cv2.INTER_LINEAR).astype(np.float32)
    nrng = np.random.default_rng(s.noise_seed)
    frames = []
    for k in range(s.n_frames):
        x = base
        if k < s.n_frames - 1:
            dx, dy = s.shifts_px[k] if k < len(s.shifts_px) else (0.0, 0.0)
            M = np.array([[1, 0, dx], [0, 1, dy]], np.float64)
            x = cv2.warpAffine(base, M, (W, H), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT_101)
        if s.noise_sigma > 0:
            x = x + nrng.normal(0, s.noise_sigma, x.shape).astype(np.float32)
        frames.append(np.clip(np.rint(x), 0, 255).astype(np.uint8))
    return frames


def encode_decode(frames: list[np.ndarray], *, codec: str = "libx264", crf: int = 30, preset: str = "veryfast",
                  fps: int = 25) -> list[np.ndarray]:
    """Code RGB uint8 frames (same even size) with ``codec`` at constant rate factor ``crf`` in
    yuv420p (one thread: deterministic) and decode them again; returns the decoded RGB frames."""
    if codec not in CODECS:
        raise ValueError(f"codec {codec!r} not in {CODECS}")
    h, w = frames[0].shape[:2]
    buf = io.BytesIO()
    fmt = "mp4" if codec == "libx264" else "webm"
    with av.open(buf, "w", format=fmt) as out:
        opts = {"crf": str(crf), "threads": "1"}
        if codec == "libx264":
            opts.update({"preset": preset, "x264-params": "threads=1:mbtree=0"})  # mb-tree made x264 non-deterministic here (measured)
        else:
            opts.update({"b": "0", "deadline": "realtime", "cpu-used": "8"})  # constant quality, fast
        st = out.add_stream(codec, rate=fps, options=opts)
        st.width, st.height, st.pix_fmt = w, h, "yuv420p"
        st.codec_context.thread_count = 1
        for f in frames:
            for pkt in st.encode(av.VideoFrame.from_ndarray(np.ascontiguousarray(f), format="rgb24")):
                out.mux(pkt)
        for pkt in st.encode():
            out.mux(pkt)
    buf.seek(0)
    with av.open(buf, "r") as inp:
        vs = inp.streams.video[0]
        vs.codec_context.thread_count = 1
        return [fr.to_ndarray(format="rgb24") for fr in inp.decode(vs)]


def apply_codec(img: np.ndarray, s: CodecSettings) -> np.ndarray:
    """The chain ``s`` applied to one RGB uint8 crop; same shape and dtype out."""
    h, w = img.shape[:2]
    dec = encode_decode(_clip_frames(img, s), codec=s.codec, crf=s.crf, preset=s.preset)
    last = dec[-1]
    if last.shape[:2] != (h, w):
        last = cv2.resize(last, (w, h), interpolation=cv2.INTER_AREA if last.shape[0] > h else cv2.INTER_LINEAR)
    return np.ascontiguousarray(last)


def codec_roundtrip(img: np.ndarray, rng: np.random.Generator, p: CodecChainParams = CodecChainParams()) -> np.ndarray:
    """Draw a chain from ``rng`` and apply it (one image; for a pair, draw once and :func:`apply_codec` twice)."""
    return apply_codec(img, draw_codec_settings(rng, p))
