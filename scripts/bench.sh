#!/usr/bin/env bash
# Runs the benchmarks (npm run bench) and records them in bench/results.json and bench/README.md:
#   scripts/bench.sh [--no-build] [section...]      sections: model-info packer pipelines invalid load wide (default: all)
# Each section is a function below that prepares its inputs and runs bench/<section>.mjs, which
# writes its own key of results.json and its own block of README.md. Figures, never a pass/fail
# gate: the script fails only when a benchmark cannot run.
set -euo pipefail
cd "$(dirname "$0")/.."

all_sections=(model-info packer pipelines invalid load wide)
build=1
sections=()
for arg in "$@"; do
  case "$arg" in
    --no-build) build=0 ;;
    -h|--help) sed -n 2,6p "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) sections+=("$arg") ;;
  esac
done
[[ ${#sections[@]} -gt 0 ]] || sections=("${all_sections[@]}")

# Debian's interpreter has python3-onnx and numpy; the python3 on PATH may not.
python=/usr/bin/python3
models=build/bench-models

if [[ $build == 1 ]]; then
  echo "== build: native benchmarks (build/bench) and the package (dist/)" >&2
  scripts/build.sh bench
  scripts/build-package.sh
fi

# Signature read: a model with a 200 MiB initializer and the largest libonnx-testdata model.
section_model_info() {
  local large=$models/large-200mb.onnx
  if [[ ! -f $large ]]; then
    echo "== generating $large" >&2
    "$python" bench/make_large_model.py "$large"
  fi
  local testdata=/usr/share/libonnx-testdata/data list=("$large")
  if [[ -d $testdata ]]; then
    list+=("$(find "$testdata" -name model.onnx -printf '%s\t%p\n' | sort -n | tail -n 1 | cut -f 2)")
  else
    echo "warning: $testdata is missing (apt-get install libonnx-testdata); large model only" >&2
  fi
  node bench/model-info.mjs --native build/bench/bench_model_info --command "npm run bench" "${list[@]}"
}

# Validate + pack: flat schemas of 4 and 64 features, JSON text and typed columns; decode.
section_packer() {
  node bench/packer.mjs --native build/bench/bench_packer --decode build/bench/bench_decode --command "npm run bench"
}

# The package against raw ORT, the per-record loop and hand-written JS, for every model (issue #6).
section_pipelines() {
  node bench/pipelines.mjs --command "npm run bench"
}

# Invalid records: a batch's cost as its share of invalid records grows, against hand-written JS.
section_invalid() {
  node bench/invalid.mjs --command "npm run bench"
}

# Load time against InferenceSession.create, the package's size, memory over 10,000 batches.
section_load() {
  node --expose-gc bench/load.mjs --command "npm run bench"
}

# Wide schemas: compile, load and batch cost against the number of fields (64, 256, 1,000).
section_wide() {
  "$python" bench/make_wide_models.py "$models" 64 256 1000
  node bench/wide.mjs --models "$models" --command "npm run bench"
}

for section in "${sections[@]}"; do
  echo "== bench: $section" >&2
  case "$section" in
    model-info) section_model_info ;;
    packer) section_packer ;;
    pipelines) section_pipelines ;;
    invalid) section_invalid ;;
    load) section_load ;;
    wide) section_wide ;;
    *) echo "unknown section: $section (known: ${all_sections[*]})" >&2; exit 2 ;;
  esac
done
echo "== wrote bench/results.json and bench/README.md" >&2
