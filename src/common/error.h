// onnx-predict: the one error type of the C++ core.
//
// Every failure the core reports is an onnx_predict::Error: a stable snake_case code (part of the
// public API, listed in docs/errors.md), a sentence that says what went wrong and what to do, and
// where it happened: the field path inside the model ("graph.node[3].attribute[0]") and the byte
// offset. The bindings catch it at the wasm edge and hand JS an Error with the same fields.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace onnx_predict {

enum class ErrorCode {
  kInvalidArgument,    // the caller passed something unusable (empty buffer, wrong type)
  kInvalidModel,       // the bytes are not a well-formed ONNX model (or tensor)
  kUnsafeFormat,       // a format that can run code when loaded (pickle, joblib, torch): never loaded
  kUnsupportedFormat,  // a recognised format that is not ONNX (Keras, SavedModel, zip, HTML page, ...)
  kSchemaInvalid,      // a schema document or JSON Schema that cannot be compiled
  kSchemaMismatch,     // a valid schema that does not fit the model it is used with
  kValidationFailed,   // records that do not satisfy the schema (details: Pydantic-shaped errors)
  kInternal,           // a bug in onnx-predict: please report it
};

// The stable snake_case name of a code: "invalid_model", "unsafe_format", ...
std::string_view error_code_name(ErrorCode code);

class Error : public std::runtime_error {
 public:
  // message: the sentence; path: field path in the model ("" when not about a field);
  // offset: absolute byte offset in the caller's buffer, when known; format: the sniffed format
  // id ("pickle", "keras", ...) for kUnsafeFormat/kUnsupportedFormat, "" otherwise.
  Error(ErrorCode code, std::string message, std::string path = {},
        std::optional<uint64_t> offset = {}, std::string format = {});

  // Adds structured details (a JSON object merged into the JS error's `details`): the list of
  // mismatches for kSchemaMismatch, the Pydantic-shaped errors for kValidationFailed.
  Error& with_details(nlohmann::json details);

  ErrorCode code() const noexcept { return code_; }
  std::string_view code_name() const noexcept { return error_code_name(code_); }
  const std::string& message() const noexcept { return message_; }
  const std::string& path() const noexcept { return path_; }
  std::optional<uint64_t> offset() const noexcept { return offset_; }
  const std::string& format() const noexcept { return format_; }
  const nlohmann::json& details() const noexcept { return details_; }

 private:
  ErrorCode code_;
  std::string message_;
  std::string path_;
  std::optional<uint64_t> offset_;
  std::string format_;
  nlohmann::json details_ = nlohmann::json::object();
};

}  // namespace onnx_predict
