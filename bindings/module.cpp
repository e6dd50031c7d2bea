// Embind module of the onnx-predict core: model inspection. See interop.h for the conventions;
// schema_bindings.cpp and predictor_bindings.cpp register the rest.
#include "bindings/interop.h"
#include "common/json_text.h"
#include "onnx/data_type.h"
#include "onnx/format_sniff.h"
#include "onnx/model_info.h"
#include "onnx/model_info_json.h"
#include "onnx/tensor.h"

namespace {

using emscripten::val;
using namespace onnx_predict::bindings;

// inspectModel(bytes: Uint8Array) → ModelInfo, or a failure. Refuses non-ONNX formats first.
val inspect_model(val bytes) {
  return guarded([&] {
    HeapBytes model = copy_bytes(bytes);
    onnx_predict::onnx::require_onnx_format(model);
    return parse_json(onnx_predict::onnx::to_json(onnx_predict::onnx::read_model_info(model)));
  });
}

// sniffFormat(bytes) → {format, code?, message?}: never an error for well-typed input.
val sniff_format(val bytes) {
  return guarded([&] {
    HeapBytes data = copy_bytes(bytes);
    onnx_predict::onnx::FormatGuess guess = onnx_predict::onnx::sniff_format(data);
    val out = val::object();
    out.set("format", std::string(guess.format));
    if (!guess.is_onnx()) {
      out.set("code", std::string(onnx_predict::error_code_name(guess.code)));
      out.set("message", guess.message);
    }
    return out;
  });
}

// readTensor(bytes) → {name, dataType, dims, data: Uint8Array (raw layout) | strings: Uint8Array[]}.
val read_tensor(val bytes) {
  return guarded([&] {
    HeapBytes proto = copy_bytes(bytes);
    onnx_predict::onnx::Tensor tensor = onnx_predict::onnx::read_tensor(proto);
    val out = val::object();
    out.set("name", tensor.name);
    out.set("dataType", tensor.data_type);
    val dims = val::array();
    for (int64_t d : tensor.dims) dims.call<void>("push", static_cast<double>(d));
    out.set("dims", dims);
    if (tensor.data_type == onnx_predict::onnx::kString) {
      val strings = val::array();
      for (std::string_view s : tensor.strings) {
        strings.call<void>("push", copy_to_js({reinterpret_cast<const uint8_t*>(s.data()), s.size()}));
      }
      out.set("strings", strings);
    } else {
      out.set("data", copy_to_js(tensor.data()));
    }
    return out;
  });
}

}  // namespace

EMSCRIPTEN_BINDINGS(onnx_predict_model) {
  emscripten::function("inspectModel", &inspect_model);
  emscripten::function("sniffFormat", &sniff_format);
  emscripten::function("readTensor", &read_tensor);
}
