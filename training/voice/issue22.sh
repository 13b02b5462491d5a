#!/usr/bin/env bash
# Issue 22 from a clean checkout with ../shared: the 655-file pool by family, the caches, the LOGO runs
# under the fixed rule, and their tables (training/voice/README.md). About 1 h 15 min on the 2-core CPU machine
# without variant 3 (the ASVspoof 5 AASIST back-end, last lines: ~2 h more here: cache 52 min, LOGO 73 min, frozen 3 min).
#   bash training/voice/issue22.sh [WORK_DIR]        (default .devcarry; every step resumes or is skipped when done)
set -euo pipefail
cd "$(dirname "$0")/../.."
W="${1:-.devcarry}"
bash scripts/setup.sh --dev
.venv/bin/python -m pip install -q -r requirements/training.txt     # pyworld (built from source), librosa
command -v espeak-ng >/dev/null || { echo "espeak-ng is needed (apt-get install espeak-ng)" >&2; exit 1; }
PY=.venv/bin/python
[ -f "$W/voicepool2/pool.npz" ] || $PY -m training.voice prepare --out "$W/voicepool2"                       # ~1 min
$PY -m training.voice opinion-cache --pool "$W/voicepool2" --out "$W/opinion" --max-minutes 120               # ~11 min, resumable
$PY -m training.voice opinion-logo --pool "$W/voicepool2" --cache "$W/opinion/opinion_cache.npz" --out training/voice/runs/opinion_ge2e
for v in zmean_c0.01 zmean_c0.1 ge2e_c0.1 ge2e_c1.0; do   # each variant on the same folds (reported, never chosen)
  $PY -m training.voice opinion-logo --pool "$W/voicepool2" --cache "$W/opinion/opinion_cache.npz" --out training/voice/runs/opinion_ge2e --force $v
done
[ -f "$W/backend/backend_cache.npz" ] || $PY -m training.voice backend-cache --pool "$W/voicepool2" --out "$W/backend" --n-aug 1 --max-minutes 50  # ~35 min
$PY -m training.voice backend-logo --pool "$W/voicepool2" --cache "$W/backend/backend_cache.npz" --out training/voice/runs/backend_issue22   # ~30 min
$PY -m training.voice report --results training/voice/runs/backend_issue22/logo.json --section backend_issue22
# Issue 22, variant 3 (pre-registered in the README): the same back-end recipe from the ASVspoof 5 AASIST
# (../shared/models/aasist5), judged against AASIST-L's logits from the cache above; the frozen ASVspoof 5 network
# (--steps 0) for information only. Both the cache and the LOGO runs resume where they stopped when re-run.
A5="$W/backend_aasist5"
[ -f "$A5/backend_cache.npz" ] || $PY -m training.voice backend-cache --model aasist5 --pool "$W/voicepool2" --out "$A5" --n-aug 1 --max-minutes 300
$PY -m training.voice backend-logo --model aasist5 --pool "$W/voicepool2" --cache "$A5/backend_cache.npz" --baseline-cache "$W/backend/backend_cache.npz" --out training/voice/runs/backend_aasist5_issue22 --resume-dir "$A5/logo_partial"
$PY -m training.voice backend-logo --model aasist5 --steps 0 --pool "$W/voicepool2" --cache "$A5/backend_cache.npz" --baseline-cache "$W/backend/backend_cache.npz" --out training/voice/runs/backend_aasist5_issue22/frozen --resume-dir "$A5/frozen_partial"
$PY -m training.voice report --results training/voice/runs/backend_aasist5_issue22/logo.json --section backend_aasist5_issue22
$PY -m training.voice report --results training/voice/runs/backend_aasist5_issue22/frozen/logo.json --section backend_aasist5_frozen
$PY -m training.voice report-compare --section backend_aasist5_compare \
  --run "ASVspoof 5 back-end fine-tuned (the variant)=training/voice/runs/backend_aasist5_issue22/logo.json" \
  --run "ASVspoof 5 frozen (information only)=training/voice/runs/backend_aasist5_issue22/frozen/logo.json"
# Issue 22, variant 4 (pre-registered in the README): AASIST-L and the frozen ASVspoof 5 AASIST fused by the larger of
# their z-scores (no training; seconds, from the two caches above); z-mean and a stacked regression for information.
$PY -m training.voice fusion-logo --pool "$W/voicepool2" --cache-a "$W/backend/backend_cache.npz" --cache-b "$A5/backend_cache.npz" --out training/voice/runs/fusion_issue22
$PY -m training.voice report --results training/voice/runs/fusion_issue22/logo.json --section fusion_issue22
$PY -m training.voice report-compare --section fusion_compare \
  --run "max of z-scores (the candidate)=training/voice/runs/fusion_issue22/logo.json" \
  --run "mean of z-scores (information)=training/voice/runs/fusion_issue22/zmean/logo.json" \
  --run "stacked regression (information)=training/voice/runs/fusion_issue22/stack/logo.json" \
  --run "ASVspoof 5 frozen alone (variant 3's information run)=training/voice/runs/backend_aasist5_issue22/frozen/logo.json"
