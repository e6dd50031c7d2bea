// JSON Schema validation: a schema is compiled once into a Validator (the schema document is not
// re-interpreted per record), then applied to values, producing Pydantic-v2-shaped errors.
//
// Dialect: draft-07 in full except remote `$ref` (no network; the draft-07 meta-schema
// "http://json-schema.org/draft-07/schema#" is built in), plus the 2020-12 forms Pydantic v2
// emits: `$defs`, `prefixItems`, numeric `exclusiveMinimum`/`exclusiveMaximum` (draft-07's own
// form). Unknown keywords are annotations. A known keyword this validator does not support, or a
// keyword with a value of the wrong type, is Error(kSchemaInvalid) naming the keyword and its JSON
// pointer — never silently ignored. `format` is an annotation unless ValidatorOptions::check_formats.
// The error `type` vocabulary and the message texts are listed in docs/validation-errors.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

namespace onnx_predict::schema {

using Json = nlohmann::json;

// One step of an error location: an object key or an array index.
using LocItem = std::variant<int64_t, std::string>;
using Loc = std::vector<LocItem>;

// Shaped like one entry of pydantic_core's ValidationError.errors():
// {type: "greater_than_equal", loc: [17, "petal_width"], msg: "Input should be greater than or
// equal to 0", input: -1, ctx: {ge: 0}}.
struct ValidationError {
  std::string type;  // stable snake_case id (docs/validation-errors.md)
  Loc loc;           // path from the validated value's root to the failing value
  std::string msg;   // a readable sentence
  Json input;        // the failing value (for `missing`: the object that lacks the field)
  Json ctx;          // the constraint's parameters ({"ge": 0}), or null when there are none

  Json to_json() const;  // {"type", "loc", "msg", "input", "ctx"?}
};

struct ValidatorOptions {
  size_t max_errors = 100;    // per validate() call; further errors are dropped
  bool check_formats = false; // validate `format` (date-time, email, ipv4, uuid, ...) instead of ignoring it
  size_t max_depth = 256;     // values nested deeper fail with type "too_deep" instead of recursing further
};

// A compiled subschema, for callers that validate parts of a value themselves (the batch packer
// validates flat records field by field). Valid while its Validator lives.
using NodeId = uint32_t;

// The root schema seen as a flat record, when it is one: an object whose properties all accept
// only scalars (number, integer, string, boolean, null, or enums/consts of those, possibly through
// $ref/allOf wrappers and anyOf-with-null as Pydantic emits for Optional fields).
struct FlatField {
  std::string name;
  NodeId node;                       // validates this field's value
  bool required = false;
  bool allows_null = false;          // Optional[...] (anyOf with {"type": "null"}, or "null" in type)
  enum class Kind { kNumber, kInteger, kString, kBoolean, kAny } kind = Kind::kAny;  // the non-null type
  std::vector<std::string> enum_strings;  // the string enum's values in schema order, when the field is one
  std::optional<Json> default_value;      // the schema's `default`, when present

  // Set when the field's whole schema is its type (number, integer or boolean; plus null when
  // allows_null) and numeric bounds: then a number passes exactly when it is finite, integral for
  // kInteger, and within these bounds. The batch packer checks such fields on raw doubles without
  // building JSON values, and asks validate_node only for the values that fail.
  struct SimpleBounds {
    double minimum = -std::numeric_limits<double>::infinity();
    double maximum = std::numeric_limits<double>::infinity();
    bool exclusive_minimum = false;
    bool exclusive_maximum = false;
    bool admits(double v) const {
      return (exclusive_minimum ? v > minimum : v >= minimum) && (exclusive_maximum ? v < maximum : v <= maximum);
    }
  };
  std::optional<SimpleBounds> simple;
  // Set when the field's whole schema is a string enum (enum_strings; "type": "string" allowed,
  // null only through an Optional wrapper, i.e. allows_null): a string passes exactly when it is
  // one of enum_strings, which the batch packer checks without building JSON values.
  bool simple_enum = false;
};
struct FlatShape {
  std::vector<FlatField> fields;       // in `properties` order
  bool additional_properties = true;   // false when additionalProperties: false (extra_forbidden)
};
// The index in `shape.fields` of each field name (the first field of a name): views of the
// shape's names, so the shape must outlive the map.
std::unordered_map<std::string_view, size_t> fields_by_name(const FlatShape& shape);

class Validator {
 public:
  // Compiles `schema`. Throws onnx_predict::Error(kSchemaInvalid) with the JSON pointer of the
  // offending keyword in Error::path(): unsupported keyword, wrong keyword type, invalid regex,
  // unresolvable or remote `$ref`, or a `$ref` cycle that never descends into the value (which
  // would loop forever). Compilation is bounded: schemas nested deeper than 512 levels are refused.
  static Validator compile(const Json& schema, ValidatorOptions options = {});

  // Validates `value` against the root. Appends errors (each loc prefixed with `prefix`) to
  // `errors`, at most options.max_errors per call. Returns true when the value is valid. Never
  // throws for any value (NaN/Infinity, deep nesting, huge strings included).
  bool validate(const Json& value, std::vector<ValidationError>& errors, const Loc& prefix = {}) const;
  bool is_valid(const Json& value) const;  // the same verdict, without building errors

  // Validates `value` against one compiled subschema (see FlatShape).
  bool validate_node(NodeId node, const Json& value, std::vector<ValidationError>& errors, const Loc& loc) const;

  // The root as a flat record, or nullopt when it is not one.
  const std::optional<FlatShape>& flat_shape() const;

  const ValidatorOptions& options() const;

  Validator(Validator&&) noexcept;
  Validator& operator=(Validator&&) noexcept;
  ~Validator();

 private:
  struct Compiled;
  explicit Validator(std::unique_ptr<Compiled> compiled);
  std::unique_ptr<Compiled> compiled_;
};

}  // namespace onnx_predict::schema
