"""The pipelined video pass gives what the serial one gave: the same frames in the same order,
the same pixels, the same landmarks, the same errors (issue 23, item 4)."""
from __future__ import annotations

import importlib.util
import subprocess
import sys
import threading
from types import SimpleNamespace

import av
import numpy as np
import pytest

from verifier.analysis.face import _landmark_array
from verifier.analysis.media import DecodeAhead, decode, probe
from verifier.core.errors import MediaError
from verifier.core.params import Limits


def _frames_of(p, info, **kw):
    frames = []
    audio = decode(p, info, lambda f: frames.append((f.index, f.t_s, f.image.copy())), **kw)
    return frames, audio


def test_decode_ahead_gives_the_frames_and_sound_of_decode(make_clip):
    p = make_clip("ahead", duration_s=3, size=(320, 240), seed=5)
    info = probe(p)
    want, want_audio = _frames_of(p, info, max_fps=15)
    with DecodeAhead(p, info, ahead=2, max_fps=15) as frames:
        got = [(f.index, f.t_s, f.image.copy()) for f in frames]
    assert len(got) == len(want) == 45
    assert [(i, t) for i, t, _ in got] == [(i, t) for i, t, _ in want]
    assert all(np.array_equal(a, b) for (_, _, a), (_, _, b) in zip(got, want))
    np.testing.assert_array_equal(frames.audio.y, want_audio.y)
    assert frames.audio.start_s == want_audio.start_s


def test_decode_ahead_raises_the_decode_error_after_the_frames_before_it(make_clip):
    p = make_clip("ahead", duration_s=3, size=(320, 240), seed=5)
    info = probe(p)
    short = Limits(max_duration_s=1.0, duration_slack_s=0.0)  # the decode stops at 1 s with error.too_long
    seen_serial = []
    with pytest.raises(MediaError) as serial:
        decode(p, info, lambda f: seen_serial.append(f.index), audio=False, limits=short)
    seen = []
    with pytest.raises(MediaError) as ahead:
        with DecodeAhead(p, info, ahead=3, audio=False, limits=short) as frames:
            for f in frames:
                seen.append(f.index)
    assert ahead.value.key == serial.value.key == "error.too_long"
    assert seen == seen_serial and 20 < len(seen) < 40


def test_decode_ahead_stops_its_thread_when_the_reader_leaves(make_clip):
    p = make_clip("ahead", duration_s=3, size=(320, 240), seed=5)
    info = probe(p)
    with pytest.raises(RuntimeError, match="reader failed"):
        with DecodeAhead(p, info, ahead=2, audio=False) as frames:
            for f in frames:
                if f.index == 3:
                    raise RuntimeError("reader failed")
    assert not [t for t in threading.enumerate() if t.name == "decode-ahead"]


@pytest.mark.parametrize("size", [(1280, 720), (854, 480), (326, 182)])
def test_rgb_frames_are_pyav_s_own_conversion(tmp_path, size):
    """decode() converts with one reused single-thread converter: bit for bit the pixels of
    ``frame.to_ndarray(format="rgb24")`` (a new converter per frame, one thread a core)."""
    w, h = size
    p = str(tmp_path / f"noise_{w}x{h}.mp4")
    rng = np.random.default_rng(w)
    with av.open(p, "w") as out:
        s = out.add_stream("libx264", rate=30)
        s.width, s.height, s.pix_fmt = w, h, "yuv420p"
        for i in range(8):
            img = rng.integers(0, 256, (h, w, 3), np.uint8)
            for pk in s.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
                out.mux(pk)
        for pk in s.encode(None):
            out.mux(pk)
    with av.open(p) as c:
        want = [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]
    got, _ = _frames_of(p, probe(p))
    assert len(got) == len(want) == 8
    assert all(np.array_equal(g, x) for (_, _, g), x in zip(got, want))


def test_landmark_array_is_the_per_point_loop():
    rng = np.random.default_rng(0)
    raw = rng.uniform(-0.2, 1.2, (478, 3)).astype(np.float32).astype(float)  # protobuf floats, read as doubles
    pts = [SimpleNamespace(x=x, y=y, z=z) for x, y, z in raw]
    w, h = 763, 481
    loop = np.empty((len(pts), 3), np.float32)
    for i, q in enumerate(pts):
        loop[i] = (q.x * w, q.y * h, q.z * w)
    got = _landmark_array(pts, w, h)
    assert got.dtype == np.float32 and got.shape == (478, 3)
    np.testing.assert_array_equal(got, loop)
    assert _landmark_array([], w, h).shape == (0, 3)


@pytest.mark.skipif(importlib.util.find_spec("mediapipe") is None, reason="mediapipe not installed")
def test_mediapipe_is_imported_without_matplotlib():
    code = (
        "import sys\n"
        "from verifier.analysis.face import import_mediapipe\n"
        "mp = import_mediapipe()\n"
        "assert 'matplotlib' not in sys.modules and 'matplotlib.pyplot' not in sys.modules\n"
        "assert mp.solutions.face_mesh.FaceMesh and mp.solutions.face_detection.FaceDetection\n"
        "assert mp.solutions.hands.Hands\n"  # the whole solutions package is there (liveness uses it)
        "import matplotlib\n"
        "matplotlib.use('Agg')\n"
        "import matplotlib.pyplot as plt\n"
        "from mediapipe.python.solutions import drawing_utils\n"
        "assert drawing_utils.plt.figure is plt.figure\n"  # mediapipe's own plotting still works
        "print('ok')\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "ok"


@pytest.mark.skipif(importlib.util.find_spec("mediapipe") is None, reason="mediapipe not installed")
def test_landmarks_read_from_the_serialised_list_are_protobuf_s():
    from mediapipe.framework.formats import landmark_pb2

    from verifier.analysis.face import _landmarks_from_proto_bytes

    rng = np.random.default_rng(1)
    raw = rng.uniform(-0.3, 1.3, (478, 3)).astype(np.float32)
    raw[5] = 0.0  # a zero still set (proto2 keeps it)
    msg = landmark_pb2.NormalizedLandmarkList()
    for x, y, z in raw:
        msg.landmark.add(x=x, y=y, z=z)
    data = msg.SerializeToString()
    got = _landmarks_from_proto_bytes(data)
    assert got.dtype == np.float32 and got.shape == (478, 3)
    np.testing.assert_array_equal(got, raw)
    np.testing.assert_array_equal(_landmark_array(got, 640, 360), _landmark_array(msg.landmark, 640, 360))
    msg.landmark[7].visibility = 0.5  # another layout: left to protobuf
    assert _landmarks_from_proto_bytes(msg.SerializeToString()) is None
    assert _landmarks_from_proto_bytes(b"") is None


@pytest.mark.skipif(importlib.util.find_spec("mediapipe") is None, reason="mediapipe not installed")
def test_lean_mesh_run_gives_process_s_landmarks(make_clip):
    """MediaPipeLandmarker drives the FaceMesh graph itself: the landmarks of every frame are
    those of mediapipe's ``process()`` on a second, identical graph fed the same frames."""
    from verifier.analysis.face import FaceTracker, MediaPipeLandmarker

    p = make_clip("lean_mesh", duration_s=3, size=(640, 360), face_px=180, blink_times_s=(1.0,), seed=2)
    frames, _ = _frames_of(p, probe(p), max_fps=15, audio=False)
    runs = {}
    for lean in (True, False):
        lm = MediaPipeLandmarker()
        assert lm._lean  # mediapipe 0.10.21: the lean path is the one used
        lm._lean = lean
        with FaceTracker(lm) as trk:
            runs[lean] = [trk.track(img).landmarks for _, _, img in frames]
    assert sum(x is not None for x in runs[True]) >= len(frames) - 2
    for a, b in zip(runs[True], runs[False]):
        assert (a is None) == (b is None)
        if a is not None:
            np.testing.assert_array_equal(a, b)


def test_single_thread_decoder_gives_the_same_frames(make_clip):
    p = make_clip("ahead", duration_s=3, size=(320, 240), seed=5)
    info = probe(p)
    want, _ = _frames_of(p, info, max_fps=15, audio=False)
    got, _ = _frames_of(p, info, max_fps=15, audio=False, decoder_threads=1)
    assert [(i, t) for i, t, _ in got] == [(i, t) for i, t, _ in want]
    assert all(np.array_equal(a, b) for (_, _, a), (_, _, b) in zip(got, want))


def _hashes_of(p, info, **kw):
    import hashlib

    out = []
    decode(p, info, lambda f: out.append((f.index, f.t_s, hashlib.sha1(f.image.tobytes()).hexdigest())), **kw)
    return out


@pytest.mark.parametrize("max_fps", [15.0, 10.0, 30.0])
def test_skipping_unused_non_reference_frames_passes_on_the_same_frames(make_clip, max_fps):
    """x264's B-frames are non-reference frames: those not passed on are not decoded, and the
    frames passed on are those of a full decode, pixel for pixel."""
    from verifier.analysis.media import _Guard, _unused_frames

    p = make_clip("bframes", duration_s=4, size=(480, 270), face_px=120, seed=7)
    info = probe(p)
    plan = _unused_frames(p, (1.0 / max_fps) * 0.999, _Guard("x", Limits(), None))
    assert plan is not None and len(plan.passed) == len(_hashes_of(p, info, max_fps=max_fps, audio=False))
    if max_fps < 30:
        assert plan.pts  # there is something to skip
    want = _hashes_of(p, info, max_fps=max_fps, audio=False, decoder_threads=1)
    got = _hashes_of(p, info, max_fps=max_fps, audio=False, decoder_threads=1, skip_unused=True)
    assert got == want


def test_a_plan_the_decoder_does_not_follow_is_dropped(make_clip, monkeypatch):
    """A plan that names a frame to pass on as unused (as a stream whose frames do not carry
    their packets' timestamps would): the decode notices at the next frame passed on and decodes
    the rest whole, so every frame from there on is the full decode's."""
    from verifier.analysis import media

    p = make_clip("bframes", duration_s=4, size=(480, 270), face_px=120, seed=7)
    info = probe(p)
    want = _hashes_of(p, info, max_fps=15.0, audio=False, decoder_threads=1)
    real = media._unused_frames

    def wrong(*a):
        plan = real(*a)
        first_b = sorted(plan.pts)[0]  # an unused frame claimed to be passed on
        return media._UnusedFrames(plan.pts - {first_b}, plan.passed | {first_b})

    monkeypatch.setattr(media, "_unused_frames", wrong)
    got = _hashes_of(p, info, max_fps=15.0, audio=False, decoder_threads=1, skip_unused=True)
    assert got == want  # the mismatch came before anything was skipped wrongly


@pytest.mark.skipif(importlib.util.find_spec("mediapipe") is None, reason="mediapipe not installed")
def test_mesh_input_prepared_ahead_gives_the_same_track(make_clip):
    """The decode thread's FaceTracker.prepare is used only when made for the crop the tracker
    holds; the landmarks are those of a tracker that cuts every frame itself."""
    from verifier.analysis.face import FaceTracker, _mesh_input

    p = make_clip("lean_mesh", duration_s=3, size=(640, 360), face_px=180, blink_times_s=(1.0,), seed=2)
    frames, _ = _frames_of(p, probe(p), max_fps=15, audio=False)
    with FaceTracker() as plain:
        want = [plain.track(img).landmarks for _, _, img in frames]
    used = 0
    with FaceTracker() as trk:
        got = []
        for k, (_, _, img) in enumerate(frames):
            prepared = trk.prepare(img)
            if k % 7 == 3 and prepared is not None:  # a stale one: made for another crop, must be ignored
                x0, y0, side = prepared.crop
                prepared = _mesh_input(img, (x0 + 40, y0, side))
            else:
                used += prepared is not None
            got.append(trk.track(img, prepared).landmarks)
    assert used > len(frames) // 2
    for a, b in zip(got, want):
        assert (a is None) == (b is None)
        if a is not None:
            np.testing.assert_array_equal(a, b)


def test_decode_ahead_prepares_each_frame_in_its_thread(make_clip):
    p = make_clip("ahead", duration_s=3, size=(320, 240), seed=5)
    info = probe(p)
    names = []

    def prepare(frame):
        names.append(threading.current_thread().name)
        return frame.image[:8, :8].copy()

    with DecodeAhead(p, info, max_fps=15, audio=False, prepare=prepare) as frames:
        got = [(f.prepared, f.image[:8, :8]) for f in frames]
    assert len(got) == 45 and all(np.array_equal(a, b) for a, b in got)
    assert set(names) == {"decode-ahead"}
