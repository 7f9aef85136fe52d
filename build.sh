#!/bin/bash
# bf16-opt's two entry points (see README.md):
#   ./build.sh demo   set up, build, and run the main job
#   ./build.sh test   set up, build, and run every test (what CI runs)
#   ./build.sh build  set up and build only (used by benchmarks/*.sh)
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
BUILD=${BF16_BUILD_DIR:-$ROOT/build}
LLVM=/usr/lib/llvm-22

usage() { echo "usage: $0 demo|test|build" >&2; exit 2; }
[ $# -eq 1 ] || usage
case "$1" in demo|test|build) ;; *) usage ;; esac

"$ROOT/scripts/setup.sh"

if [ ! -f "$BUILD/build.ninja" ]; then
  cmake -G Ninja -S "$ROOT" -B "$BUILD" \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER=gcc -DCMAKE_CXX_COMPILER=g++ \
    -DMLIR_DIR=$LLVM/lib/cmake/mlir \
    -DLLVM_EXTERNAL_LIT=$LLVM/bin/lit
fi
ninja -C "$BUILD" all BF16UnitTests

case "$1" in
  demo) exec "$ROOT/scripts/demo.sh" "$BUILD" ;;
  test) exec "$LLVM/bin/lit" -sv "$BUILD/test" ;;
  build) ;;
esac
