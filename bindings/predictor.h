// Embind: the predictor behind a loaded model (web/src/model.ts). Created from the model bytes
// and an optional schema document; holds the model's info, the schema in force, the packer and
// the output decoder. ONNX Runtime Web runs the graph in JS between pack and decode.
//
// Built in two halves (CMakeLists.txt): what runs once per model (creating it, info, schema,
// the decoded layout) is predictor_load.cpp, built for size; what runs per batch (pack, decode)
// and the registration are predictor_bindings.cpp, built at -O3. With the whole file built for
// size, predictBatch and predictColumns ran 6-22% slower.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "bindings/interop.h"
#include "decode/decoder.h"
#include "schema/prepared_model.h"

namespace onnx_predict::bindings {

namespace schema = onnx_predict::schema;

class Predictor {
 public:
  explicit Predictor(schema::PreparedModel prepared);

  // info() → ModelInfo of the bytes ONNX Runtime runs, plus `rewrite`: the ZipMap
  // rewrite's report (docs/rewrite.md).
  val info() const;

  // takeModelBytes() → Uint8Array | null: the rewritten model for ONNX Runtime, once
  // (the predictor lets go of it); null when the model runs as it was given.
  val take_model_bytes();

  // schema() → {source, flatFields: string[] | null, chunkSize, fixedBatch, fetches: string[],
  // inputs: [{name, dtype}]} and the document: none for a given one (the caller has its text),
  // documentText for an embedded one (its text as the model holds it), and for a derived one
  // document plus graphInputs and graphOutputs (the signature's names, in order). A text crosses
  // as it is, so the document keeps its author's key order (this core's JSON objects are sorted
  // maps) and is not dumped and parsed again. chunkSize: the model's fixed batch dimension
  // (fixedBatch: every run must have exactly that many rows), else limits.maxBatch, else 0 (one run
  // per batch). fetches: the outputs to ask ONNX Runtime for (decode::outputs_to_fetch), in the
  // order decodeBuffers takes them. inputs: the packed tensors' names and types (packed_inputs).
  val schema_info() const;

  // packJson(text) → PackedExport's summary.
  val pack_json(const std::string& text);

  // stageColumns(rows) → {tags, numbers}: heap addresses of one tag array and one number
  // array per flat field (ColumnStaging), cleared, for the record reader to fill; the next
  // packColumns takes every field's staged column.
  val stage_columns(double rows);

  // packColumns(rows, columns, nonObjects?) → PackedExport's summary: the staged
  // columns, plus `columns` (the staged ones with strings, and keys no field has).
  val pack_columns(double rows, const val& columns, const val& non_objects);

  // packErrors(), packStrings(i): PackedExport's.
  val pack_errors() const;
  val pack_strings(double tensor) const;

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
  val decode_buffers(const val& meta_array);
  val decode(double rows, const val& strings);
  val decoded_layout() const;
  val decoded_json(double column) const;

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
val create_predictor(const val& bytes, const std::string& schema_json, bool rewrite_zipmap);

}  // namespace onnx_predict::bindings
