#include "onnx/zip_scan.h"

#include <cstdint>

namespace onnx_predict::onnx {
namespace {

// Record signatures (APPNOTE.TXT 4.3).
constexpr uint32_t kLocalHeader = 0x04034b50;        // PK\3\4
constexpr uint32_t kCentralHeader = 0x02014b50;      // PK\1\2
constexpr uint32_t kEndOfCentralDir = 0x06054b50;    // PK\5\6
constexpr uint32_t kZip64EndOfCentralDir = 0x06064b50;
constexpr uint32_t kZip64Locator = 0x07064b50;

// Offsets are 64-bit so that the checks also hold where size_t is 32 bits (wasm32).
bool fits(Bytes b, uint64_t pos, uint64_t n) { return pos <= b.size() && n <= b.size() - pos; }

uint64_t le(Bytes b, uint64_t pos, size_t n) {  // the caller checked fits(b, pos, n)
  uint64_t v = 0;
  for (size_t i = n; i-- > 0;) v = (v << 8) | b[static_cast<size_t>(pos) + i];
  return v;
}

bool signature_at(Bytes b, uint64_t pos, uint32_t sig) { return fits(b, pos, 4) && le(b, pos, 4) == sig; }

std::string_view name_at(Bytes b, uint64_t pos, uint64_t n) {
  return {reinterpret_cast<const char*>(b.data() + pos), static_cast<size_t>(n)};
}

std::string_view basename(std::string_view name) {
  size_t slash = name.rfind('/');
  return slash == std::string_view::npos ? name : name.substr(slash + 1);
}

// Collects what the names say about the archive.
class Names {
 public:
  void add(std::string_view name) {
    if (scan_.entries == 0) scan_.first_entry = name;
    ++scan_.entries;
    if (scan_.onnx_entry.empty() && name.ends_with(".onnx")) scan_.onnx_entry = name;
    // torch/csrc/jit/serialization (torch.save since 1.6, torch.jit.save): <dir>/data.pkl, the
    // TorchScript <dir>/constants.pkl and <dir>/code/__torch__/..., <dir>/version, <dir>/data/<key>.
    std::string_view base = basename(name);
    if (base == "data.pkl" || base == "constants.pkl" || name.find("code/__torch__") != std::string_view::npos) {
      torch_pickle_ = true;
    }
    if (base == "version" && base.size() < name.size()) torch_version_ = true;
    if (name.find("/data/") != std::string_view::npos) torch_data_ = true;
    // keras/src/saving/saving_lib.py: config.json, metadata.json, model.weights.h5 (or .npz).
    if (name == "config.json") keras_config_ = true;
    if (name == "metadata.json" || name.starts_with("model.weights.")) keras_extra_ = true;
  }

  ZipScan result() const {
    ZipScan out = scan_;
    if (torch_pickle_ || (torch_version_ && torch_data_)) {
      out.kind = ZipKind::kPyTorch;
    } else if (keras_config_ && keras_extra_) {
      out.kind = ZipKind::kKeras;
    }
    return out;
  }

  size_t entries() const { return scan_.entries; }

 private:
  ZipScan scan_;
  bool torch_pickle_ = false, torch_version_ = false, torch_data_ = false;
  bool keras_config_ = false, keras_extra_ = false;
};

// Reads the names from the central directory; false if it cannot be found or is inconsistent.
bool read_central_directory(Bytes b, Names& names) {
  if (b.size() < 22) return false;
  // The end record is the last 22 bytes, unless a comment of up to 65535 bytes follows it.
  const uint64_t lowest = b.size() > 22 + 65535 ? b.size() - 22 - 65535 : 0;
  uint64_t eocd = b.size() - 22;
  while (!signature_at(b, eocd, kEndOfCentralDir)) {
    if (eocd == lowest) return false;
    --eocd;
  }
  uint64_t count = le(b, eocd + 10, 2);
  uint64_t size = le(b, eocd + 12, 4);
  uint64_t offset = le(b, eocd + 16, 4);
  if (count == 0xffff || size == 0xffffffff || offset == 0xffffffff) {
    // ZIP64: a locator just before the end record points at the ZIP64 end record.
    if (eocd < 20 || !signature_at(b, eocd - 20, kZip64Locator)) return false;
    uint64_t record = le(b, eocd - 20 + 8, 8);
    if (!fits(b, record, 56) || !signature_at(b, record, kZip64EndOfCentralDir)) return false;
    count = le(b, record + 32, 8);
    size = le(b, record + 40, 8);
    offset = le(b, record + 48, 8);
  }
  if (!fits(b, offset, size)) return false;
  const uint64_t end = offset + size;
  uint64_t pos = offset;
  for (uint64_t i = 0; i < count && names.entries() < kMaxZipEntries; ++i) {
    if (end - pos < 46 || !signature_at(b, pos, kCentralHeader)) return false;
    uint64_t name_length = le(b, pos + 28, 2);
    uint64_t extra_length = le(b, pos + 30, 2);
    uint64_t comment_length = le(b, pos + 32, 2);
    uint64_t record_length = 46 + name_length + extra_length + comment_length;
    if (end - pos < record_length) return false;
    names.add(name_at(b, pos + 46, name_length));
    pos += record_length;
  }
  return true;
}

// Reads the names of the local headers from the start, as far as their sizes allow.
void read_local_headers(Bytes b, Names& names) {
  uint64_t pos = 0;
  while (names.entries() < kMaxZipEntries && fits(b, pos, 30) && signature_at(b, pos, kLocalHeader)) {
    uint64_t flags = le(b, pos + 6, 2);
    uint64_t compressed_size = le(b, pos + 18, 4);
    uint64_t name_length = le(b, pos + 26, 2);
    uint64_t extra_length = le(b, pos + 28, 2);
    if (!fits(b, pos + 30, name_length)) return;
    names.add(name_at(b, pos + 30, name_length));
    // With a data descriptor (flag bit 3) or a ZIP64 size, the size here is not the real one.
    if (((flags & 8) != 0 && compressed_size == 0) || compressed_size == 0xffffffff) return;
    uint64_t next = pos + 30 + name_length + extra_length + compressed_size;
    if (next > b.size()) return;
    pos = next;
  }
}

}  // namespace

ZipScan scan_zip(Bytes bytes) {
  Names central;
  if (read_central_directory(bytes, central)) return central.result();
  Names local;
  read_local_headers(bytes, local);
  return local.result();
}

}  // namespace onnx_predict::onnx
