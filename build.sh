#!/bin/bash
# bf16-opt's two entry points (see README.md):
#   ./build.sh demo      set up, build, and run the main job
#   ./build.sh test      set up, build, and run every test (what CI runs)
#   ./build.sh study [--quick|--smoke] [study options]
#                        set up, build, and run the accuracy study
#                        (scripts/study.py, docs/Results.md; resumable)
#   ./build.sh build     set up and build only (used by benchmarks/*.sh)
#   ./build.sh sanitize  ASan + UBSan build in its own tree (build-sanitize/,
#                        or $BF16_SANITIZE_BUILD_DIR), then every lit and unit
#                        test against it (docs/Sanitizers.md)
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
BUILD=${BF16_BUILD_DIR:-$ROOT/build}
LLVM=/usr/lib/llvm-22

usage() {
  echo "usage: $0 demo|test|build|sanitize, or $0 demo|study [options]" >&2
  exit 2
}
[ $# -ge 1 ] || usage
case "$1" in
  demo|study) ;;
  test|build|sanitize) [ $# -eq 1 ] || usage ;;
  *) usage ;;
esac

"$ROOT/scripts/setup.sh"

CONFIG=(-DCMAKE_BUILD_TYPE=Release)
if [ "$1" = sanitize ]; then
  # Optimized (-O2) so the suite is not too slow, -g1 for file:line in the
  # reports; any UB report aborts. test/lit.cfg.py sees -fsanitize=address
  # in this tree's CMakeCache.txt and sets the runtime's options and preload
  # (scripts/sanitize/lit.cfg.py).
  SECONDS=0
  BUILD=${BF16_SANITIZE_BUILD_DIR:-$ROOT/build-sanitize}
  SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
  SAN="$SAN -fno-omit-frame-pointer"
  # LLVM's allocators must not poison memory that uninstrumented libMLIR.so
  # then uses (scripts/sanitize/no-llvm-poison.h).
  INC="-include $ROOT/scripts/sanitize/no-llvm-poison.h"
  CONFIG=(-DCMAKE_BUILD_TYPE=RelWithDebInfo
    "-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG"
    "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG"
    "-DCMAKE_C_FLAGS=$SAN $INC" "-DCMAKE_CXX_FLAGS=$SAN $INC"
    "-DCMAKE_EXE_LINKER_FLAGS=$SAN" "-DCMAKE_SHARED_LINKER_FLAGS=$SAN"
    "-DCMAKE_MODULE_LINKER_FLAGS=$SAN")
fi

if [ ! -f "$BUILD/build.ninja" ]; then
  cmake -G Ninja -S "$ROOT" -B "$BUILD" "${CONFIG[@]}" \
    -DCMAKE_C_COMPILER=gcc -DCMAKE_CXX_COMPILER=g++ \
    -DMLIR_DIR=$LLVM/lib/cmake/mlir \
    -DLLVM_EXTERNAL_LIT=$LLVM/bin/lit
  # The sanitizer tree ignores itself (it is not under build/).
  [ "$1" != sanitize ] || echo '*' > "$BUILD/.gitignore"
fi
if [ "$1" = sanitize ] && ! grep -q '^CMAKE_CXX_FLAGS:.*-fsanitize=address' \
    "$BUILD/CMakeCache.txt"; then
  echo "$0: $BUILD is not a sanitizer build tree" >&2; exit 1
fi
ninja -C "$BUILD" all BF16UnitTests

case "$1" in
  demo) shift; exec "$ROOT/scripts/demo.sh" "$BUILD" "$@" ;;
  study)
    shift
    export BF16_OPT_BUILD_DIR=$BUILD PYTHONPATH="$ROOT/python"
    exec /usr/bin/python3 "$ROOT/scripts/study.py" "$@" ;;
  test) exec "$LLVM/bin/lit" -sv "$BUILD/test" ;;
  build) ;;
  sanitize)
    built=$SECONDS rc=0
    "$LLVM/bin/lit" -sv --time-tests "$BUILD/test" || rc=$?
    echo "sanitize: configure + build $((built / 60)) min $((built % 60)) s," \
         "tests $(((SECONDS - built) / 60)) min $(((SECONDS - built) % 60)) s," \
         "total $((SECONDS / 60)) min $((SECONDS % 60)) s (lit exit $rc)"
    exit $rc ;;
esac
