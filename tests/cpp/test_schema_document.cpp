#include <catch2/catch.hpp>

#include "onnx/data_type.h"
#include "onnx/model_info.h"
#include "schema/compatibility.h"
#include "schema/derive.h"
#include "schema/resolve.h"
#include "schema/schema_document.h"
#include "test_support.h"

using namespace onnx_predict;
using namespace onnx_predict::onnx;
using Json = nlohmann::json;

namespace {

ModelInfo iris_info() { return read_model_info(test_support::read_file(test_support::kSourceDir / "models/iris.onnx")); }

std::string embedded_schema(const ModelInfo& info) {
  for (const auto& [key, value] : info.metadata_props) {
    if (key == schema::kEmbeddedSchemaKey) return value;
  }
  return {};
}

ValueInfo tensor(std::string name, int32_t elem_type, std::vector<Dimension> dims) {
  TypeInfo type;
  type.kind = TypeInfo::Kind::kTensor;
  type.elem_type = elem_type;
  type.has_elem_type = true;
  type.shape = std::move(dims);
  return {std::move(name), type, ""};
}
Dimension fixed(int64_t v) { return {Dimension::Kind::kValue, v, "", ""}; }
Dimension named(const char* p) { return {Dimension::Kind::kParam, 0, p, ""}; }

}  // namespace

TEST_CASE("the iris model's embedded schema compiles and fits the model", "[schema]") {
  ModelInfo info = iris_info();
  schema::SchemaDocument doc = schema::parse_schema_document_text(embedded_schema(info));
  CHECK(doc.bind.size() == 1);
  CHECK(doc.bind[0].width() == 4);
  CHECK(doc.output.size() == 2);
  CHECK(doc.examples.size() == 3);
  schema::Compatibility compat = schema::check_compatibility(doc, info);
  CHECK_FALSE(compat.fixed_batch.has_value());
}

TEST_CASE("every mismatch between schema and model is listed at once", "[schema]") {
  ModelInfo info = iris_info();
  Json doc = Json::parse(embedded_schema(info));
  doc["bind"]["X"]["dtype"] = "float64";                          // 1: element type
  doc["bind"]["X"]["features"].erase(3);                          // 2: width 3, not 4
  doc["input"]["required"] = Json::array({"sepal_length"});       // keep the document valid
  doc["bind"]["Z"] = {{"dtype", "float32"}, {"field", "petal_width"}};  // 3: no input Z
  doc["output"]["probabilities"]["classes"].push_back("unknown");  // 4: 4 classes, 3 columns
  doc["output"]["score"] = {{"from", "scores"}, {"kind", "raw"}};   // 5: no output scores
  doc.erase("examples");
  schema::SchemaDocument compiled = schema::parse_schema_document(doc);
  try {
    schema::check_compatibility(compiled, info);
    FAIL("expected schema_mismatch");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kSchemaMismatch);
    INFO(e.what());
    REQUIRE(e.details()["mismatches"].size() == 5);
    CHECK_THAT(e.message(), Catch::Contains("bind.X.dtype: is float64 but the model input 'X' is float32"));
    CHECK_THAT(e.message(), Catch::Contains("the binding packs 3 but the model input 'X' has 4 at axis 1"));
    CHECK_THAT(e.message(), Catch::Contains("the model has no input 'Z'"));
    CHECK_THAT(e.message(), Catch::Contains("names 4 classes but the output 'probabilities' has 3 columns"));
    CHECK_THAT(e.message(), Catch::Contains("the model has no output 'scores'"));
  }
}

TEST_CASE("an unbound model input and a fixed batch dimension are noticed", "[schema]") {
  ModelInfo info;
  info.inputs = {tensor("a", kFloat, {fixed(1), fixed(2)}), tensor("b", kFloat, {fixed(1), fixed(1)})};
  info.outputs = {tensor("y", kFloat, {fixed(1), fixed(1)})};
  schema::SchemaDocument doc = schema::parse_schema_document(Json::parse(R"({"version": 1,
    "input": {"type": "object", "properties": {"p": {"type": "number"}, "q": {"type": "number"}}, "required": ["p", "q"]},
    "bind": {"a": {"dtype": "float32", "features": ["p", "q"]}}})"));
  CHECK_THROWS_WITH(schema::check_compatibility(doc, info), Catch::Contains("the model input 'b' is not bound"));
  info.inputs.pop_back();
  CHECK(schema::check_compatibility(doc, info).fixed_batch == 1);
}

TEST_CASE("a schema derived from per-column inputs has one typed field per input", "[schema]") {
  ModelInfo info;
  info.inputs = {tensor("age", kFloat, {named("N"), fixed(1)}), tensor("city", kString, {named("N"), fixed(1)}),
                 tensor("rooms", kInt64, {named("N")})};
  info.outputs = {tensor("price", kFloat, {named("N"), fixed(1)})};
  Json derived = schema::derive_schema(info);
  CHECK(derived["input"]["properties"]["city"] == Json::parse(R"({"type": "string"})"));
  CHECK(derived["input"]["properties"]["rooms"] == Json::parse(R"({"type": "integer"})"));
  CHECK(derived["bind"]["age"] == Json::parse(R"({"dtype": "float32", "field": "age"})"));
  CHECK(derived["output"]["price"] == Json::parse(R"({"from": "price", "kind": "raw"})"));
  schema::SchemaDocument doc = schema::parse_schema_document(derived);
  schema::check_compatibility(doc, info);
  CHECK(doc.bind[2].rank == 1);  // [N] input
}

TEST_CASE("a schema derived from a matrix input takes nested arrays of its fixed shape", "[schema]") {
  ModelInfo info = iris_info();
  Json derived = schema::derive_schema(info);
  CHECK(derived["input"]["properties"]["X"] ==
        Json::parse(R"({"type": "array", "items": {"type": "number"}, "minItems": 4, "maxItems": 4})"));
  CHECK(derived["bind"]["X"] == Json::parse(R"({"dtype": "float32", "tensor": "X", "shape": [4]})"));
  schema::SchemaDocument doc = schema::parse_schema_document(derived);
  schema::check_compatibility(doc, info);
  std::vector<schema::ValidationError> errors;
  CHECK_FALSE(doc.validator.validate(Json::parse(R"({"X": [1, 2, 3]})"), errors));
  CHECK(errors.at(0).type == "too_short");
}

TEST_CASE("models whose inputs records cannot express need a schema", "[schema]") {
  ModelInfo info;
  info.inputs = {tensor("x", kFloat16, {named("N"), fixed(3)})};
  CHECK_THROWS_WITH(schema::derive_schema(info), Catch::Contains("element type float16"));
  info.inputs = {tensor("x", kFloat, {named("N"), named("T")})};
  CHECK_THROWS_WITH(schema::derive_schema(info), Catch::Contains("dimension 1 is not a fixed size"));
}

TEST_CASE("schema documents with structural problems are schema_invalid with a path", "[schema]") {
  auto path_of = [](const char* text) {
    try {
      schema::parse_schema_document_text(text);
    } catch (const Error& e) {
      CHECK(e.code() == ErrorCode::kSchemaInvalid);
      return e.path();
    }
    return std::string("no error");
  };
  CHECK(path_of("{\"version\": 1, ") == "");
  CHECK(path_of(R"({"version": 2, "input": {}, "bind": {}})") == "version");
  CHECK(path_of(R"({"version": 1, "bind": {}})") == "input");
  CHECK(path_of(R"({"version": 1, "input": {"type": "object", "properties": {"x": {"type": "number"}}}, "bind": {"X": {"dtype": "float32", "features": ["x"]}},
                   "output": {"y": {"kind": "top_k"}}})") == "output.y.k");
  CHECK(path_of(R"({"version": 1, "input": {"type": "object", "properties": {"x": {"type": "number", "minimum": 0}}, "required": ["x"]},
                   "bind": {"X": {"dtype": "float32", "features": ["x"]}}, "examples": [{"input": {"x": -1}}]})") == "examples[0].input");
  CHECK(path_of(R"({"version": 1, "input": {"type": "object", "properties": {"x": {"minimum": "zero"}}}, "bind": {}})").rfind("input", 0) == 0);
}

TEST_CASE("the schema in force: the given one, else the embedded one, else one derived from the signature", "[schema]") {
  ModelInfo info = iris_info();
  schema::ResolvedSchema embedded = schema::resolve_schema(info, std::nullopt);
  CHECK(embedded.source == schema::SchemaSource::kEmbedded);
  CHECK(embedded.document.output.size() == 2);

  Json given = Json::parse(embedded_schema(info));
  given.erase("output");
  given.erase("examples");
  schema::ResolvedSchema chosen = schema::resolve_schema(info, given);
  CHECK(chosen.source == schema::SchemaSource::kGiven);
  CHECK(chosen.document.output.empty());

  info.metadata_props.clear();
  schema::ResolvedSchema derived = schema::resolve_schema(info, std::nullopt);
  CHECK(derived.source == schema::SchemaSource::kDerived);
  CHECK(derived.document.bind.at(0).form == features::InputBinding::Form::kTensor);

  info.metadata_props = {{"onnx_predict.schema", "{\"version\": 1, \"input\": {}, \"bind\": {\"nope\": {\"dtype\": \"float32\", \"field\": \"x\"}}}"}};
  CHECK_THROWS_WITH(schema::resolve_schema(info, std::nullopt), Catch::Contains("in the schema embedded in the model"));
}
