// A schema document derived from an ONNX signature, for models that carry none and are loaded
// without one: each input becomes one record field, typed from the signature.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "onnx/model_info.h"

namespace onnx_predict::schema {

// What the graph tells beyond the signature (read by the loader, see bindings/predictor_bindings.cpp).
struct DerivationHints {
  // String input → the only values the model accepts (onnx/input_categories.h): an `enum`.
  std::map<std::string, std::vector<std::string>> categories;
  // Output → class labels by column: a float [N, C] output that was a ZipMap's
  // (onnx/zipmap_rewrite.h), returned as `probabilities` with these `classes`.
  std::map<std::string, std::vector<std::string>> probabilities;
};

// Derives {version, input, bind, output} (docs/schema.md, "Derived schemas"):
//  - an input of shape [batch] or [batch, 1] (one column, as scikit-learn converters emit) is a
//    scalar field of the input's name: number / integer / boolean / string;
//  - any other tensor input is an array-valued field: nested arrays with the fixed dims after the
//    batch dim (minItems = maxItems), bound with {"tensor": name, "shape": dims};
//  - a string field the graph only one-hot encodes with a closed category list gets that `enum`;
//  - every tensor output is returned raw under its own name, except a former ZipMap output:
//    `probabilities` with its class labels.
// Every field is required and no other field is allowed. Throws Error(kSchemaInvalid) naming the
// input when it cannot be derived (a non-tensor input, an element type records cannot express,
// a symbolic or unknown dimension after the batch dim): pass a schema for such a model.
nlohmann::json derive_schema(const onnx::ModelInfo& model, const DerivationHints& hints = {});

}  // namespace onnx_predict::schema
