#!/usr/bin/env bash
# Round 3 (issue 9): the cross-fitted SBI run on the accelerator machine, from the repository root.
#   bash training/sbi/device_run.sh "$OUT"            # results into $OUT/sbifold/
# Needs the package in .devcarry/sbifold/ (python -m training.sbi package --out ...), python3 with
# torch, numpy, opencv, scikit-learn. 7 processes (this one + 6 DataLoader workers making the blends).
# Stops training 4.6 min after the start, evaluates (~0.3 min), writes results.json (also after each
# interim evaluation), sbi_all_fp16.pt and train.log; the timeout is a backstop at 6.4 min.
# Extra arguments are passed on (CPU smoke test: DEVICE=cpu ... --workers 2 --max-minutes 0.5 --batch-pairs 4).
set -u
OUT_DIR="${1:?usage: device_run.sh OUT_DIR [extra args]}/sbifold"
shift
mkdir -p "$OUT_DIR"
PKG="${SBIFOLD_PKG:-.devcarry/sbifold}"
PY="${PYTHON:-python3}"
export PYTHONUNBUFFERED=1 OMP_NUM_THREADS=1
echo "$(date -u +%H:%M:%S) sbifold start, package $PKG"
timeout -k 5 384 "$PY" -m training.sbi crossfit --package "$PKG" --out "$OUT_DIR" --device "${DEVICE:-cuda}" \
  --workers 6 --max-minutes 4.6 --eval-every-minutes 1.0 --batch-pairs 64 --lr 1e-3 --warmup-steps 100 --steps 100000 \
  --video-share 0.5 --shared-chain-p 0.8 --holdout-photo-pct 10 --seed 0 "$@" 2>&1 | tee "$OUT_DIR/train.log"
rc=${PIPESTATUS[0]}
echo "$(date -u +%H:%M:%S) sbifold end, rc $rc"
exit "$rc"
