"""Speech activity: where in the sound track is someone speaking? Computed once per analysis.

Lip-sync, the voice detector and the audio side signals all take their "seconds of speech"
and their speech/pause decision from :func:`detect_speech`, so one report holds one number.

The decision is made by Silero VAD (MIT, Silero Team; ``silero_vad/data/silero_vad.jit`` of
the PyPI wheel ``silero-vad``): a small recurrent network that gives a speech probability per
32 ms chunk of 16 kHz audio. It was trained to say "no" to noise, hum and music, which the
energy gates it replaces could not do (a file of pure noise used to be rated "low" risk).
Without the model, an energy gate stands in, with reliability
:data:`ENERGY_FALLBACK_RELIABILITY`, and ``method="energy"`` says so.

The network is stateful, so a 60 s message is 1875 sequential steps (0.6 s on the 2-core
development CPU). To keep a voice message under its 3 s budget the audio is cut into blocks
of :attr:`SpeechParams.block_s` that run side by side as one batch, each block preceded by
:attr:`SpeechParams.warmup_s` of the audio before it so its state has settled when the block
starts (the first block starts from silence, as the upstream streaming code does).

The package's Python module is deliberately not imported: ``import silero_vad`` calls
``torch.set_num_threads(1)`` for the whole process, against the thread budget of
:mod:`verifier.analysis.threads`. The model files are loaded directly: the wheel's ONNX version
(``silero_vad.onnx``) with ONNX Runtime, so that the analysis never imports torch (1.2-1.5 s);
the TorchScript file when onnxruntime or the ONNX file is missing (same probabilities within
3e-5, same speech segments: tests/test_onnx_backend.py, scripts/onnx_parity.py).
"""
from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..core.constants import SAMPLE_RATE
from ..core.errors import ModelUnavailableError
from ..core.once import load_once
from ..core.params import SpeechParams
from . import dsp

CHUNK_SAMPLES = 512  # samples per VAD step at 16 kHz (32 ms), fixed by the model
MODEL_NAME = "silero-vad"  # registry entry: verifier/assets/models/silero-vad.json (silero-vad 6.2.3 wheel)
ONNX_MODEL_NAME = "silero-vad-onnx"  # the same network as ONNX (same wheel), run by ONNX Runtime: no torch import
CONTEXT_SAMPLES = 64  # samples of the previous chunk fed before each chunk (16 kHz), as the upstream OnnxWrapper
STATE_SIZE = 128  # LSTM state width of the ONNX model: state [2, batch, 128]
DIGITAL_SILENCE_PEAK = 1e-4  # |sample| below this everywhere = digital silence (−80 dBFS)
ENERGY_FALLBACK_RELIABILITY = 0.5  # reliability factor of the energy gate when the VAD model is missing
# Speech/music measure kept as evidence: speech has many frames far quieter than the local
# mean (gaps between syllables), music and singing few (Scheirer & Slaney, ICASSP 1997,
# "percentage of low-energy frames"; measured on ../shared/data/video: talking clips
# 0.40–0.55, music/singing 0.13–0.26).
LOW_ENERGY_HOP_S = 0.010  # s, frame step of the low-energy measure
LOW_ENERGY_WINDOW_S = 1.0  # s, the "local mean" window


@dataclass(frozen=True)
class SpeechActivity:
    """Speech activity of one 16 kHz track, on the track's own timeline (sample 0 = 0 s).

    Attributes
    ----------
    t_s : np.ndarray [shape=(m,)]
        Centre time of each decision frame, s (32 ms chunks for "silero", 10 ms for "energy").
    frame_s : float
        Frame step, s.
    prob : np.ndarray [shape=(m,)]
        Speech probability per frame (the energy gate gives 0 or 1).
    segments : tuple of (start_s, end_s)
        Speech runs, s, after hysteresis, minimum durations and padding.
    speech_s : float
        Total duration of ``segments``, s: the one "seconds of speech" of the report.
    duration_s : float
        Length of the track, s.
    method : {"silero", "energy", "none"}
        "none" when nothing needed deciding (empty track or digital silence).
    reliability : float
        1 for the VAD, :data:`ENERGY_FALLBACK_RELIABILITY` for the energy gate.
    digital_silence : bool
        Every sample below :data:`DIGITAL_SILENCE_PEAK` (−80 dBFS).
    peak_dbfs : float
        Largest sample, dBFS.
    low_energy_ratio : float
        Share of 10 ms frames under half the local 1 s mean RMS (Scheirer & Slaney 1997): high
        for speech, low for music and steady noise. Evidence, not a gate.
    rhythm : float
        :func:`rhythm_strength` of the track (NaN when too short or silent); see :attr:`music`.
    note : str
        Why the fallback was used, empty otherwise.
    """

    t_s: np.ndarray
    frame_s: float
    prob: np.ndarray
    segments: tuple
    speech_s: float
    duration_s: float
    method: str
    reliability: float
    digital_silence: bool
    peak_dbfs: float
    low_energy_ratio: float
    note: str = ""
    params: SpeechParams = field(default_factory=SpeechParams, repr=False)
    rhythm: float = float("nan")

    @property
    def music(self) -> bool:
        """The sound has a beat (:func:`rhythm_strength` >= ``params.music_rhythm``): music or
        singing, on which lip-sync and the voice model are not valid."""
        return bool(np.isfinite(self.rhythm) and self.rhythm >= self.params.music_rhythm)

    def mask(self, t_s: np.ndarray) -> np.ndarray:
        """True at the times ``t_s`` (s, this track's timeline) that fall inside a speech run."""
        t = np.asarray(t_s, float)
        out = np.zeros(t.shape, bool)
        for a, b in self.segments:
            out |= (t >= a) & (t < b)
        return out

    def speech_s_between(self, start_s: float, end_s: float) -> float:
        """Seconds of speech inside [start_s, end_s] (this track's timeline)."""
        return float(sum(max(0.0, min(b, end_s) - max(a, start_s)) for a, b in self.segments))

    def evidence(self) -> dict:
        """The fields every signal reports, with units in the key names."""
        ev = {"speech_s": round(self.speech_s, 2), "speech_method": self.method,
              "digital_silence": self.digital_silence, "low_energy_ratio": round(self.low_energy_ratio, 3),
              "rhythm_strength": None if not np.isfinite(self.rhythm) else round(self.rhythm, 3),
              "music": self.music}
        if self.note:
            ev["speech_note"] = self.note
        return ev


# ---------------------------------------------------------------------------- model


def _model_file() -> Path:
    """The packaged TorchScript file, checked by the model registry (size and sha256 of
    ``verifier/assets/models/silero-vad.json``; found without importing the package). Its
    check is also the check that the registered silero-vad wheel is installed, which the ONNX
    file (:func:`_onnx_model_file`) comes with.

    Raises
    ------
    ModelUnavailableError
        ``model.missing`` (package not installed) or ``model.corrupt``.
    """
    from . import registry

    return registry.model_path(MODEL_NAME)


def _onnx_model_file() -> Path:
    """The packaged ONNX file of the same network (registry ``silero-vad-onnx``).

    Raises
    ------
    ModelUnavailableError
        ``model.missing`` or ``model.corrupt``.
    """
    from . import registry

    return registry.model_path(ONNX_MODEL_NAME)


_BACKENDS: dict = {}  # backend -> network, for an explicitly chosen backend (parity checks)
_BACKENDS_LOCK = threading.Lock()
_TORCH_RUN_LOCK = threading.Lock()  # the TorchScript VAD keeps state between calls: one run at a time


def _open(backend: str, jit_path: Path | None = None):
    """The VAD network on ``backend``: an ONNX Runtime session (``"onnx"``, intra-op threads
    from :mod:`verifier.analysis.threads`) or the TorchScript module (``"torch"``, its state reset before
    every use)."""
    if backend == "onnx":
        from .threads import onnx_session

        return onnx_session(_onnx_model_file())
    import torch

    return torch.jit.load(str(jit_path or _model_file()), map_location="cpu").eval()


@load_once
def load_model():
    """``(backend, network)``, loaded once per process: the ONNX model with ONNX Runtime when
    onnxruntime and the file are there (no torch import), else the TorchScript model.

    Raises
    ------
    ModelUnavailableError
        The silero-vad wheel (its TorchScript file) is missing or corrupt.
    """
    jit_path = _model_file()  # the registered wheel is installed (raises otherwise)
    try:
        return ("onnx", _open("onnx"))
    except (ImportError, ModelUnavailableError):
        return ("torch", _open("torch", jit_path))


def _load_backend(backend: str):
    """The network on an explicitly chosen ``backend`` ("onnx" or "torch"), loaded once."""
    with _BACKENDS_LOCK:
        if backend not in _BACKENDS:
            _BACKENDS[backend] = _open(backend)
        return _BACKENDS[backend]


def default_backend() -> str:
    """``"onnx"`` or ``"torch"``: the runtime :func:`vad_probabilities` uses by default
    (loads the model). Raises ModelUnavailableError when the wheel is missing."""
    return load_model()[0]


def _blocks(y: np.ndarray, params: SpeechParams) -> tuple[np.ndarray, int, int, int]:
    """The rows run side by side: ``(rows [shape=(b, (length + skip) × 512)], skip, length,
    n_chunks)``; row i's chunks ``skip … skip + length`` are its block of the track."""
    n_chunks = math.ceil(len(y) / CHUNK_SAMPLES)
    block = max(1, int(round(params.block_s * SAMPLE_RATE / CHUNK_SAMPLES)))
    warm = max(0, int(round(params.warmup_s * SAMPLE_RATE / CHUNK_SAMPLES)))
    yp = np.zeros((n_chunks + warm) * CHUNK_SAMPLES, np.float32)
    yp[warm * CHUNK_SAMPLES: warm * CHUNK_SAMPLES + len(y)] = y  # silence before the first block
    if n_chunks <= block + warm:  # short: one sequential pass, no warm-up needed
        starts = [warm]
        length = n_chunks
    else:
        starts = list(range(warm, warm + n_chunks, block))
        length = block
    rows = np.zeros((len(starts), (length + warm) * CHUNK_SAMPLES), np.float32)
    for i, s in enumerate(starts):
        a = (s - warm) * CHUNK_SAMPLES if len(starts) > 1 else s * CHUNK_SAMPLES
        seg = yp[a: a + rows.shape[1]]
        rows[i, : len(seg)] = seg
    skip = warm if len(starts) > 1 else 0
    return rows, skip, length, n_chunks


def _run_onnx(session, rows: np.ndarray) -> np.ndarray:
    """Speech probability per chunk of each row [shape=(b, chunks)] with the ONNX model: one
    run per 512-sample chunk for all rows at once, carrying the LSTM state explicitly and
    prefixing each chunk with the previous chunk's last :data:`CONTEXT_SAMPLES` (zeros
    first), as ``silero_vad.utils_vad.OnnxWrapper`` does and the TorchScript model does inside."""
    b, n = rows.shape[0], rows.shape[1] // CHUNK_SAMPLES
    state = np.zeros((2, b, STATE_SIZE), np.float32)
    x = np.zeros((b, CONTEXT_SAMPLES + CHUNK_SAMPLES), np.float32)
    sr = np.array(SAMPLE_RATE, np.int64)
    out = np.empty((b, n), np.float32)
    for j in range(n):
        x[:, :CONTEXT_SAMPLES] = x[:, -CONTEXT_SAMPLES:]
        x[:, CONTEXT_SAMPLES:] = rows[:, j * CHUNK_SAMPLES:(j + 1) * CHUNK_SAMPLES]
        prob, state = session.run(None, {"input": x, "state": state, "sr": sr})
        out[:, j] = prob[:, 0]
    return out


def vad_probabilities(y: np.ndarray, params: SpeechParams = SpeechParams(), *, backend: str | None = None) -> np.ndarray:
    """Silero speech probability per 32 ms chunk of a 16 kHz track.

    Parameters
    ----------
    y : np.ndarray [shape=(n,)], float32 in [-1, 1], 16 kHz.
    params : SpeechParams
    backend : {"onnx", "torch"}, optional
        The runtime (default: :func:`default_backend`): the same network and blocks; the
        probabilities agree within 3e-5 (measured on ../shared/data/audio: scripts/onnx_parity.py).

    Returns
    -------
    np.ndarray [shape=(ceil(n / 512),)]
        Probability of speech per chunk (the last one zero-padded).

    Raises
    ------
    ModelUnavailableError
        The model file is missing or corrupt.
    """
    if backend is None:
        backend, model = load_model()
    else:
        model = _load_backend(backend)
    if math.ceil(len(y) / CHUNK_SAMPLES) == 0:
        return np.zeros(0, np.float32)
    rows, skip, length, n_chunks = _blocks(y, params)
    if backend == "onnx":
        out = _run_onnx(model, rows)  # a session may run from several threads at once
    else:
        import torch

        from .threads import apply_torch

        # Torch's intra-op threads are the process's budget (verifier.analysis.threads; one thread on the
        # 2-core machine, where the network's small steps run 2-4x slower on two, measured). The
        # probabilities are the same for any thread count (max |diff| 0 for 1 vs 2, measured).
        apply_torch()
        with _TORCH_RUN_LOCK, torch.inference_mode():
            model.reset_states()
            out = model.audio_forward(torch.from_numpy(rows), SAMPLE_RATE).numpy()
            model.reset_states()
    return out[:, skip: skip + length].reshape(-1)[:n_chunks].astype(np.float32)


def probabilities_to_segments(prob: np.ndarray, frame_s: float, duration_s: float,
                              params: SpeechParams = SpeechParams()) -> tuple:
    """Speech runs from per-frame probabilities, following Silero's ``get_speech_timestamps``:
    speech starts at ``threshold``, ends below ``threshold − neg_threshold_gap``; gaps shorter
    than ``min_silence_ms`` are closed, runs shorter than ``min_speech_ms`` dropped, and each
    run padded by ``speech_pad_ms`` (without overlapping its neighbours).

    Returns
    -------
    tuple of (start_s, end_s) pairs, s.
    """
    on, off = params.threshold, params.threshold - params.neg_threshold_gap
    runs, start, speaking = [], 0, False
    for i, p in enumerate(np.asarray(prob, float)):
        if not speaking and p >= on:
            speaking, start = True, i
        elif speaking and p < off:
            speaking = False
            runs.append([start * frame_s, i * frame_s])
    if speaking:
        runs.append([start * frame_s, len(prob) * frame_s])
    merged = []
    for r in runs:
        if merged and r[0] - merged[-1][1] < params.min_silence_ms / 1000:
            merged[-1][1] = r[1]
        else:
            merged.append(r)
    kept = [r for r in merged if r[1] - r[0] >= params.min_speech_ms / 1000]
    pad = params.speech_pad_ms / 1000
    out = []
    for i, (a, b) in enumerate(kept):
        lo = max(0.0, a - pad) if i == 0 else max(a - pad, (kept[i - 1][1] + a) / 2)
        hi = min(duration_s, b + pad) if i == len(kept) - 1 else min(b + pad, (b + kept[i + 1][0]) / 2)
        out.append((round(lo, 4), round(max(lo, hi), 4)))
    return tuple(out)


# ---------------------------------------------------------------------------- energy


SPEECH_BAND_HZ = (300.0, 3400.0)  # Hz, telephone speech band (ITU-T G.712)
# Rhythm (music) measure, :func:`rhythm_strength`: onset envelope over log-spaced bands, its
# autocorrelation between the lags of a 200 and a 40 beats-per-minute pulse.
RHYTHM_BAND_HZ = (100.0, 7600.0)  # Hz, bands of the onset envelope
RHYTHM_BANDS = 24
RHYTHM_FRAME_S = 0.064  # s (1024 samples); 40 ms frames separated speech from music less on the dev sets
RHYTHM_LAG_S = (0.3, 1.5)  # s
RHYTHM_MIN_SOUND_S = 4.0  # s of non-silent sound below which no rhythm is measured
# s measured from the start: bounds the frames' memory (1024 float32 a 10 ms hop: 49 MB for 120 s;
# a 10-minute track whole would hold ~0.6 GB of transient arrays) and the time.
RHYTHM_MAX_S = 120.0


def band_energy_db(y: np.ndarray, *, sr: int = SAMPLE_RATE, hop_length: int,
                   band_hz: tuple[float, float] = SPEECH_BAND_HZ) -> np.ndarray:
    """Energy in ``band_hz`` per frame, dB: centred frames of ``4 * hop_length`` samples with a
    periodic Hann window, as ``librosa.stft(center=True)`` (zero padding). Used by the speech
    activity (low-energy share) and lip-sync (speech envelope).

    numpy only: importing librosa's feature code costs 1.5–2 s at process start.

    Returns
    -------
    np.ndarray [shape=(1 + len(y) // hop_length,)]
    """
    spec, f = dsp.power_spectrogram(y, sr=sr, n_fft=4 * hop_length, hop_length=hop_length)
    band = (f >= band_hz[0]) & (f <= band_hz[1])
    return 10 * np.log10(np.sum(spec[:, band], axis=1, dtype=np.float64) + 1e-10)


def rhythm_strength(y: np.ndarray) -> float:
    """How periodic the sound's onsets are: the highest normalised autocorrelation of the onset
    envelope at lags of :data:`RHYTHM_LAG_S` (a beat of 40–200 per minute). Music has a beat;
    speech's syllables come irregularly. Digital silence is cut out first (a synthesiser's
    padding between sentences is regular too).

    The onset envelope is the spectral flux of librosa's ``onset_strength`` (mean positive
    change of log power, here over :data:`RHYTHM_BANDS` log-spaced bands of
    :data:`RHYTHM_FRAME_S` frames with a 10 ms hop), in numpy.

    Parameters
    ----------
    y : np.ndarray [shape=(n,)], 16 kHz; only the first :data:`RHYTHM_MAX_S` are measured.

    Returns
    -------
    float
        In [-1, 1]; NaN when less than :data:`RHYTHM_MIN_SOUND_S` of non-silent sound.
    """
    hop = int(LOW_ENERGY_HOP_S * SAMPLE_RATE)
    if len(y) < RHYTHM_MIN_SOUND_S * SAMPLE_RATE:
        return float("nan")
    y = y[:int(RHYTHM_MAX_S * SAMPLE_RATE)]
    spec, f = dsp.power_spectrogram(y, sr=SAMPLE_RATE, n_fft=int(RHYTHM_FRAME_S * SAMPLE_RATE), hop_length=hop)
    n = min(len(spec), len(y) // hop)
    peak = np.abs(np.asarray(y[:n * hop], np.float32)).reshape(n, hop).max(axis=1)
    spec = spec[:n][peak >= DIGITAL_SILENCE_PEAK]
    if len(spec) < RHYTHM_MIN_SOUND_S / LOW_ENERGY_HOP_S:
        return float("nan")
    edges = np.geomspace(*RHYTHM_BAND_HZ, RHYTHM_BANDS + 1)
    idx = np.clip(np.searchsorted(f, edges), 1, len(f) - 1)
    bands = np.add.reduceat(spec.astype(np.float64), idx[:-1], axis=1)[:, :RHYTHM_BANDS]
    db = 10 * np.log10(bands + 1e-10)
    db = np.maximum(db, db.max() - 80.0)  # librosa's top_db
    onset = np.maximum(np.diff(db, axis=0), 0).mean(axis=1)
    o = onset - onset.mean()
    spectrum = np.fft.rfft(o, 2 * len(o))  # autocorrelation by FFT: an hour of audio in well under a second
    ac = np.fft.irfft(spectrum * np.conj(spectrum))[:len(o)]
    if ac[0] <= 1e-12:
        return float("nan")
    lags_s = np.arange(len(ac)) * LOW_ENERGY_HOP_S
    band = (lags_s >= RHYTHM_LAG_S[0]) & (lags_s <= RHYTHM_LAG_S[1])
    return float(ac[band].max() / ac[0]) if band.any() else float("nan")


def low_energy_ratio(y: np.ndarray, band_db: np.ndarray | None = None) -> float:
    """Share of 10 ms frames whose speech-band (300–3400 Hz) RMS is under half the mean RMS of
    the surrounding 1 s (Scheirer & Slaney 1997). 0 for an empty or silent track.

    Parameters
    ----------
    y : np.ndarray [shape=(n,)], 16 kHz.
    band_db : optional precomputed :func:`band_energy_db` of ``y`` (10 ms hop).
    """
    hop = int(LOW_ENERGY_HOP_S * SAMPLE_RATE)
    if len(y) < 4 * hop:
        return 0.0
    e_db = band_energy_db(y, hop_length=hop) if band_db is None else band_db
    rms = np.sqrt(10 ** (e_db / 10))
    w = int(LOW_ENERGY_WINDOW_S / LOW_ENERGY_HOP_S)
    local = np.convolve(np.pad(rms, (w // 2, w - 1 - w // 2), mode="reflect"), np.ones(w) / w, mode="valid")
    return float(np.mean(rms < 0.5 * local))


def _energy_probabilities(e_db: np.ndarray, params: SpeechParams) -> np.ndarray:
    """The fallback: 1 where the speech-band energy ``e_db`` (dB per 10 ms frame) is well above
    the floor and near the top."""
    floor, top = np.percentile(e_db, 10), np.percentile(e_db, 99)
    active = (e_db > floor + params.energy_active_above_floor_db) & (e_db > top - params.energy_active_below_top_db)
    return active.astype(np.float32)


# ---------------------------------------------------------------------------- API


def _to_16k(y: np.ndarray, sr: int) -> np.ndarray:
    from .signals.audio_frames import resample

    return resample(y, orig_sr=sr, target_sr=SAMPLE_RATE)


def detect_speech(y: np.ndarray, sr: int = SAMPLE_RATE, params: SpeechParams = SpeechParams(), *,
                  use_model: bool = True) -> SpeechActivity:
    """Where the track holds speech.

    Parameters
    ----------
    y : np.ndarray [shape=(n,)], float
        Mono audio in [-1, 1], finite (checked).
    sr : int
        Sample rate, Hz (resampled to 16 kHz when different).
    params : SpeechParams
    use_model : bool
        False forces the energy gate (tests, or a caller that knows the model is absent).

    Returns
    -------
    SpeechActivity
        Digital silence and an empty track give no speech (``method="none"``). Noise, hum and
        music give little or none with the VAD; the energy gate cannot tell them from speech.

    Raises
    ------
    ParameterError
        ``y`` is not a finite 1-D float array or ``sr`` not a valid rate.
    """
    from .signals.audio_frames import check_audio

    y = _to_16k(check_audio(y, sr, min_sr=1), int(sr))
    duration_s = len(y) / SAMPLE_RATE
    peak = float(np.max(np.abs(y))) if len(y) else 0.0
    peak_dbfs = 20 * math.log10(max(peak, 1e-6))
    if len(y) < CHUNK_SAMPLES or peak < DIGITAL_SILENCE_PEAK:
        return SpeechActivity(np.zeros(0), CHUNK_SAMPLES / SAMPLE_RATE, np.zeros(0), (), 0.0, duration_s, "none", 1.0,
                              bool(len(y) > 0 and peak < DIGITAL_SILENCE_PEAK), round(peak_dbfs, 1), 0.0,
                              params=params)
    note = ""
    prob = None
    band_db = band_energy_db(y, hop_length=int(LOW_ENERGY_HOP_S * SAMPLE_RATE))
    if use_model:
        try:
            prob = vad_probabilities(y, params)
            method, frame_s, reliability = "silero", CHUNK_SAMPLES / SAMPLE_RATE, 1.0
        except ModelUnavailableError as e:
            note = f"{e.key}: energy gate used instead"
    else:
        note = "energy gate requested"
    if prob is None:
        prob = _energy_probabilities(band_db, params)
        method, frame_s, reliability = "energy", LOW_ENERGY_HOP_S, ENERGY_FALLBACK_RELIABILITY
    t_s = (np.arange(len(prob)) + 0.5) * frame_s
    segments = probabilities_to_segments(prob, frame_s, duration_s, params)
    speech_s = round(float(sum(b - a for a, b in segments)), 4)
    return SpeechActivity(t_s, frame_s, prob, segments, speech_s, duration_s, method, reliability, False,
                          round(peak_dbfs, 1), low_energy_ratio(y, band_db), note, params, rhythm_strength(y))
