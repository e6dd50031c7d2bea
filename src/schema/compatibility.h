// Does a schema document fit a model? Checked once at load, against the ModelInfo the ONNX
// reader produced, so that a mismatched schema fails before any prediction.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "onnx/model_info.h"
#include "schema/schema_document.h"

namespace onnx_predict::schema {

struct Compatibility {
  // A fixed batch dimension shared by the bound inputs (e.g. a model exported with batch 1):
  // batches then run in chunks of this many records.
  std::optional<int64_t> fixed_batch;
};

// Checks that every bound tensor exists with the binding's element type, that the record width
// matches a static feature dimension, that every model input is bound, that every output spec
// names a tensor output, and that class counts match static output widths. Adjusts each "field"
// binding's rank to the model input's (1 for [batch]). Throws Error(kSchemaMismatch) listing
// every mismatch at once (details.mismatches: [{path, message}]).
Compatibility check_compatibility(SchemaDocument& document, const onnx::ModelInfo& model);

}  // namespace onnx_predict::schema
