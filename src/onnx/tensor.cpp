#include "onnx/tensor.h"

#include <bit>
#include <cstring>
#include <limits>
#include <optional>

#include "onnx/data_type.h"

namespace onnx_predict::onnx {
namespace {

// onnx.proto TensorProto field numbers.
enum TensorField : uint32_t {
  kDims = 1, kDataType = 2, kSegment = 3, kFloatData = 4, kInt32Data = 5, kStringData = 6,
  kInt64Data = 7, kName = 8, kRawData = 9, kDoubleData = 10, kUint64Data = 11, kDocString = 12,
  kExternalData = 13, kDataLocation = 14, kMetadataProps = 16,
};
constexpr int32_t kDataLocationExternal = 1;

// Which typed field holds a type's values when raw_data is absent (onnx.proto comments on each
// field), and how many bytes one wire value becomes in the raw layout.
struct TypedStorage {
  uint32_t field;
  uint32_t raw_bytes_per_value;
  uint32_t values_per_element_x2;  // 2× values per element: complex 4, int4 1 (one value per 2 elements), else 2
};

TypedStorage typed_storage(int32_t data_type) {
  switch (data_type) {
    case kFloat: return {kFloatData, 4, 2};
    case kComplex64: return {kFloatData, 4, 4};
    case kDouble: return {kDoubleData, 8, 2};
    case kComplex128: return {kDoubleData, 8, 4};
    case kInt64: return {kInt64Data, 8, 2};
    case kUint32: return {kUint64Data, 4, 2};
    case kUint64: return {kUint64Data, 8, 2};
    case kInt32: return {kInt32Data, 4, 2};
    case kInt16: case kUint16: case kFloat16: case kBfloat16: return {kInt32Data, 2, 2};
    case kInt8: case kUint8: case kBool:
    case kFloat8E4M3FN: case kFloat8E4M3FNUZ: case kFloat8E5M2: case kFloat8E5M2FNUZ: return {kInt32Data, 1, 2};
    case kInt4: case kUint4: case kFloat4E2M1: return {kInt32Data, 1, 1};  // two 4-bit values per int32
    case kString: return {kStringData, 0, 2};
    default: return {0, 0, 0};
  }
}

// Elements implied by dims, or nullopt when a dim is negative or the product overflows.
std::optional<uint64_t> element_count_of(const std::vector<int64_t>& dims) {
  uint64_t count = 1;
  for (int64_t d : dims) {
    if (d < 0) return std::nullopt;
    uint64_t u = static_cast<uint64_t>(d);
    if (u != 0 && count > std::numeric_limits<uint64_t>::max() / u) return std::nullopt;
    count *= u;
  }
  return count;
}

std::string dims_text(const std::vector<int64_t>& dims) {
  std::string s = "[";
  for (size_t i = 0; i < dims.size(); ++i) s += (i ? ", " : "") + std::to_string(dims[i]);
  return s + "]";
}

// Number of wire values a typed field carries, packed or not; 0 for a wire type the decoder
// skips (protobuf treats a field with the wrong wire type as unknown).
uint64_t count_values(const MessageReader& reader, const Field& f) {
  if (f.number == kStringData) return f.type == WireType::kLengthDelimited ? 1 : 0;  // one string per field
  WireType single = f.number == kFloatData ? WireType::kFixed32
                    : f.number == kDoubleData ? WireType::kFixed64 : WireType::kVarint;
  if (f.type == single) return 1;
  if (f.type != WireType::kLengthDelimited) return 0;
  if (f.number == kFloatData) return f.bytes.size() / 4;
  if (f.number == kDoubleData) return f.bytes.size() / 8;
  return count_packed_varints(reader, f);
}

}  // namespace

FieldName tensor_field_name(uint32_t number) {
  switch (number) {
    case kDims: return {"dims", true};
    case kDataType: return {"data_type"};
    case kSegment: return {"segment"};
    case kFloatData: return {"float_data", true};
    case kInt32Data: return {"int32_data", true};
    case kStringData: return {"string_data", true};
    case kInt64Data: return {"int64_data", true};
    case kName: return {"name"};
    case kRawData: return {"raw_data"};
    case kDoubleData: return {"double_data", true};
    case kUint64Data: return {"uint64_data", true};
    case kDocString: return {"doc_string"};
    case kExternalData: return {"external_data", true};
    case kDataLocation: return {"data_location"};
    case kMetadataProps: return {"metadata_props", true};
    default: return {};
  }
}

uint64_t Tensor::element_count() const {
  return element_count_of(dims).value_or(0);
}

TensorSummary summarize_tensor(MessageReader& reader) {
  TensorSummary s;
  std::vector<int64_t> dims;
  bool has_raw = false;
  uint64_t raw_size = 0, string_bytes = 0;
  Field f;
  while (reader.next(f)) {
    switch (f.number) {
      case kDims: for_each_varint(reader, f, [&](uint64_t v) { dims.push_back(static_cast<int64_t>(v)); }); break;
      case kDataType: if (f.type == WireType::kVarint) s.data_type = as_int32(f); break;
      case kName: if (f.type == WireType::kLengthDelimited) s.name = as_string_view(f); break;
      case kRawData: if (f.type == WireType::kLengthDelimited) { has_raw = true; raw_size = f.bytes.size(); } break;
      case kStringData: if (f.type == WireType::kLengthDelimited) string_bytes += f.bytes.size(); break;
      case kExternalData: if (f.type == WireType::kLengthDelimited) s.external = true; break;
      case kDataLocation: if (f.type == WireType::kVarint && as_int32(f) == kDataLocationExternal) s.external = true; break;
      default: break;
    }
  }
  if (has_raw) {
    s.stored_bytes = raw_size;
  } else if (s.data_type == kString) {
    s.stored_bytes = string_bytes;
  } else {
    auto count = element_count_of(dims);
    s.stored_bytes = count ? raw_byte_size(s.data_type, *count) : 0;
  }
  return s;
}

Tensor read_tensor(Bytes tensor_proto) {
  static_assert(std::endian::native == std::endian::little, "raw_data is little-endian; so is every target we build for");
  MessageReader reader(tensor_proto, 0, nullptr, tensor_field_name);
  Tensor t;
  bool has_raw = false, external = false;
  std::vector<Field> typed;  // typed-field occurrences, decoded once the count is checked
  Field f;
  while (reader.next(f)) {
    switch (f.number) {
      case kDims: for_each_varint(reader, f, [&](uint64_t v) { t.dims.push_back(static_cast<int64_t>(v)); }); break;
      case kDataType: if (f.type == WireType::kVarint) t.data_type = as_int32(f); break;
      case kName: if (f.type == WireType::kLengthDelimited) t.name = std::string(as_string_view(f)); break;
      case kRawData: if (f.type == WireType::kLengthDelimited) { has_raw = true; t.raw_ = f.bytes; } break;
      case kExternalData: if (f.type == WireType::kLengthDelimited) external = true; break;
      case kDataLocation: if (f.type == WireType::kVarint && as_int32(f) == kDataLocationExternal) external = true; break;
      case kFloatData: case kInt32Data: case kStringData: case kInt64Data: case kDoubleData: case kUint64Data:
        typed.push_back(f);
        break;
      default: break;
    }
  }
  DataTypeInfo info = data_type_info(t.data_type);
  if (info.name.empty()) reader.fail("data_type " + std::to_string(t.data_type) + " is not a TensorProto.DataType this reader knows");
  if (external) reader.fail("tensor '" + t.name + "' keeps its values in an external file (data_location = EXTERNAL); embed them in the model to load it here");
  auto elements = element_count_of(t.dims);
  if (!elements) reader.fail("dims " + dims_text(t.dims) + " are negative or their product overflows 64 bits");

  if (has_raw) {
    if (t.data_type == kString) reader.fail("a string tensor cannot use raw_data (onnx.proto: use string_data)");
    uint64_t expected = raw_byte_size(t.data_type, *elements);
    if (t.raw_.size() != expected) {
      reader.fail("raw_data holds " + std::to_string(t.raw_.size()) + " bytes but dims " + dims_text(t.dims) + " of " +
                  std::string(info.name) + " need " + std::to_string(expected));
    }
    return t;
  }

  TypedStorage storage = typed_storage(t.data_type);
  uint64_t values = 0;
  for (const Field& field : typed) {
    if (field.number == storage.field) values += count_values(reader, field);
  }
  // Values the dims call for: elements × values per element (int4: one value per two elements,
  // complex: two per element). Saturates rather than overflowing.
  uint64_t expected_values = storage.values_per_element_x2 == 1 ? *elements / 2 + *elements % 2
                             : storage.values_per_element_x2 == 4
                                 ? (*elements > std::numeric_limits<uint64_t>::max() / 2 ? std::numeric_limits<uint64_t>::max() : *elements * 2)
                                 : *elements;
  if (values != expected_values) {
    reader.fail(std::string(tensor_field_name(storage.field).name) + " holds " + std::to_string(values) +
                " values but dims " + dims_text(t.dims) + " of " + std::string(info.name) + " need " +
                std::to_string(expected_values));
  }
  if (t.data_type == kString) {
    t.strings.reserve(static_cast<size_t>(values));  // values ≤ fields read, so it fits
    for (const Field& field : typed) {
      if (field.number == kStringData && field.type == WireType::kLengthDelimited) t.strings.push_back(as_string_view(field));
    }
    return t;
  }
  // `values` is bounded by the input size (each value takes at least one byte on the wire),
  // so this allocation is at most 8× the tensor's own bytes.
  uint64_t owned_bytes = values * storage.raw_bytes_per_value;
  if (owned_bytes > std::numeric_limits<size_t>::max()) reader.fail("tensor of " + std::to_string(owned_bytes) + " bytes does not fit in memory here");
  t.owned_.resize(static_cast<size_t>(owned_bytes));
  t.owns_data_ = true;
  uint8_t* out = t.owned_.data();
  auto put = [&](uint64_t v) {
    std::memcpy(out, &v, storage.raw_bytes_per_value);  // little-endian: the low bytes first
    out += storage.raw_bytes_per_value;
  };
  for (const Field& field : typed) {
    if (field.number != storage.field) continue;
    if (field.number == kFloatData) for_each_fixed32(reader, field, put);
    else if (field.number == kDoubleData) for_each_fixed64(reader, field, put);
    else for_each_varint(reader, field, put);
  }
  return t;
}

}  // namespace onnx_predict::onnx
