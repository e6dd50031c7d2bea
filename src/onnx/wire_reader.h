// Protocol Buffers wire-format reader (https://protobuf.dev/programming-guides/encoding/).
//
// Reads one message's fields from a byte span without copying: a length-delimited field is a
// view into the caller's buffer, so skipping a 200 MB initializer costs one bounds check.
// Every length is checked against the bytes that remain before anything is read, varints are
// at most 10 bytes, and group wire types (unused by ONNX) are refused, so no input can make the
// reader allocate, loop forever or read out of bounds. Malformed input throws
// onnx_predict::Error(kInvalidModel) with the field path and the absolute byte offset.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "common/error.h"

namespace onnx_predict::onnx {

using Bytes = std::span<const uint8_t>;

enum class WireType : uint8_t {
  kVarint = 0,
  kFixed64 = 1,
  kLengthDelimited = 2,
  kStartGroup = 3,
  kEndGroup = 4,
  kFixed32 = 5,
};

// How a message names its fields in error paths: field number → name and whether it repeats.
struct FieldName {
  std::string_view name;  // "" for a field the message does not define
  bool repeated = false;
};
using FieldNamer = FieldName (*)(uint32_t field_number);

// One link of the path from the model root to the message being read ("graph" → "node[3]").
// Links live on the parser's stack; the path becomes a string only when an error is reported.
struct FieldPath {
  const FieldPath* parent = nullptr;
  std::string_view name;
  int64_t index = -1;  // element index of a repeated field; -1 for a singular one

  std::string to_string() const;  // "graph.node[3].attribute[0]"
};

// One field as read from the wire. `bytes` views the caller's buffer.
struct Field {
  uint32_t number = 0;
  WireType type = WireType::kVarint;
  uint64_t value = 0;       // payload of a varint, fixed32 or fixed64 field
  Bytes bytes;              // payload of a length-delimited field
  uint64_t offset = 0;      // absolute offset of the field's tag
  uint64_t data_offset = 0; // absolute offset of the payload
  uint32_t index = 0;       // how many fields with this number came before it in this message
};

class MessageReader {
 public:
  // message: the message's bytes; base_offset: absolute offset of message[0] in the whole buffer;
  // path: where this message sits (nullptr for the root); namer: names of its fields.
  MessageReader(Bytes message, uint64_t base_offset, const FieldPath* path, FieldNamer namer);

  // Reads the next field into `field`; false at the end of the message. Throws on malformed bytes.
  bool next(Field& field);

  // The path of `field` itself, to pass to the reader of a nested message.
  FieldPath path_of(const Field& field) const;

  // A reader for the nested message carried by a length-delimited field.
  MessageReader nested(const Field& field, const FieldPath& field_path, FieldNamer namer) const;

  // Throws Error(kInvalidModel) located at `field`.
  [[noreturn]] void fail(const Field& field, std::string message) const;
  // Throws Error(kInvalidModel) located at this message.
  [[noreturn]] void fail(std::string message) const;

  const FieldPath* path() const { return path_; }

 private:
  uint64_t read_varint(const char* what);
  [[noreturn]] void fail_at(uint64_t offset, std::string path, std::string message) const;

  Bytes message_;
  size_t pos_ = 0;
  uint64_t base_offset_;
  const FieldPath* path_;
  FieldNamer namer_;
  uint32_t seen_[32] = {};  // occurrences per field number (numbers < 32), for error paths
};

// Scalar conversions from a field's wire value (protobuf's rules: int32 is a sign-extended varint).
inline int64_t as_int64(const Field& f) { return static_cast<int64_t>(f.value); }
inline int32_t as_int32(const Field& f) { return static_cast<int32_t>(static_cast<int64_t>(f.value)); }
// A length-delimited field: a string, bytes or a nested message (the wire types every ONNX
// string and message field must have; a field with another wire type is skipped as unknown).
inline bool is_bytes(const Field& f) { return f.type == WireType::kLengthDelimited; }
inline std::string_view as_string_view(const Field& f) {
  return {reinterpret_cast<const char*>(f.bytes.data()), f.bytes.size()};
}

// Repeated scalar fields arrive packed (one length-delimited field) or unpacked (one field per
// element); parsers must accept both. Each helper calls fn(value) per element and throws on a
// malformed packed payload. A field whose wire type fits neither form is skipped, as protobuf
// treats it as unknown.
template <class Fn>
void for_each_varint(const MessageReader& reader, const Field& f, Fn&& fn);
template <class Fn>
void for_each_fixed32(const MessageReader& reader, const Field& f, Fn&& fn);  // fn(uint32_t bits)
template <class Fn>
void for_each_fixed64(const MessageReader& reader, const Field& f, Fn&& fn);  // fn(uint64_t bits)

// Number of elements in a packed varint payload, without decoding them (the count of bytes
// without the continuation bit). Throws if the payload ends inside a varint.
uint64_t count_packed_varints(const MessageReader& reader, const Field& f);

// Decodes one varint at bytes[pos]; advances pos. Returns false if the varint is truncated or
// longer than 10 bytes.
bool decode_varint(Bytes bytes, size_t& pos, uint64_t& value);

template <class Fn>
void for_each_varint(const MessageReader& reader, const Field& f, Fn&& fn) {
  if (f.type == WireType::kVarint) {
    fn(f.value);
  } else if (f.type == WireType::kLengthDelimited) {
    size_t pos = 0;
    uint64_t value = 0;
    while (pos < f.bytes.size()) {
      if (!decode_varint(f.bytes, pos, value)) reader.fail(f, "packed varint is truncated or longer than 10 bytes");
      fn(value);
    }
  }
}

template <class Fn>
void for_each_fixed32(const MessageReader& reader, const Field& f, Fn&& fn) {
  if (f.type == WireType::kFixed32) {
    fn(static_cast<uint32_t>(f.value));
  } else if (f.type == WireType::kLengthDelimited) {
    if (f.bytes.size() % 4 != 0) reader.fail(f, "packed fixed32 payload of " + std::to_string(f.bytes.size()) + " bytes is not a multiple of 4");
    for (size_t i = 0; i < f.bytes.size(); i += 4) {
      uint32_t v = 0;
      for (int b = 3; b >= 0; --b) v = (v << 8) | f.bytes[i + b];
      fn(v);
    }
  }
}

template <class Fn>
void for_each_fixed64(const MessageReader& reader, const Field& f, Fn&& fn) {
  if (f.type == WireType::kFixed64) {
    fn(f.value);
  } else if (f.type == WireType::kLengthDelimited) {
    if (f.bytes.size() % 8 != 0) reader.fail(f, "packed fixed64 payload of " + std::to_string(f.bytes.size()) + " bytes is not a multiple of 8");
    for (size_t i = 0; i < f.bytes.size(); i += 8) {
      uint64_t v = 0;
      for (int b = 7; b >= 0; --b) v = (v << 8) | f.bytes[i + b];
      fn(v);
    }
  }
}

}  // namespace onnx_predict::onnx
