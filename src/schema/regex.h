// ECMAScript (ECMA-262) regular expressions as JSON Schema's `pattern` and `patternProperties`
// use them, matched in linear time: the pattern compiles to an NFA run as a Pike VM over Unicode
// code points, so no pattern and no input length can backtrack exponentially or overflow the
// stack (std::regex recurses per character). Matching is a search (JSON Schema patterns are not
// anchored): `^`/`$` anchor at the ends of the input (no multiline flag).
//
// Supported: literals and escapes (\n \t \r \f \v \0 \cX \xHH \uHHHH \u{H..} \/ and escaped
// metacharacters), `.` (any code point but line terminators), classes [...] / [^...] with ranges
// and \d \D \w \W \s \S (ECMAScript's whitespace set) inside and outside classes, `^`, `$`, \b \B,
// groups ( ), (?: ), alternation |, quantifiers * + ? {n} {n,} {n,m} and their lazy forms
// (laziness does not change whether a search matches). Not supported (compile error): back
// references, lookahead/lookbehind, named groups, Unicode property escapes \p{..}. Syntax is
// ECMAScript's strict unicode-mode (`u` flag) grammar: a lone `{` or `]`, or an identity escape
// such as `\@` or Python's `\Z`, is a compile error rather than a guess.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace onnx_predict::schema {

class Regex {
 public:
  // Compiles `pattern` (UTF-8). On failure returns nullptr and sets *error to a sentence naming
  // the construct and its position ("lookahead (?= at 3 is not supported"). Bounded: patterns
  // whose compiled program would exceed 100,000 instructions (e.g. a{1000}{1000}) are refused.
  static std::unique_ptr<Regex> compile(std::string_view pattern, std::string* error);

  // True if the pattern matches somewhere in `text` (UTF-8; invalid sequences count as U+FFFD).
  // Time O(len(text) × program size), memory O(program size); never throws.
  bool search(std::string_view text) const;

  ~Regex();
  Regex(const Regex&) = delete;
  Regex& operator=(const Regex&) = delete;

 private:
  struct Program;
  explicit Regex(std::unique_ptr<Program> program);
  std::unique_ptr<Program> program_;
};

}  // namespace onnx_predict::schema
