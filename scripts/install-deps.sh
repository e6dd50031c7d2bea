#!/usr/bin/env bash
# Installs the Debian packages onnx-predict builds and tests with, and nothing else.
# Idempotent: a package already installed is left alone; apt runs only when something is missing.
set -euo pipefail

packages=(
  cmake make g++ clang libclang-rt-14-dev   # native build, sanitizers (ASan/UBSan) and libFuzzer
  emscripten                                # wasm build (Debian's 3.1.6)
  nlohmann-json3-dev catch2                 # header-only libraries, native and wasm
  libonnx-testdata json-schema-test-suite python3-onnx python3-numpy python3-sklearn python3-pydantic   # conformance oracles, model training
  python3-joblib python3-lz4 python3-h5py zip gzip bzip2 xz-utils   # makers of the refused formats (sniffing tests)
  chromium                                  # browser tests (driven by npm playwright-core)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [[ ! -d node_modules ]] || [[ package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund --silent 2>/dev/null || npm install --no-audit --no-fund --silent
fi
