#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <map>
#include <random>

#include "batch/packer.h"
#include "common/error.h"
#include "test_support.h"

using namespace onnx_predict;
using namespace onnx_predict::batch;
using Json = nlohmann::json;

namespace {

schema::SchemaDocument iris_document() {
  return schema::parse_schema_document(Json::parse(R"({
    "version": 1,
    "input": {"type": "object",
      "properties": {"sepal_length": {"type": "number", "minimum": 0}, "sepal_width": {"type": "number", "minimum": 0},
                     "petal_length": {"type": "number", "minimum": 0}, "petal_width": {"type": "number", "minimum": 0}},
      "required": ["sepal_length", "sepal_width", "petal_length", "petal_width"], "additionalProperties": false},
    "bind": {"X": {"dtype": "float32", "features": ["sepal_length", "sepal_width", "petal_length", "petal_width"]}}
  })"));
}

// A Pydantic-v1-style schema with an enum via $ref, Optional fields, a boolean and an integer.
schema::SchemaDocument mixed_document() {
  return schema::parse_schema_document(Json::parse(R"({
    "version": 1,
    "input": {"title": "Car", "type": "object",
      "properties": {
        "price": {"title": "Price", "type": "number", "exclusiveMinimum": 0},
        "doors": {"title": "Doors", "type": "integer", "minimum": 2, "maximum": 5, "default": 4},
        "electric": {"title": "Electric", "type": "boolean"},
        "color": {"$ref": "#/definitions/Color"},
        "trim": {"anyOf": [{"type": "string", "enum": ["base", "sport", "lux"]}, {"type": "null"}]},
        "mileage": {"anyOf": [{"type": "number", "minimum": 0}, {"type": "null"}]},
        "model": {"type": "string", "maxLength": 12}
      },
      "required": ["price", "electric", "color", "model"],
      "additionalProperties": false,
      "definitions": {"Color": {"title": "Color", "enum": ["red", "green", "blue"], "type": "string"}}},
    "bind": {
      "num": {"dtype": "float32", "features": ["price", "doors", "electric", "mileage",
                                               {"field": "color", "encoding": "one_hot"},
                                               {"field": "trim", "encoding": "ordinal"}]},
      "model": {"dtype": "string", "field": "model"},
      "doors": {"dtype": "int64", "field": "doors"}
    }
  })"));
}

std::vector<float> floats(const PackedTensor& t) {
  std::vector<float> out(t.data.size() / 4);
  std::memcpy(out.data(), t.data.data(), t.data.size());
  return out;
}

// What the JS layer does: one column per key seen in any record. Texts one per row, or (dictionary)
// as the JS layer sends them: each distinct text once, a code per row (rows without text get a code
// naming no entry, which must not be read).
struct Columns {
  std::vector<std::string> names;
  std::vector<std::vector<uint8_t>> tags;
  std::vector<std::vector<double>> numbers;
  std::vector<std::vector<uint32_t>> offsets;
  std::vector<std::string> data;
  std::vector<std::vector<uint32_t>> codes;
  std::vector<ColumnView> views;
  std::vector<uint8_t> other_tags;  // rows that are not objects
  std::vector<double> other_numbers;
  std::vector<uint32_t> other_offsets;
  std::string other_data;
  ColumnView non_objects;
};
Columns to_columns(const Json& records, bool dictionary = false) {
  Columns c;
  std::map<std::string, size_t> index;
  for (const Json& r : records) {
    if (!r.is_object()) continue;
    for (const auto& [key, value] : r.items()) {
      if (index.emplace(key, c.names.size()).second) c.names.push_back(key);
    }
  }
  size_t n = c.names.size(), rows = records.size();
  c.tags.assign(n, std::vector<uint8_t>(rows, 0));
  c.numbers.assign(n, std::vector<double>(rows, 0));
  c.offsets.assign(n, std::vector<uint32_t>(rows + 1, 0));
  c.data.assign(n, "");
  c.codes.assign(n, {});
  std::vector<std::map<std::string, uint32_t>> entries(n);
  for (size_t k = 0; k < n && dictionary; ++k) {
    c.offsets[k] = {0};
    c.codes[k].assign(rows, 0xFFFFFFFFu);
  }
  for (size_t row = 0; row < rows; ++row) {
    for (size_t k = 0; k < n; ++k) {
      const Json& r = records[row];
      if (!dictionary) c.offsets[k][row] = static_cast<uint32_t>(c.data[k].size());
      if (!r.is_object() || !r.contains(c.names[k])) continue;
      const Json& v = r[c.names[k]];
      Tag tag = v.is_number() ? Tag::kNumber : v.is_boolean() ? (v.get<bool>() ? Tag::kTrue : Tag::kFalse)
                : v.is_null() ? Tag::kNull : v.is_string() ? Tag::kString : Tag::kJson;
      c.tags[k][row] = static_cast<uint8_t>(tag);
      if (tag == Tag::kNumber) c.numbers[k][row] = v.get<double>();
      if (tag != Tag::kString && tag != Tag::kJson) continue;
      std::string text = tag == Tag::kString ? v.get<std::string>() : v.dump();
      if (!dictionary) {
        c.data[k] += text;
        continue;
      }
      auto [entry, added] = entries[k].try_emplace(text, static_cast<uint32_t>(c.offsets[k].size() - 1));
      if (added) {
        c.data[k] += text;
        c.offsets[k].push_back(static_cast<uint32_t>(c.data[k].size()));
      }
      c.codes[k][row] = entry->second;
    }
  }
  for (size_t k = 0; k < n; ++k) {
    if (!dictionary) c.offsets[k][rows] = static_cast<uint32_t>(c.data[k].size());
    c.views.push_back({c.names[k], c.tags[k], c.numbers[k], c.offsets[k], c.data[k], c.codes[k]});
  }
  c.other_tags.assign(rows, 0);
  c.other_numbers.assign(rows, 0);
  for (size_t row = 0; row < rows; ++row) {
    c.other_offsets.push_back(static_cast<uint32_t>(c.other_data.size()));
    const Json& r = records[row];
    if (r.is_object()) continue;
    c.other_tags[row] = static_cast<uint8_t>(r.is_number() ? Tag::kNumber : Tag::kJson);
    if (r.is_number()) c.other_numbers[row] = r.get<double>();
    else c.other_data += r.dump();
  }
  c.other_offsets.push_back(static_cast<uint32_t>(c.other_data.size()));
  c.non_objects = {"", c.other_tags, c.other_numbers, c.other_offsets, c.other_data};
  return c;
}

Json errors_json(const PackedBatch& b) {
  Json out = Json::array();
  for (const auto& e : b.errors) out.push_back(e.to_json());
  return out;
}

// "" when equal, else the first differing error of each side (a readable failure for big lists).
std::string first_difference(const Json& a, const Json& b) {
  for (size_t i = 0; i < std::max(a.size(), b.size()); ++i) {
    Json x = i < a.size() ? a[i] : Json(), y = i < b.size() ? b[i] : Json();
    if (x != y) return "error " + std::to_string(i) + ":\n  " + x.dump() + "\n  " + y.dump();
  }
  return "";
}

// Packs `records` through the three paths (columns with texts per row and as a dictionary) and checks that they agree with the DOM reference:
// the same errors in the same order, the same row map, the same tensor bytes (NaN bits included)
// and strings. Returns the reference batch.
PackedBatch pack_three_ways(Packer& packer, const Json& records) {
  std::string text = records.dump();
  PackedBatch dom = packer.pack_json_dom(text);
  PackedBatch sax = packer.pack_json(text);
  Columns columns = to_columns(records);
  PackedBatch col = packer.pack_columns(records.size(), columns.views, &columns.non_objects);
  Columns coded = to_columns(records, true);
  PackedBatch dict = packer.pack_columns(records.size(), coded.views, &coded.non_objects);
  for (const PackedBatch* other : {&sax, &col, &dict}) {
    CHECK(first_difference(errors_json(*other), errors_json(dom)) == "");
    CHECK(other->row_map == dom.row_map);
    REQUIRE(other->tensors.size() == dom.tensors.size());
    for (size_t t = 0; t < dom.tensors.size(); ++t) {
      CHECK(other->tensors[t].dims == dom.tensors[t].dims);
      CHECK(other->tensors[t].data == dom.tensors[t].data);
      CHECK(other->tensors[t].strings == dom.tensors[t].strings);
    }
  }
  return dom;
}

}  // namespace

TEST_CASE("valid iris records pack into one float32 [n, 4] tensor in record order", "[packer]") {
  schema::SchemaDocument doc = iris_document();
  Packer packer(doc);
  const PackedBatch& b = packer.pack_json(R"([
    {"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2},
    {"petal_width": 1.3, "petal_length": 4, "sepal_width": 2.8, "sepal_length": 5.7}])");
  REQUIRE(b.errors.empty());
  REQUIRE(b.tensors.size() == 1);
  CHECK(b.tensors[0].name == "X");
  CHECK(b.tensors[0].dims == std::vector<int64_t>{2, 4});
  CHECK(floats(b.tensors[0]) == std::vector<float>{5.1f, 3.5f, 1.4f, 0.2f, 5.7f, 2.8f, 4.0f, 1.3f});
  CHECK(b.row_map == std::vector<uint32_t>{0, 1});
}

TEST_CASE("invalid records are reported with Pydantic locs and left out; the rest keep their order", "[packer]") {
  schema::SchemaDocument doc = iris_document();
  Packer packer(doc);
  const PackedBatch& b = packer.pack_json(R"([
    {"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2},
    {"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": -1},
    {"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4},
    {"sepal_length": "5.1", "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2, "color": "red"},
    7,
    {"sepal_length": 6.0, "sepal_width": 3.0, "petal_length": 5.0, "petal_width": 2.0}])");
  CHECK(b.records == 6);
  CHECK(b.row_map == std::vector<uint32_t>{0, 5});
  CHECK(b.tensors[0].dims == std::vector<int64_t>{2, 4});
  Json errors = errors_json(b);
  REQUIRE(errors.size() == 5);
  CHECK(errors[0]["loc"] == Json::parse(R"([1, "petal_width"])"));
  CHECK(errors[0]["type"] == "greater_than_equal");
  CHECK(errors[0]["msg"] == "Input should be greater than or equal to 0");
  CHECK(errors[0]["input"] == -1);
  CHECK(errors[1]["loc"] == Json::parse(R"([2, "petal_width"])"));
  CHECK(errors[1]["type"] == "missing");
  CHECK(errors[2]["loc"] == Json::parse(R"([3, "color"])"));
  CHECK(errors[2]["type"] == "extra_forbidden");
  CHECK(errors[3]["loc"] == Json::parse(R"([3, "sepal_length"])"));
  CHECK(errors[3]["type"] == "float_type");
  CHECK(errors[4]["loc"] == Json::parse(R"([4])"));
  CHECK(errors[4]["type"] == "dict_type");
}

TEST_CASE("one-hot, ordinal, booleans, defaults, NaN and string columns pack as docs/schema.md says", "[packer]") {
  schema::SchemaDocument doc = mixed_document();
  Packer packer(doc);
  const PackedBatch& b = packer.pack_json(R"([
    {"price": 20000, "doors": 3, "electric": true, "color": "green", "trim": "lux", "mileage": 12.5, "model": "zoe"},
    {"price": 9999.5, "electric": false, "color": "red", "trim": null, "model": "polo"}])");
  INFO(errors_json(b).dump());
  REQUIRE(b.errors.empty());
  REQUIRE(b.row_map == std::vector<uint32_t>{0, 1});
  // Tensors come in `bind` key order (JSON objects are unordered): doors, model, num.
  REQUIRE(b.tensors.size() == 3);
  const PackedTensor& doors_tensor = b.tensors[0];
  const PackedTensor& model_tensor = b.tensors[1];
  const PackedTensor& num_tensor = b.tensors[2];
  CHECK(num_tensor.name == "num");
  // price, doors, electric, mileage, red, green, blue, trim
  std::vector<float> num = floats(num_tensor);
  REQUIRE(num.size() == 16);
  std::vector<float> row0(num.begin(), num.begin() + 8), row1(num.begin() + 8, num.end());
  CHECK(row0 == std::vector<float>{20000, 3, 1, 12.5f, 0, 1, 0, 2});
  CHECK(row1[0] == 9999.5f);
  CHECK(row1[1] == 4);  // the schema's default
  CHECK(row1[2] == 0);
  CHECK(std::isnan(row1[3]));  // Optional, absent, no default
  CHECK(std::vector<float>(row1.begin() + 4, row1.begin() + 7) == std::vector<float>{1, 0, 0});
  CHECK(std::isnan(row1[7]));  // null ordinal
  CHECK(num_tensor.dims == std::vector<int64_t>{2, 8});
  CHECK(model_tensor.strings == std::vector<std::string>{"zoe", "polo"});
  CHECK(model_tensor.dims == std::vector<int64_t>{2, 1});
  std::vector<int64_t> doors(2);
  REQUIRE(doors_tensor.data.size() == 16);
  std::memcpy(doors.data(), doors_tensor.data.data(), 16);
  CHECK(doors == std::vector<int64_t>{3, 4});
}

TEST_CASE("bindings that cannot hold their fields are schema_invalid with a path", "[packer][schema]") {
  auto error_of = [](const char* bind) {
    Json doc = Json::parse(R"({"version": 1, "input": {"type": "object", "properties": {
        "x": {"type": "number"}, "s": {"type": "string"}, "n": {"type": "integer"}}, "required": ["x", "s"]}})");
    doc["bind"] = Json::parse(bind);
    try {
      schema::parse_schema_document(doc);
    } catch (const Error& e) {
      CHECK(e.code() == ErrorCode::kSchemaInvalid);
      return e.path() + ": " + e.message();
    }
    return std::string("no error");
  };
  CHECK_THAT(error_of(R"({"X": {"dtype": "float32", "features": ["x", "nope"]}})"), Catch::StartsWith("bind.X.features[1]: field 'nope'"));
  CHECK_THAT(error_of(R"({"X": {"dtype": "float32", "features": ["s"]}})"), Catch::Contains("is a string"));
  CHECK_THAT(error_of(R"({"X": {"dtype": "int64", "features": ["x"]}})"), Catch::Contains("declare it an integer"));
  CHECK_THAT(error_of(R"({"X": {"dtype": "int64", "field": "n"}})"), Catch::Contains("give it a default"));
  CHECK_THAT(error_of(R"({"X": {"dtype": "float32", "features": [{"field": "s", "encoding": "one_hot"}]}})"), Catch::Contains("categories"));
  CHECK_THAT(error_of(R"({"X": {"dtype": "float16", "features": ["x"]}})"), Catch::StartsWith("bind.X.dtype"));
  CHECK_THAT(error_of(R"({"X": {"dtype": "float32"}})"), Catch::Contains("exactly one of"));
}

TEST_CASE("malformed record text is invalid_argument with a byte offset", "[packer]") {
  schema::SchemaDocument doc = iris_document();
  Packer packer(doc);
  for (const char* text : {"[{\"sepal_length\": 1,", "{\"a\": 1}", "42", "", "[1, 2] x"}) {
    INFO(text);
    try {
      packer.pack_json(text);
      FAIL("expected an error");
    } catch (const Error& e) {
      CHECK(e.code() == ErrorCode::kInvalidArgument);
    }
    CHECK_THROWS_AS(packer.pack_json_dom(text), Error);
  }
  // The packer still works after errors.
  CHECK(packer.pack_json("[]").records == 0);
}

TEST_CASE("a category outside an explicit list is an enum error for that record only", "[packer]") {
  schema::SchemaDocument doc = schema::parse_schema_document(Json::parse(R"({"version": 1,
    "input": {"type": "object", "properties": {"c": {"type": "string"}}, "required": ["c"]},
    "bind": {"X": {"dtype": "float32", "features": [{"field": "c", "encoding": "one_hot", "categories": ["a", "b"]}]}}})"));
  Packer packer(doc);
  const PackedBatch& b = packer.pack_json(R"([{"c": "a"}, {"c": "z"}, {"c": "b"}])");
  CHECK(b.row_map == std::vector<uint32_t>{0, 2});
  CHECK(floats(b.tensors[0]) == std::vector<float>{1, 0, 0, 1});
  REQUIRE(b.errors.size() == 1);
  CHECK(b.errors[0].type == "enum");
  CHECK(b.errors[0].msg == "Input should be 'a' or 'b'");
}

TEST_CASE("SAX, DOM and columnar paths agree on 12,000 generated records, invalid ones included", "[packer]") {
  schema::SchemaDocument doc = mixed_document();
  std::mt19937_64 rng(20261123);
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  // Mostly valid values, with one invalid choice in each list.
  const std::vector<Json> prices = {20000, 0.5, 1e300, 7, 12.25, 99, 3000, 42, 1, 15000,
                                    0, -3, "12", nullptr, true, Json::array({1})};
  const std::vector<Json> doors = {2, 5, 3.0, 4, 3, 2, 5, 4, 6, 1, 3.5, "4", nullptr, false};
  const std::vector<Json> colors = {"red", "green", "blue", "red", "green", "blue", "red", "green", "blue",
                                    "pink", 3, nullptr, Json::object({{"r", 1}})};
  const std::vector<Json> trims = {"base", "sport", "lux", nullptr, "base", "sport", "lux", nullptr, "ultra", 2};
  const std::vector<Json> models = {"zoe", "", "id.3", "golf", "zoe", "", "id.3", "golf", "a-very-long-model-name", 5, nullptr};
  Json records = Json::array();
  for (int i = 0; i < 12000; ++i) {
    if (pick(50) == 0) { records.push_back(pick(2) ? Json(i) : Json::array({i})); continue; }
    Json r = Json::object();
    if (pick(20)) r["price"] = prices[pick(prices.size())];
    if (pick(3)) r["doors"] = doors[pick(doors.size())];
    if (pick(20)) r["electric"] = pick(10) ? Json(pick(2) == 0) : Json("yes");
    if (pick(20)) r["color"] = colors[pick(colors.size())];
    if (pick(2)) r["trim"] = trims[pick(trims.size())];
    if (pick(2)) r["mileage"] = pick(5) ? Json(static_cast<double>(pick(100000)) / 10) : Json(-1);
    if (pick(20)) r["model"] = models[pick(models.size())];
    if (pick(30) == 0) r["extra"] = pick(2) ? Json(1) : Json::object({{"nested", Json::array({1, 2})}});
    records.push_back(r);
  }
  Packer packer(doc);
  PackedBatch dom = pack_three_ways(packer, records);
  INFO("valid records: " << dom.row_map.size() << ", errors: " << dom.errors.size());
  CHECK(dom.row_map.size() > 1000);
  CHECK(dom.errors.size() > 1000);
}

TEST_CASE("a tensor binding flattens nested arrays of the declared shape", "[packer]") {
  schema::SchemaDocument doc = schema::parse_schema_document(Json::parse(R"({"version": 1,
    "input": {"type": "object", "properties": {"image": {"type": "array", "items": {"type": "array", "items": {"type": "number"}}}},
              "required": ["image"]},
    "bind": {"image": {"dtype": "float32", "tensor": "image", "shape": [2, 2]}}})"));
  Packer packer(doc);
  const PackedBatch& b = packer.pack_json(R"([{"image": [[1, 2], [3, 4]]}, {"image": [[1, 2, 3], [4, 5, 6]]}, {"image": [[5, 6], [7, 8]]}])");
  CHECK(b.tensors[0].dims == std::vector<int64_t>{2, 2, 2});
  CHECK(floats(b.tensors[0]) == std::vector<float>{1, 2, 3, 4, 5, 6, 7, 8});
  REQUIRE(b.errors.size() == 1);
  CHECK(b.errors[0].type == "tensor_shape");
  CHECK(b.row_map == std::vector<uint32_t>{0, 2});
}

TEST_CASE("the numeric columns fast path agrees with the DOM path on 12,000 records, invalid ones included", "[packer]") {
  // Every field is "simple" (a type and bounds), every binding takes values as they are: the
  // columns go through FastColumnPlan, the JSON text through SAX, the reference through the DOM.
  schema::SchemaDocument doc = schema::parse_schema_document(Json::parse(R"({"version": 1,
    "input": {"type": "object", "additionalProperties": false, "required": ["a", "b", "flag"],
      "properties": {
        "a": {"type": "number", "minimum": 0, "maximum": 10},
        "b": {"type": "integer", "exclusiveMinimum": -5, "exclusiveMaximum": 5},
        "flag": {"type": "boolean"},
        "c": {"anyOf": [{"type": "number", "exclusiveMinimum": 0}, {"type": "null"}]},
        "d": {"type": "number", "default": 2.5},
        "e": {"type": "integer", "default": 7, "minimum": 0}}},
    "bind": {"X": {"dtype": "float32", "features": ["a", "b", "flag", "c", "d"]},
             "E": {"dtype": "int64", "field": "e"}, "F": {"dtype": "float64", "features": ["a", "flag"]}}})"));
  std::mt19937_64 rng(7);
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  const std::vector<Json> as = {0, 10, 3.25, 9.999, 1e-300, 5, 7.5, 2, -0.001, 10.5, "3", nullptr, true};
  const std::vector<Json> bs = {-4, 4, 0, 3.0, 1, 2, -2, -5, 5, 2.5, false};
  const std::vector<Json> cs = {nullptr, 0.5, 100, 1e9, 3, 0, -1, "x"};
  const std::vector<Json> es = {0, 3, 12, 99, 1, -1, 1.5};
  Json records = Json::array();
  for (int i = 0; i < 12000; ++i) {
    if (pick(100) == 0) { records.push_back(Json::array()); continue; }
    Json r = Json::object();
    if (pick(30)) r["a"] = as[pick(as.size())];
    if (pick(30)) r["b"] = bs[pick(bs.size())];
    if (pick(30)) r["flag"] = pick(15) ? Json(pick(2) == 1) : Json(0);
    if (pick(2)) r["c"] = cs[pick(cs.size())];
    if (pick(2)) r["d"] = static_cast<double>(pick(1000)) / 8;
    if (pick(2)) r["e"] = es[pick(es.size())];
    if (pick(40) == 0) r["zzz"] = 1;
    records.push_back(r);
  }
  Packer packer(doc);
  PackedBatch dom = pack_three_ways(packer, records);
  INFO("valid records: " << dom.row_map.size() << ", errors: " << dom.errors.size());
  CHECK(dom.row_map.size() > 2000);
  CHECK(dom.errors.size() > 2000);

  // All valid: the column-wise writer.
  Json valid = Json::array();
  for (uint32_t r : dom.row_map) valid.push_back(records[r]);
  Columns valid_columns = to_columns(valid);
  PackedBatch all = packer.pack_columns(valid.size(), valid_columns.views);
  PackedBatch all_dom = packer.pack_records(valid);
  CHECK(all.errors.empty());
  CHECK(all.row_map.size() == valid.size());
  for (size_t t = 0; t < all_dom.tensors.size(); ++t) CHECK(all.tensors[t].data == all_dom.tensors[t].data);
}

TEST_CASE("all-number columns are written row by row exactly as the DOM path packs them, for every width and row count", "[packer]") {
  // The dense writer transposes 4 x 4 (float32) and 2 x 2 (float64) blocks with wasm SIMD and
  // leaves the remainder rows and columns to scalar code: widths 1..9 and row counts 0..9 and
  // 1,003 cover every remainder; the values include ones float32 rounds and -0.
  std::mt19937_64 rng(11);
  const std::vector<double> values = {0, -0.0, 1, -1.5, 0.1, 3.4028234663852886e38, 1e-45, 123456789.123, -2.5e-8, 7};
  for (size_t width = 1; width <= 9; ++width) {
    Json properties = Json::object();
    Json features = Json::array();
    for (size_t j = 0; j < width; ++j) {
      std::string name = "f" + std::to_string(j);
      properties[name] = {{"type", "number"}};
      features.push_back(name);
    }
    Json document = {{"version", 1}, {"input", {{"type", "object"}, {"properties", properties}}},
                     {"bind", {{"X", {{"dtype", "float32"}, {"features", features}}}, {"Y", {{"dtype", "float64"}, {"features", features}}}}}};
    schema::SchemaDocument doc = schema::parse_schema_document(document);
    Packer packer(doc);
    for (size_t rows : {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 1003}) {
      Json records = Json::array();
      for (size_t r = 0; r < rows; ++r) {
        Json record = Json::object();
        for (size_t j = 0; j < width; ++j) record["f" + std::to_string(j)] = values[rng() % values.size()] * static_cast<double>(r % 7 + 1);
        records.push_back(record);
      }
      Columns columns = to_columns(records);
      INFO("width " << width << ", rows " << rows);
      PackedBatch packed = packer.pack_columns(rows, columns.views);
      const PackedBatch& dom = packer.pack_records(records);
      REQUIRE(packed.row_map.size() == rows);
      CHECK(packed.tensors[0].data == dom.tensors[0].data);
      CHECK(packed.tensors[1].data == dom.tensors[1].data);
    }
  }
}

TEST_CASE("an all-number column's bounds check finds a bad number in every position", "[packer]") {
  // The bounds check of an all-number column runs 4 numbers per SIMD step plus a scalar tail:
  // one bad number (below, above, NaN, infinite) at each position of 11 rows fails that row only.
  schema::SchemaDocument doc = schema::parse_schema_document(Json::parse(R"({"version": 1,
    "input": {"type": "object", "properties": {"a": {"type": "number", "minimum": 0, "maximum": 10}}},
    "bind": {"X": {"dtype": "float32", "features": ["a"]}}})"));
  Packer packer(doc);
  const size_t rows = 11;
  std::vector<uint8_t> tags(rows, static_cast<uint8_t>(Tag::kNumber));
  for (double bad : {-0.5, 10.5, std::nan(""), HUGE_VAL}) {
    for (size_t at = 0; at < rows; ++at) {
      std::vector<double> a(rows, 10);
      a[at] = bad;
      std::vector<ColumnView> cols = {{"a", tags, a, {}, {}}};
      const PackedBatch& b = packer.pack_columns(rows, cols);
      INFO("bad " << bad << " at " << at);
      REQUIRE(b.errors.size() == 1);
      CHECK(b.errors[0].loc[0] == schema::LocItem(static_cast<int64_t>(at)));
      CHECK(b.row_map.size() == rows - 1);
    }
  }
}

TEST_CASE("one bad number among 1,003 all-number rows fails only its row, wherever it is", "[packer]") {
  // All-number columns take the reductions and the transposing writer; one row out of bounds (in
  // a bound field, an integer field, or a field no binding takes) sends the batch to the per-row
  // check: the result must be the DOM path's.
  schema::SchemaDocument doc = schema::parse_schema_document(Json::parse(R"({"version": 1,
    "input": {"type": "object", "required": ["a", "n"], "properties": {
      "a": {"type": "number", "minimum": -1, "exclusiveMaximum": 5},
      "n": {"type": "integer", "minimum": 0},
      "unbound": {"type": "number", "maximum": 100}}},
    "bind": {"X": {"dtype": "float32", "features": ["a", "n"]}, "Y": {"dtype": "float64", "features": ["n"]}}})"));
  Packer packer(doc);
  const size_t rows = 1003;
  for (size_t bad_at : {size_t{0}, size_t{255}, size_t{256}, size_t{700}, size_t{1002}, rows}) {
    for (const char* field : {"a", "n", "unbound"}) {
      Json records = Json::array();
      for (size_t r = 0; r < rows; ++r) {
        Json record = {{"a", static_cast<double>(r % 11) / 2.5 - 1}, {"n", r % 7}, {"unbound", static_cast<double>(r % 100)}};
        if (r == bad_at) record[field] = std::string(field) == "a" ? 5.0 : std::string(field) == "n" ? 2.5 : 100.5;
        records.push_back(record);
      }
      INFO("bad " << field << " at row " << bad_at);
      PackedBatch dom = pack_three_ways(packer, records);
      CHECK(dom.errors.size() == (bad_at < rows ? 1u : 0u));
      CHECK(dom.row_map.size() == (bad_at < rows ? rows - 1 : rows));
    }
  }
}

TEST_CASE("enum columns pack as the DOM path does, short enums (compared) and long ones (hashed)", "[packer]") {
  for (size_t count : {size_t{3}, size_t{8}, size_t{9}, size_t{40}}) {
    Json values = Json::array();
    for (size_t i = 0; i < count; ++i) values.push_back("v" + std::to_string(i));
    Json document = {{"version", 1},
                     {"input", {{"type", "object"}, {"properties", {{"c", {{"type", "string"}, {"enum", values}}}, {"x", {{"type", "number"}}}}}}},
                     {"bind", {{"X", {{"dtype", "float32"}, {"features", {"x", {{"field", "c"}, {"encoding", "one_hot"}, {"categories", values}}}}}}}}};
    schema::SchemaDocument doc = schema::parse_schema_document(document);
    Packer packer(doc);
    Json records = Json::array();
    for (size_t r = 0; r < 500; ++r) {
      Json record = {{"x", static_cast<double>(r)}};
      if (r % 7 == 3) record["c"] = "v" + std::to_string(count);  // not in the enum
      else if (r % 11 != 5) record["c"] = "v" + std::to_string((r * 13) % count);  // else absent
      records.push_back(record);
    }
    INFO(count << " enum strings");
    PackedBatch dom = pack_three_ways(packer, records);
    CHECK(dom.errors.size() == 71);  // rows 3, 10, 17, ..., 493
  }
}

TEST_CASE("column arrays that do not cover their rows or texts are invalid_argument, and the packer goes on", "[packer]") {
  Json values = {"a", "b", "c"};
  Json document = {{"version", 1},
                   {"input", {{"type", "object"}, {"properties", {{"c", {{"type", "string"}, {"enum", values}}}}}}},
                   {"bind", {{"X", {{"dtype", "float32"}, {"features", {{{"field", "c"}, {"encoding", "one_hot"}, {"categories", values}}}}}}}}};
  schema::SchemaDocument doc = schema::parse_schema_document(document);
  Packer packer(doc);
  const uint8_t s = static_cast<uint8_t>(Tag::kString), m = static_cast<uint8_t>(Tag::kMissing);
  const std::vector<uint8_t> tags = {s, m, s, 9};
  const std::vector<uint32_t> offsets = {0, 1, 2, 3}, codes = {2, 7, 0};  // entries "a", "b", "c"
  const std::string data = "abc";
  auto refused = [&](ColumnView column, size_t rows) {
    std::vector<ColumnView> columns = {column};
    try {
      packer.pack_columns(rows, columns);
    } catch (const Error& e) {
      INFO(e.what());
      return e.code() == ErrorCode::kInvalidArgument;
    }
    return false;
  };
  const std::span<const uint8_t> three(tags.data(), 3);
  CHECK(refused({"c", three, {}, offsets, data, codes}, 4));                          // fewer tags than rows
  CHECK(refused({"c", tags, {}, offsets, data, codes}, 4));                           // an unknown tag
  CHECK(refused({"c", three, {}, offsets, data, {codes.data(), 2}}, 3));              // fewer codes than rows
  CHECK(refused({"c", three, {}, {}, data, codes}, 3));                               // codes but no offsets
  CHECK(refused({"c", three, {}, offsets, "ab", codes}, 3));                          // entry 2 ends past the data
  const std::vector<uint32_t> outside = {3, 0, 0};                                    // row 0 names entry 3 of 3
  CHECK(refused({"c", three, {}, offsets, data, outside}, 3));
  CHECK(refused({"c", three, {}, {offsets.data(), 3}, data, {}}, 3));                 // per-row texts need rows + 1 offsets
  // A column with no string row: its texts are not read, so offsets too short for one text per
  // row are no error (ASan: an entry looked up beyond them would read past `one_offset`).
  const std::vector<uint8_t> absent = {m, m, m};
  const std::vector<uint32_t> one_offset = {0};
  std::vector<ColumnView> no_text = {{"c", absent, {}, one_offset, data, {}}};
  CHECK(packer.pack_columns(3, no_text).errors.empty());
  // Row 1 is absent: its code (7) is not read. Rows 0 and 2 are "c" and "a".
  std::vector<ColumnView> good = {{"c", three, {}, offsets, data, codes}};
  const PackedBatch& b = packer.pack_columns(3, good);
  CHECK(b.errors.empty());
  CHECK(b.row_map == std::vector<uint32_t>{0, 1, 2});
  CHECK(floats(b.tensors[0]) == std::vector<float>{0, 0, 1, 0, 0, 0, 1, 0, 0});
}

TEST_CASE("NaN and Infinity in a number column are finite_number errors, not packed values", "[packer]") {
  schema::SchemaDocument doc = iris_document();
  Packer packer(doc);
  std::vector<double> v = {1, std::nan(""), HUGE_VAL, 2};
  std::vector<uint8_t> tags(4, static_cast<uint8_t>(Tag::kNumber));
  std::vector<ColumnView> cols;
  for (const char* name : {"sepal_length", "sepal_width", "petal_length", "petal_width"}) cols.push_back({name, tags, v, {}, {}});
  const PackedBatch& b = packer.pack_columns(4, cols);
  CHECK(b.row_map == std::vector<uint32_t>{0, 3});
  REQUIRE(b.errors.size() == 8);
  for (const auto& e : b.errors) CHECK(e.type == "finite_number");
}

TEST_CASE("the columns fast path reads no stale number behind an absent or null row", "[packer]") {
  // Staged columns are reused across batches: a row tagged absent or null may still hold an old
  // number (here huge, NaN or out of bounds), which must neither be checked nor packed.
  schema::SchemaDocument doc = schema::parse_schema_document(Json::parse(R"({"version": 1,
    "input": {"type": "object", "required": ["a"], "properties": {
      "a": {"type": "number", "minimum": 0, "maximum": 1},
      "b": {"anyOf": [{"type": "integer", "exclusiveMinimum": 0}, {"type": "null"}], "default": 3}}},
    "bind": {"X": {"dtype": "float32", "features": ["a", "b"]}}})"));
  Packer packer(doc);
  const uint8_t num = static_cast<uint8_t>(Tag::kNumber), null = static_cast<uint8_t>(Tag::kNull), missing = static_cast<uint8_t>(Tag::kMissing);
  std::vector<uint8_t> a_tags = {num, num, num, num}, b_tags = {missing, null, num, missing};
  std::vector<double> a = {0.5, 1, 0, 0.25}, b = {1e300, std::nan(""), 2, -7.5};
  std::vector<ColumnView> cols = {{"a", a_tags, a, {}, {}}, {"b", b_tags, b, {}, {}}};
  const PackedBatch packed = packer.pack_columns(4, cols);
  CHECK(packed.errors.empty());
  CHECK(packed.row_map.size() == 4);
  const PackedBatch& dom = packer.pack_records(Json::parse(R"([{"a": 0.5}, {"a": 1, "b": null}, {"a": 0, "b": 2}, {"a": 0.25}])"));
  CHECK(dom.row_map.size() == 4);
  CHECK(packed.tensors[0].data == dom.tensors[0].data);  // bytes: the same NaN where null is packed as one
}
