"""verifier.analysis.dsp (numpy) against librosa 0.11 (the reference it replaces in the analysis path)."""
from __future__ import annotations

import numpy as np
import pytest
from conftest import SHARED, requires_shared

from verifier.analysis import dsp

librosa = pytest.importorskip("librosa")

SR = 16000


def _speech_clips():
    """Real speech when ../shared is present (one file per real source), else a synthetic voice."""
    from verifier.analysis.media import load_audio

    real = SHARED / "data" / "audio" / "real"
    if real.is_dir():
        return [load_audio(str(sorted(d.iterdir())[0])) for d in sorted(real.iterdir()) if d.is_dir()]
    from verifier.analysis.synth import speech_like

    return [speech_like(6.0, seed=s).y for s in range(3)]


@pytest.fixture(scope="module")
def clips():
    return _speech_clips()


def test_yin_equals_librosa_on_speech(clips):
    # The prosody signal's settings: 65-400 Hz, 40 ms frames, 20 ms hop.
    for y in clips:
        y = np.asarray(y, np.float32)
        ref = librosa.yin(y, fmin=65.0, fmax=400.0, sr=SR, frame_length=640, hop_length=320)
        got = dsp.yin(y, fmin=65.0, fmax=400.0, sr=SR, frame_length=640, hop_length=320)
        assert got.shape == ref.shape
        cents = 1200 * np.abs(np.log2(got / ref))
        # float64 FFT here, float32 in librosa: rare near-ties (silence, noise) pick another trough.
        assert np.mean(cents > 1.0) < 0.02, np.mean(cents > 1.0)
        assert np.median(cents) < 0.01


@requires_shared
def test_yin_on_real_speech_is_not_just_the_synthetic_check():
    assert len(_speech_clips()) >= 10  # one clip per real source of ../shared/data/audio


def test_yin_finds_a_pure_tone_and_rejects_an_impossible_range():
    t = np.arange(SR) / SR
    for f in (80.0, 150.0, 310.0):
        f0 = dsp.yin(np.sin(2 * np.pi * f * t).astype(np.float32), fmin=65, fmax=400, sr=SR,
                     frame_length=640, hop_length=320)
        assert np.median(np.abs(f0[2:-2] / f - 1)) < 0.02  # within 2 % (35 cents)
    with pytest.raises(ValueError):
        dsp.yin(np.zeros(SR, np.float32), fmin=300, fmax=400, sr=SR, frame_length=40, hop_length=20)


def test_spectra_rms_flatness_centroid_equal_librosa(clips, rng):
    for y in [*clips[:4], rng.normal(0, 0.1, SR).astype(np.float32), np.zeros(4000, np.float32)]:
        y = np.asarray(y, np.float32)
        for center in (True, False):
            ref = np.abs(librosa.stft(y, n_fft=512, hop_length=160, center=center)) ** 2
            got, freqs = dsp.power_spectrogram(y, sr=SR, n_fft=512, hop_length=160, center=center)
            np.testing.assert_allclose(got.T, ref, rtol=1e-3, atol=1e-6 * max(1.0, float(ref.max())))
        np.testing.assert_allclose(freqs, librosa.fft_frequencies(sr=SR, n_fft=512))
        np.testing.assert_allclose(dsp.frame_rms(y, frame_length=400, hop_length=160),
                                   librosa.feature.rms(y=y, frame_length=400, hop_length=160)[0], rtol=1e-4, atol=1e-7)
        S, _ = dsp.power_spectrogram(y, sr=SR, n_fft=512, hop_length=160)
        np.testing.assert_allclose(dsp.spectral_flatness(S, amin=1e-20),
                                   librosa.feature.spectral_flatness(S=S.T, power=1.0, amin=1e-20)[0], rtol=1e-4, atol=1e-7)
        np.testing.assert_allclose(dsp.spectral_centroid(np.sqrt(S), freqs),
                                   librosa.feature.spectral_centroid(S=np.sqrt(S).T, freq=freqs)[0], rtol=1e-4, atol=1e-3)


def test_welch_equals_scipy():
    from scipy.signal import welch

    rng = np.random.default_rng(0)
    for dtype, shape, nperseg in ((np.float32, (3, 64600), 1024), (np.float64, (20000,), 1024), (np.float64, (5000,), 255)):
        y = (rng.standard_normal(shape) * 0.1 + 0.01).astype(dtype)
        f_ref, p_ref = welch(y, fs=16000, window="hann", nperseg=nperseg, noverlap=nperseg // 2, axis=-1)
        f, p = dsp.welch(y, sr=16000, nperseg=nperseg, noverlap=nperseg // 2)
        assert p.dtype == p_ref.dtype and p.shape == p_ref.shape
        np.testing.assert_allclose(f, f_ref)
        np.testing.assert_allclose(p, p_ref, rtol=1e-5, atol=1e-12 * float(p_ref.max()))


def test_a_voice_analysis_does_not_import_scipy_signal(tmp_path):
    """scipy.signal costs ~0.5 s of CPU to import (most of it scipy.stats): the voice path avoids it."""
    import subprocess
    import sys

    from verifier.analysis.synth import speech_like, write_wav

    wav = str(tmp_path / "note.wav")
    write_wav(wav, speech_like(6.0, seed=1).y, 16000)
    code = ("import sys; from verifier.analysis.pipeline import analyze; r = analyze(sys.argv[1]); "
            "assert r.error is None, r.error; print('scipy.signal' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code, wav], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_yin_in_blocks_equals_yin_in_one_piece(monkeypatch):
    """The block size only bounds memory: every frame's F0 is the same as in one pass."""
    rng = np.random.default_rng(4)
    t = np.arange(16000 * 12) / 16000
    y = (np.sin(2 * np.pi * (120 + 30 * np.sin(t)) * t) + 0.05 * rng.standard_normal(len(t))).astype(np.float32)
    blocks = dsp.yin(y, fmin=65, fmax=400, sr=16000, frame_length=640, hop_length=160)
    assert len(blocks) > 2 * dsp.YIN_BLOCK_FRAMES
    monkeypatch.setattr(dsp, "YIN_BLOCK_FRAMES", 10 ** 9)
    np.testing.assert_array_equal(blocks, dsp.yin(y, fmin=65, fmax=400, sr=16000, frame_length=640, hop_length=160))
