#include "schema/resolve.h"

#include "common/error.h"
#include "common/json_text.h"

namespace onnx_predict::schema {

std::string_view schema_source_name(SchemaSource source) {
  switch (source) {
    case SchemaSource::kGiven: return "given";
    case SchemaSource::kEmbedded: return "embedded";
    case SchemaSource::kDerived: return "derived";
  }
  return "";
}

std::optional<std::string_view> embedded_schema_text(const onnx::ModelInfo& model) {
  std::optional<std::string_view> text;
  for (const auto& [key, value] : model.metadata_props) {
    if (key == kEmbeddedSchemaKey) text = value;
  }
  return text;
}

ResolvedSchema resolve_schema(const onnx::ModelInfo& model, const std::optional<Json>& given, ValidatorOptions options,
                              const std::function<DerivationHints()>& hints) {
  SchemaSource source = SchemaSource::kDerived;
  Json text;
  if (given) {
    source = SchemaSource::kGiven;
    text = *given;
  } else if (std::optional<std::string_view> embedded = embedded_schema_text(model)) {
    source = SchemaSource::kEmbedded;
    text = parse_json_text(*embedded, ErrorCode::kSchemaInvalid, "the schema embedded in the model (metadata_props[\"onnx_predict.schema\"])");
  } else {
    text = derive_schema(model, hints ? hints() : DerivationHints{});
  }
  try {
    SchemaDocument document = parse_schema_document(text, options);
    Compatibility compatibility = check_compatibility(document, model);
    return {std::move(document), source, std::move(text), compatibility};
  } catch (const Error& e) {
    if (source != SchemaSource::kEmbedded) throw;
    Error embedded(e.code(), "in the schema embedded in the model (metadata_props[\"onnx_predict.schema\"]): " + e.message(), e.path(), e.offset());
    embedded.with_details(e.details());
    throw embedded;
  }
}

}  // namespace onnx_predict::schema
