// The schema's `bind` section: how the fields of one record become rows of the model's input
// tensors (docs/schema.md, "bind"). Parsed once per schema into a plan the batch packer follows.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "schema/validator.h"

namespace onnx_predict::features {

using Json = nlohmann::json;

enum class DType { kFloat32, kFloat64, kInt64, kInt32, kBool, kString };

// "float32", "float64", "int64", "int32", "bool", "string"; nullopt for anything else.
std::optional<DType> parse_dtype(std::string_view name);
std::string_view dtype_name(DType dtype);
int32_t onnx_data_type(DType dtype);  // TensorProto.DataType of the dtype
size_t dtype_size(DType dtype);       // bytes per element (0 for string)

// One record field's contribution to a tensor row.
struct FeatureColumn {
  enum class Encoding {
    kValue,    // the number itself; booleans → 0/1; strings only into a string tensor
    kOneHot,   // one slot per category: 1 where the value is that category, 0 elsewhere
    kOrdinal,  // the category's index
  };
  std::string field;
  Encoding encoding = Encoding::kValue;
  std::vector<std::string> categories;  // kOneHot, kOrdinal
  std::optional<Json> default_value;    // used when the field is absent (or null); nullopt → NaN
  size_t width() const { return encoding == Encoding::kOneHot ? categories.size() : 1; }
};

// How one model input is filled.
struct InputBinding {
  enum class Form {
    kFeatures,  // "features": [...] — scalar fields side by side: shape [batch, width]
    kField,     // "field": "x"      — one scalar field: shape [batch, 1] (or [batch] for a rank-1 input)
    kTensor,    // "tensor": "x"     — one array-valued field, flattened: shape [batch, ...element_shape]
  };
  std::string input;  // model input name
  DType dtype = DType::kFloat32;
  Form form = Form::kFeatures;
  std::vector<FeatureColumn> columns;  // kFeatures, kField (one column)
  std::string tensor_field;            // kTensor
  std::vector<int64_t> element_shape;  // kTensor: dims after the batch dim, all fixed
  int rank = 2;                        // kField: 1 when the model input is [batch]

  size_t width() const;  // elements per record
};

// Parses `bind` against the compiled input schema. Field kinds, string enums (the default
// categories) and declared defaults come from the schema's flat shape. Throws
// Error(kSchemaInvalid) with the path ("bind.X.features[2]") when a binding names an unknown
// field, mixes kinds the dtype cannot hold (a string into float32, a number into int64), lists
// a one-hot field without categories, or leaves an optional field bound to an integer/bool/string
// tensor without a default (NaN exists only for floats).
std::vector<InputBinding> parse_bindings(const Json& bind, const schema::Validator& validator);

}  // namespace onnx_predict::features
