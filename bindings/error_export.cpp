// export_errors (interop.h), built for size: it runs once per batch that has errors.
#include <cmath>
#include <string>
#include <string_view>
#include <unordered_map>

#include "bindings/interop.h"

namespace onnx_predict::bindings {

val export_errors(std::span<const onnx_predict::schema::ValidationError> errors) {
  constexpr auto kReplace = nlohmann::json::error_handler_t::replace;  // model strings need not be valid UTF-8
  std::string values = "[";
  size_t count = 0;
  auto add = [&](const std::string& json_text) {
    if (count > 0) values += ',';
    values += json_text;
    return count++;
  };
  // A text is a value once (keys view the errors' own strings); an object, array, boolean or null
  // is a value of its own at each use, so every error gets its own objects from JSON.parse.
  std::unordered_map<std::string_view, size_t> texts;  // (the instantiation schema::fields_by_name has)
  auto text_index = [&](const std::string& s) {
    auto it = texts.find(s);
    if (it == texts.end()) {
      it = texts.emplace(s, count).first;
      add(nlohmann::json(s).dump(-1, ' ', false, kReplace));
    }
    return static_cast<double>(it->second);
  };
  auto value_index = [&](const nlohmann::json& j) {
    return j.is_string() ? text_index(j.get_ref<const std::string&>()) : static_cast<double>(add(j.dump(-1, ' ', false, kReplace)));
  };
  std::vector<double> numbers;
  numbers.reserve(errors.size() * 8);  // type, msg, a loc of two and its length, input (2), ctx
  // A value as it crosses: 0 and a finite number itself, or 1 and a value index (JSON text makes
  // NaN and ±Infinity null: the caller handles an input that is a number first).
  auto add_value = [&](const nlohmann::json& v) {
    bool number = v.is_number() && std::isfinite(v.get<double>());
    numbers.push_back(number ? 0 : 1);
    numbers.push_back(number ? v.get<double>() : value_index(v));
  };
  for (const auto& e : errors) {
    numbers.push_back(text_index(e.type));
    numbers.push_back(text_index(e.msg));
    numbers.push_back(static_cast<double>(e.loc.size()));
    for (const auto& item : e.loc) {
      const auto* key = std::get_if<std::string>(&item);
      numbers.push_back(key ? -1 - text_index(*key) : static_cast<double>(std::get<int64_t>(item)));
    }
    // A number is itself (NaN and ±Infinity too: JSON text would make them null). An object (the
    // record, for `missing`) crosses as its members, 2, their count, then each key's text index and
    // value: its JSON text and the parse in JS cost about a quarter of a batch whose records are
    // all invalid (iris).
    if (e.input.is_number()) {
      numbers.push_back(0);
      numbers.push_back(e.input.get<double>());
    } else if (e.input.is_object()) {
      numbers.push_back(2);
      numbers.push_back(static_cast<double>(e.input.size()));
      for (const auto& [key, value] : e.input.items()) {
        numbers.push_back(text_index(key));
        add_value(value);
      }
    } else {
      add_value(e.input);
    }
    numbers.push_back(e.ctx.is_null() ? -1 : value_index(e.ctx));
  }
  values += ']';
  val out = val::array();
  out.set(0, values);
  out.set(1, typed_copy<double>("Float64Array", numbers));
  return out;
}

}  // namespace onnx_predict::bindings
