"""Frame-level signal processing in numpy: framing, power spectra, RMS, spectral shape, YIN.

The analysis path computes these here rather than with librosa for two reasons:

* **No numba at run time.** librosa compiles ``yin``'s parabolic interpolation, ``localmin``,
  ``zero_crossings``, ``abs2`` and others with numba and caches the machine code in its own
  ``__pycache__`` (``cache=True``). Two processes compiling the same ``@guvectorize`` function at
  once can leave ``X.nbc`` and ``guf-X.nbc`` with different ABI tags, and from then on every call
  segfaults in every new process (numba issue #10128, fixed by numba PR #10545, not released in
  0.68.1). The batch engine and the app start several workers at once and kill them by design,
  which is exactly that race (issue 21). Nothing here touches numba, so no cache can break an
  analysis: ``tests/test_numba_free.py`` checks that analyses never import it.
* **Start-up.** The first call of ``librosa.feature`` costs 1.5–2 s in a fresh process.

Every function matches librosa 0.11's definition of the same quantity (tested against it on
speech in ``tests/test_dsp.py``), with the same conventions: centred frames are zero-padded by
``n // 2`` on both sides, frame ``i`` is centred on sample ``i * hop_length``, the window is a
periodic Hann.
"""
from __future__ import annotations

import numpy as np

YIN_BLOCK_FRAMES = 512  # frames per block of the YIN search (caps its buffers at a few tens of MB)
# Smallest positive float32 (numpy.finfo): keeps a division by an all-zero frame finite, as librosa's util.tiny.
TINY_F32 = float(np.finfo(np.float32).tiny)


def frame(y: np.ndarray, *, frame_length: int, hop_length: int, center: bool = False) -> np.ndarray:
    """Frames of ``y`` as a read-only view, shape ``(n_frames, frame_length)``.

    ``center=True`` zero-pads ``frame_length // 2`` samples on both sides first, so frame ``i`` is
    centred on sample ``i * hop_length``. ``y`` must hold at least ``frame_length`` samples after
    padding.
    """
    if center:
        y = np.pad(y, frame_length // 2, mode="constant")
    return np.lib.stride_tricks.sliding_window_view(y, frame_length)[::hop_length]


def hann(n: int, dtype=np.float32) -> np.ndarray:
    """Periodic Hann window of ``n`` samples (``scipy.signal.get_window('hann', n)``)."""
    return np.hanning(n + 1)[:-1].astype(dtype)


def power_spectrogram(y: np.ndarray, *, sr: int, n_fft: int, hop_length: int,
                      center: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Power spectrum |STFT|² of frames of ``n_fft`` samples with a periodic Hann window.

    As ``np.abs(librosa.stft(y, n_fft=n_fft, hop_length=hop_length, center=center)) ** 2`` but
    transposed: frames on the first axis.

    Returns
    -------
    power : np.ndarray [shape=(n_frames, 1 + n_fft // 2)], float32
        Squared magnitude (full-scale sine of amplitude 1 → (n_fft / 4)² at its bin).
    freqs_hz : np.ndarray [shape=(1 + n_fft // 2,)]
        Centre frequency of each bin, Hz.
    """
    frames = frame(np.asarray(y, np.float32), frame_length=n_fft, hop_length=hop_length, center=center)
    spec = np.fft.rfft(frames * hann(n_fft), axis=1)
    power = np.square(spec.real, dtype=np.float64) + np.square(spec.imag, dtype=np.float64)
    return power.astype(np.float32), np.fft.rfftfreq(n_fft, 1 / sr)


def welch(y: np.ndarray, *, sr: int, nperseg: int, noverlap: int) -> tuple[np.ndarray, np.ndarray]:
    """Power spectral density by Welch's method, per row of ``y`` (last axis).

    As ``scipy.signal.welch(y, fs=sr, window="hann", nperseg=nperseg, noverlap=noverlap, axis=-1)``
    (periodic Hann, each segment's mean removed, density scaling, one-sided, mean over segments),
    without importing ``scipy.signal`` (0.5 s of CPU in a fresh process, most of it scipy.stats).

    Returns
    -------
    freqs_hz : np.ndarray [shape=(1 + nperseg // 2,)]
    psd : np.ndarray [shape=(..., 1 + nperseg // 2)]
        Units² per Hz (V²/Hz for a signal in volts).
    """
    y = np.asarray(y)
    win = np.hanning(nperseg + 1)[:-1]
    segs = np.lib.stride_tricks.sliding_window_view(y, nperseg, axis=-1)[..., ::nperseg - noverlap, :]
    segs = segs - segs.mean(axis=-1, keepdims=True)
    spec = np.abs(np.fft.rfft(segs * win, axis=-1)) ** 2 / (sr * float((win * win).sum()))
    spec[..., 1:(-1 if nperseg % 2 == 0 else None)] *= 2  # one-sided: every bin but DC (and Nyquist) twice
    return np.fft.rfftfreq(nperseg, 1 / sr), spec.mean(axis=-2).astype(y.dtype if y.dtype.kind == "f" else np.float64)


def frame_rms(y: np.ndarray, *, frame_length: int, hop_length: int) -> np.ndarray:
    """RMS of centred frames (zero padding), as ``librosa.feature.rms(y=y, frame_length=…,
    hop_length=…, center=True)[0]``; float32, one value per ``hop_length`` samples (+1)."""
    frames = frame(np.asarray(y, np.float32), frame_length=frame_length, hop_length=hop_length, center=True)
    return np.sqrt(np.mean(np.square(frames, dtype=np.float32), axis=1))


def spectral_flatness(power: np.ndarray, *, amin: float = 1e-10) -> np.ndarray:
    """Wiener entropy per frame: geometric over arithmetic mean of ``power`` (frames × bins), each
    value floored at ``amin``; as ``librosa.feature.spectral_flatness(S=power.T, power=1.0, amin=amin)[0]``.
    1 for white noise, near 0 for a pure tone."""
    p = np.maximum(power.astype(np.float64, copy=False), amin)
    return (np.exp(np.mean(np.log(p), axis=1)) / np.mean(p, axis=1)).astype(power.dtype)


def spectral_centroid(magnitude: np.ndarray, freqs_hz: np.ndarray) -> np.ndarray:
    """Magnitude-weighted mean frequency per frame (Hz); 0 for an all-zero frame. As
    ``librosa.feature.spectral_centroid(S=magnitude.T, freq=freqs_hz)[0]``."""
    total = magnitude.sum(axis=1, keepdims=True)
    total = np.where(total < TINY_F32, 1.0, total)
    return np.sum(magnitude / total * freqs_hz[None, :], axis=1)


def _cmndf(frames: np.ndarray, min_period: int, max_period: int) -> np.ndarray:
    """Cumulative mean normalised difference d'(τ) for τ in [min_period, max_period], per frame
    (frames × lags), with librosa 0.11's difference d(τ) = 2 (r(0) − r(τ)) − Σ_{m<τ} y(m)²
    (r = the frame's autocorrelation, by FFT)."""
    n = frames.shape[1]
    n_fft = 1 << int(np.ceil(np.log2(2 * n - 1)))
    spec = np.fft.rfft(frames, n=n_fft, axis=1)
    acf = np.fft.irfft(spec.real ** 2 + spec.imag ** 2, n=n_fft, axis=1)[:, :max_period + 1]
    head_energy = np.cumsum(np.square(frames, dtype=np.float64), axis=1)[:, :max_period]
    diff = 2.0 * (acf[:, :1] - acf[:, 1:]) - head_energy  # d(τ), τ = 1 .. max_period
    mean = np.cumsum(diff, axis=1) / np.arange(1, max_period + 1)
    out = diff[:, min_period - 1:] / (mean[:, min_period - 1:] + TINY_F32)
    return out.astype(frames.dtype)


def yin(y: np.ndarray, *, fmin: float, fmax: float, sr: int, frame_length: int, hop_length: int,
        trough_threshold: float = 0.1) -> np.ndarray:
    """Fundamental frequency per centred frame by YIN (de Cheveigné & Kawahara 2002, JASA
    111:1917): the first lag whose cumulative mean normalised difference is a local minimum below
    ``trough_threshold`` (else the global minimum), refined by parabolic interpolation.

    Same definition, search range and tie rules as ``librosa.yin(y, fmin=…, fmax=…, sr=…,
    frame_length=…, hop_length=…)`` of librosa 0.11.

    Parameters
    ----------
    y : np.ndarray [shape=(n,)], float
    fmin, fmax : float
        Hz, the F0 search range (lags ``floor(sr / fmax)`` … ``min(ceil(sr / fmin), frame_length - 1)``).
    sr : int
        Hz.
    frame_length, hop_length : int
        Samples.
    trough_threshold : float
        Absolute threshold on the normalised difference (YIN's step 4).

    Returns
    -------
    np.ndarray [shape=(1 + len(y) // hop_length,)]
        F0 in Hz; frame ``i`` centred on sample ``i * hop_length``. Always finite (unvoiced
        frames get the global minimum's lag): decide voicing separately.
    """
    min_period = int(np.floor(sr / fmax))
    max_period = min(int(np.ceil(sr / fmin)), frame_length - 1)
    if not 1 <= min_period < max_period:
        raise ValueError(f"yin: no lag between sr/fmax={sr / fmax:.1f} and sr/fmin={sr / fmin:.1f} "
                         f"within a frame of {frame_length} samples")
    frames = frame(np.asarray(y), frame_length=frame_length, hop_length=hop_length, center=True)
    # In blocks of frames: each frame's F0 depends on that frame alone, and the FFT buffers of a
    # whole minute at once were ~300 MB (the analysis' peak memory).
    return np.concatenate([_yin_block(frames[i:i + YIN_BLOCK_FRAMES], sr, min_period, max_period, trough_threshold)
                           for i in range(0, len(frames), YIN_BLOCK_FRAMES)])


def _yin_block(frames: np.ndarray, sr: int, min_period: int, max_period: int, trough_threshold: float) -> np.ndarray:
    d = _cmndf(frames, min_period, max_period)  # frames × lags
    left, mid, right = d[:, :-2], d[:, 1:-1], d[:, 2:]
    # Parabolic vertex offset at every inner lag (0 at the ends, and where it would move > 1 lag).
    a = left + right - 2 * mid
    b = (right - left) / 2
    shift = np.zeros_like(d)
    with np.errstate(divide="ignore", invalid="ignore"):
        shift[:, 1:-1] = np.where(np.abs(b) >= np.abs(a), 0.0, -b / a)
    # Troughs: lower than the previous lag and not above the next; the first lag when below the
    # second, the last when below the one before it.
    trough = np.zeros(d.shape, bool)
    trough[:, 1:-1] = (mid < left) & (mid <= right)
    trough[:, 0] = d[:, 0] < d[:, 1]
    trough[:, -1] = d[:, -1] < d[:, -2]
    below = trough & (d < trough_threshold)
    lag = np.where(below.any(axis=1), np.argmax(below, axis=1), np.argmin(d, axis=1))
    period = min_period + lag + shift[np.arange(len(lag)), lag]
    return sr / period
