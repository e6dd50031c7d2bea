// Field names of the onnx.proto messages (IR version 10), for the paths in error messages and
// notes ("graph.node[3].attribute[0]"): one FieldNamer per message, shared by every reader.
#pragma once

#include <cstdint>

#include "onnx/wire_reader.h"

namespace onnx_predict::onnx {

inline FieldName model_field(uint32_t n) {
  switch (n) {
    case 1: return {"ir_version"}; case 2: return {"producer_name"}; case 3: return {"producer_version"};
    case 4: return {"domain"}; case 5: return {"model_version"}; case 6: return {"doc_string"};
    case 7: return {"graph"}; case 8: return {"opset_import", true}; case 14: return {"metadata_props", true};
    case 20: return {"training_info", true}; case 25: return {"functions", true};
    default: return {};
  }
}
inline FieldName graph_field(uint32_t n) {
  switch (n) {
    case 1: return {"node", true}; case 2: return {"name"}; case 5: return {"initializer", true};
    case 10: return {"doc_string"}; case 11: return {"input", true}; case 12: return {"output", true};
    case 13: return {"value_info", true}; case 14: return {"quantization_annotation", true};
    case 15: return {"sparse_initializer", true}; case 16: return {"metadata_props", true};
    default: return {};
  }
}
inline FieldName node_field(uint32_t n) {
  switch (n) {
    case 1: return {"input", true}; case 2: return {"output", true}; case 3: return {"name"};
    case 4: return {"op_type"}; case 5: return {"attribute", true}; case 6: return {"doc_string"};
    case 7: return {"domain"}; case 8: return {"overload"}; case 9: return {"metadata_props", true};
    default: return {};
  }
}
inline FieldName attribute_field(uint32_t n) {
  switch (n) {
    case 1: return {"name"}; case 2: return {"f"}; case 3: return {"i"}; case 4: return {"s"};
    case 5: return {"t"}; case 6: return {"g"}; case 7: return {"floats", true}; case 8: return {"ints", true};
    case 9: return {"strings", true}; case 10: return {"tensors", true}; case 11: return {"graphs", true};
    case 13: return {"doc_string"}; case 20: return {"type"}; case 21: return {"ref_attr_name"};
    case 22: return {"sparse_tensor"}; case 23: return {"sparse_tensors", true};
    default: return {};
  }
}
inline FieldName sparse_tensor_field(uint32_t n) {
  switch (n) {
    case 1: return {"values"}; case 2: return {"indices"}; case 3: return {"dims", true};
    default: return {};
  }
}
inline FieldName value_info_field(uint32_t n) {
  switch (n) {
    case 1: return {"name"}; case 2: return {"type"}; case 3: return {"doc_string"}; case 4: return {"metadata_props", true};
    default: return {};
  }
}
inline FieldName type_field(uint32_t n) {
  switch (n) {
    case 1: return {"tensor_type"}; case 4: return {"sequence_type"}; case 5: return {"map_type"};
    case 6: return {"denotation"}; case 7: return {"opaque_type"}; case 8: return {"sparse_tensor_type"};
    case 9: return {"optional_type"};
    default: return {};
  }
}
// TypeProto.Tensor and TypeProto.SparseTensor share field numbers; so do Sequence and Optional.
inline FieldName tensor_type_field(uint32_t n) {
  switch (n) { case 1: return {"elem_type"}; case 2: return {"shape"}; default: return {}; }
}
inline FieldName element_type_field(uint32_t n) { return n == 1 ? FieldName{"elem_type"} : FieldName{}; }
inline FieldName map_type_field(uint32_t n) {
  switch (n) { case 1: return {"key_type"}; case 2: return {"value_type"}; default: return {}; }
}
inline FieldName opaque_type_field(uint32_t n) {
  switch (n) { case 1: return {"domain"}; case 2: return {"name"}; default: return {}; }
}
inline FieldName shape_field(uint32_t n) { return n == 1 ? FieldName{"dim", true} : FieldName{}; }
inline FieldName dimension_field(uint32_t n) {
  switch (n) { case 1: return {"dim_value"}; case 2: return {"dim_param"}; case 3: return {"denotation"}; default: return {}; }
}
inline FieldName string_entry_field(uint32_t n) {
  switch (n) { case 1: return {"key"}; case 2: return {"value"}; default: return {}; }
}
inline FieldName opset_field(uint32_t n) {
  switch (n) { case 1: return {"domain"}; case 2: return {"version"}; default: return {}; }
}

}  // namespace onnx_predict::onnx
