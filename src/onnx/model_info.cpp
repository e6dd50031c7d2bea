#include "onnx/model_info.h"

#include <cstdint>
#include <string_view>
#include <unordered_set>

#include "onnx/proto_fields.h"
#include "onnx/tensor.h"

// Field numbers below are those of onnx/onnx.proto (IR version 10). Repeated appearances of a
// singular message field merge, and a field with an unexpected wire type is skipped, as protobuf
// parsers do, so that this reader agrees with onnx's own on every file that onnx accepts.

namespace onnx_predict::onnx {
namespace {

using Kind = TypeInfo::Kind;

bool is_varint(const Field& f) { return f.type == WireType::kVarint; }

void assign_string(std::string& out, const Field& f) {
  if (is_bytes(f)) out.assign(as_string_view(f));
}

void read_shape(MessageReader& reader, std::vector<Dimension>& dims) {
  Field f;
  while (reader.next(f)) {
    if (f.number != 1 || !is_bytes(f)) continue;
    FieldPath path = reader.path_of(f);
    MessageReader dim_reader = reader.nested(f, path, dimension_field);
    Dimension dim;
    Field d;
    while (dim_reader.next(d)) {
      if (d.number == 1 && is_varint(d)) { dim.kind = Dimension::Kind::kValue; dim.value = as_int64(d); dim.param.clear(); }
      else if (d.number == 2 && is_bytes(d)) { dim.kind = Dimension::Kind::kParam; dim.param.assign(as_string_view(d)); dim.value = 0; }
      else if (d.number == 3) assign_string(dim.denotation, d);
    }
    dims.push_back(std::move(dim));
  }
}

void read_type(MessageReader& reader, TypeInfo& type, int depth);

// Reads the single nested TypeProto of a Sequence/Optional elem_type or a Map value_type.
void read_element_type(MessageReader& reader, const Field& f, TypeInfo& type, int depth) {
  FieldPath path = reader.path_of(f);
  MessageReader element_reader = reader.nested(f, path, type_field);
  if (type.element.empty()) type.element.emplace_back();
  read_type(element_reader, type.element.front(), depth + 1);
}

// Switches the TypeProto `value` oneof to `kind`; a different member clears the previous one.
void select_kind(TypeInfo& type, Kind kind) {
  if (type.kind == kind) return;
  std::string denotation = std::move(type.denotation);
  type = TypeInfo{};
  type.kind = kind;
  type.denotation = std::move(denotation);
}

void read_type(MessageReader& reader, TypeInfo& type, int depth) {
  if (depth > kMaxTypeNesting) {
    reader.fail("type nesting is deeper than " + std::to_string(kMaxTypeNesting) + " levels");
  }
  Field f;
  while (reader.next(f)) {
    if (f.number == 6) { assign_string(type.denotation, f); continue; }
    if (!is_bytes(f)) continue;
    FieldPath path = reader.path_of(f);
    switch (f.number) {
      case 1:    // tensor_type
      case 8: {  // sparse_tensor_type
        select_kind(type, f.number == 1 ? Kind::kTensor : Kind::kSparseTensor);
        MessageReader r = reader.nested(f, path, tensor_type_field);
        Field t;
        while (r.next(t)) {
          if (t.number == 1 && is_varint(t)) { type.elem_type = as_int32(t); type.has_elem_type = true; }
          else if (t.number == 2 && is_bytes(t)) {
            FieldPath shape_path = r.path_of(t);
            MessageReader shape_reader = r.nested(t, shape_path, shape_field);
            if (!type.shape) type.shape.emplace();
            read_shape(shape_reader, *type.shape);
          }
        }
        break;
      }
      case 4:    // sequence_type
      case 9: {  // optional_type
        select_kind(type, f.number == 4 ? Kind::kSequence : Kind::kOptional);
        MessageReader r = reader.nested(f, path, element_type_field);
        Field e;
        while (r.next(e)) {
          if (e.number == 1 && is_bytes(e)) read_element_type(r, e, type, depth);
        }
        break;
      }
      case 5: {  // map_type
        select_kind(type, Kind::kMap);
        MessageReader r = reader.nested(f, path, map_type_field);
        Field m;
        while (r.next(m)) {
          if (m.number == 1 && is_varint(m)) { type.key_type = as_int32(m); type.has_key_type = true; }
          else if (m.number == 2 && is_bytes(m)) read_element_type(r, m, type, depth);
        }
        break;
      }
      case 7: {  // opaque_type
        select_kind(type, Kind::kOpaque);
        MessageReader r = reader.nested(f, path, opaque_type_field);
        Field o;
        while (r.next(o)) {
          if (o.number == 1) assign_string(type.opaque_domain, o);
          else if (o.number == 2) assign_string(type.opaque_name, o);
        }
        break;
      }
      default: break;
    }
  }
}

}  // namespace

ValueInfo read_value_info(MessageReader& reader) {
  ValueInfo info;
  Field f;
  while (reader.next(f)) {
    if (f.number == 1) assign_string(info.name, f);
    else if (f.number == 3) assign_string(info.doc_string, f);
    else if (f.number == 2 && is_bytes(f)) {
      FieldPath path = reader.path_of(f);
      MessageReader r = reader.nested(f, path, type_field);
      if (!info.type) info.type.emplace();
      read_type(r, *info.type, 1);
    }
  }
  return info;
}

namespace {

std::pair<std::string, std::string> read_string_entry(MessageReader& reader) {
  std::pair<std::string, std::string> entry;
  Field f;
  while (reader.next(f)) {
    if (f.number == 1) assign_string(entry.first, f);
    else if (f.number == 2) assign_string(entry.second, f);
  }
  return entry;
}

void add_saturating(uint64_t& total, uint64_t n) { total = n > UINT64_MAX - total ? UINT64_MAX : total + n; }

// Notes one TensorProto's external storage and, for an initializer, adds it to the totals.
TensorSummary count_tensor(MessageReader& reader, ModelInfo& info, bool is_initializer) {
  TensorSummary summary = summarize_tensor(reader);
  if (is_initializer) {
    info.initializer_count += 1;
    add_saturating(info.initializer_bytes, summary.stored_bytes);
  }
  info.uses_external_data |= summary.external;
  return summary;
}

// SparseTensorProto: its values and indices are TensorProtos.
void count_sparse_tensor(MessageReader& reader, ModelInfo& info, bool is_initializer,
                         std::unordered_set<std::string_view>* initializer_names) {
  Field f;
  bool counted = false;
  while (reader.next(f)) {
    if ((f.number != 1 && f.number != 2) || !is_bytes(f)) continue;
    FieldPath path = reader.path_of(f);
    MessageReader r = reader.nested(f, path, tensor_field_name);
    TensorSummary summary = summarize_tensor(r);
    info.uses_external_data |= summary.external;
    if (!is_initializer) continue;
    add_saturating(info.initializer_bytes, summary.stored_bytes);
    if (f.number == 1 && initializer_names) initializer_names->insert(summary.name);  // values.name names it
    if (!counted) { info.initializer_count += 1; counted = true; }
  }
}

// NodeProto: counts op_type by domain; looks into tensor-valued attributes for external data.
void read_node(MessageReader& reader, ModelInfo& info) {
  std::string op_type, domain;
  Field f;
  while (reader.next(f)) {
    if (f.number == 4) assign_string(op_type, f);
    else if (f.number == 7) assign_string(domain, f);
    else if (f.number == 5 && is_bytes(f)) {
      FieldPath path = reader.path_of(f);
      MessageReader attribute = reader.nested(f, path, attribute_field);
      Field a;
      while (attribute.next(a)) {
        if (!is_bytes(a)) continue;
        FieldPath value_path = attribute.path_of(a);
        if (a.number == 5 || a.number == 10) {  // t, tensors
          MessageReader t = attribute.nested(a, value_path, tensor_field_name);
          count_tensor(t, info, false);
        } else if (a.number == 22 || a.number == 23) {  // sparse_tensor, sparse_tensors
          MessageReader t = attribute.nested(a, value_path, sparse_tensor_field);
          count_sparse_tensor(t, info, false, nullptr);
        }
      }
    }
  }
  info.node_count += 1;
  info.op_types[domain][op_type] += 1;
}

void read_graph(MessageReader& reader, ModelInfo& info, std::unordered_set<std::string_view>& initializer_names) {
  Field f;
  while (reader.next(f)) {
    if (f.number == 2) { assign_string(info.graph_name, f); continue; }
    if (f.number == 10) { assign_string(info.graph_doc_string, f); continue; }
    if (!is_bytes(f)) continue;
    FieldPath path = reader.path_of(f);
    switch (f.number) {
      case 1: { MessageReader r = reader.nested(f, path, node_field); read_node(r, info); break; }
      case 5: {
        MessageReader r = reader.nested(f, path, tensor_field_name);
        initializer_names.insert(count_tensor(r, info, true).name);
        break;
      }
      case 15: { MessageReader r = reader.nested(f, path, sparse_tensor_field); count_sparse_tensor(r, info, true, &initializer_names); break; }
      case 11: { MessageReader r = reader.nested(f, path, value_info_field); info.inputs.push_back(read_value_info(r)); break; }
      case 12: { MessageReader r = reader.nested(f, path, value_info_field); info.outputs.push_back(read_value_info(r)); break; }
      default: break;
    }
  }
}

}  // namespace

ModelInfo read_model_info(Bytes model) {
  if (model.empty()) throw Error(ErrorCode::kInvalidModel, "the model is empty (0 bytes)", "", 0);
  MessageReader reader(model, 0, nullptr, model_field);
  ModelInfo info;
  std::unordered_set<std::string_view> initializer_names;  // views into `model`
  bool has_graph = false;
  Field f;
  while (reader.next(f)) {
    switch (f.number) {
      case 1: if (is_varint(f)) info.ir_version = as_int64(f); break;
      case 2: assign_string(info.producer_name, f); break;
      case 3: assign_string(info.producer_version, f); break;
      case 4: assign_string(info.domain, f); break;
      case 5: if (is_varint(f)) info.model_version = as_int64(f); break;
      case 6: assign_string(info.doc_string, f); break;
      case 7:
        if (is_bytes(f)) {
          has_graph = true;
          FieldPath path = reader.path_of(f);
          MessageReader r = reader.nested(f, path, graph_field);
          read_graph(r, info, initializer_names);
        }
        break;
      case 8:
        if (is_bytes(f)) {
          FieldPath path = reader.path_of(f);
          MessageReader r = reader.nested(f, path, opset_field);
          OpsetImport opset;
          Field o;
          while (r.next(o)) {
            if (o.number == 1) assign_string(opset.domain, o);
            else if (o.number == 2 && is_varint(o)) opset.version = as_int64(o);
          }
          info.opset_import.push_back(std::move(opset));
        }
        break;
      case 14:
        if (is_bytes(f)) {
          FieldPath path = reader.path_of(f);
          MessageReader r = reader.nested(f, path, string_entry_field);
          info.metadata_props.push_back(read_string_entry(r));
        }
        break;
      default: break;
    }
  }
  if (!has_graph) {
    reader.fail("the bytes parse as protobuf but hold no graph (ModelProto field 7): this is not an ONNX model");
  }
  std::erase_if(info.inputs, [&](const ValueInfo& v) { return initializer_names.count(v.name) != 0; });
  return info;
}

}  // namespace onnx_predict::onnx
