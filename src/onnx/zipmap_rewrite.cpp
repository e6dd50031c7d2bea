#include "onnx/zipmap_rewrite.h"

#include <optional>
#include <string_view>
#include <unordered_map>

#include "onnx/data_type.h"
#include "onnx/proto_fields.h"
#include "onnx/wire_writer.h"
#include "onnx/zipmap_analysis.h"

// The writing half: the ModelProto is re-emitted field by field in its own order, each field's
// bytes copied as they were (tags, padded varints, unknown fields and all), except the graph,
// whose length is re-encoded; inside it, only the chosen ZipMap nodes (graph.node, field 1) and
// their graph outputs (graph.output, field 12) are written anew, in their places.

namespace onnx_predict::onnx {
namespace {

using zipmap_internal::GraphAnalysis;
using zipmap_internal::quoted;
using zipmap_internal::ZipMapNode;

// TypeProto{tensor_type{elem_type: FLOAT, shape{dim{N}, dim{dim_value: C}}}}; N is left unknown
// (an empty Dimension, as onnx.helper writes None) unless the ZipMap input declares it.
ByteVector float_matrix_type(const std::optional<Dimension>& batch, size_t classes) {
  ByteVector batch_dim, class_dim, shape, tensor, type;
  if (batch && batch->kind == Dimension::Kind::kValue) put_varint_field(batch_dim, 1, static_cast<uint64_t>(batch->value));
  if (batch && batch->kind == Dimension::Kind::kParam) put_delimited(batch_dim, 2, batch->param);
  put_varint_field(class_dim, 1, classes);
  put_delimited(shape, 1, batch_dim);
  put_delimited(shape, 1, class_dim);
  put_varint_field(tensor, 1, static_cast<uint64_t>(kFloat));
  put_delimited(tensor, 2, shape);
  put_delimited(type, 1, tensor);
  return type;
}

std::string_view new_output_name(const ZipMapNode& z) { return z.renamed ? z.head.input : z.head.output; }

// The graph output's ValueInfoProto with its type (and, when renamed, its name) replaced where
// it stood; doc_string, metadata_props and unknown fields copied.
ByteVector rewritten_output(Bytes whole, const ZipMapNode& z) {
  ByteVector out, type = float_matrix_type(z.batch, z.classes.size());
  bool name_done = false, type_done = false;
  const Field& output = z.output->field;
  MessageReader value(output.bytes, output.data_offset, nullptr, value_info_field);
  Field f;
  while (value.next(f)) {
    if (f.number == 1 && is_bytes(f) && z.renamed) {
      if (!name_done) put_delimited(out, 1, new_output_name(z));
      name_done = true;
    } else if (f.number == 2 && is_bytes(f)) {  // repeated type fields merge: one replaces them all
      if (!type_done) put_delimited(out, 2, type);
      type_done = true;
    } else {
      put_bytes(out, raw_field(whole, f));
    }
  }
  if (!type_done) put_delimited(out, 2, type);
  return out;
}

// NodeProto{input, output, name (the ZipMap's, so node names stay unique), op_type: "Identity"},
// in onnx's field order; the default domain. Never larger than the ZipMap it replaces.
ByteVector identity_node(const ZipMapNode& z) {
  ByteVector node;
  put_delimited(node, 1, z.head.input);
  put_delimited(node, 2, z.head.output);
  if (!z.head.name.empty()) put_delimited(node, 3, z.head.name);
  put_delimited(node, 4, std::string_view("Identity"));
  return node;
}

ByteVector rewritten_graph(Bytes whole, const Field& graph, const std::vector<const ZipMapNode*>& chosen) {
  std::unordered_map<uint64_t, const ZipMapNode*> by_node, by_output;  // field offset → ZipMap
  for (const ZipMapNode* z : chosen) {
    by_node.emplace(z->field.offset, z);
    by_output.emplace(z->output->field.offset, z);
  }
  ByteVector out;
  out.reserve(graph.bytes.size() + 64 * chosen.size());
  MessageReader reader(graph.bytes, graph.data_offset, nullptr, graph_field);
  Field f;
  while (reader.next(f)) {
    if (auto n = by_node.find(f.offset); n != by_node.end()) {
      if (!n->second->renamed) put_retagged(out, whole, f, identity_node(*n->second));
    } else if (auto o = by_output.find(f.offset); o != by_output.end()) {
      put_retagged(out, whole, f, rewritten_output(whole, *o->second));
    } else {
      put_bytes(out, raw_field(whole, f));
    }
  }
  return out;
}

std::string rewrite_note(const ZipMapNode& z) {
  std::string shape = "float tensor [N, " + std::to_string(z.classes.size()) + "]";
  std::string labels = std::to_string(z.classes.size()) + (z.int64_labels ? " int64" : " string") + " class labels";
  std::string what = "graph output " + quoted(z.head.output) + " was a sequence of maps made by the ai.onnx.ml ZipMap " +
                     (z.head.name.empty() ? std::string() : quoted(z.head.name) + " ") + "(" + z.path +
                     "), which ONNX Runtime Web cannot return; ";
  if (z.renamed) {
    return what + "the model imports no default-domain opset for an Identity, so the ZipMap was removed and its input " +
           quoted(z.head.input) + ", the " + shape + " of probabilities, is the graph output instead: column j is the "
           "probability of class label j (" + labels + ")";
  }
  return what + "the ZipMap was replaced by an Identity of its input " + quoted(z.head.input) + ", so " +
         quoted(z.head.output) + " is now the " + shape + " of probabilities: column j is the probability of class label j (" +
         labels + ")";
}

}  // namespace

RewriteResult rewrite_zipmap_outputs(Bytes model) {
  if (model.empty()) throw Error(ErrorCode::kInvalidModel, "the model is empty (0 bytes)", "", 0);
  RewriteResult result;
  MessageReader reader(model, 0, nullptr, model_field);
  std::vector<Field> graphs;
  bool default_opset = false;  // an Identity needs the default (ai.onnx) domain imported
  Field f;
  while (reader.next(f)) {
    if (!is_bytes(f)) continue;
    if (f.number == 7) graphs.push_back(f);
    if (f.number == 8) {
      FieldPath path = reader.path_of(f);
      MessageReader opset = reader.nested(f, path, opset_field);
      std::string_view domain;
      Field o;
      while (opset.next(o)) {
        if (o.number == 1 && is_bytes(o)) domain = as_string_view(o);
      }
      default_opset |= domain.empty() || domain == "ai.onnx";
    }
  }
  if (graphs.empty()) {
    reader.fail("the bytes parse as protobuf but hold no graph (ModelProto field 7): this is not an ONNX model");
  }
  FieldPath graph_path{nullptr, "graph", -1};
  if (graphs.size() > 1) {  // protobuf merges the pieces; rewriting them is not worth the risk
    for (const Field& g : graphs) {
      GraphAnalysis piece(g, graph_path);
      piece.collect();
      if (piece.zipmaps().empty()) continue;
      result.notes.push_back({"", "", "graph", "the model's graph is stored in " + std::to_string(graphs.size()) +
                                                   " pieces, which the ZipMap rewrite does not handle: ZipMap outputs left unchanged"});
      break;
    }
    return result;
  }

  const Field& graph = graphs.front();
  GraphAnalysis analysis(graph, graph_path);
  analysis.collect();
  std::vector<const ZipMapNode*> chosen = analysis.choose(default_opset, result.notes);
  if (chosen.empty()) return result;

  ByteVector new_graph = rewritten_graph(model, graph, chosen);
  result.bytes.reserve(model.size() - graph.bytes.size() + new_graph.size() + 10);
  MessageReader top(model, 0, nullptr, model_field);
  while (top.next(f)) {
    if (f.offset == graph.offset) put_retagged(result.bytes, model, f, new_graph);
    else put_bytes(result.bytes, raw_field(model, f));
  }
  result.changed = true;
  for (const ZipMapNode* z : chosen) {
    result.rewrites.push_back({std::string(z->head.output), std::string(new_output_name(*z)), std::string(z->head.input),
                               z->renamed, std::string(z->head.name), z->path, z->classes, z->int64_labels, rewrite_note(*z)});
  }
  return result;
}

nlohmann::json to_json(const RewriteResult& result) {
  nlohmann::json rewrites = nlohmann::json::array(), notes = nlohmann::json::array();
  for (const ZipMapRewrite& r : result.rewrites) {
    rewrites.push_back({{"output", r.output}, {"newOutput", r.new_output}, {"probabilities", r.probabilities},
                        {"renamed", r.renamed}, {"node", r.node_name}, {"path", r.path}, {"classes", r.classes},
                        {"int64Labels", r.int64_labels}, {"note", r.note}});
  }
  for (const RewriteNote& n : result.notes) {
    notes.push_back({{"output", n.output}, {"node", n.node_name}, {"path", n.path}, {"note", n.note}});
  }
  return {{"changed", result.changed}, {"rewrites", std::move(rewrites)}, {"notes", std::move(notes)}};
}

}  // namespace onnx_predict::onnx
