// TensorProto → Tensor: element type, dims and values of one ONNX tensor (onnx.proto
// TensorProto), as stored in test vectors (input_0.pb) and in models.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "onnx/wire_reader.h"

namespace onnx_predict::onnx {

// What a TensorProto says about its size without decoding values (used for initializer totals).
struct TensorSummary {
  std::string_view name;      // a view into the caller's buffer
  int32_t data_type = 0;
  uint64_t stored_bytes = 0;  // raw_data length, else the typed values' size in raw layout
  bool external = false;      // data_location = EXTERNAL or external_data present
};

// A decoded tensor. Numeric values are laid out as ONNX raw_data is: little-endian, tightly
// packed, bool one byte per element, int4/uint4 two elements per byte, complex as (re, im).
class Tensor {
 public:
  std::string name;
  int32_t data_type = 0;
  std::vector<int64_t> dims;
  std::vector<std::string_view> strings;  // STRING tensors: element bytes, views into the caller's buffer

  // Numeric data. When the TensorProto used raw_data this is a view into the caller's buffer
  // (valid while that buffer lives); when it used the typed fields, storage owned by the Tensor.
  Bytes data() const { return owns_data_ ? Bytes(owned_) : raw_; }
  uint64_t element_count() const;  // product of dims (1 for a scalar)

 private:
  friend Tensor read_tensor(Bytes tensor_proto);
  Bytes raw_;
  std::vector<uint8_t> owned_;
  bool owns_data_ = false;
};

// Decodes a serialized TensorProto. Throws Error(kInvalidModel) when the bytes are malformed,
// the values do not match dims and data_type, the type is unknown, or the data is external.
// Allocates at most in proportion to the input size, whatever dims claim.
Tensor read_tensor(Bytes tensor_proto);

// Reads a TensorProto's name, type and size without decoding or copying its values.
TensorSummary summarize_tensor(MessageReader& tensor_reader);

// Field names of TensorProto, for error paths.
FieldName tensor_field_name(uint32_t number);

}  // namespace onnx_predict::onnx
