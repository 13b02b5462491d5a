#!/usr/bin/env bash
# Set up (.venv, dev tools) and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev
exec .venv/bin/python -m pytest -q -p no:cacheprovider "$@"
