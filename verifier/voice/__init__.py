"""The learned synthetic-voice detector: AASIST-L network, its weights, calibration and the
``voice`` signal (see :func:`verifier.voice.detector.measure_voice`)."""
