// Compilation of the keywords that hold subschemas: array (items, prefixItems, additionalItems,
// contains), object (properties, required, patternProperties, additionalProperties,
// propertyNames, dependencies) and the applicators (allOf, anyOf, oneOf, not, if/then/else).
#include <algorithm>

#include "common/error.h"
#include "schema/json_pointer.h"
#include "schema/validator_compiler.h"

namespace onnx_predict::schema::detail {
namespace {

constexpr std::string_view kAnnotationKeywords[] = {"title",    "description", "default",   "examples",
                                                    "$comment", "readOnly",    "writeOnly", "deprecated"};

// {"type": "null"} with nothing else but annotations: the null branch of Pydantic's Optional.
bool is_null_schema(const Json& s) {
  if (!s.is_object()) return false;
  auto type = s.find("type");
  if (type == s.end() || *type != "null") return false;
  for (auto it = s.begin(); it != s.end(); ++it) {
    if (it.key() == "type") continue;
    if (std::find(std::begin(kAnnotationKeywords), std::end(kAnnotationKeywords), it.key()) ==
        std::end(kAnnotationKeywords)) {
      return false;
    }
  }
  return true;
}

}  // namespace

// The rest of an array after the leading items: kNoNode when anything goes, `forbidden` when
// nothing does.
void Compiler::rest_of_items(const Json& sub, const std::string& pointer, std::string_view keyword,
                             const std::string& base, Op& op) {
  if (sub.is_boolean()) {
    op.a = kNoNode;
    op.b = sub.get<bool>() ? 0 : 1;
    return;
  }
  op.a = child(sub, base, pointer, keyword);
}

void Compiler::compile_array(const Json& s, const std::string& ptr, const std::string& base) {
  count(s, ptr, "minItems", OpKind::kMinItems);
  count(s, ptr, "maxItems", OpKind::kMaxItems);
  if (auto it = s.find("uniqueItems"); it != s.end()) {
    if (!it->is_boolean()) fail(ptr, "uniqueItems", "must be a boolean");
    if (it->get<bool>()) emit(Op{OpKind::kUniqueItems});
  }
  auto items = s.find("items");
  auto prefix = s.find("prefixItems");
  auto additional = s.find("additionalItems");
  if (additional != s.end() && !is_schema(*additional)) fail(ptr, "additionalItems", "must be a schema");
  Op op{OpKind::kItems};
  op.a = kNoNode;
  std::vector<NodeId> leading;
  if (prefix != s.end()) {  // 2020-12: prefixItems, then items for the rest
    leading = schema_array(s, ptr, "prefixItems", base);
    if (items != s.end()) {
      if (!is_schema(*items)) fail(ptr, "items", "must be a schema when \"prefixItems\" is present");
      rest_of_items(*items, append_pointer(ptr, "items"), "items", base, op);
    }
  } else if (items != s.end() && items->is_array()) {  // draft-07 tuple form, then additionalItems
    std::string items_ptr = append_pointer(ptr, "items");
    for (size_t i = 0; i < items->size(); ++i)
      leading.push_back(child((*items)[i], base, items_ptr + "/" + std::to_string(i), "items"));
    if (additional != s.end())
      rest_of_items(*additional, append_pointer(ptr, "additionalItems"), "additionalItems", base, op);
  } else if (items != s.end()) {
    if (!is_schema(*items)) fail(ptr, "items", "must be a schema or an array of schemas");
    rest_of_items(*items, append_pointer(ptr, "items"), "items", base, op);
  }
  if (!leading.empty() || op.a != kNoNode || op.b != 0) {
    op.begin = add_children(leading);
    op.end = op.begin + static_cast<uint32_t>(leading.size());
    emit(op);
  }
  if (auto it = s.find("contains"); it != s.end()) {
    Op contains{OpKind::kContains};
    contains.a = child(*it, base, append_pointer(ptr, "contains"), "contains");
    emit(contains);
  }
}

void Compiler::compile_object(const Json& s, const std::string& ptr, const std::string& base) {
  // The required names in document order, each once (a repeat is ignored), and sorted for
  // lookups: finding each name in a list made a wide schema quadratic (1,000 properties: most of
  // a 75 ms compile in wasm).
  std::vector<std::string_view> required, required_sorted;
  if (auto it = s.find("required"); it != s.end()) {
    if (!it->is_array()) fail(ptr, "required", "must be an array of property names");
    for (const Json& name : *it) {
      if (!name.is_string()) fail(ptr, "required", "must be an array of property names (strings)");
      required_sorted.push_back(name.get_ref<const std::string&>());
    }
    std::sort(required_sorted.begin(), required_sorted.end());
    required_sorted.erase(std::unique(required_sorted.begin(), required_sorted.end()), required_sorted.end());
    std::vector<bool> listed(required_sorted.size());
    for (const Json& name : *it) {
      std::string_view text = name.get_ref<const std::string&>();
      size_t k = static_cast<size_t>(std::lower_bound(required_sorted.begin(), required_sorted.end(), text) - required_sorted.begin());
      if (!listed[k]) required.push_back(text);
      listed[k] = true;
    }
  }
  auto is_required = [&](std::string_view name) {
    return std::binary_search(required_sorted.begin(), required_sorted.end(), name);
  };
  auto properties = s.find("properties");
  if (properties != s.end() && !properties->is_object())
    fail(ptr, "properties", "must be an object whose values are schemas");
  std::vector<Field> fields;
  if (properties != s.end()) {
    for (auto p = properties->begin(); p != properties->end(); ++p) {
      NodeId id = child(*p, base, append_pointer(append_pointer(ptr, "properties"), p.key()), "properties");
      fields.push_back(Field{add_string(p.key()), id, is_required(p.key())});
    }
  }
  for (std::string_view name : required) {
    if (properties == s.end() || !properties->contains(name)) fields.push_back(Field{add_string(std::string(name)), kNoNode, true});
  }
  if (!fields.empty()) {
    Op op{OpKind::kFields};
    op.begin = static_cast<uint32_t>(c_->fields.size());
    c_->fields.insert(c_->fields.end(), fields.begin(), fields.end());
    op.end = static_cast<uint32_t>(c_->fields.size());
    emit(op);
  }
  compile_members(s, ptr, base, properties == s.end() ? nullptr : &*properties);
  if (auto it = s.find("propertyNames"); it != s.end()) {
    Op op{OpKind::kPropertyNames};
    op.a = child(*it, base, append_pointer(ptr, "propertyNames"), "propertyNames");
    emit(op);
  }
  count(s, ptr, "minProperties", OpKind::kMinProperties);
  count(s, ptr, "maxProperties", OpKind::kMaxProperties);
  compile_dependencies(s, ptr, base);
}

void Compiler::compile_members(const Json& s, const std::string& ptr, const std::string& base, const Json* properties) {
  Op op{OpKind::kMembers};
  op.a = kNoNode;
  op.begin = static_cast<uint32_t>(c_->patterns.size());
  if (auto it = s.find("patternProperties"); it != s.end()) {
    if (!it->is_object()) fail(ptr, "patternProperties", "must be an object mapping regular expressions to schemas");
    for (auto p = it->begin(); p != it->end(); ++p) {
      std::string at = append_pointer(append_pointer(ptr, "patternProperties"), p.key());
      uint32_t regex = add_regex(p.key(), at, "patternProperties");
      c_->patterns.push_back(PatternChild{regex, child(*p, base, at, "patternProperties")});
    }
  }
  op.end = static_cast<uint32_t>(c_->patterns.size());
  if (auto it = s.find("additionalProperties"); it != s.end()) {
    if (it->is_boolean()) {
      op.b = it->get<bool>() ? 0 : 1;
    } else {
      op.a = child(*it, base, append_pointer(ptr, "additionalProperties"), "additionalProperties");
    }
  }
  if (op.begin == op.end && op.a == kNoNode && op.b == 0) return;
  op.begin2 = static_cast<uint32_t>(c_->declared.size());
  if (properties != nullptr) {
    for (auto p = properties->begin(); p != properties->end(); ++p) c_->declared.push_back(add_string(p.key()));
  }
  op.end2 = static_cast<uint32_t>(c_->declared.size());
  // nlohmann::json objects iterate in key order, so the names are already sorted.
  emit(op);
}

void Compiler::compile_dependencies(const Json& s, const std::string& ptr, const std::string& base) {
  auto it = s.find("dependencies");
  if (it == s.end()) return;
  if (!it->is_object()) fail(ptr, "dependencies", "must be an object (property name → array of names or schema)");
  for (auto d = it->begin(); d != it->end(); ++d) {
    std::string at = append_pointer(append_pointer(ptr, "dependencies"), d.key());
    if (d->is_array()) {
      Op op{OpKind::kDependentRequired};
      op.a = add_string(d.key());
      op.begin = static_cast<uint32_t>(c_->strings.size());
      for (const Json& name : *d) {
        if (!name.is_string())
          throw Error(ErrorCode::kSchemaInvalid, "\"dependencies\" arrays must hold property names (strings)", at);
        add_string(name.get<std::string>());
      }
      op.end = static_cast<uint32_t>(c_->strings.size());
      if (op.begin != op.end) emit(op);
    } else {
      Op op{OpKind::kDependentSchema};
      op.a = add_string(d.key());
      op.b = child(*d, base, at, "dependencies");
      emit(op);
    }
  }
}

void Compiler::compile_applicators(const Json& s, const std::string& ptr, const std::string& base) {
  if (s.contains("allOf")) emit_children(OpKind::kAllOf, schema_array(s, ptr, "allOf", base));
  if (s.contains("anyOf")) {
    std::vector<NodeId> branches = schema_array(s, ptr, "anyOf", base);
    const Json& any_of = s.at("anyOf");
    if (branches.size() == 2 && (is_null_schema(any_of[0]) != is_null_schema(any_of[1]))) {
      Op op{OpKind::kNullable};  // Optional[X]: null, or X with X's own errors
      op.a = is_null_schema(any_of[0]) ? branches[1] : branches[0];
      emit(op);
    } else {
      emit_children(OpKind::kAnyOf, branches);
    }
  }
  if (s.contains("oneOf")) emit_children(OpKind::kOneOf, schema_array(s, ptr, "oneOf", base));
  if (auto it = s.find("not"); it != s.end()) {
    Op op{OpKind::kNot};
    op.a = child(*it, base, append_pointer(ptr, "not"), "not");
    emit(op);
  }
  Op op{OpKind::kIf};
  op.b = op.c = kNoNode;
  if (auto it = s.find("then"); it != s.end()) op.b = child(*it, base, append_pointer(ptr, "then"), "then");
  if (auto it = s.find("else"); it != s.end()) op.c = child(*it, base, append_pointer(ptr, "else"), "else");
  if (auto it = s.find("if"); it != s.end()) {
    op.a = child(*it, base, append_pointer(ptr, "if"), "if");
    if (op.b != kNoNode || op.c != kNoNode) emit(op);
  }
}

}  // namespace onnx_predict::schema::detail
