"""Round 4 of the SBI detector: the real video-codec round trip (training/sbi/codec.py) and the context probe."""
from __future__ import annotations

import io

import av
import cv2
import numpy as np
import pytest

from training.sbi.codec import (
    CODECS,
    CodecChainParams,
    CodecSettings,
    _clip_frames,
    apply_codec,
    codec_roundtrip,
    draw_codec_settings,
)


@pytest.fixture
def face():
    """A smooth synthetic 'face' (gradients and an ellipse) with mild texture, 96 px."""
    r = np.random.default_rng(3)
    y, x = np.mgrid[0:96, 0:96].astype(np.float32)
    img = np.stack([x * 1.5 + 40, y * 1.2 + 50, (x + y) * 0.6 + 30], -1)
    cv2.ellipse(img, (48, 50), (28, 36), 0, 0, 360, (200, 150, 120), -1)
    img += r.normal(0, 4, img.shape)
    return np.clip(img, 0, 255).astype(np.uint8)


def test_same_settings_give_bitwise_identical_output(face):
    """x264's mb-tree gave 2 different outputs in 20 identical encodes here: the chain turns it off."""
    s = draw_codec_settings(np.random.default_rng(5))
    outs = [apply_codec(face, s) for _ in range(20)]
    assert outs[0].shape == face.shape and outs[0].dtype == np.uint8
    assert all(np.array_equal(outs[0], o) for o in outs[1:])


def test_draw_is_deterministic_with_a_seed_and_stays_in_range():
    p = CodecChainParams()
    s1, s2 = draw_codec_settings(np.random.default_rng(1), p), draw_codec_settings(np.random.default_rng(1), p)
    assert s1 == s2
    draws = [draw_codec_settings(np.random.default_rng(i), p) for i in range(30)]
    assert len({d.crf for d in draws}) > 3
    assert all(p.crf[0] <= d.crf <= p.crf[1] and p.scale[0] <= d.scale <= p.scale[1] for d in draws)
    assert all(len(d.shifts_px) == p.n_frames - 1 and d.codec == "libx264" for d in draws)


def test_roundtrip_is_seeded(face):
    a = codec_roundtrip(face, np.random.default_rng(5))
    b = codec_roundtrip(face, np.random.default_rng(5))
    c = codec_roundtrip(face, np.random.default_rng(6))
    assert np.array_equal(a, b) and not np.array_equal(a, c)


def test_higher_crf_loses_more(face):
    err = [np.abs(apply_codec(face, CodecSettings(crf=q, noise_sigma=0.0)).astype(int) - face).mean() for q in (12, 40)]
    assert err[0] < err[1]
    assert err[0] < 5.0  # CRF 12 at the crop's own size keeps it close (the fixture has noise of sigma 4, which goes)


@pytest.mark.parametrize("codec", CODECS)
def test_every_codec_round_trips(face, codec):
    out = apply_codec(face, CodecSettings(codec=codec, crf=30, scale=0.75))
    assert out.shape == face.shape and out.dtype == np.uint8
    assert 0 < np.abs(out.astype(int) - face).mean() < 25


def test_the_returned_frame_is_a_p_frame_of_a_short_clip(face):
    """The last of the 4 frames comes back, and x264 codes it as a P frame (motion-compensated)."""
    s = CodecSettings(crf=30, n_frames=4, shifts_px=((1.3, 0.4), (0.7, -1.1), (0.2, 0.5)))
    frames = _clip_frames(face, s)
    assert len(frames) == 4 and frames[0].shape == (96, 96, 3)
    buf = io.BytesIO()
    with av.open(buf, "w", format="mp4") as out:
        st = out.add_stream("libx264", rate=25, options={"crf": "30", "preset": s.preset})
        st.width, st.height, st.pix_fmt = 96, 96, "yuv420p"
        for f in frames:
            for pkt in st.encode(av.VideoFrame.from_ndarray(f, format="rgb24")):
                out.mux(pkt)
        for pkt in st.encode():
            out.mux(pkt)
    buf.seek(0)
    with av.open(buf) as inp:
        kinds = [str(fr.pict_type) for fr in inp.decode(video=0)]
    assert len(kinds) == 4 and kinds[-1] in ("P", "2")  # PyAV 18 prints the enum value (P = 2)


def test_photo_context_keeps_the_chip_and_mirrors_the_rest():
    """The context probe's transform: inside the chip outline the crop is untouched, outside it is the
    chip's reflection (as align_face fills a photo chip) or grey."""
    from training.sbi.context_probe import photo_context

    r = np.random.default_rng(0)
    img = r.integers(0, 256, (64, 64, 3), dtype=np.uint8)
    A = np.array([[1.0, 0, 16], [0, 1.0, 16]])  # a 32 px chip at (16, 16)-(48, 48)
    out = photo_context(img, A, (32, 32))
    assert out.shape == img.shape and out.dtype == np.uint8
    assert np.array_equal(out[17:47, 17:47], img[17:47, 17:47])
    assert np.array_equal(out[20:40, 12], img[20:40, 20])  # x = 12 mirrors x = 20 about the edge at 16 (reflect-101)
    grey = photo_context(img, A, (32, 32), fill="grey")
    assert (grey[:15] == 128).all() and np.array_equal(grey[17:47, 17:47], img[17:47, 17:47])


def test_adapt_bn_recomputes_statistics_on_a_copy():
    import torch

    from training.sbi.context_probe import adapt_bn
    from verifier.analysis.video.lite0 import EfficientNetLite0

    torch.manual_seed(0)
    model = EfficientNetLite0(n_classes=1).eval()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    crops = np.random.default_rng(0).integers(0, 256, (8, 32, 32, 3), dtype=np.uint8)
    m = adapt_bn(model, crops, batch=4)
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())  # the original is untouched
    bn = next(x for x in m.modules() if isinstance(x, torch.nn.BatchNorm2d))
    assert not m.training and not bn.training and int(bn.num_batches_tracked) == 2
    assert not torch.allclose(bn.running_mean, torch.zeros_like(bn.running_mean))
