// JSON Pointer (RFC 6901) helpers for schema locations and `$ref` fragments.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace onnx_predict::schema {

// One reference token escaped for a pointer: "~" becomes "~0", "/" becomes "~1".
std::string escape_pointer_token(std::string_view token);

// `pointer` + "/" + the escaped token.
std::string append_pointer(std::string_view pointer, std::string_view token);

// Splits a pointer ("" or "/a/b~1c") into unescaped tokens. nullopt when it does not start with
// "/" (and is not empty) or has a "~" not followed by 0 or 1.
std::optional<std::vector<std::string>> parse_pointer(std::string_view pointer);

// Decodes %XX escapes of a URI fragment (RFC 3986 section 2.1); a "%" not followed by two hex
// digits is kept as it is.
std::string percent_decode(std::string_view text);

}  // namespace onnx_predict::schema
