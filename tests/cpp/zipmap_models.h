// Hand-made scikit-learn-style classifiers that end in an ai.onnx.ml ZipMap, for the ZipMap
// rewrite tests (test_rewrite.cpp) and the robustness tests (test_robustness.cpp). The layout is
// skl2onnx's: float_input → Sub(mean) → LinearClassifier → label → output_label and
// probabilities → ZipMap → output_probability: seq(map(string, float)).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <vector>

#include "onnx/data_type.h"
#include "test_support.h"

namespace test_support::zipmap {

using onnx_predict::onnx::kFloat;
using onnx_predict::onnx::kInt64;
using onnx_predict::onnx::kString;

inline Proto dim_value(int64_t v) { return Proto().varint(1, static_cast<uint64_t>(v)); }
inline Proto dim_param(std::string_view p) { return Proto().bytes(2, p); }
inline Proto dim_unknown() { return Proto(); }

// TypeProto{tensor_type{elem_type, shape{dims}}}.
inline Proto tensor_type(int32_t elem_type, std::initializer_list<Proto> dims) {
  Proto shape;
  for (const Proto& d : dims) shape.message(1, d);
  return Proto().message(1, Proto().varint(1, static_cast<uint64_t>(elem_type)).message(2, shape));
}
// ZipMap's output type: seq(map(key_type, tensor(float))).
inline Proto seq_map_type(int32_t key_type) {
  Proto map;
  map.varint(1, static_cast<uint64_t>(key_type)).message(2, Proto().message(1, Proto().varint(1, kFloat)));
  return Proto().message(4, Proto().message(1, Proto().message(5, map)));
}
inline Proto value_info(std::string_view name, const Proto& type) { return Proto().bytes(1, name).message(2, type); }

// AttributeProto with a STRINGS (8) or INTS (7) value.
inline Proto strings_attribute(std::string_view name, std::initializer_list<std::string_view> labels) {
  Proto a;
  a.bytes(1, name);
  for (std::string_view l : labels) a.bytes(9, l);
  return a.varint(20, 8);
}
inline Proto ints_attribute(std::string_view name, std::initializer_list<int64_t> values, bool packed = true) {
  Proto a;
  a.bytes(1, name);
  if (packed) {
    Proto inner;
    for (int64_t v : values) inner.raw_varint(static_cast<uint64_t>(v));
    a.bytes(8, inner.data());
  } else {
    for (int64_t v : values) a.varint(8, static_cast<uint64_t>(v));
  }
  return a.varint(20, 7);
}

inline Proto zipmap_node(const Proto& labels, std::string_view input = "probabilities",
                         std::string_view output = "output_probability", std::string_view name = "ZipMap") {
  Proto n;
  n.bytes(1, input).bytes(2, output);
  if (!name.empty()) n.bytes(3, name);
  return n.bytes(4, "ZipMap").message(5, labels).bytes(7, "ai.onnx.ml");
}
// What the rewrite puts in a ZipMap's place: onnx's field order, no domain.
inline Proto identity_node(std::string_view input, std::string_view output, std::string_view name) {
  Proto n;
  n.bytes(1, input).bytes(2, output);
  if (!name.empty()) n.bytes(3, name);
  return n.bytes(4, "Identity");
}

inline Proto iris_labels() { return strings_attribute("classlabels_strings", {"setosa", "versicolor", "virginica"}); }

// A classifier whose parts a test can swap: `last` is the ZipMap (or what replaces it; nothing
// when empty), `probability_output` the graph output it makes.
struct Classifier {
  Proto last = zipmap_node(iris_labels());
  Proto probability_output = value_info("output_probability", seq_map_type(kString));
  std::vector<Proto> more_nodes, more_initializers, more_inputs, more_outputs, value_infos;
  bool default_opset = true;  // imports the ai.onnx domain (ai.onnx.ml always)

  std::vector<uint8_t> bytes() const {
    std::vector<uint8_t> mean(16, 0x3f);  // 4 floats, raw_data
    Proto graph;
    graph.message(1, Proto().bytes(1, "float_input").bytes(1, "mean").bytes(2, "centered").bytes(3, "Sub").bytes(4, "Sub"));
    graph.message(1, Proto().bytes(1, "centered").bytes(2, "label").bytes(2, "probabilities").bytes(3, "LinearClassifier")
                         .bytes(4, "LinearClassifier").bytes(7, "ai.onnx.ml")
                         .message(5, strings_attribute("classlabels_strings", {"setosa", "versicolor", "virginica"}))
                         .message(5, Proto().bytes(1, "coefficients").bytes(7, std::vector<uint8_t>(48, 0)).varint(20, 6))
                         .message(5, Proto().bytes(1, "post_transform").bytes(4, "LOGISTIC").varint(20, 3)));
    graph.message(1, Proto().bytes(1, "label").bytes(2, "output_label").bytes(3, "Identity").bytes(4, "Identity"));
    if (!last.data().empty()) graph.message(1, last);
    for (const Proto& n : more_nodes) graph.message(1, n);
    graph.bytes(2, "classifier");
    graph.message(5, Proto().varint(1, 4).varint(2, kFloat).bytes(8, "mean").bytes(9, mean));
    graph.message(5, Proto().varint(1, 2).varint(2, kInt64).bytes(8, "shape").packed_varints(7, {static_cast<uint64_t>(-1), 4}));
    for (const Proto& t : more_initializers) graph.message(5, t);
    graph.bytes(10, "a hand-made classifier");
    graph.message(11, value_info("float_input", tensor_type(kFloat, {dim_unknown(), dim_value(4)})));
    for (const Proto& i : more_inputs) graph.message(11, i);
    graph.message(12, value_info("output_label", tensor_type(kString, {dim_unknown()})));
    graph.message(12, probability_output);
    for (const Proto& o : more_outputs) graph.message(12, o);
    for (const Proto& v : value_infos) graph.message(13, v);
    Proto model;
    model.varint(1, 8).bytes(2, "skl2onnx").bytes(3, "1.11").bytes(4, "ai.onnx").varint(5, 0).bytes(6, "doc").message(7, graph);
    if (default_opset) model.message(8, Proto().bytes(1, "").varint(2, 15));
    model.message(8, Proto().bytes(1, "ai.onnx.ml").varint(2, 1));
    model.message(14, Proto().bytes(1, "onnx_predict.note").bytes(2, "hand-made"));
    return model.data();
  }
};

}  // namespace test_support::zipmap
