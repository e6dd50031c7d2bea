// The predictor's per-batch half, built at -O3 (predictor.h), and its registration.
#include <cmath>

#include "bindings/predictor.h"

namespace onnx_predict::bindings {

val Predictor::pack_json(const std::string& text) {
  return guarded([&] { return export_.summary(packer_.pack_json(text)); });
}

val Predictor::stage_columns(double rows) {
  return guarded([&] {
    if (!(rows >= 0) || rows > 4294967295.0) throw Error(ErrorCode::kInvalidArgument, "rows must be a count");
    const auto& flat = resolved_->document.validator.flat_shape();
    if (!flat) throw Error(ErrorCode::kInvalidArgument, "columns need an input schema of scalar fields (a flat object)");
    std::vector<std::string_view> names;
    for (const auto& field : flat->fields) names.push_back(field.name);
    return staging_.stage(std::move(names), static_cast<size_t>(rows));
  });
}

val Predictor::pack_columns(double rows, const val& columns, const val& non_objects) {
  return guarded([&] { return export_.summary(pack_columns_call(packer_, rows, columns, non_objects, &staging_)); });
}

val Predictor::pack_errors() const {
  return guarded([&] { return export_.errors(); });
}

val Predictor::pack_strings(double tensor) const {
  return guarded([&] { return export_.strings(tensor); });
}

val Predictor::decode_buffers(const val& meta_array) {
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

val Predictor::decode(double rows, const val& strings) {
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

}  // namespace onnx_predict::bindings

EMSCRIPTEN_BINDINGS(onnx_predict_predictor) {
  using onnx_predict::bindings::create_predictor;
  using onnx_predict::bindings::Predictor;
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
