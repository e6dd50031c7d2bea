// Embind surface of the onnx-predict core. Type conversion and error translation only.
//
// Every entry point returns a plain object: {value} on success or {error: {code, message,
// details}} on failure; web/src turns the latter into a thrown OnnxPredictError. No C++
// exception crosses into JS (it would arrive as a number and skip destructors), and every call
// copies its input into the wasm heap and its output out of it, so no heap view outlives a call.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/json_text.h"
#include "onnx/data_type.h"
#include "onnx/format_sniff.h"
#include "onnx/model_info.h"
#include "onnx/model_info_json.h"
#include "onnx/tensor.h"
#include "schema/validator.h"

namespace {

using emscripten::val;
using onnx_predict::Error;
using onnx_predict::ErrorCode;

// A copy of JS bytes in the wasm heap. Not zero-filled first: for a 200 MB model the fill would
// double the cost of the copy (bench/README.md).
class HeapBytes {
 public:
  explicit HeapBytes(size_t size) : data_(new uint8_t[size]), size_(size) {}
  operator onnx_predict::onnx::Bytes() const { return {data_.get(), size_}; }
  uint8_t* data() { return data_.get(); }
  size_t size() const { return size_; }

 private:
  std::unique_ptr<uint8_t[]> data_;
  size_t size_;
};

// Copies a JS Uint8Array into the wasm heap.
HeapBytes copy_bytes(const val& bytes) {
  if (!bytes.instanceof(val::global("Uint8Array"))) {
    throw Error(ErrorCode::kInvalidArgument, "expected the model bytes as a Uint8Array");
  }
  HeapBytes out(bytes["length"].as<size_t>());
  val heap_view(emscripten::typed_memory_view(out.size(), out.data()));
  heap_view.call<void>("set", bytes);
  return out;
}

// A fresh JS Uint8Array holding a copy of `data`.
val copy_to_js(onnx_predict::onnx::Bytes data) {
  val out = val::global("Uint8Array").new_(data.size());
  out.call<void>("set", val(emscripten::typed_memory_view(data.size(), data.data())));
  return out;
}

val parse_json(const nlohmann::json& j) {
  // Model strings need not be valid UTF-8: replace bad sequences rather than failing.
  std::string text = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return val::global("JSON").call<val>("parse", text);
}

val error_result(ErrorCode code, const std::string& message, const nlohmann::json& details) {
  val error = val::object();
  error.set("code", std::string(onnx_predict::error_code_name(code)));
  error.set("message", message);
  error.set("details", parse_json(details));
  val result = val::object();
  result.set("error", error);
  return result;
}

// {path, offset, format} where known, plus the error's structured details (mismatches, errors).
nlohmann::json details_of(const Error& e) {
  nlohmann::json details = e.details().is_object() ? e.details() : nlohmann::json::object();
  if (!e.path().empty()) details["path"] = e.path();
  if (e.offset()) details["offset"] = *e.offset();
  if (!e.format().empty()) details["format"] = e.format();
  return details;
}

// Runs fn() and wraps its value, or turns any C++ exception into an error result.
template <class Fn>
val guarded(Fn&& fn) {
  try {
    val result = val::object();
    result.set("value", fn());
    return result;
  } catch (const Error& e) {
    return error_result(e.code(), e.message(), details_of(e));
  } catch (const std::bad_alloc&) {
    return error_result(ErrorCode::kInternal, "out of memory", nlohmann::json::object());
  } catch (const std::exception& e) {
    return error_result(ErrorCode::kInternal, std::string("unexpected error: ") + e.what(), nlohmann::json::object());
  } catch (...) {
    return error_result(ErrorCode::kInternal, "unexpected error", nlohmann::json::object());
  }
}

// inspectModel(bytes: Uint8Array) → {value: ModelInfo} | {error}. Refuses non-ONNX formats first.
val inspect_model(val bytes) {
  return guarded([&] {
    HeapBytes model = copy_bytes(bytes);
    onnx_predict::onnx::require_onnx_format(model);
    return parse_json(onnx_predict::onnx::to_json(onnx_predict::onnx::read_model_info(model)));
  });
}

// sniffFormat(bytes) → {value: {format, code?, message?}}: never an error for well-typed input.
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

// readTensor(bytes) → {value: {name, dataType, dims, data: Uint8Array (raw layout) | strings: Uint8Array[]}}.
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

// A compiled JSON Schema owned by one JS wrapper (web/src/schema.ts), freed by its dispose().
class CompiledSchema {
 public:
  explicit CompiledSchema(onnx_predict::schema::Validator validator) : validator_(std::move(validator)) {}

  // validate(valueJson: string) → {value: ValidationError[]} | {error}: the DOM path, one value.
  val validate(const std::string& value_json) const {
    return guarded([&] {
      nlohmann::json value = onnx_predict::parse_json_text(value_json, ErrorCode::kInvalidArgument, "the value");
      std::vector<onnx_predict::schema::ValidationError> errors;
      validator_.validate(value, errors);
      nlohmann::json out = nlohmann::json::array();
      for (const auto& e : errors) out.push_back(e.to_json());
      return parse_json(out);
    });
  }

 private:
  onnx_predict::schema::Validator validator_;
};

// compileSchema(schemaJson, maxErrors, checkFormats) → {value: CompiledSchema} | {error: schema_invalid}.
val compile_schema(const std::string& schema_json, double max_errors, bool check_formats) {
  return guarded([&] {
    nlohmann::json schema = onnx_predict::parse_json_text(schema_json, ErrorCode::kSchemaInvalid, "the schema");
    onnx_predict::schema::ValidatorOptions options;
    if (max_errors >= 1) options.max_errors = static_cast<size_t>(max_errors);
    options.check_formats = check_formats;
    return val(CompiledSchema(onnx_predict::schema::Validator::compile(schema, options)));
  });
}

}  // namespace

EMSCRIPTEN_BINDINGS(onnx_predict) {
  emscripten::function("inspectModel", &inspect_model);
  emscripten::function("sniffFormat", &sniff_format);
  emscripten::function("readTensor", &read_tensor);
  emscripten::function("compileSchema", &compile_schema);
  emscripten::class_<CompiledSchema>("CompiledSchema").function("validate", &CompiledSchema::validate);
}
