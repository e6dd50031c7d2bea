// A model made ready to run: what the loader (bindings/predictor_bindings.cpp) does with the bytes
// of a model before ONNX Runtime sees them. Sniffs the format, rewrites ZipMap outputs away
// (onnx/zipmap_rewrite.h) unless turned off, reads the signature of the bytes ORT will run, and
// resolves the schema, deriving one with what the graph tells (enums of one-hot encoded string
// inputs, classes of former ZipMap outputs).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "onnx/model_info.h"
#include "onnx/zipmap_rewrite.h"
#include "schema/resolve.h"

namespace onnx_predict::schema {

struct PreparedModel {
  onnx::ModelInfo info;          // of the bytes ORT runs (the rewritten ones when changed)
  ResolvedSchema resolved;
  bool rewrite_enabled = true;
  onnx::RewriteResult rewrite;   // changed → rewrite.bytes are the model to run; else the input
};

// schema_json: the caller's schema document, "" for none (the embedded one, else derived).
// Throws Error, checked in this order: unsafe_format / unsupported_format (not ONNX bytes),
// invalid_model, schema_invalid, schema_mismatch.
PreparedModel prepare_model(onnx::Bytes model, const std::string& schema_json, bool rewrite_zipmap);

// The report for `model.info.rewrite`: {"enabled", "changed", "rewrites", "notes"} (docs/rewrite.md).
Json rewrite_report(const PreparedModel& prepared);

}  // namespace onnx_predict::schema
