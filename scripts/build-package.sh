#!/usr/bin/env bash
# Builds the npm package into dist/: the wasm core (build/wasm) and the TypeScript API (web/src).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh wasm
mkdir -p dist/wasm
cp build/wasm/onnx-predict-core.js dist/wasm/onnx-predict-core.cjs
cp build/wasm/onnx-predict-core.wasm dist/wasm/onnx-predict-core.wasm
cp web/src/wasm/onnx-predict-core.d.cts dist/wasm/
node_modules/.bin/tsc -p web/tsconfig.json
# The CommonJS entry for require('onnx-predict'): the ES module above bundled as one CommonJS file
# (the Emscripten glue inlined; onnxruntime-web stays a dependency).
node_modules/.bin/esbuild dist/index.js --bundle --platform=node --format=cjs --target=node18 \
  --external:onnxruntime-web --log-level=error --outfile=dist/index.cjs
