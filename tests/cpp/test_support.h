// Helpers shared by the Catch2 tests: reading files and building protobuf bytes by hand.
#pragma once

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace test_support {

inline const std::filesystem::path kSourceDir = ONNX_PREDICT_SOURCE_DIR;
inline const std::filesystem::path kOnnxTestData = "/usr/share/libonnx-testdata/data";

inline std::vector<uint8_t> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Every model.onnx under Debian's libonnx-testdata, sorted.
inline std::vector<std::filesystem::path> onnx_test_models() {
  std::vector<std::filesystem::path> models;
  if (!std::filesystem::exists(kOnnxTestData)) return models;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(kOnnxTestData)) {
    if (entry.path().filename() == "model.onnx") models.push_back(entry.path());
  }
  std::sort(models.begin(), models.end());
  return models;
}

// Protobuf wire-format writer for hand-made test messages.
class Proto {
 public:
  Proto& varint(uint32_t field, uint64_t v) { tag(field, 0); raw_varint(v); return *this; }
  Proto& fixed32(uint32_t field, uint32_t v) { tag(field, 5); for (int i = 0; i < 4; ++i) bytes_.push_back(uint8_t(v >> (8 * i))); return *this; }
  Proto& fixed64(uint32_t field, uint64_t v) { tag(field, 1); for (int i = 0; i < 8; ++i) bytes_.push_back(uint8_t(v >> (8 * i))); return *this; }
  Proto& bytes(uint32_t field, std::string_view s) { tag(field, 2); raw_varint(s.size()); bytes_.insert(bytes_.end(), s.begin(), s.end()); return *this; }
  Proto& bytes(uint32_t field, const std::vector<uint8_t>& s) { tag(field, 2); raw_varint(s.size()); bytes_.insert(bytes_.end(), s.begin(), s.end()); return *this; }
  Proto& message(uint32_t field, const Proto& m) { return bytes(field, m.bytes_); }
  Proto& packed_varints(uint32_t field, std::initializer_list<uint64_t> values) {
    Proto inner;
    for (uint64_t v : values) inner.raw_varint(v);
    return bytes(field, inner.bytes_);
  }
  Proto& raw(std::initializer_list<uint8_t> b) { bytes_.insert(bytes_.end(), b); return *this; }
  Proto& raw_varint(uint64_t v) {
    while (v >= 0x80) { bytes_.push_back(uint8_t(v | 0x80)); v >>= 7; }
    bytes_.push_back(uint8_t(v));
    return *this;
  }
  const std::vector<uint8_t>& data() const { return bytes_; }

 private:
  void tag(uint32_t field, uint32_t wire_type) { raw_varint((uint64_t(field) << 3) | wire_type); }
  std::vector<uint8_t> bytes_;
};

}  // namespace test_support
