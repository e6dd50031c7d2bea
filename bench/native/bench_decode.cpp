// Decode benchmark, native: rows/s of decode::decode_columns (what the wasm binding runs per
// batch) and decode_outputs (the same plus one JSON object per row) for the output shapes of the
// shipped classifiers, N rows per batch:
//   iris-like    string label [N] + probabilities [N, 3] with classes
//   digits-like  int64 label [N] (classes) + probabilities [N, 10] with classes + top_k 3
//
//   build/bench/bench_decode [--n 10000] [--reps 21]
//
// Prints one JSON object per (case, function): median and best rows/s over `reps` timed calls
// after 3 warm-ups. A figure, not a test.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "bench/native/measure.h"
#include "decode/decoder.h"
#include "onnx/data_type.h"

using namespace onnx_predict;
using decode::OutputTensor;
using schema::OutputSpec;

namespace {

template <class T>
std::vector<uint8_t> bytes_of(const std::vector<T>& values) {
  std::vector<uint8_t> out(values.size() * sizeof(T));
  std::memcpy(out.data(), values.data(), out.size());
  return out;
}

std::vector<std::string> class_names(size_t count) {
  std::vector<std::string> names;
  for (size_t c = 0; c < count; ++c) names.push_back("class_" + std::to_string(c));
  return names;
}

// Softmax-like rows: positive, summing to 1.
std::vector<float> probabilities(size_t n, size_t classes, std::mt19937_64& rng) {
  std::uniform_real_distribution<float> u(0.01f, 1.0f);
  std::vector<float> p(n * classes);
  for (size_t r = 0; r < n; ++r) {
    float sum = 0;
    for (size_t c = 0; c < classes; ++c) sum += (p[r * classes + c] = u(rng));
    for (size_t c = 0; c < classes; ++c) p[r * classes + c] /= sum;
  }
  return p;
}

struct Case {
  std::string name;
  std::vector<OutputSpec> specs;
  std::vector<OutputTensor> outputs;
  std::vector<std::vector<uint8_t>> buffers;  // owned data the outputs point into
};

Case iris_like(size_t n, std::mt19937_64& rng) {
  Case c{"iris-like", {}, {}, {}};
  auto classes = std::vector<std::string>{"setosa", "versicolor", "virginica"};
  c.specs = {{"label", "label", OutputSpec::Kind::kLabel, {}, 0},
             {"probabilities", "probabilities", OutputSpec::Kind::kProbabilities, classes, 0}};
  c.buffers.push_back(bytes_of(probabilities(n, 3, rng)));
  OutputTensor label{"label", onnx::kString, {static_cast<int64_t>(n)}, {}, {}};
  for (size_t r = 0; r < n; ++r) label.strings.push_back(classes[r % 3]);
  c.outputs.push_back(std::move(label));
  c.outputs.push_back({"probabilities", onnx::kFloat, {static_cast<int64_t>(n), 3}, c.buffers[0], {}});
  return c;
}

Case digits_like(size_t n, std::mt19937_64& rng) {
  Case c{"digits-like", {}, {}, {}};
  auto classes = class_names(10);
  c.specs = {{"label", "label", OutputSpec::Kind::kLabel, classes, 0},
             {"probabilities", "probabilities", OutputSpec::Kind::kProbabilities, classes, 0},
             {"top3", "probabilities", OutputSpec::Kind::kTopK, classes, 3}};
  std::vector<int64_t> labels(n);
  for (size_t r = 0; r < n; ++r) labels[r] = static_cast<int64_t>(r % 10);
  c.buffers.push_back(bytes_of(labels));
  c.buffers.push_back(bytes_of(probabilities(n, 10, rng)));
  c.outputs.push_back({"label", onnx::kInt64, {static_cast<int64_t>(n)}, c.buffers[0], {}});
  c.outputs.push_back({"probabilities", onnx::kFloat, {static_cast<int64_t>(n), 10}, c.buffers[1], {}});
  return c;
}

}  // namespace

int main(int argc, char** argv) {
  const BenchArgs args = parse_bench_args(argc, argv);
  const size_t n = args.n;
  const int reps = args.reps;
  std::mt19937_64 rng(42);
  for (Case c : {iris_like(n, rng), digits_like(n, rng)}) {
    // The views point into c.buffers, which moved with c: repoint them.
    for (size_t i = 0, b = 0; i < c.outputs.size(); ++i) {
      if (c.outputs[i].data_type != onnx::kString) c.outputs[i].data = c.buffers[b++];
    }
    size_t columns = 0, rows = 0;
    auto [col_median, col_best] = measure(n, reps, [&] { columns = decode::decode_columns(c.specs, c.outputs, n).size(); });
    auto [json_median, json_best] = measure(n, reps, [&] { rows = decode::decode_outputs(c.specs, c.outputs, n).size(); });
    if (columns != c.specs.size() || rows != n) std::fprintf(stderr, "bench_decode: unexpected result size\n");
    std::printf("{\"case\": \"%s\", \"n\": %zu, \"function\": \"decode_columns\", \"median_rows_per_s\": %.0f, \"best_rows_per_s\": %.0f}\n",
                c.name.c_str(), n, col_median, col_best);
    std::printf("{\"case\": \"%s\", \"n\": %zu, \"function\": \"decode_outputs\", \"median_rows_per_s\": %.0f, \"best_rows_per_s\": %.0f}\n",
                c.name.c_str(), n, json_median, json_best);
  }
}
