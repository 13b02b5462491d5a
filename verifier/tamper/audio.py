"""Sound tampers: pure functions on float32 mono waveforms (the input array is never changed).

Each returns a new waveform of the input's length at the input's rate, so the picture of a
clip stays aligned with it.
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile

import numpy as np

from ..core.errors import ParameterError
from ..core.params import EspeakParams, ReplaceParams, ShiftParams, VocoderParams


def shift(y: np.ndarray, sr: int, p: ShiftParams = ShiftParams()) -> np.ndarray:
    """``y`` delayed by ``p.shift_ms`` (advanced when negative), zero-filled, same length."""
    from ..analysis.synth import shift_audio

    return shift_audio(np.asarray(y, np.float32), sr, p.shift_ms)


def active_rms_db(y: np.ndarray, sr: int, frame_s: float = 0.05, top_share: float = 0.5) -> float:
    """Loudness of the voiced part: RMS (dBFS) over the loudest ``top_share`` of 50 ms frames
    (pauses would otherwise dominate the plain RMS of speech)."""
    n = max(1, int(frame_s * sr))
    k = len(y) // n
    if k == 0:
        return float(20 * np.log10(np.sqrt(np.mean(np.square(y, dtype=np.float64))) + 1e-12))
    e = np.mean(np.square(y[:k * n].astype(np.float64).reshape(k, n)), axis=1)
    top = np.sort(e)[-max(1, int(round(top_share * k))):]
    return float(10 * np.log10(np.mean(top) + 1e-24))


def _match_loudness(out: np.ndarray, ref: np.ndarray, sr: int) -> np.ndarray:
    gain_db = active_rms_db(ref, sr) - active_rms_db(out, sr)
    out = out * np.float32(10 ** (gain_db / 20))
    peak = float(np.abs(out).max(initial=0.0))
    return (out / peak * 0.99 if peak > 0.99 else out).astype(np.float32)


def _fit_length(other: np.ndarray, n: int) -> np.ndarray:
    """``other`` repeated or cut to ``n`` samples."""
    if len(other) == 0:
        raise ParameterError("the replacement recording is empty")
    reps = int(np.ceil(n / len(other)))
    return np.tile(other, reps)[:n].astype(np.float32)


def replace_voice(y: np.ndarray, sr: int, other: np.ndarray, p: ReplaceParams = ReplaceParams()) -> np.ndarray:
    """The sound replaced by ``other`` (same rate ``sr``), repeated or cut to ``len(y)``."""
    out = _fit_length(np.asarray(other, np.float32), len(y))
    return _match_loudness(out, y, sr) if p.match_loudness else out


def vocode(y: np.ndarray, sr: int, p: VocoderParams = VocoderParams()) -> np.ndarray:
    """``y`` re-synthesised from its STFT magnitude by Griffin-Lim: the words and the voice's
    timbre stay, the natural phase (and with it the fine structure of the voice) is lost.
    Same length; loudness matched to the input's."""
    from scipy.signal import ShortTimeFFT

    from ..analysis.dsp import hann

    y = np.asarray(y, np.float32)
    stft = ShortTimeFFT(hann(p.n_fft, np.float64), hop=p.hop_length, fs=sr, mfft=p.n_fft)
    mag = np.abs(stft.stft(y))
    # Fast Griffin-Lim (Perraudin, Balazs & Søndergaard 2013): projections onto consistent spectra
    # with momentum, from seeded random phases, as librosa.griffinlim does.
    rng = np.random.default_rng(p.seed)
    angles = np.exp(2j * np.pi * rng.random(mag.shape))
    previous = np.zeros_like(angles)
    for _ in range(p.n_iter):
        rebuilt = stft.stft(stft.istft(mag * angles, k1=len(y)))
        angles, previous = rebuilt - p.momentum / (1 + p.momentum) * previous, rebuilt
        angles /= np.maximum(np.abs(angles), 1e-16)
    out = stft.istft(mag * angles, k1=len(y))
    return _match_loudness(out.astype(np.float32), y, sr)


def espeak(text: str, sr: int, p: EspeakParams = EspeakParams()) -> np.ndarray:
    """``text`` spoken by espeak-ng (voice ``p.voice``) as float32 mono at ``sr``.

    Raises
    ------
    ParameterError
        espeak-ng is not installed (``apt-get install espeak-ng``).
    """
    import soundfile as sf

    from ..analysis.signals.audio_frames import resample

    exe = shutil.which("espeak-ng")
    if exe is None:
        raise ParameterError("espeak-ng is not installed (Debian/Ubuntu: apt-get install espeak-ng)")
    with tempfile.NamedTemporaryFile(suffix=".wav") as f:
        subprocess.run([exe, "-v", p.voice, "-s", str(p.words_per_min), "-w", f.name, text],
                       check=True, capture_output=True, timeout=60)
        z, zsr = sf.read(f.name, dtype="float32", always_2d=True)
    z = z.mean(axis=1)
    return resample(z, orig_sr=zsr, target_sr=sr).astype(np.float32) if zsr != sr else z


def espeak_voice(y: np.ndarray, sr: int, p: EspeakParams = EspeakParams()) -> np.ndarray:
    """The sound replaced by espeak-ng reading ``p.text`` (repeated with ``p.pause_s`` pauses
    to fill ``len(y)``), at the original's loudness."""
    z = espeak(p.text, sr, p)
    z = np.concatenate([z, np.zeros(int(p.pause_s * sr), np.float32)])
    return _match_loudness(_fit_length(z, len(y)), y, sr)
