// The predictor's once-per-model half, built for size (predictor.h).
#include "bindings/predictor.h"
#include "onnx/model_info_json.h"

namespace onnx_predict::bindings {

val create_predictor(const val& bytes, const std::string& schema_json, bool rewrite_zipmap) {
  return guarded([&] {
    HeapBytes model = copy_bytes(bytes);
    return val(Predictor(schema::prepare_model(model, schema_json, rewrite_zipmap)));
  });
}

Predictor::Predictor(schema::PreparedModel prepared)
    : info_(std::move(prepared.info)),
      rewrite_report_(schema::rewrite_report(prepared)),
      run_bytes_(std::move(prepared.rewrite.bytes)),
      resolved_(std::make_unique<schema::ResolvedSchema>(std::move(prepared.resolved))),
      packer_(resolved_->document),
      fetches_(onnx_predict::decode::outputs_to_fetch(resolved_->document.output, info_)) {}

val Predictor::info() const {
  return guarded([&] {
    nlohmann::json out = onnx_predict::onnx::to_json(info_);
    out["rewrite"] = rewrite_report_;
    return parse_json(out);
  });
}

val Predictor::take_model_bytes() {
  return guarded([&] {
    if (run_bytes_.empty()) return val::null();
    val out = typed_copy<uint8_t>("Uint8Array", run_bytes_);
    std::vector<uint8_t>().swap(run_bytes_);
    return out;
  });
}

val Predictor::schema_info() const {
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

val Predictor::decoded_layout() const {
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

val Predictor::decoded_json(double column) const {
  return guarded([&] {
    if (!(column >= 0) || column >= static_cast<double>(decoded_.size())) throw Error(ErrorCode::kInvalidArgument, "no such decoded column");
    return parse_json(nlohmann::json(decoded_[static_cast<size_t>(column)].json));
  });
}

}  // namespace onnx_predict::bindings
