// Model output tensors → one result object per batch row, as the schema's `output` section says
// (docs/schema.md, "Results"). The inverse of src/batch/packer.h: the packer puts record
// row_map[r] into tensor row r; ONNX Runtime runs the batch; decode_outputs turns row r of every
// output back into a JSON object, and the caller gives it to record row_map[r].
//
// Sequence and map outputs (scikit-learn's ZipMap) are not decoded here: they are rewritten to
// tensor outputs before the model runs, so every output reaching the decoder is a tensor.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "onnx/model_info.h"
#include "schema/schema_document.h"

namespace onnx_predict::decode {

using Json = nlohmann::json;

// One output tensor as ONNX Runtime returned it. A view: the caller keeps `data` alive during
// the call (it usually points into a JS typed array copied onto the wasm heap).
struct OutputTensor {
  std::string name;             // the model output's name
  int32_t data_type = 0;        // onnx.proto TensorProto.DataType (src/onnx/data_type.h)
  std::vector<int64_t> dims;    // [rows, ...]
  std::span<const uint8_t> data;  // numeric and bool tensors: little-endian, row-major, packed
  std::vector<std::string> strings;  // string tensors (data_type 8): row-major, one per element
  // Instead of data, for an output whose elements decoding does not read (reads_elements): its
  // byte size. The elements stay with the caller, who uses them as the column (numbers_output).
  std::optional<size_t> unread_bytes;
};

// Decodes `rows` batch rows into one JSON object per row (result i is tensor row i), keyed by
// each spec's `name` (nlohmann objects keep keys sorted). Per kind (docs/schema.md "Results"):
//   label          int64/int32 [rows] or [rows,1] → classes[index], or the integer without
//                  classes; string [rows] or [rows,1] → the string.
//   probabilities  float32/float64/float16 [rows,C] → {class: p} with classes (C must equal
//                  their count), else [p0, …, pC-1].
//   value          [rows] or [rows,1] → one number; [rows,W] (W ≠ 1) → an array of W numbers.
//   top_k          float [rows,C] → [{"class": name or index, "probability": p}, …]: the k most
//                  probable, by descending p, ties (and NaN, which sorts last) by ascending index.
//   raw            the row as numpy's out[r] gives it: the element itself for rank 1, an array
//                  for rank 2, nested arrays for rank > 2.
// With `specs` empty, every output is returned raw under its own name.
//
// Numbers are exact: float32/float16/bfloat16 widen to the double of equal value, signed integers
// become JSON integers (uint64 unsigned ones), bools JSON booleans. NaN and infinities stay
// doubles (nlohmann's dump() writes them as null).
//
// Throws onnx_predict::Error, with path "output.<name>":
//   kInvalidArgument  a tensor whose buffers do not match its dims (negative dim, element-count
//                     overflow, data.size() != elements × element size, strings.size() !=
//                     elements for a string tensor) or whose data_type onnx.proto does not define.
//                     Buffers are checked before any element is read.
//   kSchemaMismatch   a spec names an output that is missing; an output whose batch dimension
//                     is not `rows` (or that has rank 0); an element type or rank the kind cannot
//                     take; a width that differs from the spec's class count; a label index outside
//                     `classes`; top_k's k larger than the output's width; an element type the
//                     decoder cannot represent (complex, float8, int4).
std::vector<Json> decode_outputs(const std::vector<schema::OutputSpec>& specs,
                                 const std::vector<OutputTensor>& outputs, size_t rows);

// The same decoding, column by column: for callers that build the result objects themselves
// (the wasm binding hands JS a few typed arrays per batch instead of JSON text). One column per
// spec, in spec order; the checks and errors are decode_outputs'. Row r's value for a column:
//   kNumber        numbers[r] (an integer when `integral`)
//   kName          names[indices[r]]                      (labels: class names or label strings)
//   kNamedNumbers  {names[c]: numbers[r*width + c]}, c < width, in class order   (probabilities)
//   kNumbers       [numbers[r*width + c] for c < width]
//   kTopK          [{"class": names[i] (i itself when names is empty), "probability": numbers[r*width + j]}
//                   for j < width], i = indices[r*width + j]
//   kJson          json[r]: everything else (raw outputs, bool and string values)
// where numbers[i] is number(i): for a float32 or float64 output decoded as it is (kNumber,
// kNumbers, kNamedNumbers of kind probabilities or value), `numbers` stays empty and the numbers
// are that output's own elements, outputs[numbers_output]: a caller holding the output's buffer
// (ONNX Runtime's typed array) uses it as the column, with no copy or conversion.
struct DecodedColumn {
  enum class Form { kNumber, kName, kNamedNumbers, kNumbers, kTopK, kJson };
  std::string name;
  Form form = Form::kJson;
  size_t width = 1;
  bool integral = false;
  std::vector<double> numbers;
  std::optional<size_t> numbers_output;  // set: the numbers are this output's float32/float64 elements
  std::vector<uint32_t> indices;
  std::vector<std::string> names;
  std::vector<Json> json;

  // Element i of the numbers, from `numbers` or from the output (read in place: valid while the
  // OutputTensor is).
  double number(size_t i) const;
  // Row r's value as JSON (what decode_outputs puts under `name`).
  Json value(size_t r) const;

  const OutputTensor* numbers_tensor = nullptr;  // with numbers_output: that output
};

std::vector<DecodedColumn> decode_columns(const std::vector<schema::OutputSpec>& specs,
                                          const std::vector<OutputTensor>& outputs, size_t rows);

// Whether decode_columns reads the elements of output `output` when it has `data_type`: it does
// not when every spec taking it passes a float32/float64 output through (probabilities, value;
// DecodedColumn::numbers_output), so a caller holding the elements need not copy them in
// (OutputTensor::unread_bytes). An output given that way to a spec that reads it is
// kInvalidArgument.
bool reads_elements(const std::vector<schema::OutputSpec>& specs, const std::string& output, int32_t data_type);

// The model outputs decoding reads, the ones to ask ONNX Runtime for: each spec's `from`, once, in
// spec order; with `specs` empty, every tensor output of the model (what decode_outputs then
// returns raw). ONNX Runtime Web fails a whole run asked for a sequence or map output, so one left
// by a declined or disabled ZipMap rewrite must not be fetched.
std::vector<std::string> outputs_to_fetch(const std::vector<schema::OutputSpec>& specs, const onnx::ModelInfo& model);

}  // namespace onnx_predict::decode
