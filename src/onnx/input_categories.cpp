#include "onnx/input_categories.h"

#include <optional>
#include <set>
#include <string_view>

#include "onnx/proto_fields.h"

// Field numbers are onnx/onnx.proto's (ModelProto.graph 7, GraphProto.node 1, NodeProto input 1,
// op_type 4, attribute 5, domain 7; AttributeProto name 1, i 3, g 6, strings 9, graphs 11).
// OneHotEncoder-1 (onnx/defs/traditionalml/defs.cc): cats_strings, cats_int64s, zeros (default 1:
// an unknown category gives a row of zeros; 0: the run fails).

namespace onnx_predict::onnx {
namespace {

// What one node tells about the inputs it reads.
struct NodeUse {
  std::vector<std::string_view> inputs;
  std::string_view op_type, domain;
  std::vector<std::string> cats_strings;
  int64_t zeros = 1;
  bool has_subgraph = false;
};

NodeUse read_node(MessageReader& node) {
  NodeUse use;
  Field f;
  while (node.next(f)) {
    if (!is_bytes(f)) continue;
    switch (f.number) {
      case 1: use.inputs.push_back(as_string_view(f)); break;
      case 4: use.op_type = as_string_view(f); break;
      case 7: use.domain = as_string_view(f); break;
      case 5: {
        FieldPath path = node.path_of(f);
        MessageReader attribute = node.nested(f, path, attribute_field);
        std::string_view name;
        std::vector<std::string> strings;
        std::optional<int64_t> i;
        Field a;
        while (attribute.next(a)) {
          if (a.number == 1 && is_bytes(a)) name = as_string_view(a);
          if (a.number == 3 && a.type == WireType::kVarint) i = as_int64(a);
          if (a.number == 9 && is_bytes(a)) strings.emplace_back(as_string_view(a));
          if (a.number == 6 || a.number == 11) use.has_subgraph = true;
        }
        if (name == "cats_strings") use.cats_strings = std::move(strings);
        if (name == "zeros" && i) use.zeros = *i;
        break;
      }
      default: break;
    }
  }
  return use;
}

bool without_repeats(const std::vector<std::string>& values) {
  return std::set<std::string_view>(values.begin(), values.end()).size() == values.size();
}

}  // namespace

std::map<std::string, std::vector<std::string>> one_hot_categories(Bytes model, const std::vector<std::string>& string_inputs) {
  struct Candidate {
    std::optional<std::vector<std::string>> categories;
    bool refused = false;
  };
  std::map<std::string, Candidate, std::less<>> candidates;
  for (const std::string& name : string_inputs) candidates[name];
  if (candidates.empty()) return {};

  MessageReader root(model, 0, nullptr, model_field);
  Field g;
  std::optional<Field> graph;
  while (root.next(g)) {
    if (g.number != 7 || !is_bytes(g)) continue;
    if (graph) return {};  // a graph split over several fields (protobuf merges them): not read
    graph = g;
  }
  if (!graph) return {};
  FieldPath graph_path = root.path_of(*graph);
  MessageReader reader = root.nested(*graph, graph_path, graph_field);
  Field f;
  while (reader.next(f)) {
    if (f.number != 1 || !is_bytes(f)) continue;
    FieldPath node_path = reader.path_of(f);
    MessageReader node = reader.nested(f, node_path, node_field);
    NodeUse use = read_node(node);
    if (use.has_subgraph) return {};
    bool encoder = use.op_type == "OneHotEncoder" && use.domain == "ai.onnx.ml" && use.zeros == 0 &&
                   !use.cats_strings.empty() && without_repeats(use.cats_strings);
    for (std::string_view input : use.inputs) {
      auto it = candidates.find(input);
      if (it == candidates.end()) continue;
      Candidate& c = it->second;
      if (!encoder || (c.categories && *c.categories != use.cats_strings)) c.refused = true;
      else c.categories = use.cats_strings;
    }
  }
  std::map<std::string, std::vector<std::string>> out;
  for (auto& [name, c] : candidates) {
    if (!c.refused && c.categories) out.emplace(name, std::move(*c.categories));
  }
  return out;
}

}  // namespace onnx_predict::onnx
