#!/usr/bin/env bash
# Device-side run of the voice LOGO fine-tuning (training/voice/README.md). Run from the repository
# root on the GPU machine, with the pool in .devcarry/voiceft/ (pool.npz, pool.json, AASIST-L.pth):
#     bash training/voice/device_run.sh "$OUT"
# Writes $OUT/voiceft/{logo.json, aasist_l_ft.pth, log.txt}. The Python side stops training at
# --max-minutes minus 45 s and writes its results by --max-minutes; `timeout` kills it at 6.5 min whatever happens.
set -u
OUT="${1:-${OUT:?give the output folder}}"
POOL="${POOL:-.devcarry/voiceft}"
export PYTHONUNBUFFERED=1 PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True
mkdir -p "$OUT/voiceft"
nvidia-smi --query-gpu=name,memory.used,memory.total --format=csv,noheader 2>/dev/null | sed 's/^/gpu: /'
timeout -k 5 385 python3 -m training.voice logo --pool "$POOL" --out "$OUT" --device "${DEVICE:-cuda}" \
    --procs "${PROCS:-5}" --max-minutes "${MAX_MINUTES:-5.6}" ${EXTRA:-} 2>&1 | tee "$OUT/voiceft/log.txt"
echo "exit ${PIPESTATUS[0]}; files:"; ls -la "$OUT/voiceft"
