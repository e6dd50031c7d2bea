#!/usr/bin/env bash
# npm start: the main job. Installs what is missing, builds the package, shows what the wasm core
# reads from the default model, loads it over HTTP with the package in Node and prints a validated
# batch prediction (one record invalid), then serves the demo page on 127.0.0.1 until Ctrl-C.
# PORT=… picks the demo's port (default 8080, or any free port when 8080 is busy).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build-package.sh >/dev/null
node scripts/inspect-model.mjs models/iris.onnx
echo
node scripts/sample-prediction.mjs
echo
exec node scripts/serve-demo.mjs
