#include "features/binding.h"

#include <unordered_map>

#include "common/error.h"
#include "onnx/data_type.h"

namespace onnx_predict::features {
namespace {

using schema::FlatField;

[[noreturn]] void invalid(const std::string& path, const std::string& message) {
  throw Error(ErrorCode::kSchemaInvalid, message, path);
}

bool is_float(DType d) { return d == DType::kFloat32 || d == DType::kFloat64; }

// The flat fields, found by name through schema::fields_by_name (a linear search per feature
// made binding a wide schema quadratic, 1,000 features about 8 ms in wasm).
struct FieldIndex {
  const schema::FlatShape& shape;
  std::unordered_map<std::string_view, size_t> by_name = schema::fields_by_name(shape);

  const FlatField* find(const std::string& name) const {
    auto it = by_name.find(name);
    return it == by_name.end() ? nullptr : &shape.fields[it->second];
  }
};

std::vector<std::string> string_list(const Json& j, const std::string& path) {
  if (!j.is_array()) invalid(path, "must be an array of strings");
  std::vector<std::string> out;
  for (const Json& v : j) {
    if (!v.is_string()) invalid(path, "must be an array of strings");
    out.push_back(v.get<std::string>());
  }
  return out;
}

// One entry of "features" (a field name or {"field", "encoding", "categories", "default"}), or
// the field of a "field" binding, checked against the field's kind in the schema.
FeatureColumn parse_column(const Json& spec, DType dtype, const FieldIndex& fields, const std::string& path) {
  FeatureColumn column;
  if (spec.is_string()) {
    column.field = spec.get<std::string>();
  } else if (spec.is_object()) {
    for (const auto& [key, value] : spec.items()) {
      if (key == "field") {
        if (!value.is_string()) invalid(path + ".field", "must be a string");
        column.field = value.get<std::string>();
      } else if (key == "encoding") {
        std::string e = value.is_string() ? value.get<std::string>() : "";
        if (e == "one_hot") column.encoding = FeatureColumn::Encoding::kOneHot;
        else if (e == "ordinal") column.encoding = FeatureColumn::Encoding::kOrdinal;
        else if (e == "value") column.encoding = FeatureColumn::Encoding::kValue;
        else invalid(path + ".encoding", "must be \"value\", \"one_hot\" or \"ordinal\"");
      } else if (key == "categories") {
        column.categories = string_list(value, path + ".categories");
      } else if (key == "default") {
        column.default_value = value;
      } else {
        invalid(path + "." + key, "unknown key in a feature binding (expected field, encoding, categories, default)");
      }
    }
    if (column.field.empty()) invalid(path, "a feature binding needs \"field\"");
  } else {
    invalid(path, "must be a field name or an object {\"field\": ...}");
  }

  const FlatField* field = fields.find(column.field);
  if (!field) invalid(path, "field '" + column.field + "' is not a property of the input schema");
  bool categorical = column.encoding != FeatureColumn::Encoding::kValue;
  if (categorical) {
    if (column.categories.empty()) column.categories = field->enum_strings;
    if (column.categories.empty()) {
      invalid(path, "field '" + column.field + "' has no enum of strings: give \"categories\" for its encoding");
    }
    if (dtype == DType::kString) invalid(path, "one_hot/ordinal encodings produce numbers; the dtype is string");
  } else {
    using Kind = FlatField::Kind;
    bool is_string = field->kind == Kind::kString;
    if (is_string && dtype != DType::kString) {
      invalid(path, "field '" + column.field + "' is a string: bind it to a string tensor, or encode it (one_hot, ordinal)");
    }
    if (!is_string && dtype == DType::kString) invalid(path, "field '" + column.field + "' is not a string but the dtype is string");
    if (field->kind == Kind::kNumber && !is_float(dtype) && dtype != DType::kString) {
      invalid(path, "field '" + column.field + "' is a number; bind it to float32/float64, or declare it an integer");
    }
    if (field->kind == Kind::kAny) invalid(path, "field '" + column.field + "' has no single scalar type in the schema");
  }
  if (!column.default_value && field->default_value) column.default_value = field->default_value;
  bool always_present = field->required && !field->allows_null;
  if (!always_present && !column.default_value && !is_float(dtype)) {
    invalid(path, "optional field '" + column.field + "' is bound to a " + std::string(dtype_name(dtype)) +
                      " tensor, which has no NaN: give it a default");
  }
  return column;
}

}  // namespace

std::optional<DType> parse_dtype(std::string_view name) {
  if (name == "float32") return DType::kFloat32;
  if (name == "float64") return DType::kFloat64;
  if (name == "int64") return DType::kInt64;
  if (name == "int32") return DType::kInt32;
  if (name == "bool") return DType::kBool;
  if (name == "string") return DType::kString;
  return std::nullopt;
}

std::string_view dtype_name(DType dtype) {
  switch (dtype) {
    case DType::kFloat32: return "float32";
    case DType::kFloat64: return "float64";
    case DType::kInt64: return "int64";
    case DType::kInt32: return "int32";
    case DType::kBool: return "bool";
    case DType::kString: return "string";
  }
  return "";
}

int32_t onnx_data_type(DType dtype) {
  switch (dtype) {
    case DType::kFloat32: return onnx::kFloat;
    case DType::kFloat64: return onnx::kDouble;
    case DType::kInt64: return onnx::kInt64;
    case DType::kInt32: return onnx::kInt32;
    case DType::kBool: return onnx::kBool;
    case DType::kString: return onnx::kString;
  }
  return onnx::kUndefined;
}

size_t dtype_size(DType dtype) {
  switch (dtype) {
    case DType::kFloat32: case DType::kInt32: return 4;
    case DType::kFloat64: case DType::kInt64: return 8;
    case DType::kBool: return 1;
    case DType::kString: return 0;
  }
  return 0;
}

size_t InputBinding::width() const {
  if (form == Form::kTensor) {
    size_t n = 1;
    for (int64_t d : element_shape) n *= static_cast<size_t>(d);
    return n;
  }
  size_t n = 0;
  for (const FeatureColumn& c : columns) n += c.width();
  return n;
}

std::vector<InputBinding> parse_bindings(const Json& bind, const schema::Validator& validator) {
  if (!bind.is_object() || bind.empty()) invalid("bind", "must be an object with one entry per model input");
  static const schema::FlatShape kNoFields;
  const FieldIndex fields{validator.flat_shape() ? *validator.flat_shape() : kNoFields};
  std::vector<InputBinding> out;
  for (const auto& [input, spec] : bind.items()) {
    std::string path = "bind." + input;
    if (!spec.is_object()) invalid(path, "must be an object {\"dtype\", \"features\" | \"field\" | \"tensor\"}");
    InputBinding b;
    b.input = input;
    auto dtype = spec.contains("dtype") && spec["dtype"].is_string() ? parse_dtype(spec["dtype"].get<std::string>())
                                                                     : std::nullopt;
    if (!dtype) invalid(path + ".dtype", "must be one of float32, float64, int64, int32, bool, string");
    b.dtype = *dtype;
    int forms = spec.contains("features") + spec.contains("field") + spec.contains("tensor");
    if (forms != 1) invalid(path, "needs exactly one of \"features\", \"field\" or \"tensor\"");
    for (const auto& [key, value] : spec.items()) {
      if (key != "dtype" && key != "features" && key != "field" && key != "tensor" && key != "shape") {
        invalid(path + "." + key, "unknown key in a binding (expected dtype, features, field, tensor, shape)");
      }
    }
    if (spec.contains("features")) {
      const Json& features = spec["features"];
      if (!features.is_array() || features.empty()) invalid(path + ".features", "must be a non-empty array");
      if (!validator.flat_shape()) invalid(path, "\"features\" needs an input schema of scalar fields (a flat object)");
      b.form = InputBinding::Form::kFeatures;
      for (size_t i = 0; i < features.size(); ++i) {
        b.columns.push_back(parse_column(features[i], b.dtype, fields, path + ".features[" + std::to_string(i) + "]"));
      }
    } else if (spec.contains("field")) {
      if (!validator.flat_shape()) invalid(path, "\"field\" needs an input schema of scalar fields (a flat object)");
      b.form = InputBinding::Form::kField;
      b.columns.push_back(parse_column(spec["field"], b.dtype, fields, path + ".field"));
    } else {
      b.form = InputBinding::Form::kTensor;
      if (!spec["tensor"].is_string()) invalid(path + ".tensor", "must be the name of an array-valued field");
      b.tensor_field = spec["tensor"].get<std::string>();
      if (b.dtype == DType::kString) invalid(path + ".dtype", "a tensor binding takes numbers or booleans");
      const Json& dims = spec.contains("shape") ? spec["shape"] : Json();
      if (!dims.is_array()) invalid(path + ".shape", "a tensor binding needs \"shape\": the fixed dims of one record's value");
      for (const Json& d : dims) {
        if (!d.is_number_integer() || d.get<int64_t>() < 1 || d.get<int64_t>() > (int64_t{1} << 24)) {
          invalid(path + ".shape", "dims must be integers from 1 to 2^24");
        }
        b.element_shape.push_back(d.get<int64_t>());
      }
      if (b.width() > (size_t{1} << 24)) invalid(path + ".shape", "one record's tensor would exceed 2^24 elements");
    }
    out.push_back(std::move(b));
  }
  return out;
}

}  // namespace onnx_predict::features
