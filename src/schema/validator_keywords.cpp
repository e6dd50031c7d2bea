// The checks of one value against one keyword (draft-07 validation spec section 6), and the
// Pydantic-v2-shaped error each failure produces (docs/validation-errors.md). Message texts
// follow pydantic_core's where Pydantic has the constraint.
#include <cmath>
#include <unordered_map>

#include "schema/validator_internal.h"

namespace onnx_predict::schema::detail {
namespace {

std::string plural(uint64_t n, const char* singular, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? singular : many);
}

// The error for a value whose JSON type `type` does not allow. Pydantic names the expected type;
// with several allowed types the first listed one is named, except that a number with a fraction
// where integers are allowed is int_from_float.
bool type_error(const Op& op, const Json& v, ErrorSink* sink) {
  if (sink == nullptr) return false;
  uint32_t mask = op.a;
  if (v.is_number_float() && !std::isfinite(v.get<double>()) && (mask & (kTypeNumber | kTypeInteger))) {
    sink->add("finite_number", "Input should be a finite number", nullptr, v);
  } else if (v.is_number_float() && (mask & kTypeInteger)) {
    sink->add("int_from_float", "Input should be a valid integer, got a number with a fractional part", nullptr, v);
  } else {
    switch (op.b) {
      case kTypeNumber: sink->add("float_type", "Input should be a valid number", nullptr, v); break;
      case kTypeInteger: sink->add("int_type", "Input should be a valid integer", nullptr, v); break;
      case kTypeString: sink->add("string_type", "Input should be a valid string", nullptr, v); break;
      case kTypeBoolean: sink->add("bool_type", "Input should be a valid boolean", nullptr, v); break;
      case kTypeObject: sink->add("dict_type", "Input should be a valid dictionary", nullptr, v); break;
      case kTypeArray: sink->add("list_type", "Input should be a valid list", nullptr, v); break;
      default: sink->add("none_required", "Input should be None", nullptr, v); break;
    }
  }
  return false;
}

bool check_type(const Op& op, const Json& v, ErrorSink* sink) {
  uint32_t mask = op.a;
  bool ok = false;
  switch (v.type()) {
    case Json::value_t::null: ok = mask & kTypeNull; break;
    case Json::value_t::boolean: ok = mask & kTypeBoolean; break;
    case Json::value_t::object: ok = mask & kTypeObject; break;
    case Json::value_t::array: ok = mask & kTypeArray; break;
    case Json::value_t::string: ok = mask & kTypeString; break;
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned: ok = mask & (kTypeNumber | kTypeInteger); break;
    case Json::value_t::number_float:
      if (!std::isfinite(v.get<double>())) break;  // NaN/Infinity are not JSON numbers
      ok = (mask & kTypeNumber) || ((mask & kTypeInteger) && is_integral(v));
      break;
    default: break;
  }
  return ok || type_error(op, v, sink);
}

bool check_bound(const Compiled& c, const Op& op, const Json& v, ErrorSink* sink) {
  const Json& bound = c.values[op.a];
  int cmp = compare_numbers(v, bound);
  struct Rule {
    bool ok;
    const char* type;
    const char* key;
    const char* words;
  };
  Rule r = op.kind == OpKind::kMinimum
               ? Rule{cmp == 0 || cmp == 1, "greater_than_equal", "ge", "greater than or equal to"}
           : op.kind == OpKind::kMaximum ? Rule{cmp == 0 || cmp == -1, "less_than_equal", "le", "less than or equal to"}
           : op.kind == OpKind::kExclusiveMinimum ? Rule{cmp == 1, "greater_than", "gt", "greater than"}
                                                  : Rule{cmp == -1, "less_than", "lt", "less than"};
  const bool ok = r.ok;
  const char* type = r.type;
  const char* key = r.key;
  const char* words = r.words;
  if (!ok && sink)
    sink->add(type, std::string("Input should be ") + words + " " + python_number(bound), Json{{key, bound}}, v);
  return ok;
}

// The first pair of equal items, by hashing (an array of n items costs O(n), not O(n²)).
std::optional<std::pair<size_t, size_t>> find_duplicate(const Json& array) {
  std::unordered_multimap<size_t, size_t> seen;
  seen.reserve(array.size());
  for (size_t i = 0; i < array.size(); ++i) {
    size_t h = json_hash(array[i]);
    auto [first, last] = seen.equal_range(h);
    for (auto it = first; it != last; ++it) {
      if (json_equal(array[it->second], array[i])) return std::make_pair(it->second, i);
    }
    seen.emplace(h, i);
  }
  return std::nullopt;
}

}  // namespace

bool check_leaf(const Compiled& c, const Op& op, const Json& v, ErrorSink* sink) {
  switch (op.kind) {
    case OpKind::kFalse:
      if (sink) sink->add("false_schema", "No value is allowed here (the schema is false)", nullptr, v);
      return false;
    case OpKind::kType: return check_type(op, v, sink);
    case OpKind::kFinite:
      if (!v.is_number_float() || std::isfinite(v.get<double>())) return true;
      if (sink) sink->add("finite_number", "Input should be a finite number", nullptr, v);
      return false;
    case OpKind::kConst:
      if (json_equal(v, c.values[op.a])) return true;
      if (sink)
        sink->add("literal_error", "Input should be " + c.strings[op.b], Json{{"expected", c.strings[op.b]}}, v);
      return false;
    case OpKind::kEnum:
      for (uint32_t i = op.begin; i < op.end; ++i) {
        if (json_equal(v, c.values[i])) return true;
      }
      if (sink) sink->add("enum", "Input should be " + c.strings[op.b], Json{{"expected", c.strings[op.b]}}, v);
      return false;
    case OpKind::kMinimum:
    case OpKind::kMaximum:
    case OpKind::kExclusiveMinimum:
    case OpKind::kExclusiveMaximum: return !v.is_number() || check_bound(c, op, v, sink);
    case OpKind::kMultipleOf:
      if (!v.is_number() || is_multiple_of(v, c.values[op.a])) return true;
      if (sink) {
        sink->add("multiple_of", "Input should be a multiple of " + python_number(c.values[op.a]),
                  Json{{"multiple_of", c.values[op.a]}}, v);
      }
      return false;
    case OpKind::kMinLength:
    case OpKind::kMaxLength: {
      if (!v.is_string()) return true;
      size_t length = count_code_points(v.get_ref<const std::string&>());
      bool min = op.kind == OpKind::kMinLength;
      if (min ? length >= op.n : length <= op.n) return true;
      if (sink) {
        sink->add(min ? "string_too_short" : "string_too_long",
                  std::string("String should have ") + (min ? "at least " : "at most ") +
                      plural(op.n, "character", "characters"),
                  Json{{min ? "min_length" : "max_length", op.n}}, v);
      }
      return false;
    }
    case OpKind::kPattern:
      if (!v.is_string() || c.regexes[op.a]->search(v.get_ref<const std::string&>())) return true;
      if (sink) {
        sink->add("string_pattern_mismatch", "String should match pattern '" + c.strings[op.b] + "'",
                  Json{{"pattern", c.strings[op.b]}}, v);
      }
      return false;
    case OpKind::kFormat:
      if (!v.is_string() || check_format(static_cast<Format>(op.a), v.get_ref<const std::string&>())) return true;
      if (sink) sink->add("format", "Input should be a valid " + c.strings[op.b], Json{{"format", c.strings[op.b]}}, v);
      return false;
    case OpKind::kMinItems:
    case OpKind::kMaxItems: {
      if (!v.is_array()) return true;
      bool min = op.kind == OpKind::kMinItems;
      if (min ? v.size() >= op.n : v.size() <= op.n) return true;
      if (sink) {
        sink->add(min ? "too_short" : "too_long",
                  std::string("List should have ") + (min ? "at least " : "at most ") + plural(op.n, "item", "items") +
                      " after validation, not " + std::to_string(v.size()),
                  Json{{"field_type", "List"}, {min ? "min_length" : "max_length", op.n}, {"actual_length", v.size()}},
                  v);
      }
      return false;
    }
    case OpKind::kUniqueItems: {
      if (!v.is_array()) return true;
      std::optional<std::pair<size_t, size_t>> duplicate = find_duplicate(v);
      if (!duplicate) return true;
      if (sink) {
        sink->add("unique_items",
                  "List should have unique items; items " + std::to_string(duplicate->first) + " and " +
                      std::to_string(duplicate->second) + " are equal",
                  Json{{"first_index", duplicate->first}, {"duplicate_index", duplicate->second}}, v);
      }
      return false;
    }
    case OpKind::kMinProperties:
    case OpKind::kMaxProperties: {
      if (!v.is_object()) return true;
      bool min = op.kind == OpKind::kMinProperties;
      if (min ? v.size() >= op.n : v.size() <= op.n) return true;
      if (sink) {
        sink->add(min ? "too_few_properties" : "too_many_properties",
                  std::string("Dictionary should have ") + (min ? "at least " : "at most ") +
                      plural(op.n, "property", "properties") + ", not " + std::to_string(v.size()),
                  Json{{min ? "min_properties" : "max_properties", op.n}, {"actual_properties", v.size()}}, v);
      }
      return false;
    }
    case OpKind::kDependentRequired: {
      if (!v.is_object() || !v.contains(c.strings[op.a])) return true;
      bool ok = true;
      for (uint32_t i = op.begin; i < op.end; ++i) {
        if (v.contains(c.strings[i])) continue;
        ok = false;
        if (!sink) break;
        sink->add("dependency", "Field required when " + python_repr(Json(c.strings[op.a])) + " is present",
                  Json{{"dependent_on", c.strings[op.a]}}, v, &c.strings[i]);
      }
      return ok;
    }
    default: return true;  // applicators are evaluated by validator_run.cpp
  }
}

Issue too_deep_issue(size_t max_depth) {
  return {"too_deep", "Input is nested more than " + std::to_string(max_depth) + " levels deep",
          Json{{"max_depth", max_depth}}};
}
Issue too_complex_issue() {
  return {"too_complex",
          "Validation stopped after " + std::to_string(kMaxFramesPerCall) +
              " subschema evaluations; simplify the schema or the input",
          Json{{"max_evaluations", kMaxFramesPerCall}}};
}
Issue any_of_issue() { return {"any_of", "Input should match at least one of the anyOf schemas", nullptr}; }
Issue one_of_issue(uint32_t matched) {
  return {"one_of",
          std::string("Input should match exactly one of the oneOf schemas, but matched ") +
              (matched == 0 ? "none" : "several"),
          Json{{"matched", matched == 0 ? "none" : "several"}}};
}
Issue not_issue() { return {"not", "Input should not match the schema under 'not'", nullptr}; }
Issue if_then_else_issue(bool if_matched) {
  return {"if_then_else",
          if_matched ? "Input should not match the 'if' schema ('then' is false)"
                     : "Input should match the 'if' schema ('else' is false)",
          nullptr};
}
Issue contains_issue() {
  return {"contains", "List should contain at least one item matching the 'contains' schema", nullptr};
}
Issue property_names_issue(const std::string& key) {
  return {"property_names", "Property name " + python_repr(Json(key)) + " does not match the propertyNames schema",
          nullptr};
}
Issue extra_forbidden_issue() { return {"extra_forbidden", "Extra inputs are not permitted", nullptr}; }
Issue missing_issue() { return {"missing", "Field required", nullptr}; }
Issue additional_items_issue(size_t max_items, size_t actual) {
  return {"additional_items",
          "List should have at most " + plural(max_items, "item", "items") + ", not " + std::to_string(actual) +
              " (additional items are not permitted)",
          Json{{"max_length", max_items}, {"actual_length", actual}}};
}

}  // namespace onnx_predict::schema::detail
