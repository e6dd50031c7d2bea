// ONNX element types (onnx.proto TensorProto.DataType) and their storage sizes.
#pragma once

#include <cstdint>
#include <string_view>

namespace onnx_predict::onnx {

// TensorProto.DataType values, as numbered in onnx.proto.
enum DataType : int32_t {
  kUndefined = 0, kFloat = 1, kUint8 = 2, kInt8 = 3, kUint16 = 4, kInt16 = 5, kInt32 = 6, kInt64 = 7,
  kString = 8, kBool = 9, kFloat16 = 10, kDouble = 11, kUint32 = 12, kUint64 = 13, kComplex64 = 14,
  kComplex128 = 15, kBfloat16 = 16, kFloat8E4M3FN = 17, kFloat8E4M3FNUZ = 18, kFloat8E5M2 = 19,
  kFloat8E5M2FNUZ = 20, kUint4 = 21, kInt4 = 22, kFloat4E2M1 = 23,
};

struct DataTypeInfo {
  std::string_view name;  // ONNX Runtime Web's name: "float32", "int64", "string", ... "" if unknown
  uint32_t bits;          // bits per element in raw_data (4 for int4/uint4/float4, 0 for string)
};

// Name and width of an element type; {"", 0} for values onnx.proto does not define.
DataTypeInfo data_type_info(int32_t data_type);

// Bytes that `elements` elements of `data_type` occupy in raw_data (int4 packs two per byte,
// rounding up). Saturates at UINT64_MAX instead of overflowing. 0 for string and unknown types.
uint64_t raw_byte_size(int32_t data_type, uint64_t elements);

}  // namespace onnx_predict::onnx
