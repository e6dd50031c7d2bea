// Parsing JSON text supplied by a caller (schema documents, record batches).
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/error.h"

namespace onnx_predict {

// Parses `text` as one JSON value. Throws Error(code, "<what> is not valid JSON: ...") with the
// byte offset of the problem. nlohmann's parser is iterative, so deep nesting cannot overflow
// the stack; duplicate keys keep the last value.
inline nlohmann::json parse_json_text(std::string_view text, ErrorCode code, std::string_view what) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw Error(code, std::string(what) + " is not valid JSON: " + e.what(), "", e.byte);
  }
}

}  // namespace onnx_predict
