// Shared by the binding files: copying across the wasm boundary and turning C++ errors into
// failures (a JS Error with code, message and details). Type conversion and error translation only.
//
// Every entry point returns its value on success or a failure (error_result) on failure;
// web/src/core.ts turns the latter into a thrown OnnxPredictError. No C++ exception crosses into
// JS (it would arrive as a number and skip destructors). Inputs are copied into the wasm heap;
// outputs are copied out, except the batch path's bulk arrays (packed tensors, row map, decoded
// columns), handed out as heap views that the caller reads or copies before its next call into
// the core (memory may grow; buffers are reused).
#pragma once

#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "batch/packer.h"
#include "common/error.h"
#include "onnx/wire_reader.h"

namespace onnx_predict::bindings {

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
inline HeapBytes copy_bytes(const val& bytes) {
  if (!bytes.instanceof(val::global("Uint8Array"))) {
    throw Error(ErrorCode::kInvalidArgument, "expected the model bytes as a Uint8Array");
  }
  HeapBytes out(bytes["length"].as<size_t>());
  val heap_view(emscripten::typed_memory_view(out.size(), out.data()));
  heap_view.call<void>("set", bytes);
  return out;
}

// A fresh JS typed array of the global type `type` ("Float64Array", "Uint32Array", ...; its
// element type must be T) holding a copy of `data`.
template <class T>
val typed_copy(const char* type, std::span<const T> data) {
  val out = val::global(type).new_(data.size());
  out.call<void>("set", val(emscripten::typed_memory_view(data.size(), data.data())));
  return out;
}

// A fresh JS Uint8Array holding a copy of `data`.
inline val copy_to_js(onnx_predict::onnx::Bytes data) { return typed_copy<uint8_t>("Uint8Array", data); }

inline val parse_json(const nlohmann::json& j) {
  // Model strings need not be valid UTF-8: replace bad sequences rather than failing.
  std::string text = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return val::global("JSON").call<val>("parse", text);
}

// A failed call's result: a JS Error carrying the error's code and details (web/src/core.ts,
// unwrap, throws it as an OnnxPredictError). No binding's value is ever an Error.
inline val error_result(ErrorCode code, const std::string& message, const nlohmann::json& details) {
  val error = val::global("Error").new_(message);
  error.set("code", std::string(onnx_predict::error_code_name(code)));
  error.set("details", parse_json(details));
  return error;
}

// {path, offset, format} where known, plus the error's structured details (mismatches, errors).
inline nlohmann::json details_of(const Error& e) {
  nlohmann::json details = e.details().is_object() ? e.details() : nlohmann::json::object();
  if (!e.path().empty()) details["path"] = e.path();
  if (e.offset()) details["offset"] = *e.offset();
  if (!e.format().empty()) details["format"] = e.format();
  return details;
}

// Runs fn() and returns its value, or turns any C++ exception into a failure (error_result).
// The value crosses as it is: a wrapper object would cost three more calls across the boundary
// per call (iris, predictBatch of one record: about 5 such calls).
template <class Fn>
val guarded(Fn&& fn) {
  try {
    return val(fn());
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

// Copies a JS typed array (any element type) into `out` as T elements, reusing its storage (no
// zero-fill where it already has the room); empty when absent.
template <class T>
void copy_into(const val& array, std::vector<T>& out) {
  if (array.isUndefined() || array.isNull()) {
    out.clear();
    return;
  }
  size_t size = array["length"].as<size_t>();
  if (out.capacity() < size) std::vector<T>().swap(out);  // growing: nothing old to keep
  out.resize(size);
  val(emscripten::typed_memory_view(out.size(), out.data())).call<void>("set", array);
}

// The same into a fresh vector.
template <class T>
std::vector<T> copy_array(const val& array) {
  std::vector<T> out;
  copy_into(array, out);
  return out;
}

// Reusable wasm-heap columns a predictor lends to JS for one batch (stageColumns): JS writes field
// i's tags at tags[i * rows ...] and its numbers at numbers[i * rows ...] through heap views, then
// packs: every staged field is a column of that batch (one with strings too is passed as
// {staged: i, offsets, data}), so the values are never copied across. Grows, never shrinks.
class ColumnStaging {
 public:
  // Room for a column per name, of `rows` rows; the tags are cleared (Missing). Returns the byte
  // addresses {tags, numbers} for JS's views (valid until the next call into the core). The names
  // must outlive the staged batch.
  val stage(std::vector<std::string_view> names, size_t rows) {
    rows_ = rows;
    fields_ = names.size();
    names_ = std::move(names);
    pending_ = true;
    tags_.assign(fields_ * rows, 0);
    if (numbers_.size() < fields_ * rows) numbers_.resize(fields_ * rows);
    val out = val::object();
    out.set("tags", static_cast<double>(reinterpret_cast<uintptr_t>(tags_.data())));
    out.set("numbers", static_cast<double>(reinterpret_cast<uintptr_t>(numbers_.data())));
    return out;
  }
  std::span<const uint8_t> tags(size_t field, size_t rows) const { return {tags_.data() + checked(field, rows) * rows_, rows_}; }
  std::span<const double> numbers(size_t field, size_t rows) const { return {numbers_.data() + checked(field, rows) * rows_, rows_}; }
  std::string_view name(size_t field) const { return names_[field]; }
  size_t fields() const { return fields_; }
  // Whether a batch was staged since the last pack (which takes it: a later pack without a new
  // stage has no staged columns).
  bool take_pending() { return std::exchange(pending_, false); }

 private:
  size_t checked(size_t field, size_t rows) const {
    if (field >= fields_ || rows != rows_) throw Error(ErrorCode::kInvalidArgument, "a staged column does not match the staged batch");
    return field;
  }
  std::vector<uint8_t> tags_;
  std::vector<double> numbers_;
  std::vector<std::string_view> names_;
  size_t fields_ = 0, rows_ = 0;
  bool pending_ = false;
};

// One column as JS hands it over: {name, tags: Uint8Array, numbers?: Float64Array,
// offsets?: Uint32Array, data?: Uint8Array (UTF-8 of the texts, back to back), codes?: Uint32Array
// (row r's text is entry codes[r]; batch::ColumnView)}, or with `staged: i` instead of tags and
// numbers: staged column i (ColumnStaging).
struct ColumnCopy {
  std::string name;
  std::vector<uint8_t> tags;
  std::vector<double> numbers;
  std::vector<uint32_t> offsets;
  std::vector<char> data;
  std::vector<uint32_t> codes;
  bool staged = false;  // tags and numbers are the staged ones below, not copies
  size_t staged_field = 0;
  std::span<const uint8_t> staged_tags;
  std::span<const double> staged_numbers;

  ColumnCopy(const val& column, const ColumnStaging* staging, size_t rows)
      : name(column["name"].isString() ? column["name"].as<std::string>() : std::string()),
        offsets(copy_array<uint32_t>(column["offsets"])),
        data(copy_array<char>(column["data"])),
        codes(copy_array<uint32_t>(column["codes"])) {
    val field = column["staged"];
    if (!field.isNumber()) {
      tags = copy_array<uint8_t>(column["tags"]);
      numbers = copy_array<double>(column["numbers"]);
      return;
    }
    if (!staging) throw Error(ErrorCode::kInvalidArgument, "no staged columns here");
    double index = field.as<double>();
    if (!(index >= 0) || index >= 4294967296.0) throw Error(ErrorCode::kInvalidArgument, "a staged column does not match the staged batch");
    staged = true;
    staged_field = static_cast<size_t>(index);
    staged_tags = staging->tags(static_cast<size_t>(index), rows);
    staged_numbers = staging->numbers(static_cast<size_t>(index), rows);
  }

  // Staged field `field` as it is (no strings): a view of the staging, copying nothing.
  ColumnCopy(const ColumnStaging& staging, size_t field, size_t rows)
      : name(staging.name(field)), staged(true), staged_field(field), staged_tags(staging.tags(field, rows)),
        staged_numbers(staging.numbers(field, rows)) {}

  onnx_predict::batch::ColumnView view() const {
    return {name, staged ? staged_tags : std::span<const uint8_t>(tags), staged ? staged_numbers : std::span<const double>(numbers),
            offsets, {data.data(), data.size()}, codes};
  }
};

// Validation errors as they cross to JS, where web/src/core.ts (readErrors) builds the
// Pydantic-shaped objects: [values, numbers]. `values` is the JSON text of an array of the values
// the errors name: each distinct text once (types, msgs, loc keys, string inputs), and each
// object, array, boolean or null input or ctx at each use. `numbers` is a Float64Array holding, per
// error: the type's and the msg's value index, the loc's length and items (an array index as
// itself, a key as -1 - its value index), the input (0 and the number itself, 1 and a value
// index, or for an object 2, its member count and per member its key's value index and its value
// as 0 and a finite number or 1 and a value index), and the ctx's value index (-1: none). Dumping
// every error as a JSON object for JS to parse cost about 2.5 µs per error (iris, half the records
// invalid).
val export_errors(std::span<const onnx_predict::schema::ValidationError> errors);

// A packer's batches as JS reads them (web/src/core.ts, readPacked): numbers in a heap view
// instead of objects built here, so a batch crosses with a few Embind operations whatever its
// tensor count (each property set or read is a call across the boundary; building the objects
// cost about 6 µs per batch). Errors and string tensors, when a batch has any, are asked for.
// The views are of the packer's buffers, which the next call into the core may reuse or move
// (memory growth): the caller copies what it keeps before calling again (web/src/model.ts
// copies them into buffers it reuses, so a batch allocates no JS array for them).
class PackedExport {
 public:
  // summary → Float64Array [records, rowMap address, rowMap length, error count, tensor count,
  // then per tensor (bind order): data address, data bytes, rank, dims...]; a string tensor's
  // address and bytes are 0 (strings(i) has its elements).
  val summary(const onnx_predict::batch::PackedBatch& batch) {
    last_ = &batch;
    summary_.clear();
    auto add = [&](auto x) { summary_.push_back(static_cast<double>(x)); };
    add(batch.records);
    add(reinterpret_cast<uintptr_t>(batch.row_map.data()));
    add(batch.row_map.size());
    add(batch.errors.size());
    add(batch.tensors.size());
    for (const auto& t : batch.tensors) {
      bool numeric = t.dtype != onnx_predict::features::DType::kString;
      add(numeric ? reinterpret_cast<uintptr_t>(t.data.data()) : 0);
      add(numeric ? t.data.size() : 0);
      add(t.dims.size());
      for (int64_t d : t.dims) add(d);
    }
    return val(emscripten::typed_memory_view(summary_.size(), summary_.data()));
  }
  // The last batch's errors (export_errors).
  val errors() const { return export_errors(batch().errors); }
  // The last batch's string tensor `tensor`: its elements.
  val strings(double tensor) const {
    const auto& tensors = batch().tensors;
    if (!(tensor >= 0) || tensor >= static_cast<double>(tensors.size())) throw Error(ErrorCode::kInvalidArgument, "no such packed tensor");
    val out = val::array();
    for (const std::string& s : tensors[static_cast<size_t>(tensor)].strings) out.call<void>("push", s);
    return out;
  }

 private:
  const onnx_predict::batch::PackedBatch& batch() const {
    if (!last_) throw Error(ErrorCode::kInvalidArgument, "nothing was packed");
    return *last_;
  }
  const onnx_predict::batch::PackedBatch* last_ = nullptr;
  std::vector<double> summary_;
};

// [{name, dtype}] of a schema's bindings, in bind order: the packed tensors' names and types.
inline nlohmann::json packed_inputs(const onnx_predict::schema::SchemaDocument& document) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& b : document.bind) out.push_back({{"name", b.input}, {"dtype", onnx_predict::features::dtype_name(b.dtype)}});
  return out;
}

// packColumns(rows, columns, nonObjects?) for a packer: the columns' arrays are copied in once
// (staged columns not at all: with a batch staged, every staged field is a column, and `columns`
// holds the others and the staged ones with strings), the batch goes out as PackedExport's
// summary — one boundary crossing per batch per direction.
inline const onnx_predict::batch::PackedBatch& pack_columns_call(onnx_predict::batch::Packer& packer, double rows, const val& columns,
                                                                const val& non_objects, ColumnStaging* staging = nullptr) {
  if (!(rows >= 0) || rows > 4294967295.0) throw Error(ErrorCode::kInvalidArgument, "rows must be a count");
  size_t n = static_cast<size_t>(rows);
  const bool staged_batch = staging && staging->take_pending();
  std::vector<ColumnCopy> copies;
  size_t count = columns["length"].as<size_t>();
  copies.reserve(count + (staged_batch ? staging->fields() : 0));
  for (size_t i = 0; i < count; ++i) copies.emplace_back(columns[i], staged_batch ? staging : nullptr, n);
  if (staged_batch) {
    std::vector<bool> given(staging->fields());
    for (const ColumnCopy& c : copies) {
      if (c.staged) given[c.staged_field] = true;
    }
    for (size_t field = 0; field < given.size(); ++field) {
      if (!given[field]) copies.emplace_back(*staging, field, n);
    }
  }
  std::vector<onnx_predict::batch::ColumnView> views;
  for (const ColumnCopy& c : copies) views.push_back(c.view());
  std::optional<ColumnCopy> others;
  if (!non_objects.isUndefined() && !non_objects.isNull()) others.emplace(non_objects, nullptr, n);
  onnx_predict::batch::ColumnView others_view = others ? others->view() : onnx_predict::batch::ColumnView{};
  return packer.pack_columns(n, views, others ? &others_view : nullptr);
}

}  // namespace onnx_predict::bindings
