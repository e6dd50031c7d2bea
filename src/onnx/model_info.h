// ModelProto → ModelInfo: what a model says about itself (onnx.proto ModelProto, GraphProto,
// ValueInfoProto, TypeProto), read without executing or copying its weights.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "onnx/wire_reader.h"

namespace onnx_predict::onnx {

// TensorShapeProto.Dimension: a fixed size, a symbolic name ("batch"), or nothing known.
struct Dimension {
  enum class Kind { kUnknown, kValue, kParam };
  Kind kind = Kind::kUnknown;
  int64_t value = 0;      // when kValue
  std::string param;      // when kParam
  std::string denotation;
};

// TypeProto. `kind` says which member of its `value` oneof is set.
struct TypeInfo {
  enum class Kind { kNone, kTensor, kSequence, kMap, kOptional, kSparseTensor, kOpaque };
  Kind kind = Kind::kNone;
  int32_t elem_type = 0;                         // kTensor, kSparseTensor: TensorProto.DataType
  bool has_elem_type = false;
  std::optional<std::vector<Dimension>> shape;   // kTensor, kSparseTensor: nullopt = rank unknown; empty = scalar
  int32_t key_type = 0;                          // kMap
  bool has_key_type = false;
  std::vector<TypeInfo> element;                 // kSequence/kOptional elem_type, kMap value_type: 0 or 1 entries
  std::string opaque_domain, opaque_name;        // kOpaque
  std::string denotation;
};

struct ValueInfo {
  std::string name;
  std::optional<TypeInfo> type;  // nullopt when the model gives no type
  std::string doc_string;
};

struct OpsetImport {
  std::string domain;  // "" is the default ai.onnx domain
  int64_t version = 0;
};

struct ModelInfo {
  int64_t ir_version = 0;
  std::vector<OpsetImport> opset_import;
  std::string producer_name, producer_version, domain, doc_string;
  int64_t model_version = 0;
  std::string graph_name, graph_doc_string;
  std::vector<ValueInfo> inputs;   // graph inputs that are not initializers (IR < 4 lists both)
  std::vector<ValueInfo> outputs;
  std::vector<std::pair<std::string, std::string>> metadata_props;  // in file order

  // Statistics of the main graph (nodes inside subgraph attributes are not counted).
  uint64_t node_count = 0;
  std::map<std::string, std::map<std::string, uint64_t>> op_types;  // node domain → op_type → count
  uint64_t initializer_count = 0;   // initializers and sparse initializers
  uint64_t initializer_bytes = 0;   // their stored value bytes (saturating)
  bool uses_external_data = false;  // an initializer or node-attribute tensor lives in an external file
};

// Limits that keep a hostile file from exhausting the stack.
inline constexpr int kMaxTypeNesting = 64;

// Reads the model's signature, metadata and statistics from a serialized ModelProto. The buffer
// is only viewed, never copied: initializer data is skipped by length. Throws
// Error(kInvalidModel) with field path and byte offset when the bytes are not a well-formed
// ModelProto (a truncated download fails here) or the model has no graph.
ModelInfo read_model_info(Bytes model);

// Reads one ValueInfoProto (name, type, doc_string) from the reader of its bytes, as
// read_model_info reads graph inputs and outputs. Throws Error(kInvalidModel) on malformed bytes
// or types nested deeper than kMaxTypeNesting.
ValueInfo read_value_info(MessageReader& reader);

}  // namespace onnx_predict::onnx
