"""AASIST's input size and architecture hyper-parameters, without torch.

Kept apart from :mod:`verifier.analysis.voice.aasist` (the network, which imports torch) so that the
voice detector can read them when it runs the ONNX export with ONNX Runtime and never imports
torch (1.2-1.5 s of a voice message's 3 s budget).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

WINDOW_SAMPLES = 64600  # samples per input window (~4.04 s at 16 kHz), upstream `nb_samp`


@dataclass(frozen=True)
class AasistConfig:
    """Architecture hyper-parameters (the upstream configs' ``model_config``).

    Attributes
    ----------
    first_conv : int
        Length of the sinc filters, samples (made odd: 128 → 129 taps).
    filts : tuple
        ``(n_sinc_bands, (in, out) of residual blocks 1–4)``; blocks 5 and 6 repeat block 4.
    gat_dims : tuple of int
        Node dimensions of the first GAT layers and of the HS-GAL layers.
    pool_ratios : tuple of float
        Share of nodes kept by graph pooling: spectral, temporal, HS-GAL (the 4th is unused
        upstream).
    temperatures : tuple of float
        Softmax temperatures of GAT-S, GAT-T, HS-GAL (the 4th is unused upstream).
    """

    first_conv: int = 128
    filts: tuple = (70, (1, 32), (32, 32), (32, 24), (24, 24))
    gat_dims: tuple = (24, 32)
    pool_ratios: tuple = (0.4, 0.5, 0.7, 0.5)
    temperatures: tuple = (2.0, 2.0, 100.0, 100.0)

    @classmethod
    def from_dict(cls, d: dict) -> "AasistConfig":
        filts = (int(d["filts"][0]),) + tuple(tuple(int(v) for v in f) for f in d["filts"][1:])
        return cls(first_conv=int(d["first_conv"]), filts=filts, gat_dims=tuple(int(v) for v in d["gat_dims"]),
                   pool_ratios=tuple(float(v) for v in d["pool_ratios"]),
                   temperatures=tuple(float(v) for v in d["temperatures"]))

    @classmethod
    def from_conf(cls, path: str | Path) -> "AasistConfig":
        """Read an upstream ``*.conf`` file (JSON with a ``model_config`` entry)."""
        with open(path, encoding="utf-8") as f:
            return cls.from_dict(json.load(f)["model_config"])


AASIST_L_CONFIG = AasistConfig()  # config/AASIST-L.conf, 85,306 parameters
AASIST_CONFIG = AasistConfig(filts=(70, (1, 32), (32, 32), (32, 64), (64, 64)), gat_dims=(64, 32),
                      pool_ratios=(0.5, 0.7, 0.5, 0.5))  # config/AASIST.conf, 297,866 parameters
