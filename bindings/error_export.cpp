// export_errors (interop.h), built for size: it runs once per batch that has errors.
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>

#include "bindings/interop.h"

namespace onnx_predict::bindings {

val export_errors(std::span<const onnx_predict::schema::ValidationError> errors) {
  nlohmann::json values = nlohmann::json::array();
  // value → its index in values. Keys view the errors' own strings, or a dumped JSON text in texts.
  std::unordered_map<std::string_view, double> strings, json_texts;
  std::deque<std::string> texts;
  auto index_of = [&](auto& seen, std::string_view key, const auto& value) {
    auto [it, added] = seen.try_emplace(key, static_cast<double>(values.size()));
    if (added) values.push_back(value);
    return std::pair(it->second, added);
  };
  auto string_index = [&](const std::string& s) { return index_of(strings, s, s).first; };
  auto json_index = [&](const nlohmann::json& j) {
    if (j.is_string()) return string_index(j.get_ref<const std::string&>());
    texts.push_back(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    auto [index, added] = index_of(json_texts, texts.back(), j);
    if (!added) texts.pop_back();
    return index;
  };
  std::vector<double> numbers;
  for (const auto& e : errors) {
    numbers.push_back(string_index(e.type));
    numbers.push_back(string_index(e.msg));
    numbers.push_back(static_cast<double>(e.loc.size()));
    for (const auto& item : e.loc) {
      const auto* key = std::get_if<std::string>(&item);
      numbers.push_back(key ? -1 - string_index(*key) : static_cast<double>(std::get<int64_t>(item)));
    }
    // A number is itself (NaN and ±Infinity too: JSON text would make them null).
    bool number = e.input.is_number();
    numbers.push_back(number ? 0 : 1);
    numbers.push_back(number ? e.input.get<double>() : json_index(e.input));
    numbers.push_back(e.ctx.is_null() ? -1 : json_index(e.ctx));
  }
  val out = val::array();
  out.set(0, values.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  out.set(1, typed_copy<double>("Float64Array", numbers));
  return out;
}

}  // namespace onnx_predict::bindings
