#include "schema/derive.h"

#include <string>

#include "common/error.h"
#include "onnx/data_type.h"

namespace onnx_predict::schema {
namespace {

using Json = nlohmann::json;
using onnx::Dimension;
using onnx::TypeInfo;

struct FieldType {
  const char* json_type;  // JSON Schema type of one element
  const char* dtype;      // binding dtype
};

std::optional<FieldType> field_type(int32_t elem_type) {
  switch (elem_type) {
    case onnx::kFloat: return FieldType{"number", "float32"};
    case onnx::kDouble: return FieldType{"number", "float64"};
    case onnx::kInt64: return FieldType{"integer", "int64"};
    case onnx::kInt32: return FieldType{"integer", "int32"};
    case onnx::kBool: return FieldType{"boolean", "bool"};
    case onnx::kString: return FieldType{"string", "string"};
    default: return std::nullopt;
  }
}

[[noreturn]] void cannot(const std::string& input, const std::string& why) {
  throw Error(ErrorCode::kSchemaInvalid,
              "cannot derive a schema for model input '" + input + "': " + why + "; pass a schema document for this model",
              "input." + input);
}

}  // namespace

Json derive_schema(const onnx::ModelInfo& model, const DerivationHints& hints) {
  Json properties = Json::object(), required = Json::array(), bind = Json::object(), output = Json::object();
  for (const onnx::ValueInfo& input : model.inputs) {
    if (!input.type || input.type->kind != TypeInfo::Kind::kTensor) cannot(input.name, "it is not a tensor");
    const TypeInfo& type = *input.type;
    auto ft = field_type(type.elem_type);
    if (!ft) {
      std::string_view name = onnx::data_type_info(type.elem_type).name;
      cannot(input.name, "records cannot express its element type " + std::string(name.empty() ? "undefined" : name));
    }
    if (!type.shape) cannot(input.name, "its shape is unknown");
    const std::vector<Dimension>& dims = *type.shape;
    if (dims.empty()) cannot(input.name, "it is a scalar, with no batch dimension");
    bool one_column = dims.size() == 1 || (dims.size() == 2 && dims[1].kind == Dimension::Kind::kValue && dims[1].value == 1);
    if (one_column) {
      properties[input.name] = {{"type", ft->json_type}};
      auto categories = hints.categories.find(input.name);
      if (type.elem_type == onnx::kString && categories != hints.categories.end()) properties[input.name]["enum"] = categories->second;
      bind[input.name] = {{"dtype", ft->dtype}, {"field", input.name}};
    } else {
      Json element = {{"type", ft->json_type}};
      Json shape = Json::array();
      for (size_t axis = dims.size(); axis-- > 1;) {
        if (dims[axis].kind != Dimension::Kind::kValue || dims[axis].value < 1) {
          cannot(input.name, "dimension " + std::to_string(axis) + " is not a fixed size");
        }
        element = {{"type", "array"}, {"items", element}, {"minItems", dims[axis].value}, {"maxItems", dims[axis].value}};
        shape.insert(shape.begin(), dims[axis].value);
      }
      properties[input.name] = element;
      bind[input.name] = {{"dtype", ft->dtype}, {"tensor", input.name}, {"shape", shape}};
    }
    required.push_back(input.name);
  }
  for (const onnx::ValueInfo& out : model.outputs) {
    if (!out.type || out.type->kind != TypeInfo::Kind::kTensor) continue;
    auto classes = hints.probabilities.find(out.name);
    if (classes != hints.probabilities.end()) {
      output[out.name] = {{"from", out.name}, {"kind", "probabilities"}, {"classes", classes->second}};
    } else {
      output[out.name] = {{"from", out.name}, {"kind", "raw"}};
    }
  }
  return {
      {"version", 1},
      {"input", {{"type", "object"}, {"properties", properties}, {"required", required}, {"additionalProperties", false}}},
      {"bind", bind},
      {"output", output},
  };
}

}  // namespace onnx_predict::schema
