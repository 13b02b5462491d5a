"""Constants shared across layers, with their units and sources."""

SAMPLE_RATE = 16000  # Hz: every audio path works at this rate (AASIST and GE2E inputs, Silero VAD, lip-sync envelope)

# --- used by verifier.analysis.voice.detector (and the voice parameters, the batch)
# Windows scored per message at most (evenly spread over the whole message beyond that).
# Set by the speed bar, not by accuracy: 0.30 s per window on the 2-core development CPU and
# a 60 s message's full CLI (process start, decode, side signals) must stay within 3 s.
MAX_WINDOWS = 3
# dB below the loudest 32 ms frame counted as padding/silence at the ends (librosa.effects.trim's top_db).
# 40, not librosa's 60 or the former 50: chosen by the invariance table (docs/voice_invariance.md, 24 files):
# with sample-exact trimming, added silence moves P(fake) by at most 0.042 at 40 dB, 0.073 at 50 dB;
# a quiet recording's room noise 45-50 dB under its speech is silence, not sound to score.
TRIM_TOP_DB = 40.0
# Active-speech level target, dBFS RMS over frames within ACTIVE_RANGE_DB of the loudest:
# ITU-T P.56's nominal active speech level (-26 dBov). Chosen by the invariance table
# (docs/voice_invariance.md), not by development AUC; ASVspoof 2019 LA itself is not here
# to measure its level.
TARGET_ACTIVE_DBFS = -26.0
LEVEL_MODES = ("active_rms", "peak", "own")  # active-speech RMS target (default), peak 0.9, file's own level

# --- used by verifier.batch.run
MAX_ATTEMPTS = 2  # a file that crashed, timed out or was interrupted this many times is given up
DEFAULT_TIMEOUT_S = 600.0  # per file; the longest accepted file (10 min) analyses in ~1–2 min here
