// The values a string model input can take, read from the graph: scikit-learn's converter feeds a
// string column ([N, 1]) to an ai.onnx.ml OneHotEncoder whose `cats_strings` lists its categories.
// A derived schema (schema/derive.h) turns them into an `enum`, so a record with another string
// gets a validation error instead of an ONNX Runtime failure.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "onnx/wire_reader.h"

namespace onnx_predict::onnx {

// For each name in `string_inputs` whose every reader in the main graph is an ai.onnx.ml
// OneHotEncoder with `zeros = 0` (the model refuses an unknown category, as scikit-learn's
// handle_unknown="error" exports) and the same non-empty `cats_strings` without repeats: those
// categories, in the attribute's order. Inputs read by anything else (or not at all) are left
// out, and so is every input when a node carries a subgraph (If/Loop/Scan may read any name).
// Reads the bytes in place, linear in their size; throws Error(kInvalidModel) on malformed
// protobuf in the graph's nodes, as read_model_info would.
std::map<std::string, std::vector<std::string>> one_hot_categories(Bytes model, const std::vector<std::string>& string_inputs);

}  // namespace onnx_predict::onnx
