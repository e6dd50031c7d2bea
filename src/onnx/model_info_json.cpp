#include "onnx/model_info_json.h"

namespace onnx_predict::onnx {
namespace {

using nlohmann::json;

json shape_json(const std::vector<Dimension>& dims) {
  json dim = json::array();
  for (const Dimension& d : dims) {
    json j = json::object();
    if (d.kind == Dimension::Kind::kValue) j["dimValue"] = d.value;
    if (d.kind == Dimension::Kind::kParam) j["dimParam"] = d.param;
    if (!d.denotation.empty()) j["denotation"] = d.denotation;
    dim.push_back(std::move(j));
  }
  return json{{"dim", std::move(dim)}};
}

json tensor_type_json(const TypeInfo& type) {
  json j = json::object();
  if (type.has_elem_type) j["elemType"] = type.elem_type;
  if (type.shape) j["shape"] = shape_json(*type.shape);
  return j;
}

// {"elemType": <TypeProto>} for Sequence/Optional, or {} when the element type is absent.
json element_json(const TypeInfo& type, const char* key) {
  json j = json::object();
  if (!type.element.empty()) j[key] = to_json(type.element.front());
  return j;
}

json value_info_json(const ValueInfo& v) {
  json j{{"name", v.name}};
  if (v.type) j["type"] = to_json(*v.type);
  if (!v.doc_string.empty()) j["docString"] = v.doc_string;
  return j;
}

}  // namespace

json to_json(const TypeInfo& type) {
  json j = json::object();
  switch (type.kind) {
    case TypeInfo::Kind::kNone: break;
    case TypeInfo::Kind::kTensor: j["tensorType"] = tensor_type_json(type); break;
    case TypeInfo::Kind::kSparseTensor: j["sparseTensorType"] = tensor_type_json(type); break;
    case TypeInfo::Kind::kSequence: j["sequenceType"] = element_json(type, "elemType"); break;
    case TypeInfo::Kind::kOptional: j["optionalType"] = element_json(type, "elemType"); break;
    case TypeInfo::Kind::kMap: {
      json m = element_json(type, "valueType");
      if (type.has_key_type) m["keyType"] = type.key_type;
      j["mapType"] = std::move(m);
      break;
    }
    case TypeInfo::Kind::kOpaque: {
      json o = json::object();
      if (!type.opaque_domain.empty()) o["domain"] = type.opaque_domain;
      if (!type.opaque_name.empty()) o["name"] = type.opaque_name;
      j["opaqueType"] = std::move(o);
      break;
    }
  }
  if (!type.denotation.empty()) j["denotation"] = type.denotation;
  return j;
}

json to_json(const ModelInfo& info) {
  json opsets = json::array();
  for (const OpsetImport& o : info.opset_import) opsets.push_back({{"domain", o.domain}, {"version", o.version}});
  json inputs = json::array(), outputs = json::array();
  for (const ValueInfo& v : info.inputs) inputs.push_back(value_info_json(v));
  for (const ValueInfo& v : info.outputs) outputs.push_back(value_info_json(v));
  json metadata = json::array();
  for (const auto& [key, value] : info.metadata_props) metadata.push_back({{"key", key}, {"value", value}});
  json op_types = json::object();
  for (const auto& [domain, ops] : info.op_types) {
    json counts = json::object();
    for (const auto& [op, count] : ops) counts[op] = count;
    op_types[domain] = std::move(counts);
  }
  return json{
      {"irVersion", info.ir_version},
      {"opsetImport", std::move(opsets)},
      {"producerName", info.producer_name},
      {"producerVersion", info.producer_version},
      {"domain", info.domain},
      {"modelVersion", info.model_version},
      {"docString", info.doc_string},
      {"graph", {{"name", info.graph_name}, {"docString", info.graph_doc_string},
                 {"input", std::move(inputs)}, {"output", std::move(outputs)}}},
      {"metadataProps", std::move(metadata)},
      {"stats", {{"nodeCount", info.node_count},
                 {"opTypes", std::move(op_types)},
                 {"initializerCount", info.initializer_count},
                 {"initializerBytes", info.initializer_bytes},
                 {"usesExternalData", info.uses_external_data}}},
  };
}

}  // namespace onnx_predict::onnx
