#include "schema/compatibility.h"

#include <string>

#include "common/error.h"
#include "onnx/data_type.h"

namespace onnx_predict::schema {
namespace {

using features::InputBinding;
using onnx::Dimension;
using onnx::TypeInfo;
using onnx::ValueInfo;

struct Mismatches {
  Json list = Json::array();
  void add(const std::string& path, const std::string& message) { list.push_back({{"path", path}, {"message", message}}); }
};

const ValueInfo* find(const std::vector<ValueInfo>& values, const std::string& name) {
  for (const ValueInfo& v : values) {
    if (v.name == name) return &v;
  }
  return nullptr;
}

std::string names(const std::vector<ValueInfo>& values) {
  std::string out;
  for (const ValueInfo& v : values) out += (out.empty() ? "'" : ", '") + v.name + "'";
  return out.empty() ? "none" : out;
}

std::string type_name(int32_t elem_type) {
  std::string_view name = onnx::data_type_info(elem_type).name;
  return name.empty() ? "type " + std::to_string(elem_type) : std::string(name);
}

std::string kind_name(TypeInfo::Kind kind) {
  switch (kind) {
    case TypeInfo::Kind::kSequence: return "a sequence (e.g. scikit-learn's ZipMap output)";
    case TypeInfo::Kind::kMap: return "a map";
    case TypeInfo::Kind::kOptional: return "an optional value";
    case TypeInfo::Kind::kSparseTensor: return "a sparse tensor";
    case TypeInfo::Kind::kOpaque: return "an opaque value";
    case TypeInfo::Kind::kNone: return "untyped";
    case TypeInfo::Kind::kTensor: return "a tensor";
  }
  return "untyped";
}

// The tensor type of a model value, or nullptr after recording why it is not usable.
const TypeInfo* tensor_type(const ValueInfo& value, const std::string& path, const std::string& what, Mismatches& m) {
  if (!value.type || value.type->kind != TypeInfo::Kind::kTensor) {
    m.add(path, what + " '" + value.name + "' is " + kind_name(value.type ? value.type->kind : TypeInfo::Kind::kNone) +
                    ", not a tensor");
    return nullptr;
  }
  return &*value.type;
}

void check_input(InputBinding& b, const ValueInfo& input, Mismatches& m, std::optional<int64_t>& fixed_batch) {
  std::string path = "bind." + b.input;
  const TypeInfo* type = tensor_type(input, path, "model input", m);
  if (!type) return;
  if (type->elem_type != features::onnx_data_type(b.dtype)) {
    m.add(path + ".dtype", "is " + std::string(features::dtype_name(b.dtype)) + " but the model input '" + b.input +
                               "' is " + type_name(type->elem_type));
  }
  if (!type->shape) return;  // rank unknown: nothing more to check
  const std::vector<Dimension>& dims = *type->shape;
  size_t expected_rank = b.form == InputBinding::Form::kTensor ? 1 + b.element_shape.size() : 2;
  if (b.form == InputBinding::Form::kField && dims.size() == 1) {
    b.rank = 1;  // a [batch] input, as some converters emit for one column
    expected_rank = 1;
  }
  if (dims.size() != expected_rank) {
    m.add(path, "the model input '" + b.input + "' has rank " + std::to_string(dims.size()) + ", the binding makes rank " +
                    std::to_string(expected_rank));
    return;
  }
  if (dims[0].kind == Dimension::Kind::kValue) {
    if (fixed_batch && *fixed_batch != dims[0].value) {
      m.add(path, "fixed batch dimension " + std::to_string(dims[0].value) + " differs from another input's " +
                      std::to_string(*fixed_batch));
    }
    fixed_batch = dims[0].value;
  }
  auto check_dim = [&](size_t axis, int64_t want, const std::string& what) {
    if (dims[axis].kind == Dimension::Kind::kValue && dims[axis].value != want) {
      m.add(path, what + " " + std::to_string(want) + " but the model input '" + b.input + "' has " +
                      std::to_string(dims[axis].value) + " at axis " + std::to_string(axis));
    }
  };
  if (b.form == InputBinding::Form::kTensor) {
    for (size_t i = 0; i < b.element_shape.size(); ++i) check_dim(i + 1, b.element_shape[i], "shape gives");
  } else if (expected_rank == 2) {
    check_dim(1, static_cast<int64_t>(b.width()), "the binding packs");
  }
}

void check_output(const OutputSpec& spec, const ValueInfo& output, Mismatches& m) {
  std::string path = "output." + spec.name;
  const TypeInfo* type = tensor_type(output, path, "model output", m);
  if (!type) return;
  bool per_class = spec.kind == OutputSpec::Kind::kProbabilities || spec.kind == OutputSpec::Kind::kTopK;
  if (per_class && type->elem_type != onnx::kFloat && type->elem_type != onnx::kDouble && type->elem_type != onnx::kFloat16) {
    m.add(path, "probabilities come from a float tensor; '" + spec.from + "' is " + type_name(type->elem_type));
  }
  if (per_class && !spec.classes.empty() && type->shape && type->shape->size() == 2) {
    const Dimension& width = (*type->shape)[1];
    if (width.kind == Dimension::Kind::kValue && width.value != static_cast<int64_t>(spec.classes.size())) {
      m.add(path + ".classes", "names " + std::to_string(spec.classes.size()) + " classes but the output '" + spec.from +
                                   "' has " + std::to_string(width.value) + " columns");
    }
  }
  if (spec.kind == OutputSpec::Kind::kLabel && type->elem_type != onnx::kString && type->elem_type != onnx::kInt64 &&
      type->elem_type != onnx::kInt32) {
    m.add(path, "a label comes from an int64, int32 or string tensor; '" + spec.from + "' is " + type_name(type->elem_type));
  }
}

}  // namespace

Compatibility check_compatibility(SchemaDocument& document, const onnx::ModelInfo& model) {
  Mismatches m;
  Compatibility result;
  for (InputBinding& b : document.bind) {
    const ValueInfo* input = find(model.inputs, b.input);
    if (!input) {
      m.add("bind." + b.input, "the model has no input '" + b.input + "' (its inputs: " + names(model.inputs) + ")");
      continue;
    }
    check_input(b, *input, m, result.fixed_batch);
  }
  for (const ValueInfo& input : model.inputs) {
    bool bound = false;
    for (const InputBinding& b : document.bind) bound |= b.input == input.name;
    if (!bound) m.add("bind", "the model input '" + input.name + "' is not bound to any record field");
  }
  for (const OutputSpec& spec : document.output) {
    const ValueInfo* output = find(model.outputs, spec.from);
    if (!output) {
      m.add("output." + spec.name, "the model has no output '" + spec.from + "' (its outputs: " + names(model.outputs) + ")");
      continue;
    }
    check_output(spec, *output, m);
  }
  if (!m.list.empty()) {
    std::string message = "the schema does not fit the model (" + std::to_string(m.list.size()) + " mismatch" +
                          (m.list.size() == 1 ? "" : "es") + "): ";
    for (size_t i = 0; i < m.list.size(); ++i) {
      message += (i ? "; " : "") + m.list[i]["path"].get<std::string>() + ": " + m.list[i]["message"].get<std::string>();
    }
    throw Error(ErrorCode::kSchemaMismatch, message).with_details({{"mismatches", m.list}});
  }
  return result;
}

}  // namespace onnx_predict::schema
