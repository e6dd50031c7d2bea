// Loading a model for the predictor (src/schema/prepared_model.h): the ZipMap rewrite on or off,
// the info of the bytes ORT runs, and the schema derived with what the graph tells (enums of
// one-hot encoded string inputs: src/onnx/input_categories.h; classes of former ZipMap outputs).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "onnx/input_categories.h"
#include "schema/prepared_model.h"
#include "test_support.h"
#include "zipmap_models.h"

using namespace onnx_predict;
using namespace test_support::zipmap;
using test_support::Proto;
using Json = nlohmann::json;

namespace {

const std::vector<std::string> kColors = {"red", "green", "blue"};

Proto one_hot_node(std::string_view input, std::string_view output, const std::vector<std::string>& cats,
                   std::optional<int64_t> zeros = 0) {
  Proto cats_attribute;
  cats_attribute.bytes(1, "cats_strings");
  for (const std::string& c : cats) cats_attribute.bytes(9, c);
  cats_attribute.varint(20, 8);
  Proto node;
  node.bytes(1, input).bytes(2, output).bytes(4, "OneHotEncoder").message(5, cats_attribute);
  if (zeros) node.message(5, Proto().bytes(1, "zeros").varint(3, static_cast<uint64_t>(*zeros)).varint(20, 2));
  return node.bytes(7, "ai.onnx.ml");
}

// A converter-shaped regressor: `width` [N, 1] float, `color` [N, 1] string → `nodes` → `y` [N, 1].
std::vector<uint8_t> per_column_model(const std::vector<Proto>& nodes) {
  Proto graph;
  for (const Proto& n : nodes) graph.message(1, n);
  graph.bytes(2, "per_column");
  graph.message(11, value_info("width", tensor_type(kFloat, {dim_unknown(), dim_value(1)})));
  graph.message(11, value_info("color", tensor_type(kString, {dim_unknown(), dim_value(1)})));
  graph.message(12, value_info("y", tensor_type(kFloat, {dim_unknown(), dim_value(1)})));
  Proto model;
  model.varint(1, 8).message(7, graph);
  model.message(8, Proto().bytes(1, "").varint(2, 15)).message(8, Proto().bytes(1, "ai.onnx.ml").varint(2, 1));
  return model.data();
}

std::map<std::string, std::vector<std::string>> categories_of(const std::vector<Proto>& nodes) {
  return onnx::one_hot_categories(per_column_model(nodes), {"color"});
}

}  // namespace

TEST_CASE("a ZipMap classifier is prepared rewritten: info, derived probabilities with classes, the report", "[prepare]") {
  std::vector<uint8_t> bytes = Classifier().bytes();
  schema::PreparedModel prepared = schema::prepare_model(bytes, "", true);
  REQUIRE(prepared.rewrite.changed);
  REQUIRE(prepared.info.outputs.size() == 2);
  CHECK(prepared.info.outputs[1].name == "output_probability");
  CHECK(prepared.info.outputs[1].type->kind == onnx::TypeInfo::Kind::kTensor);
  CHECK(prepared.info.outputs[1].type->elem_type == kFloat);

  CHECK(prepared.resolved.source == schema::SchemaSource::kDerived);
  CHECK(prepared.resolved.text["output"]["output_probability"] ==
        Json({{"from", "output_probability"}, {"kind", "probabilities"}, {"classes", {"setosa", "versicolor", "virginica"}}}));
  CHECK(prepared.resolved.text["output"]["output_label"] == Json({{"from", "output_label"}, {"kind", "raw"}}));

  Json report = schema::rewrite_report(prepared);
  CHECK(report["enabled"] == true);
  CHECK(report["changed"] == true);
  CHECK(report["rewrites"][0]["classes"] == Json({"setosa", "versicolor", "virginica"}));
}

TEST_CASE("with the rewrite off, the model is read as given and only its tensor outputs are derived", "[prepare]") {
  std::vector<uint8_t> bytes = Classifier().bytes();
  schema::PreparedModel prepared = schema::prepare_model(bytes, "", false);
  CHECK_FALSE(prepared.rewrite.changed);
  CHECK(prepared.rewrite.bytes.empty());
  CHECK(prepared.info.outputs[1].type->kind == onnx::TypeInfo::Kind::kSequence);
  CHECK(prepared.resolved.text["output"] == Json({{"output_label", {{"from", "output_label"}, {"kind", "raw"}}}}));
  Json report = schema::rewrite_report(prepared);
  CHECK(report["enabled"] == false);
  CHECK(report["changed"] == false);
  CHECK(report["rewrites"].empty());
}

TEST_CASE("a given schema wins over derived hints; the format is checked before the schema text", "[prepare]") {
  std::vector<uint8_t> bytes = Classifier().bytes();
  std::string given = R"({"version": 1, "input": {"type": "object", "properties": {"f": {"type": "array", "items": {"type": "number"}, "minItems": 4, "maxItems": 4}}, "required": ["f"]},
                          "bind": {"float_input": {"dtype": "float32", "tensor": "f", "shape": [4]}},
                          "output": {"p": {"from": "output_probability", "kind": "raw"}}})";
  schema::PreparedModel prepared = schema::prepare_model(bytes, given, true);
  CHECK(prepared.resolved.source == schema::SchemaSource::kGiven);
  CHECK(prepared.resolved.text["output"] == Json({{"p", {{"from", "output_probability"}, {"kind", "raw"}}}}));

  std::vector<uint8_t> pickle = {0x80, 0x04, 0x95, 0x05, 0, 0, 0, 0, 0, 0, 0, 0x4b, 0x01, 0x2e};
  try {
    schema::prepare_model(pickle, "not json", true);
    FAIL("a pickle was prepared");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kUnsafeFormat);
  }
  CHECK_THROWS_MATCHES(schema::prepare_model(bytes, "not json", true), Error,
                       Catch::Matchers::Predicate<Error>([](const Error& e) { return e.code() == ErrorCode::kSchemaInvalid; }));
}

TEST_CASE("a string input only a closed OneHotEncoder reads gets its categories as the derived enum", "[prepare]") {
  std::vector<Proto> nodes = {one_hot_node("color", "color_1hot", kColors),
                              Proto().bytes(1, "width").bytes(1, "color_1hot").bytes(2, "y").bytes(4, "Concat")};
  CHECK(categories_of(nodes) == std::map<std::string, std::vector<std::string>>{{"color", kColors}});

  std::vector<uint8_t> bytes = per_column_model(nodes);
  schema::PreparedModel prepared = schema::prepare_model(bytes, "", true);
  CHECK(prepared.resolved.text["input"]["properties"]["color"] == Json({{"type", "string"}, {"enum", kColors}}));
  CHECK(prepared.resolved.text["input"]["properties"]["width"] == Json({{"type", "number"}}));
  CHECK(prepared.resolved.text["bind"]["color"] == Json({{"dtype", "string"}, {"field", "color"}}));

  // Two encoders with the same list agree; an input nobody reads through one gets no enum.
  CHECK(categories_of({one_hot_node("color", "a", kColors), one_hot_node("color", "b", kColors)}).size() == 1);
  CHECK(onnx::one_hot_categories(bytes, {"width"}).empty());
  CHECK(onnx::one_hot_categories(bytes, {}).empty());
}

TEST_CASE("no enum when the model takes other strings too, or when the graph cannot be read that simply", "[prepare]") {
  SECTION("zeros = 1 (the default: an unknown category is a row of zeros, scikit-learn's handle_unknown=\"ignore\")") {
    CHECK(categories_of({one_hot_node("color", "c", kColors, std::nullopt)}).empty());
    CHECK(categories_of({one_hot_node("color", "c", kColors, 1)}).empty());
  }
  SECTION("another node reads the string too") {
    CHECK(categories_of({one_hot_node("color", "c", kColors), Proto().bytes(1, "color").bytes(2, "d").bytes(4, "Identity")}).empty());
  }
  SECTION("two encoders with different lists") {
    CHECK(categories_of({one_hot_node("color", "a", kColors), one_hot_node("color", "b", {"red", "green"})}).empty());
  }
  SECTION("a category listed twice, or none") {
    CHECK(categories_of({one_hot_node("color", "c", {"red", "red"})}).empty());
    CHECK(categories_of({one_hot_node("color", "c", {})}).empty());
  }
  SECTION("a node with a subgraph, which may read any outer name") {
    Proto branch = Proto().bytes(1, "then_branch").message(6, Proto().bytes(2, "g")).varint(20, 5);
    Proto if_node = Proto().bytes(1, "cond").bytes(2, "z").bytes(4, "If").message(5, branch);
    CHECK(categories_of({one_hot_node("color", "c", kColors), if_node}).empty());
  }
  SECTION("an encoder of the default domain is not ai.onnx.ml's") {
    Proto node = Proto().bytes(1, "color").bytes(2, "c").bytes(4, "OneHotEncoder")
                     .message(5, Proto().bytes(1, "cats_strings").bytes(9, "red").varint(20, 8))
                     .message(5, Proto().bytes(1, "zeros").varint(3, 0).varint(20, 2));
    CHECK(categories_of({node}).empty());
  }
}

TEST_CASE("malformed node bytes are invalid_model; prefixes of a good model never crash", "[prepare]") {
  Proto bad_graph = Proto().bytes(1, std::vector<uint8_t>{0x0a, 0x7f, 'c'});  // a node whose input claims 127 bytes
  std::vector<uint8_t> bytes = Proto().varint(1, 8).message(7, bad_graph).data();
  CHECK_THROWS_MATCHES(onnx::one_hot_categories(bytes, {"color"}), Error,
                       Catch::Matchers::Predicate<Error>([](const Error& e) { return e.code() == ErrorCode::kInvalidModel; }));
  std::vector<uint8_t> good = per_column_model({one_hot_node("color", "c", kColors)});
  for (size_t n = 0; n < good.size(); ++n) {
    std::vector<uint8_t> prefix(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(n));
    try {
      onnx::one_hot_categories(prefix, {"color"});
    } catch (const Error& e) {
      CHECK(e.code() == ErrorCode::kInvalidModel);
    }
  }
}
