"""Spoofs made here: espeak-ng from text, and WORLD, Griffin-Lim and LPC resyntheses of real speech.

Pure, seeded functions of 16 kHz float32 audio (except :func:`espeak`, which runs the Debian
``espeak-ng`` binary). Run here only (librosa, pyworld), never on the device.
"""
from __future__ import annotations

import os
import subprocess
import tempfile

import numpy as np

SR = 16000  # Hz
GL_N_FFT = 512  # samples (32 ms) for the Griffin-Lim STFT
GL_HOP = 128  # samples (8 ms)
GL_ITERATIONS = 32  # librosa's default
LPC_ORDER = 16  # poles; the usual 2 + sr/1 kHz for 16 kHz speech
LPC_FRAME = 400  # samples (25 ms)
LPC_HOP = 160  # samples (10 ms)
WORLD_FRAME_PERIOD_MS = 5.0  # pyworld's default

# Short everyday sentences for espeak-ng (written for this pool; no source text).
TEXTS_VI = (
    "Alo, con đây mẹ ơi, con đang cần gấp một ít tiền.",
    "Anh chuyển giúp em năm triệu vào tài khoản này nhé.",
    "Chào chị, em gọi từ ngân hàng để xác minh thông tin.",
    "Tối nay cả nhà mình ăn cơm lúc bảy giờ nha.",
    "Bạn đã nhận được mã OTP chưa, đọc cho mình với.",
    "Cuộc họp ngày mai được dời sang buổi chiều.",
    "Em đang ở bệnh viện, anh gửi tiền gấp giúp em.",
    "Hôm nay trời mưa to, đường phố bị ngập nhiều nơi.",
    "Tôi là cán bộ công an, anh vui lòng giữ máy.",
    "Cháu học bài xong chưa, ông bà nhớ cháu lắm.",
    "Gói hàng của quý khách đang bị giữ tại hải quan.",
    "Mình gửi lại số tài khoản mới, bạn ghi lại nhé.",
)
TEXTS_EN = (
    "Hi mum, it's me, I lost my phone and need some money today.",
    "Please transfer the payment to this new account number.",
    "This is your bank calling to confirm a suspicious transaction.",
    "We will meet at the station at seven tomorrow evening.",
    "Can you read me the verification code you just received?",
    "The meeting has been moved to Thursday afternoon.",
    "I am at the hospital, please send the money quickly.",
    "It rained all night and the roads are still flooded.",
    "Your parcel is held at customs until the fee is paid.",
    "Call me back as soon as you get this message.",
    "The weather will be sunny with a light breeze.",
    "Do not tell anyone about this, it is urgent.",
)
ESPEAK_VARIANTS = ("", "+m1", "+m3", "+f2", "+f4")  # espeak-ng voice variants (male/female timbres)


def espeak(text: str, lang: str, seed: int) -> np.ndarray:
    """``text`` spoken by espeak-ng (voice ``lang`` + a seeded variant, speed 140-185 wpm,
    pitch 30-70), 16 kHz float32 (decoded and resampled by ``verifier.analysis.media.load_audio``)."""
    from verifier.analysis.media import load_audio

    rng = np.random.default_rng(seed)
    voice = lang + ESPEAK_VARIANTS[int(rng.integers(len(ESPEAK_VARIANTS)))]
    with tempfile.TemporaryDirectory() as d:
        p = os.path.join(d, "tts.wav")
        subprocess.run(["espeak-ng", "-v", voice, "-s", str(int(rng.integers(140, 186))), "-p",
                        str(int(rng.integers(30, 71))), "-w", p, text], check=True, capture_output=True)
        return load_audio(p, sr=SR)


def world_resynth(y: np.ndarray, seed: int = 0) -> np.ndarray:
    """WORLD analysis (harvest F0, CheapTrick envelope, D4C aperiodicity) and resynthesis."""
    import pyworld

    x = y.astype(np.float64)
    f0, sp, ap = pyworld.wav2world(x, SR, frame_period=WORLD_FRAME_PERIOD_MS)
    out = pyworld.synthesize(f0, sp, ap, SR, WORLD_FRAME_PERIOD_MS)[:len(y)]
    return np.pad(out, (0, len(y) - len(out))).astype(np.float32)


def griffin_lim(y: np.ndarray, seed: int = 0) -> np.ndarray:
    """The STFT magnitude of ``y`` (512/128) inverted by Griffin-Lim (32 iterations, random initial phase)."""
    import librosa

    S = np.abs(librosa.stft(y, n_fft=GL_N_FFT, hop_length=GL_HOP))
    out = librosa.griffinlim(S, n_iter=GL_ITERATIONS, hop_length=GL_HOP, n_fft=GL_N_FFT, length=len(y),
                             random_state=seed)
    return out.astype(np.float32)


def lpc_resynth(y: np.ndarray, seed: int = 0) -> np.ndarray:
    """Classic LPC vocoder: per 25 ms frame an order-16 all-pole envelope (librosa.lpc) excited by
    a pulse train at the WORLD F0 (voiced) or white noise (unvoiced), scaled to the frame's
    residual energy, overlap-added with a Hann window."""
    import librosa
    import pyworld
    from scipy.signal import lfilter

    rng = np.random.default_rng(seed)
    x = y.astype(np.float64)
    f0, t = pyworld.dio(x, SR, frame_period=1000 * LPC_HOP / SR)
    f0 = pyworld.stonemask(x, f0, t, SR)
    f0_s = np.repeat(f0, LPC_HOP)[:len(y)]
    f0_s = np.pad(f0_s, (0, len(y) - len(f0_s)), mode="edge")
    phase = np.cumsum(f0_s / SR)
    pulses = (np.diff(np.floor(phase), prepend=0.0) > 0).astype(np.float64)
    noise = rng.standard_normal(len(y)) * 0.3
    excitation = np.where(f0_s > 0, pulses, noise)
    win = np.hanning(LPC_FRAME)
    out = np.zeros(len(y) + LPC_FRAME)
    xp = np.pad(x, (0, LPC_FRAME))
    ep = np.pad(excitation, (0, LPC_FRAME))
    for s in range(0, len(y), LPC_HOP):
        frame = xp[s:s + LPC_FRAME] * win
        if np.sqrt(np.mean(frame ** 2)) < 1e-5:
            continue
        try:
            a = librosa.lpc(frame + 1e-9 * rng.standard_normal(LPC_FRAME), order=LPC_ORDER)
        except Exception:  # ill-conditioned frame (near silence): skip it
            continue
        if not np.isfinite(a).all():
            continue
        resid = lfilter(a, [1.0], frame)
        syn = lfilter([1.0], a, ep[s:s + LPC_FRAME])
        g = np.sqrt(np.mean(resid ** 2) / max(np.mean(ep[s:s + LPC_FRAME] ** 2), 1e-12))
        out[s:s + LPC_FRAME] += np.nan_to_num(syn * g * win)
    out = out[:len(y)]
    peak = np.abs(out).max()
    if peak > 0.99:
        out *= 0.99 / peak
    return out.astype(np.float32)


RESYNTH = {"world": world_resynth, "griffinlim": griffin_lim, "lpc": lpc_resynth}
