#!/usr/bin/env bash
# Set up, analyse the built-in demo clip on the command line, then start the app on
# http://127.0.0.1:7860 (local only; Ctrl+C to stop).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/python -m verifier analyze samples/demo_call_no_blink_lagging_voice.mp4 || true
exec .venv/bin/python app.py "$@"
