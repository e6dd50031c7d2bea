// Embind: the predictor behind a loaded model (web/src/model.ts). Created from the model bytes
// and an optional schema document; holds the model's info, the schema in force, the packer and
// the output decoder. ONNX Runtime Web runs the graph in JS between pack and decode.
#include <cmath>

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

class Predictor {
 public:
  explicit Predictor(schema::PreparedModel prepared)
      : info_(std::move(prepared.info)),
        rewrite_report_(schema::rewrite_report(prepared)),
        run_bytes_(std::move(prepared.rewrite.bytes)),
        resolved_(std::make_unique<schema::ResolvedSchema>(std::move(prepared.resolved))),
        packer_(resolved_->document),
        fetches_(onnx_predict::decode::outputs_to_fetch(resolved_->document.output, info_)) {}

  // info() → ModelInfo of the bytes ONNX Runtime runs, plus `rewrite`: the ZipMap
  // rewrite's report (docs/rewrite.md).
  val info() const {
    return guarded([&] {
      nlohmann::json out = onnx_predict::onnx::to_json(info_);
      out["rewrite"] = rewrite_report_;
      return parse_json(out);
    });
  }

  // takeModelBytes() → Uint8Array | null: the rewritten model for ONNX Runtime, once
  // (the predictor lets go of it); null when the model runs as it was given.
  val take_model_bytes() {
    return guarded([&] {
      if (run_bytes_.empty()) return val::null();
      val out = typed_copy<uint8_t>("Uint8Array", run_bytes_);
      std::vector<uint8_t>().swap(run_bytes_);
      return out;
    });
  }

  // schema() → {source, flatFields: string[] | null, chunkSize, fixedBatch, fetches: string[],
  // inputs: [{name, dtype}]} and the document: none for a given one (the caller has its text),
  // documentText for an embedded one (its text as the model holds it), and for a derived one
  // document plus graphInputs and graphOutputs (the signature's names, in order). A text crosses
  // as it is, so the document keeps its author's key order (this core's JSON objects are sorted
  // maps) and is not dumped and parsed again. chunkSize: the model's fixed batch dimension
  // (fixedBatch: every run must have exactly that many rows), else limits.maxBatch, else 0 (one run
  // per batch). fetches: the outputs to ask ONNX Runtime for (decode::outputs_to_fetch), in the
  // order decodeBuffers takes them. inputs: the packed tensors' names and types (packed_inputs).
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
                            {"flatFields", fields},
                            {"chunkSize", chunk},
                            {"fixedBatch", resolved_->compatibility.fixed_batch.has_value()},
                            {"fetches", fetches_},
                            {"inputs", packed_inputs(resolved_->document)}};
      switch (resolved_->source) {
        case schema::SchemaSource::kGiven: break;
        case schema::SchemaSource::kEmbedded: out["documentText"] = std::string(schema::embedded_schema_text(info_).value_or("")); break;
        case schema::SchemaSource::kDerived: {
          out["document"] = resolved_->text;
          nlohmann::json& inputs = out["graphInputs"] = nlohmann::json::array();
          for (const auto& input : info_.inputs) inputs.push_back(input.name);
          nlohmann::json& outputs = out["graphOutputs"] = nlohmann::json::array();
          for (const auto& output : info_.outputs) outputs.push_back(output.name);
          break;
        }
      }
      return parse_json(out);
    });
  }

  // packJson(text) → PackedExport's summary.
  val pack_json(const std::string& text) {
    return guarded([&] { return export_.summary(packer_.pack_json(text)); });
  }

  // stageColumns(rows) → {tags, numbers}: heap addresses of one tag array and one number
  // array per flat field (ColumnStaging), cleared, for the record reader to fill; the next
  // packColumns takes every field's staged column.
  val stage_columns(double rows) {
    return guarded([&] {
      if (!(rows >= 0) || rows > 4294967295.0) throw Error(ErrorCode::kInvalidArgument, "rows must be a count");
      const auto& flat = resolved_->document.validator.flat_shape();
      if (!flat) throw Error(ErrorCode::kInvalidArgument, "columns need an input schema of scalar fields (a flat object)");
      std::vector<std::string_view> names;
      for (const auto& field : flat->fields) names.push_back(field.name);
      return staging_.stage(std::move(names), static_cast<size_t>(rows));
    });
  }

  // packColumns(rows, columns, nonObjects?) → PackedExport's summary: the staged
  // columns, plus `columns` (the staged ones with strings, and keys no field has).
  val pack_columns(double rows, const val& columns, const val& non_objects) {
    return guarded([&] { return export_.summary(pack_columns_call(packer_, rows, columns, non_objects, &staging_)); });
  }

  // packErrors(), packStrings(i): PackedExport's.
  val pack_errors() const { return guarded([&] { return export_.errors(); }); }
  val pack_strings(double tensor) const { return guarded([&] { return export_.strings(tensor); }); }

  // Decoding a batch's outputs takes two calls, and the outputs cross as numbers and bytes:
  //
  // decodeBuffers(meta) → Float64Array: meta is a Float64Array holding, for each output
  //   of schema().fetches in that order, [dataType, data bytes, rank, dims...] (a string tensor's
  //   data bytes 0). The value holds, per output, the heap address where JS writes its data
  //   (buffers of the predictor's, reused per batch), or 0: a string tensor, or an output whose
  //   elements decoding does not read (decode::reads_elements: JS keeps them as the column).
  // decode(rows, strings) → Float64Array: decodes the outputs written there. `strings` is
  //   undefined, or holds for each string output's index {strings: string[] (distinct),
  //   stringIndices: Uint32Array (element i is strings[stringIndices[i]])}. The value is
  //   [layout unchanged (1/0), column count, then per column (src/decode/decoder.h, DecodedColumn):
  //   form (its enum value), width, numbersOf (-1: none), numbers address, numbers length,
  //   indices address, indices length]. numbers (doubles) and indices (uint32) are the
  //   predictor's buffers: read them before calling into the core again. numbersOf: the numbers
  //   are that output's own data, which JS holds.
  // decodedLayout() → [{name, names: string[]}]: each column's key and names, to ask for
  //   when decode says the layout changed (class names are the same batch after batch).
  // decodedJson(column) → unknown[]: a json column's values.
  val decode_buffers(const val& meta_array) {
    return guarded([&] {
      std::vector<double> meta = copy_array<double>(meta_array);
      const std::vector<std::string>& fetches = fetches_;
      decoded_.clear();  // its pass-through columns point into outputs_
      outputs_.assign(fetches.size(), {});
      output_buffers_.resize(fetches.size());
      addresses_.assign(fetches.size(), 0);
      size_t at = 0;
      auto next = [&](const char* what) {
        if (at >= meta.size()) throw Error(ErrorCode::kInvalidArgument, std::string("decode metadata ends before ") + what);
        double v = meta[at++];
        if (!(v >= 0) || v > 9007199254740991.0 || v != std::floor(v)) throw Error(ErrorCode::kInvalidArgument, std::string("decode metadata: bad ") + what);
        return v;
      };
      for (size_t i = 0; i < fetches.size(); ++i) {
        auto& t = outputs_[i];
        t.name = fetches[i];
        double type = next("dataType");
        if (type > 2147483647.0) throw Error(ErrorCode::kInvalidArgument, "decode metadata: bad dataType");
        t.data_type = static_cast<int32_t>(type);
        size_t bytes = static_cast<size_t>(next("data bytes"));
        size_t rank = static_cast<size_t>(next("rank"));
        if (rank > 64) throw Error(ErrorCode::kInvalidArgument, "decode metadata: bad rank");
        for (size_t d = 0; d < rank; ++d) t.dims.push_back(static_cast<int64_t>(next("dims")));
        if (!onnx_predict::decode::reads_elements(resolved_->document.output, t.name, t.data_type)) {
          t.unread_bytes = bytes;
          bytes = 0;
        }
        output_buffers_[i].resize(bytes);
        addresses_[i] = bytes ? static_cast<double>(reinterpret_cast<uintptr_t>(output_buffers_[i].data())) : 0;
      }
      if (at != meta.size()) throw Error(ErrorCode::kInvalidArgument, "decode metadata is longer than the outputs it describes");
      return val(emscripten::typed_memory_view(addresses_.size(), addresses_.data()));
    });
  }

  val decode(double rows, const val& strings) {
    return guarded([&] {
      if (!(rows >= 0) || rows > 4294967295.0) throw Error(ErrorCode::kInvalidArgument, "rows must be a count");
      for (size_t i = 0; i < outputs_.size(); ++i) {
        auto& t = outputs_[i];
        if (!t.unread_bytes) t.data = {output_buffers_[i].data(), output_buffers_[i].size()};
        t.strings.clear();
        if (strings.isUndefined() || strings.isNull()) continue;
        val s = strings[i];
        if (s.isUndefined() || s.isNull()) continue;
        val distinct_array = s["strings"];
        std::vector<std::string> distinct;
        for (size_t k = 0, n = distinct_array["length"].as<size_t>(); k < n; ++k) distinct.push_back(distinct_array[k].as<std::string>());
        std::vector<uint32_t> indices = copy_array<uint32_t>(s["stringIndices"]);
        t.strings.reserve(indices.size());
        for (uint32_t index : indices) {
          if (index >= distinct.size()) throw Error(ErrorCode::kInvalidArgument, "string index out of range", "output." + t.name);
          t.strings.push_back(distinct[index]);
        }
      }
      decoded_ = onnx_predict::decode::decode_columns(resolved_->document.output, outputs_, static_cast<size_t>(rows));
      bool same = layout_.size() == decoded_.size();
      for (size_t c = 0; same && c < decoded_.size(); ++c) same = layout_[c].first == decoded_[c].name && layout_[c].second == decoded_[c].names;
      if (!same) {
        layout_.clear();
        for (const auto& c : decoded_) layout_.emplace_back(c.name, c.names);
      }
      summary_.clear();
      auto add = [&](auto x) { summary_.push_back(static_cast<double>(x)); };
      add(same ? 1 : 0);
      add(decoded_.size());
      for (const auto& c : decoded_) {
        add(static_cast<int>(c.form));
        add(c.width);
        add(c.numbers_output ? static_cast<double>(*c.numbers_output) : -1.0);
        add(reinterpret_cast<uintptr_t>(c.numbers.data()));
        add(c.numbers.size());
        add(reinterpret_cast<uintptr_t>(c.indices.data()));
        add(c.indices.size());
      }
      return val(emscripten::typed_memory_view(summary_.size(), summary_.data()));
    });
  }

  val decoded_layout() const {
    return guarded([&] {
      val out = val::array();
      for (const auto& [name, names] : layout_) {
        val column = val::object();
        column.set("name", name);
        val list = val::array();
        for (const std::string& n : names) list.call<void>("push", n);
        column.set("names", list);
        out.call<void>("push", column);
      }
      return out;
    });
  }

  val decoded_json(double column) const {
    return guarded([&] {
      if (!(column >= 0) || column >= static_cast<double>(decoded_.size())) throw Error(ErrorCode::kInvalidArgument, "no such decoded column");
      return parse_json(nlohmann::json(decoded_[static_cast<size_t>(column)].json));
    });
  }

 private:
  onnx_predict::onnx::ModelInfo info_;
  nlohmann::json rewrite_report_;
  std::vector<uint8_t> run_bytes_;  // the rewritten model until ORT has it; empty: run the bytes as given
  std::unique_ptr<schema::ResolvedSchema> resolved_;  // stable address: the packer refers to its document
  onnx_predict::batch::Packer packer_;
  std::vector<std::string> fetches_;                   // the outputs decode reads, in order (schema().fetches)
  ColumnStaging staging_;                              // the record reader's columns, reused per batch
  PackedExport export_;                                // the last packed batch, for JS
  std::vector<onnx_predict::decode::OutputTensor> outputs_;   // the batch's outputs (decodeBuffers, decode)
  std::vector<onnx_predict::batch::TensorBytes> output_buffers_;  // their data, written by JS, reused per batch
  std::vector<double> addresses_;                      // decodeBuffers' value
  std::vector<onnx_predict::decode::DecodedColumn> decoded_;  // the last decode, viewed from JS
  std::vector<std::pair<std::string, std::vector<std::string>>> layout_;  // each column's name and names, as last sent
  std::vector<double> summary_;                        // decode's value
};

// createPredictor(bytes, schemaJson, rewriteZipMap) → Predictor, or a failure. schemaJson ""
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
      .function("packErrors", &Predictor::pack_errors)
      .function("packStrings", &Predictor::pack_strings)
      .function("decodeBuffers", &Predictor::decode_buffers)
      .function("decode", &Predictor::decode)
      .function("decodedLayout", &Predictor::decoded_layout)
      .function("decodedJson", &Predictor::decoded_json);
}
