#include "onnx/format_sniff.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>

#include "onnx/inflate_peek.h"
#include "onnx/pickle_scan.h"
#include "onnx/zip_scan.h"

// The checks run from the most specific signature to the least; each one either names the format
// or lets the next one try. What no check claims is reported as "onnx", so that the ONNX reader
// gives the precise parse error. docs/formats.md lists the ids, the signatures and the guidance.
namespace onnx_predict::onnx {
namespace {

constexpr ErrorCode kUnsafe = ErrorCode::kUnsafeFormat;
constexpr ErrorCode kUnsupported = ErrorCode::kUnsupportedFormat;

constexpr std::string_view kPickleRisk =
    "; a pickle can run arbitrary code when loaded and is never loaded here — ";
constexpr std::string_view kExportToOnnx =
    "export the model to ONNX (skl2onnx, torch.onnx.export, tf2onnx) and load the .onnx file";

FormatGuess guess(std::string_view format, ErrorCode code, std::string message) {
  return {format, code, std::move(message)};
}

bool starts_with(Bytes b, std::string_view prefix, size_t at = 0) {
  return at <= b.size() && prefix.size() <= b.size() - at && std::memcmp(b.data() + at, prefix.data(), prefix.size()) == 0;
}

uint64_t le(Bytes b, size_t pos, size_t n) {  // the caller checked the bounds
  uint64_t v = 0;
  for (size_t i = n; i-- > 0;) v = (v << 8) | b[pos + i];
  return v;
}

// An entry name from an archive, safe to quote in a message: printable ASCII, at most 80 bytes.
std::string quoted(std::string_view name) {
  std::string out = "\"";
  for (char c : name.substr(0, 80)) out += (c >= 0x20 && c < 0x7f && c != '"') ? c : '?';
  return out + (name.size() > 80 ? "...\"" : "\"");
}

// A pickle, told apart by the globals it names (pickle_scan.h).
FormatGuess pickle_guess(const PickleScan& scan) {
  if (scan.mentions_torch) {
    return guess("pytorch", kUnsafe, std::string("this file is a Python pickle of PyTorch objects") + std::string(kPickleRisk) +
                                         "export the model with torch.onnx.export and load the .onnx file");
  }
  if (scan.mentions_joblib) {
    return guess("joblib", kUnsafe, std::string("this file is a joblib dump (a Python pickle with numpy arrays)") +
                                        std::string(kPickleRisk) + std::string(kExportToOnnx));
  }
  return guess("pickle", kUnsafe, std::string("this file is a Python pickle") + std::string(kPickleRisk) + std::string(kExportToOnnx));
}

FormatGuess compressed_joblib(std::string_view compression) {
  return guess("joblib", kUnsafe, "this file is a compressed joblib/pickle file (" + std::string(compression) +
                                      "); the pickle inside can run arbitrary code when loaded and is never loaded here — " +
                                      std::string(kExportToOnnx));
}

bool looks_like_pickle(Bytes b) { return has_pickle_protocol_header(b) || scan_pickle(b).well_formed; }

// Valid UTF-8 with no control character but tab, newline, form feed and carriage return in the
// first 512 bytes. An ONNX model starts with 0x08, so it is never text.
bool is_text(Bytes b) {
  const size_t n = std::min<size_t>(b.size(), 512);
  for (size_t i = 0; i < n;) {
    const uint8_t c = b[i];
    if (c < 0x80) {
      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\f' && c != '\r') || c == 0x7f) return false;
      ++i;
      continue;
    }
    const size_t extra = (c >= 0xc2 && c <= 0xdf) ? 1 : (c & 0xf0) == 0xe0 ? 2 : (c >= 0xf0 && c <= 0xf4) ? 3 : 0;
    if (extra == 0) return false;
    for (size_t k = 1; k <= extra; ++k) {
      if (i + k >= n) return n < b.size();  // a sequence cut by the window, not by the end of the file
      if ((b[i + k] & 0xc0) != 0x80) return false;
    }
    i += extra + 1;
  }
  return true;
}

bool contains_lowercase(std::string_view haystack_lower, std::string_view needle) {
  return haystack_lower.find(needle) != std::string_view::npos;
}

// HTML (a CDN or server error page sent with status 200), JSON, or other text.
std::optional<FormatGuess> sniff_text(Bytes bytes) {
  if (starts_with(bytes, "\xff\xfe") || starts_with(bytes, "\xfe\xff")) {  // UTF-16 byte order marks
    return guess("text", kUnsupported, "this file is UTF-16 text, not a binary ONNX model — check the URL or path: it must "
                                       "point to the .onnx file itself");
  }
  if (!is_text(bytes)) return std::nullopt;
  // The first KiB, lowercased, after a UTF-8 byte order mark and leading whitespace.
  size_t start = starts_with(bytes, "\xef\xbb\xbf") ? 3 : 0;
  std::array<char, 1024> head{};
  size_t n = 0;
  for (size_t i = start; i < bytes.size() && n < head.size(); ++i) {
    char c = static_cast<char>(bytes[i]);
    if (n == 0 && (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f')) continue;
    head[n++] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  std::string_view lower(head.data(), n);
  if (lower.starts_with("<!doctype html") || contains_lowercase(lower, "<html") ||
      contains_lowercase(lower, "<head") || contains_lowercase(lower, "<body")) {
    return guess("html", kUnsupported, "the server sent an HTML page (an error page?) instead of a model: check the URL — "
                                       "it must point to the .onnx file itself");
  }
  if (lower.starts_with("{") || lower.starts_with("[")) {
    return guess("json", kUnsupported, "this file is JSON text (a config file or an API response?), not an ONNX model — "
                                       "check the URL or path: it must point to the binary .onnx file");
  }
  return guess("text", kUnsupported, "this file is plain text, not a binary ONNX model — check the URL or path (text in "
                                     "ONNX's textual syntax converts with onnx.parser.parse_model and onnx.save)");
}

// gzip (RFC 1952): what the first decompressed bytes are decides between a compressed pickle
// (joblib's compress='gzip', or pickle.dump into gzip.open) and a compressed model.
FormatGuess sniff_gzip(Bytes bytes) {
  std::array<uint8_t, 4096> window;
  InflatePeek peek = gunzip_peek(bytes, window);
  Bytes inner(window.data(), peek.size);
  if (looks_like_pickle(inner)) return compressed_joblib("gzip");
  if (!inner.empty() && inner[0] == 0x08) {  // ModelProto.ir_version, field 1, varint
    return guess("gzip", kUnsupported, "this file is gzip-compressed ONNX: decompress it (gunzip) and load the .onnx file, "
                                       "or serve it with Content-Encoding: gzip so that it arrives decompressed");
  }
  std::string what = starts_with(inner, "ustar", 257) ? "a gzip-compressed tar archive" : "gzip-compressed";
  return guess("gzip", kUnsupported, "this file is " + what + ", not an ONNX model: decompress it first and load the .onnx file inside");
}

FormatGuess sniff_zip(Bytes bytes) {
  ZipScan zip = scan_zip(bytes);
  switch (zip.kind) {
    case ZipKind::kPyTorch:
      return guess("pytorch", kUnsafe, "this file is a PyTorch archive (torch.save or TorchScript); such archives contain "
                                       "pickles, which can run arbitrary code when loaded, and are never loaded here — export "
                                       "the model with torch.onnx.export and load the .onnx file");
    case ZipKind::kKeras:
      return guess("keras", kUnsupported, "this file is a Keras v3 model (.keras), not ONNX — convert it with tf2onnx "
                                          "(tf2onnx.convert.from_keras) and load the .onnx file");
    case ZipKind::kOther: break;
  }
  if (!zip.onnx_entry.empty()) {
    return guess("zip", kUnsupported, "this file is a ZIP archive that contains " + quoted(zip.onnx_entry) +
                                          ": extract it and load that .onnx file");
  }
  std::string first = zip.entries == 0 ? "empty" : "first entry " + quoted(zip.first_entry);
  return guess("zip", kUnsupported, "this file is a ZIP archive (" + first + "), not an ONNX model — extract the .onnx file "
                                    "from it and load that");
}

// Walks up to `limit` protobuf fields of `message`; calls fn(number, payload) for each
// length-delimited one. False on malformed wire data.
template <class Fn>
bool for_each_bytes_field(Bytes message, int limit, Fn&& fn) {
  size_t pos = 0;
  for (int i = 0; i < limit && pos < message.size(); ++i) {
    uint64_t key = 0, value = 0;
    if (!decode_varint(message, pos, key)) return false;
    switch (key & 7) {
      case 0: if (!decode_varint(message, pos, value)) return false; break;
      case 1: if (message.size() - pos < 8) return false; pos += 8; break;
      case 5: if (message.size() - pos < 4) return false; pos += 4; break;
      case 2:
        if (!decode_varint(message, pos, value) || value > message.size() - pos) return false;
        fn(key >> 3, message.subspan(pos, static_cast<size_t>(value)));
        pos += static_cast<size_t>(value);
        break;
      default: return false;
    }
  }
  return true;
}

bool printable(Bytes s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](uint8_t c) { return c >= 0x20 && c < 0x7f; });
}

// tensorflow/core/protobuf/saved_model.proto: SavedModel{1: saved_model_schema_version = 1,
// 2: meta_graphs}; meta_graph.proto: MetaGraphDef{1: meta_info_def}, MetaInfoDef{4: tags,
// 5: tensorflow_version}. An ONNX ModelProto also starts 08 <ir_version> 12, so the tags or the
// TensorFlow version must be found inside the first meta graph.
bool is_saved_model(Bytes bytes) {
  if (bytes.size() < 4 || bytes[0] != 0x08 || bytes[1] != 0x01 || bytes[2] != 0x12) return false;
  size_t pos = 3;
  uint64_t length = 0;
  if (!decode_varint(bytes, pos, length)) return false;
  Bytes meta_graph = bytes.subspan(pos, static_cast<size_t>(std::min<uint64_t>(length, bytes.size() - pos)));
  bool tensorflow = false;
  for_each_bytes_field(meta_graph, 16, [&](uint64_t number, Bytes meta_info) {
    if (number != 1) return;
    for_each_bytes_field(meta_info, 64, [&](uint64_t field, Bytes value) {
      if ((field == 4 || field == 5) && printable(value)) tensorflow = true;
    });
  });
  return tensorflow;
}

// safetensors: u64 little-endian N, then an N-byte JSON object (padded with spaces), then data.
bool is_safetensors(Bytes bytes) {
  if (bytes.size() < 10 || bytes[8] != '{') return false;
  uint64_t n = le(bytes, 0, 8);
  if (n < 2 || n > bytes.size() - 8) return false;
  size_t last = 8 + static_cast<size_t>(n) - 1;
  while (last > 8 && bytes[last] == ' ') --last;
  return bytes[last] == '}';
}

// A flatbuffer whose file identifier (bytes 4..8) is `id` and whose root offset is in bounds.
bool is_flatbuffer(Bytes bytes, std::string_view id) {
  return bytes.size() >= 8 && starts_with(bytes, id, 4) && le(bytes, 0, 4) < bytes.size();
}

bool is_hdf5(Bytes bytes) {  // the superblock signature may follow a user block of 512 * 2^k bytes
  for (size_t at : {0, 512, 1024, 2048}) {
    if (starts_with(bytes, "\x89HDF\r\n\x1a\n", at)) return true;
  }
  return false;
}

bool is_bzip2(Bytes b) {  // "BZh" + level, then a block or the end-of-stream magic (48-bit pi / sqrt(pi))
  return b.size() >= 10 && starts_with(b, "BZh") && b[3] >= '1' && b[3] <= '9' &&
         (starts_with(b, "\x31\x41\x59\x26\x53\x59", 4) || starts_with(b, "\x17\x72\x45\x38\x50\x90", 4));
}

}  // namespace

FormatGuess sniff_format(Bytes bytes) {
  if (bytes.empty()) return {"onnx", ErrorCode::kInvalidModel, ""};

  // Python pickles of protocol 2 and later; torch.save before 1.6 starts with the LONG1 magic
  // number 0x1950a86a20f9469cfc6c (torch/serialization.py MAGIC_NUMBER).
  if (starts_with(bytes, "\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19")) {
    return guess("pytorch", kUnsafe, std::string("this file is a legacy torch.save file (a Python pickle)") +
                                         std::string(kPickleRisk) + "export the model with torch.onnx.export and load the .onnx file");
  }
  if (has_pickle_protocol_header(bytes)) return pickle_guess(scan_pickle(bytes));

  if (starts_with(bytes, "PK\x03\x04") || starts_with(bytes, "PK\x05\x06")) return sniff_zip(bytes);
  if (starts_with(bytes, "\x1f\x8b\x08")) return sniff_gzip(bytes);

  // joblib's other compressors. zlib has no magic number of its own, only a header checksum that
  // text such as "x^2" passes, so the stream must inflate to a pickle.
  if (bytes.size() >= 2 && bytes[0] == 0x78) {
    std::array<uint8_t, 64> window;
    InflatePeek peek = zlib_peek(bytes, window);
    if (looks_like_pickle(Bytes(window.data(), peek.size))) return compressed_joblib("zlib");
  }
  if (is_bzip2(bytes)) return compressed_joblib("bz2");
  if (starts_with(bytes, std::string_view("\xfd\x37\x7a\x58\x5a\x00", 6))) return compressed_joblib("xz");
  if (starts_with(bytes, "\x04\x22\x4d\x18")) return compressed_joblib("lz4");

  if (is_hdf5(bytes)) {
    return guess("hdf5", kUnsupported, "this file is HDF5 (a Keras .h5 model?), not ONNX — load it in Keras and convert it "
                                       "with tf2onnx (tf2onnx.convert.from_keras), then load the .onnx file");
  }
  if (is_flatbuffer(bytes, "TFL3")) {
    return guess("tflite", kUnsupported, "this file is a TensorFlow Lite model, not ONNX — convert it with tf2onnx "
                                         "(python -m tf2onnx.convert --tflite FILE --output model.onnx) and load the .onnx file");
  }
  if (is_flatbuffer(bytes, "ORTM")) {
    return guess("ort_format", kUnsupported, "this file is an ONNX Runtime .ort model (a flatbuffer made from an ONNX model), "
                                             "which is not read here — load the .onnx file it was converted from");
  }
  if (is_safetensors(bytes)) {
    return guess("safetensors", kUnsupported, "this file is safetensors: weights only, with no graph — export the model to "
                                              "ONNX (torch.onnx.export, or optimum-cli export onnx) and load the .onnx file");
  }
  if (is_saved_model(bytes)) {
    return guess("tf_savedmodel", kUnsupported, "this file is a TensorFlow SavedModel (saved_model.pb), not ONNX — convert the "
                                                "SavedModel directory with tf2onnx (python -m tf2onnx.convert --saved-model DIR "
                                                "--output model.onnx) and load the .onnx file");
  }

  // Protocols 0 and 1 have no header: only a walk that reaches STOP tells them from text.
  if (PickleScan scan = scan_pickle(bytes); scan.well_formed) return pickle_guess(scan);
  if (std::optional<FormatGuess> text = sniff_text(bytes)) return std::move(*text);
  return {"onnx", ErrorCode::kInvalidModel, ""};
}

void require_onnx_format(Bytes bytes) {
  FormatGuess guess = sniff_format(bytes);
  if (!guess.is_onnx()) throw Error(guess.code, guess.message, "", 0, std::string(guess.format));
}

}  // namespace onnx_predict::onnx
