#!/usr/bin/env bash
# Sets ember up (see setup.sh) and runs the quickstart example: jit on real numbers, and the traced IR.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec "${PYTHON:-python3}" examples/quickstart.py
