// libFuzzer target for everything the core reads from an untrusted file: sniff_format,
// read_model_info (and to_json of what it returns, as the Embind binding does), read_tensor, and
// the whole load path of a predictor (prepare_model: the ZipMap rewrite, the one-hot categories,
// the derived or embedded schema compiled and checked against the model).
// Contract under test: each call returns or throws onnx_predict::Error; any other exception
// escapes and aborts, and ASan/UBSan (scripts/build.sh fuzz) report crashes, out-of-bounds reads
// and undefined behaviour. libFuzzer's -malloc_limit_mb (= -rss_limit_mb) catches an allocation
// sized from an untrusted length. Run it with scripts/fuzz.sh [seconds].
#include <cstddef>
#include <cstdint>

#include "common/error.h"
#include "onnx/format_sniff.h"
#include "onnx/model_info.h"
#include "onnx/model_info_json.h"
#include "onnx/tensor.h"
#include "schema/prepared_model.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace onnx_predict::onnx;
  const Bytes bytes(data, size);
  try {
    (void)sniff_format(bytes);
  } catch (const onnx_predict::Error&) {
  }
  try {
    ModelInfo info = read_model_info(bytes);
    (void)to_json(info).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } catch (const onnx_predict::Error&) {
  }
  try {
    Tensor tensor = read_tensor(bytes);
    (void)tensor.data();
  } catch (const onnx_predict::Error&) {
  }
  try {
    onnx_predict::schema::PreparedModel prepared = onnx_predict::schema::prepare_model(bytes, "", true);
    (void)onnx_predict::schema::rewrite_report(prepared).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } catch (const onnx_predict::Error&) {
  }
  return 0;
}
