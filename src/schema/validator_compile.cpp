// Compilation: every schema location reachable from the root (lexically, through `$ref`, and the
// `definitions`/`$defs` containers, compiled eagerly so their mistakes surface) becomes one Node,
// a list of Ops. Compilation is iterative (a worklist), so no schema can overflow the stack.
#include <algorithm>
#include <cmath>

#include "common/error.h"
#include "schema/json_pointer.h"
#include "schema/validator_compiler.h"

namespace onnx_predict::schema::detail {
namespace {

// Keywords of later drafts whose meaning this validator does not implement; ignoring them would
// accept values their authors meant to reject.
struct Unsupported {
  std::string_view keyword;
  std::string_view hint;
};
constexpr Unsupported kUnsupported[] = {
    {"$dynamicRef", "use \"$ref\""},
    {"$dynamicAnchor", "use \"$id\" and \"$ref\""},
    {"$recursiveRef", "use \"$ref\""},
    {"$recursiveAnchor", "use \"$id\" and \"$ref\""},
    {"unevaluatedProperties", "use \"additionalProperties\""},
    {"unevaluatedItems", "use \"additionalItems\" or \"items\" after \"prefixItems\""},
    {"dependentSchemas", "use draft-07 \"dependencies\" with a schema value"},
    {"dependentRequired", "use draft-07 \"dependencies\" with an array of names"},
    {"contentSchema", "remove it or validate the decoded content separately"},
    {"minContains", "use \"contains\" (at least one match)"},
    {"maxContains", "use \"contains\" (at least one match)"},
};

struct Keyword {
  std::string_view name;
  KeywordGroup group;
};
// Every keyword the compiler reads (validator_compile*.cpp), sorted by name.
constexpr Keyword kKeywords[] = {
    {"$defs", kDefinitionKeywords},
    {"$dynamicAnchor", kUnsupportedKeywords},
    {"$dynamicRef", kUnsupportedKeywords},
    {"$id", kIdKeyword},
    {"$recursiveAnchor", kUnsupportedKeywords},
    {"$recursiveRef", kUnsupportedKeywords},
    {"$ref", kRefKeyword},
    {"additionalItems", kArrayKeywords},
    {"additionalProperties", kObjectKeywords},
    {"allOf", kApplicatorKeywords},
    {"anyOf", kApplicatorKeywords},
    {"const", kValueKeywords},
    {"contains", kArrayKeywords},
    {"contentSchema", kUnsupportedKeywords},
    {"definitions", kDefinitionKeywords},
    {"dependencies", kObjectKeywords},
    {"dependentRequired", kUnsupportedKeywords},
    {"dependentSchemas", kUnsupportedKeywords},
    {"else", kApplicatorKeywords},
    {"enum", kValueKeywords},
    {"exclusiveMaximum", kNumberKeywords},
    {"exclusiveMinimum", kNumberKeywords},
    {"format", kStringKeywords},
    {"if", kApplicatorKeywords},
    {"items", kArrayKeywords},
    {"maxContains", kUnsupportedKeywords},
    {"maxItems", kArrayKeywords},
    {"maxLength", kStringKeywords},
    {"maxProperties", kObjectKeywords},
    {"maximum", kNumberKeywords},
    {"minContains", kUnsupportedKeywords},
    {"minItems", kArrayKeywords},
    {"minLength", kStringKeywords},
    {"minProperties", kObjectKeywords},
    {"minimum", kNumberKeywords},
    {"multipleOf", kNumberKeywords},
    {"not", kApplicatorKeywords},
    {"oneOf", kApplicatorKeywords},
    {"pattern", kStringKeywords},
    {"patternProperties", kObjectKeywords},
    {"prefixItems", kArrayKeywords},
    {"properties", kObjectKeywords},
    {"propertyNames", kObjectKeywords},
    {"required", kObjectKeywords},
    {"then", kApplicatorKeywords},
    {"type", kTypeKeyword},
    {"unevaluatedItems", kUnsupportedKeywords},
    {"unevaluatedProperties", kUnsupportedKeywords},
    {"uniqueItems", kArrayKeywords},
};
constexpr bool by_name(const Keyword& a, const Keyword& b) { return a.name < b.name; }
static_assert(std::is_sorted(std::begin(kKeywords), std::end(kKeywords), by_name));
constexpr bool lists_every_unsupported() {
  for (const Unsupported& u : kUnsupported) {
    bool listed = false;
    for (const Keyword& k : kKeywords) listed = listed || (k.name == u.keyword && k.group == kUnsupportedKeywords);
    if (!listed) return false;
  }
  return true;
}
static_assert(lists_every_unsupported(), "each of kUnsupported must be in kKeywords as kUnsupportedKeywords");

uint32_t type_bit(std::string_view name) {
  if (name == "null") return kTypeNull;
  if (name == "boolean") return kTypeBoolean;
  if (name == "object") return kTypeObject;
  if (name == "array") return kTypeArray;
  if (name == "number") return kTypeNumber;
  if (name == "string") return kTypeString;
  if (name == "integer") return kTypeInteger;
  return 0;
}

}  // namespace

bool is_schema(const Json& v) { return v.is_object() || v.is_boolean(); }

uint32_t keyword_groups(const Json& schema) {
  if (!schema.is_object()) return 0;
  uint32_t groups = 0;
  for (const auto& [key, value] : schema.get_ref<const Json::object_t&>()) {
    auto it = std::lower_bound(std::begin(kKeywords), std::end(kKeywords), Keyword{key, {}}, by_name);
    if (it != std::end(kKeywords) && it->name == key) groups |= it->group;
  }
  return groups;
}

Compiler::Compiler(const Json& schema, const ValidatorOptions& options, Compiled& out) : index_(schema), c_(&out) {
  c_->options = options;
}

void Compiler::run() {
  const Location& root = index_.root();
  c_->root = node_for(*root.json, root.base, root.pointer);
  while (!worklist_.empty()) {
    NodeId id = worklist_.front();
    worklist_.pop_front();
    compile_node(id);
  }
  check_in_place_graph(*c_, node_schema_, node_pointer_);
  c_->flat = compute_flat_shape(*c_, node_schema_);
}

void Compiler::fail(const std::string& pointer, std::string_view keyword, const std::string& why) const {
  throw Error(ErrorCode::kSchemaInvalid, "\"" + std::string(keyword) + "\" " + why, append_pointer(pointer, keyword));
}

NodeId Compiler::node_for(const Json& schema, const std::string& base, const std::string& pointer) {
  auto [it, inserted] = ids_.emplace(&schema, static_cast<NodeId>(c_->nodes.size()));
  if (!inserted) return it->second;
  c_->nodes.emplace_back();
  node_schema_.push_back(&schema);
  node_base_.push_back(base);
  node_pointer_.push_back(pointer);
  worklist_.push_back(it->second);
  return it->second;
}

NodeId Compiler::child(const Json& sub, const std::string& parent_base, const std::string& pointer,
                       std::string_view keyword) {
  if (!is_schema(sub)) {
    throw Error(
        ErrorCode::kSchemaInvalid,
        "\"" + std::string(keyword) + "\" must hold schemas (objects or booleans), not " + std::string(sub.type_name()),
        pointer);
  }
  return node_for(sub, apply_id(parent_base, sub), pointer);
}

std::vector<NodeId> Compiler::schema_array(const Json& s, const std::string& ptr, std::string_view keyword,
                                           const std::string& base) {
  const Json& value = s.at(keyword);
  if (!value.is_array() || value.empty()) fail(ptr, keyword, "must be a non-empty array of schemas");
  std::vector<NodeId> out;
  std::string prefix = append_pointer(ptr, keyword);
  for (size_t i = 0; i < value.size(); ++i)
    out.push_back(child(value[i], base, prefix + "/" + std::to_string(i), keyword));
  return out;
}

uint64_t Compiler::non_negative_integer(const Json& v, const std::string& ptr, std::string_view keyword) const {
  if (!is_number(v) || !is_integral(v) || compare_numbers(v, Json(0)) < 0)
    fail(ptr, keyword, "must be a non-negative integer");
  if (v.is_number_unsigned()) return v.get<uint64_t>();
  if (v.is_number_integer()) return static_cast<uint64_t>(v.get<int64_t>());
  double d = v.get<double>();
  return d >= 18446744073709551615.0 ? UINT64_MAX : static_cast<uint64_t>(d);
}

uint32_t Compiler::add_value(const Json& v) {
  c_->values.push_back(copy_bounded(v, SIZE_MAX));
  return static_cast<uint32_t>(c_->values.size() - 1);
}

uint32_t Compiler::add_string(std::string s) {
  c_->strings.push_back(std::move(s));
  return static_cast<uint32_t>(c_->strings.size() - 1);
}

uint32_t Compiler::add_children(const std::vector<NodeId>& ids) {
  c_->children.insert(c_->children.end(), ids.begin(), ids.end());
  return static_cast<uint32_t>(c_->children.size() - ids.size());
}

void Compiler::emit_children(OpKind kind, const std::vector<NodeId>& ids) {
  uint32_t begin = add_children(ids);
  Op op{kind};
  op.begin = begin;
  op.end = begin + static_cast<uint32_t>(ids.size());
  emit(op);
}

uint32_t Compiler::add_regex(const std::string& source, const std::string& pointer, std::string_view keyword) {
  std::string error;
  std::unique_ptr<Regex> regex = Regex::compile(source, &error);
  if (!regex) {
    throw Error(ErrorCode::kSchemaInvalid,
                "\"" + std::string(keyword) + "\" is not a supported ECMAScript regular expression: " + error, pointer);
  }
  c_->regexes.push_back(std::move(regex));
  return static_cast<uint32_t>(c_->regexes.size() - 1);
}

void Compiler::compile_node(NodeId id) {
  const Json& s = *node_schema_[id];
  const std::string ptr = node_pointer_[id];
  const std::string base = node_base_[id];
  c_->nodes[id].ops_begin = static_cast<uint32_t>(c_->ops.size());
  if (s.is_boolean()) {
    if (!s.get<bool>()) {
      emit(Op{OpKind::kFalse});
      c_->nodes[id].false_schema = true;
    }
  } else if (!s.is_object()) {
    throw Error(ErrorCode::kSchemaInvalid, "a schema must be an object or a boolean, not " + std::string(s.type_name()),
                ptr);
  } else {
    const uint32_t groups = keyword_groups(s);
    if (groups & kUnsupportedKeywords) {
      for (const Unsupported& u : kUnsupported) {
        if (s.contains(u.keyword)) {
          fail(ptr, u.keyword,
               "is a JSON Schema 2019-09/2020-12 keyword this validator does not support (it "
               "implements draft-07 plus $defs and prefixItems): " +
                   std::string(u.hint));
        }
      }
    }
    if (groups & kRefKeyword) {
      compile_ref(s, ptr, base);  // draft-07 section 8.3: siblings of $ref are ignored
    } else {
      compile_keywords(s, ptr, base, groups);
    }
    for (std::string_view container : {"definitions", "$defs"}) {
      if (!(groups & kDefinitionKeywords)) break;  // (neither is there)
      auto it = s.find(container);
      if (it == s.end()) continue;
      if (!it->is_object()) fail(ptr, container, "must be an object whose values are schemas");
      for (auto def = it->begin(); def != it->end(); ++def) {
        child(*def, base, append_pointer(append_pointer(ptr, container), def.key()), container);
      }
    }
  }
  c_->nodes[id].ops_end = static_cast<uint32_t>(c_->ops.size());
}

void Compiler::compile_ref(const Json& s, const std::string& ptr, const std::string& base) {
  const Json& ref = s.at("$ref");
  if (!ref.is_string()) fail(ptr, "$ref", "must be a string (a URI reference such as \"#/definitions/Name\")");
  Location target = index_.resolve(ref.get<std::string>(), base, append_pointer(ptr, "$ref"));
  if (!is_schema(*target.json)) fail(ptr, "$ref", "points to " + target.pointer + ", which is not a schema");
  emit_children(OpKind::kAllOf, {node_for(*target.json, target.base, target.pointer)});
}

void Compiler::compile_keywords(const Json& s, const std::string& ptr, const std::string& base, uint32_t groups) {
  if (groups & kIdKeyword) {
    if (!s.at("$id").is_string()) fail(ptr, "$id", "must be a string (a URI reference)");
  }
  if (groups & kTypeKeyword) compile_type(s, ptr);
  if (groups & kValueKeywords) compile_values(s, ptr);
  if (groups & kNumberKeywords) compile_numeric(s, ptr);
  if (groups & kStringKeywords) compile_string(s, ptr);
  if (groups & kArrayKeywords) compile_array(s, ptr, base);
  if (groups & kObjectKeywords) compile_object(s, ptr, base);
  if (groups & kApplicatorKeywords) compile_applicators(s, ptr, base);
}

void Compiler::compile_type(const Json& s, const std::string& ptr) {
  auto type = s.find("type");
  if (type == s.end()) return;
  uint32_t mask = 0, first = 0;
  auto add = [&](const Json& name) {
    uint32_t bit = name.is_string() ? type_bit(name.get_ref<const std::string&>()) : 0;
    if (bit == 0) {
      fail(ptr, "type",
           "must name JSON types: \"null\", \"boolean\", \"object\", \"array\", \"number\", \"string\" or \"integer\"");
    }
    mask |= bit;
    if (first == 0 && bit != kTypeNull) first = bit;
  };
  if (type->is_array()) {
    if (type->empty()) fail(ptr, "type", "must be a type name or a non-empty array of type names");
    for (const Json& name : *type) add(name);
  } else {
    add(*type);
  }
  Op op{OpKind::kType};
  op.a = mask;
  op.b = first;
  emit(op);
}

void Compiler::compile_values(const Json& s, const std::string& ptr) {
  if (auto it = s.find("const"); it != s.end()) {
    Op op{OpKind::kConst};
    op.a = add_value(*it);
    op.b = add_string(python_repr(*it));
    emit(op);
  }
  if (auto it = s.find("enum"); it != s.end()) {
    if (!it->is_array()) fail(ptr, "enum", "must be an array of the allowed values");
    Op op{OpKind::kEnum};
    op.begin = static_cast<uint32_t>(c_->values.size());
    for (const Json& v : *it) add_value(v);
    op.end = static_cast<uint32_t>(c_->values.size());
    op.b = add_string(python_or_list(c_->values.data() + op.begin, c_->values.data() + op.end));
    emit(op);
  }
}

void Compiler::compile_numeric(const Json& s, const std::string& ptr) {
  std::vector<Op> ops;
  auto bound = [&](std::string_view keyword, OpKind kind) {
    auto it = s.find(keyword);
    if (it == s.end()) return;
    if (it->is_boolean() && (kind == OpKind::kExclusiveMinimum || kind == OpKind::kExclusiveMaximum)) {
      fail(ptr, keyword,
           "is a boolean, which is draft-04 syntax; in draft-07 it is the bound itself: write \"" +
               std::string(keyword) + "\": <number> instead of \"" +
               (kind == OpKind::kExclusiveMinimum ? "minimum" : "maximum") + "\": <number>, \"" + std::string(keyword) +
               "\": true");
    }
    if (!is_number(*it) || (it->is_number_float() && !std::isfinite(it->get<double>())))
      fail(ptr, keyword, "must be a number");
    if (kind == OpKind::kMultipleOf && compare_numbers(*it, Json(0)) <= 0) fail(ptr, keyword, "must be greater than 0");
    Op op{kind};
    op.a = add_value(*it);
    ops.push_back(op);
  };
  bound("minimum", OpKind::kMinimum);
  bound("exclusiveMinimum", OpKind::kExclusiveMinimum);
  bound("maximum", OpKind::kMaximum);
  bound("exclusiveMaximum", OpKind::kExclusiveMaximum);
  bound("multipleOf", OpKind::kMultipleOf);
  if (ops.empty()) return;
  emit(Op{OpKind::kFinite});
  for (const Op& op : ops) emit(op);
}

void Compiler::count(const Json& s, const std::string& ptr, std::string_view keyword, OpKind kind) {
  auto it = s.find(keyword);
  if (it == s.end()) return;
  Op op{kind};
  op.n = non_negative_integer(*it, ptr, keyword);
  emit(op);
}

void Compiler::compile_string(const Json& s, const std::string& ptr) {
  count(s, ptr, "minLength", OpKind::kMinLength);
  count(s, ptr, "maxLength", OpKind::kMaxLength);
  if (auto it = s.find("pattern"); it != s.end()) {
    if (!it->is_string()) fail(ptr, "pattern", "must be a string (an ECMAScript regular expression)");
    Op op{OpKind::kPattern};
    op.a = add_regex(it->get<std::string>(), append_pointer(ptr, "pattern"), "pattern");
    op.b = add_string(it->get<std::string>());
    emit(op);
  }
  if (auto it = s.find("format"); it != s.end()) {
    if (!it->is_string()) fail(ptr, "format", "must be a string");
    std::optional<Format> format = format_from_name(it->get_ref<const std::string&>());
    if (c_->options.check_formats && format) {
      Op op{OpKind::kFormat};
      op.a = static_cast<uint32_t>(*format);
      op.b = add_string(it->get<std::string>());
      emit(op);
    }
  }
}

void compile_schema(const Json& schema, const ValidatorOptions& options, Compiled& out) {
  Compiler(schema, options, out).run();
}

}  // namespace onnx_predict::schema::detail
