#include "onnx/data_type.h"

#include <limits>

namespace onnx_predict::onnx {

DataTypeInfo data_type_info(int32_t data_type) {
  switch (data_type) {
    case kFloat: return {"float32", 32};
    case kUint8: return {"uint8", 8};
    case kInt8: return {"int8", 8};
    case kUint16: return {"uint16", 16};
    case kInt16: return {"int16", 16};
    case kInt32: return {"int32", 32};
    case kInt64: return {"int64", 64};
    case kString: return {"string", 0};
    case kBool: return {"bool", 8};
    case kFloat16: return {"float16", 16};
    case kDouble: return {"float64", 64};
    case kUint32: return {"uint32", 32};
    case kUint64: return {"uint64", 64};
    case kComplex64: return {"complex64", 64};
    case kComplex128: return {"complex128", 128};
    case kBfloat16: return {"bfloat16", 16};
    case kFloat8E4M3FN: return {"float8e4m3fn", 8};
    case kFloat8E4M3FNUZ: return {"float8e4m3fnuz", 8};
    case kFloat8E5M2: return {"float8e5m2", 8};
    case kFloat8E5M2FNUZ: return {"float8e5m2fnuz", 8};
    case kUint4: return {"uint4", 4};
    case kInt4: return {"int4", 4};
    case kFloat4E2M1: return {"float4e2m1", 4};
    default: return {"", 0};
  }
}

uint64_t raw_byte_size(int32_t data_type, uint64_t elements) {
  uint64_t bits = data_type_info(data_type).bits;
  if (bits == 0) return 0;
  if (elements > std::numeric_limits<uint64_t>::max() / bits) return std::numeric_limits<uint64_t>::max();
  return (elements * bits + 7) / 8;
}

}  // namespace onnx_predict::onnx
