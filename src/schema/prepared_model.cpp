#include "schema/prepared_model.h"

#include "common/json_text.h"
#include "onnx/data_type.h"
#include "onnx/format_sniff.h"
#include "onnx/input_categories.h"

namespace onnx_predict::schema {

PreparedModel prepare_model(onnx::Bytes model, const std::string& schema_json, bool rewrite_zipmap) {
  onnx::require_onnx_format(model);
  onnx::RewriteResult rewrite;
  if (rewrite_zipmap) rewrite = onnx::rewrite_zipmap_outputs(model);
  onnx::Bytes run = rewrite.changed ? onnx::Bytes(rewrite.bytes) : model;
  onnx::ModelInfo info = onnx::read_model_info(run);
  std::optional<Json> schema;
  if (!schema_json.empty()) schema = parse_json_text(schema_json, ErrorCode::kSchemaInvalid, "the schema");

  auto hints = [&] {  // what the graph tells a derived schema
    DerivationHints found;
    std::vector<std::string> string_inputs;
    for (const onnx::ValueInfo& input : info.inputs) {
      if (input.type && input.type->kind == onnx::TypeInfo::Kind::kTensor && input.type->elem_type == onnx::kString) {
        string_inputs.push_back(input.name);
      }
    }
    found.categories = onnx::one_hot_categories(run, string_inputs);
    for (const onnx::ZipMapRewrite& r : rewrite.rewrites) found.probabilities[r.new_output] = r.classes;
    return found;
  };
  ResolvedSchema resolved = resolve_schema(info, schema, {}, hints);
  return {std::move(info), std::move(resolved), rewrite_zipmap, std::move(rewrite)};
}

Json rewrite_report(const PreparedModel& prepared) {
  Json report = onnx::to_json(prepared.rewrite);
  report["enabled"] = prepared.rewrite_enabled;
  return report;
}

}  // namespace onnx_predict::schema
