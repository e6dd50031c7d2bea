#!/usr/bin/env bash
# npm start: the main job. Installs what is missing, builds the package, shows what the wasm core
# reads from the shipped model, then serves models/ on 127.0.0.1, loads the model over HTTP with
# the package and prints a validated batch prediction with one invalid record's error.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build-package.sh >/dev/null
node scripts/inspect-model.mjs models/iris.onnx
echo
node scripts/sample-prediction.mjs
