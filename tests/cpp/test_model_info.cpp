#include <catch2/catch.hpp>

#include <atomic>
#include <cstdlib>
#include <new>

#include "onnx/data_type.h"
#include "onnx/model_info.h"
#include "onnx/model_info_json.h"
#include "test_support.h"

using namespace onnx_predict;
using namespace onnx_predict::onnx;
using test_support::Proto;

// Counts heap bytes allocated by this thread while `counting` is set (replaces global new).
namespace {
thread_local bool counting = false;
thread_local size_t counted_bytes = 0;
}  // namespace
void* operator new(size_t size) {
  if (counting) counted_bytes += size;
  if (void* p = std::malloc(size ? size : 1)) return p;
  throw std::bad_alloc();
}
void* operator new(size_t size, const std::nothrow_t&) noexcept {  // Catch2 uses it: must pair with our delete
  if (counting) counted_bytes += size;
  return std::malloc(size ? size : 1);
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }

namespace {

Proto tensor_type(int32_t elem_type, std::initializer_list<Proto> dims, bool with_shape = true) {
  Proto tensor;
  tensor.varint(1, static_cast<uint64_t>(elem_type));
  if (with_shape) {
    Proto shape;
    for (const Proto& d : dims) shape.message(1, d);
    tensor.message(2, shape);
  }
  return Proto().message(1, tensor);
}
Proto dim_value(int64_t v) { return Proto().varint(1, static_cast<uint64_t>(v)); }
Proto dim_param(std::string_view p) { return Proto().bytes(2, p); }
Proto value_info(std::string_view name, const Proto& type) { return Proto().bytes(1, name).message(2, type); }
Proto initializer(std::string_view name, const std::vector<uint8_t>& raw, int64_t elements) {
  return Proto().packed_varints(1, {static_cast<uint64_t>(elements)}).varint(2, 1).bytes(8, name).bytes(9, raw);
}
Proto node(std::string_view op, std::string_view domain = "") {
  Proto n;
  n.bytes(1, "x").bytes(2, "y").bytes(4, op);
  if (!domain.empty()) n.bytes(7, domain);
  return n;
}
Proto model(const Proto& graph, int64_t ir_version = 8) {
  return Proto().varint(1, static_cast<uint64_t>(ir_version)).bytes(2, "hand").message(7, graph)
      .message(8, Proto().bytes(1, "").varint(2, 17)).message(8, Proto().bytes(1, "ai.onnx.ml").varint(2, 3));
}

}  // namespace

TEST_CASE("graph inputs that are initializers are left out (models before IR 4 list both)", "[model_info]") {
  std::vector<uint8_t> weights(16, 0);
  Proto graph;
  graph.bytes(2, "g")
      .message(11, value_info("X", tensor_type(kFloat, {dim_param("N"), dim_value(4)})))
      .message(11, value_info("W", tensor_type(kFloat, {dim_value(4)})))
      .message(5, initializer("W", weights, 4))
      .message(12, value_info("Y", tensor_type(kFloat, {dim_param("N")})));
  ModelInfo info = read_model_info(model(graph, 3).data());
  REQUIRE(info.inputs.size() == 1);
  CHECK(info.inputs[0].name == "X");
  CHECK(info.initializer_count == 1);
  CHECK(info.initializer_bytes == 16);
  CHECK(info.ir_version == 3);
  CHECK(info.graph_name == "g");
  REQUIRE(info.opset_import.size() == 2);
  CHECK(info.opset_import[1].domain == "ai.onnx.ml");
  CHECK(info.opset_import[1].version == 3);
}

TEST_CASE("a missing shape, a scalar shape and unknown, fixed and symbolic dims stay distinct", "[model_info]") {
  Proto graph;
  graph.message(11, value_info("no_shape", tensor_type(kFloat, {}, false)))
      .message(11, value_info("scalar", tensor_type(kInt64, {})))
      .message(11, value_info("mixed", tensor_type(kString, {Proto(), dim_value(3), dim_param("batch")})));
  ModelInfo info = read_model_info(model(graph).data());
  REQUIRE(info.inputs.size() == 3);
  CHECK_FALSE(info.inputs[0].type->shape.has_value());
  REQUIRE(info.inputs[1].type->shape.has_value());
  CHECK(info.inputs[1].type->shape->empty());
  const auto& dims = *info.inputs[2].type->shape;
  REQUIRE(dims.size() == 3);
  CHECK(dims[0].kind == Dimension::Kind::kUnknown);
  CHECK(dims[1].kind == Dimension::Kind::kValue);
  CHECK(dims[1].value == 3);
  CHECK(dims[2].param == "batch");
  nlohmann::json j = to_json(info);
  CHECK(j["graph"]["input"][0]["type"] == nlohmann::json::parse(R"({"tensorType": {"elemType": 1}})"));
  CHECK(j["graph"]["input"][1]["type"]["tensorType"]["shape"] == nlohmann::json::parse(R"({"dim": []})"));
  CHECK(j["graph"]["input"][2]["type"]["tensorType"]["shape"]["dim"] ==
        nlohmann::json::parse(R"([{}, {"dimValue": 3}, {"dimParam": "batch"}])"));
}

TEST_CASE("sequence, map and optional types nest as scikit-learn's ZipMap output does", "[model_info]") {
  // seq(map(int64, float)): the output type of ai.onnx.ml ZipMap with int64 labels.
  Proto map_type = Proto().varint(1, kInt64).message(2, tensor_type(kFloat, {}, false));
  Proto seq_type = Proto().message(1, Proto().message(5, map_type));
  Proto optional_type = Proto().message(1, tensor_type(kFloat, {dim_value(1)}));
  Proto graph;
  graph.message(11, value_info("maybe", Proto().message(9, optional_type)))
      .message(12, value_info("probabilities", Proto().message(4, seq_type)));
  ModelInfo info = read_model_info(model(graph).data());
  const TypeInfo& out = *info.outputs.at(0).type;
  CHECK(out.kind == TypeInfo::Kind::kSequence);
  const TypeInfo& map = out.element.at(0);
  CHECK(map.kind == TypeInfo::Kind::kMap);
  CHECK(map.key_type == kInt64);
  CHECK(map.element.at(0).elem_type == kFloat);
  CHECK(info.inputs.at(0).type->kind == TypeInfo::Kind::kOptional);
  CHECK(to_json(out) == nlohmann::json::parse(
                            R"({"sequenceType": {"elemType": {"mapType": {"keyType": 7, "valueType": {"tensorType": {"elemType": 1}}}}}})"));
}

TEST_CASE("metadata_props keep file order, and nodes are counted by domain and op_type", "[model_info]") {
  Proto graph;
  graph.message(1, node("Gemm")).message(1, node("Softmax")).message(1, node("Gemm"))
      .message(1, node("ZipMap", "ai.onnx.ml"));
  Proto m = model(graph);
  m.message(14, Proto().bytes(1, "onnx_predict.schema").bytes(2, "{\"version\": 1}"))
      .message(14, Proto().bytes(1, "author").bytes(2, "team"));
  ModelInfo info = read_model_info(m.data());
  REQUIRE(info.metadata_props.size() == 2);
  CHECK(info.metadata_props[0].first == "onnx_predict.schema");
  CHECK(info.metadata_props[1].second == "team");
  CHECK(info.node_count == 4);
  CHECK(info.op_types[""]["Gemm"] == 2);
  CHECK(info.op_types["ai.onnx.ml"]["ZipMap"] == 1);
}

TEST_CASE("external data is reported, in initializers and in Constant node attributes", "[model_info]") {
  Proto external = Proto().packed_varints(1, {1000}).varint(2, 1).bytes(8, "W")
                       .message(13, Proto().bytes(1, "location").bytes(2, "weights.bin")).varint(14, 1);
  ModelInfo with_initializer = read_model_info(model(Proto().message(5, external)).data());
  CHECK(with_initializer.uses_external_data);
  CHECK(with_initializer.initializer_bytes == 4000);

  Proto constant = node("Constant");
  constant.message(5, Proto().bytes(1, "value").message(5, external));
  ModelInfo with_attribute = read_model_info(model(Proto().message(1, constant)).data());
  CHECK(with_attribute.uses_external_data);
  CHECK(with_attribute.initializer_count == 0);

  ModelInfo plain = read_model_info(model(Proto().bytes(2, "g")).data());
  CHECK_FALSE(plain.uses_external_data);
}

TEST_CASE("reading the signature of a model with a 64 MB initializer allocates no more than a few KB", "[model_info]") {
  std::vector<uint8_t> weights(64u << 20, 0x3f);
  Proto graph;
  graph.message(11, value_info("X", tensor_type(kFloat, {dim_param("N"), dim_value(16u << 20)})))
      .message(5, initializer("W", weights, 16 << 20))
      .message(12, value_info("Y", tensor_type(kFloat, {dim_param("N")})));
  Proto m = model(graph);
  counted_bytes = 0;
  counting = true;
  ModelInfo info = read_model_info(m.data());
  counting = false;
  CHECK(info.initializer_bytes == weights.size());
  INFO("allocated " << counted_bytes << " bytes");
  CHECK(counted_bytes < 16 * 1024);
}

TEST_CASE("bytes without a graph, and empty bytes, are invalid_model errors", "[model_info]") {
  Proto no_graph = Proto().varint(1, 8).bytes(2, "producer");
  CHECK_THROWS_WITH(read_model_info(no_graph.data()), Catch::Contains("hold no graph"));
  std::vector<uint8_t> empty;
  try {
    read_model_info(empty);
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kInvalidModel);
  }
}

TEST_CASE("an error deep in a node names its path and byte offset", "[model_info]") {
  Proto graph;
  for (int i = 0; i < 3; ++i) graph.message(1, node("Relu"));
  Proto bad_node = node("Conv");
  bad_node.raw({0x2a}).raw_varint(4096).raw({1, 2, 3});  // attribute[0]: length 4096, 3 bytes follow
  graph.message(1, bad_node);
  Proto m = Proto().varint(1, 8).message(7, graph);
  try {
    read_model_info(m.data());
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kInvalidModel);
    CHECK(e.path() == "graph.node[3].attribute[0]");
    CHECK_THAT(e.what(), Catch::StartsWith("invalid_model: graph.node[3].attribute[0]: length 4096 at byte "));
    CHECK(e.offset().has_value());
  }
}

TEST_CASE("type nesting deeper than the limit is an error, not a stack overflow", "[model_info]") {
  Proto type = tensor_type(kFloat, {});
  for (int i = 0; i < 10000; ++i) type = Proto().message(4, Proto().message(1, type));
  Proto graph;
  graph.message(12, value_info("deep", type));
  CHECK_THROWS_WITH(read_model_info(model(graph).data()), Catch::Contains("deeper than 64"));
}
