#!/bin/bash
# The main job (README command 1), run by ./build.sh demo after the build:
# trains an MLP on Fashion-MNIST through the PyTorch frontend in FP32, mixed
# precision and BF16-only with nearest, stochastic and Kahan updates, prints
# the table and writes results/demo.json and results/demo.png
# (scripts/demo.py; options are passed on, e.g. --epochs 2).
set -euo pipefail
BUILD=${1:-$(dirname "$0")/../build}
shift || true
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export BF16_OPT_BUILD_DIR=$(cd "$BUILD" && pwd)
export PYTHONPATH="$ROOT/python${PYTHONPATH:+:$PYTHONPATH}"
# Debian's python3 (python3-torch), not another python3 on PATH.
exec /usr/bin/python3 "$ROOT/scripts/demo.py" "$@"
