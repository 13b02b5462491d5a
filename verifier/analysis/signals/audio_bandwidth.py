"""Effective bandwidth and sharp cut-offs of the long-term average spectrum (signal
``bandwidth``).

The frequency above which a recording holds (almost) no energy tells which channel it went
through: narrowband telephony and AMR-NB stop near 4 kHz (ITU-T G.712 passband
300-3400 Hz), wideband codecs and low-bitrate AAC/MP3 encoders low-pass around 5.5-7 kHz,
and at 16 kHz everything stops at the 8 kHz Nyquist frequency. A brick-wall edge well below
Nyquist means the sound was resampled or encoded on the way, which a real phone does as
often as a voice-cloning pipeline. So this signal *explains the channel*; its score is
neutral and its reliability low. It also tells how much of the spectrum the other checks
(and the learned detector) could see.
"""
from __future__ import annotations

import numpy as np

from ...core.errors import ParameterError
from ...core.result import SignalResult, not_applicable
from .. import dsp
from .audio_frames import check_audio, segment_speech

KEY = "bandwidth"
N_FFT_S = 0.064  # s, FFT window of the long-term spectrum (1024 samples at 16 kHz, 15.6 Hz bins)
MEDIAN_SMOOTH_HZ = 300.0  # Hz, median filter width on the dB spectrum: removes harmonic ripple, keeps edges
MIN_FREQ_HZ = 80.0  # Hz, the reference peak is searched above this (below is hum and DC)
CUTOFF_DROP_DB = 50.0  # dB below the spectral peak that defines the cut-off frequency
SHARP_ROLLOFF_DB_PER_KHZ = 40.0  # dB/kHz, steeper than this is a filter edge, not the voice's own roll-off
# (the speech spectrum above 1 kHz falls by roughly 6-12 dB per octave, far less than this); heuristic
EDGE_SEARCH_HZ = 1000.0  # Hz, a filter edge is looked for this far below the -50 dB frequency
PASSBAND_BELOW_DROP_HZ = (700.0, 1500.0)  # Hz below drop_hz where the passband level next to an edge is read
EDGE_TOP_DB = 6.0  # dB under that passband level: the quoted cut-off of a filter edge (-6 dB corner)
EDGE_SLOPE_HALF_HZ = 50.0  # Hz, half-width of the finite difference that measures the edge slope
NYQUIST_GUARD_HZ = 400.0  # Hz, a cut-off within this of Nyquist is "full band" for the rate
NARROWBAND_HZ = (3000.0, 4500.0)  # Hz, cut-offs of narrowband telephony / AMR-NB (ITU-T G.712: 3400 Hz)
MIN_SPEECH_S = 1.0  # s of speech below which the long-term spectrum is not estimated
FULL_RELIABILITY_SPEECH_S = 5.0  # s of speech for a stable long-term spectrum
MAX_RELIABILITY = 0.15  # channel information, not evidence of synthesis: fusion should barely use it
NEUTRAL_SCORE = 0.5  # the bandwidth says nothing on its own about synthesis


def long_term_spectrum(*, y: np.ndarray, sr: int, speech: np.ndarray | None = None,
                       hop_length: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Long-term average power spectrum in dB over speech frames.

    Parameters
    ----------
    y : np.ndarray [shape=(n,)], float
    sr : int
        Hz.
    speech : np.ndarray [shape=(t,)] of bool or None
        Frames (speech frame ``j`` centred on sample ``j * hop_length``) to average; all
        frames when None.
    hop_length : int or None
        Hop of ``speech`` in samples (required with ``speech``).

    Returns
    -------
    freqs_hz : np.ndarray [shape=(f,)]
    ltas_db : np.ndarray [shape=(f,)]
        dB re. full scale per bin, median-smoothed over :data:`MEDIAN_SMOOTH_HZ`.
    """
    from scipy import ndimage  # imported when used (pipeline: while the voice network runs)

    y = check_audio(y, sr)
    n_fft = int(2 ** np.round(np.log2(N_FFT_S * sr)))
    hop = hop_length if hop_length is not None else n_fft // 4
    if len(y) < n_fft:
        y = np.pad(y, (0, n_fft - len(y)))
    # center=False: frames lie wholly inside the signal, so the zero padding of centred
    # frames does not put a broadband step (spectral leakage ~ -40 dB) into the first frames.
    S, freqs = dsp.power_spectrogram(y, sr=sr, n_fft=n_fft, hop_length=hop, center=False)
    S = S.T  # bins × frames
    if speech is not None:
        # frame i is centred on sample i * hop + n_fft // 2, i.e. on speech frame i + n_fft // (2 hop)
        idx = np.arange(S.shape[1]) + int(round(n_fft / 2 / hop))
        m = np.zeros(S.shape[1], bool)
        ok = idx < len(speech)
        m[ok] = np.asarray(speech, bool)[idx[ok]]
        S = S[:, m]
    if S.shape[1] == 0:
        return freqs, np.full(len(freqs), np.nan)
    ltas = 10 * np.log10(np.maximum(S.mean(axis=1), 1e-20))
    width = max(3, int(round(MEDIAN_SMOOTH_HZ / (freqs[1] - freqs[0]))) | 1)
    return freqs, ndimage.median_filter(ltas, size=width, mode="nearest")


def find_cutoff(freqs_hz: np.ndarray, ltas_db: np.ndarray, *,
                drop_db: float = CUTOFF_DROP_DB) -> tuple[float, float, float, float]:
    """Cut-off frequency of a long-term spectrum and the sharpness of its edge.

    Parameters
    ----------
    freqs_hz, ltas_db : np.ndarray [shape=(f,)]
        As returned by :func:`long_term_spectrum`.
    drop_db : float > 0
        The spectrum is "empty" above the highest frequency whose level is within
        ``drop_db`` of the peak.

    Returns
    -------
    cutoff_hz : float
        Hz. ``drop_hz`` (below), unless a filter edge (slope >= :data:`SHARP_ROLLOFF_DB_PER_KHZ`)
        lies within :data:`EDGE_SEARCH_HZ` below it: then the frequency where the level is
        :data:`EDGE_TOP_DB` under the passband just below the edge. A real filter (FFmpeg's
        resampler, say) is -6 dB at its nominal band edge but reaches -50 dB some hundred
        Hz higher.
    rolloff_db_per_khz : float
        Steepest descent of the spectrum within :data:`EDGE_SEARCH_HZ` below ``drop_hz``,
        dB per kHz over 100 Hz; nan when ``drop_hz`` is within :data:`NYQUIST_GUARD_HZ`
        of Nyquist.
    drop_hz : float
        Highest frequency within ``drop_db`` of the peak (Nyquist if the spectrum never
        falls that far), linearly interpolated between bins.
    peak_hz : float
        Frequency of the spectral peak.
    """
    if drop_db <= 0:
        raise ParameterError(f"drop_db must be > 0 dB, not {drop_db}")
    df = float(freqs_hz[1] - freqs_hz[0])
    nyq = float(freqs_hz[-1])
    valid = freqs_hz >= MIN_FREQ_HZ
    i_peak = int(np.flatnonzero(valid)[np.argmax(ltas_db[valid])])
    peak_hz = float(freqs_hz[i_peak])
    thr = ltas_db[i_peak] - drop_db
    i_cut = int(np.flatnonzero(ltas_db >= thr)[-1])
    if i_cut + 1 < len(freqs_hz):  # interpolate the crossing between bins i_cut and i_cut + 1
        l0, l1 = ltas_db[i_cut], ltas_db[i_cut + 1]
        frac = (l0 - thr) / (l0 - l1) if l0 > l1 else 0.0
        drop_hz = float(freqs_hz[i_cut] + np.clip(frac, 0, 1) * df)
    else:
        drop_hz = nyq
    if drop_hz >= nyq - NYQUIST_GUARD_HZ:
        return drop_hz, float("nan"), drop_hz, peak_hz
    # Steepest descent within EDGE_SEARCH_HZ below drop_hz, slope over +-EDGE_SLOPE_HALF_HZ.
    k = max(1, int(round(EDGE_SLOPE_HALF_HZ / df)))
    slope = np.full(len(ltas_db), -np.inf)
    slope[k:-k] = (ltas_db[:-2 * k] - ltas_db[2 * k:]) / (2 * k * df / 1000.0)
    win = (freqs_hz >= drop_hz - EDGE_SEARCH_HZ) & (freqs_hz <= drop_hz + df)
    rolloff = float(np.max(slope[win])) if win.any() else float("nan")
    cutoff = drop_hz
    if np.isfinite(rolloff) and rolloff >= SHARP_ROLLOFF_DB_PER_KHZ:
        # A filter edge: its cut-off is where the level falls EDGE_TOP_DB below the passband
        # just under the edge (as filter corners are quoted), not where it reaches -50 dB.
        lo, hi = PASSBAND_BELOW_DROP_HZ
        band = (freqs_hz >= drop_hz - hi) & (freqs_hz <= drop_hz - lo)
        if band.any():
            passband = float(np.median(ltas_db[band]))
            ok = np.flatnonzero((ltas_db >= passband - EDGE_TOP_DB) & (freqs_hz <= drop_hz))
            if len(ok):
                cutoff = float(freqs_hz[ok[-1]])
    return cutoff, rolloff, drop_hz, peak_hz


def measure_bandwidth(*, y: np.ndarray, sr: int, seg=None) -> SignalResult:
    """The ``bandwidth`` signal: effective bandwidth of the speech and the sharpness of its edge.

    Parameters
    ----------
    y : np.ndarray [shape=(n,)], float
        Mono audio in [-1, 1], finite.
    sr : int
        Sample rate in Hz (16000 expected; Nyquist 8 kHz).
    seg : Segmentation, optional
        Precomputed :func:`~verifier.analysis.signals.audio_frames.segment_speech` of ``(y, sr)``
        (the analysis' one segmentation); segmented here by energy when None.

    Returns
    -------
    SignalResult
        Evidence: ``cutoff_hz`` (the filter edge, or the highest frequency within 50 dB of
        the spectral peak when there is no edge; see :func:`find_cutoff`), ``drop50_hz``,
        ``rolloff_db_per_khz`` (edge steepness; None when full band), ``sharp_cutoff``,
        ``nyquist_hz``, ``peak_hz``, ``speech_s``. The score is always
        :data:`NEUTRAL_SCORE`: the channel is not evidence of synthesis. Explanations:
        ``bandwidth.full``, ``bandwidth.narrowband`` (telephone-like, about 4 kHz),
        ``bandwidth.limited`` (sharp edge elsewhere below Nyquist), ``bandwidth.gradual``
        (energy fades out below Nyquist without a filter edge), ``bandwidth.no_speech``.

    Raises
    ------
    ParameterError
        Invalid ``y`` or ``sr``.
    """
    y = check_audio(y, sr)
    seg = segment_speech(y, sr) if seg is None else seg
    speech_s = seg.speech_s
    if speech_s < MIN_SPEECH_S:
        return not_applicable(KEY, "bandwidth.no_speech", speech_s=round(speech_s, 2))
    freqs, ltas = long_term_spectrum(y=y, sr=sr, speech=seg.speech, hop_length=seg.hop_length)
    cutoff, rolloff, drop_hz, peak_hz = find_cutoff(freqs, ltas)
    nyq = sr / 2.0
    full = cutoff >= nyq - NYQUIST_GUARD_HZ
    sharp = bool(np.isfinite(rolloff) and rolloff >= SHARP_ROLLOFF_DB_PER_KHZ)
    if full:
        explanation = "bandwidth.full"
    elif sharp and NARROWBAND_HZ[0] <= cutoff <= NARROWBAND_HZ[1]:
        explanation = "bandwidth.narrowband"
    elif sharp:
        explanation = "bandwidth.limited"
    else:
        explanation = "bandwidth.gradual"
    ev = {"cutoff_hz": round(cutoff, 0), "cutoff_khz": round(cutoff / 1000, 1),
          "rolloff_db_per_khz": None if not np.isfinite(rolloff) else round(rolloff, 1),
          "sharp_cutoff": sharp, "drop50_hz": round(drop_hz, 0), "nyquist_hz": nyq, "peak_hz": round(peak_hz, 0), "speech_s": round(speech_s, 2)}
    reliability = MAX_RELIABILITY * min(1.0, speech_s / FULL_RELIABILITY_SPEECH_S)
    series = {"freq_hz": freqs.tolist(), "ltas_db": ltas.tolist()}
    return SignalResult(KEY, NEUTRAL_SCORE, float(reliability), ev, explanation, series)
