#!/bin/bash
# Installs what bf16-opt needs on Debian 12, and only what is missing.
# Idempotent: when everything is present it runs no apt command at all.
set -euo pipefail

PACKAGES=(
  # LLVM/MLIR 22.1.x (pinned: upstream renamed x86vector after 22)
  llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools clang-22
  # compiled steps run their parallel loops on LLVM's OpenMP runtime
  libomp-22-dev
  # build
  cmake ninja-build g++ make
  # tests: test/Docs/clang-format.test checks the C++ against .clang-format
  clang-format-22
  # tests: GoogleTest, lit runs on Debian's python3
  libgtest-dev python3
  # tests: the PyTorch FP32 oracle of the training-step examples
  python3-numpy python3-torch
  # tests: `pip install ./python` into a --system-site-packages venv
  # (test/python/pip-install.test; wheel for --no-build-isolation)
  python3-venv python3-wheel
  # the main job and the study: Fashion-MNIST, the King James text, progress
  # bars and figures (bf16_opt.data, scripts/demo.py, scripts/study.py)
  dataset-fashion-mnist bible-kjv bible-kjv-text python3-tqdm
  python3-matplotlib
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PACKAGES[@]} packages present"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "setup: missing packages: ${missing[*]}; run as root to install them" >&2
  exit 1
fi

echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends "${missing[@]}"
