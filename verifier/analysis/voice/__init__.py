"""The learned synthetic-voice detector: AASIST-L network, its weights, calibration and the
``voice`` signal (see :func:`verifier.analysis.voice.detector.measure_voice`)."""
