// The schema document (docs/schema.md): what one input record looks like (`input`, plain JSON
// Schema), how records become tensors (`bind`), how output tensors become results (`output`),
// `examples` the model must reproduce, and `limits`. Compiled once per model.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "features/binding.h"
#include "schema/validator.h"

namespace onnx_predict::schema {

// The metadata_props key under which a model carries its own schema document (a JSON string).
inline constexpr std::string_view kEmbeddedSchemaKey = "onnx_predict.schema";

struct OutputSpec {
  enum class Kind { kLabel, kProbabilities, kValue, kTopK, kRaw };
  std::string name;   // key in each result object
  std::string from;   // model output tensor
  Kind kind = Kind::kRaw;
  std::vector<std::string> classes;  // kLabel, kProbabilities, kTopK: class names by index
  size_t k = 0;                      // kTopK
};

struct Example {
  Json input;   // one record
  Json output;  // the expected result (a subset of the result's keys)
};

struct SchemaDocument {
  int version = 1;
  Json input;  // the JSON Schema of one record, as given
  Validator validator;
  std::vector<features::InputBinding> bind;
  std::vector<OutputSpec> output;
  std::vector<Example> examples;
  std::optional<size_t> max_batch;  // limits.maxBatch: larger batches run in chunks
};

// Compiles a schema document. Throws Error(kSchemaInvalid) with the path of the first problem
// ("bind.X.features[2]", "output.label.classes", "input/properties/x/minimum"): not an object,
// unsupported version, an input schema that does not compile, a binding or output spec that does
// not fit, or an example whose input the schema itself rejects.
SchemaDocument parse_schema_document(const Json& document, ValidatorOptions options = {});

// The same from JSON text (as embedded in metadata_props); text that is not JSON is
// Error(kSchemaInvalid) with the byte offset.
SchemaDocument parse_schema_document_text(std::string_view text, ValidatorOptions options = {});

}  // namespace onnx_predict::schema
