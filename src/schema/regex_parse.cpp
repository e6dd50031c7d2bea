// Parser for JSON Schema `pattern`s: ECMA-262 §22.2.1 Pattern grammar with the [UnicodeMode]
// parameter set (the `u` flag), which is what the JSON-Schema-Test-Suite expects ("patterns
// always use unicode semantics"). Unicode mode is the strict grammar: no Annex B leniencies, so a
// lone `{`, `}` or `]`, `\Z`-style identity escapes and `\1` without groups are syntax errors.
// Positions in messages are code point offsets from 0.
#include <algorithm>
#include <map>
#include <string>
#include <utility>

#include "schema/regex_ast.h"

namespace onnx_predict::schema::regex_detail {

Ranges normalized(Ranges ranges) {
  std::sort(ranges.begin(), ranges.end(), [](const CodePointRange& a, const CodePointRange& b) { return a.lo < b.lo; });
  Ranges out;
  for (const CodePointRange& r : ranges) {
    if (!out.empty() && r.lo <= out.back().hi + 1) {
      out.back().hi = std::max(out.back().hi, r.hi);
    } else {
      out.push_back(r);
    }
  }
  return out;
}

Ranges complement(const Ranges& ranges) {
  Ranges out;
  uint32_t next = 0;
  for (const CodePointRange& r : ranges) {
    if (r.lo > next) out.push_back({next, r.lo - 1});
    next = r.hi + 1;
  }
  if (next <= kMaxCodePoint) out.push_back({next, kMaxCodePoint});
  return out;
}

CharSet::CharSet(Ranges ranges) : ranges_(normalized(std::move(ranges))) {
  for (const CodePointRange& r : ranges_) {
    for (uint32_t c = r.lo; c <= r.hi && c < 128; ++c) ascii_[c >> 6] |= uint64_t{1} << (c & 63);
  }
}

namespace {

constexpr int kMaxGroupDepth = 256;
constexpr uint32_t kNone = UINT32_MAX;  // peek() past the end

// §22.2.2.9 CharacterClassEscape: \d, \w (ASCII, as no `i` flag is set) and \s, which is
// WhiteSpace (§12.2: TAB VT FF ZWNBSP and category Zs) plus LineTerminator (§12.3: LF CR LS PS).
const Ranges kDigits = {{'0', '9'}};
const Ranges kWordCharacters = {{'0', '9'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}};
const Ranges kWhiteSpace = {{0x09, 0x0D}, {0x20, 0x20},     {0xA0, 0xA0},     {0x1680, 0x1680}, {0x2000, 0x200A},
                            {0x2028, 0x2029}, {0x202F, 0x202F}, {0x205F, 0x205F}, {0x3000, 0x3000}, {0xFEFF, 0xFEFF}};
// §22.2.2.7: `.` without the dotAll flag matches everything but LineTerminator.
const Ranges kLineTerminators = {{'\n', '\n'}, {'\r', '\r'}, {0x2028, 0x2029}};

struct SyntaxError {
  std::string message;
};

bool is_syntax_character(uint32_t c) { return c < 128 && c != 0 && std::string_view("^$\\.*+?()[]{}|").find(char(c)) != std::string_view::npos; }
bool is_digit(uint32_t c) { return c >= '0' && c <= '9'; }
bool is_ascii_letter(uint32_t c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
int hex_value(uint32_t c) {
  if (is_digit(c)) return int(c - '0');
  if (c >= 'a' && c <= 'f') return int(c - 'a' + 10);
  if (c >= 'A' && c <= 'F') return int(c - 'A' + 10);
  return -1;
}

Node leaf(Node::Kind kind, uint32_t value) {
  Node node;
  node.kind = kind, node.value = value, node.size = 1;
  return node;
}

// n copies of something `size` instructions long, saturating just above the limit.
uint64_t times(uint64_t n, uint64_t size) { return size != 0 && n > kMaxInstructions ? kMaxInstructions + 1 : n * size; }

// One class atom: a single code point, or the set of a class escape such as \d.
struct ClassAtom {
  bool is_set = false;
  uint32_t code_point = 0;
  Ranges set;
};

class Parser {
 public:
  explicit Parser(std::vector<uint32_t> pattern) : p_(std::move(pattern)) {}

  ParsedPattern parse() {
    ParsedPattern out;
    out.root = disjunction(0);
    if (!at_end()) fail("unmatched ) at " + std::to_string(i_) + ": escape it as \\) or add the opening (");
    if (out.root.size + 1 > kMaxInstructions) too_big("the pattern", 0);
    out.sets = std::move(sets_);
    return out;
  }

 private:
  [[noreturn]] static void fail(std::string message) { throw SyntaxError{std::move(message)}; }
  [[noreturn]] static void too_big(const std::string& what, size_t pos) {
    fail(what + at(pos) + " compiles to more than " + std::to_string(kMaxInstructions) +
         " instructions; use smaller repetition counts");
  }
  static std::string at(size_t pos) { return " at " + std::to_string(pos); }

  bool at_end() const { return i_ >= p_.size(); }
  uint32_t peek(size_t k = 0) const { return i_ + k < p_.size() ? p_[i_ + k] : kNone; }
  std::string text(size_t from, size_t to) const {  // the pattern's [from, to) when ASCII, for messages
    std::string s;
    for (size_t k = from; k < to && k < p_.size(); ++k) s += p_[k] < 128 ? char(p_[k]) : '?';
    return s;
  }

  // Equal sets share one entry, so `\S{50000}` or 50,000 dots hold one set, not 50,000.
  Node set_node(Ranges ranges) {
    ranges = normalized(std::move(ranges));
    std::vector<uint64_t> key;
    for (const CodePointRange& r : ranges) key.push_back(uint64_t{r.lo} << 32 | r.hi);
    auto [it, added] = set_index_.try_emplace(std::move(key), uint32_t(sets_.size()));
    if (added) sets_.emplace_back(std::move(ranges));
    return leaf(Node::Kind::kSet, it->second);
  }

  // Disjunction :: Alternative ( | Alternative )*   — compiled as a chain of split/jump pairs.
  Node disjunction(int depth) {
    size_t start = i_;
    std::vector<Node> alternatives;
    alternatives.push_back(alternative(depth));
    while (peek() == '|') {
      ++i_;
      alternatives.push_back(alternative(depth));
    }
    if (alternatives.size() == 1) return std::move(alternatives[0]);
    Node node;
    node.kind = Node::Kind::kAlternate;
    node.size = 2 * (alternatives.size() - 1);
    for (const Node& a : alternatives) node.size += a.size;
    if (node.size > kMaxInstructions) too_big("alternation", start);
    node.children = std::move(alternatives);
    return node;
  }

  Node alternative(int depth) {
    Node node;
    node.kind = Node::Kind::kConcat;
    while (!at_end() && peek() != '|' && peek() != ')') {
      size_t start = i_;
      node.children.push_back(term(depth));
      node.size += node.children.back().size;
      if (node.size > kMaxInstructions) too_big("the pattern up to the term", start);
    }
    if (node.children.size() == 1) return std::move(node.children[0]);
    if (node.children.empty()) node.kind = Node::Kind::kEmpty;
    return node;
  }

  bool quantifier_follows() const { return peek() == '*' || peek() == '+' || peek() == '?' || peek() == '{'; }

  Node term(int depth) {
    size_t start = i_;
    Assertion assertion;
    if (peek() == '^') {
      assertion = Assertion::kBegin;
    } else if (peek() == '$') {
      assertion = Assertion::kEnd;
    } else if (peek() == '\\' && (peek(1) == 'b' || peek(1) == 'B')) {
      assertion = peek(1) == 'b' ? Assertion::kWordBoundary : Assertion::kNotWordBoundary;
      ++i_;
    } else {
      Node atom_node = atom(depth);
      return quantified(std::move(atom_node));
    }
    ++i_;
    if (quantifier_follows()) fail("quantifier" + at(i_) + " follows the assertion " + text(start, i_) + at(start) + ", which cannot be repeated");
    return leaf(Node::Kind::kAssert, uint32_t(assertion));
  }

  // {n}, {n,} or {n,m} at i_: on success consumes it; otherwise consumes nothing.
  bool braces(uint64_t* min, uint64_t* max) {
    size_t k = i_ + 1;
    auto number = [&](uint64_t* value) {
      size_t first = k;
      for (*value = 0; k < p_.size() && is_digit(p_[k]); ++k) *value = std::min<uint64_t>(*value * 10 + (p_[k] - '0'), uint64_t{1} << 53);
      return k > first;
    };
    if (!number(min)) return false;
    *max = *min;
    if (k < p_.size() && p_[k] == ',') {
      ++k;
      if (!number(max)) *max = kUnbounded;
    }
    if (k >= p_.size() || p_[k] != '}') return false;
    i_ = k + 1;
    return true;
  }

  // Quantifier :: QuantifierPrefix ?   (the lazy ? does not change whether a search matches)
  Node quantified(Node atom_node) {
    size_t start = i_;
    uint64_t min = 0, max = kUnbounded;
    if (peek() == '*') {
      ++i_;
    } else if (peek() == '+') {
      ++i_, min = 1;
    } else if (peek() == '?') {
      ++i_, max = 1;
    } else if (peek() == '{') {
      if (!braces(&min, &max)) fail("{" + at(start) + " is not a quantifier {n}, {n,} or {n,m}; escape a literal { as \\{");
      if (min > max) fail("quantifier " + text(start, i_) + at(start) + " has its numbers out of order");
    } else {
      return atom_node;
    }
    if (peek() == '?') ++i_;
    if (max == 0 || atom_node.size == 0) return Node{};  // only the empty string can match
    Node node;
    node.kind = Node::Kind::kRepeat;
    node.min = min, node.max = max;
    // regex.cpp emits min copies, then a loop (split, body, jump) or max-min optional copies.
    const uint64_t body = atom_node.size;
    node.size = times(min, body) + (max == kUnbounded ? body + 2 : times(max - min, body + 1));
    if (node.size > kMaxInstructions) too_big("repetition " + text(start, i_), start);
    node.children.push_back(std::move(atom_node));
    return node;
  }

  Node atom(int depth) {
    size_t start = i_;
    uint32_t c = p_[i_++];
    switch (c) {
      case '.': return set_node(complement(kLineTerminators));
      case '(': return group(depth, start);
      case '[': return character_class(start);
      case '\\': {
        ClassAtom escape = atom_escape(start, false);
        return escape.is_set ? set_node(std::move(escape.set)) : leaf(Node::Kind::kChar, escape.code_point);
      }
      case '*': case '+': case '?':
        fail("quantifier " + text(start, i_) + at(start) + " has nothing to repeat; escape it as \\" + text(start, i_));
      case '{':
        --i_;
        if (uint64_t min, max; braces(&min, &max)) fail("quantifier " + text(start, i_) + at(start) + " has nothing to repeat");
        fail("lone {" + at(start) + " is not allowed in unicode mode; escape it as \\{");
      case '}': fail("lone }" + at(start) + " is not allowed in unicode mode; escape it as \\}");
      case ']': fail("lone ]" + at(start) + " is not allowed in unicode mode; escape it as \\]");
      default: return leaf(Node::Kind::kChar, c);
    }
  }

  Node group(int depth, size_t start) {
    if (depth >= kMaxGroupDepth) fail("group" + at(start) + " is nested more than " + std::to_string(kMaxGroupDepth) + " deep; flatten the pattern");
    if (peek() == '?') {
      const uint32_t kind = peek(1), after = peek(2);
      if (kind == '=') fail("lookahead (?=" + at(start) + " is not supported");
      if (kind == '!') fail("negative lookahead (?!" + at(start) + " is not supported");
      if (kind == '<' && after == '=') fail("lookbehind (?<=" + at(start) + " is not supported");
      if (kind == '<' && after == '!') fail("negative lookbehind (?<!" + at(start) + " is not supported");
      if (kind == '<') fail("named group (?<" + at(start) + " is not supported; use (?: or ( instead");
      if (kind != ':') fail("group (?" + at(start) + " is not valid ECMAScript; write (?: for a non-capturing group");
      i_ += 2;
    }
    Node inner = disjunction(depth + 1);
    if (peek() != ')') fail("group (" + at(start) + " is not closed; add the closing )");
    ++i_;
    return inner;
  }

  // CharacterClass :: [ ^? ClassContents ]   (§22.2.1; ranges between class escapes are errors)
  Node character_class(size_t start) {
    const bool negated = peek() == '^';
    if (negated) ++i_;
    Ranges ranges;
    while (true) {
      if (at_end()) fail("character class [" + at(start) + " is not closed; add the closing ]");
      if (peek() == ']') break;
      size_t first_at = i_;
      ClassAtom first = class_atom();
      if (peek() == '-' && peek(1) != ']' && peek(1) != kNone) {
        ++i_;
        ClassAtom last = class_atom();
        if (first.is_set || last.is_set) {
          fail("range" + at(first_at) + " in a character class is bounded by a class escape such as \\d; escape the - as \\-");
        }
        if (first.code_point > last.code_point) fail("range" + at(first_at) + " in a character class is out of order");
        ranges.push_back({first.code_point, last.code_point});
      } else if (first.is_set) {
        ranges.insert(ranges.end(), first.set.begin(), first.set.end());
      } else {
        ranges.push_back({first.code_point, first.code_point});
      }
    }
    ++i_;
    if (negated) ranges = complement(normalized(std::move(ranges)));
    return set_node(std::move(ranges));
  }

  ClassAtom class_atom() {
    size_t start = i_;
    uint32_t c = p_[i_++];
    if (c != '\\') return {false, c, {}};
    if (peek() == 'b') return ++i_, ClassAtom{false, 0x08, {}};  // ClassEscape :: b is backspace
    if (peek() == '-') return ++i_, ClassAtom{false, '-', {}};   // ClassEscape :: [+UnicodeMode] -
    return atom_escape(start, true);
  }

  // The escape after the \ at `start` (i_ is past the \): CharacterClassEscape or CharacterEscape.
  ClassAtom atom_escape(size_t start, bool in_class) {
    if (at_end()) fail("\\" + at(start) + " ends the pattern; escape a literal backslash as \\\\");
    const uint32_t c = p_[i_++];
    const std::string escape = text(start, i_);  // \ and the letter
    switch (c) {
      case 'd': return {true, 0, kDigits};
      case 'D': return {true, 0, complement(kDigits)};
      case 'w': return {true, 0, kWordCharacters};
      case 'W': return {true, 0, complement(kWordCharacters)};
      case 's': return {true, 0, normalized(kWhiteSpace)};
      case 'S': return {true, 0, complement(normalized(kWhiteSpace))};
      case 'p': case 'P': fail("Unicode property escape " + escape + at(start) + " is not supported");
      case 'k': fail("named back reference \\k" + at(start) + " is not supported");
      case 'f': return {false, '\f', {}};
      case 'n': return {false, '\n', {}};
      case 'r': return {false, '\r', {}};
      case 't': return {false, '\t', {}};
      case 'v': return {false, '\v', {}};
      case 'c':
        if (!is_ascii_letter(peek())) fail("\\c" + at(start) + " must be followed by an ASCII letter (\\cA to \\cZ)");
        return {false, p_[i_++] % 32, {}};
      case '0':
        if (is_digit(peek())) fail("octal escape \\0" + text(i_, i_ + 1) + at(start) + " is not allowed; write \\x hex escapes");
        return {false, 0, {}};
      case 'x': {
        uint32_t value = 0;
        if (!hex_digits(2, &value)) fail("\\x" + at(start) + " must be followed by two hex digits");
        return {false, value, {}};
      }
      case 'u': return {false, unicode_escape(start), {}};
      default: break;
    }
    if (is_digit(c)) fail(in_class ? "escape " + escape + at(start) + " is not allowed in a character class" : "back reference " + escape + at(start) + " is not supported");
    if (is_syntax_character(c) || c == '/') return {false, c, {}};  // IdentityEscape[+UnicodeMode]
    fail("escape " + (c < 128 ? escape : std::string("\\ + non-ASCII")) + at(start) +
         " is not valid in unicode mode; only ^$\\.*+?()[]{}|/ (and - in a class) can be escaped");
  }

  bool hex_digits(size_t count, uint32_t* value) {
    uint32_t v = 0;
    for (size_t k = 0; k < count; ++k) {
      int h = hex_value(peek(k));
      if (h < 0) return false;
      v = v * 16 + uint32_t(h);
    }
    i_ += count, *value = v;
    return true;
  }

  // \uHHHH, \u{H...} and, in unicode mode, a surrogate pair \uHHHH\uHHHH as one code point.
  uint32_t unicode_escape(size_t start) {
    uint32_t value = 0;
    if (peek() == '{') {
      size_t k = 1;
      for (; hex_value(peek(k)) >= 0; ++k) {
        value = value * 16 + uint32_t(hex_value(peek(k)));
        if (value > kMaxCodePoint) fail("\\u{...}" + at(start) + " is above U+10FFFF");
      }
      if (k == 1 || peek(k) != '}') fail("\\u{" + at(start) + " must be hex digits and a closing }");
      i_ += k + 1;
      return value;
    }
    if (!hex_digits(4, &value)) fail("\\u" + at(start) + " must be followed by four hex digits or {hex digits}");
    if (value >= 0xD800 && value <= 0xDBFF && peek() == '\\' && peek(1) == 'u') {
      size_t lead_end = i_;
      uint32_t trail = 0;
      i_ += 2;
      if (hex_digits(4, &trail) && trail >= 0xDC00 && trail <= 0xDFFF) return 0x10000 + ((value - 0xD800) << 10) + (trail - 0xDC00);
      i_ = lead_end;
    }
    return value;
  }

  std::vector<uint32_t> p_;  // the pattern's code points
  size_t i_ = 0;
  std::vector<CharSet> sets_;
  std::map<std::vector<uint64_t>, uint32_t> set_index_;  // a set's ranges -> its index in sets_
};

}  // namespace

bool parse_pattern(std::string_view pattern, ParsedPattern* out, std::string* error) {
  std::vector<uint32_t> code_points;
  code_points.reserve(pattern.size());
  for (size_t pos = 0; pos < pattern.size();) {
    uint32_t c = 0;
    bool well_formed = false;
    size_t length = decode_utf8(pattern, pos, &c, &well_formed);
    if (!well_formed) {
      *error = "pattern is not valid UTF-8 at byte " + std::to_string(pos);
      return false;
    }
    code_points.push_back(c);
    pos += length;
  }
  try {
    *out = Parser(std::move(code_points)).parse();
    return true;
  } catch (const SyntaxError& e) {
    *error = e.message;
    return false;
  }
}

}  // namespace onnx_predict::schema::regex_detail
