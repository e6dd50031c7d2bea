#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "common/error.h"
#include "decode/decoder.h"

using namespace onnx_predict;
using namespace onnx_predict::decode;
using Json = nlohmann::json;
using Kind = schema::OutputSpec::Kind;

namespace {

// An output tensor that owns its bytes (OutputTensor::data is a view).
struct Owned {
  std::vector<uint8_t> bytes;
  OutputTensor tensor;
};

template <class T>
Owned numeric(std::string name, int32_t data_type, std::vector<int64_t> dims, const std::vector<T>& values) {
  Owned o;
  o.bytes.resize(values.size() * sizeof(T));
  if (!values.empty()) std::memcpy(o.bytes.data(), values.data(), o.bytes.size());
  o.tensor.name = std::move(name);
  o.tensor.data_type = data_type;
  o.tensor.dims = std::move(dims);
  return o;
}

Owned strings(std::string name, std::vector<int64_t> dims, std::vector<std::string> values) {
  Owned o;
  o.tensor = {std::move(name), 8, std::move(dims), {}, std::move(values)};
  return o;
}

// Binds the views after the Owned values have stopped moving.
std::vector<OutputTensor> views(std::vector<Owned>& owned) {
  std::vector<OutputTensor> out;
  for (Owned& o : owned) {
    o.tensor.data = std::span<const uint8_t>(o.bytes.data(), o.bytes.size());
    out.push_back(o.tensor);
  }
  return out;
}

schema::OutputSpec spec(std::string name, Kind kind, std::vector<std::string> classes = {}, size_t k = 0,
                        std::string from = {}) {
  return {name, from.empty() ? name : from, kind, std::move(classes), k};
}

std::vector<Json> decode_owned(std::vector<schema::OutputSpec> specs, std::vector<Owned> owned, size_t rows) {
  return decode_outputs(specs, views(owned), rows);
}

// The ErrorCode of what decoding throws (fails the test when nothing is thrown).
ErrorCode error_code(std::vector<schema::OutputSpec> specs, std::vector<Owned> owned, size_t rows) {
  try {
    decode_owned(std::move(specs), std::move(owned), rows);
  } catch (const Error& e) {
    INFO(e.message());
    return e.code();
  }
  FAIL("no error was thrown");
  return ErrorCode::kInternal;
}

const std::vector<std::string> kIris = {"setosa", "versicolor", "virginica"};

}  // namespace

TEST_CASE("int64 labels become class names when classes are given", "[decode]") {
  std::vector<Owned> owned;
  owned.push_back(numeric<int64_t>("label", 7, {3}, {2, 0, 1}));
  auto results = decode_owned({spec("label", Kind::kLabel, kIris)}, std::move(owned), 3);
  REQUIRE(results.size() == 3);
  CHECK(results[0] == Json{{"label", "virginica"}});
  CHECK(results[1] == Json{{"label", "setosa"}});
  CHECK(results[2] == Json{{"label", "versicolor"}});
}

TEST_CASE("int32 labels of shape [rows, 1] without classes stay integers", "[decode]") {
  std::vector<Owned> owned;
  owned.push_back(numeric<int32_t>("out", 6, {2, 1}, {7, -3}));
  auto results = decode_owned({spec("label", Kind::kLabel, {}, 0, "out")}, std::move(owned), 2);
  CHECK(results[0]["label"] == 7);
  CHECK(results[1]["label"] == -3);
  CHECK(results[1]["label"].is_number_integer());
}

TEST_CASE("string labels are returned as the strings", "[decode]") {
  std::vector<Owned> owned;
  owned.push_back(strings("label", {2}, {"cat", "dog"}));
  auto results = decode_owned({spec("label", Kind::kLabel)}, std::move(owned), 2);
  CHECK(results[0]["label"] == "cat");
  CHECK(results[1]["label"] == "dog");
}

TEST_CASE("a label index outside classes is a schema mismatch", "[decode]") {
  // (4294967296 would be class 0 if only its low 32 bits were looked at.)
  for (int64_t bad : {int64_t{3}, int64_t{-1}, int64_t{4294967296}, INT64_MIN}) {
    std::vector<Owned> owned;
    owned.push_back(numeric<int64_t>("label", 7, {2}, {0, bad}));
    CHECK(error_code({spec("label", Kind::kLabel, kIris)}, std::move(owned), 2) == ErrorCode::kSchemaMismatch);
  }
  for (int32_t bad : {3, -1, INT32_MIN}) {
    std::vector<Owned> owned;
    owned.push_back(numeric<int32_t>("label", 6, {2}, {0, bad}));
    CHECK(error_code({spec("label", Kind::kLabel, kIris)}, std::move(owned), 2) == ErrorCode::kSchemaMismatch);
  }
  // One bad label in each position of 9 rows (4 labels per SIMD step in wasm, then the tail), as
  // int64 (data_type 7) and int32 (6).
  auto bad_in_every_row = [&](auto bad, int32_t data_type) {
    using I = decltype(bad);
    for (size_t at = 0; at < 9; ++at) {
      std::vector<I> labels = {0, 1, 2, 2, 1, 0, 0, 1, 2};
      labels[at] = bad;
      std::vector<Owned> owned;
      owned.push_back(numeric<I>("label", data_type, {9}, labels));
      INFO("label " << bad << " (data_type " << data_type << ") at row " << at);
      CHECK(error_code({spec("label", Kind::kLabel, kIris)}, std::move(owned), 9) == ErrorCode::kSchemaMismatch);
    }
  };
  for (int64_t bad : {int64_t{3}, int64_t{-1}, int64_t{4294967296}, int64_t{4294967297}}) bad_in_every_row(bad, 7);
  for (int32_t bad : {3, -1, INT32_MIN}) bad_in_every_row(bad, 6);
  const std::vector<std::string> expected = {"setosa", "versicolor", "virginica", "virginica", "versicolor",
                                             "setosa", "setosa", "versicolor", "virginica"};
  std::vector<Owned> nine;
  nine.push_back(numeric<int64_t>("label", 7, {9}, {0, 1, 2, 2, 1, 0, 0, 1, 2}));
  auto labels = decode_owned({spec("label", Kind::kLabel, kIris)}, std::move(nine), 9);
  std::vector<Owned> nine32;
  nine32.push_back(numeric<int32_t>("label", 6, {9}, {0, 1, 2, 2, 1, 0, 0, 1, 2}));
  auto labels32 = decode_owned({spec("label", Kind::kLabel, kIris)}, std::move(nine32), 9);
  for (size_t r = 0; r < 9; ++r) {
    CHECK(labels[r]["label"] == expected[r]);
    CHECK(labels32[r]["label"] == expected[r]);
  }
  std::vector<Owned> good;
  good.push_back(numeric<int32_t>("label", 6, {3}, {2, 0, 1}));
  auto results = decode_owned({spec("label", Kind::kLabel, kIris)}, std::move(good), 3);
  CHECK(results[0]["label"] == "virginica");
  CHECK(results[2]["label"] == "versicolor");
}

TEST_CASE("a label from a float tensor or a wide tensor is a schema mismatch", "[decode]") {
  std::vector<Owned> a;
  a.push_back(numeric<float>("label", 1, {1}, {1.0f}));
  CHECK(error_code({spec("label", Kind::kLabel)}, std::move(a), 1) == ErrorCode::kSchemaMismatch);
  std::vector<Owned> b;
  b.push_back(numeric<int64_t>("label", 7, {1, 2}, {0, 1}));
  CHECK(error_code({spec("label", Kind::kLabel)}, std::move(b), 1) == ErrorCode::kSchemaMismatch);
}

TEST_CASE("probabilities decode float32 exactly to the double of equal value", "[decode]") {
  std::vector<float> p = {0.1f, 0.7f, 0.2f, 1.0f / 3.0f, 0.0f, 2.0f / 3.0f};
  std::vector<Owned> owned;
  owned.push_back(numeric<float>("probabilities", 1, {2, 3}, p));
  auto results = decode_owned({spec("probabilities", Kind::kProbabilities, kIris)}, std::move(owned), 2);
  const Json& row0 = results[0]["probabilities"];
  REQUIRE(row0.is_object());
  CHECK(row0["setosa"].get<double>() == static_cast<double>(0.1f));
  CHECK(row0["setosa"].get<double>() != 0.1);  // the float32 value, not the decimal it was written as
  CHECK(row0["versicolor"].get<double>() == static_cast<double>(0.7f));
  CHECK(results[1]["probabilities"]["virginica"].get<double>() == static_cast<double>(2.0f / 3.0f));
  CHECK(results[1]["probabilities"]["versicolor"].get<double>() == 0.0);
}

TEST_CASE("probabilities without classes are an array, and float64 and float16 decode too", "[decode]") {
  std::vector<Owned> owned;
  owned.push_back(numeric<double>("p64", 11, {1, 2}, {0.25, 0.75}));
  // float16: 0x3C00 = 1.0, 0x3555 = 0.333251953125, 0x0001 = 2^-24 (smallest subnormal), 0xC000 = -2.
  owned.push_back(numeric<uint16_t>("p16", 10, {1, 4}, {0x3C00, 0x3555, 0x0001, 0xC000}));
  auto results = decode_owned({spec("p64", Kind::kProbabilities), spec("p16", Kind::kProbabilities)}, std::move(owned), 1);
  CHECK(results[0]["p64"] == Json::array({0.25, 0.75}));
  CHECK(results[0]["p16"] == Json::array({1.0, 0.333251953125, std::ldexp(1.0, -24), -2.0}));
}

TEST_CASE("probabilities whose width differs from the class count are a schema mismatch", "[decode]") {
  std::vector<Owned> owned;
  owned.push_back(numeric<float>("probabilities", 1, {1, 2}, {0.5f, 0.5f}));
  CHECK(error_code({spec("probabilities", Kind::kProbabilities, kIris)}, std::move(owned), 1) ==
        ErrorCode::kSchemaMismatch);
}

TEST_CASE("probabilities from an integer tensor are a schema mismatch", "[decode]") {
  std::vector<Owned> owned;
  owned.push_back(numeric<int64_t>("probabilities", 7, {1, 3}, {0, 1, 0}));
  CHECK(error_code({spec("probabilities", Kind::kProbabilities)}, std::move(owned), 1) == ErrorCode::kSchemaMismatch);
}

TEST_CASE("a value of shape [rows] or [rows, 1] is a number and [rows, n] an array", "[decode]") {
  std::vector<Owned> owned;
  owned.push_back(numeric<float>("flat", 1, {2}, {1.5f, -0.1f}));
  owned.push_back(numeric<double>("column", 11, {2, 1}, {3.25, 4.5}));
  owned.push_back(numeric<int64_t>("pair", 7, {2, 2}, {1, 2, std::numeric_limits<int64_t>::max(), -4}));
  auto results = decode_owned({spec("flat", Kind::kValue), spec("column", Kind::kValue), spec("pair", Kind::kValue)},
                        std::move(owned), 2);
  CHECK(results[0]["flat"].get<double>() == 1.5);
  CHECK(results[1]["flat"].get<double>() == static_cast<double>(-0.1f));
  CHECK(results[1]["column"] == 4.5);
  CHECK(results[0]["pair"] == Json::array({1, 2}));
  CHECK(results[1]["pair"][0].get<int64_t>() == std::numeric_limits<int64_t>::max());
  CHECK(results[1]["pair"][0].is_number_integer());
}

TEST_CASE("a value of rank 3 is a schema mismatch", "[decode]") {
  std::vector<Owned> owned;
  owned.push_back(numeric<float>("v", 1, {1, 1, 2}, {1, 2}));
  CHECK(error_code({spec("v", Kind::kValue)}, std::move(owned), 1) == ErrorCode::kSchemaMismatch);
}

TEST_CASE("top_k returns the k best classes by descending probability", "[decode]") {
  std::vector<Owned> owned;
  owned.push_back(numeric<float>("probabilities", 1, {2, 3}, {0.1f, 0.7f, 0.2f, 0.5f, 0.2f, 0.3f}));
  auto results = decode_owned({spec("top", Kind::kTopK, kIris, 2, "probabilities")}, std::move(owned), 2);
  CHECK(results[0]["top"] == Json::parse(R"([{"class": "versicolor", "probability": 0.699999988079071044921875},
                                             {"class": "virginica", "probability": 0.20000000298023223876953125}])"));
  CHECK(results[1]["top"][0]["class"] == "setosa");
  CHECK(results[1]["top"][1]["class"] == "virginica");
  CHECK(results[1]["top"][1]["probability"].get<double>() == static_cast<double>(0.3f));
}

TEST_CASE("top_k breaks ties by ascending class index and puts NaN last", "[decode]") {
  float nan = std::numeric_limits<float>::quiet_NaN();
  std::vector<Owned> owned;
  owned.push_back(numeric<float>("p", 1, {2, 5}, {0.2f, 0.4f, 0.2f, 0.4f, 0.2f, nan, 0.1f, nan, 0.1f, 0.0f}));
  auto results = decode_owned({spec("p", Kind::kTopK, {}, 5)}, std::move(owned), 2);
  std::vector<int64_t> first, second;
  for (const Json& entry : results[0]["p"]) first.push_back(entry["class"].get<int64_t>());
  for (const Json& entry : results[1]["p"]) second.push_back(entry["class"].get<int64_t>());
  CHECK(first == std::vector<int64_t>{1, 3, 0, 2, 4});
  CHECK(second == std::vector<int64_t>{1, 3, 4, 0, 2});
  CHECK(std::isnan(results[1]["p"][3]["probability"].get<double>()));
}

TEST_CASE("top_k with k beyond the output width is a schema mismatch", "[decode]") {
  std::vector<Owned> owned;
  owned.push_back(numeric<float>("p", 1, {1, 2}, {0.5f, 0.5f}));
  CHECK(error_code({spec("p", Kind::kTopK, {}, 3)}, std::move(owned), 1) == ErrorCode::kSchemaMismatch);
}

TEST_CASE("raw rank-3 outputs become nested arrays per row", "[decode]") {
  std::vector<int32_t> values(2 * 2 * 3);
  for (size_t i = 0; i < values.size(); ++i) values[i] = static_cast<int32_t>(i);
  std::vector<Owned> owned;
  owned.push_back(numeric<int32_t>("grid", 6, {2, 2, 3}, values));
  auto results = decode_owned({spec("grid", Kind::kRaw)}, std::move(owned), 2);
  CHECK(results[0]["grid"] == Json::parse("[[0, 1, 2], [3, 4, 5]]"));
  CHECK(results[1]["grid"] == Json::parse("[[6, 7, 8], [9, 10, 11]]"));
}

TEST_CASE("raw rank-1 outputs give the element itself, of every element type", "[decode]") {
  std::vector<Owned> owned;
  owned.push_back(numeric<uint8_t>("flag", 9, {2}, {1, 0}));
  owned.push_back(numeric<uint64_t>("big", 13, {2}, {std::numeric_limits<uint64_t>::max(), 0}));
  owned.push_back(numeric<int8_t>("small", 3, {2}, {-128, 127}));
  owned.push_back(numeric<uint16_t>("bf", 16, {2}, {0x3F80, 0xC0A0}));  // bfloat16 1.0, -5.0
  owned.push_back(strings("name", {2}, {"a", "b"}));
  auto results = decode_owned({spec("flag", Kind::kRaw), spec("big", Kind::kRaw), spec("small", Kind::kRaw),
                         spec("bf", Kind::kRaw), spec("name", Kind::kRaw)},
                        std::move(owned), 2);
  CHECK(results[0] == Json{{"flag", true}, {"big", std::numeric_limits<uint64_t>::max()}, {"small", -128},
                           {"bf", 1.0}, {"name", "a"}});
  CHECK(results[1] == Json{{"flag", false}, {"big", 0}, {"small", 127}, {"bf", -5.0}, {"name", "b"}});
}

TEST_CASE("without output specs every output is returned raw under its own name", "[decode]") {
  std::vector<Owned> owned;
  owned.push_back(numeric<int64_t>("label", 7, {2}, {1, 0}));
  owned.push_back(numeric<float>("probabilities", 1, {2, 2}, {0.25f, 0.75f, 1.0f, 0.0f}));
  auto results = decode_owned({}, std::move(owned), 2);
  CHECK(results[0] == Json::parse(R"({"label": 1, "probabilities": [0.25, 0.75]})"));
  CHECK(results[1] == Json::parse(R"({"label": 0, "probabilities": [1.0, 0.0]})"));
}

TEST_CASE("outputs no spec names are ignored", "[decode]") {
  std::vector<Owned> owned;
  owned.push_back(numeric<int64_t>("label", 7, {1}, {0}));
  owned.push_back(numeric<float>("scalar", 1, {}, {1.0f}));  // rank 0: unusable, but unused
  auto results = decode_owned({spec("label", Kind::kLabel, kIris)}, std::move(owned), 1);
  CHECK(results[0] == Json{{"label", "setosa"}});
}

TEST_CASE("a missing output is a schema mismatch naming the outputs there are", "[decode]") {
  std::vector<Owned> owned;
  owned.push_back(numeric<int64_t>("output_label", 7, {1}, {0}));
  try {
    decode_owned({spec("label", Kind::kLabel, kIris)}, std::move(owned), 1);
    FAIL("no error was thrown");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kSchemaMismatch);
    CHECK(e.path() == "output.label");
    CHECK(e.message().find("'output_label'") != std::string::npos);
  }
}

TEST_CASE("a data size that does not match the dims is an invalid argument", "[decode]") {
  std::vector<Owned> short_data;
  short_data.push_back(numeric<float>("p", 1, {2, 3}, {0.1f, 0.2f, 0.3f, 0.4f, 0.5f}));
  CHECK(error_code({spec("p", Kind::kProbabilities)}, std::move(short_data), 2) == ErrorCode::kInvalidArgument);

  std::vector<Owned> long_data;
  long_data.push_back(numeric<int64_t>("label", 7, {1}, {0, 1}));
  CHECK(error_code({spec("label", Kind::kLabel)}, std::move(long_data), 1) == ErrorCode::kInvalidArgument);

  std::vector<Owned> few_strings;
  few_strings.push_back(strings("label", {3}, {"a", "b"}));
  CHECK(error_code({spec("label", Kind::kLabel)}, std::move(few_strings), 3) == ErrorCode::kInvalidArgument);
}

TEST_CASE("negative, overflowing and undefined dims or types are invalid arguments", "[decode]") {
  std::vector<Owned> negative;
  negative.push_back(numeric<float>("p", 1, {1, -2}, {}));
  CHECK(error_code({spec("p", Kind::kRaw)}, std::move(negative), 1) == ErrorCode::kInvalidArgument);

  // [0, 2^40, 2^40] holds no element, but its rows would claim 2^80 each.
  std::vector<Owned> overflow;
  overflow.push_back(numeric<float>("p", 1, {0, int64_t{1} << 40, int64_t{1} << 40}, {}));
  CHECK(error_code({spec("p", Kind::kRaw)}, std::move(overflow), 0) == ErrorCode::kInvalidArgument);

  std::vector<Owned> undefined;
  undefined.push_back(numeric<float>("p", 99, {1}, {1.0f}));
  CHECK(error_code({spec("p", Kind::kRaw)}, std::move(undefined), 1) == ErrorCode::kInvalidArgument);
}

TEST_CASE("a batch dimension other than rows, or an element type without a JSON form, is a schema mismatch",
          "[decode]") {
  std::vector<Owned> rows_differ;
  rows_differ.push_back(numeric<int64_t>("label", 7, {2}, {0, 1}));
  CHECK(error_code({spec("label", Kind::kLabel)}, std::move(rows_differ), 3) == ErrorCode::kSchemaMismatch);

  std::vector<Owned> rank0;
  rank0.push_back(numeric<float>("v", 1, {}, {1.0f}));
  CHECK(error_code({spec("v", Kind::kValue)}, std::move(rank0), 1) == ErrorCode::kSchemaMismatch);

  std::vector<Owned> complex;
  complex.push_back(numeric<float>("c", 14, {1}, {1.0f, 0.0f}));  // complex64
  CHECK(error_code({spec("c", Kind::kRaw)}, std::move(complex), 1) == ErrorCode::kSchemaMismatch);
}

TEST_CASE("zero rows decode to no results once the tensors check out", "[decode]") {
  std::vector<Owned> empty;
  empty.push_back(numeric<float>("probabilities", 1, {0, 3}, {}));
  empty.push_back(numeric<int64_t>("label", 7, {0}, {}));
  auto results = decode_owned({spec("label", Kind::kLabel, kIris), spec("probabilities", Kind::kProbabilities, kIris)},
                        std::move(empty), 0);
  CHECK(results.empty());

  std::vector<Owned> wrong_width;
  wrong_width.push_back(numeric<float>("probabilities", 1, {0, 2}, {}));
  CHECK(error_code({spec("probabilities", Kind::kProbabilities, kIris)}, std::move(wrong_width), 0) ==
        ErrorCode::kSchemaMismatch);
}

TEST_CASE("the outputs to fetch: each spec's output once, or every tensor output without specs", "[decode]") {
  onnx::ModelInfo model;
  auto output = [&](std::string name, onnx::TypeInfo::Kind kind) {
    onnx::TypeInfo type;
    type.kind = kind;
    model.outputs.push_back({std::move(name), type, ""});
  };
  output("label", onnx::TypeInfo::Kind::kTensor);
  output("output_probability", onnx::TypeInfo::Kind::kSequence);  // a ZipMap left as it was
  output("probabilities", onnx::TypeInfo::Kind::kTensor);
  model.outputs.push_back({"untyped", std::nullopt, ""});

  CHECK(outputs_to_fetch({}, model) == std::vector<std::string>{"label", "probabilities"});
  std::vector<schema::OutputSpec> specs = {spec("probabilities", Kind::kProbabilities, kIris, 0, "probabilities"),
                                           spec("best", Kind::kTopK, kIris, 1, "probabilities"),
                                           spec("label", Kind::kLabel, kIris)};
  CHECK(outputs_to_fetch(specs, model) == std::vector<std::string>{"probabilities", "label"});
}

TEST_CASE("float32 and float64 outputs decoded as they are point at the output instead of copying it", "[decode]") {
  std::vector<Owned> owned;
  owned.push_back(numeric<int64_t>("label", 7, {2}, {2, 0}));
  owned.push_back(numeric<float>("probabilities", 1, {2, 3}, {0.1f, 0.2f, 0.7f, 0.6f, 0.3f, 0.1f}));
  owned.push_back(numeric<double>("score", 11, {2, 1}, {1.5, -2.25}));
  owned.push_back(numeric<uint16_t>("p16", 10, {2, 1}, {0x3C00, 0xC000}));
  owned.push_back(numeric<int32_t>("count", 6, {2}, {3, 4}));
  std::vector<OutputTensor> outputs = views(owned);
  std::vector<DecodedColumn> columns = decode_columns(
      {spec("label", Kind::kLabel, kIris), spec("probabilities", Kind::kProbabilities, kIris), spec("score", Kind::kValue),
       spec("p16", Kind::kValue), spec("count", Kind::kValue)},
      outputs, 2);
  REQUIRE(columns.size() == 5);
  CHECK_FALSE(columns[0].numbers_output);  // labels are class indices
  CHECK(columns[0].indices == std::vector<uint32_t>{2, 0});
  CHECK(columns[1].numbers_output == std::optional<size_t>(1));  // float32 [rows, 3]: the output itself
  CHECK(columns[1].numbers.empty());
  CHECK(columns[1].number(2) == static_cast<double>(0.7f));
  CHECK(columns[1].value(1) == Json{{"setosa", static_cast<double>(0.6f)}, {"versicolor", static_cast<double>(0.3f)},
                                    {"virginica", static_cast<double>(0.1f)}});
  CHECK(columns[2].form == DecodedColumn::Form::kNumber);  // float64 [rows, 1]: one number per row, in place
  CHECK(columns[2].numbers_output == std::optional<size_t>(2));
  CHECK(columns[2].value(1) == -2.25);
  CHECK_FALSE(columns[3].numbers_output);  // float16 and integers are converted into numbers
  CHECK(columns[3].numbers == std::vector<double>{1.0, -2.0});
  CHECK_FALSE(columns[4].numbers_output);
  CHECK(columns[4].value(0) == 3);
}

TEST_CASE("outputs passed through need not be given: their byte size stands in for their elements", "[decode]") {
  // reads_elements says which outputs a caller may give as a size only (OutputTensor::unread_bytes):
  // float32/float64 outputs that every spec taking them passes through.
  std::vector<schema::OutputSpec> specs = {spec("label", Kind::kLabel, kIris), spec("probabilities", Kind::kProbabilities, kIris),
                                           spec("score", Kind::kValue)};
  CHECK_FALSE(reads_elements(specs, "probabilities", 1));
  CHECK_FALSE(reads_elements(specs, "score", 11));
  CHECK(reads_elements(specs, "probabilities", 10));  // float16 is converted
  CHECK(reads_elements(specs, "label", 7));
  CHECK(reads_elements({}, "probabilities", 1));  // no specs: every output raw
  std::vector<schema::OutputSpec> with_top = specs;
  with_top.push_back(spec("best", Kind::kTopK, kIris, 1, "probabilities"));
  CHECK(reads_elements(with_top, "probabilities", 1));

  std::vector<Owned> owned;
  owned.push_back(numeric<int64_t>("label", 7, {2}, {2, 0}));
  owned.push_back(numeric<float>("probabilities", 1, {2, 3}, {0.1f, 0.2f, 0.7f, 0.6f, 0.3f, 0.1f}));
  owned.push_back(numeric<double>("score", 11, {2}, {1.5, -2.25}));
  std::vector<OutputTensor> outputs = views(owned);
  for (size_t i : {size_t{1}, size_t{2}}) {
    outputs[i].unread_bytes = outputs[i].data.size();
    outputs[i].data = {};
  }
  std::vector<DecodedColumn> columns = decode_columns(specs, outputs, 2);
  REQUIRE(columns.size() == 3);
  CHECK(columns[0].indices == std::vector<uint32_t>{2, 0});
  CHECK(columns[1].numbers_output == std::optional<size_t>(1));
  CHECK(columns[2].numbers_output == std::optional<size_t>(2));

  auto code = [&](const std::vector<schema::OutputSpec>& s, const std::vector<OutputTensor>& o) {
    try {
      decode_columns(s, o, 2);
    } catch (const Error& e) {
      return e.code();
    }
    return ErrorCode::kInternal;
  };
  CHECK(code(with_top, outputs) == ErrorCode::kInvalidArgument);  // top_k reads the elements it was not given
  std::vector<OutputTensor> short_one = outputs;
  short_one[1].unread_bytes = 20;  // [2, 3] float32 is 24 bytes
  CHECK(code(specs, short_one) == ErrorCode::kInvalidArgument);
  CHECK_THROWS_AS(decode_outputs(specs, outputs, 2), Error);  // result objects read every number
}
