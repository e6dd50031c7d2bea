// Which schema governs a model, first wins: the one the caller gives (loadModel's `schema`
// option), the one the model embeds in metadata_props["onnx_predict.schema"], or one derived
// from its signature. The winner is compiled and checked against the model.
#pragma once

#include <functional>
#include <optional>

#include "onnx/model_info.h"
#include "schema/compatibility.h"
#include "schema/derive.h"
#include "schema/schema_document.h"

namespace onnx_predict::schema {

enum class SchemaSource { kGiven, kEmbedded, kDerived };
std::string_view schema_source_name(SchemaSource source);  // "given", "embedded", "derived"

struct ResolvedSchema {
  SchemaDocument document;
  SchemaSource source;
  Json text;  // the document as JSON (what `model.schema` shows)
  Compatibility compatibility;
};

// The schema text the model embeds: the last metadata_props["onnx_predict.schema"], if any.
std::optional<std::string_view> embedded_schema_text(const onnx::ModelInfo& model);

// Throws Error(kSchemaInvalid) when the winning document does not compile (an embedded one says
// so in the message), Error(kSchemaMismatch) when it does not fit the model. `hints` is called
// only when the schema is derived (reading them walks the graph).
ResolvedSchema resolve_schema(const onnx::ModelInfo& model, const std::optional<Json>& given, ValidatorOptions options = {},
                              const std::function<DerivationHints()>& hints = {});

}  // namespace onnx_predict::schema
