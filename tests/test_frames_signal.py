"""The ``frames`` signal: the learned face-picture detector on the sampled crops.

Plumbing runs with a randomly initialised EfficientNet-Lite0 saved to a temporary file (its
scores mean nothing; what is tested is the path: alignment, one score per crop, aggregation,
evidence, series, heat maps, the model-missing path). The known-answer test needs the trained
model and skips until the registry entry ``sbi-lite0`` and its file are installed.
"""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from verifier.analysis import registry
from verifier.analysis.frames import FaceCrop, face_crop
from verifier.analysis.media import VideoFrame
from verifier.analysis.signals.frames import clip_score, frames_result, measure_frames
from verifier.analysis.video import detector as det
from verifier.analysis.video.align import LEFT_EYE_RING, RIGHT_EYE_RING, align_face
from verifier.core.params import AlignParams, FramesParams

N_LANDMARKS = 478


@pytest.fixture(scope="module")
def random_weights(tmp_path_factory):
    """A random-init binary Lite0 exported as training/sbi/export.py does (fp16, no step counters)."""
    import torch

    from verifier.analysis.video.lite0 import EfficientNetLite0

    torch.manual_seed(0)
    model = EfficientNetLite0(n_classes=1)
    # Random layers shrink the signal to nothing in eval mode (batch-norm statistics 0/1): set
    # those statistics from one batch of noise, so that each crop gets its own score.
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.reset_running_stats()
            m.momentum = None  # cumulative average: one batch sets them
    with torch.no_grad():
        model.train()(torch.randn(16, 3, 128, 128))
    state = {k: (v.half() if v.is_floating_point() else v) for k, v in model.state_dict().items()
             if not k.endswith("num_batches_tracked")}
    p = tmp_path_factory.mktemp("sbi") / "random_lite0.pt"
    torch.save(state, p)
    return p


@pytest.fixture(scope="module")
def detector(random_weights):
    return det.FrameDetector.from_file(random_weights, AlignParams(128, 1.25))


def _level_face(cx: float, cy: float, size: float, rng) -> np.ndarray:
    """478 landmarks over a face box with the eye rings level (eye line horizontal)."""
    pts = np.zeros((N_LANDMARKS, 3), np.float32)
    pts[:, 0] = cx + rng.uniform(-size / 2, size / 2, N_LANDMARKS)
    pts[:, 1] = cy + rng.uniform(-size / 2, size / 2, N_LANDMARKS)
    pts[list(RIGHT_EYE_RING), :2] = (cx - 0.2 * size, cy - 0.1 * size)
    pts[list(LEFT_EYE_RING), :2] = (cx + 0.2 * size, cy - 0.1 * size)
    return pts


def _smooth_picture(h=480, w=640, seed=3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    img = rng.integers(0, 256, (h, w, 3)).astype(np.float32)
    return np.clip(cv2.GaussianBlur(img, (0, 0), 6) * 4 - 384, 0, 255).astype(np.uint8)


def _crops(n: int, rng, picture=None) -> list[FaceCrop]:
    img = _smooth_picture() if picture is None else picture
    out = []
    for i in range(n):
        pts = _level_face(300 + 5 * i, 240, 120, rng)
        out.append(face_crop(VideoFrame(i, 0.5 * i, img), pts, margin=2.0, max_side_px=384))
    return out


# --- aggregation --------------------------------------------------------------------------------


def test_clip_score_is_a_high_quantile_that_one_odd_frame_does_not_set():
    s = np.full(32, 0.1)
    s[5] = 1.0  # one glitching frame
    assert clip_score(s, 0.9) == pytest.approx(0.1)
    s[:4] = 0.9  # four frames (12 %) with a visible seam: the 0.9 quantile sees them
    assert clip_score(s, 0.9) == pytest.approx(np.quantile(s, 0.9)) and clip_score(s, 0.9) > 0.5
    assert np.isnan(clip_score([], 0.9))


def test_frames_result_evidence_series_and_reliability():
    scores, t_s = np.linspace(0.0, 1.0, 20), np.arange(20) * 1.5
    r = frames_result(scores, t_s, face_quality=0.8, params=FramesParams(full_crops=40))
    assert r.key == "frames" and r.score == pytest.approx(np.quantile(scores, 0.9))
    assert r.reliability == pytest.approx(0.8 * 20 / 40)
    ev = r.evidence
    assert ev["n_crops"] == 20 and ev["quantile"] == 0.9 and ev["median_score"] == pytest.approx(0.5)
    assert ev["share_over_half"] == pytest.approx(0.5) and ev["share_over_half_pct"] == 50
    assert ev["top_frames_t_s"] == [28.5, 27.0, 25.5]  # the highest crops first
    assert r.series["t_s"] == pytest.approx(list(t_s)) and r.series["score"] == pytest.approx(list(scores), abs=1e-4)
    assert r.explanation == "frames.fake_likely"
    assert frames_result(scores * 0.4, t_s, face_quality=1.0).explanation == "frames.no_clear_sign"


def test_frames_result_not_applicable_without_faces_or_with_too_few_crops():
    assert frames_result([], [], face_quality=1.0).explanation == "frames.no_face"
    assert frames_result([0.3] * 20, range(20), face_quality=0.0).explanation == "frames.no_face"
    few = frames_result([0.3] * 3, range(3), face_quality=1.0)
    assert few.explanation == "frames.too_few" and not few.usable and few.evidence == {"n_crops": 3, "min_crops": 4}
    with pytest.raises(ValueError):
        frames_result([1.2], [0.0], face_quality=1.0)


# --- crops: the same border as training ---------------------------------------------------------


def test_aligning_a_loose_crop_gives_the_canonical_crop_of_the_frame_also_past_the_edge():
    """Training aligns whole frames with reflected borders; the runtime aligns the sampler's
    loose crops. Near the picture's edge both must show the same (mirrored, not black) pixels."""
    img = _smooth_picture()
    pts = _level_face(30.0, 240.0, 100.0, np.random.default_rng(0))  # the canonical crop reaches ~30 px past x = 0
    align = AlignParams(128, 1.25)
    ref, _ = align_face(img, pts, align)
    c = face_crop(VideoFrame(0, 0.0, img), pts, margin=2.0, max_side_px=384)
    got, _ = align_face(c.image, c.landmarks, align)
    outside = ref[:, :20]  # left strip: outside the picture
    assert outside.mean() > 20  # mirrored picture, not black
    assert np.abs(got.astype(int) - ref.astype(int)).mean() < 1.0
    assert np.abs(got[:, :20].astype(int) - outside.astype(int)).mean() < 1.0
    big = _level_face(320.0, 240.0, 420.0, np.random.default_rng(1))  # a large face: the crop is downscaled to 384
    c = face_crop(VideoFrame(0, 0.0, img), big, margin=2.0, max_side_px=384)
    assert c.scale < 1
    got, _ = align_face(c.image, c.landmarks, align)
    assert np.abs(got.astype(int) - align_face(img, big, align)[0].astype(int)).mean() < 3.0


# --- the detector and the signal (random weights) ----------------------------------------------


def test_load_state_checks_keys(tmp_path, random_weights):
    import torch

    bad = tmp_path / "bad.pt"
    torch.save({"_fc.weight": torch.zeros(1, 1280)}, bad)
    with pytest.raises(ValueError, match="not a binary Lite0"):
        det.load_state(bad)
    assert all(v.dtype == torch.float32 for v in det.load_state(random_weights).values() if v.is_floating_point())


def test_trained_align_reads_the_export_config():
    assert det.trained_align({"provenance": {"config": {"size_px": 160, "margin": 1.3}}}) == AlignParams(160, 1.3)
    assert det.trained_align({}) == det.TRAINED_ALIGN


def test_measure_frames_scores_every_crop_once(detector):
    crops = _crops(20, np.random.default_rng(2))
    views: list = []
    r = measure_frames(crops, face_quality=0.9, detector=detector, views=views)
    assert r.usable and r.key == "frames"
    s = np.array(r.series["score"])
    assert len(s) == len(r.series["t_s"]) == r.evidence["n_crops"] == 20
    assert ((s >= 0) & (s <= 1)).all()
    assert r.series["t_s"] == pytest.approx([c.t_s for c in crops])
    assert r.score == pytest.approx(np.quantile(s, 0.9), abs=1e-4)
    assert r.reliability == pytest.approx(0.9)  # 20 crops ≥ full_crops (16)
    aligned = detector.align([c.image for c in crops], [c.landmarks for c in crops])
    np.testing.assert_allclose(detector.score(aligned), s, atol=1e-4)  # batch-independent
    np.testing.assert_allclose(detector.score(aligned[:7]), s[:7], atol=1e-4)
    assert np.ptp(s) > 0.05  # crops differ, so the checks below see each crop's own score
    assert len(views) == 3 and [v.score for v in views] == pytest.approx(sorted(s, reverse=True)[:3], abs=1e-4)
    for v in views:
        assert v.crop.shape == (128, 128, 3) and v.heat.shape == (128, 128)
        assert v.heat.min() >= 0 and v.heat.max() <= 1 + 1e-6
        assert v.t_s in r.evidence["top_frames_t_s"]


def _autograd_gradcam(model, x):
    """Grad-CAM written out with autograd (the definition), for the decision's sign."""
    import torch
    import torch.nn.functional as F

    m = model.eval()
    with torch.enable_grad():
        h = m.act(m._bn0(m._conv_stem(x)))
        for b in m._blocks:
            h = b(h)
        feat = m.act(m._bn1(m._conv_head(h)))
        feat.retain_grad()
        logit = m._fc(feat.mean(dim=(2, 3))).squeeze(1)
        (torch.where(logit.detach() >= 0, 1.0, -1.0) * logit).sum().backward()
    cam = F.relu((feat.grad.mean(dim=(2, 3), keepdim=True) * feat).sum(1, keepdim=True)).detach()
    cam = F.interpolate(cam, size=x.shape[-2:], mode="bilinear", align_corners=False)[:, 0]
    return (cam / cam.flatten(1).max(1).values.clamp_min(1e-12).view(-1, 1, 1)).numpy(), torch.sigmoid(logit).detach().numpy()


def test_folded_detector_matches_the_plain_network_and_its_heat_map_is_grad_cam(detector, random_weights):
    from verifier.analysis.video.lite0 import EfficientNetLite0

    plain = EfficientNetLite0(n_classes=1)
    plain.load_state_dict(det.load_state(random_weights), strict=False)
    crops = _crops(6, np.random.default_rng(7))
    aligned = detector.align([c.image for c in crops], [c.landmarks for c in crops])
    want_heat, want_p = _autograd_gradcam(plain, detector._input(aligned).contiguous())
    np.testing.assert_allclose(detector.score(aligned), want_p, atol=1e-4)  # batch norms folded: same scores
    heat = detector.heatmap(aligned)
    assert heat.shape == (6, 128, 128) and heat.max() > 0
    np.testing.assert_allclose(heat, want_heat, atol=2e-3)


def test_measure_frames_not_applicable_without_crops_or_face(detector):
    assert measure_frames([], face_quality=1.0, detector=detector).explanation == "frames.no_face"
    crops = _crops(6, np.random.default_rng(4))
    assert measure_frames(crops, face_quality=0.0, detector=detector).explanation == "frames.no_face"
    assert measure_frames(crops[:2], face_quality=1.0, detector=detector).explanation == "frames.too_few"


def _fake_entry(tmp_path, monkeypatch, *, content: bytes | None, sha: str):
    """Register a bundled ``sbi-lite0`` entry whose file is ``content`` (None: absent)."""
    from verifier.analysis.registry import ModelEntry

    e = ModelEntry.from_dict({"name": det.MODEL_NAME, "file": "sbi_lite0.pt", "sha256": sha, "size_bytes": 10,
                              "licence": "test", "upstream": "test", "trained_on": "test", "used_by": "test",
                              "sources": [{"kind": "bundled", "member": "weights/sbi_lite0.pt"}]})
    monkeypatch.setattr(registry, "entries", lambda: (e,))
    monkeypatch.setattr(registry, "ASSETS_DIR", tmp_path)
    if content is not None:
        (tmp_path / "weights").mkdir()
        (tmp_path / "weights" / "sbi_lite0.pt").write_bytes(content)
    det.default_detector.cache_clear()


@pytest.mark.parametrize("case", ["unregistered", "missing", "corrupt"])
def test_model_unavailable_is_not_applicable_with_the_registry_message(case, tmp_path, monkeypatch):
    from verifier.core.i18n import t

    if case == "unregistered":
        monkeypatch.setattr(registry, "entries", lambda: ())
        det.default_detector.cache_clear()
    else:
        _fake_entry(tmp_path, monkeypatch, content=None if case == "missing" else b"0123456789", sha="0" * 64)
    try:
        r = measure_frames(_crops(6, np.random.default_rng(5)), face_quality=1.0)
    finally:
        det.default_detector.cache_clear()
    want = "frames.model_corrupt" if case == "corrupt" else "frames.model_missing"
    assert r.explanation == want and not r.usable
    assert r.evidence["model"] == det.MODEL_NAME and r.evidence["command"]
    assert "/" not in r.evidence["file"]  # a file name, never a local path
    assert r.evidence["command"] in t(want, "en", **r.evidence)


@pytest.mark.slow
def test_pipeline_gives_the_frames_signal_with_weight_zero(make_clip, random_weights, monkeypatch):
    """The decode pass samples crops, the signal is measured, the report carries its figures."""
    from tests.test_report_schema import _reads
    from verifier.analysis import pipeline
    from verifier.analysis.pipeline import analyze
    from verifier.outputs import plots

    d = det.FrameDetector.from_file(random_weights)
    monkeypatch.setattr(det, "default_detector", lambda: d)
    monkeypatch.setattr(pipeline, "_frames_model_shipped", lambda: True)
    clip = make_clip("blinks", duration_s=12, blink_times_s=(1.0, 2.7, 5.9, 7.4, 10.6), seed=11)
    r = analyze(clip, face_crops=True)
    f = r.signals["frames"]
    assert f.usable and f.evidence["n_crops"] == len(r.artifacts.face_crops) == len(f.series["score"]) >= 16
    assert r.weights["frames"] == 0.0 and len(r.artifacts.frame_views) == 3
    have = {("evidence", k) for k in f.evidence} | {("series", k) for k in f.series}
    assert _reads(plots)["frames"] <= have  # every key the figures read exists
    figs = plots.figures(r, "vi")
    assert figs["frames"] is not None and figs["frame_views"] is not None
    assert "frames" in r.to_dict()["signals"]


@pytest.mark.slow
def test_a_version_without_the_model_has_no_frames_signal(make_clip, monkeypatch):
    """No registry entry (this version ships no face-picture model): the analysis neither
    samples crops for it nor reports a ``frames`` block."""
    from verifier.analysis.pipeline import analyze

    real = registry.entries
    monkeypatch.setattr(registry, "entries", lambda: tuple(e for e in real() if e.name != det.MODEL_NAME))
    clip = make_clip("blinks", duration_s=4, blink_times_s=(1.0,), seed=12)
    r = analyze(clip)
    assert r.error is None and "blink" in r.signals and "frames" not in r.signals
    assert "frames" not in r.to_dict()["signals"] and "frames" not in r.to_dict()["weights"]


# --- known answer (trained model only) ----------------------------------------------------------


def _installed() -> bool:
    try:
        return registry.status(det.MODEL_NAME)[0] == "ok"
    except ValueError:  # not registered in this version
        return False


def _paste_face(c: FaceCrop, rng) -> FaceCrop:
    """The inner face (hull of the landmarks, shrunk) replaced by a slightly enlarged,
    colour-shifted copy of itself, with a hard edge: a visible blending seam."""
    img = c.image
    hull = cv2.convexHull(c.landmarks[:, :2].astype(np.float32))
    centre = c.landmarks[:, :2].mean(0)
    inner = ((hull - centre) * 0.85 + centre).astype(np.int32)
    mask = np.zeros(img.shape[:2], np.uint8)
    cv2.fillConvexPoly(mask, inner, 1)
    h, w = img.shape[:2]
    M = cv2.getRotationMatrix2D((float(centre[0]), float(centre[1])), 0.0, 1.06)
    src = cv2.warpAffine(img, M, (w, h), borderMode=cv2.BORDER_REFLECT_101).astype(np.int16)
    src += np.array([22, 4, -18], np.int16)
    out = np.where(mask[..., None] == 1, np.clip(src, 0, 255).astype(np.uint8), img)
    return FaceCrop(c.t_s, c.frame_index, out, c.landmarks, c.box_px, c.scale)


@pytest.mark.slow
@pytest.mark.skipif(not _installed(), reason="trained model sbi-lite0 not installed (the lead exports it)")
def test_a_pasted_face_with_a_seam_scores_higher_than_the_untouched_clip(make_clip):
    from verifier.analysis.pipeline import analyze

    clip = make_clip("blinks", duration_s=12, blink_times_s=(1.0, 2.7, 5.9, 7.4, 10.6), seed=11)
    r = analyze(clip, face_crops=True)
    crops = r.artifacts.face_crops
    assert len(crops) >= 16
    q = r.quality.face.face_quality
    untouched = measure_frames(crops, face_quality=q)
    pasted = measure_frames([_paste_face(c, np.random.default_rng(i)) for i, c in enumerate(crops)], face_quality=q)
    assert untouched.usable and pasted.usable
    assert pasted.score > untouched.score
    assert pasted.evidence["median_score"] > untouched.evidence["median_score"]


# --- evaluation ---------------------------------------------------------------------------------


def test_frames_trained_sources_match_the_training_split():
    from training.sbi.data import TRAIN_CLIP_SOURCES
    from verifier.evaluate.video import FRAMES_TRAINED_SOURCES

    assert tuple(FRAMES_TRAINED_SOURCES) == tuple(TRAIN_CLIP_SOURCES)


def test_pairs_and_per_source_aucs():
    from verifier.evaluate.video import pair_key, pairs_fake_higher, signal_aucs

    assert pair_key("fake/deepfacelive/Albica_Johns_0_swap.mp4") == pair_key("real/deepfacelive_original/Albica_Johns_0_orig.mp4")

    def row(path, label, score):
        return {"path": path, "label": label, "source": "/".join(path.split("/")[:2]), "signals": {"frames": {"score": score}}}

    results = [row("fake/deepfacelive/A_0_swap.mp4", "fake", 0.9), row("real/deepfacelive_original/A_0_orig.mp4", "real", 0.2),
               row("fake/deepfacelive/B_1_swap.mp4", "fake", 0.1), row("real/deepfacelive_original/B_1_orig.mp4", "real", 0.3),
               row("fake/deepfacelive/C_2_swap.mp4", "fake", 0.5), row("real/deepfacelive_original/C_2_orig.mp4", "real", None),
               row("fake/sadtalker/x.mp4", "fake", 0.95), row("real/liveportrait_driving/d1.mp4", "real", 0.99)]
    p = pairs_fake_higher(results, lambda r: r["signals"]["frames"]["score"])
    assert p == {"fake_higher": 1, "n": 2, "rate": 0.5}  # C has no real score: left out
    a = signal_aucs(results, "frames")
    assert a["per_fake_source"]["fake/sadtalker"] == pytest.approx(2 / 3)  # 0.95 beats 0.2 and 0.3, not 0.99
    b = signal_aucs(results, "frames", exclude_real_sources=("real/liveportrait_driving",))
    assert b["per_fake_source"]["fake/sadtalker"] == 1.0 and b["overall"] > a["overall"]


@pytest.mark.slow
def test_video_evaluation_reports_the_frames_signal_through_a_messenger_channel(make_clip, tmp_path, random_weights,
                                                                                monkeypatch):
    import json
    import shutil

    from verifier.analysis import pipeline
    from verifier.analysis.channel import reencode_video
    from verifier.analysis.media import probe
    from verifier.evaluate import video

    d = det.FrameDetector.from_file(random_weights)
    monkeypatch.setattr(det, "default_detector", lambda: d)
    monkeypatch.setattr(pipeline, "_frames_model_shipped", lambda: True)
    clip = make_clip("eval_frames", duration_s=3, audio=False, seed=41)
    lines = ["path\tlabel"]
    for i, (folder, label, suffix) in enumerate([("real/deepfacelive_original", "real", "orig"),
                                                 ("fake/deepfacelive", "fake", "swap")] * 2):
        (tmp_path / folder).mkdir(parents=True, exist_ok=True)
        name = f"{folder}/P_{i // 2}_{suffix}.mp4"
        shutil.copy(clip, tmp_path / name)
        lines.append(f"{name}\t{label}")
    (tmp_path / "MANIFEST.tsv").write_text("\n".join(lines) + "\n")
    enc = tmp_path / "enc.mp4"
    reencode_video(clip, str(enc))
    assert probe(str(enc)).height == 480 and probe(str(enc)).video_codec == "h264"
    out = tmp_path / "r.json"
    assert video.main([str(tmp_path), "--no-stress", "--channel", "messenger_h264", "--out", str(out)]) == 0
    s = json.loads(out.read_text())["summary"]
    assert s["channel"] == "messenger_h264" and s["n"] == 4
    assert s["deepfacelive_pairs_frames"]["n"] == 2  # same file on both sides: equal scores, ties count ½
    assert s["deepfacelive_pairs_frames"]["fake_higher"] == 1.0
    assert "auc_frames_where_measured" in s and s["share_real_rated_high"] is not None
