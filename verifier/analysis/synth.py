"""Synthetic test and demo media with planted, known answers.

A "video call" is built from ``skimage.data.astronaut()`` (a real, public-domain NASA
photo): the eyes are painted shut for a few frames where blinks are planted, and the lower
lip is moved by a speech-like envelope that also drives a synthetic voice. The audio can be
shifted against the picture by a known number of milliseconds.

Run ``python -m verifier.analysis.synth samples/`` to write the demo clips the app offers.
"""
from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

# Astronaut photo (512×512): face region and features, measured once with FaceMesh
# (refine_landmarks=True) on the unmodified image, in image pixels.
FACE_BOX = (125, 30, 325, 230)  # x0, y0, x1, y1: the crop used as the caller's head
LEFT_EYE_CONTOUR = [(195, 101), (196, 100), (197, 99), (199, 98), (203, 98), (206, 98), (210, 100), (212, 102),
                    (213, 104), (212, 104), (210, 104), (207, 104), (203, 104), (200, 104), (198, 103), (196, 102)]
RIGHT_EYE_CONTOUR = [(237, 105), (238, 104), (241, 102), (245, 100), (248, 100), (252, 101), (254, 102), (255, 103),
                     (256, 104), (254, 105), (252, 106), (250, 107), (247, 107), (243, 106), (240, 106), (238, 105)]
LIP_LINE_Y = 147  # between the inner lips (landmarks 13 and 14)
MOUTH_X = (200, 248)  # mouth corners
CHIN_Y = 177

SPEECH_SR = 16000  # Hz, sample rate of the synthetic voice


@dataclass
class SpeechLike:
    """A speech-like signal and the envelope that drives it (and the mouth)."""

    y: np.ndarray  # float32 audio at sr
    sr: int
    envelope: np.ndarray  # [0, 1], one value per millisecond
    env_rate: int = 1000  # envelope samples per second

    def envelope_at(self, t_s: float) -> float:
        i = int(round(t_s * self.env_rate))
        return float(self.envelope[i]) if 0 <= i < len(self.envelope) else 0.0


def speech_like(duration_s: float, sr: int = SPEECH_SR, seed: int = 0, f0_hz: float = 130.0) -> SpeechLike:
    """Syllable-like bursts (120–280 ms, 3–8 per phrase, pauses of 0.3–0.9 s) of a voiced
    harmonic source through three formant resonances. Not intelligible; it has the syllabic
    rhythm (about 4 Hz) and pauses of speech, which is what lip-sync and VAD rely on."""
    from scipy.signal import lfilter

    rng = np.random.default_rng(seed)
    n_env = int(duration_s * 1000) + 1
    env = np.zeros(n_env)
    t = 0.3
    while t < duration_s:
        for _ in range(rng.integers(3, 9)):
            dur = rng.uniform(0.12, 0.28)
            a = rng.uniform(0.5, 1.0)
            i0, i1 = int(t * 1000), min(n_env, int((t + dur) * 1000))
            if i1 > i0:
                env[i0:i1] = np.maximum(env[i0:i1], a * np.sin(np.linspace(0, np.pi, i1 - i0)) ** 2)
            t += dur + rng.uniform(0.03, 0.08)
        t += rng.uniform(0.3, 0.9)
    n = int(duration_s * sr)
    tt = np.arange(n) / sr
    f0 = f0_hz * (1 + 0.08 * np.sin(2 * np.pi * 0.7 * tt) + 0.01 * rng.standard_normal(n).cumsum() / np.sqrt(n))
    phase = 2 * np.pi * np.cumsum(f0) / sr
    src = sum(np.sin(k * phase) / k for k in range(1, 30)) + 0.05 * rng.standard_normal(n)
    y = np.zeros(n)
    for fc, bw in ((600, 120), (1400, 160), (2600, 220)):  # vowel-like formants, Hz
        r = np.exp(-np.pi * bw / sr)
        th = 2 * np.pi * fc / sr
        y += lfilter([1 - r], [1, -2 * r * np.cos(th), r * r], src)
    env_s = np.interp(tt, np.arange(n_env) / 1000.0, env)
    y = y * env_s
    y = 0.5 * y / (np.abs(y).max() + 1e-9) + 0.001 * rng.standard_normal(n)
    return SpeechLike(y.astype(np.float32), sr, env)


def shift_audio(y: np.ndarray, sr: int, offset_ms: float) -> np.ndarray:
    """Delay (``offset_ms`` > 0, audio late) or advance (< 0) ``y``, keeping its length."""
    k = int(round(offset_ms * sr / 1000))
    out = np.zeros_like(y)
    if k >= 0:
        out[k:] = y[: len(y) - k]
    else:
        out[: len(y) + k] = y[-k:]
    return out


class Portrait:
    """The astronaut's head, scaled to ``face_px``, able to blink and open its mouth."""

    def __init__(self, face_px: int = 360):
        import cv2
        from skimage import data

        x0, y0, x1, y1 = FACE_BOX
        self.scale = face_px / (y1 - y0)
        self.base = cv2.resize(np.ascontiguousarray(data.astronaut()[y0:y1, x0:x1]), (face_px, face_px),
                               interpolation=cv2.INTER_CUBIC)
        s = self.scale

        def tr(pts):
            return np.array([((x - x0) * s, (y - y0) * s) for x, y in pts], np.float32)

        self.eyes = [tr(LEFT_EYE_CONTOUR), tr(RIGHT_EYE_CONTOUR)]
        self.lip_y = (LIP_LINE_Y - y0) * s
        self.chin_y = (CHIN_Y - y0) * s
        self.mouth_x = ((MOUTH_X[0] - x0) * s, (MOUTH_X[1] - x0) * s)
        h, w = self.base.shape[:2]
        self.grid_x, self.grid_y = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
        # Lower-lip/jaw displacement weight: 1 just below the lip line, fading to 0 below the
        # chin, Gaussian across the mouth's width.
        cx = (self.mouth_x[0] + self.mouth_x[1]) / 2
        sx = (self.mouth_x[1] - self.mouth_x[0]) * 0.55
        wy = np.clip((self.grid_y - self.lip_y) / 2.0, 0, 1) * np.clip(1 - (self.grid_y - self.chin_y) / (0.3 * face_px), 0, 1)
        self.jaw_weight = (wy * np.exp(-0.5 * ((self.grid_x - cx) / sx) ** 2)).astype(np.float32)

    def render(self, mouth_open: float = 0.0, eyes_closed: bool = False) -> np.ndarray:
        """RGB face image; ``mouth_open`` in [0, 1] (1 ≈ a wide-open vowel)."""
        import cv2

        img = self.base
        if mouth_open > 0.01:
            d = mouth_open * 0.09 * self.base.shape[0]  # lower lip moves down by up to 9 % of the face
            map_y = self.grid_y - d * self.jaw_weight
            img = cv2.remap(img, self.grid_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
            # The gap between the lips is the dark inside of the mouth.
            cx = int((self.mouth_x[0] + self.mouth_x[1]) / 2)
            half_w = int((self.mouth_x[1] - self.mouth_x[0]) * 0.36)
            cy = int(self.lip_y + d / 2)
            cv2.ellipse(img, (cx, cy), (half_w, max(1, int(d / 2))), 0, 0, 360, (60, 20, 25), -1, cv2.LINE_AA)
        else:
            img = img.copy()
        if eyes_closed:
            for contour in self.eyes:
                c = contour.mean(0)
                expanded = ((contour - c) * 1.35 + c).astype(np.int32)
                top = int(contour[:, 1].min())
                span = int(contour[:, 0].max() - contour[:, 0].min())
                skin_y = max(0, top - int(0.35 * span))
                x_a, x_b = int(contour[:, 0].min()), int(contour[:, 0].max())
                skin = img[max(0, skin_y - 2):skin_y + 2, x_a:x_b].reshape(-1, 3).mean(0)
                cv2.fillPoly(img, [expanded], tuple(int(v) for v in skin), cv2.LINE_AA)
                low = contour[contour[:, 1] >= c[1]]
                low = low[np.argsort(low[:, 0])].astype(np.int32)
                cv2.polylines(img, [low], False, (40, 30, 30), max(1, int(self.scale * 0.8)), cv2.LINE_AA)
        return img


def make_call_clip(
    path: str,
    *,
    duration_s: float = 10.0,
    fps: int = 30,
    size: tuple[int, int] = (640, 480),
    face_px: int | None = None,
    blink_times_s: tuple[float, ...] = (),
    blink_frames: int = 4,
    audio: bool = True,
    audio_offset_ms: float = 0.0,
    audio_track: np.ndarray | None = None,
    seed: int = 0,
    crf: int = 23,
    rotate_deg: int = 0,
    video_codec: str = "libx264",
) -> SpeechLike:
    """Write an H.264/AAC mp4 "video call" with planted blinks and a known audio offset.

    Parameters
    ----------
    size : (width, height) in pixels of the stored frames.
    face_px : face height in pixels (default 60 % of the frame height).
    blink_times_s : start times of the planted blinks; each closes both eyes for
        ``blink_frames`` frames.
    audio_offset_ms : the audio is delayed by this much against the mouth (> 0 = audio late).
    audio_track : use this 16 kHz audio instead of the synthetic voice (the mouth still
        follows the synthetic envelope): a mismatched-voice fixture.
    rotate_deg : store the frames rotated by this much counter-clockwise and tag the stream
        so players rotate them back (like phone clips).
    video_codec : FFmpeg encoder; "libx265" with a .mov path gives an iPhone-like HEVC clip.

    Returns the :class:`SpeechLike` whose envelope drives the mouth.
    """
    import av

    w, h = size
    face_px = face_px or int(0.6 * h)
    portrait = Portrait(face_px)
    speech = speech_like(duration_s + 1.0, seed=seed)
    rng = np.random.default_rng(seed + 1)
    bg = np.full((h, w, 3), (150, 160, 170), np.uint8)
    bg[:, :, 0] = np.linspace(120, 190, w, dtype=np.uint8)[None, :]
    n_frames = int(round(duration_s * fps))
    closed = np.zeros(n_frames, bool)
    for tb in blink_times_s:
        i = int(round(tb * fps))
        closed[i:i + blink_frames] = True
    with av.open(path, "w") as out:
        out_w, out_h = (h, w) if rotate_deg in (90, 270) else (w, h)
        vs = out.add_stream(video_codec, rate=fps)
        vs.width, vs.height, vs.pix_fmt = out_w, out_h, "yuv420p"
        if video_codec in ("libx264", "libx265"):
            vs.options = {"crf": str(crf), "preset": "veryfast"}
            if video_codec == "libx265":
                vs.options["x265-params"] = "log-level=error"
        if rotate_deg:
            vs.set_display_rotation(-rotate_deg)  # players turn the stored frames back upright
        aus = None
        if audio:
            aus = out.add_stream("aac", rate=SPEECH_SR)
            aus.layout = "mono"
        for i in range(n_frames):
            t = i / fps
            face = portrait.render(speech.envelope_at(t), bool(closed[i]))
            frame = bg.copy()
            jx, jy = rng.integers(-2, 3, size=2)  # hand-held jitter, pixels
            x0 = (w - face_px) // 2 + int(jx)
            y0 = (h - face_px) // 2 + int(jy)
            xa, ya = max(0, x0), max(0, y0)
            xb, yb = min(w, x0 + face_px), min(h, y0 + face_px)
            frame[ya:yb, xa:xb] = face[ya - y0:yb - y0, xa - x0:xb - x0]
            if rotate_deg:
                frame = np.ascontiguousarray(np.rot90(frame, k=rotate_deg // 90))
            vf = av.VideoFrame.from_ndarray(frame, format="rgb24")
            vf.pts = i
            vf.time_base = Fraction(1, fps)
            for p in vs.encode(vf):
                out.mux(p)
        for p in vs.encode(None):
            out.mux(p)
        if aus is not None:
            n = int(duration_s * SPEECH_SR)
            y = speech.y[:n] if audio_track is None else np.resize(audio_track.astype(np.float32), n)
            y = shift_audio(y, SPEECH_SR, audio_offset_ms)
            chunk = 1024
            for k in range(0, n, chunk):
                af = av.AudioFrame.from_ndarray(y[None, k:k + chunk], format="flt", layout="mono")
                af.sample_rate = SPEECH_SR
                af.pts = k
                af.time_base = Fraction(1, SPEECH_SR)
                for p in aus.encode(af):
                    out.mux(p)
            for p in aus.encode(None):
                out.mux(p)
    return speech


def write_wav(path: str, y: np.ndarray, sr: int) -> None:
    import soundfile as sf

    sf.write(path, y, sr, subtype="PCM_16")


def make_samples(folder: str) -> list[str]:
    """The demo media offered by the app (small; regenerated, never downloaded)."""
    os.makedirs(folder, exist_ok=True)
    out = []
    p = os.path.join(folder, "demo_call_blinking.mp4")
    make_call_clip(p, duration_s=12, blink_times_s=(0.8, 2.1, 5.3, 6.4, 9.7, 11.2), seed=1)
    out.append(p)
    p = os.path.join(folder, "demo_call_no_blink_lagging_voice.mp4")
    make_call_clip(p, duration_s=12, blink_times_s=(), audio_offset_ms=400, seed=2)
    out.append(p)
    p = os.path.join(folder, "demo_voice_message.wav")
    write_wav(p, speech_like(8.0, seed=3).y, SPEECH_SR)
    out.append(p)
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description="Write the synthetic demo clips.")
    ap.add_argument("folder", nargs="?", default="samples")
    args = ap.parse_args(argv)
    for p in make_samples(args.folder):
        print(p)


if __name__ == "__main__":
    main()
