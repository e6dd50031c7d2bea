#!/usr/bin/env bash
# npm start: the main job. Installs what is missing, builds the package, and prints what the wasm
# core reads from the shipped model (later issues grow this into the demo and a sample prediction).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build-package.sh >/dev/null
node scripts/inspect-model.mjs models/iris.onnx
