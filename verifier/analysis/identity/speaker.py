"""Speaker embedding: the GE2E encoder of the Resemblyzer wheel, in a few lines of our own.

The network (Wan et al., "Generalized end-to-end loss for speaker verification", ICASSP
2018; weights of Resemblyzer 0.1.4, registry entry ``resemblyzer-ge2e``) maps 1.6 s of a
40-band mel power spectrogram to a 256-d unit vector. An utterance's embedding is the
normalised mean over overlapping 1.6 s windows, as Resemblyzer's ``embed_utterance`` does;
the speech is selected with our Silero segments (:mod:`verifier.analysis.speech`) instead of
Resemblyzer's webrtcvad trimming, so the ``resemblyzer`` package is never imported.
"""
from __future__ import annotations

import numpy as np

from ...core.constants import SAMPLE_RATE
from ...core.once import load_once
from ...core.params import SpeakerParams

MEL_WINDOW_SAMPLES = 400  # 25 ms at 16 kHz (Resemblyzer hparams.mel_window_length)
MEL_HOP_SAMPLES = 160  # 10 ms (hparams.mel_window_step)
N_MELS = 40  # hparams.mel_n_channels
PARTIAL_FRAMES = 160  # 1.6 s per window (hparams.partials_n_frames)
HIDDEN = 256  # LSTM width and embedding size (hparams.model_hidden_size / model_embedding_size)
N_LAYERS = 3
MODEL_NAME = "resemblyzer-ge2e"  # verifier/assets/models/resemblyzer-ge2e.json
ONNX_MODEL_NAME = "resemblyzer-ge2e-onnx"  # its export, made at set-up (verifier/assets/models/resemblyzer-ge2e-onnx.json)
ONNX_OPSET = 17
ONNX_INPUT, ONNX_OUTPUT = "mels", "embeddings"
# Largest |difference| accepted between the export's and torch's unit embeddings at export time
# (components of a 256-d unit vector; the measured difference is float32 rounding, ~1e-7).
ONNX_PARITY_MAX_ABS = 1e-5
NORM_TARGET_DBFS = -30.0  # Resemblyzer's audio_norm_target_dBFS (volume raised only)


def _torch_module():
    import torch
    from torch import nn

    class GE2EEncoder(nn.Module):
        """3-layer LSTM + linear + ReLU, L2-normalised (Resemblyzer's ``VoiceEncoder`` network)."""

        def __init__(self):
            super().__init__()
            self.lstm = nn.LSTM(N_MELS, HIDDEN, N_LAYERS, batch_first=True)
            self.linear = nn.Linear(HIDDEN, HIDDEN)

        def forward(self, mels: "torch.Tensor") -> "torch.Tensor":
            _, (hidden, _) = self.lstm(mels)
            e = torch.relu(self.linear(hidden[-1]))
            return e / torch.norm(e, dim=1, keepdim=True).clamp_min(1e-12)

    return GE2EEncoder


def _load_torch(path) -> "object":
    """The torch encoder with the weights at ``path`` (eval mode)."""
    import torch

    ckpt = torch.load(str(path), map_location="cpu", weights_only=True)
    state = {k: v for k, v in ckpt["model_state"].items() if k.startswith(("lstm.", "linear."))}
    m = _torch_module()()
    m.load_state_dict(state, strict=True)
    return m.eval()


class OnnxEncoder:
    """The exported encoder in one ONNX Runtime session (threads from :mod:`verifier.analysis.threads`):
    ``encoder(mels)`` maps mel windows [shape=(k, 160, 40)] to unit embeddings [shape=(k, 256)]."""

    backend = "onnx"

    def __init__(self, path):
        from ..threads import onnx_session

        self.session = onnx_session(path)

    def __call__(self, mels: np.ndarray) -> np.ndarray:
        return self.session.run([ONNX_OUTPUT], {ONNX_INPUT: np.ascontiguousarray(mels, np.float32)})[0]


def load_encoder(path=None):
    """The encoder with the registry's checked weights, loaded once per process: the ONNX
    export (:data:`ONNX_MODEL_NAME`) when it is installed and matches its record, else the
    torch network (which needs ``import torch``, 1.2-1.5 s). ``path`` loads those torch weights.

    Raises
    ------
    ModelUnavailableError
        ``model.missing`` / ``model.corrupt`` of the weights (with the install command).
    """
    if path is not None:
        return _load_torch(path)
    return default_encoder()


@load_once
def default_encoder():
    """The encoder :func:`load_encoder` returns without ``path``, loaded once per process."""
    from .. import registry

    p = registry.model_path(MODEL_NAME)  # the weights must be installed and intact either way
    try:
        return OnnxEncoder(registry.model_path(ONNX_MODEL_NAME))
    except (registry.ModelUnavailableError, ImportError, OSError, RuntimeError):
        return _load_torch(p)  # not exported (or onnxruntime missing): the same network on torch


def probe_mels(n: int = 3, seed: int = 12) -> np.ndarray:
    """Deterministic mel windows [shape=(n, 160, 40), float32] of harmonic test tones for the
    export's parity check (no data file needed)."""
    rng = np.random.default_rng(seed)
    t = np.arange(PARTIAL_FRAMES * MEL_HOP_SAMPLES + MEL_WINDOW_SAMPLES) / SAMPLE_RATE
    out = []
    for i in range(n):
        phase = 2 * np.pi * np.cumsum(120.0 + 30.0 * i + 15.0 * np.sin(2 * np.pi * 0.8 * t)) / SAMPLE_RATE
        y = 0.1 * sum(np.sin(k * phase) / k for k in range(1, 10)) + 0.005 * rng.standard_normal(len(t))
        out.append(mel_power(y.astype(np.float32))[:PARTIAL_FRAMES])
    return np.stack(out).astype(np.float32)


def export_onnx(source_path, dest) -> dict:
    """Export the GE2E weights at ``source_path`` to ONNX at ``dest`` and check it: the registry's
    recipe for :data:`ONNX_MODEL_NAME` (set-up only: imports torch and ``onnx``).

    Raises
    ------
    RuntimeError
        The export's embeddings differ from torch's by more than :data:`ONNX_PARITY_MAX_ABS`.
    """
    from ..onnx_export import export_checked

    return export_checked(_load_torch(source_path), probe_mels(2), probe_mels(), dest, input_name=ONNX_INPUT,
                          output_name=ONNX_OUTPUT, batch_axis="windows", max_abs_diff=ONNX_PARITY_MAX_ABS,
                          what="embedding", opset=ONNX_OPSET)


# librosa.filters.mel(sr=16000, n_fft=400, n_mels=40) (Slaney scale and norm, librosa 0.11.0),
# saved once: importing librosa.filters pulls in scipy.signal, 1.4-1.9 s of a cold `verifier
# compare` on the 2-core machine (python -X importtime). tests/test_compare_speed.py checks the
# file still equals librosa's output.
MEL_FILTERBANK_ASSET = "ge2e_mel_filterbank.npy"


@load_once
def mel_filterbank() -> np.ndarray:
    """The encoder's mel filter bank, shape (40, 201), float32 (see :data:`MEL_FILTERBANK_ASSET`)."""
    from ...core.assets import asset_path

    return np.load(asset_path(MEL_FILTERBANK_ASSET), allow_pickle=False).astype(np.float32)


def mel_power(y: np.ndarray) -> np.ndarray:
    """40-band mel power spectrogram as Resemblyzer computes it (``librosa.feature.melspectrogram``
    with n_fft=400, hop=160, centred frames, zero padding, periodic Hann window, power 2; not
    log-compressed), in numpy with librosa's filter bank (saved as an asset: :func:`mel_filterbank`).

    Parameters
    ----------
    y : np.ndarray [shape=(n,)], float32, 16 kHz.

    Returns
    -------
    np.ndarray [shape=(1 + n // 160, 40)], float32
    """
    fb = mel_filterbank()
    yp = np.pad(np.asarray(y, np.float32), MEL_WINDOW_SAMPLES // 2, mode="constant")
    frames = np.lib.stride_tricks.sliding_window_view(yp, MEL_WINDOW_SAMPLES)[::MEL_HOP_SAMPLES]
    win = np.hanning(MEL_WINDOW_SAMPLES + 1)[:-1].astype(np.float32)
    spec = np.abs(np.fft.rfft(frames * win, axis=1)) ** 2
    return (spec.astype(np.float32) @ fb.T).astype(np.float32)


def window_slices(n_samples: int, params: SpeakerParams = SpeakerParams()) -> list[slice]:
    """Mel-frame slices of the 1.6 s windows of an utterance (Resemblyzer's
    ``compute_partial_slices``): always at least one; the last is dropped when it would hold
    less than ``min_coverage`` of audio and others exist."""
    n_frames = int(np.ceil((n_samples + 1) / MEL_HOP_SAMPLES))
    step = int(np.round(SAMPLE_RATE / params.windows_per_s / MEL_HOP_SAMPLES))
    steps = max(1, n_frames - PARTIAL_FRAMES + step + 1)
    out = [slice(i, i + PARTIAL_FRAMES) for i in range(0, steps, step)]
    last = out[-1]
    coverage = (n_samples - last.start * MEL_HOP_SAMPLES) / (PARTIAL_FRAMES * MEL_HOP_SAMPLES)
    if coverage < params.min_coverage and len(out) > 1:
        out = out[:-1]
    return out


def speech_only(y: np.ndarray, segments, max_s: float) -> np.ndarray:
    """The samples inside ``segments`` ((start_s, end_s) pairs), joined; at most ``max_s``
    seconds, taken from the start of each segment in proportion to its length."""
    parts = [y[int(a * SAMPLE_RATE): int(b * SAMPLE_RATE)] for a, b in segments]
    total = sum(len(p) for p in parts)
    cap = int(max_s * SAMPLE_RATE)
    if total > cap:
        parts = [p[: int(len(p) * cap / total)] for p in parts]
    return np.concatenate(parts) if parts else np.zeros(0, np.float32)


def embed_utterance(y: np.ndarray, params: SpeakerParams = SpeakerParams(), model=None) -> tuple[np.ndarray, np.ndarray]:
    """Embedding of one utterance of 16 kHz speech (silences already removed).

    Parameters
    ----------
    y : np.ndarray [shape=(n,)], float32 in [-1, 1], 16 kHz, speech only.

    Returns
    -------
    embedding : np.ndarray [shape=(256,)], unit norm
    partials : np.ndarray [shape=(k, 256)]
        One unit embedding per 1.6 s window (their spread says how steady the voice is).
    """
    from .. import threads

    y = np.asarray(y, np.float32)
    rms = float(np.sqrt(np.mean(y.astype(np.float64) ** 2))) if len(y) else 0.0
    if rms > 0:
        gain_db = NORM_TARGET_DBFS - 20 * np.log10(rms)
        if gain_db > 0:  # raise only (Resemblyzer's normalize_volume(increase_only=True))
            y = y * np.float32(10 ** (gain_db / 20))
    slices = window_slices(len(y), params)
    need = slices[-1].stop * MEL_HOP_SAMPLES
    if need >= len(y):
        y = np.pad(y, (0, need - len(y) + 1))
    mel = mel_power(y)
    mels = np.stack([mel[s] for s in slices])
    model = model or load_encoder()
    if isinstance(model, OnnxEncoder):
        partials = model(mels)
    else:
        import torch

        threads.apply_torch()
        with torch.inference_mode():
            partials = model(torch.from_numpy(mels)).numpy()
    e = partials.mean(0)
    return (e / np.linalg.norm(e)).astype(np.float32), partials.astype(np.float32)


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    """Cosine similarity of two embeddings, dimensionless in [-1, 1] (GE2E vectors are
    non-negative, so in [0, 1] here)."""
    return float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))
