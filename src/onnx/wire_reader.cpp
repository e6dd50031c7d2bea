#include "onnx/wire_reader.h"

#include <vector>

namespace onnx_predict::onnx {

std::string FieldPath::to_string() const {
  std::vector<const FieldPath*> links;
  for (const FieldPath* p = this; p != nullptr; p = p->parent) links.push_back(p);
  std::string out;
  for (auto it = links.rbegin(); it != links.rend(); ++it) {
    if ((*it)->name.empty()) continue;
    if (!out.empty()) out += '.';
    out += (*it)->name;
    if ((*it)->index >= 0) out += '[' + std::to_string((*it)->index) + ']';
  }
  return out;
}

bool decode_varint(Bytes bytes, size_t& pos, uint64_t& value) {
  value = 0;
  for (int shift = 0; shift <= 63; shift += 7) {  // 10 bytes at most; bits past 64 are dropped
    if (pos >= bytes.size()) return false;
    uint8_t byte = bytes[pos++];
    value |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return false;  // an 11th byte would be needed: longer than any 64-bit varint
}

uint64_t count_packed_varints(const MessageReader& reader, const Field& f) {
  uint64_t count = 0;
  for (uint8_t byte : f.bytes) count += (byte & 0x80) == 0;
  if (!f.bytes.empty() && (f.bytes.back() & 0x80) != 0) reader.fail(f, "packed varint payload ends inside a varint");
  return count;
}

MessageReader::MessageReader(Bytes message, uint64_t base_offset, const FieldPath* path, FieldNamer namer)
    : message_(message), base_offset_(base_offset), path_(path), namer_(namer) {}

uint64_t MessageReader::read_varint(const char* what) {
  size_t start = pos_;
  uint64_t value = 0;
  if (!decode_varint(message_, pos_, value)) {
    fail_at(base_offset_ + start, path_ ? path_->to_string() : std::string(),
            std::string(what) + " varint at byte " + std::to_string(base_offset_ + start) +
                (pos_ >= message_.size() ? " runs past the end of the buffer (is the file truncated?)"
                                         : " is longer than 10 bytes"));
  }
  return value;
}

bool MessageReader::next(Field& field) {
  if (pos_ >= message_.size()) return false;
  field.offset = base_offset_ + pos_;
  uint64_t tag = read_varint("tag");
  uint64_t number = tag >> 3;
  if (number == 0 || number > 0x1fffffff) {
    fail_at(field.offset, path_ ? path_->to_string() : std::string(),
            "invalid field number " + std::to_string(number) + " at byte " + std::to_string(field.offset) +
                " (this is not protobuf data, or it is corrupted)");
  }
  field.number = static_cast<uint32_t>(number);
  field.type = static_cast<WireType>(tag & 7);
  field.index = number < 32 ? seen_[number]++ : 0;
  field.bytes = {};
  field.value = 0;
  switch (field.type) {
    case WireType::kVarint:
      field.value = read_varint("field");
      break;
    case WireType::kFixed32:
    case WireType::kFixed64: {
      size_t width = field.type == WireType::kFixed32 ? 4 : 8;
      if (message_.size() - pos_ < width) {
        fail(field, std::to_string(width) + "-byte value at byte " + std::to_string(base_offset_ + pos_) +
                        " runs past the end of the buffer (is the file truncated?)");
      }
      for (size_t b = width; b-- > 0;) field.value = (field.value << 8) | message_[pos_ + b];
      pos_ += width;
      break;
    }
    case WireType::kLengthDelimited: {
      uint64_t length_offset = base_offset_ + pos_;
      uint64_t length = read_varint("length");
      uint64_t remaining = message_.size() - pos_;
      if (length > remaining) {
        fail(field, "length " + std::to_string(length) + " at byte " + std::to_string(length_offset) +
                        " runs past the end of the buffer (" + std::to_string(remaining) +
                        " bytes remain; is the file truncated?)");
      }
      field.data_offset = base_offset_ + pos_;
      field.bytes = message_.subspan(pos_, static_cast<size_t>(length));
      pos_ += static_cast<size_t>(length);
      break;
    }
    default:
      fail(field, "wire type " + std::to_string(static_cast<int>(field.type)) + " at byte " +
                      std::to_string(field.offset) + " is not used by ONNX (corrupted data?)");
  }
  return true;
}

FieldPath MessageReader::path_of(const Field& field) const {
  FieldName name = namer_ ? namer_(field.number) : FieldName{};
  FieldPath out;
  out.parent = path_;
  out.name = name.name;
  out.index = name.repeated ? static_cast<int64_t>(field.index) : -1;
  return out;
}

MessageReader MessageReader::nested(const Field& field, const FieldPath& field_path, FieldNamer namer) const {
  return MessageReader(field.bytes, field.data_offset, &field_path, namer);
}

void MessageReader::fail(const Field& field, std::string message) const {
  FieldPath here = path_of(field);
  std::string path = here.to_string();
  if (here.name.empty()) {  // a field the message does not define: name it by number
    path = (path_ ? path_->to_string() + "." : std::string()) + "field" + std::to_string(field.number);
  }
  fail_at(field.offset, std::move(path), std::move(message));
}

void MessageReader::fail(std::string message) const {
  fail_at(base_offset_, path_ ? path_->to_string() : std::string(), std::move(message));
}

void MessageReader::fail_at(uint64_t offset, std::string path, std::string message) const {
  throw Error(ErrorCode::kInvalidModel, std::move(message), std::move(path), offset);
}

}  // namespace onnx_predict::onnx
