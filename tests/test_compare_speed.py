"""What keeps ``verifier compare`` fast stays faithful: the saved mel filter bank, the even
excerpts of the voice part, the decoder's skipped frames, one landmarker for both files."""
from __future__ import annotations

import numpy as np

from verifier.analysis.identity import speaker
from verifier.analysis.identity.sample import SharedLandmarker, even_excerpts
from verifier.core.params import SampleParams


def test_saved_mel_filterbank_equals_librosa():
    from librosa.filters import mel

    ref = mel(sr=speaker.SAMPLE_RATE, n_fft=speaker.MEL_WINDOW_SAMPLES, n_mels=speaker.N_MELS).astype(np.float32)
    ours = speaker.mel_filterbank()
    assert ours.shape == ref.shape == (40, 201)
    np.testing.assert_array_equal(ours, ref)


def test_even_excerpts_cover_start_middle_and_end():
    sr = 100
    y = np.arange(60 * sr, dtype=np.float32)  # 60 s, each sample its own index
    out = even_excerpts(y, sr, max_s=30, n=3)
    assert len(out) == 30 * sr
    parts = out.reshape(3, 10 * sr)
    assert parts[0, 0] == 0 and parts[-1, -1] == len(y) - 1  # the first and the last sample are heard
    mid = parts[1, 0]
    assert abs(mid - (len(y) - 10 * sr) / 2) <= 1  # the middle excerpt is centred
    assert np.all(np.diff(parts, axis=1) == 1)  # each excerpt is contiguous
    short = np.arange(20 * sr, dtype=np.float32)
    assert even_excerpts(short, sr, 30, 3) is short  # shorter files are heard whole
    p = SampleParams()
    assert p.voice_max_audio_s >= 10 * p.voice_excerpts / 3  # at least 10 s heard in all


def test_skip_nonref_decodes_fewer_frames_and_samples_stay_even(make_clip):
    from verifier.analysis.media import decode, probe

    clip = make_clip("skip_nonref_call", duration_s=4.0, fps=25)  # x264 with its default B-frames
    info = probe(clip)
    every, sampled = {}, {}
    for skip in (False, True):
        every[skip], sampled[skip] = [], []
        decode(clip, info, lambda f, s=skip: every[s].append(f.t_s), audio=False, skip_nonref=skip)
        decode(clip, info, lambda f, s=skip: sampled[s].append(f.t_s), max_fps=2.0, audio=False, skip_nonref=skip)
    assert len(every[False]) == 100 and len(every[True]) < 0.8 * len(every[False])
    assert 6 <= len(sampled[True]) <= len(sampled[False]) <= 9  # ~2 per second either way
    # each frame passed on lies within a quarter second of one the full decoder passes on
    assert max(min(abs(a - b) for b in sampled[False]) for a in sampled[True]) <= 0.25


class _Counting:
    made = 0

    def __init__(self):
        type(self).made += 1
        self.closed = False

    def landmarks(self, rgb):
        return None

    def detect(self, rgb):
        return None

    def close(self):
        self.closed = True


def test_shared_landmarker_is_made_once_and_closed_once(monkeypatch):
    from verifier.analysis import face

    monkeypatch.setattr(face, "MediaPipeLandmarker", _Counting)
    lm = SharedLandmarker()
    assert _Counting.made == 0  # nothing built until a picture needs it (voice notes never do)
    for _ in range(2):
        with face.FaceTracker(lm) as tr:
            tr.track(np.zeros((64, 64, 3), np.uint8))
    assert _Counting.made == 1 and not lm._lm.closed
    inner = lm._lm
    lm.shutdown()
    assert inner.closed and lm._lm is None
