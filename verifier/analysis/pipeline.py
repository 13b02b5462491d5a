"""``analyze(path) -> Report``: the only orchestration of the verifier.

probe (metadata, SHA-256, limits) → sound decoded → the sound's checks started in a second thread
(speech activity once, ``verifier.analysis.speech``; the voice network beside it; side signals) → one
picture decode pass, decoded ahead in a thread (each frame through the face tracker, then to the frame
consumers: track builder, preview, face-crop sampler) → video
signals (face quality, blink, lip-sync, and the learned face-picture detector on the sampled
crops) → fusion → Report. The input file is only ever read.
This is the one place that wires frame consumers and signal parameters.
"""
from __future__ import annotations

import datetime as _dt
import logging
import os
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from ..core.constants import SAMPLE_RATE
from ..core.errors import MediaError, ModelUnavailableError, VerifierError
from ..core.fusion import Fusion
from ..core.levels import INCONCLUSIVE
from ..core.once import load_once
from ..core.params import DEFAULT_PARAMS, AnalysisParams, Limits, SpeechParams, VoiceParams
from ..core.report import AnalysisError, Artifacts, FaceQuality, MediaInfo, Quality, Report
from ..core.result import SignalResult, not_applicable
from ..core.version import __version__
from . import threads
from .face import FaceTrack, FaceTrackBuilder, FaceTracker
from .frames import FaceCropSampler, FrameConsumer
from .media import DEFAULT_LIMITS, AudioTrack, DecodeAhead, decode, display_name, probe
from .preview import PreviewCollector
from .signals.audio import measure_audio_signals
from .signals.blink import measure_blink
from .signals.face_quality import measure_face_quality
from .signals.frames import measure_frames
from .signals.lipsync import measure_lipsync
from .speech import SpeechActivity, detect_speech
from .voice.detector import default_detector as default_voice_detector
from .voice.detector import measure_voice

Progress = Callable[[float, str], None]
log = logging.getLogger(__name__)

# Frames analysed per second. Blinks last 100–400 ms (Caffier et al. 2003), so 15 fps still
# sees every closure in 1–6 frames; short clips are analysed at their full rate (≤ 30).
FULL_RATE_MAX_DURATION_S = 20.0
MAX_ANALYSIS_FPS = 30.0
LONG_CLIP_ANALYSIS_FPS = 15.0


def _noop(frac: float, stage: str) -> None:
    pass


def _video_signals(track: FaceTrack, audio, duration_s: float, params: AnalysisParams = DEFAULT_PARAMS,
                   speech: SpeechActivity | None = None) -> tuple[list[SignalResult], FaceQuality]:
    q, quality, face = measure_face_quality(track, duration_s, params.face)
    if q <= 0:
        blink = not_applicable("blink", "blink.no_face")
        lips = not_applicable("lipsync", "lipsync.no_audio" if audio is None else "lipsync.no_face")
    else:
        blink = measure_blink(track.ear_left, track.ear_right, track.t_s, face_quality=q, params=params.blink)
        lips = measure_lipsync(track.mouth, track.t_s, None if audio is None else audio.y, SAMPLE_RATE,
                               0.0 if audio is None else audio.start_s, face_quality=q, speech=speech,
                               params=params.lipsync)
    return [face, blink, lips], quality


def _frames_model_shipped() -> bool:
    """Whether this version registers a face-picture model: the ``frames`` signal exists only then."""
    from . import registry
    from .video.detector import MODEL_NAME

    return MODEL_NAME in {e.name for e in registry.entries()}


def frame_detector():
    """(detector, None); (None, the not-applicable ``frames`` result) when its registered model
    is not installed; (None, None) when this version ships no face-picture model (no registry
    entry): then the ``frames`` signal is not part of the analysis at all."""
    from .registry import unavailable_result
    from .video.detector import default_detector

    if not _frames_model_shipped():
        return None, None
    try:
        return default_detector(), None
    except ModelUnavailableError as e:
        return None, unavailable_result("frames", e)


def audio_signals(y: np.ndarray, sr: int, *, on_speech: Callable[[SpeechActivity], None] | None = None,
                  speech_params: SpeechParams = DEFAULT_PARAMS.speech,
                  voice_params: VoiceParams = DEFAULT_PARAMS.voice) -> list[SignalResult]:
    """The voice detector and the explainable side signals for a mono 16 kHz track.

    The voice network's window scores, which do not depend on the speech activity, start at once
    in a worker thread; this thread meanwhile computes the speech activity
    (:func:`verifier.analysis.speech.detect_speech`, a small VAD network, computed once), hands it
    to ``on_speech`` (the pipeline's lip-sync) and computes the side signals while the voice
    network finishes (both networks release the GIL); the voice signal then combines its scores
    with the speech activity. (The speech activity in a third thread measured no lighter and
    within noise as fast, 1.36–1.42 vs 1.43–1.50 s for a 60 s message; the peak memory came from
    YIN's buffers, now bounded in :func:`verifier.analysis.dsp.yin`.) Thread budgets come from :mod:`verifier.analysis.threads` (set once, never toggled); the results do not
    depend on them or on the order the threads finish.
    """
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="voice") as pool:
        score_job = pool.submit(_voice_scores, y, sr, voice_params)
        speech = _speech(y, sr, speech_params)
        _warm_side_signals()
        if on_speech is not None:
            on_speech(speech)
        side = measure_audio_signals(y, sr, speech)
        return [_voice(y, sr, speech, voice_params, score_job.result()), *side]


def _warm_side_signals() -> None:
    """Import what the side signals use while the voice network runs in the other thread (the
    import holds the GIL, the network does not). No scipy.signal: the analysis does not need it
    (tests/test_dsp.py checks)."""
    import scipy.ndimage  # noqa: F401


def _speech(y: np.ndarray, sr: int, params: SpeechParams) -> SpeechActivity:
    threads.apply_torch()
    return detect_speech(y, sr, params)


def _voice_scores(y: np.ndarray, sr: int, params: VoiceParams):
    """``(detector, its window scores of y)``, or None when the voice model is not installed
    (the voice signal then says so)."""
    threads.apply_torch()
    try:
        detector = default_voice_detector()
    except ModelUnavailableError:
        return None
    return detector, detector.score(y, sr, timeline_windows=params.timeline_windows)


def _voice(y: np.ndarray, sr: int, speech: SpeechActivity, params: VoiceParams, scores) -> SignalResult:
    if scores is None:
        return measure_voice(y, sr, speech=speech, params=params)  # the model-missing result
    detector, scored = scores
    return measure_voice(y, sr, detector, speech=speech, params=params, scored=scored)


def versions() -> dict:
    import av
    import scipy

    v = {"verifier": __version__, "numpy": np.__version__, "av": av.__version__, "scipy": scipy.__version__}
    try:
        from importlib.metadata import version

        v["mediapipe"] = version("mediapipe")
    except Exception:  # metadata missing is not an analysis error
        pass
    return v


def analyze(path: str, *, kind: str = "auto", progress: Progress | None = None, limits: Limits = DEFAULT_LIMITS,
            fusion: Fusion | None = None, tracker: FaceTracker | None = None, preview: bool = False,
            face_crops: bool = False, params: AnalysisParams = DEFAULT_PARAMS) -> Report:
    """Analyse one video-call clip or voice message.

    Parameters
    ----------
    path : str
        The file; it is only read.
    kind : {"auto", "video", "audio"}
        "video" requires a picture; "audio" analyses only the sound (of any file).
    progress : callable(fraction, stage_key), optional
        Called at each stage with i18n keys ``stage.*``.
    preview : bool
        Keep annotated thumbnails of the first seconds in ``report.artifacts.preview`` (demos).
    params : AnalysisParams
        Blink, face-quality and fusion parameters (evaluations try alternatives through it);
        ``fusion``, when given, takes precedence over ``params.fusion``.
    face_crops : bool
        Keep evenly spaced loose face crops with their landmarks in ``report.artifacts.face_crops``
        (:class:`verifier.analysis.frames.FaceCropSampler`), for a model that scores face pictures.

    Returns
    -------
    Report
        Never raises for bad input: a file that cannot be analysed gives a Report with
        ``error`` set (:class:`~verifier.core.report.AnalysisError`), ``level="inconclusive"`` and
        ``risk=None``. A bug raises (with the stage in ``exc.verifier_stage``); :func:`analyze_many`
        turns it into that file's error.
    """
    t_start = time.perf_counter()
    threads.configure()  # once per process: later calls keep the first budget
    path = os.fspath(path)
    now = _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")
    report = Report(file=display_name(path), sha256=None, media=None, risk=None, level=INCONCLUSIVE,
                    versions=versions(), analyzed_at=now)
    stage = "probe"  # where a failure happened: the last stage begun

    def step(frac: float, key: str) -> None:
        nonlocal stage
        stage = key.removeprefix("stage.")
        (progress or _noop)(frac, key)

    try:
        if kind not in ("auto", "video", "audio"):
            raise ValueError(f"kind must be auto, video or audio, not {kind!r}")
        step(0.0, "stage.probe")
        info = probe(path, limits)
        report.sha256, report.media = info.sha256, info
        if kind == "video" and not info.has_video:
            raise MediaError("error.no_video", name=display_name(path))
        if kind == "audio" and not info.has_audio:
            raise MediaError("error.no_audio", name=display_name(path))
        measured = _measure(path, info, kind, step, tracker, preview, face_crops, params,
                            limits=limits, deadline=time.monotonic() + limits.max_analysis_s)
        step(0.95, "stage.fusion")
        fusion = fusion or params.fusion or default_fusion()
        signals = measured.signals
        report.signals = {s.key: s for s in signals}
        report.quality, report.artifacts = measured.quality, measured.artifacts
        report.risk, report.level = fusion.decide(signals)
        report.weights = {s.key: fusion.weight(s.key) for s in signals if s.key != "face"}
    except VerifierError as e:
        report.error = AnalysisError(e.key, e.message("en"), stage, dict(e.params))
        report.risk, report.level = None, INCONCLUSIVE
    except Exception as e:  # a bug: analyze_many reports it as this file's error
        e.verifier_stage = stage
        raise
    report.elapsed_s = time.perf_counter() - t_start
    step(1.0, "stage.done")
    return report


@load_once
def default_fusion() -> Fusion:
    """The committed fusion parameters (``verifier/assets/fusion.json``), read once per process."""
    return Fusion.from_file()


def analysis_fps(info: MediaInfo) -> float:
    """Frames per second analysed for this clip."""
    return MAX_ANALYSIS_FPS if info.duration_s <= FULL_RATE_MAX_DURATION_S else LONG_CLIP_ANALYSIS_FPS


def decode_and_track(path: str, info: MediaInfo, *, progress: Progress | None = None,
                     tracker: FaceTracker | None = None, decode_audio: bool = True,
                     consumers: Sequence[FrameConsumer] = (), limits: Limits = DEFAULT_LIMITS,
                     deadline: float | None = None) -> tuple[FaceTrack, AudioTrack | None]:
    """Decode the video once: every analysed frame goes through the face tracker, then to the
    track builder and to each of ``consumers`` with the tracker's observation (see
    :mod:`verifier.analysis.frames`). The audio track is decoded in the same pass if ``decode_audio``.
    The caller collects each consumer's result with its ``finish()``. ``limits`` and
    ``deadline`` bound the decode (:func:`verifier.analysis.media.decode`).

    Returns (FaceTrack, AudioTrack or None).
    """
    progress = progress or _noop
    max_fps = analysis_fps(info)
    builder = FaceTrackBuilder()
    receivers = (builder, *consumers)
    expected = max(1.0, info.duration_s * min(max_fps, info.fps or max_fps))
    own = tracker is None
    trk = tracker or FaceTracker()

    def on_frame(frame):
        obs = trk.track(frame.image, frame.prepared)
        for c in receivers:
            c.consume(frame, obs)
        if frame.index % 15 == 0:
            progress(0.05 + 0.7 * min(1.0, frame.index / expected), "stage.decode_track")

    # The frames are decoded and converted in a thread of their own, a few ahead, while this
    # thread tracks the face (both release the GIL): on two cores they overlap. The decode
    # starts first, so the tracker's start (mediapipe's import, its graphs) overlaps it too.
    # The decode thread also cuts and downscales each frame for the tracker's current crop
    # (FaceTracker.prepare), which the tracker uses when its crop has not moved since.
    prepare = getattr(trk, "prepare", None)
    with DecodeAhead(path, info, max_fps=max_fps, audio=decode_audio, limits=limits, deadline=deadline,
                     prepare=(lambda f: prepare(f.image)) if prepare is not None else None) as frames:
        if own:
            trk.__enter__()
        try:
            for frame in frames:
                on_frame(frame)
        finally:
            if own:
                trk.__exit__(None, None, None)
    return builder.finish(), frames.audio


@dataclass
class _Measured:
    """What the measuring stages give fusion and the report."""

    signals: list[SignalResult]
    quality: Quality
    artifacts: Artifacts


def _measure(path: str, info: MediaInfo, kind: str, progress: Progress, tracker,
             want_preview: bool = False, want_crops: bool = False,
             params: AnalysisParams = DEFAULT_PARAMS, *, limits: Limits = DEFAULT_LIMITS,
             deadline: float | None = None) -> _Measured:
    progress(0.05, "stage.decode_track")
    # The sound is decoded first (fast), so the voice checks run on the other core while
    # the pictures are decoded and tracked.
    audio = decode(path, info, None, limits=limits, deadline=deadline) if info.has_audio else None
    if audio is not None and not len(audio.y):
        audio = None
    signals: list[SignalResult] = []
    quality, artifacts = Quality(), Artifacts()
    speech_ready: Future = Future()  # set by the audio job as soon as the speech activity is known
    with ThreadPoolExecutor(max_workers=1) as pool:
        audio_job = (pool.submit(audio_signals, audio.y, audio.sr, on_speech=speech_ready.set_result,
                                 speech_params=params.speech, voice_params=params.voice)
                     if audio is not None else None)
        if info.has_video and kind != "audio":
            # The one place that wires frame consumers to the decode pass.
            detector, frames_na = frame_detector()  # loaded once per process; None when its model is missing
            preview = PreviewCollector() if want_preview else None
            identity_on = _identity_on(params)  # identity consistency (verifier/analysis/identity/consistency.py)
            sampler = (FaceCropSampler(info.duration_s, info.video_start_s or 0.0)
                       if want_crops or detector is not None or identity_on else None)
            consumers = [c for c in (preview, sampler) if c is not None]
            track, _ = decode_and_track(path, info, progress=progress, tracker=tracker, decode_audio=False,
                                        consumers=consumers, limits=limits, deadline=deadline)
            crops = sampler.finish() if sampler is not None else []
            if preview is not None:
                artifacts.preview = preview.finish()
            if want_crops:
                artifacts.face_crops = crops
            speech = None
            if audio_job is not None:
                wait([speech_ready, audio_job], return_when=FIRST_COMPLETED)
                if not speech_ready.done():
                    audio_job.result()  # the audio job failed before the speech activity: raise its error
                speech = speech_ready.result()
            video_sig, quality.face = _video_signals(track, audio, info.duration_s, params, speech)
            signals += video_sig
            progress(0.78, "stage.frames")
            if detector is not None or frames_na is not None:
                signals.append(frames_na or measure_frames(crops, face_quality=quality.face.face_quality,
                                                           detector=detector, params=params.frames,
                                                           views=artifacts.frame_views))
            if identity_on:
                progress(0.79, "stage.identity")
                signals.append(_measure_identity(crops, params))
        if audio_job is not None:
            progress(0.8, "stage.voice")
            signals += audio_job.result()
    if audio is not None:
        artifacts.audio, artifacts.sr = audio.y, audio.sr
        quality.audio_s = round(audio.duration_s, 2)
        # One "seconds of speech" for the whole report, the number every signal used.
        speech = speech_ready.result()
        quality.speech_s, quality.speech_method = round(speech.speech_s, 2), speech.method
    elif info.has_audio:
        quality.audio_s, quality.speech_s = 0.0, 0.0
    return _Measured(signals, quality, artifacts)


# --- identity consistency inside the clip (verifier/analysis/identity/consistency.py) ---------------------
def _identity_on(params: AnalysisParams) -> bool:
    """The ``identity`` signal runs only when asked for (``params.identity.enabled``) and where its
    optional face descriptor is installed."""
    from .identity.consistency import identity_available

    return params.identity.enabled and identity_available()


def _measure_identity(crops, params: AnalysisParams) -> SignalResult:
    from .identity.consistency import measure_identity

    return measure_identity(crops, params.identity)


def analyze_many(paths, **kw):
    """Yield (path, Report) for each path; an unexpected bug in one file becomes that file's
    error (``error.internal``, where ``internal:<stage>``) so a batch goes on. The traceback
    goes to the ``verifier`` logger at DEBUG level (the CLI's ``--debug``), never into the report."""
    for p in paths:
        try:
            yield p, analyze(p, **kw)
        except Exception as e:  # a bug, not bad input: keep the batch going, log the traceback
            name, detail = display_name(p), f"{type(e).__name__}: {e}"
            message = f"Internal error while analysing {name}: {detail}"
            log.error("%s", message)
            log.debug("traceback of the internal error on %s", p, exc_info=True)
            where = f"internal:{getattr(e, 'verifier_stage', 'analysis')}"
            yield p, Report(file=name, sha256=None, media=None, risk=None, level=INCONCLUSIVE,
                            error=AnalysisError("error.internal", message, where, {"name": name, "detail": detail}))
