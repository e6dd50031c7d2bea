// Protocol Buffers wire-format writing (https://protobuf.dev/programming-guides/encoding/), for
// re-emitting a message with a few fields replaced and every other field copied byte for byte.
//
// Fields come from MessageReader, whose offsets are absolute in the buffer the first reader was
// made over: `whole` below must be that buffer.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "onnx/wire_reader.h"

namespace onnx_predict::onnx {

using ByteVector = std::vector<uint8_t>;

inline size_t varint_size(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) { v >>= 7; ++n; }
  return n;
}

inline void put_varint(ByteVector& out, uint64_t v) {
  while (v >= 0x80) { out.push_back(static_cast<uint8_t>(v | 0x80)); v >>= 7; }
  out.push_back(static_cast<uint8_t>(v));
}

inline void put_bytes(ByteVector& out, Bytes bytes) { out.insert(out.end(), bytes.begin(), bytes.end()); }

// A length-delimited field: tag, minimal length varint, payload.
inline void put_delimited(ByteVector& out, uint32_t number, Bytes payload) {
  put_varint(out, (uint64_t{number} << 3) | static_cast<uint64_t>(WireType::kLengthDelimited));
  put_varint(out, payload.size());
  put_bytes(out, payload);
}
inline void put_delimited(ByteVector& out, uint32_t number, std::string_view payload) {
  put_delimited(out, number, Bytes(reinterpret_cast<const uint8_t*>(payload.data()), payload.size()));
}

inline void put_varint_field(ByteVector& out, uint32_t number, uint64_t value) {
  put_varint(out, (uint64_t{number} << 3) | static_cast<uint64_t>(WireType::kVarint));
  put_varint(out, value);
}

// The field's tag as it was written (possibly a padded varint): whole[f.offset, end of the tag).
inline Bytes raw_tag(Bytes whole, const Field& f) {
  size_t pos = static_cast<size_t>(f.offset);
  uint64_t tag = 0;
  decode_varint(whole, pos, tag);  // the reader has decoded it already: cannot fail
  return whole.subspan(static_cast<size_t>(f.offset), pos - static_cast<size_t>(f.offset));
}

// The whole field as it was written: tag, then the value or the length and payload.
inline Bytes raw_field(Bytes whole, const Field& f) {
  size_t begin = static_cast<size_t>(f.offset);
  size_t end = begin + raw_tag(whole, f).size();
  switch (f.type) {
    case WireType::kVarint: {
      uint64_t value = 0;
      decode_varint(whole, end, value);
      break;
    }
    case WireType::kFixed32: end += 4; break;
    case WireType::kFixed64: end += 8; break;
    default: end = static_cast<size_t>(f.data_offset) + f.bytes.size(); break;
  }
  return whole.subspan(begin, end - begin);
}

// A length-delimited field with its original tag bytes and a new payload.
inline void put_retagged(ByteVector& out, Bytes whole, const Field& f, Bytes payload) {
  put_bytes(out, raw_tag(whole, f));
  put_varint(out, payload.size());
  put_bytes(out, payload);
}

}  // namespace onnx_predict::onnx
