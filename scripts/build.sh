#!/usr/bin/env bash
# Builds one configuration of the C++ project into build/<config>:
#   native  g++, Release, with tests            asan  clang, ASan + UBSan, with tests
#   fuzz    clang libFuzzer targets (+ ASan)    wasm  Debian's emscripten: the Embind module and the tests
#   bench   g++, Release, native benchmarks
set -euo pipefail
cd "$(dirname "$0")/.."
config=${1:?usage: scripts/build.sh native|asan|fuzz|wasm|bench}
dir=build/$config
jobs=$(nproc)
case "$config" in
  native) cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=g++ >/dev/null ;;
  asan)   cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_COMPILER=clang++ -DONNX_PREDICT_SANITIZE=ON >/dev/null ;;
  fuzz)   cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ -DONNX_PREDICT_SANITIZE=ON \
            -DONNX_PREDICT_FUZZ=ON -DONNX_PREDICT_TESTS=OFF >/dev/null ;;
  bench)  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=g++ -DONNX_PREDICT_BENCH=ON -DONNX_PREDICT_TESTS=OFF >/dev/null ;;
  wasm)
    # Debian's emscripten needs Debian's JS modules (acorn) on NODE_PATH. emcmake would set a Node
    # flag for tests that Node 20 rejects, so the test emulator is set here.
    export NODE_PATH=/usr/share/nodejs
    emcmake cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_CROSSCOMPILING_EMULATOR="$(command -v node)" >/dev/null
    ;;
  *) echo "unknown configuration: $config" >&2; exit 2 ;;
esac
if [[ $config == wasm ]]; then export NODE_PATH=/usr/share/nodejs; fi
cmake --build "$dir" -j "$jobs"
