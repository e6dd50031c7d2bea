// Format sniffing: tells, from a file's first bytes, whether it can be an ONNX model or is one of
// the formats people fetch by mistake (a Python pickle, a joblib dump, a PyTorch archive, a Keras
// file, a TensorFlow SavedModel, safetensors, an ONNX Runtime .ort file, a gzip/zip wrapper, or
// a CDN's HTML error page served with status 200). Nothing is ever executed or unpacked beyond a
// bounded peek.
#pragma once

#include <string>
#include <string_view>

#include "common/error.h"
#include "onnx/wire_reader.h"

namespace onnx_predict::onnx {

struct FormatGuess {
  std::string_view format;  // stable id: "onnx" (plausibly ONNX: parse it), "pickle", "joblib", ... (docs/formats.md); a literal
  ErrorCode code;           // kUnsafeFormat or kUnsupportedFormat; meaningless for "onnx"
  std::string message;      // what the file is and the safe route to an .onnx file; "" for "onnx"
  bool is_onnx() const { return format == "onnx"; }
};

// Classifies `bytes`. Never throws; reads at most a bounded prefix (and, for zip archives, the
// central directory at the end). Unknown binary data is reported as "onnx" so that the ONNX
// reader gives the precise parse error.
FormatGuess sniff_format(Bytes bytes);

// Throws Error(guess.code, guess.message, "", 0, guess.format) unless `bytes` may be ONNX.
void require_onnx_format(Bytes bytes);

}  // namespace onnx_predict::onnx
