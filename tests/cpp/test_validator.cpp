// The JSON Schema validator (src/schema/validator.h): Pydantic-shaped errors, Optional handling,
// FlatShape, and schemas/values built to break it. Conformance with the JSON-Schema-Test-Suite is
// in test_json_schema_suite.cpp.
#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <limits>

#include "common/error.h"
#include "schema/validator.h"

using onnx_predict::ErrorCode;
using onnx_predict::schema::FlatField;
using onnx_predict::schema::Json;
using onnx_predict::schema::Loc;
using onnx_predict::schema::ValidationError;
using onnx_predict::schema::Validator;
using onnx_predict::schema::ValidatorOptions;

namespace {

Validator compile(const std::string& schema, ValidatorOptions options = {}) {
  return Validator::compile(Json::parse(schema), options);
}

// validate()'s errors, after checking that is_valid() and validate() agree.
std::vector<ValidationError> errors_of(const Validator& validator, const Json& value) {
  std::vector<ValidationError> errors;
  bool valid = validator.validate(value, errors);
  CHECK(valid == errors.empty());
  CHECK(validator.is_valid(value) == valid);
  return errors;
}

std::vector<ValidationError> errors_of(const std::string& schema, const Json& value, ValidatorOptions options = {}) {
  return errors_of(compile(schema, options), value);
}

// The one error `value` gets, as JSON ({"type", "loc", "msg", "input", "ctx"?}).
Json only_error(const std::string& schema, const Json& value, ValidatorOptions options = {}) {
  std::vector<ValidationError> errors = errors_of(schema, value, options);
  REQUIRE(errors.size() == 1);
  return errors[0].to_json();
}

// The Error compiling `schema` throws (the test fails when it compiles).
onnx_predict::Error refusal(const Json& schema) {
  try {
    Validator::compile(schema);
  } catch (const onnx_predict::Error& e) {
    return e;
  }
  FAIL("the schema compiled: " << schema.dump().substr(0, 200));
  throw std::logic_error("unreachable");
}

Json nested_arrays(size_t depth) {
  Json v = 1;
  for (size_t i = 0; i < depth; ++i) {
    Json outer = Json::array();
    outer.push_back(std::move(v));
    v = std::move(outer);
  }
  return v;
}

}  // namespace

TEST_CASE("each Pydantic error type has Pydantic's type, loc, msg, input and ctx", "[validator]") {
  struct Case {
    std::string schema;
    Json value;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {R"({"type": "object", "required": ["a"]})", {{"b", 1}},
       R"({"type": "missing", "loc": ["a"], "msg": "Field required", "input": {"b": 1}})"},
      {R"({"properties": {"a": {}}, "additionalProperties": false})", {{"a", 1}, {"z", 2}},
       R"({"type": "extra_forbidden", "loc": ["z"], "msg": "Extra inputs are not permitted", "input": 2})"},
      {R"({"type": "number"})", "x", R"({"type": "float_type", "loc": [], "msg": "Input should be a valid number", "input": "x"})"},
      {R"({"type": "number"})", true, R"({"type": "float_type", "loc": [], "msg": "Input should be a valid number", "input": true})"},
      {R"({"type": "integer"})", "x", R"({"type": "int_type", "loc": [], "msg": "Input should be a valid integer", "input": "x"})"},
      {R"({"type": "integer"})", 1.5,
       R"({"type": "int_from_float", "loc": [], "msg": "Input should be a valid integer, got a number with a fractional part", "input": 1.5})"},
      {R"({"type": "string"})", 1, R"({"type": "string_type", "loc": [], "msg": "Input should be a valid string", "input": 1})"},
      {R"({"type": "boolean"})", 1, R"({"type": "bool_type", "loc": [], "msg": "Input should be a valid boolean", "input": 1})"},
      {R"({"type": "object"})", Json::array(), R"({"type": "dict_type", "loc": [], "msg": "Input should be a valid dictionary", "input": []})"},
      {R"({"type": "array"})", Json::object(), R"({"type": "list_type", "loc": [], "msg": "Input should be a valid list", "input": {}})"},
      {R"({"type": "null"})", 0, R"({"type": "none_required", "loc": [], "msg": "Input should be None", "input": 0})"},
      {R"({"minimum": 0})", -1,
       R"({"type": "greater_than_equal", "loc": [], "msg": "Input should be greater than or equal to 0", "input": -1, "ctx": {"ge": 0}})"},
      {R"({"maximum": 10})", 11,
       R"({"type": "less_than_equal", "loc": [], "msg": "Input should be less than or equal to 10", "input": 11, "ctx": {"le": 10}})"},
      {R"({"exclusiveMinimum": 0.5})", 0.5,
       R"({"type": "greater_than", "loc": [], "msg": "Input should be greater than 0.5", "input": 0.5, "ctx": {"gt": 0.5}})"},
      {R"({"exclusiveMaximum": 1e-5})", 1,
       R"({"type": "less_than", "loc": [], "msg": "Input should be less than 1e-05", "input": 1, "ctx": {"lt": 1e-05}})"},
      {R"({"minimum": 1.0})", 0,
       R"({"type": "greater_than_equal", "loc": [], "msg": "Input should be greater than or equal to 1.0", "input": 0, "ctx": {"ge": 1.0}})"},
      {R"({"multipleOf": 0.5})", 0.3,
       R"({"type": "multiple_of", "loc": [], "msg": "Input should be a multiple of 0.5", "input": 0.3, "ctx": {"multiple_of": 0.5}})"},
      {R"({"minLength": 1})", "",
       R"({"type": "string_too_short", "loc": [], "msg": "String should have at least 1 character", "input": "", "ctx": {"min_length": 1}})"},
      {R"({"minLength": 2})", "a",
       R"({"type": "string_too_short", "loc": [], "msg": "String should have at least 2 characters", "input": "a", "ctx": {"min_length": 2}})"},
      {R"({"maxLength": 3})", "abcd",
       R"({"type": "string_too_long", "loc": [], "msg": "String should have at most 3 characters", "input": "abcd", "ctx": {"max_length": 3}})"},
      {R"({"pattern": "^a"})", "b",
       R"({"type": "string_pattern_mismatch", "loc": [], "msg": "String should match pattern '^a'", "input": "b", "ctx": {"pattern": "^a"}})"},
      {R"({"enum": ["a", "b", "c"]})", "z",
       R"({"type": "enum", "loc": [], "msg": "Input should be 'a', 'b' or 'c'", "input": "z", "ctx": {"expected": "'a', 'b' or 'c'"}})"},
      {R"({"enum": ["a", 1, null, true]})", 5,
       R"({"type": "enum", "loc": [], "msg": "Input should be 'a', 1, None or True", "input": 5, "ctx": {"expected": "'a', 1, None or True"}})"},
      {R"({"const": "q"})", "r",
       R"({"type": "literal_error", "loc": [], "msg": "Input should be 'q'", "input": "r", "ctx": {"expected": "'q'"}})"},
      {R"({"minItems": 2})", {1},
       R"({"type": "too_short", "loc": [], "msg": "List should have at least 2 items after validation, not 1", "input": [1],
           "ctx": {"field_type": "List", "min_length": 2, "actual_length": 1}})"},
      {R"({"maxItems": 1})", {1, 2},
       R"({"type": "too_long", "loc": [], "msg": "List should have at most 1 item after validation, not 2", "input": [1, 2],
           "ctx": {"field_type": "List", "max_length": 1, "actual_length": 2}})"},
  };
  for (const Case& c : cases) {
    INFO(c.schema << " with " << c.value.dump());
    CHECK(only_error(c.schema, c.value) == Json::parse(c.expected));
  }
}

TEST_CASE("errors of JSON-Schema-only keywords follow the same shape", "[validator]") {
  struct Case {
    std::string schema;
    Json value;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {R"({"uniqueItems": true})", {1, 2, 1.0},
       R"({"type": "unique_items", "loc": [], "msg": "List should have unique items; items 0 and 2 are equal", "input": [1, 2, 1.0],
           "ctx": {"first_index": 0, "duplicate_index": 2}})"},
      {R"({"contains": {"type": "string"}})", {1},
       R"({"type": "contains", "loc": [], "msg": "List should contain at least one item matching the 'contains' schema", "input": [1]})"},
      {R"({"propertyNames": {"maxLength": 2}})", {{"abc", 1}},
       R"({"type": "property_names", "loc": ["abc"], "msg": "Property name 'abc' does not match the propertyNames schema", "input": "abc"})"},
      {R"({"minProperties": 1})", Json::object(),
       R"({"type": "too_few_properties", "loc": [], "msg": "Dictionary should have at least 1 property, not 0", "input": {},
           "ctx": {"min_properties": 1, "actual_properties": 0}})"},
      {R"({"maxProperties": 1})", {{"a", 1}, {"b", 2}},
       R"({"type": "too_many_properties", "loc": [], "msg": "Dictionary should have at most 1 property, not 2", "input": {"a": 1, "b": 2},
           "ctx": {"max_properties": 1, "actual_properties": 2}})"},
      {R"({"dependencies": {"card": ["address"]}})", {{"card", 1}},
       R"({"type": "dependency", "loc": ["address"], "msg": "Field required when 'card' is present", "input": {"card": 1},
           "ctx": {"dependent_on": "card"}})"},
      {R"({"oneOf": [{"type": "string"}, {"type": "boolean"}]})", 1,
       R"({"type": "one_of", "loc": [], "msg": "Input should match exactly one of the oneOf schemas, but matched none", "input": 1,
           "ctx": {"matched": "none"}})"},
      {R"({"oneOf": [{"minimum": 0}, {"maximum": 10}]})", 5,
       R"({"type": "one_of", "loc": [], "msg": "Input should match exactly one of the oneOf schemas, but matched several", "input": 5,
           "ctx": {"matched": "several"}})"},
      {R"({"anyOf": [{"type": "string"}, {"type": "boolean"}]})", 1,
       R"({"type": "any_of", "loc": [], "msg": "Input should match at least one of the anyOf schemas", "input": 1})"},
      {R"({"not": {"type": "string"}})", "a",
       R"({"type": "not", "loc": [], "msg": "Input should not match the schema under 'not'", "input": "a"})"},
      {R"({"if": {"minimum": 0}, "then": false})", 1,
       R"j({"type": "if_then_else", "loc": [], "msg": "Input should not match the 'if' schema ('then' is false)", "input": 1})j"},
      {R"({"if": {"minimum": 0}, "then": {"multipleOf": 2}})", 3,
       R"({"type": "multiple_of", "loc": [], "msg": "Input should be a multiple of 2", "input": 3, "ctx": {"multiple_of": 2}})"},
      {R"({"if": {"minimum": 0}, "else": {"const": 0}})", -3,
       R"({"type": "literal_error", "loc": [], "msg": "Input should be 0", "input": -3, "ctx": {"expected": "0"}})"},
      {R"({"properties": {"a": false}})", {{"a", 1}},
       R"j({"type": "false_schema", "loc": ["a"], "msg": "No value is allowed here (the schema is false)", "input": 1})j"},
      {R"({"items": [{}], "additionalItems": false})", {1, 2, 3},
       R"j({"type": "additional_items", "loc": [], "msg": "List should have at most 1 item, not 3 (additional items are not permitted)",
           "input": [1, 2, 3], "ctx": {"max_length": 1, "actual_length": 3}})j"},
  };
  for (const Case& c : cases) {
    INFO(c.schema << " with " << c.value.dump());
    CHECK(only_error(c.schema, c.value) == Json::parse(c.expected));
  }
}

TEST_CASE("too_deep reports where recursion stopped", "[validator]") {
  ValidatorOptions options;
  options.max_depth = 2;
  Json error = only_error(R"({"items": {"items": {"items": {}}}})", nested_arrays(4), options);
  CHECK(error == Json::parse(R"({"type": "too_deep", "loc": [0, 0, 0], "msg": "Input is nested more than 2 levels deep",
                                 "input": [1], "ctx": {"max_depth": 2}})"));
}

TEST_CASE("format is an annotation unless check_formats is set", "[validator]") {
  CHECK(errors_of(R"({"format": "email"})", "nope").empty());
  ValidatorOptions options;
  options.check_formats = true;
  CHECK(only_error(R"({"format": "email"})", "nope", options) ==
        Json::parse(R"({"type": "format", "loc": [], "msg": "Input should be a valid email", "input": "nope", "ctx": {"format": "email"}})"));
  struct Case {
    std::string format, good, bad;
  };
  for (const Case& c : std::vector<Case>{{"date-time", "2024-02-29T12:30:00.5+01:00", "2023-02-29T12:30:00Z"},
                                         {"date", "2024-12-31", "2024-13-01"},
                                         {"time", "23:59:60Z", "24:00:00Z"},
                                         {"email", "a.b+c@example.com", "a..b@example.com"},
                                         {"ipv4", "192.168.0.1", "192.168.0.01"},
                                         {"ipv6", "::ffff:192.168.0.1", "1::2::3"},
                                         {"uuid", "2eb8aa08-aa98-11ea-b4aa-73b441d16380", "2eb8aa08aa9811eab4aa73b441d16380"},
                                         {"uri", "https://example.com/a?b=c#d", "//example.com/no-scheme"}}) {
    INFO(c.format);
    Validator v = compile(R"({"format": ")" + c.format + "\"}", options);
    CHECK(v.is_valid(c.good));
    CHECK_FALSE(v.is_valid(c.bad));
  }
}

TEST_CASE("numbers in messages print as Python prints the schema value", "[validator]") {
  CHECK(only_error(R"({"minimum": 0})", -1)["msg"] == "Input should be greater than or equal to 0");
  CHECK(only_error(R"({"minimum": 0.0})", -1)["msg"] == "Input should be greater than or equal to 0.0");
  CHECK(only_error(R"({"maximum": 1e16})", 1e17)["msg"] == "Input should be less than or equal to 1e+16");
  CHECK(only_error(R"({"maximum": 1e15})", 1e17)["msg"] == "Input should be less than or equal to 1000000000000000.0");
  CHECK(only_error(R"({"maximum": 0.1})", 1)["msg"] == "Input should be less than or equal to 0.1");
  CHECK(only_error(R"({"maximum": 0.0001})", 1)["msg"] == "Input should be less than or equal to 0.0001");
  CHECK(only_error(R"({"maximum": -2.5e-7})", 1)["msg"] == "Input should be less than or equal to -2.5e-07");
  CHECK(only_error(R"({"maximum": 18446744073709551615})", 1e20)["msg"] ==
        "Input should be less than or equal to 18446744073709551615");
}

TEST_CASE("Optional fields report the inner schema's errors, not a generic any_of", "[validator]") {
  const std::string optional_conint = R"({"anyOf": [{"type": "integer", "minimum": 0}, {"type": "null"}]})";
  CHECK(only_error(optional_conint, -1)["type"] == "greater_than_equal");
  CHECK(only_error(optional_conint, "x")["type"] == "int_type");
  CHECK(errors_of(optional_conint, nullptr).empty());
  CHECK(only_error(R"({"anyOf": [{"type": "null"}, {"$ref": "#/$defs/S"}], "$defs": {"S": {"enum": ["a"]}}})", "b")["type"] == "enum");
  CHECK(only_error(R"({"type": ["number", "null"], "minimum": 0})", "x")["type"] == "float_type");
  CHECK(only_error(R"({"type": ["number", "null"], "minimum": 0})", -1)["type"] == "greater_than_equal");
  CHECK(errors_of(R"({"type": ["number", "null"], "minimum": 0})", nullptr).empty());
  CHECK(only_error(R"({"type": ["string", "integer"]})", 1.5)["type"] == "int_from_float");
  CHECK(only_error(R"({"type": ["string", "integer"]})", true)["type"] == "string_type");
}

TEST_CASE("a type error is the only error of its value; other failures are all reported", "[validator]") {
  CHECK(only_error(R"({"type": "number", "minimum": 0, "multipleOf": 2})", "abc")["type"] == "float_type");
  CHECK(only_error(R"({"type": "integer", "minimum": 0})", -1.5)["type"] == "int_from_float");
  std::vector<ValidationError> errors = errors_of(R"({"type": "string", "minLength": 5, "pattern": "^x"})", "ab");
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].type == "string_too_short");
  CHECK(errors[1].type == "string_pattern_mismatch");
  Json record = {{"a", -1}, {"b", "x"}, {"extra", 1}};
  errors = errors_of(R"({"properties": {"a": {"minimum": 0}, "b": {"type": "integer"}, "c": {}}, "required": ["a", "b", "c"],
                         "additionalProperties": false})",
                     record);
  REQUIRE(errors.size() == 4);
  CHECK(errors[0].type == "greater_than_equal");
  CHECK(errors[1].type == "int_type");
  CHECK(errors[2].type == "missing");
  CHECK(errors[2].loc == Loc{std::string("c")});
  CHECK(errors[3].type == "extra_forbidden");
}

TEST_CASE("max_errors bounds the errors of one validate() call", "[validator]") {
  Json schema = {{"required", Json::array()}};
  for (int i = 0; i < 500; ++i) schema["required"].push_back("f" + std::to_string(i));
  Validator v = Validator::compile(schema);
  std::vector<ValidationError> errors;
  CHECK_FALSE(v.validate(Json::object(), errors));
  CHECK(errors.size() == 100);
  ValidatorOptions options;
  options.max_errors = 3;
  Validator few = Validator::compile(schema, options);
  errors.assign(2, ValidationError{});
  CHECK_FALSE(few.validate(Json::object(), errors));
  CHECK(errors.size() == 5);  // appended after what was there
  options.max_errors = 0;
  Validator none = Validator::compile(schema, options);
  errors.clear();
  CHECK_FALSE(none.validate(Json::object(), errors));
  CHECK(errors.empty());
  CHECK_FALSE(none.is_valid(Json::object()));
}

TEST_CASE("loc starts with the caller's prefix", "[validator]") {
  Validator v = compile(R"({"properties": {"petal_width": {"minimum": 0}}})");
  std::vector<ValidationError> errors;
  CHECK_FALSE(v.validate(Json{{"petal_width", -1}}, errors, Loc{int64_t{17}}));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].to_json() == Json::parse(R"({"type": "greater_than_equal", "loc": [17, "petal_width"],
      "msg": "Input should be greater than or equal to 0", "input": -1, "ctx": {"ge": 0}})"));
  errors.clear();
  CHECK_FALSE(compile(R"({"items": {"items": {"type": "string"}}})").validate(Json::parse("[[], [\"a\", 2]]"), errors));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].loc == Loc{int64_t{1}, int64_t{1}});
}

TEST_CASE("JSON equality and numbers follow the spec: 1 == 1.0, booleans are not numbers", "[validator]") {
  CHECK(errors_of(R"({"type": "integer"})", 1.0).empty());
  CHECK(errors_of(R"({"const": 1})", 1.0).empty());
  CHECK(errors_of(R"({"enum": [{"a": [1]}]})", Json::parse(R"({"a": [1.0]})")).empty());
  CHECK_FALSE(compile(R"({"uniqueItems": true})").is_valid(Json::parse(R"([{"a": 1}, {"a": 1.0}])")));
  CHECK(compile(R"({"uniqueItems": true})").is_valid(Json::parse(R"([1, true, "1", [1], {"1": 1}])")));
  CHECK_FALSE(compile(R"({"const": 1})").is_valid(true));
  CHECK_FALSE(compile(R"({"type": "number"})").is_valid(false));
  CHECK(compile(R"({"maximum": 18446744073709551615})").is_valid(Json(uint64_t{18446744073709551615u})));
  CHECK_FALSE(compile(R"({"maximum": 9007199254740992})").is_valid(Json(int64_t{9007199254740993})));
  CHECK_FALSE(compile(R"({"exclusiveMinimum": -9223372036854775808})").is_valid(-9223372036854775808.0));
}

TEST_CASE("multipleOf tolerates binary floating point but not real remainders", "[validator]") {
  CHECK(compile(R"({"multipleOf": 0.0001})").is_valid(0.0075));
  CHECK_FALSE(compile(R"({"multipleOf": 0.0001})").is_valid(0.00751));
  CHECK(compile(R"({"multipleOf": 0.01})").is_valid(19.99));
  CHECK(compile(R"({"multipleOf": 0.1})").is_valid(0.3));
  CHECK_FALSE(compile(R"({"multipleOf": 0.1})").is_valid(0.31));
  CHECK_FALSE(compile(R"({"type": "integer", "multipleOf": 0.123456789})").is_valid(1e308));  // float division = inf
  CHECK(compile(R"({"type": "integer", "multipleOf": 1e-8})").is_valid(12391239123));
  CHECK_FALSE(compile(R"({"multipleOf": 3})").is_valid(1e20));  // exact: 10^20 mod 3 == 1
  CHECK(compile(R"({"multipleOf": 3})").is_valid(int64_t{-9223372036854775807} - 1 + 2));
  CHECK_FALSE(compile(R"({"multipleOf": 2})").is_valid(std::numeric_limits<double>::infinity()));
}

TEST_CASE("minLength and maxLength count code points, not bytes", "[validator]") {
  Validator v = compile(R"({"minLength": 2, "maxLength": 2})");
  CHECK(v.is_valid("\xC3\xA9\xE2\x82\xAC"));   // é€: 2 code points, 5 bytes
  CHECK(v.is_valid("\xF0\x9F\x98\x80x"));      // an emoji outside the BMP counts once
  CHECK_FALSE(v.is_valid("\xC3\xA9"));
}

TEST_CASE("$id changes the base URI and names location-independent subschemas", "[validator]") {
  Validator anchor = compile(R"({"allOf": [{"$ref": "#foo"}], "definitions": {"A": {"$id": "#foo", "type": "integer"}}})");
  CHECK(anchor.is_valid(1));
  CHECK_FALSE(anchor.is_valid("a"));
  Validator nested = compile(R"({"$id": "http://localhost:1234/root", "allOf": [{"$ref": "http://localhost:1234/nested.json#foo"}],
      "definitions": {"A": {"$id": "nested.json", "definitions": {"B": {"$id": "#foo", "type": "integer"}}}}})");
  CHECK(nested.is_valid(1));
  CHECK_FALSE(nested.is_valid("a"));
  Validator relative = compile(R"({"$id": "http://example.com/a/b.json", "properties": {"x": {"$ref": "c.json"}},
      "definitions": {"c": {"$id": "c.json", "type": "string"}, "d": {"$id": "../d.json", "$ref": "#/definitions/c"}}})");
  CHECK(relative.is_valid(Json{{"x", "s"}}));
  CHECK_FALSE(relative.is_valid(Json{{"x", 1}}));
  Validator anchored = compile(R"({"$ref": "#here", "$defs": {"a": {"$anchor": "here", "type": "integer"}}})");
  CHECK(anchored.is_valid(1));
  CHECK_FALSE(anchored.is_valid("a"));
}

TEST_CASE("the draft-07 meta-schema is built in", "[validator]") {
  Validator meta = compile(R"({"$ref": "http://json-schema.org/draft-07/schema#"})");
  CHECK(meta.is_valid(Json::parse(R"({"type": "object", "properties": {"a": {"minimum": 0}}})")));
  CHECK_FALSE(meta.is_valid(Json::parse(R"({"properties": {"a": {"type": 1}}})")));
  CHECK_FALSE(meta.is_valid(Json::parse(R"({"minLength": -1})")));
}

TEST_CASE("2020-12 forms Pydantic v2 emits: $defs and prefixItems", "[validator]") {
  Validator tuple = compile(R"({"prefixItems": [{"type": "integer"}, {"$ref": "#/$defs/s"}], "items": false,
                                "$defs": {"s": {"type": "string"}}})");
  CHECK(tuple.is_valid(Json::parse(R"([1, "a"])")));
  CHECK(tuple.is_valid(Json::parse(R"([1])")));
  std::vector<ValidationError> errors = errors_of(tuple, Json::parse(R"([1, 2, 3])"));
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].type == "string_type");
  CHECK(errors[0].loc == Loc{int64_t{1}});
  CHECK(errors[1].type == "additional_items");
  Validator rest = compile(R"({"prefixItems": [{"type": "integer"}], "items": {"type": "string"}})");
  CHECK(rest.is_valid(Json::parse(R"([1, "a", "b"])")));
  CHECK_FALSE(rest.is_valid(Json::parse(R"([1, "a", 2])")));
}

TEST_CASE("unknown keywords are annotations", "[validator]") {
  Validator v = compile(R"({"x-extension": {"type": 5}, "foo": [1], "title": "T", "examples": [1], "$comment": "c",
                            "properties": {"a": {"description": "d", "bar": null}}})");
  CHECK(v.is_valid(Json{{"a", 1}}));
}

TEST_CASE("FlatShape reads Pydantic v1 schemas: $ref and allOf-wrapped enums, defaults", "[validator]") {
  Validator v = compile(R"({
    "title": "Iris", "type": "object",
    "properties": {
      "sepal_length": {"title": "Sepal Length", "type": "number", "minimum": 0},
      "species": {"$ref": "#/definitions/Species"},
      "color": {"allOf": [{"$ref": "#/definitions/Color"}], "default": "red"},
      "count": {"title": "Count", "default": 1, "type": "integer"},
      "flag": {"title": "Flag", "type": "boolean"}
    },
    "required": ["sepal_length", "species"],
    "additionalProperties": false,
    "definitions": {
      "Species": {"title": "Species", "description": "An enumeration.", "enum": ["setosa", "versicolor", "virginica"], "type": "string"},
      "Color": {"title": "Color", "description": "An enumeration.", "enum": ["red", "blue"]}
    }})");
  REQUIRE(v.flat_shape().has_value());
  const auto& shape = *v.flat_shape();
  CHECK_FALSE(shape.additional_properties);
  REQUIRE(shape.fields.size() == 5);  // nlohmann::json keeps object keys sorted
  const FlatField& color = shape.fields[0];
  CHECK(color.name == "color");
  CHECK(color.kind == FlatField::Kind::kString);
  CHECK(color.enum_strings == std::vector<std::string>{"red", "blue"});
  CHECK(color.default_value == Json("red"));
  CHECK_FALSE(color.required);
  CHECK(shape.fields[1].name == "count");
  CHECK(shape.fields[1].kind == FlatField::Kind::kInteger);
  CHECK(shape.fields[1].default_value == Json(1));
  CHECK(shape.fields[2].kind == FlatField::Kind::kBoolean);
  const FlatField& length = shape.fields[3];
  CHECK(length.name == "sepal_length");
  CHECK(length.kind == FlatField::Kind::kNumber);
  CHECK(length.required);
  CHECK_FALSE(length.default_value.has_value());
  const FlatField& species = shape.fields[4];
  CHECK(species.kind == FlatField::Kind::kString);
  CHECK(species.enum_strings == std::vector<std::string>{"setosa", "versicolor", "virginica"});
  CHECK_FALSE(species.allows_null);
  std::vector<ValidationError> errors;
  CHECK_FALSE(v.validate_node(length.node, -1, errors, Loc{int64_t{3}, std::string("sepal_length")}));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].to_json()["loc"] == Json::parse(R"([3, "sepal_length"])"));
  CHECK(v.validate_node(species.node, "setosa", errors, {}));
  CHECK_FALSE(v.validate_node(species.node, "rose", errors, {}));
  CHECK(errors.back().type == "enum");
}

TEST_CASE("required: each name once in its first position, whether or not a property declares it", "[validator]") {
  // Names are looked up in a sorted copy (compile_object); repeats and undeclared names must
  // still give one field each, and the declared ones their required flag.
  Validator flat = compile(R"({"type": "object",
    "properties": {"b": {"type": "number"}, "a": {"type": "number"}, "d": {"type": "number"}},
    "required": ["b", "a", "b"]})");
  REQUIRE(flat.flat_shape().has_value());
  std::vector<std::pair<std::string, bool>> fields;
  for (const FlatField& f : flat.flat_shape()->fields) fields.emplace_back(f.name, f.required);
  CHECK(fields == std::vector<std::pair<std::string, bool>>{{"a", true}, {"b", true}, {"d", false}});

  Validator v = compile(R"({"type": "object",
    "properties": {"b": {"type": "number"}, "a": {"type": "number"}, "d": {"type": "number"}},
    "required": ["c", "b", "a", "b", "c", "e"]})");
  std::vector<std::string> missing;
  for (const ValidationError& e : errors_of(v, Json::parse(R"({"d": 1})"))) {
    CHECK(e.type == "missing");
    missing.push_back(e.to_json()["loc"].back().get<std::string>());
  }
  CHECK(missing == std::vector<std::string>{"a", "b", "c", "e"});
  CHECK(errors_of(v, Json::parse(R"({"a": 1, "b": 2, "c": null, "e": []})")).empty());
}

TEST_CASE("FlatShape reads Pydantic v2 schemas: $defs, anyOf-with-null Optionals, const", "[validator]") {
  Validator v = compile(R"({
    "$defs": {"Species": {"enum": ["setosa", "versicolor"], "title": "Species", "type": "string"}},
    "properties": {
      "x": {"minimum": 0, "title": "X", "type": "number"},
      "species": {"$ref": "#/$defs/Species"},
      "maybe": {"anyOf": [{"minimum": 0, "type": "integer"}, {"type": "null"}], "default": null, "title": "Maybe"},
      "maybe_species": {"anyOf": [{"$ref": "#/$defs/Species"}, {"type": "null"}], "default": null},
      "lit": {"const": "q", "title": "L", "type": "string"},
      "n": {"type": ["number", "null"]}
    },
    "required": ["x", "species", "lit"], "title": "M", "type": "object"})");
  REQUIRE(v.flat_shape().has_value());
  const auto& fields = v.flat_shape()->fields;
  CHECK(v.flat_shape()->additional_properties);
  REQUIRE(fields.size() == 6);
  CHECK(fields[0].name == "lit");
  CHECK(fields[0].kind == FlatField::Kind::kString);
  CHECK(fields[1].name == "maybe");
  CHECK(fields[1].kind == FlatField::Kind::kInteger);
  CHECK(fields[1].allows_null);
  CHECK(fields[1].default_value == Json(nullptr));
  CHECK(fields[2].name == "maybe_species");
  CHECK(fields[2].allows_null);
  CHECK(fields[2].enum_strings == std::vector<std::string>{"setosa", "versicolor"});
  CHECK(fields[3].name == "n");
  CHECK(fields[3].kind == FlatField::Kind::kNumber);
  CHECK(fields[3].allows_null);
  CHECK(fields[4].name == "species");
  CHECK(fields[4].required);
  CHECK(fields[5].name == "x");
  std::vector<ValidationError> errors;
  CHECK(v.validate_node(fields[1].node, nullptr, errors, {}));
  CHECK_FALSE(v.validate_node(fields[1].node, -1, errors, {}));
  CHECK(errors.at(0).type == "greater_than_equal");
  CHECK_THROWS_AS(v.validate_node(1000000, 1, errors, {}), onnx_predict::Error);
}

TEST_CASE("FlatShape is absent when a field can hold a container or the root is not a plain record", "[validator]") {
  CHECK_FALSE(compile(R"({"type": "object", "properties": {"a": {"type": "array"}}})").flat_shape());
  CHECK_FALSE(compile(R"({"properties": {"a": {}}})").flat_shape());
  CHECK_FALSE(compile(R"({"properties": {"a": {"minimum": 0}}})").flat_shape());
  CHECK_FALSE(compile(R"({"properties": {"a": {"type": "number"}}, "minProperties": 1})").flat_shape());
  CHECK_FALSE(compile(R"({"properties": {"a": {"type": "number"}}, "additionalProperties": {"type": "string"}})").flat_shape());
  CHECK_FALSE(compile(R"({"type": "array"})").flat_shape());
  CHECK_FALSE(compile(R"({"properties": {"a": {"type": "number"}}, "required": ["b"]})").flat_shape());
  CHECK(compile(R"({"$ref": "#/definitions/R", "definitions": {"R": {"properties": {"a": {"type": "number"}}}}})").flat_shape());
}

TEST_CASE("wrong keyword value types are schema_invalid at the keyword's pointer", "[validator]") {
  struct Case {
    std::string schema, path;
  };
  for (const Case& c : std::vector<Case>{{R"({"minimum": "3"})", "/minimum"},
                                         {R"({"required": 5})", "/required"},
                                         {R"({"properties": []})", "/properties"},
                                         {R"({"properties": {"a": {"maxLength": -1}}})", "/properties/a/maxLength"},
                                         {R"({"properties": {"a/b": {"minItems": 1.5}}})", "/properties/a~1b/minItems"},
                                         {R"({"type": "float"})", "/type"},
                                         {R"({"type": []})", "/type"},
                                         {R"({"enum": "a"})", "/enum"},
                                         {R"({"allOf": []})", "/allOf"},
                                         {R"({"anyOf": [1]})", "/anyOf/0"},
                                         {R"({"items": 3})", "/items"},
                                         {R"({"multipleOf": 0})", "/multipleOf"},
                                         {R"({"pattern": 1})", "/pattern"},
                                         {R"j({"pattern": "(?=a)"})j", "/pattern"},
                                         {R"({"patternProperties": {"[": {}}})", "/patternProperties/["},
                                         {R"({"uniqueItems": 1})", "/uniqueItems"},
                                         {R"({"dependencies": {"a": [1]}})", "/dependencies/a"},
                                         {R"({"definitions": {"a": 3}})", "/definitions/a"},
                                         {R"({"not": "x"})", "/not"},
                                         {R"({"$ref": 1})", "/$ref"},
                                         {R"({"$id": 1})", "/$id"},
                                         {"3", ""}}) {
    INFO(c.schema);
    onnx_predict::Error e = refusal(Json::parse(c.schema));
    CHECK(e.code() == ErrorCode::kSchemaInvalid);
    CHECK(e.path() == c.path);
  }
  onnx_predict::Error draft4 = refusal(Json::parse(R"({"minimum": 0, "exclusiveMinimum": true})"));
  CHECK(draft4.path() == "/exclusiveMinimum");
  CHECK_THAT(draft4.message(), Catch::Contains("draft-04"));
}

TEST_CASE("known but unsupported keywords are refused by name", "[validator]") {
  for (const char* keyword : {"$dynamicRef", "unevaluatedProperties", "unevaluatedItems", "$recursiveRef", "dependentSchemas",
                              "dependentRequired", "contentSchema", "minContains"}) {
    INFO(keyword);
    onnx_predict::Error e = refusal(Json{{"properties", {{"a", {{keyword, Json::object()}}}}}});
    CHECK(e.code() == ErrorCode::kSchemaInvalid);
    CHECK(e.path() == std::string("/properties/a/") + keyword);
    CHECK_THAT(e.message(), Catch::Contains(keyword));
  }
}

TEST_CASE("$ref cycles that never reach into the value are refused at compile time", "[validator]") {
  for (const char* schema : {R"({"$ref": "#"})", R"({"allOf": [{"$ref": "#"}]})",
                             R"({"definitions": {"a": {"$ref": "#/definitions/b"}, "b": {"$ref": "#/definitions/a"}}})",
                             R"({"$ref": "#/definitions/a", "definitions": {"a": {"anyOf": [{"type": "string"}, {"not": {"$ref": "#/definitions/a"}}]}}})",
                             R"({"if": {"$ref": "#"}, "then": true})"}) {
    INFO(schema);
    onnx_predict::Error e = refusal(Json::parse(schema));
    CHECK(e.code() == ErrorCode::kSchemaInvalid);
    CHECK_THAT(e.message(), Catch::Contains("cycle"));
  }
  // Recursion through properties/items descends into the value, so it ends.
  Validator tree = compile(R"({"properties": {"children": {"items": {"$ref": "#"}}, "v": {"type": "integer"}}})");
  CHECK(tree.is_valid(Json::parse(R"({"children": [{"children": [{"v": 1}]}]})")));
  CHECK_FALSE(tree.is_valid(Json::parse(R"({"children": [{"children": [{"v": "x"}]}]})")));
}

TEST_CASE("unresolvable and remote $refs are refused", "[validator]") {
  onnx_predict::Error missing = refusal(Json::parse(R"({"properties": {"a": {"$ref": "#/definitions/nope"}}})"));
  CHECK(missing.path() == "/properties/a/$ref");
  CHECK_THAT(missing.message(), Catch::Contains("nope"));
  onnx_predict::Error remote = refusal(Json::parse(R"({"$ref": "http://example.com/schema.json#/a"})"));
  CHECK(remote.path() == "/$ref");
  CHECK_THAT(remote.message(), Catch::Contains("remote"));
  CHECK(refusal(Json::parse(R"({"$ref": "#unknown-anchor"})")).code() == ErrorCode::kSchemaInvalid);
  CHECK(refusal(Json::parse(R"({"$ref": "#/a~2b"})")).code() == ErrorCode::kSchemaInvalid);
  CHECK(refusal(Json::parse(R"({"$ref": "#/enum/0", "enum": [1]})")).code() == ErrorCode::kSchemaInvalid);
}

TEST_CASE("a 10,000-deep schema is refused, not recursed into", "[validator]") {
  for (const char* keyword : {"items", "not", "additionalProperties"}) {
    Json schema = Json::object();
    for (int i = 0; i < 10000; ++i) {
      Json outer = Json::object();
      outer[keyword] = std::move(schema);
      schema = std::move(outer);
    }
    onnx_predict::Error e = refusal(schema);
    CHECK(e.code() == ErrorCode::kSchemaInvalid);
    CHECK_THAT(e.message(), Catch::Contains("512"));
  }
  Json chain = {{"$ref", "#/definitions/d0"}, {"definitions", Json::object()}};
  for (int i = 0; i < 10000; ++i) chain["definitions"]["d" + std::to_string(i)] = {{"$ref", "#/definitions/d" + std::to_string(i + 1)}};
  chain["definitions"]["d10000"] = {{"type", "integer"}};
  CHECK_THAT(refusal(chain).message(), Catch::Contains("512"));
}

TEST_CASE("a 10,000-deep value fails with too_deep instead of recursing", "[validator]") {
  Json deep = nested_arrays(10000);
  Validator recursive = compile(R"({"items": {"$ref": "#"}})");
  std::vector<ValidationError> errors = errors_of(recursive, deep);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].type == "too_deep");
  CHECK(errors[0].loc.size() == 257);
  CHECK(compile(R"({"type": "array"})").is_valid(deep));
  CHECK(compile("{}").is_valid(deep));
  Json deep_object = Json::object();
  for (int i = 0; i < 10000; ++i) {
    Json outer = Json::object();
    outer["k"] = std::move(deep_object);
    deep_object = std::move(outer);
  }
  errors = errors_of(compile(R"({"required": ["missing"], "additionalProperties": {"$ref": "#/definitions/r"},
                                  "definitions": {"r": {"additionalProperties": {"$ref": "#/definitions/r"}}}})"),
                     deep_object);
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].type == "missing");  // its input, the deep object, is kept only 64 levels deep
  CHECK(errors[1].type == "too_deep");
  CHECK(errors[0].to_json().dump().size() < 2000);
  Json deep_const = {{"const", nested_arrays(10000)}};
  Validator equal = Validator::compile(deep_const);
  CHECK(equal.is_valid(nested_arrays(10000)));
  CHECK(errors_of(equal, nested_arrays(9999)).at(0).type == "literal_error");
}

TEST_CASE("long $ref chains and shared subschemas stay fast", "[validator]") {
  Json chain = {{"$ref", "#/definitions/d0"}, {"definitions", Json::object()}};
  for (int i = 0; i < 400; ++i) chain["definitions"]["d" + std::to_string(i)] = {{"$ref", "#/definitions/d" + std::to_string(i + 1)}};
  chain["definitions"]["d400"] = {{"type", "integer"}};
  CHECK(Validator::compile(chain).is_valid(1));
  // 2^40 paths through allOf: [d(i+1), d(i+1)] on one value.
  Json dag = {{"$ref", "#/definitions/d0"}, {"definitions", Json::object()}};
  for (int i = 0; i < 40; ++i) {
    std::string next = "#/definitions/d" + std::to_string(i + 1);
    dag["definitions"]["d" + std::to_string(i)] = {{"allOf", {{{"$ref", next}}, {{"$ref", next}}}}};
  }
  dag["definitions"]["d40"] = {{"type", "integer"}};
  Validator v = Validator::compile(dag);
  auto start = std::chrono::steady_clock::now();
  CHECK(v.is_valid(1));
  CHECK(errors_of(v, 1).empty());
  CHECK(errors_of(v, "x").size() == 100);  // the same error along many paths, up to max_errors
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(20));
}

TEST_CASE("huge strings, NaN, Infinity and duplicate keys are ordinary inputs", "[validator]") {
  std::string huge(1'000'000, 'a');  // linear-time regex: no backtracking blow-up below
  std::vector<ValidationError> errors = errors_of(R"({"type": "string", "maxLength": 5, "pattern": "^a+$"})", huge);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].type == "string_too_long");
  CHECK(compile(R"({"pattern": "(a|aa)*b"})").is_valid(huge + "b"));

  Json nan = Json(std::nan(""));
  Json inf = Json(std::numeric_limits<double>::infinity());
  for (const char* schema : {R"({"type": "number"})", R"({"type": "integer"})", R"({"minimum": 0})", R"({"multipleOf": 2})"}) {
    INFO(schema);
    for (const Json& value : {nan, inf}) {
      errors = errors_of(schema, value);
      REQUIRE(errors.size() == 1);
      CHECK(errors[0].type == "finite_number");
      CHECK(errors[0].msg == "Input should be a finite number");
    }
  }
  CHECK(errors_of(R"({"enum": [1]})", nan).at(0).type == "enum");
  CHECK(compile("{}").is_valid(nan));
  CHECK(errors_of(R"({"uniqueItems": true})", Json::array({nan, nan})).empty());  // NaN equals nothing

  Json duplicate = Json::parse(R"({"a": 1, "a": "x"})");
  CHECK(compile(R"({"properties": {"a": {"type": "string"}}})").is_valid(duplicate));
}
