"""RawBoost-style waveform augmentation in torch (runs on the training device, seeded).

After Tak et al., "RawBoost: a raw data boosting and augmentation method applied to automatic
speaker verification anti-spoofing", ICASSP 2022 (upstream code: github.com/TakHemlata/RawBoost-antispoofing):

1. linear and non-linear convolutive noise: a sum over powers ``x**j`` (j = 1..``n_powers``) of
   the signal, each through a random band-stop FIR filter with a random gain;
2. impulsive signal-dependent noise: a random share of samples get ``x * u * g`` added
   (u uniform in [-1, 1]);
3. stationary coloured additive noise: white noise through a random band-pass FIR filter at a
   random SNR.

Each is applied to each example with its own probability and random parameters, then a random
gain. Same shapes in and out; both classes go through the same draws. Filters are windowed
sinc of a fixed length (batched as a grouped convolution) instead of upstream's random lengths.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

SR = 16000  # Hz


@dataclass(frozen=True)
class RawBoostParams:
    """Ranges of the draws (upstream's defaults where they exist; the rest set by hand)."""

    p_convolutive: float = 0.5  # probability per example (set by hand)
    p_impulsive: float = 0.3
    p_coloured: float = 0.5
    n_powers: int = 3  # x, x^2, x^3 (upstream N_f = 5)
    taps: int = 65  # FIR length, samples (upstream: random 10-100)
    band_hz: tuple = (20.0, 7900.0)  # centre frequencies drawn in this range (upstream minF/maxF 20/8000)
    bandwidth_hz: tuple = (100.0, 1000.0)  # upstream minBW/maxBW
    power_gain_db: tuple = (-20.0, -5.0)  # gain of the non-linear terms relative to x (upstream bias 5-20 dB)
    impulsive_share: tuple = (0.0, 0.1)  # share of samples hit (upstream P = 10 %)
    impulsive_gain: float = 2.0  # upstream g_sd
    snr_db: tuple = (10.0, 40.0)  # coloured noise SNR (upstream 10-40 dB)
    gain_db: tuple = (-6.0, 6.0)  # random gain at the end (set by hand: around the runtime's -26 dBFS level)


def _uniform(lo, hi, n, g, device):
    return lo + (hi - lo) * torch.rand(n, generator=g, device=device)


def _sinc_filters(low_hz: torch.Tensor, high_hz: torch.Tensor, taps: int, bandstop: bool) -> torch.Tensor:
    """Windowed-sinc band-pass (or band-stop) FIR filters, one per row: [n, taps]."""
    t = torch.arange(taps, device=low_hz.device, dtype=torch.float32) - (taps - 1) / 2
    def lowpass(fc):  # fc in Hz, [n] → [n, taps], unit DC gain
        w = 2 * fc[:, None] / SR
        return w * torch.sinc(w * t[None, :])
    win = torch.hamming_window(taps, periodic=False, device=low_hz.device)
    bp = (lowpass(high_hz) - lowpass(low_hz)) * win
    if not bandstop:
        return bp
    delta = torch.zeros_like(bp)
    delta[:, (taps - 1) // 2] = 1.0
    return delta - bp


def _filter(x: torch.Tensor, h: torch.Tensor) -> torch.Tensor:
    """Each row of ``x`` [n, T] through its own FIR ``h`` [n, taps] ('same' length)."""
    n, taps = h.shape
    y = F.conv1d(x[None], h.flip(1)[:, None, :], padding=taps // 2, groups=n)
    return y[0]


def _band(n, p: RawBoostParams, g, device):
    centre = _uniform(*p.band_hz, n, g, device)
    bw = _uniform(*p.bandwidth_hz, n, g, device)
    low = (centre - bw / 2).clamp(min=10.0)
    high = (centre + bw / 2).clamp(max=SR / 2 - 10.0)
    return low, torch.maximum(high, low + 20.0)


def _rms(x):
    return x.pow(2).mean(dim=1, keepdim=True).clamp_min(1e-12).sqrt()


def rawboost(x: torch.Tensor, g: torch.Generator, p: RawBoostParams = RawBoostParams()) -> torch.Tensor:
    """Augment a batch of waveforms ``x`` [n, T] (float32, any device); returns [n, T], finite,
    clipped to [-1, 1]. ``g`` is a ``torch.Generator`` on ``x``'s device (the seed)."""
    n, dev = x.shape[0], x.device
    y = x
    # 1. linear and non-linear convolutive noise
    on = (torch.rand(n, generator=g, device=dev) < p.p_convolutive)[:, None]
    conv = torch.zeros_like(x)
    peak = x.abs().amax(dim=1, keepdim=True).clamp_min(1e-6)
    for j in range(1, p.n_powers + 1):
        low, high = _band(n, p, g, dev)
        xj = (x / peak) ** j * peak
        gain = 1.0 if j == 1 else 10 ** (_uniform(*p.power_gain_db, n, g, dev)[:, None] / 20)
        conv = conv + gain * _filter(xj, _sinc_filters(low, high, p.taps, bandstop=True))
    conv = conv * (_rms(x) / _rms(conv))
    y = torch.where(on, conv, y)
    # 2. impulsive signal-dependent noise
    on = (torch.rand(n, generator=g, device=dev) < p.p_impulsive)[:, None]
    share = _uniform(*p.impulsive_share, n, g, dev)[:, None]
    hit = torch.rand(x.shape, generator=g, device=dev) < share
    u = 2 * torch.rand(x.shape, generator=g, device=dev) - 1
    y = torch.where(on & hit, y + y * u * p.impulsive_gain, y)
    # 3. stationary coloured additive noise
    on = (torch.rand(n, generator=g, device=dev) < p.p_coloured)[:, None]
    low, high = _band(n, p, g, dev)
    noise = _filter(torch.randn(x.shape, generator=g, device=dev), _sinc_filters(low, high, p.taps, bandstop=False))
    snr = _uniform(*p.snr_db, n, g, dev)[:, None]
    noise = noise * (_rms(y) / _rms(noise)) * 10 ** (-snr / 20)
    y = torch.where(on, y + noise, y)
    # random gain
    y = y * 10 ** (_uniform(*p.gain_db, n, g, dev)[:, None] / 20)
    return torch.nan_to_num(y, nan=0.0, posinf=0.0, neginf=0.0).clamp(-1.0, 1.0)

