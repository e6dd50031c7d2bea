#include "onnx/zipmap_analysis.h"

#include <algorithm>
#include <unordered_set>
#include <utility>

#include "onnx/data_type.h"
#include "onnx/proto_fields.h"
#include "onnx/tensor.h"

// Field numbers are onnx/onnx.proto's (GraphProto, NodeProto, AttributeProto, ValueInfoProto,
// TypeProto, TensorProto). ZipMap's contract is onnx/defs/traditionalml/defs.cc (ZipMap-1): input
// X float [N, C], exactly one of classlabels_strings / classlabels_int64s with C labels, output
// seq(map(string or int64, float)) whose map r holds {label j: X[r, j]}.

namespace onnx_predict::onnx::zipmap_internal {
namespace {

constexpr std::string_view kMlDomain = "ai.onnx.ml";
constexpr size_t kMaxNameInNote = 120;    // longer names are cut in notes
constexpr size_t kMaxKeptDimParam = 128;  // a longer symbolic batch dim is declared unknown instead

NodeHead read_node_head(MessageReader& reader) {
  NodeHead node;
  Field f;
  while (reader.next(f)) {
    if (!is_bytes(f)) continue;
    switch (f.number) {
      case 1: if (node.inputs++ == 0) node.input = as_string_view(f); break;
      case 2: if (node.outputs++ == 0) node.output = as_string_view(f); break;
      case 3: node.name = as_string_view(f); break;
      case 4: node.op_type = as_string_view(f); break;
      case 7: node.domain = as_string_view(f); break;
      default: break;
    }
  }
  return node;
}

ValueHead read_value_head(MessageReader& reader) {
  ValueHead head;
  Field f;
  while (reader.next(f)) {
    if (!is_bytes(f)) continue;
    if (f.number == 1) head.name = as_string_view(f);
    if (f.number != 2) continue;
    FieldPath path = reader.path_of(f);
    MessageReader type = reader.nested(f, path, type_field);
    Field t;
    while (type.next(t)) {  // the TypeProto `value` oneof: the last member set wins
      if (!is_bytes(t)) continue;
      switch (t.number) {
        case 1: head.kind = TypeInfo::Kind::kTensor; break;
        case 4: head.kind = TypeInfo::Kind::kSequence; break;
        case 5: head.kind = TypeInfo::Kind::kMap; break;
        case 7: head.kind = TypeInfo::Kind::kOpaque; break;
        case 8: head.kind = TypeInfo::Kind::kSparseTensor; break;
        case 9: head.kind = TypeInfo::Kind::kOptional; break;
        default: break;
      }
    }
  }
  return head;
}

// The name of a TensorProto (field 8), "" when it has none.
std::string_view tensor_name(MessageReader& reader) {
  std::string_view name;
  Field f;
  while (reader.next(f)) {
    if (f.number == 8 && is_bytes(f)) name = as_string_view(f);
  }
  return name;
}

void decline(ZipMapNode& z, std::string why) {
  if (z.declined.empty()) z.declined = std::move(why);
}

// ZipMap's attributes: exactly one of classlabels_strings (STRINGS) and classlabels_int64s
// (INTS), holding at least one label and no label twice, and nothing else. Declines otherwise.
void read_labels(MessageReader& node, ZipMapNode& z) {
  bool strings_seen = false, ints_seen = false;
  std::vector<std::string_view> strings;
  std::vector<int64_t> ints;
  Field f;
  while (node.next(f)) {
    if (f.number != 5 || !is_bytes(f)) continue;
    FieldPath path = node.path_of(f);
    MessageReader attribute = node.nested(f, path, attribute_field);
    std::string_view name;
    uint64_t type = 0;  // AttributeProto.AttributeType: 0 UNDEFINED, 7 INTS, 8 STRINGS
    bool has_strings = false, has_ints = false, other_value = false;
    std::vector<std::string_view> s;
    std::vector<int64_t> i;
    Field a;
    while (attribute.next(a)) {
      switch (a.number) {
        case 1: if (is_bytes(a)) name = as_string_view(a); break;
        case 20: if (a.type == WireType::kVarint) type = a.value; break;
        case 9: if (is_bytes(a)) { has_strings = true; s.push_back(as_string_view(a)); } break;
        case 8:
          has_ints |= a.type == WireType::kVarint || is_bytes(a);
          for_each_varint(attribute, a, [&](uint64_t v) { i.push_back(static_cast<int64_t>(v)); });
          break;
        case 2: case 3: case 4: case 5: case 6: case 7: case 10: case 11: case 21: case 22: case 23:
          other_value = true;  // f, i, s, t, g, floats, tensors, graphs, ref_attr_name, sparse tensor(s)
          break;
        default: break;
      }
    }
    std::string where = " (" + path.to_string() + ")";
    if (name == "classlabels_strings") {
      if (strings_seen) return decline(z, "its attribute classlabels_strings is given twice" + where);
      strings_seen = true;
      if (has_ints || other_value || (type != 0 && type != 8)) {
        return decline(z, "its attribute classlabels_strings holds something other than a list of strings" + where);
      }
      strings = std::move(s);
    } else if (name == "classlabels_int64s") {
      if (ints_seen) return decline(z, "its attribute classlabels_int64s is given twice" + where);
      ints_seen = true;
      if (has_strings || other_value || (type != 0 && type != 7)) {
        return decline(z, "its attribute classlabels_int64s holds something other than a list of integers" + where);
      }
      ints = std::move(i);
    } else {
      return decline(z, "it has an attribute " + quoted(name) + " that ZipMap does not define" + where);
    }
  }
  if (strings_seen == ints_seen) {
    return decline(z, strings_seen ? "it has both classlabels_strings and classlabels_int64s"
                                   : "it has neither classlabels_strings nor classlabels_int64s");
  }
  z.int64_labels = ints_seen;
  if (strings.empty() && ints.empty()) return decline(z, "its class label list is empty");
  if (z.int64_labels) {
    std::unordered_set<int64_t> seen;
    for (int64_t v : ints) {
      if (!seen.insert(v).second) return decline(z, "its class label " + std::to_string(v) + " is given twice");
    }
    z.classes.reserve(ints.size());
    for (int64_t v : ints) z.classes.push_back(std::to_string(v));
  } else {
    std::unordered_set<std::string_view> seen;
    for (std::string_view v : strings) {
      if (!seen.insert(v).second) return decline(z, "its class label " + quoted(v) + " is given twice");
    }
    z.classes.assign(strings.begin(), strings.end());
  }
}

// Adds one declaration of a ZipMap input (a ValueInfoProto of its name) to what is known of it.
void declare_input(InputDecl& decl, const ValueInfo& value, const FieldPath& path) {
  if (!value.type || !decl.problem.empty()) return;
  const TypeInfo& type = *value.type;
  std::string where = " (" + path.to_string() + ")";
  if (type.kind != TypeInfo::Kind::kTensor) {
    decl.problem = "its input is declared as something other than a tensor" + where;
    return;
  }
  if (type.has_elem_type && type.elem_type != kFloat) {
    std::string_view name = data_type_info(type.elem_type).name;
    decl.problem = "its input is declared as " + (name.empty() ? "type " + std::to_string(type.elem_type) : std::string(name)) +
                   ", not float32" + where;
    return;
  }
  if (!type.shape) return;
  const std::vector<Dimension>& dims = *type.shape;
  if (dims.size() != 2) {
    decl.problem = "its input is declared with rank " + std::to_string(dims.size()) + ", not 2" + where;
    return;
  }
  if (dims[1].kind == Dimension::Kind::kValue) {
    if (decl.width && *decl.width != dims[1].value) {
      decl.problem = "its input is declared with two different widths" + where;
      return;
    }
    decl.width = dims[1].value;
  }
  bool usable = dims[0].kind == Dimension::Kind::kValue ||
                (dims[0].kind == Dimension::Kind::kParam && dims[0].param.size() <= kMaxKeptDimParam);
  if (!decl.batch && usable) decl.batch = Dimension{dims[0].kind, dims[0].value, dims[0].param, {}};
}

}  // namespace

std::string quoted(std::string_view name) {
  std::string out = "'";
  out.append(name.substr(0, kMaxNameInNote));
  out.append(name.size() > kMaxNameInNote ? "...'" : "'");
  return out;
}

MessageReader GraphAnalysis::reader() const {
  return MessageReader(graph_.bytes, graph_.data_offset, &graph_path_, graph_field);
}

void GraphAnalysis::collect() {
  MessageReader graph = reader();
  Field f;
  while (graph.next(f)) {
    if (!is_bytes(f) || (f.number != 1 && f.number != 12)) continue;
    FieldPath path = graph.path_of(f);
    if (f.number == 12) {
      MessageReader value = graph.nested(f, path, value_info_field);
      outputs_.push_back({f, read_value_head(value)});
      continue;
    }
    MessageReader node = graph.nested(f, path, node_field);
    NodeHead head = read_node_head(node);
    if (head.op_type != "ZipMap" || head.domain != kMlDomain) continue;
    ZipMapNode z;
    z.field = f;
    z.path = path.to_string();
    z.head = head;
    if (head.inputs != 1 || head.outputs != 1 || head.input.empty() || head.output.empty()) {
      decline(z, "it does not have exactly one named input and one named output");
    } else {
      MessageReader again = graph.nested(f, path, node_field);
      read_labels(again, z);
    }
    zipmaps_.push_back(std::move(z));
  }
}

std::vector<const ZipMapNode*> GraphAnalysis::choose(bool default_opset, std::vector<RewriteNote>& notes) {
  struct Named {
    uint64_t count = 0;
    const GraphOutput* first = nullptr;
  };
  std::unordered_map<std::string_view, Named> output_names;
  for (const GraphOutput& o : outputs_) {
    Named& n = output_names[o.head.name];
    if (n.count++ == 0) n.first = &o;
  }
  for (ZipMapNode& z : zipmaps_) {
    auto it = output_names.find(z.head.output);
    uint64_t count = it == output_names.end() ? 0 : it->second.count;
    if (count == 0) decline(z, "its output is not a graph output");
    if (count > 1) decline(z, "its output is declared " + std::to_string(count) + " times in graph.output");
    if (count > 0) z.output = it->second.first;  // also for a declined ZipMap: its note names the output
  }
  find_uses();

  std::vector<const ZipMapNode*> chosen;
  for (size_t k = 0; k < zipmaps_.size(); ++k) {
    ZipMapNode& z = zipmaps_[k];
    if (z.declined.empty()) {
      const InputDecl& decl = inputs_[input_of_[k]];
      if (!decl.problem.empty()) decline(z, decl.problem);
      if (decl.width && *decl.width != static_cast<int64_t>(z.classes.size())) {
        decline(z, "its input is declared " + std::to_string(*decl.width) + " wide but it has " +
                       std::to_string(z.classes.size()) + " class labels");
      }
      z.batch = decl.batch;
    }
    if (z.declined.empty() && !default_opset) {  // the input becomes the output: its name must be free
      z.renamed = true;
      if (!output_names.emplace(z.head.input, Named{1, nullptr}).second) {
        decline(z, "the model imports no default-domain opset for an Identity, and its input " + quoted(z.head.input) +
                       " is already a graph output");
      }
    }
    if (z.declined.empty()) {
      chosen.push_back(&z);
    } else {
      notes.push_back({std::string(z.output ? z.head.output : ""), std::string(z.head.name), z.path,
                       "the ai.onnx.ml ZipMap is left unchanged: " + z.declined});
    }
  }
  std::sort(chosen.begin(), chosen.end(),
            [](const ZipMapNode* a, const ZipMapNode* b) { return a->output->field.offset < b->output->field.offset; });

  if (subgraph_zipmaps_ > 0) {  // one note for all: a note per node could outgrow the input
    notes.push_back({"", "", first_subgraph_zipmap_,
                     std::to_string(subgraph_zipmaps_) + " ai.onnx.ml ZipMap node(s) inside subgraphs (the first at " +
                         first_subgraph_zipmap_ + ") are not rewritten: only main-graph ZipMaps that make a graph output are"});
  }
  // Sequence and map outputs that no rewrite turns into tensors: ONNX Runtime Web cannot return them.
  std::unordered_set<std::string_view> zipmap_outputs;
  for (const ZipMapNode& z : zipmaps_) zipmap_outputs.insert(z.head.output);
  for (const GraphOutput& o : outputs_) {
    if ((o.head.kind != TypeInfo::Kind::kSequence && o.head.kind != TypeInfo::Kind::kMap) || zipmap_outputs.count(o.head.name)) continue;
    notes.push_back({std::string(o.head.name), "", "graph.output[" + std::to_string(o.field.index) + "]",
                     "graph output " + quoted(o.head.name) + " is a " + (o.head.kind == TypeInfo::Kind::kMap ? "map" : "sequence") +
                         " not made by a main-graph ai.onnx.ml ZipMap: left unchanged (ONNX Runtime Web cannot return it)"});
  }
  return chosen;
}

void GraphAnalysis::find_uses() {
  input_of_.assign(zipmaps_.size(), 0);
  for (size_t k = 0; k < zipmaps_.size(); ++k) {
    ZipMapNode& z = zipmaps_[k];
    if (!z.declined.empty()) continue;
    auto [it, inserted] = by_output_.emplace(z.head.output, k);
    if (!inserted) {
      decline(z, "its output is also made by the ZipMap at " + zipmaps_[it->second].path);
      decline(zipmaps_[it->second], "its output is also made by the ZipMap at " + z.path);
    }
    auto [in, added] = by_input_.emplace(z.head.input, inputs_.size());
    if (added) inputs_.emplace_back();
    input_of_[k] = in->second;
  }
  if (by_output_.empty()) return;
  MessageReader graph = reader();
  Field f;
  while (graph.next(f)) {
    if (!is_bytes(f)) continue;
    FieldPath path = graph.path_of(f);
    switch (f.number) {
      case 1: {
        MessageReader node = graph.nested(f, path, node_field);
        scan_node(node, path, 0, f.offset);
        break;
      }
      case 5: {
        MessageReader tensor = graph.nested(f, path, tensor_field_name);
        also_named(tensor_name(tensor), "an initializer", path);
        break;
      }
      case 15: {  // SparseTensorProto: its values' name names it
        MessageReader sparse = graph.nested(f, path, sparse_tensor_field);
        Field s;
        while (sparse.next(s)) {
          if (s.number != 1 || !is_bytes(s)) continue;
          FieldPath values_path = sparse.path_of(s);
          MessageReader values = sparse.nested(s, values_path, tensor_field_name);
          also_named(tensor_name(values), "a sparse initializer", path);
        }
        break;
      }
      case 11: case 12: case 13: {  // input, output, value_info
        MessageReader value = graph.nested(f, path, value_info_field);
        std::string_view name = read_value_head(value).name;
        if (f.number != 12) also_named(name, f.number == 11 ? "a graph input" : "declared in graph.value_info", path);
        if (auto in = by_input_.find(name); in != by_input_.end()) {
          MessageReader again = graph.nested(f, path, value_info_field);
          declare_input(inputs_[in->second], read_value_info(again), path);
        }
        break;
      }
      default: break;
    }
  }
  if (!too_deep_.empty()) {
    for (ZipMapNode& z : zipmaps_) {
      decline(z, "subgraphs are nested deeper than " + std::to_string(kMaxSubgraphNesting) + " levels (at " + too_deep_ +
                     "), too deep to check that nothing there reads its output");
    }
  }
}

void GraphAnalysis::also_named(std::string_view name, const char* what, const FieldPath& path) {
  if (auto it = by_output_.find(name); it != by_output_.end()) {
    decline(zipmaps_[it->second], "its output is also " + std::string(what) + " (" + path.to_string() + ")");
  }
}

// A node of the main graph (depth 0) or of a subgraph: do its inputs read a ZipMap's output (do
// its outputs, in the main graph, make one)? Then its graph-valued attributes, one level deeper.
void GraphAnalysis::scan_node(MessageReader& node, const FieldPath& node_path, int depth, uint64_t node_offset) {
  std::string_view op_type, domain;
  std::vector<size_t> reads, makes;  // ZipMaps whose output this node reads or makes
  Field f;
  while (node.next(f)) {
    if (!is_bytes(f)) continue;
    if (f.number == 1 || f.number == 2) {
      auto it = by_output_.find(as_string_view(f));
      if (it == by_output_.end()) continue;
      if (f.number == 1) reads.push_back(it->second);
      else if (depth == 0 && zipmaps_[it->second].field.offset != node_offset) makes.push_back(it->second);
    } else if (f.number == 4) {
      op_type = as_string_view(f);
    } else if (f.number == 7) {
      domain = as_string_view(f);
    } else if (f.number == 5) {
      FieldPath attribute_path = node.path_of(f);
      MessageReader attribute = node.nested(f, attribute_path, attribute_field);
      Field a;
      while (attribute.next(a)) {
        if ((a.number != 6 && a.number != 11) || !is_bytes(a)) continue;  // g, graphs
        FieldPath subgraph_path = attribute.path_of(a);
        scan_subgraph(attribute.nested(a, subgraph_path, graph_field), subgraph_path, depth + 1);
      }
    }
  }
  if (!reads.empty() || !makes.empty()) {
    std::string where = node_path.to_string() + " (" + std::string(op_type.substr(0, kMaxNameInNote)) + ")";
    for (size_t k : reads) decline(zipmaps_[k], "its output also feeds " + where + ", which expects the sequence of maps");
    for (size_t k : makes) decline(zipmaps_[k], "its output is also made by " + where);
  }
  if (depth > 0 && op_type == "ZipMap" && domain == kMlDomain && subgraph_zipmaps_++ == 0) {
    first_subgraph_zipmap_ = node_path.to_string();
  }
}

void GraphAnalysis::scan_subgraph(MessageReader graph, const FieldPath& path, int depth) {
  if (depth > kMaxSubgraphNesting) {
    if (too_deep_.empty()) too_deep_ = path.to_string();
    return;
  }
  Field f;
  while (graph.next(f)) {
    if (!is_bytes(f) || (f.number != 1 && f.number != 12)) continue;
    FieldPath field_path = graph.path_of(f);
    if (f.number == 1) {
      MessageReader node = graph.nested(f, field_path, node_field);
      scan_node(node, field_path, depth, f.offset);
    } else {  // a subgraph output may name an outer-scope value
      MessageReader value = graph.nested(f, field_path, value_info_field);
      if (auto it = by_output_.find(read_value_head(value).name); it != by_output_.end()) {
        decline(zipmaps_[it->second], "its output is also returned by a subgraph (" + field_path.to_string() + ")");
      }
    }
  }
}

}  // namespace onnx_predict::onnx::zipmap_internal
