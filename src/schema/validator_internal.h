// Internals of the JSON Schema validator (validator.h), shared by its .cpp files:
//   validator_compile*.cpp  schema JSON → node arena (one Node per schema location, a list of Ops);
//                           the Compiler class is in validator_compiler.h
//   validator_graph.cpp     refuses in-place applicator cycles and overlong chains
//   validator_refs.cpp      base URIs, `$id`/anchors, `$ref` resolution, the built-in meta-schema
//   validator_run.cpp       the iterative evaluator (explicit frame stack, no recursion)
//   validator_keywords.cpp  the checks of one value against one keyword, and their error messages
//   validator_values.cpp    JSON value helpers: exact number comparison, equality, hashing, repr
//   validator_formats.cpp   `format` checks
//   validator_flat.cpp      FlatShape of the root
// Nothing here is part of the public API.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "schema/json_pointer.h"
#include "schema/regex.h"
#include "schema/validator.h"

namespace onnx_predict::schema::detail {

inline constexpr NodeId kNoNode = 0xFFFFFFFFu;
inline constexpr size_t kMaxSchemaDepth = 512;                    // nesting of subschemas, and of in-place applicators
inline constexpr size_t kMaxInputCopyDepth = 64;                  // ValidationError::input keeps this many levels
inline constexpr uint64_t kMaxFramesPerCall = uint64_t{1} << 26;  // evaluation budget ("too_complex")
inline constexpr uint64_t kMemoAfterFrames = uint64_t{1} << 16;   // verdicts are memoized past this

// `type` names as bits of a mask.
enum TypeBit : uint32_t {
  kTypeNull = 1,
  kTypeBoolean = 2,
  kTypeObject = 4,
  kTypeArray = 8,
  kTypeNumber = 16,
  kTypeString = 32,
  kTypeInteger = 64,
};

enum class Format : uint32_t {
  // clang-format off
  kDateTime, kDate, kTime, kEmail, kIdnEmail, kIpv4, kIpv6, kUuid, kUri, kUriReference, kIri, kIriReference,
  kUriTemplate, kHostname, kIdnHostname, kJsonPointer, kRelativeJsonPointer, kRegex,
  // clang-format on
};

// clang-format off
enum class OpKind : uint8_t {
  // Leaf checks: look at one value, never at a subschema.
  kFalse,              // boolean schema false
  kType,               // a = mask, b = bit of the first listed non-null type (picks the error)
  kFinite,             // numbers must be finite before numeric keywords apply (stops the node)
  kConst,              // a = values index, b = strings index of the "expected" text
  kEnum,               // [begin, end) values, b = strings index of the "expected" text
  kMinimum, kMaximum, kExclusiveMinimum, kExclusiveMaximum,  // a = values index of the bound
  kMultipleOf,         // a = values index
  kMinLength, kMaxLength,          // n
  kPattern,            // a = regexes index, b = strings index of the source
  kFormat,             // a = Format, b = strings index of the name
  kMinItems, kMaxItems,            // n
  kUniqueItems,
  kMinProperties, kMaxProperties,  // n
  kDependentRequired,  // a = strings index of the trigger; [begin, end) strings of the required names
  // Applicators: evaluate subschemas (children) on the value or on its members/items.
  kAllOf,              // [begin, end) children (also `$ref`, a one-child allOf)
  kNullable,           // a = child: anyOf [child, {"type": "null"}] as Pydantic emits Optional[...]
  kAnyOf, kOneOf,      // [begin, end) children
  kNot,                // a
  kIf,                 // a = if, b = then, c = else (kNoNode when absent)
  kDependentSchema,    // a = strings index of the trigger, b = child
  kFields,             // [begin, end) fields: `properties` (in key order), then `required` names
                       // without a `properties` entry
  kMembers,            // [begin, end) patterns; [begin2, end2) declared (sorted) property names;
                       // a = additionalProperties child or kNoNode, b = 1 when it is false
  kPropertyNames,      // a
  kItems,              // [begin, end) children for the leading items; a = child for the rest or
                       // kNoNode, b = 1 when the rest is forbidden (additionalItems/items false)
  kContains,           // a
};
// clang-format on

inline bool is_leaf(OpKind kind) { return kind < OpKind::kAllOf; }

struct Op {
  OpKind kind;
  uint32_t a = 0, b = 0, c = 0;
  uint32_t begin = 0, end = 0;
  uint32_t begin2 = 0, end2 = 0;
  uint64_t n = 0;
};

struct Field {
  uint32_t name;  // strings index
  NodeId child;   // kNoNode for a required name without a `properties` entry
  bool required;
};

struct PatternChild {
  uint32_t regex;  // regexes index
  NodeId child;
};

struct Node {
  uint32_t ops_begin = 0, ops_end = 0;
  bool false_schema = false;
};

// The compiled form of a schema (Validator::Compiled is this type).
struct Compiled {
  ValidatorOptions options;
  NodeId root = 0;
  std::vector<Node> nodes;
  std::vector<Op> ops;
  std::vector<NodeId> children;
  std::vector<Json> values;          // enum/const values and numeric bounds, copied from the schema
  std::vector<std::string> strings;  // property names, patterns, "expected" texts
  std::vector<std::unique_ptr<Regex>> regexes;
  std::vector<Field> fields;
  std::vector<PatternChild> patterns;
  std::vector<uint32_t> declared;  // strings indices, sorted by string (kMembers lookups)
  std::optional<FlatShape> flat;
};

// ---- validator_refs.cpp -------------------------------------------------------------------

// RFC 3986 section 5.2: `ref` resolved against `base` (either may be relative or empty).
std::string resolve_uri(std::string_view base, std::string_view ref);
// The base URI in force inside `schema` whose parent's base is `parent_base`: its `$id` applied
// (draft-07 section 8.2; ignored next to `$ref`, whose siblings draft-07 ignores).
std::string apply_id(const std::string& parent_base, const Json& schema);

// A schema location: where it is and the base URI in force inside it.
struct Location {
  const Json* json = nullptr;
  std::string base;
  std::string pointer;  // for error paths: "/definitions/a", or "<uri>#/..." in another document
};

// Every schema resource of a document (the root, subschemas with `$id`, the built-in draft-07
// meta-schema when referenced) and the anchors (`$id: "#name"`, `$anchor`).
class SchemaIndex {
 public:
  explicit SchemaIndex(const Json& root);  // throws Error(kSchemaInvalid) past kMaxSchemaDepth
  SchemaIndex(const SchemaIndex&) = delete;
  SchemaIndex& operator=(const SchemaIndex&) = delete;
  const Location& root() const { return root_; }
  // Resolves a `$ref` value found at `ref_pointer` in a schema whose base is `base`. Throws
  // Error(kSchemaInvalid, path = ref_pointer) when the reference is remote or unresolvable.
  Location resolve(const std::string& ref, const std::string& base, const std::string& ref_pointer);

 private:
  void scan(const Json& document, const std::string& base, const std::string& pointer);
  std::map<std::string, Location> resources_;
  std::map<std::string, Location> anchors_;
  std::unique_ptr<Json> metaschema_;
  Location root_;
};

// How a keyword holds subschemas; drives both the resource scan and compilation.
enum class SubschemaForm { kOne, kArray, kMap, kOneOrArray, kDependencies };
struct SubschemaKeyword {
  std::string_view name;
  SubschemaForm form;
};
inline constexpr SubschemaKeyword kSubschemaKeywords[] = {
    {"additionalItems", SubschemaForm::kOne},
    {"additionalProperties", SubschemaForm::kOne},
    {"contains", SubschemaForm::kOne},
    {"propertyNames", SubschemaForm::kOne},
    {"not", SubschemaForm::kOne},
    {"if", SubschemaForm::kOne},
    {"then", SubschemaForm::kOne},
    {"else", SubschemaForm::kOne},
    {"items", SubschemaForm::kOneOrArray},
    {"prefixItems", SubschemaForm::kArray},
    {"allOf", SubschemaForm::kArray},
    {"anyOf", SubschemaForm::kArray},
    {"oneOf", SubschemaForm::kArray},
    {"properties", SubschemaForm::kMap},
    {"patternProperties", SubschemaForm::kMap},
    {"definitions", SubschemaForm::kMap},
    {"$defs", SubschemaForm::kMap},
    {"dependencies", SubschemaForm::kDependencies},
};
// The keywords the compiler reads, in groups (validator_compile.cpp): a schema object's keys are
// classified once, and a group none of whose keywords it has is skipped. A typical property
// schema has a type, bounds and a title, and looking up each of about 50 keywords in every one
// was most of compiling a wide schema.
enum KeywordGroup : uint32_t {
  kUnsupportedKeywords = 1u << 0,  // later drafts' keywords this validator refuses
  kRefKeyword = 1u << 1,           // $ref
  kIdKeyword = 1u << 2,            // $id
  kDefinitionKeywords = 1u << 3,   // definitions, $defs
  kTypeKeyword = 1u << 4,
  kValueKeywords = 1u << 5,        // const, enum
  kNumberKeywords = 1u << 6,       // minimum, exclusiveMinimum, maximum, exclusiveMaximum, multipleOf
  kStringKeywords = 1u << 7,       // minLength, maxLength, pattern, format
  kArrayKeywords = 1u << 8,        // items, prefixItems, additionalItems, contains, minItems, maxItems, uniqueItems
  kObjectKeywords = 1u << 9,       // properties, required, patternProperties, additionalProperties, propertyNames,
                                   // dependencies, minProperties, maxProperties
  kApplicatorKeywords = 1u << 10,  // allOf, anyOf, oneOf, not, if, then, else
};
// The groups of `schema`'s keys (0 for a boolean schema or any other non-object).
uint32_t keyword_groups(const Json& schema);

// Calls visit(subschema, pointer_suffix) for every subschema directly inside `schema` (an
// object), skipping values of the wrong shape (compilation reports those).
template <class Visit>
void for_each_subschema(const Json& schema, bool only_definitions, Visit&& visit);

// ---- validator_compile.cpp ----------------------------------------------------------------

// Fills `out` (empty) from `schema`; throws Error(kSchemaInvalid).
void compile_schema(const Json& schema, const ValidatorOptions& options, Compiled& out);

// ---- validator_flat.cpp -------------------------------------------------------------------

// `node_schema[id]` is the schema JSON node `id` was compiled from (valid during compilation).
std::optional<FlatShape> compute_flat_shape(const Compiled& compiled, const std::vector<const Json*>& node_schema);

// ---- validator_run.cpp --------------------------------------------------------------------

// Evaluates `value` against `node`. With `errors` == nullptr only the verdict is computed.
bool run_validation(const Compiled& compiled, NodeId node, const Json& value, std::vector<ValidationError>* errors,
                    const Loc& prefix);

// ---- validator_keywords.cpp ---------------------------------------------------------------

// Receives the errors of leaf checks; loc is the value being checked, plus `extra` when given
// (the missing field of `required`, the dependent field of `dependencies`).
class ErrorSink {
 public:
  virtual void add(std::string_view type, std::string msg, Json ctx, const Json& input,
                   const std::string* extra = nullptr) = 0;

 protected:
  ~ErrorSink() = default;
};

// The verdict of one leaf op on `value`; errors go to `sink` when it is not null.
bool check_leaf(const Compiled& compiled, const Op& op, const Json& value, ErrorSink* sink);

// The error type and message of failures found by applicators (validator_run.cpp).
struct Issue {
  std::string type;
  std::string msg;
  Json ctx;
};
Issue too_deep_issue(size_t max_depth);
Issue too_complex_issue();
Issue any_of_issue();
Issue one_of_issue(uint32_t matched);
Issue not_issue();
Issue if_then_else_issue(bool if_matched);
Issue contains_issue();
Issue property_names_issue(const std::string& key);
Issue extra_forbidden_issue();
Issue missing_issue();
Issue additional_items_issue(size_t max_items, size_t actual);

// ---- validator_values.cpp -----------------------------------------------------------------

bool is_number(const Json& v);    // integer, unsigned or float (never boolean)
bool is_integral(const Json& v);  // an integer, or a finite float without fraction
// -1, 0 or 1 comparing two numbers exactly (int64, uint64 and double mixed); 2 when unordered (NaN).
int compare_numbers(const Json& a, const Json& b);
bool is_multiple_of(const Json& value, const Json& divisor);
bool json_equal(const Json& a, const Json& b);  // JSON equality: 1 == 1.0; iterative
size_t json_hash(const Json& v);                // consistent with json_equal; iterative
// A copy of `v` in which containers nested deeper than `max_depth` become null; iterative.
Json copy_bounded(const Json& v, size_t max_depth);
std::string python_repr(const Json& v);                          // Python's repr(): 'a', 1, 0.5, True, None, [..]
std::string python_number(const Json& v);                        // a number as Python prints it: 0, 0.5, 1e-05
std::string python_or_list(const Json* begin, const Json* end);  // "'a', 'b' or 'c'"
size_t count_code_points(std::string_view utf8);

// ---- validator_formats.cpp ----------------------------------------------------------------

std::optional<Format> format_from_name(std::string_view name);  // nullopt: not checked (annotation)
bool check_format(Format format, std::string_view text);

// ---- template definitions -----------------------------------------------------------------

template <class Visit>
void for_each_subschema(const Json& schema, bool only_definitions, Visit&& visit) {
  if ((keyword_groups(schema) & (kDefinitionKeywords | kArrayKeywords | kObjectKeywords | kApplicatorKeywords)) == 0) return;
  for (const SubschemaKeyword& keyword : kSubschemaKeywords) {
    bool definitions = keyword.name == "definitions" || keyword.name == "$defs";
    if (only_definitions && !definitions) continue;
    auto it = schema.find(keyword.name);
    if (it == schema.end()) continue;
    const Json& value = *it;
    std::string prefix = "/";
    prefix += keyword.name;  // keyword names hold no "~" or "/"
    auto is_schema = [](const Json& s) { return s.is_object() || s.is_boolean(); };
    switch (keyword.form) {
      case SubschemaForm::kOne:
        if (is_schema(value)) visit(value, prefix);
        break;
      case SubschemaForm::kOneOrArray:
        if (is_schema(value)) {
          visit(value, prefix);
          break;
        }
        [[fallthrough]];
      case SubschemaForm::kArray:
        if (value.is_array()) {
          for (size_t i = 0; i < value.size(); ++i) {
            if (is_schema(value[i])) visit(value[i], prefix + "/" + std::to_string(i));
          }
        }
        break;
      case SubschemaForm::kMap:
      case SubschemaForm::kDependencies:
        if (value.is_object()) {
          for (auto member = value.begin(); member != value.end(); ++member) {
            if (is_schema(*member)) visit(*member, prefix + "/" + escape_pointer_token(member.key()));
          }
        }
        break;
    }
  }
}

}  // namespace onnx_predict::schema::detail
