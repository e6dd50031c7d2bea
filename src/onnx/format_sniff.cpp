#include "onnx/format_sniff.h"

namespace onnx_predict::onnx {

FormatGuess sniff_format(Bytes) { return {"onnx", ErrorCode::kInvalidModel, ""}; }

void require_onnx_format(Bytes bytes) {
  FormatGuess guess = sniff_format(bytes);
  if (!guess.is_onnx()) throw Error(guess.code, guess.message, "", 0, std::string(guess.format));
}

}  // namespace onnx_predict::onnx
