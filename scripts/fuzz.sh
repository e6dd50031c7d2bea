#!/usr/bin/env bash
# Fuzzes the model, tensor and format readers and the model load path with libFuzzer under ASan + UBSan:
#   scripts/fuzz.sh [seconds]        (default 60)
# Builds build/fuzz (scripts/build.sh fuzz), seeds build/fuzz/corpus with about 200 models of
# Debian's libonnx-testdata, their test vectors, the refused-format and converter-model fixtures
# when they have been generated, and tests/fixtures/regressions/, then runs
# tests/fuzz/fuzz_model_reader.cpp (the readers and the whole load path, prepare_model).
# Exits non-zero on any crash, sanitizer report, timeout (> 5 s for one input) or allocation past
# 2 GiB; libFuzzer then saves the input as build/fuzz/artifacts/crash-* (or timeout-*, oom-*).
# To keep one: copy it to tests/fixtures/regressions/<what-it-breaks>.bin. To replay one:
#   build/fuzz/fuzz_model_reader build/fuzz/artifacts/crash-...
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
[[ $seconds =~ ^[0-9]+$ ]] || { echo "usage: scripts/fuzz.sh [seconds]" >&2; exit 2; }

scripts/build.sh fuzz

corpus=build/fuzz/corpus
artifacts=build/fuzz/artifacts
mkdir -p "$corpus" "$artifacts"
data=/usr/share/libonnx-testdata/data
max_seed_bytes=16384  # larger seeds only slow each run down; the readers skip payloads by length
if [[ -d $data ]]; then
  # Every fifth model in sorted order (about 215 of 1072) and its test_data_set_0 vectors. Names
  # keep the test's directory, so that reseeding overwrites rather than duplicates.
  find "$data" -name model.onnx -size -"$((max_seed_bytes + 1))"c | LC_ALL=C sort | awk 'NR % 5 == 1' |
    while read -r model; do
      dir=$(dirname "$model")
      name=$(basename "$(dirname "$dir")")__$(basename "$dir")
      cp -f "$model" "$corpus/$name.onnx"
      for vector in "$dir"/test_data_set_0/*.pb; do
        [[ -f $vector && $(stat -c %s "$vector") -le $max_seed_bytes ]] || continue
        cp -f "$vector" "$corpus/$name.$(basename "$vector")"
      done
    done
else
  echo "warning: $data is missing (apt-get install libonnx-testdata): fuzzing from an empty corpus" >&2
fi
for dir in build/fixtures/refused build/fixtures/converter build/fixtures/pipelines tests/fixtures/regressions; do
  [[ -d $dir ]] || continue
  find "$dir" -maxdepth 1 -type f ! -name '*.json' ! -name '*.md' -size -"$((max_seed_bytes + 1))"c \
    -exec cp -f {} "$corpus"/ \;
done
echo "fuzz: corpus $corpus holds $(find "$corpus" -type f | wc -l) inputs; fuzzing for $seconds s"

# -timeout: one input taking > 5 s is a hang. -rss_limit_mb also sets -malloc_limit_mb: a single
# allocation over 2 GiB is reported as an out-of-memory crash.
build/fuzz/fuzz_model_reader -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=5 \
  -artifact_prefix="$artifacts/" -print_final_stats=1 "$corpus"
