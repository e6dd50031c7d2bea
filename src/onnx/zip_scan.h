// A ZIP archive reader for format sniffing: lists entry names (never data) to tell a PyTorch or
// TorchScript archive and a Keras v3 .keras file from other archives. Follows PKWARE's APPNOTE.TXT:
// the central directory found through the end-of-central-directory record (4.3.16, with the
// ZIP64 locator and record of 4.3.14-15), or, when that is missing or inconsistent, the local
// file headers walked from the start (4.3.7).
#pragma once

#include <cstddef>
#include <string_view>

#include "onnx/wire_reader.h"

namespace onnx_predict::onnx {

enum class ZipKind {
  kPyTorch,  // data.pkl / constants.pkl / code/__torch__* / <dir>/version with <dir>/data/
  kKeras,    // config.json with metadata.json or model.weights.* at the top level
  kOther,
};

struct ZipScan {
  ZipKind kind = ZipKind::kOther;
  size_t entries = 0;            // entry names seen (at most kMaxZipEntries)
  std::string_view first_entry;  // the first name seen; views the caller's buffer
  std::string_view onnx_entry;   // the first name ending in ".onnx", if any
};

// At most this many names are looked at.
inline constexpr size_t kMaxZipEntries = 65536;

// Lists the names of the ZIP archive `bytes` (which starts with a local header or is an empty
// archive). Every offset and length is checked against the buffer before it is followed; nothing
// is allocated or decompressed. Never throws.
ZipScan scan_zip(Bytes bytes);

}  // namespace onnx_predict::onnx
