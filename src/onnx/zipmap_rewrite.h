// scikit-learn's ZipMap, rewritten away at load (issue #7).
//
// Converters (skl2onnx, onnxmltools) end a classifier in an ai.onnx.ml ZipMap node, whose output
// is a sequence of maps {class label: probability}, one per row. ONNX Runtime Web cannot return
// sequence or map values, so the model would be unusable. The ZipMap's input is the plain float
// tensor [N, C] it zips with its class labels (row r, column j = probability of label j), so the
// rewrite hands that tensor out instead and reports the labels: decoding the tensor with them as
// `classes` gives exactly the {class: probability} objects the ZipMap would have made.
//
// What is changed (docs/rewrite.md): in the main graph only, each ZipMap node whose output is a
// graph output, and that graph output's ValueInfoProto. Every other byte of the model (weights,
// metadata, other nodes, subgraphs, unknown fields) is copied as it was, in its order.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "onnx/wire_reader.h"

namespace onnx_predict::onnx {

// Subgraphs (If/Loop/Scan attributes) are searched this deep for uses of a ZipMap's output; a
// model nested deeper is left unchanged with a note.
inline constexpr int kMaxSubgraphNesting = 64;

// One ZipMap output that was rewritten.
struct ZipMapRewrite {
  std::string output;         // the graph output the ZipMap made: seq(map(label, float)) before
  std::string new_output;     // the graph output now: a float tensor [N, C] (see `renamed`)
  std::string probabilities;  // the ZipMap's input tensor, whose values new_output carries
  bool renamed = false;       // false: the ZipMap became an Identity and the name is kept
                              // (new_output == output); true: the model imports no default-domain
                              // opset for an Identity, so the ZipMap was dropped and its input is
                              // the graph output (new_output == probabilities)
  std::string node_name;      // the ZipMap node's name ("" when it has none)
  std::string path;           // where it was: "graph.node[5]"
  std::vector<std::string> classes;  // label of column j: classlabels_strings, or classlabels_int64s in decimal
  bool int64_labels = false;         // the labels were classlabels_int64s (the map keys were integers)
  std::string note;                  // one sentence for people: what was changed and why
};

// Something left unchanged that a caller may want to tell the user about: a ZipMap the rewrite
// declined (its output also feeds a node, it sits in a subgraph, its labels are malformed, ...)
// or a graph output that is a sequence or map made by something other than a main-graph ZipMap.
struct RewriteNote {
  std::string output;     // the graph output concerned ("" when none)
  std::string node_name;  // the ZipMap node's name, when the note is about one
  std::string path;       // "graph.node[5]", "graph.output[1]", "graph.node[2].attribute[0].g.node[0]", "graph"
  std::string note;       // why it was left unchanged
};

struct RewriteResult {
  bool changed = false;        // true when at least one output was rewritten
  std::vector<uint8_t> bytes;  // the rewritten ModelProto when changed; empty otherwise (keep the input)
  std::vector<ZipMapRewrite> rewrites;  // in graph output order
  std::vector<RewriteNote> notes;
};

// Rewrites every graph output made by a main-graph ai.onnx.ml ZipMap into the float tensor the
// ZipMap zips (the ZipMap is replaced by an Identity of the same node name; the output keeps its
// name and is declared float [N, C], N taken from the ZipMap input's declared shape when known,
// else unknown, C the number of class labels). A ZipMap is declined, with a note and its output
// unchanged, when rewriting it could change what the model computes or when it is malformed as a
// ZipMap (see docs/rewrite.md for the list); the rest of the model is still rewritten.
//
// `model` is only read. The result owns its bytes: at most a few dozen bytes more per rewritten
// ZipMap than the input (a rewritten node is no larger than the ZipMap it replaces). Work is
// linear in the input size; subgraph search recurses at most kMaxSubgraphNesting levels.
//
// Throws Error(kInvalidModel) with field path and byte offset when the bytes it reads are not
// well-formed protobuf (the top-level fields, the graph, its nodes, values and initializer names,
// and subgraphs once a ZipMap is found), when the model is empty or has no graph. Nothing else.
RewriteResult rewrite_zipmap_outputs(Bytes model);

// The report without the bytes, for the binding:
// {"changed": bool,
//  "rewrites": [{"output", "newOutput", "probabilities", "renamed", "node", "path", "classes",
//                "int64Labels", "note"}],
//  "notes": [{"output", "node", "path", "note"}]}
nlohmann::json to_json(const RewriteResult& result);

}  // namespace onnx_predict::onnx
