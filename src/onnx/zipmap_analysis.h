// The reading half of the ZipMap rewrite (zipmap_rewrite.h): which main-graph ZipMaps can be
// rewritten without changing what the model computes, found by reading the graph twice, without
// copying it. Internal to the rewrite; tests reach it through rewrite_zipmap_outputs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "onnx/model_info.h"
#include "onnx/wire_reader.h"
#include "onnx/zipmap_rewrite.h"

namespace onnx_predict::onnx::zipmap_internal {

// 'name' for notes, cut after 120 bytes.
std::string quoted(std::string_view name);

// NodeProto fields the rewrite looks at; views into the model. Later fields win, as protobuf
// merges repeated singular fields.
struct NodeHead {
  std::string_view name, op_type, domain, input, output;  // input, output: the first ones
  uint64_t inputs = 0, outputs = 0;
};

// A ValueInfoProto's name and the kind of its type.
struct ValueHead {
  std::string_view name;
  TypeInfo::Kind kind = TypeInfo::Kind::kNone;
};

struct GraphOutput {
  Field field;  // the ValueInfoProto in graph.output
  ValueHead head;
};

// A main-graph ZipMap and what the analysis found out about it.
struct ZipMapNode {
  Field field;       // its NodeProto in graph.node
  std::string path;  // "graph.node[5]"
  NodeHead head;
  std::vector<std::string> classes;
  bool int64_labels = false;
  std::string declined;                     // why it is left unchanged; "" while it may be rewritten
  const GraphOutput* output = nullptr;      // the graph output it makes, when exactly one
  std::optional<Dimension> batch;           // its input's declared first dimension, when usable
  bool renamed = false;                     // dropped instead of replaced by an Identity
};

// What the graph declares about a ZipMap's input (graph.value_info, input or output of its name).
struct InputDecl {
  std::string problem;             // why it is not a float [N, C] tensor; "" when it may be
  std::optional<Dimension> batch;  // N, when declared and usable
  std::optional<int64_t> width;    // C, when declared
};

class GraphAnalysis {
 public:
  // graph: the ModelProto's graph field; graph_path: its path ("graph"), outliving the analysis.
  GraphAnalysis(const Field& graph, const FieldPath& graph_path) : graph_(graph), graph_path_(graph_path) {}

  // Pass 1: the ZipMap nodes (with their labels) and the graph outputs.
  void collect();

  // Pass 2 (only when a ZipMap may be rewritten): every other producer and reader of a ZipMap's
  // output, in the main graph and its subgraphs, and the declared type of its input. Then the
  // verdicts: returns the ZipMaps to rewrite, in graph output order, and adds a note for each
  // one declined, for ZipMaps in subgraphs, and for sequence or map outputs no ZipMap makes.
  // default_opset: the model imports the ai.onnx domain, so a ZipMap can become an Identity.
  std::vector<const ZipMapNode*> choose(bool default_opset, std::vector<RewriteNote>& notes);

  const std::vector<ZipMapNode>& zipmaps() const { return zipmaps_; }

 private:
  MessageReader reader() const;
  void find_uses();
  void also_named(std::string_view name, const char* what, const FieldPath& path);
  void scan_node(MessageReader& node, const FieldPath& node_path, int depth, uint64_t node_offset);
  void scan_subgraph(MessageReader graph, const FieldPath& path, int depth);

  const Field& graph_;
  const FieldPath& graph_path_;
  std::vector<ZipMapNode> zipmaps_;
  std::vector<GraphOutput> outputs_;                        // graph.output, in order
  std::vector<InputDecl> inputs_;                           // one per distinct ZipMap input name
  std::vector<size_t> input_of_;                            // zipmaps_ index → inputs_ index
  std::unordered_map<std::string_view, size_t> by_output_;  // ZipMap output name → zipmaps_ index
  std::unordered_map<std::string_view, size_t> by_input_;   // ZipMap input name → inputs_ index
  uint64_t subgraph_zipmaps_ = 0;
  std::string first_subgraph_zipmap_;
  std::string too_deep_;  // the first subgraph nested deeper than kMaxSubgraphNesting
};

}  // namespace onnx_predict::onnx::zipmap_internal
