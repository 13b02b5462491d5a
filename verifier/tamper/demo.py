"""Demo calls for training: the synthetic caller (:class:`verifier.analysis.synth.Portrait`) whose mouth
follows a given sound's loudness and who blinks at planted times.

The project may ship only material it may redistribute: the astronaut photo (public domain)
and sounds it synthesises. A human voice is not among them, so :func:`make_demo_call` takes
the voice as an argument (None = a silent clip); see samples/README.md for what was shipped.
"""
from __future__ import annotations

import numpy as np

from ..analysis.synth import Portrait
from .lab import write_clip
from .video import loudness_envelope

DEMO_BLINKS_S = (0.7, 2.1, 5.2, 6.3, 9.6, 11.1)  # s: six blinks in 12 s (30 /min), irregular intervals (CV ≈ 0.5, human 0.5–1)


def make_demo_call(path: str, voice: np.ndarray | None, *, sr: int = 16000, duration_s: float = 12.0,
                   fps: int = 30, size: tuple[int, int] = (640, 480), blink_times_s=DEMO_BLINKS_S,
                   blink_frames: int = 4, seed: int = 0, crf: int = 18) -> None:
    """Write an mp4 of the synthetic caller: mouth opened by ``voice``'s loudness per frame
    (:func:`verifier.tamper.video.loudness_envelope`), eyes shut for ``blink_frames`` frames
    at each of ``blink_times_s``, small hand-held jitter; the sound is ``voice`` (cut or
    zero-padded to ``duration_s``), or none when ``voice`` is None."""
    w, h = size
    face_px = int(0.6 * h)
    portrait = Portrait(face_px)
    n = int(round(duration_s * fps))
    y = None
    if voice is not None:
        y = np.zeros(int(duration_s * sr), np.float32)
        v = np.asarray(voice, np.float32)[: len(y)]
        y[: len(v)] = v
    env = loudness_envelope(y, sr, n, fps) if y is not None else np.zeros(n)
    closed = np.zeros(n, bool)
    for tb in blink_times_s:
        i = int(round(tb * fps))
        closed[i:i + blink_frames] = True
    rng = np.random.default_rng(seed)
    bg = np.full((h, w, 3), (150, 160, 170), np.uint8)
    bg[:, :, 0] = np.linspace(120, 190, w, dtype=np.uint8)[None, :]
    frames = []
    for i in range(n):
        face = portrait.render(float(env[i]), bool(closed[i]))
        frame = bg.copy()
        jx, jy = rng.integers(-2, 3, size=2)
        x0, y0 = (w - face_px) // 2 + int(jx), (h - face_px) // 2 + int(jy)
        frame[y0:y0 + face_px, x0:x0 + face_px] = face
        frames.append(frame)
    write_clip(path, frames, fps, y, sr, crf=crf)


DEMO_CRF = 23  # x264 quality of the shipped demos (as verifier.analysis.synth's): small files


def make_training_samples(folder: str) -> list[str]:
    """The training pair shipped in ``samples/``: a silent call with natural blinks (rated low)
    and the same call with its blinks removed by the tamper lab (the contrast)."""
    import os

    from .lab import tamper_file

    os.makedirs(folder, exist_ok=True)
    real = os.path.join(folder, "demo_call_natural_blinks_silent.mp4")
    make_demo_call(real, None, crf=DEMO_CRF)
    fake = os.path.join(folder, "demo_call_blinks_removed_silent.mp4")
    tamper_file(real, fake, "noblink")
    return [real, fake]


def main(argv=None):
    import argparse

    ap = argparse.ArgumentParser(description="Write the training demo pair (issue 10).")
    ap.add_argument("folder", nargs="?", default="samples")
    for p in make_training_samples(ap.parse_args(argv).folder):
        print(p)


if __name__ == "__main__":
    main()
