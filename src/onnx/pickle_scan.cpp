#include "onnx/pickle_scan.h"

#include <array>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace onnx_predict::onnx {
namespace {

// How an opcode's argument is laid out (pickletools.ArgumentDescriptor).
enum class Arg : uint8_t {
  kNone,
  kFixed1, kFixed2, kFixed4, kFixed8,  // a fixed number of bytes
  kLine, kTwoLines,                    // text ending in '\n' (GLOBAL and INST take two)
  kLen1, kLen4, kLen4Signed, kLen8,    // a little-endian length, then that many bytes
};

// What a text-line argument must look like, so that prose is not taken for protocol 0.
enum class Line : uint8_t { kAny, kInt, kLong, kFloat, kDigits, kQuoted, kName };

// How an opcode changes the stack (pickletools' stack_before/stack_after), as counts only.
enum class Effect : uint8_t {
  kPlain,   // needs `need` items, pops `pop`, pushes `push`
  kMark,    // MARK: opens a frame
  kToMark,  // pops the frame back to the last MARK, then needs `need` items and pushes `push`
  kPop,     // POP: pops an item, or the MARK itself when the frame is empty
  kStop,    // STOP
};

struct Op {
  Arg arg = Arg::kNone;
  Line line = Line::kAny;
  Effect effect = Effect::kPlain;
  uint8_t need = 0, pop = 0, push = 0;
  bool pushes_string = false;  // the pushed item is a str/bytes literal (for STACK_GLOBAL)
};

constexpr Op plain(uint8_t need, uint8_t pop, uint8_t push, Arg arg = Arg::kNone, Line line = Line::kAny) {
  return {arg, line, Effect::kPlain, need, pop, push, false};
}
constexpr Op push_arg(Arg arg, Line line = Line::kAny) { return plain(0, 0, 1, arg, line); }
constexpr Op push_string(Arg arg, Line line = Line::kAny) { return {arg, line, Effect::kPlain, 0, 0, 1, true}; }
constexpr Op to_mark(uint8_t need, uint8_t push, Arg arg = Arg::kNone, Line line = Line::kAny) {
  return {arg, line, Effect::kToMark, need, 0, push, false};
}

// The opcode table of Lib/pickletools.py; false for a byte that is no opcode.
bool lookup(uint8_t code, Op& op) {
  switch (code) {
    case '(': op = {Arg::kNone, Line::kAny, Effect::kMark}; return true;   // MARK
    case '.': op = {Arg::kNone, Line::kAny, Effect::kStop}; return true;   // STOP
    case '0': op = {Arg::kNone, Line::kAny, Effect::kPop}; return true;    // POP
    case '1': op = to_mark(0, 0); return true;                             // POP_MARK
    case '2': op = plain(1, 0, 1); return true;                            // DUP
    case 'F': op = push_arg(Arg::kLine, Line::kFloat); return true;        // FLOAT
    case 'I': op = push_arg(Arg::kLine, Line::kInt); return true;          // INT
    case 'J': op = push_arg(Arg::kFixed4); return true;                    // BININT
    case 'K': op = push_arg(Arg::kFixed1); return true;                    // BININT1
    case 'L': op = push_arg(Arg::kLine, Line::kLong); return true;         // LONG
    case 'M': op = push_arg(Arg::kFixed2); return true;                    // BININT2
    case 'N': op = push_arg(Arg::kNone); return true;                      // NONE
    case 'P': op = push_arg(Arg::kLine); return true;                      // PERSID
    case 'Q': op = plain(1, 1, 1); return true;                            // BINPERSID
    case 'R': op = plain(2, 2, 1); return true;                            // REDUCE
    case 'S': op = push_string(Arg::kLine, Line::kQuoted); return true;    // STRING
    case 'T': op = push_string(Arg::kLen4Signed); return true;             // BINSTRING
    case 'U': op = push_string(Arg::kLen1); return true;                   // SHORT_BINSTRING
    case 'V': op = push_string(Arg::kLine); return true;                   // UNICODE
    case 'X': op = push_string(Arg::kLen4); return true;                   // BINUNICODE
    case 'a': op = plain(2, 1, 0); return true;                            // APPEND
    case 'b': op = plain(2, 1, 0); return true;                            // BUILD
    case 'c': op = push_arg(Arg::kTwoLines, Line::kName); return true;     // GLOBAL
    case 'd': op = to_mark(0, 1); return true;                             // DICT
    case '}': op = push_arg(Arg::kNone); return true;                      // EMPTY_DICT
    case 'e': op = to_mark(1, 0); return true;                             // APPENDS
    case 'g': op = push_arg(Arg::kLine, Line::kDigits); return true;       // GET
    case 'h': op = push_arg(Arg::kFixed1); return true;                    // BINGET
    case 'i': op = to_mark(0, 1, Arg::kTwoLines, Line::kName); return true;  // INST
    case 'j': op = push_arg(Arg::kFixed4); return true;                    // LONG_BINGET
    case 'l': op = to_mark(0, 1); return true;                             // LIST
    case ']': op = push_arg(Arg::kNone); return true;                      // EMPTY_LIST
    case 'o': op = to_mark(0, 1); return true;                             // OBJ
    case 'p': op = plain(1, 0, 0, Arg::kLine, Line::kDigits); return true;  // PUT
    case 'q': op = plain(1, 0, 0, Arg::kFixed1); return true;              // BINPUT
    case 'r': op = plain(1, 0, 0, Arg::kFixed4); return true;              // LONG_BINPUT
    case 's': op = plain(3, 2, 0); return true;                            // SETITEM
    case 't': op = to_mark(0, 1); return true;                             // TUPLE
    case ')': op = push_arg(Arg::kNone); return true;                      // EMPTY_TUPLE
    case 'u': op = to_mark(1, 0); return true;                             // SETITEMS
    case 'G': op = push_arg(Arg::kFixed8); return true;                    // BINFLOAT
    case 'B': op = push_string(Arg::kLen4); return true;                   // BINBYTES (3)
    case 'C': op = push_string(Arg::kLen1); return true;                   // SHORT_BINBYTES (3)
    case 0x80: op = plain(0, 0, 0, Arg::kFixed1); return true;             // PROTO (2)
    case 0x81: op = plain(2, 2, 1); return true;                           // NEWOBJ
    case 0x82: op = push_arg(Arg::kFixed1); return true;                   // EXT1
    case 0x83: op = push_arg(Arg::kFixed2); return true;                   // EXT2
    case 0x84: op = push_arg(Arg::kFixed4); return true;                   // EXT4
    case 0x85: op = plain(1, 1, 1); return true;                           // TUPLE1
    case 0x86: op = plain(2, 2, 1); return true;                           // TUPLE2
    case 0x87: op = plain(3, 3, 1); return true;                           // TUPLE3
    case 0x88: case 0x89: op = push_arg(Arg::kNone); return true;          // NEWTRUE, NEWFALSE
    case 0x8a: op = push_arg(Arg::kLen1); return true;                     // LONG1
    case 0x8b: op = push_arg(Arg::kLen4Signed); return true;               // LONG4
    case 0x8c: op = push_string(Arg::kLen1); return true;                  // SHORT_BINUNICODE (4)
    case 0x8d: op = push_string(Arg::kLen8); return true;                  // BINUNICODE8
    case 0x8e: op = push_string(Arg::kLen8); return true;                  // BINBYTES8
    case 0x8f: op = push_arg(Arg::kNone); return true;                     // EMPTY_SET
    case 0x90: op = to_mark(1, 0); return true;                            // ADDITEMS
    case 0x91: op = to_mark(0, 1); return true;                            // FROZENSET
    case 0x92: op = plain(3, 3, 1); return true;                           // NEWOBJ_EX
    case 0x93: op = plain(2, 2, 1); return true;                           // STACK_GLOBAL (module, name)
    case 0x94: op = plain(1, 0, 0); return true;                           // MEMOIZE
    case 0x95: op = plain(0, 0, 0, Arg::kFixed8); return true;             // FRAME
    case 0x96: op = push_arg(Arg::kLen8); return true;                     // BYTEARRAY8 (5)
    case 0x97: op = push_arg(Arg::kNone); return true;                     // NEXT_BUFFER
    case 0x98: op = plain(1, 1, 1); return true;                           // READONLY_BUFFER
    default: return false;
  }
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) if (!is_digit(c)) return false;
  return true;
}

// Checks a text-line argument against what the pickler writes for it (pickle.py save_*).
bool valid_line(std::string_view s, Line kind) {
  switch (kind) {
    case Line::kAny: return true;
    case Line::kDigits: return all_digits(s);
    case Line::kInt:
      if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
      return all_digits(s);
    case Line::kLong:
      if (!s.empty() && s.back() == 'L') s.remove_suffix(1);
      if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
      return all_digits(s);
    case Line::kFloat:
      if (s.empty()) return false;
      for (char c : s) if (!is_digit(c) && std::string_view("+-.eEinfaINFA").find(c) == std::string_view::npos) return false;
      return true;
    case Line::kQuoted:
      return s.size() >= 2 && (s[0] == '\'' || s[0] == '"') && s.back() == s[0];
    case Line::kName:
      if (s.empty()) return false;
      for (char c : s) {
        auto u = static_cast<unsigned char>(c);
        if (!(is_digit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == '.' || u >= 0x80)) return false;
      }
      return true;
  }
  return false;
}

uint64_t read_le(Bytes b, size_t pos, size_t n) {
  uint64_t v = 0;
  for (size_t i = n; i-- > 0;) v = (v << 8) | b[pos + i];
  return v;
}

void note_global(std::string_view module, std::string_view name, PickleScan& out) {
  if (module.find("joblib") != std::string_view::npos || name.find("joblib") != std::string_view::npos) {
    out.mentions_joblib = true;
  }
  if (module == "torch" || module.starts_with("torch.") || module.starts_with("__torch__")) out.mentions_torch = true;
}

}  // namespace

bool has_pickle_protocol_header(Bytes bytes) {
  if (bytes.size() < 2 || bytes[0] != 0x80 || bytes[1] < 2 || bytes[1] > 5) return false;
  Op op;
  return bytes.size() == 2 || lookup(bytes[2], op);
}

PickleScan scan_pickle(Bytes bytes, size_t limit) {
  PickleScan out;
  const size_t end = bytes.size();
  const size_t scan_end = limit < end ? limit : end;
  // Stack depth of the current frame and of the frames that MARK put aside (Unpickler.metastack).
  // Deeper nesting than this is not seen in the first megabyte of real pickles.
  std::array<uint64_t, 256> marks{};
  size_t open_marks = 0;
  uint64_t depth = 0;
  // The last two items pushed, when they were string literals: STACK_GLOBAL's module and name.
  std::string_view last[2];
  size_t pos = 0;
  while (pos < scan_end) {
    const uint8_t code = bytes[pos++];
    Op op;
    if (!lookup(code, op)) return out;
    std::string_view text[2];  // line arguments
    std::string_view payload;  // length-prefixed argument
    size_t fixed = 0;
    switch (op.arg) {
      case Arg::kNone: break;
      case Arg::kFixed1: fixed = 1; break;
      case Arg::kFixed2: fixed = 2; break;
      case Arg::kFixed4: fixed = 4; break;
      case Arg::kFixed8: fixed = 8; break;
      case Arg::kLine:
      case Arg::kTwoLines:
        for (int i = 0; i < (op.arg == Arg::kLine ? 1 : 2); ++i) {
          const void* nl = pos < scan_end ? std::memchr(bytes.data() + pos, '\n', scan_end - pos) : nullptr;
          if (nl == nullptr) return out;
          size_t stop = static_cast<size_t>(static_cast<const uint8_t*>(nl) - bytes.data());
          text[i] = {reinterpret_cast<const char*>(bytes.data() + pos), stop - pos};
          if (!valid_line(text[i], op.line)) return out;
          pos = stop + 1;
        }
        break;
      case Arg::kLen1:
      case Arg::kLen4:
      case Arg::kLen4Signed:
      case Arg::kLen8: {
        size_t width = op.arg == Arg::kLen1 ? 1 : op.arg == Arg::kLen8 ? 8 : 4;
        if (end - pos < width) return out;
        uint64_t length = read_le(bytes, pos, width);
        if (op.arg == Arg::kLen4Signed && length >= 0x80000000u) return out;
        pos += width;
        if (length > end - pos) return out;  // compared, never allocated
        payload = {reinterpret_cast<const char*>(bytes.data() + pos), static_cast<size_t>(length)};
        pos += static_cast<size_t>(length);
        break;
      }
    }
    if (fixed > end - pos) return out;
    pos += fixed;

    switch (op.effect) {
      case Effect::kMark:
        if (open_marks == marks.size()) return out;
        marks[open_marks++] = depth;
        depth = 0;
        break;
      case Effect::kToMark:
        if (open_marks == 0) return out;
        depth = marks[--open_marks];
        if (depth < op.need) return out;
        depth += op.push;
        break;
      case Effect::kPop:
        if (depth > 0) {
          --depth;
        } else {
          if (open_marks == 0) return out;
          depth = marks[--open_marks];
        }
        break;
      case Effect::kStop:
        out.well_formed = depth == 1 && open_marks == 0;
        return out;
      case Effect::kPlain:
        if (depth < op.need) return out;
        depth = depth - op.pop + op.push;
        break;
    }

    if (op.arg == Arg::kTwoLines) note_global(text[0], text[1], out);
    if (code == 0x93) note_global(last[0], last[1], out);
    if (op.push > 0) {
      last[0] = last[1];
      last[1] = op.pushes_string ? (op.arg == Arg::kLine ? text[0] : payload) : std::string_view();
    }
  }
  return out;
}

}  // namespace onnx_predict::onnx
