#include "common/error.h"

namespace onnx_predict {

std::string_view error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return "invalid_argument";
    case ErrorCode::kInvalidModel: return "invalid_model";
    case ErrorCode::kUnsafeFormat: return "unsafe_format";
    case ErrorCode::kUnsupportedFormat: return "unsupported_format";
    case ErrorCode::kSchemaInvalid: return "schema_invalid";
    case ErrorCode::kSchemaMismatch: return "schema_mismatch";
    case ErrorCode::kValidationFailed: return "validation_failed";
    case ErrorCode::kInternal: return "internal_error";
  }
  return "internal_error";
}

namespace {
// what(): "invalid_model: graph.node[3]: length 4096 runs past the end of the buffer at byte 1234"
std::string describe(ErrorCode code, const std::string& message, const std::string& path) {
  std::string text(error_code_name(code));
  text += ": ";
  if (!path.empty()) text += path + ": ";
  text += message;
  return text;
}
}  // namespace

Error::Error(ErrorCode code, std::string message, std::string path, std::optional<uint64_t> offset,
             std::string format)
    : std::runtime_error(describe(code, message, path)),
      code_(code),
      message_(std::move(message)),
      path_(std::move(path)),
      offset_(offset),
      format_(std::move(format)) {}

Error& Error::with_details(nlohmann::json details) {
  details_ = std::move(details);
  return *this;
}

}  // namespace onnx_predict
