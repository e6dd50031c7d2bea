// Internal to the regex engine (not a public header): what the parser (regex_parse.cpp) hands the
// compiler and Pike VM (regex.cpp): the pattern as a tree whose every node knows how many
// instructions it compiles to, the code point sets it refers to, and the UTF-8 decoder both share.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace onnx_predict::schema::regex_detail {

constexpr uint32_t kMaxCodePoint = 0x10FFFF;
constexpr uint32_t kReplacementCharacter = 0xFFFD;
constexpr uint64_t kMaxInstructions = 100000;        // the compiled program's size limit
constexpr uint64_t kUnbounded = UINT64_MAX;          // the max of *, + and {n,}

struct CodePointRange {
  uint32_t lo;
  uint32_t hi;  // inclusive
};
using Ranges = std::vector<CodePointRange>;

// Sorts and merges overlapping or adjacent ranges.
Ranges normalized(Ranges ranges);
// The code points of [0, U+10FFFF] not in `ranges` (which must be normalized).
Ranges complement(const Ranges& ranges);

// A set of code points: normalized ranges, plus a bitmap of its ASCII part for the common case.
class CharSet {
 public:
  explicit CharSet(Ranges ranges);
  bool contains(uint32_t code_point) const {
    if (code_point < 128) return (ascii_[code_point >> 6] >> (code_point & 63)) & 1;
    size_t lo = 0, hi = ranges_.size();
    while (lo < hi) {  // first range whose hi >= code_point
      size_t mid = (lo + hi) / 2;
      if (ranges_[mid].hi < code_point) lo = mid + 1; else hi = mid;
    }
    return lo < ranges_.size() && ranges_[lo].lo <= code_point;
  }

 private:
  Ranges ranges_;
  std::array<uint64_t, 2> ascii_{};
};

enum class Assertion : uint32_t { kBegin, kEnd, kWordBoundary, kNotWordBoundary };

struct Node {
  enum class Kind { kEmpty, kChar, kSet, kAssert, kConcat, kAlternate, kRepeat };
  Kind kind = Kind::kEmpty;
  uint32_t value = 0;       // kChar: the code point; kSet: index into ParsedPattern::sets; kAssert: Assertion
  uint64_t min = 0;         // kRepeat: repeat children[0] min..max times (max may be kUnbounded)
  uint64_t max = 0;
  uint64_t size = 0;        // instructions this node compiles to (at most kMaxInstructions)
  std::vector<Node> children;  // kConcat, kAlternate: the parts; kRepeat: the one repeated node
};

struct ParsedPattern {
  Node root;
  std::vector<CharSet> sets;
};

// Parses an ECMAScript pattern (UTF-8, unicode-mode syntax, no flags). On failure returns false
// and sets *error to a sentence naming the construct and its code point position. Recursion is
// bounded by the group nesting limit; node sizes are checked against kMaxInstructions as the
// tree is built, so a refused pattern never allocates its expansion.
bool parse_pattern(std::string_view pattern, ParsedPattern* out, std::string* error);

// Decodes the code point at text[pos] (pos < text.size()) and returns how many bytes it used.
// An ill-formed sequence decodes to U+FFFD one maximal subpart at a time (Unicode 15 §3.9
// "U+FFFD Substitution of Maximal Subparts", as WHATWG's TextDecoder does); *well_formed says which.
inline size_t decode_utf8(std::string_view text, size_t pos, uint32_t* code_point, bool* well_formed = nullptr) {
  const auto byte = [&](size_t k) { return static_cast<uint8_t>(text[pos + k]); };
  const uint8_t first = byte(0);
  if (well_formed) *well_formed = false;
  *code_point = kReplacementCharacter;
  if (first < 0x80) {
    *code_point = first;
    if (well_formed) *well_formed = true;
    return 1;
  }
  size_t continuation = 0;
  uint32_t value = 0;
  uint8_t lo = 0x80, hi = 0xBF;  // bounds of the next continuation byte (Table 3-7)
  if (first >= 0xC2 && first <= 0xDF) {
    continuation = 1, value = first & 0x1Fu;
  } else if (first >= 0xE0 && first <= 0xEF) {
    continuation = 2, value = first & 0x0Fu;
    if (first == 0xE0) lo = 0xA0;
    if (first == 0xED) hi = 0x9F;  // no surrogates
  } else if (first >= 0xF0 && first <= 0xF4) {
    continuation = 3, value = first & 0x07u;
    if (first == 0xF0) lo = 0x90;
    if (first == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
  } else {
    return 1;
  }
  for (size_t k = 1; k <= continuation; ++k) {
    if (pos + k >= text.size() || byte(k) < lo || byte(k) > hi) return k;
    value = (value << 6) | (byte(k) & 0x3Fu);
    lo = 0x80, hi = 0xBF;
  }
  *code_point = value;
  if (well_formed) *well_formed = true;
  return continuation + 1;
}

}  // namespace onnx_predict::schema::regex_detail
