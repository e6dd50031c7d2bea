// Embind: compiled JSON Schemas (compileSchema) and schema-document packers (createPacker).
#include "bindings/interop.h"
#include "common/json_text.h"
#include "schema/schema_document.h"
#include "schema/validator.h"

namespace {

using emscripten::val;
using namespace onnx_predict::bindings;
using onnx_predict::Error;
using onnx_predict::ErrorCode;

// A compiled JSON Schema owned by one JS wrapper (web/src/schema.ts), freed by its dispose().
class CompiledSchema {
 public:
  explicit CompiledSchema(onnx_predict::schema::Validator validator) : validator_(std::move(validator)) {}

  // validate(valueJson: string) → the errors as export_errors gives them, or a failure: the DOM path, one value.
  val validate(const std::string& value_json) const {
    return guarded([&] {
      nlohmann::json value = onnx_predict::parse_json_text(value_json, ErrorCode::kInvalidArgument, "the value");
      std::vector<onnx_predict::schema::ValidationError> errors;
      validator_.validate(value, errors);
      return export_errors(errors);
    });
  }

 private:
  onnx_predict::schema::Validator validator_;
};

// compileSchema(schemaJson, maxErrors, checkFormats) → CompiledSchema, or a schema_invalid failure.
val compile_schema(const std::string& schema_json, double max_errors, bool check_formats) {
  return guarded([&] {
    nlohmann::json schema = onnx_predict::parse_json_text(schema_json, ErrorCode::kSchemaInvalid, "the schema");
    onnx_predict::schema::ValidatorOptions options;
    if (max_errors >= 1) options.max_errors = static_cast<size_t>(max_errors);
    options.check_formats = check_formats;
    return val(CompiledSchema(onnx_predict::schema::Validator::compile(schema, options)));
  });
}

// A compiled schema document and its packer, owned by one JS wrapper.
class BatchPacker {
 public:
  explicit BatchPacker(onnx_predict::schema::SchemaDocument document)
      : document_(std::make_unique<onnx_predict::schema::SchemaDocument>(std::move(document))), packer_(*document_) {}

  // packJson(text) → PackedExport's summary (a Float64Array view).
  val pack_json(const std::string& text) {
    return guarded([&] { return export_.summary(packer_.pack_json(text)); });
  }

  // packColumns(rows, columns, nonObjects?) → the same. One call per batch: the columns' arrays
  // are copied in once, the batch goes out as numbers.
  val pack_columns(double rows, const val& columns, const val& non_objects) {
    return guarded([&] { return export_.summary(pack_columns_call(packer_, rows, columns, non_objects)); });
  }

  // packErrors(), packStrings(i), packedInputs(): PackedExport's.
  val pack_errors() const { return guarded([&] { return export_.errors(); }); }
  val pack_strings(double tensor) const { return guarded([&] { return export_.strings(tensor); }); }
  val packed_inputs() const { return guarded([&] { return parse_json(onnx_predict::bindings::packed_inputs(*document_)); }); }

 private:
  std::unique_ptr<onnx_predict::schema::SchemaDocument> document_;  // stable address: the packer refers to it
  onnx_predict::batch::Packer packer_;
  PackedExport export_;
};

// createPacker(documentJson) → BatchPacker, or a schema_invalid failure.
val create_packer(const std::string& document_json) {
  return guarded([&] {
    return val(BatchPacker(onnx_predict::schema::parse_schema_document_text(document_json)));
  });
}

}  // namespace

EMSCRIPTEN_BINDINGS(onnx_predict_schema) {
  emscripten::function("compileSchema", &compile_schema);
  emscripten::class_<CompiledSchema>("CompiledSchema").function("validate", &CompiledSchema::validate);
  emscripten::function("createPacker", &create_packer);
  emscripten::class_<BatchPacker>("BatchPacker")
      .function("packJson", &BatchPacker::pack_json)
      .function("packColumns", &BatchPacker::pack_columns)
      .function("packErrors", &BatchPacker::pack_errors)
      .function("packStrings", &BatchPacker::pack_strings)
      .function("packedInputs", &BatchPacker::packed_inputs);
}
