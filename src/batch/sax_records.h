// Streams a JSON array of records (nlohmann SAX): each record's top-level fields arrive one by
// one, with no DOM for the record itself (a field's own value is a DOM: a scalar, or the rare
// nested object/array).
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace onnx_predict::batch {

struct RecordEvents {
  std::function<void(size_t index)> begin;                                              // a record object starts
  std::function<void(size_t index, std::string& key, nlohmann::json&& value)> field;   // one of its fields
  std::function<void(size_t index)> end;                                                // the record object ends
  std::function<void(size_t index, nlohmann::json&& value)> not_object;                 // an array element that is not an object
};

// Parses `text`, which must be one JSON array. Returns the number of records. Throws
// Error(kInvalidArgument) with the byte offset when the text is not JSON or not an array.
size_t parse_record_array(std::string_view text, const RecordEvents& events);

}  // namespace onnx_predict::batch
