#!/usr/bin/env bash
# Builds the npm package into dist/: the wasm core (build/wasm) and the TypeScript API (web/src).
#   dist/index.js (+ .d.ts)     ES module for bundlers and Node
#   dist/index.cjs              CommonJS entry for require()
#   dist/onnx-predict.min.js    classic script (global OnnxPredict) for <script> tags and workers,
#                               with ONNX Runtime Web's wasm beside it in dist/ort/
# The core's .wasm is embedded gzipped, as base64 (dist/wasm/onnx-predict-core-wasm.js): nothing to locate.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh wasm
rm -rf dist
mkdir -p dist/wasm dist/ort
esbuild=(node_modules/.bin/esbuild --log-level=error)
# The glue minified (its local names; top-level names and Module's string keys stay): 12.7 -> 9.5 KiB gzip -9.
"${esbuild[@]}" build/wasm/onnx-predict-core.js --minify --outfile=dist/wasm/onnx-predict-core.cjs
node -e '
  const fs = require("node:fs");
  const zlib = require("node:zlib");
  const wasm = zlib.gzipSync(fs.readFileSync("build/wasm/onnx-predict-core.wasm"), { level: 9 }).toString("base64");
  fs.writeFileSync("dist/wasm/onnx-predict-core-wasm.js", "// The onnx-predict core (.wasm), gzip -9, base64.\nexport default \"" + wasm + "\";\n");'
cp web/src/wasm/onnx-predict-core.d.cts web/src/wasm/onnx-predict-core-wasm.d.ts dist/wasm/
node_modules/.bin/tsc -p web/tsconfig.json
esbuild+=(--bundle)
# require('onnx-predict'): the ES module bundled as one CommonJS file; onnxruntime-web stays a dependency.
"${esbuild[@]}" dist/index.js --platform=node --format=cjs --target=node18 --external:onnxruntime-web --outfile=dist/index.cjs
# <script>: everything in one file, ONNX Runtime Web's wasm-only build included.
"${esbuild[@]}" dist/script.js --platform=browser --format=iife --global-name=OnnxPredict --target=es2020 --minify \
  --outfile=dist/onnx-predict.min.js
rm dist/script.js dist/script.d.ts
cp node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.{wasm,mjs} dist/ort/
