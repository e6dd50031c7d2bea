// ModelInfo → JSON in protobuf's JSON mapping of onnx.proto (camelCase field names: irVersion,
// opsetImport, graph.input[i].type.tensorType.shape.dim[j].dimValue, metadataProps, ...), so that
// it compares directly with onnx's own reading (google.protobuf.json_format.MessageToDict).
// Differences, chosen for users (docs/model-info.md): int64 values are JSON numbers, not strings;
// top-level scalars, opset domains and `shape.dim` are always present; statistics live in `stats`.
#pragma once

#include <nlohmann/json.hpp>

#include "onnx/model_info.h"

namespace onnx_predict::onnx {

nlohmann::json to_json(const ModelInfo& info);
nlohmann::json to_json(const TypeInfo& type);

}  // namespace onnx_predict::onnx
