// Structure-aware mutations of protobuf bytes, for the robustness tests (test_robustness.cpp).
//
// A Sample is a buffer plus the map of its fields: make_sample() descends into every
// length-delimited payload that parses as a message, so a field deep inside a model (a
// TensorShapeProto.Dimension, a TensorProto's dims) is known by the byte ranges of its tag, length
// and payload. Mutator then damages a copy either byte by byte (bit flips, overwrites, insertions,
// deletions: what a bad download or disk does) or field by field (a length inflated to 2^60, a field
// duplicated, deleted, re-tagged, given another field's payload, or nested hundreds of layers
// deeper). Field-level edits rewrite the lengths of every enclosing field, so the damage reaches the
// inner readers instead of failing at the outermost length check. Deterministic: the same seed gives
// the same sequence of mutations, natively and in wasm.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "common/error.h"
#include "onnx/wire_reader.h"
#include "onnx/wire_writer.h"

namespace test_support {

using Buffer = std::vector<uint8_t>;
using onnx_predict::onnx::Bytes;
using onnx_predict::onnx::decode_varint;
using onnx_predict::onnx::Field;
using onnx_predict::onnx::MessageReader;
using onnx_predict::onnx::put_varint;
using onnx_predict::onnx::varint_size;
using onnx_predict::onnx::WireType;

inline uint64_t delimited_tag(uint32_t field) { return (uint64_t{field} << 3) | 2; }

// `payload` inside length-delimited fields numbered `fields` (outermost first), built in linear time.
inline Buffer nest(const std::vector<uint32_t>& fields, Bytes payload) {
  std::vector<uint64_t> size(fields.size() + 1);
  size.back() = payload.size();
  for (size_t i = fields.size(); i-- > 0;) {
    size[i] = varint_size(delimited_tag(fields[i])) + varint_size(size[i + 1]) + size[i + 1];
  }
  Buffer out;
  out.reserve(size[0]);
  for (size_t i = 0; i < fields.size(); ++i) {
    put_varint(out, delimited_tag(fields[i]));
    put_varint(out, size[i + 1]);
  }
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

// ---- Samples ----

struct Span {  // one field of a sample, found by descending into every payload that parses
  size_t begin = 0, length_pos = 0, payload = 0, end = 0;  // tag, length varint, payload, one past the end
  int parent = -1;                                          // enclosing field, -1 at the top level
  WireType type = WireType::kVarint;
};

struct Sample {
  std::string name;
  Buffer bytes;
  std::vector<Span> spans;
  std::vector<int> delimited, varints;  // indices into spans
};

// Appends the fields of whole[begin, end), then those of every payload among them that parses as
// a message, down to 40 levels. Throws onnx_predict::Error when whole[begin, end) is no message.
inline void map_message(const Buffer& whole, size_t begin, size_t end, int parent, int depth, std::vector<Span>& out) {
  MessageReader reader(Bytes(whole).subspan(begin, end - begin), begin, nullptr, nullptr);
  size_t first = out.size();
  Field f;
  while (reader.next(f)) {
    Span s;
    s.begin = f.offset;
    s.parent = parent;
    s.type = f.type;
    size_t pos = f.offset;
    uint64_t tag = 0;
    decode_varint(whole, pos, tag);
    s.length_pos = pos;
    s.payload = f.type == WireType::kLengthDelimited ? f.data_offset : pos;
    s.end = f.type == WireType::kLengthDelimited ? f.data_offset + f.bytes.size() : end;
    if (out.size() > first && out.back().type != WireType::kLengthDelimited) out.back().end = s.begin;
    out.push_back(s);
  }
  size_t last = out.size();
  if (depth >= 40) return;
  for (size_t i = first; i < last; ++i) {
    if (out[i].type != WireType::kLengthDelimited || out[i].payload == out[i].end) continue;
    size_t mark = out.size();
    try {
      map_message(whole, out[i].payload, out[i].end, static_cast<int>(i), depth + 1, out);
    } catch (const onnx_predict::Error&) {
      out.resize(mark);  // not a message (a string, raw data): a leaf
    }
  }
}

// A sample with its field map; a buffer that is not protobuf (a zip, a pickle) maps to no fields,
// and then only the byte-level mutations apply.
inline Sample make_sample(std::string name, Buffer bytes) {
  Sample s{std::move(name), std::move(bytes), {}, {}, {}};
  try {
    map_message(s.bytes, 0, s.bytes.size(), -1, 0, s.spans);
  } catch (const onnx_predict::Error&) {
    s.spans.clear();
  }
  for (size_t i = 0; i < s.spans.size(); ++i) {
    if (s.spans[i].type == WireType::kLengthDelimited) s.delimited.push_back(static_cast<int>(i));
    if (s.spans[i].type == WireType::kVarint) s.varints.push_back(static_cast<int>(i));
  }
  return s;
}

// ---- Mutations ----

enum class Mutation {
  kBitFlips, kByteOverwrites, kWordOverwrite, kInsertBytes, kDeleteRange, kInflateLength, kDuplicateField,
  kDeleteField, kSpliceField, kWrapField, kWrapWhole, kSetVarint, kRetag, kCount,
};
inline const char* const kMutationNames[] = {
  "bit flips", "byte overwrites", "word overwrite", "inserted bytes", "deleted range", "inflated length", "duplicated field",
  "deleted field", "spliced field", "wrapped field", "wrapped message", "changed varint", "changed tag",
};

// Damaged copies of one sample, one per mutate() call.
class Mutator {
 public:
  Mutator(const Sample& sample, uint64_t seed) : s_(sample), src_(sample.bytes), rng_(seed) {}

  Buffer mutate(Mutation kind) {
    switch (kind) {
      case Mutation::kBitFlips: return bit_flips();
      case Mutation::kByteOverwrites: {
        Buffer out = src_;
        if (out.empty()) return {interesting_byte()};
        for (uint64_t n = pick(1, 8); n-- > 0;) out[pick(0, out.size() - 1)] = interesting_byte();
        return out;
      }
      case Mutation::kWordOverwrite: {  // a little-endian size or offset: zip, safetensors, fixed32/64
        static const uint64_t values[] = {0, 1, 0x7f, 0x80, 0xff, 0x7fff, 0xffff, 0x7fffffff, 0xffffffff, ~0ull, 1ull << 63};
        size_t width = size_t{1} << pick(1, 3);
        if (src_.size() < width) return bit_flips();
        uint64_t v = pick(0, 2) == 0 ? src_.size() + pick(0, 2) - 1 : values[pick(0, std::size(values) - 1)];
        Buffer out = src_;
        size_t at = pick(0, out.size() - width);
        for (size_t i = 0; i < width; ++i) out[at + i] = static_cast<uint8_t>(v >> (8 * i));
        return out;
      }
      case Mutation::kInsertBytes: {
        Buffer out = src_, bytes(pick(1, 32));
        for (uint8_t& b : bytes) b = interesting_byte();
        out.insert(out.begin() + static_cast<std::ptrdiff_t>(pick(0, out.size())), bytes.begin(), bytes.end());
        return out;
      }
      case Mutation::kDeleteRange: {
        if (src_.empty()) return {};
        size_t at = pick(0, src_.size() - 1), n = pick(1, std::min<size_t>(64, src_.size() - at));
        return edit(-1, at, n, {});
      }
      case Mutation::kWrapWhole: return nest(random_fields(pick(0, 9) == 0 ? pick(100, 2000) : pick(1, 100)), src_);
      default: break;
    }
    const std::vector<int>& candidates = kind == Mutation::kSetVarint ? s_.varints
                                         : kind == Mutation::kDuplicateField || kind == Mutation::kDeleteField || kind == Mutation::kRetag
                                             ? all_spans()
                                             : s_.delimited;
    if (candidates.empty()) return bit_flips();
    const Span& f = s_.spans[candidates[pick(0, candidates.size() - 1)]];
    int self = static_cast<int>(&f - s_.spans.data());
    switch (kind) {
      case Mutation::kInflateLength: return inflate_length(f);
      case Mutation::kDuplicateField: return edit(f.parent, f.end, 0, Bytes(src_).subspan(f.begin, f.end - f.begin));
      case Mutation::kDeleteField: return edit(f.parent, f.begin, f.end - f.begin, {});
      case Mutation::kSpliceField: {  // another field's payload in place of this one's
        const Span& g = s_.spans[s_.delimited[pick(0, s_.delimited.size() - 1)]];
        return edit(self, f.payload, f.end - f.payload, Bytes(src_).subspan(g.payload, g.end - g.payload));
      }
      case Mutation::kWrapField: {
        Buffer wrapped = nest(random_fields(pick(0, 3) == 0 ? pick(1, 300) : pick(1, 8)), Bytes(src_).subspan(f.payload, f.end - f.payload));
        return edit(self, f.payload, f.end - f.payload, wrapped);
      }
      case Mutation::kSetVarint: {
        static const uint64_t values[] = {0, 1, ~0ull, 1ull << 63, 0x7fffffff, 0xffffffff80000000ull, 1ull << 31,
                                          1ull << 32, 1ull << 62, 255, 23, 24, 65};
        Buffer v;
        put_varint(v, pick(0, 3) == 0 ? rng_() : values[pick(0, std::size(values) - 1)]);
        return edit(f.parent, f.payload, f.end - f.payload, v);
      }
      case Mutation::kRetag: {
        size_t pos = f.begin;
        uint64_t tag = 0;
        decode_varint(src_, pos, tag);
        uint64_t number = tag >> 3, type = tag & 7;
        if (pick(0, 1) == 0) type = pick(0, 7);
        else number = pick(0, 7) == 0 ? (pick(0, 1) ? 0 : 0x1fffffff) : pick(1, 30);
        Buffer t;
        put_varint(t, number << 3 | type);
        return edit(f.parent, f.begin, f.length_pos - f.begin, t);
      }
      default: return bit_flips();
    }
  }

  // A number in [lo, hi]. Not std::uniform_int_distribution, whose output differs between
  // libstdc++ and libc++: this way a failure seen in the wasm build replays natively under ASan.
  uint64_t pick(uint64_t lo, uint64_t hi) { return lo + rng_() % (hi - lo + 1); }

 private:
  Buffer bit_flips() {
    Buffer out = src_;
    if (out.empty()) return {static_cast<uint8_t>(rng_())};
    for (uint64_t n = pick(1, 8); n-- > 0;) out[pick(0, out.size() - 1)] ^= static_cast<uint8_t>(1u << pick(0, 7));
    return out;
  }

  uint8_t interesting_byte() {
    static const uint8_t bytes[] = {0x00, 0x01, 0x02, 0x08, 0x0a, 0x12, 0x3a, 0x7f, 0x80, 0xff};
    return pick(0, 1) ? bytes[pick(0, std::size(bytes) - 1)] : static_cast<uint8_t>(rng_());
  }

  std::vector<uint32_t> random_fields(uint64_t layers) {
    static const uint32_t numbers[] = {1, 2, 4, 5, 6, 7, 8, 9, 11, 12, 13, 15};
    std::vector<uint32_t> fields(layers);
    uint32_t same = numbers[pick(0, std::size(numbers) - 1)];
    bool vary = pick(0, 1) == 0;
    for (uint32_t& f : fields) f = vary ? numbers[pick(0, std::size(numbers) - 1)] : same;
    return fields;
  }

  const std::vector<int>& all_spans() {
    if (all_.size() != s_.spans.size()) {
      all_.resize(s_.spans.size());
      for (size_t i = 0; i < all_.size(); ++i) all_[i] = static_cast<int>(i);
    }
    return all_;
  }

  // A length that lies: huge, one past the end, or encoded in more bytes than needed.
  Buffer inflate_length(const Span& f) {
    uint64_t length = f.end - f.payload;
    const uint64_t values[] = {1ull << 31, 1ull << 32, 1ull << 60, 1ull << 63, ~0ull, 0x7fffffff, 0xffffffff,
                               src_.size() + 1, length + 1, src_.size() - f.payload + 1, length ? length - 1 : 0};
    Buffer v;
    uint64_t how = pick(0, std::size(values) + 1);
    if (how < std::size(values)) {
      put_varint(v, values[how]);
    } else {  // padded to 10 bytes (valid protobuf) or 11 (invalid)
      size_t width = how == std::size(values) ? 10 : 11;
      for (size_t i = 0; i + 1 < width; ++i) v.push_back(static_cast<uint8_t>(0x80 | ((length >> (7 * i)) & 0x7f)));
      v.push_back(width == 10 ? static_cast<uint8_t>(length >> 63) : 0x01);
    }
    Buffer out(src_.begin(), src_.begin() + static_cast<std::ptrdiff_t>(f.length_pos));
    out.insert(out.end(), v.begin(), v.end());
    out.insert(out.end(), src_.begin() + static_cast<std::ptrdiff_t>(f.payload), src_.end());
    return out;
  }

  // Replaces src[at, at + erase) by `insert`, then rewrites the lengths of `parent` and every
  // field around it so that the result is still well-formed protobuf outside the edit.
  Buffer edit(int parent, size_t at, size_t erase, Bytes insert) {
    std::vector<const Span*> chain;  // innermost first
    for (int a = parent; a >= 0; a = s_.spans[a].parent) chain.push_back(&s_.spans[a]);
    std::vector<uint64_t> lengths(chain.size());
    int64_t delta = static_cast<int64_t>(insert.size()) - static_cast<int64_t>(erase);
    for (size_t i = 0; i < chain.size(); ++i) {
      lengths[i] = static_cast<uint64_t>(static_cast<int64_t>(chain[i]->end - chain[i]->payload) + delta);
      delta += static_cast<int64_t>(varint_size(lengths[i])) - static_cast<int64_t>(chain[i]->payload - chain[i]->length_pos);
    }
    Buffer out;
    out.reserve(src_.size() + insert.size() + 10 * chain.size());
    size_t pos = 0;
    auto copy = [&](size_t from, size_t to) { out.insert(out.end(), src_.begin() + static_cast<std::ptrdiff_t>(from), src_.begin() + static_cast<std::ptrdiff_t>(to)); };
    for (size_t i = chain.size(); i-- > 0;) {
      copy(pos, chain[i]->length_pos);
      put_varint(out, lengths[i]);
      pos = chain[i]->payload;
    }
    copy(pos, at);
    out.insert(out.end(), insert.begin(), insert.end());
    copy(at + erase, src_.size());
    return out;
  }

  const Sample& s_;
  const Buffer& src_;
  std::mt19937_64 rng_;
  std::vector<int> all_;
};

}  // namespace test_support
