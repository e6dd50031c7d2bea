// Validate+pack benchmark, native: records/s of batch::Packer for flat schemas of 4 and 64 number
// features (iris-like and digits-like), N records per batch, both input forms:
//   json     pack_json: a JSON array text, validated and packed from SAX events
//   columns  pack_columns: one Float64Array-like column + tag array per field
//
//   build/bench/bench_packer [--n 10000] [--reps 21]
//
// Prints one JSON object per (schema, form): median and best records/s over `reps` timed batches
// after 3 warm-up batches. The records are all valid (the common case). A figure, not a test.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "batch/packer.h"
#include "bench/native/measure.h"

using namespace onnx_predict;
using Json = nlohmann::json;

namespace {

Json flat_schema(size_t features) {
  Json properties = Json::object(), required = Json::array(), names = Json::array();
  for (size_t i = 0; i < features; ++i) {
    std::string name = "f" + std::to_string(i);
    properties[name] = {{"type", "number"}, {"minimum", 0}, {"maximum", 100}};
    required.push_back(name);
    names.push_back(name);
  }
  return {{"version", 1},
          {"input", {{"type", "object"}, {"properties", properties}, {"required", required}, {"additionalProperties", false}}},
          {"bind", {{"X", {{"dtype", "float32"}, {"features", names}}}}}};
}

struct Case {
  std::string name;
  size_t features;
};

}  // namespace

int main(int argc, char** argv) {
  const BenchArgs args = parse_bench_args(argc, argv);
  const size_t n = args.n;
  const int reps = args.reps;
  for (const Case& c : {Case{"flat-4", 4}, Case{"flat-64", 64}}) {
    schema::SchemaDocument doc = schema::parse_schema_document(flat_schema(c.features));
    batch::Packer packer(doc);
    std::mt19937_64 rng(42);
    std::uniform_real_distribution<double> value(0, 100);
    Json records = Json::array();
    std::vector<std::string> names;
    std::vector<std::vector<double>> numbers(c.features, std::vector<double>(n));
    for (size_t f = 0; f < c.features; ++f) names.push_back("f" + std::to_string(f));
    for (size_t r = 0; r < n; ++r) {
      Json record = Json::object();
      for (size_t f = 0; f < c.features; ++f) {
        double v = std::round(value(rng) * 100) / 100;
        numbers[f][r] = v;
        record[names[f]] = v;
      }
      records.push_back(record);
    }
    std::string text = records.dump();
    std::vector<uint8_t> tags(n, static_cast<uint8_t>(batch::Tag::kNumber));
    std::vector<batch::ColumnView> columns;
    for (size_t f = 0; f < c.features; ++f) columns.push_back({names[f], tags, numbers[f], {}, {}});

    size_t rows = 0;
    auto [json_median, json_best] = measure(n, reps, [&] { rows = packer.pack_json(text).row_map.size(); });
    if (rows != n) std::fprintf(stderr, "bench_packer: %zu of %zu rows packed\n", rows, n);
    auto [col_median, col_best] = measure(n, reps, [&] { rows = packer.pack_columns(n, columns).row_map.size(); });
    if (rows != n) std::fprintf(stderr, "bench_packer: %zu of %zu rows packed\n", rows, n);
    std::printf("{\"schema\": \"%s\", \"features\": %zu, \"n\": %zu, \"form\": \"json\", \"median_records_per_s\": %.0f, \"best_records_per_s\": %.0f, \"json_bytes\": %zu}\n",
                c.name.c_str(), c.features, n, json_median, json_best, text.size());
    std::printf("{\"schema\": \"%s\", \"features\": %zu, \"n\": %zu, \"form\": \"columns\", \"median_records_per_s\": %.0f, \"best_records_per_s\": %.0f}\n",
                c.name.c_str(), c.features, n, col_median, col_best);
  }
}
