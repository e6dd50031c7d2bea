#include "onnx/inflate_peek.h"

#include <array>

namespace onnx_predict::onnx {
namespace {

constexpr int kMaxBits = 15;  // longest Huffman code (RFC 1951 3.2.7)

struct State {
  Bytes in;
  size_t pos = 0;
  uint32_t bit_buffer = 0;
  int bit_count = 0;
  bool overrun = false;  // a read went past the end of `in`
  std::span<uint8_t> out;
  size_t produced = 0;

  // `need` (at most 16) bits, least significant first (RFC 1951 3.1.1); 0 after an overrun.
  uint32_t bits(int need) {
    uint32_t value = bit_buffer;
    while (bit_count < need) {
      if (pos == in.size()) {
        overrun = true;
        return 0;
      }
      value |= uint32_t{in[pos++]} << bit_count;
      bit_count += 8;
    }
    bit_buffer = value >> need;
    bit_count -= need;
    return value & ((1u << need) - 1);
  }
};

// A canonical Huffman code: how many codes of each length, and the symbols in code order.
struct Huffman {
  std::array<uint16_t, kMaxBits + 1> count{};
  std::array<uint16_t, 288> symbol{};
};

// Builds `h` from code lengths; false if the lengths over-subscribe the code space. Incomplete
// codes are accepted: decoding a missing code then fails.
bool build(Huffman& h, const uint8_t* length, int n) {
  h.count.fill(0);
  for (int s = 0; s < n; ++s) ++h.count[length[s]];
  int left = 1;
  for (int len = 1; len <= kMaxBits; ++len) {
    left = left * 2 - h.count[len];
    if (left < 0) return false;
  }
  std::array<uint16_t, kMaxBits + 1> offset{};
  for (int len = 1; len < kMaxBits; ++len) offset[len + 1] = static_cast<uint16_t>(offset[len] + h.count[len]);
  for (int s = 0; s < n; ++s) {
    if (length[s] != 0) h.symbol[offset[length[s]]++] = static_cast<uint16_t>(s);
  }
  return true;
}

// The next symbol, or -1 for a code that `h` does not have or an overrun.
int decode(State& s, const Huffman& h) {
  int code = 0, first = 0, index = 0;
  for (int len = 1; len <= kMaxBits; ++len) {
    code |= static_cast<int>(s.bits(1));
    if (s.overrun) return -1;
    int count = h.count[len];
    if (code - count < first) return h.symbol[index + (code - first)];
    index += count;
    first = (first + count) << 1;
    code <<= 1;
  }
  return -1;
}

InflateStatus fail(const State& s) { return s.overrun ? InflateStatus::kTruncated : InflateStatus::kMalformed; }

// A stored block (3.2.4): LEN, NLEN, then LEN bytes.
InflateStatus stored(State& s) {
  s.bit_buffer = 0;
  s.bit_count = 0;
  if (s.in.size() - s.pos < 4) return InflateStatus::kTruncated;
  unsigned len = s.in[s.pos] | (s.in[s.pos + 1] << 8);
  unsigned nlen = s.in[s.pos + 2] | (s.in[s.pos + 3] << 8);
  s.pos += 4;
  if (len != (~nlen & 0xffffu)) return InflateStatus::kMalformed;
  for (; len > 0; --len) {
    if (s.produced == s.out.size()) return InflateStatus::kFull;
    if (s.pos == s.in.size()) return InflateStatus::kTruncated;
    s.out[s.produced++] = s.in[s.pos++];
  }
  return InflateStatus::kEnd;  // of this block
}

// Literal/length and distance codes (3.2.5), up to end-of-block or a full output.
InflateStatus codes(State& s, const Huffman& lengths, const Huffman& distances) {
  static constexpr uint16_t kLengthBase[29] = {3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27,
                                               31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
  static constexpr uint8_t kLengthExtra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
  static constexpr uint16_t kDistanceBase[30] = {1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385,
                                                 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
  static constexpr uint8_t kDistanceExtra[30] = {0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};
  for (;;) {
    int symbol = decode(s, lengths);
    if (symbol < 0) return fail(s);
    if (symbol == 256) return InflateStatus::kEnd;
    if (symbol < 256) {
      if (s.produced == s.out.size()) return InflateStatus::kFull;
      s.out[s.produced++] = static_cast<uint8_t>(symbol);
      continue;
    }
    symbol -= 257;
    if (symbol >= 29) return InflateStatus::kMalformed;
    size_t length = kLengthBase[symbol] + s.bits(kLengthExtra[symbol]);
    int dsym = decode(s, distances);
    if (dsym < 0) return fail(s);
    if (dsym >= 30) return InflateStatus::kMalformed;
    size_t distance = kDistanceBase[dsym] + s.bits(kDistanceExtra[dsym]);
    if (s.overrun) return InflateStatus::kTruncated;
    if (distance > s.produced) return InflateStatus::kMalformed;  // before the start of the output
    for (; length > 0; --length) {
      if (s.produced == s.out.size()) return InflateStatus::kFull;
      s.out[s.produced] = s.out[s.produced - distance];
      ++s.produced;
    }
  }
}

InflateStatus fixed(State& s) {
  Huffman lengths, distances;
  std::array<uint8_t, 288> length{};
  for (int i = 0; i < 288; ++i) length[i] = i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8;
  build(lengths, length.data(), 288);
  length.fill(5);
  build(distances, length.data(), 30);
  return codes(s, lengths, distances);
}

InflateStatus dynamic(State& s) {
  static constexpr uint8_t kOrder[19] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};
  int nlen = static_cast<int>(s.bits(5)) + 257;
  int ndist = static_cast<int>(s.bits(5)) + 1;
  int ncode = static_cast<int>(s.bits(4)) + 4;
  if (s.overrun) return InflateStatus::kTruncated;
  if (nlen > 286 || ndist > 30) return InflateStatus::kMalformed;
  std::array<uint8_t, 320> length{};
  for (int i = 0; i < ncode; ++i) length[kOrder[i]] = static_cast<uint8_t>(s.bits(3));
  Huffman lencode, distcode;
  if (!build(lencode, length.data(), 19)) return InflateStatus::kMalformed;
  int index = 0;
  while (index < nlen + ndist) {
    int symbol = decode(s, lencode);
    if (symbol < 0) return fail(s);
    if (symbol < 16) {
      length[index++] = static_cast<uint8_t>(symbol);
      continue;
    }
    uint8_t value = 0;
    int repeat = 0;
    if (symbol == 16) {
      if (index == 0) return InflateStatus::kMalformed;  // nothing to repeat
      value = length[index - 1];
      repeat = 3 + static_cast<int>(s.bits(2));
    } else if (symbol == 17) {
      repeat = 3 + static_cast<int>(s.bits(3));
    } else {
      repeat = 11 + static_cast<int>(s.bits(7));
    }
    if (s.overrun) return InflateStatus::kTruncated;
    if (index + repeat > nlen + ndist) return InflateStatus::kMalformed;
    while (repeat-- > 0) length[index++] = value;
  }
  if (length[256] == 0) return InflateStatus::kMalformed;  // no end-of-block code
  if (!build(lencode, length.data(), nlen)) return InflateStatus::kMalformed;
  if (!build(distcode, length.data() + nlen, ndist)) return InflateStatus::kMalformed;
  return codes(s, lencode, distcode);
}

}  // namespace

InflatePeek inflate_peek(Bytes deflate, std::span<uint8_t> out) {
  State s{deflate, 0, 0, 0, false, out, 0};
  for (;;) {
    uint32_t last = s.bits(1);
    uint32_t type = s.bits(2);
    if (s.overrun) return {InflateStatus::kTruncated, s.produced};
    InflateStatus status = type == 0   ? stored(s)
                           : type == 1 ? fixed(s)
                           : type == 2 ? dynamic(s)
                                       : InflateStatus::kMalformed;
    if (status != InflateStatus::kEnd) return {status, s.produced};
    if (last != 0) return {InflateStatus::kEnd, s.produced};
  }
}

InflatePeek gunzip_peek(Bytes gz, std::span<uint8_t> out) {
  constexpr InflatePeek kBadHeader{InflateStatus::kMalformed, 0};
  if (gz.size() < 10 || gz[0] != 0x1f || gz[1] != 0x8b || gz[2] != 8 || (gz[3] & 0xe0) != 0) return kBadHeader;
  const uint8_t flags = gz[3];
  size_t pos = 10;
  if (flags & 4) {  // FEXTRA: XLEN, then XLEN bytes
    if (gz.size() - pos < 2) return kBadHeader;
    size_t xlen = gz[pos] | (gz[pos + 1] << 8);
    if (gz.size() - pos - 2 < xlen) return kBadHeader;
    pos += 2 + xlen;
  }
  for (uint8_t flag : {uint8_t{8}, uint8_t{16}}) {  // FNAME, FCOMMENT: zero-terminated
    if ((flags & flag) == 0) continue;
    while (pos < gz.size() && gz[pos] != 0) ++pos;
    if (pos == gz.size()) return kBadHeader;
    ++pos;
  }
  if (flags & 2) pos += 2;  // FHCRC
  if (pos > gz.size()) return kBadHeader;
  return inflate_peek(gz.subspan(pos), out);
}

InflatePeek zlib_peek(Bytes z, std::span<uint8_t> out) {
  if (z.size() < 2 || (z[0] & 0x0f) != 8 || (z[0] >> 4) > 7 || (z[1] & 0x20) != 0 || ((z[0] << 8) | z[1]) % 31 != 0) {
    return {InflateStatus::kMalformed, 0};
  }
  return inflate_peek(z.subspan(2), out);
}

}  // namespace onnx_predict::onnx
