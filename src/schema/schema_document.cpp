#include "schema/schema_document.h"

#include "common/error.h"
#include "common/json_text.h"

namespace onnx_predict::schema {
namespace {

[[noreturn]] void invalid(const std::string& path, const std::string& message) {
  throw Error(ErrorCode::kSchemaInvalid, message, path);
}

OutputSpec parse_output(const std::string& name, const Json& spec) {
  std::string path = "output." + name;
  if (!spec.is_object()) invalid(path, "must be an object {\"from\", \"kind\", ...}");
  OutputSpec out;
  out.name = name;
  out.from = name;
  for (const auto& [key, value] : spec.items()) {
    if (key == "from") {
      if (!value.is_string()) invalid(path + ".from", "must be the name of a model output");
      out.from = value.get<std::string>();
    } else if (key == "kind") {
      std::string kind = value.is_string() ? value.get<std::string>() : "";
      if (kind == "label") out.kind = OutputSpec::Kind::kLabel;
      else if (kind == "probabilities") out.kind = OutputSpec::Kind::kProbabilities;
      else if (kind == "value") out.kind = OutputSpec::Kind::kValue;
      else if (kind == "top_k") out.kind = OutputSpec::Kind::kTopK;
      else if (kind == "raw") out.kind = OutputSpec::Kind::kRaw;
      else invalid(path + ".kind", "must be one of label, probabilities, value, top_k, raw");
    } else if (key == "classes") {
      if (!value.is_array() || value.empty()) invalid(path + ".classes", "must be a non-empty array of class names");
      for (const Json& c : value) {
        if (!c.is_string()) invalid(path + ".classes", "class names must be strings");
        out.classes.push_back(c.get<std::string>());
      }
    } else if (key == "k") {
      if (!value.is_number_integer() || value.get<int64_t>() < 1) invalid(path + ".k", "must be a positive integer");
      out.k = value.get<size_t>();
    } else {
      invalid(path + "." + key, "unknown key in an output spec (expected from, kind, classes, k)");
    }
  }
  if (out.kind == OutputSpec::Kind::kTopK) {
    if (out.k == 0) invalid(path + ".k", "top_k needs k");
    if (!out.classes.empty() && out.k > out.classes.size()) invalid(path + ".k", "k exceeds the number of classes");
  } else if (out.k != 0) {
    invalid(path + ".k", "k applies to kind top_k only");
  }
  return out;
}

}  // namespace

SchemaDocument parse_schema_document(const Json& document, ValidatorOptions options) {
  if (!document.is_object()) invalid("", "a schema document must be a JSON object {\"version\": 1, \"input\": ..., \"bind\": ...}");
  for (const auto& [key, value] : document.items()) {
    if (key != "version" && key != "input" && key != "bind" && key != "output" && key != "examples" &&
        key != "limits" && key != "$schema" && key != "title" && key != "description") {
      invalid(key, "unknown top-level key (expected version, input, bind, output, examples, limits)");
    }
  }
  if (!document.contains("version") || !document["version"].is_number_integer() || document["version"].get<int64_t>() != 1) {
    invalid("version", "must be 1 (the only schema document version so far)");
  }
  if (!document.contains("input")) invalid("input", "is required: the JSON Schema of one record");
  if (!document.contains("bind")) invalid("bind", "is required: which record fields feed which model input");

  const Json& input = document["input"];
  Validator validator = [&] {
    try {
      return Validator::compile(input, options);
    } catch (const Error& e) {  // re-anchor the pointer under "input"
      throw Error(ErrorCode::kSchemaInvalid, e.message(), "input" + (e.path().empty() ? "" : "/" + e.path()));
    }
  }();
  std::vector<features::InputBinding> bind = features::parse_bindings(document["bind"], validator);

  std::vector<OutputSpec> output;
  if (document.contains("output")) {
    if (!document["output"].is_object()) invalid("output", "must be an object: result key → output spec");
    for (const auto& [name, spec] : document["output"].items()) output.push_back(parse_output(name, spec));
  }

  std::optional<size_t> max_batch;
  if (document.contains("limits")) {
    const Json& limits = document["limits"];
    if (!limits.is_object()) invalid("limits", "must be an object {\"maxBatch\": n}");
    for (const auto& [key, value] : limits.items()) {
      if (key != "maxBatch") invalid("limits." + key, "unknown limit (expected maxBatch)");
      if (!value.is_number_integer() || value.get<int64_t>() < 1) invalid("limits.maxBatch", "must be a positive integer");
      max_batch = value.get<size_t>();
    }
  }

  std::vector<Example> examples;
  if (document.contains("examples")) {
    const Json& list = document["examples"];
    if (!list.is_array()) invalid("examples", "must be an array of {\"input\", \"output\"}");
    for (size_t i = 0; i < list.size(); ++i) {
      std::string path = "examples[" + std::to_string(i) + "]";
      if (!list[i].is_object() || !list[i].contains("input")) invalid(path, "must be an object with \"input\" (and \"output\")");
      std::vector<ValidationError> errors;
      if (!validator.validate(list[i]["input"], errors)) {
        invalid(path + ".input", "the schema rejects its own example: " + errors.front().msg);
      }
      examples.push_back({list[i]["input"], list[i].value("output", Json::object())});
    }
  }

  SchemaDocument doc{1, input, std::move(validator), std::move(bind), std::move(output), std::move(examples), max_batch};
  return doc;
}

SchemaDocument parse_schema_document_text(std::string_view text, ValidatorOptions options) {
  Json document = parse_json_text(text, ErrorCode::kSchemaInvalid, "the schema document");
  return parse_schema_document(document, options);
}

}  // namespace onnx_predict::schema
