#!/usr/bin/env bash
# npm test: builds every configuration and runs every test. CI runs exactly this (.ci/run).
#   native g++ build + Catch2   |  clang ASan+UBSan build + Catch2 (robustness included)
#   wasm build: Catch2 under Node, then the package's node:test suites (conformance with python3-onnx)
#   browsers: Debian's Chromium driven by playwright-core (script tag, worker, cache, Vite app, demo)
#   libFuzzer on the model reader for FUZZ_SECONDS (default 60)
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
section() { printf '\n=== %s (%ss)\n' "$1" "$(( $(date +%s) - start ))"; }

section "dependencies"
scripts/install-deps.sh

section "fixtures"
/usr/bin/python3 tests/fixtures/make_refused_formats.py build/fixtures/refused
node tests/fixtures/make_regex_cases.mjs build/fixtures/regex_cases.json
/usr/bin/python3 tests/fixtures/make_converter_models.py build/fixtures/converter
/usr/bin/python3 tests/fixtures/make_pipeline_models.py build/fixtures/pipelines

section "native (g++): Catch2"
scripts/build.sh native >/dev/null
build/native/core_tests --use-colour no

section "native (clang, AddressSanitizer + UBSan): Catch2"
scripts/build.sh asan >/dev/null
build/asan/core_tests --use-colour no

section "wasm (emscripten): Catch2 under Node"
scripts/build-package.sh >/dev/null
node build/wasm/core_tests.js --use-colour no

section "package (node:test)"
node --test tests/node/

section "browser (Chromium, playwright-core)"
node --test --test-concurrency=1 tests/browser/

section "types: the public API from TypeScript"
node_modules/.bin/tsc -p tests/types/tsconfig.json

section "libFuzzer: model reader, ${FUZZ_SECONDS:-60}s"
scripts/fuzz.sh "${FUZZ_SECONDS:-60}"

section "all tests passed"
