// Embind: the predictor behind a loaded model (web/src/model.ts). Created from the model bytes
// and an optional schema document; holds the model's info, the schema in force, the packer and
// the output decoder. ONNX Runtime Web runs the graph in JS between pack and decode.
#include "bindings/interop.h"
#include "common/json_text.h"
#include "decode/decoder.h"
#include "onnx/model_info_json.h"
#include "schema/prepared_model.h"

namespace {

using emscripten::val;
using namespace onnx_predict::bindings;
using onnx_predict::Error;
using onnx_predict::ErrorCode;
namespace schema = onnx_predict::schema;

const char* form_name(onnx_predict::decode::DecodedColumn::Form form) {
  using Form = onnx_predict::decode::DecodedColumn::Form;
  switch (form) {
    case Form::kNumber: return "number";
    case Form::kName: return "name";
    case Form::kNamedNumbers: return "namedNumbers";
    case Form::kNumbers: return "numbers";
    case Form::kTopK: return "topK";
    case Form::kJson: return "json";
  }
  return "json";
}

// Decoded columns → JS: numbers and indices as one heap view each (valid until the next call into
// the core: web/src/model.ts reads them at once), class names once per batch. A column whose
// numbers are an output's own float elements says which (numbersOf: its index in the outputs
// decode() was given) and JS uses the typed array it already holds.
val decoded_columns_to_js(const std::vector<onnx_predict::decode::DecodedColumn>& columns) {
  val out = val::array();
  for (const auto& c : columns) {
    val column = val::object();
    column.set("name", c.name);
    column.set("form", std::string(form_name(c.form)));
    column.set("width", static_cast<double>(c.width));
    if (c.numbers_output) column.set("numbersOf", static_cast<double>(*c.numbers_output));
    if (!c.numbers.empty()) column.set("numbers", val(emscripten::typed_memory_view(c.numbers.size(), c.numbers.data())));
    if (!c.indices.empty()) column.set("indices", val(emscripten::typed_memory_view(c.indices.size(), c.indices.data())));
    if (!c.names.empty()) {
      val names = val::array();
      for (const std::string& name : c.names) names.call<void>("push", name);
      column.set("names", names);
    }
    if (c.form == onnx_predict::decode::DecodedColumn::Form::kJson) column.set("json", parse_json(nlohmann::json(c.json)));
    out.call<void>("push", column);
  }
  return out;
}

class Predictor {
 public:
  explicit Predictor(schema::PreparedModel prepared)
      : info_(std::move(prepared.info)),
        rewrite_report_(schema::rewrite_report(prepared)),
        run_bytes_(std::move(prepared.rewrite.bytes)),
        resolved_(std::make_unique<schema::ResolvedSchema>(std::move(prepared.resolved))),
        packer_(resolved_->document) {}

  // info() → {value: ModelInfo of the bytes ONNX Runtime runs, plus `rewrite`: the ZipMap
  // rewrite's report (docs/rewrite.md)}.
  val info() const {
    return guarded([&] {
      nlohmann::json out = onnx_predict::onnx::to_json(info_);
      out["rewrite"] = rewrite_report_;
      return parse_json(out);
    });
  }

  // takeModelBytes() → {value: Uint8Array | null}: the rewritten model for ONNX Runtime, once
  // (the predictor lets go of it); null when the model runs as it was given.
  val take_model_bytes() {
    return guarded([&] {
      if (run_bytes_.empty()) return val::null();
      val out = typed_copy<uint8_t>("Uint8Array", run_bytes_);
      std::vector<uint8_t>().swap(run_bytes_);
      return out;
    });
  }

  // schema() → {value: {source, document, flatFields: string[] | null, chunkSize, fixedBatch,
  // fetches: string[]}}. chunkSize: the model's fixed batch dimension (fixedBatch: every run must
  // have exactly that many rows), else limits.maxBatch, else 0 (one run per batch). fetches: the
  // outputs to ask ONNX Runtime for (decode::outputs_to_fetch).
  val schema_info() const {
    return guarded([&] {
      const auto& flat = resolved_->document.validator.flat_shape();
      nlohmann::json fields = nullptr;
      if (flat) {
        fields = nlohmann::json::array();
        for (const auto& f : flat->fields) fields.push_back(f.name);
      }
      size_t chunk = resolved_->compatibility.fixed_batch ? static_cast<size_t>(*resolved_->compatibility.fixed_batch)
                                                          : resolved_->document.max_batch.value_or(0);
      nlohmann::json out = {{"source", schema::schema_source_name(resolved_->source)},
                            {"document", resolved_->text},
                            {"flatFields", fields},
                            {"chunkSize", chunk},
                            {"fixedBatch", resolved_->compatibility.fixed_batch.has_value()},
                            {"fetches", onnx_predict::decode::outputs_to_fetch(resolved_->document.output, info_)}};
      return parse_json(out);
    });
  }

  val pack_json(const std::string& text) {
    return guarded([&] { return packed_batch_to_js(packer_.pack_json(text)); });
  }

  // stageColumns(rows) → {value: {tags, numbers}}: heap addresses of one tag array and one number
  // array per flat field (ColumnStaging), cleared, for the record reader to fill; packColumns then
  // takes {staged: i} columns.
  val stage_columns(double rows) {
    return guarded([&] {
      if (!(rows >= 0) || rows > 4294967295.0) throw Error(ErrorCode::kInvalidArgument, "rows must be a count");
      const auto& flat = resolved_->document.validator.flat_shape();
      if (!flat) throw Error(ErrorCode::kInvalidArgument, "columns need an input schema of scalar fields (a flat object)");
      return staging_.stage(flat->fields.size(), static_cast<size_t>(rows));
    });
  }

  val pack_columns(double rows, const val& columns, const val& non_objects) {
    return guarded([&] { return pack_columns_call(packer_, rows, columns, non_objects, &staging_); });
  }

  // decode(outputs: [{name, dataType, dims, data?: Uint8Array, strings?: string[] (distinct),
  //                   stringIndices?: Uint32Array (element i is strings[stringIndices[i]])}], rows)
  //   → {value: [{name, form, width, numbers?: Float64Array, numbersOf?: number, indices?: Uint32Array,
  //      names?: string[], json?: unknown[]}]}: one decoded column per output spec
  //   (src/decode/decoder.h, DecodedColumn), which web/src/model.ts turns into result objects or
  //   columns. numbers and indices are views of the predictor's buffers: read them before calling
  //   into the core again. numbersOf: the numbers are outputs[numbersOf].data as it is.
  val decode(const val& outputs, double rows) {
    return guarded([&] {
      if (!(rows >= 0) || rows > 4294967295.0) throw Error(ErrorCode::kInvalidArgument, "rows must be a count");
      size_t count = outputs["length"].as<size_t>();
      std::vector<std::vector<uint8_t>>& buffers = output_buffers_;
      buffers.resize(count);
      std::vector<onnx_predict::decode::OutputTensor> tensors(count);
      for (size_t i = 0; i < count; ++i) {
        val o = outputs[i];
        auto& t = tensors[i];
        t.name = o["name"].as<std::string>();
        t.data_type = o["dataType"].as<int32_t>();
        val dims = o["dims"];
        for (size_t d = 0, n = dims["length"].as<size_t>(); d < n; ++d) t.dims.push_back(static_cast<int64_t>(dims[d].as<double>()));
        copy_into(o["data"], buffers[i]);
        t.data = buffers[i];
        val strings = o["strings"];
        if (!strings.isUndefined() && !strings.isNull()) {
          std::vector<std::string> distinct;
          for (size_t s = 0, n = strings["length"].as<size_t>(); s < n; ++s) distinct.push_back(strings[s].as<std::string>());
          std::vector<uint32_t> indices = copy_array<uint32_t>(o["stringIndices"]);
          t.strings.reserve(indices.size());
          for (uint32_t index : indices) {
            if (index >= distinct.size()) throw Error(ErrorCode::kInvalidArgument, "string index out of range", "output." + t.name);
            t.strings.push_back(distinct[index]);
          }
        }
      }
      decoded_ = onnx_predict::decode::decode_columns(resolved_->document.output, tensors, static_cast<size_t>(rows));
      return decoded_columns_to_js(decoded_);
    });
  }

 private:
  onnx_predict::onnx::ModelInfo info_;
  nlohmann::json rewrite_report_;
  std::vector<uint8_t> run_bytes_;  // the rewritten model until ORT has it; empty: run the bytes as given
  std::unique_ptr<schema::ResolvedSchema> resolved_;  // stable address: the packer refers to its document
  onnx_predict::batch::Packer packer_;
  ColumnStaging staging_;                              // the record reader's columns, reused per batch
  std::vector<std::vector<uint8_t>> output_buffers_;  // ORT's outputs copied in, reused per batch
  std::vector<onnx_predict::decode::DecodedColumn> decoded_;  // the last decode, viewed from JS
};

// createPredictor(bytes, schemaJson, rewriteZipMap) → {value: Predictor} | {error}. schemaJson ""
// means none: the model's embedded schema, else one derived from its signature. rewriteZipMap:
// rewrite ZipMap outputs into their probability tensors (docs/rewrite.md). The bytes are only read.
val create_predictor(const val& bytes, const std::string& schema_json, bool rewrite_zipmap) {
  return guarded([&] {
    HeapBytes model = copy_bytes(bytes);
    return val(Predictor(schema::prepare_model(model, schema_json, rewrite_zipmap)));
  });
}

}  // namespace

EMSCRIPTEN_BINDINGS(onnx_predict_predictor) {
  emscripten::function("createPredictor", &create_predictor);
  emscripten::class_<Predictor>("Predictor")
      .function("info", &Predictor::info)
      .function("takeModelBytes", &Predictor::take_model_bytes)
      .function("schema", &Predictor::schema_info)
      .function("packJson", &Predictor::pack_json)
      .function("stageColumns", &Predictor::stage_columns)
      .function("packColumns", &Predictor::pack_columns)
      .function("decode", &Predictor::decode);
}
