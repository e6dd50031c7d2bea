#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "schema/regex.h"
#include "test_support.h"

using onnx_predict::schema::Regex;

namespace {

const std::filesystem::path kSuite = "/usr/share/json-schema-test-suite/tests/draft7";
const std::filesystem::path kOracleCases = test_support::kSourceDir / "build/fixtures/regex_cases.json";

std::unique_ptr<Regex> must_compile(std::string_view pattern) {
  std::string error;
  auto regex = Regex::compile(pattern, &error);
  INFO("pattern " << pattern << ": " << error);
  REQUIRE(regex);
  return regex;
}

bool matches(std::string_view pattern, std::string_view text) { return must_compile(pattern)->search(text); }

// The compile error for `pattern`, or "" when it compiles.
std::string refusal(std::string_view pattern) {
  std::string error;
  auto regex = Regex::compile(pattern, &error);
  if (regex) return "";
  if (error.empty()) FAIL("compile failed without an error message for " << pattern);
  return error;
}

std::string utf8(char32_t c) {
  std::string s;
  if (c < 0x80) {
    s += char(c);
  } else if (c < 0x800) {
    s += char(0xC0 | (c >> 6)), s += char(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    s += char(0xE0 | (c >> 12)), s += char(0x80 | ((c >> 6) & 0x3F)), s += char(0x80 | (c & 0x3F));
  } else {
    s += char(0xF0 | (c >> 18)), s += char(0x80 | ((c >> 12) & 0x3F)), s += char(0x80 | ((c >> 6) & 0x3F)), s += char(0x80 | (c & 0x3F));
  }
  return s;
}

nlohmann::json read_json(const std::filesystem::path& path) {
  std::ifstream in(path);
  REQUIRE(in);
  return nlohmann::json::parse(in);
}

template <typename F>
double seconds(F&& f) {
  auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

TEST_CASE("A pattern matches anywhere in the input unless ^ or $ anchor it", "[regex]") {
  CHECK(matches("a+", "xxaayy"));
  CHECK(matches("", ""));
  CHECK(matches("", "anything"));
  CHECK_FALSE(matches("b", ""));
  CHECK(matches("^ab", "abc"));
  CHECK_FALSE(matches("^ab", "cab"));
  CHECK(matches("bc$", "abc"));
  CHECK_FALSE(matches("^abc$", "abc\n"));  // $ is the end of input, not of a line (no multiline flag)
  CHECK_FALSE(matches("^abc$", "x\nabc"));
  CHECK(matches("a^|b", "b"));
  CHECK_FALSE(matches("a^", "aa"));
}

TEST_CASE("Quantifiers repeat the atom before them, greedy or lazy alike", "[regex]") {
  CHECK(matches("^a{2,3}$", "aa"));
  CHECK(matches("^a{2,3}$", "aaa"));
  CHECK_FALSE(matches("^a{2,3}$", "aaaa"));
  CHECK_FALSE(matches("^a{2}$", "a"));
  CHECK(matches("^a{2,}$", "aaaaaa"));
  CHECK(matches("^a{0}$", ""));
  CHECK(matches("^(?:ab)+$", "ababab"));
  CHECK_FALSE(matches("^(?:ab)+$", "ababa"));
  CHECK(matches("^a*?b+?c??$", "aabbb"));
  CHECK(matches("^(a|bc){2,3}?$", "abca"));
  CHECK(matches("^(?:a?){3}a{3}$", "aaa"));  // the pathological backtracking case, here linear
  CHECK(matches("^(a*)*$", ""));
  CHECK(matches("^(a*)+b$", "aab"));
  CHECK(matches("^(?:)*$", ""));
  CHECK(matches("^(?:|a)*$", "aaa"));
}

TEST_CASE("Alternation and groups combine sub-patterns", "[regex]") {
  CHECK(matches("^(?:cat|dog)s?$", "dogs"));
  CHECK_FALSE(matches("^(?:cat|dog)s?$", "cow"));
  CHECK(matches("^(a|)$", ""));
  CHECK(matches("^(|||x)$", "x"));
  CHECK(matches("^((((a))))$", "a"));
  CHECK(matches("^[0-9]{3}-[0-9]{4}$", "555-1212"));
}

TEST_CASE("Character classes take ranges, negation, class escapes and literal dashes", "[regex]") {
  CHECK(matches("^[a-c]+$", "abcab"));
  CHECK_FALSE(matches("^[a-c]+$", "abd"));
  CHECK(matches("^[^a-c]$", "d"));
  CHECK_FALSE(matches("^[^a-c]$", "b"));
  CHECK(matches("^[a-zA-Z0-9_\\-]+$", "foo-bar_9"));
  CHECK(matches("^[-a]$", "-"));
  CHECK(matches("^[a-]$", "-"));
  CHECK(matches("^[\\d.]+$", "3.14"));
  CHECK(matches("^[\\s\\S]$", "\n"));
  CHECK_FALSE(matches("[]", "a"));  // the empty class matches nothing
  CHECK(matches("^[^]$", "\n"));    // and its negation anything
  CHECK(matches("^[\\b]$", "\b"));  // \b is backspace inside a class
  CHECK(matches("^[😀-😂]$", "😁"));
  CHECK(matches("^[\\u{1F600}-\\u{1F602}]$", "😁"));
  CHECK(matches("^[[]$", "["));
  CHECK(matches("^[\\]]$", "]"));
  CHECK(matches("^[a-b-c]$", "-"));  // after a range, - starts over as a literal
}

TEST_CASE("Escapes stand for the characters ECMAScript gives them", "[regex]") {
  CHECK(matches("^\\t$", "\t"));
  CHECK_FALSE(matches("^\\t$", "\\t"));
  CHECK(matches("^\\n\\r\\f\\v$", "\n\r\f\v"));
  CHECK(matches("^\\cC$", "\x03"));  // JSON-Schema-Test-Suite (later versions): \c and a letter
  CHECK(matches("^\\cc$", "\x03"));
  CHECK_FALSE(matches("^\\cC$", "\\cC"));
  CHECK(matches(std::string("^\\0$"), std::string(1, '\0')));
  CHECK(matches("^\\x41\\u0042\\u{43}$", "ABC"));
  CHECK(matches("^\\u{1F600}$", "😀"));
  CHECK(matches("^\\uD83D\\uDE00$", "😀"));  // a surrogate pair escape is one code point
  CHECK(matches("^\\u{000000000061}$", "a"));
  CHECK(matches("^\\/\\.\\*\\+\\?\\(\\)\\[\\]\\{\\}\\|\\^\\$\\\\$", "/.*+?()[]{}|^$\\"));
  CHECK(matches("^é+$", "éé"));
}

TEST_CASE("\\d and \\w are ASCII-only while \\s is ECMAScript's white space and line terminators", "[regex]") {
  CHECK(matches("^\\d$", "0"));
  CHECK_FALSE(matches("^\\d$", utf8(0x07C0)));  // NKO DIGIT ZERO
  CHECK(matches("^\\D$", utf8(0x07C0)));
  CHECK(matches("^\\w$", "_"));
  CHECK_FALSE(matches("^\\w$", "é"));
  CHECK(matches("^\\W$", "é"));
  for (char32_t c : {0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0xA0, 0x1680, 0x2000, 0x2005, 0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF}) {
    INFO("U+" << std::hex << uint32_t(c));
    CHECK(matches("^\\s$", utf8(c)));
    CHECK_FALSE(matches("^\\S$", utf8(c)));
  }
  for (char32_t c : {0x00, 0x85, 0x180E, 0x200B, 0x2060, 0xFFFD}) {
    INFO("U+" << std::hex << uint32_t(c));
    CHECK_FALSE(matches("^\\s$", utf8(c)));
    CHECK(matches("^\\S$", utf8(c)));
  }
}

TEST_CASE("Dot matches one code point but not a line terminator", "[regex]") {
  CHECK(matches("^.$", "😀"));
  CHECK(matches("^.$", "é"));
  CHECK_FALSE(matches("^..$", "😀"));
  for (char32_t c : {0x0A, 0x0D, 0x2028, 0x2029}) CHECK_FALSE(matches(".", utf8(c)));
  CHECK(matches("^.$", utf8(0x85)));
  CHECK(matches("^.$", std::string(1, '\0')));
}

TEST_CASE("Word boundaries look at ASCII word characters on either side", "[regex]") {
  CHECK(matches("\\bfoo\\b", "a foo."));
  CHECK_FALSE(matches("\\bfoo\\b", "afoo"));
  CHECK(matches("^\\b", "a"));
  CHECK_FALSE(matches("\\b", ""));
  CHECK(matches("\\B", ""));
  CHECK(matches("a\\b", "aé"));  // é is not a word character in ECMAScript without flags
  CHECK(matches("^\\B.\\B$", "é"));
}

TEST_CASE("Invalid UTF-8 in the input matches as U+FFFD, one per maximal subpart", "[regex]") {
  CHECK(matches("^\\uFFFD$", "\xFF"));
  CHECK(matches("^a\\uFFFDb$", "a\xC3" "b"));          // truncated 2-byte sequence
  CHECK(matches("^\\uFFFD$", "\xE2\x82"));             // truncated 3-byte sequence: one U+FFFD
  CHECK_FALSE(matches("^\\uFFFD{2}$", "\xED\xA0\x80"));
  CHECK(matches("^\\uFFFD{3}$", "\xED\xA0\x80"));     // an encoded surrogate: three
  CHECK(matches("^\\uFFFD{2}$", "\xC0\xAF"));          // overlong: two
  CHECK(matches("^.{4}$", "\xF4\x90\x80\x80"));        // above U+10FFFF: four
  CHECK(matches("^\\uFFFD$", "\xF0\x9F\x98"));         // truncated emoji
  CHECK_FALSE(matches("^\\uFFFD$", "\xEF\xBF\xBD\xEF\xBF\xBD"));
}

TEST_CASE("Patterns that are not ECMAScript (unicode mode) are refused with the construct and position", "[regex]") {
  CHECK_THAT(refusal("a**"), Catch::Contains("nothing to repeat") && Catch::Contains("at 2"));
  CHECK_THAT(refusal("*a"), Catch::Contains("nothing to repeat"));
  CHECK_THAT(refusal("^*"), Catch::Contains("cannot be repeated"));
  CHECK_THAT(refusal("\\b+"), Catch::Contains("cannot be repeated"));
  CHECK_THAT(refusal("(ab"), Catch::Contains("not closed"));
  CHECK_THAT(refusal("ab)"), Catch::Contains("unmatched )") && Catch::Contains("at 2"));
  CHECK_THAT(refusal("[ab"), Catch::Contains("not closed"));
  CHECK_THAT(refusal("a{"), Catch::Contains("{ at 1"));
  CHECK_THAT(refusal("a{1"), Catch::Contains("{ at 1"));
  CHECK_THAT(refusal("a{,3}"), Catch::Contains("{ at 1"));
  CHECK_THAT(refusal("{"), Catch::Contains("lone {"));
  CHECK_THAT(refusal("}"), Catch::Contains("lone }"));
  CHECK_THAT(refusal("]"), Catch::Contains("lone ]"));
  CHECK_THAT(refusal("a{3,2}"), Catch::Contains("out of order"));
  CHECK_THAT(refusal("[z-a]"), Catch::Contains("out of order"));
  CHECK_THAT(refusal("[\\d-z]"), Catch::Contains("class escape"));
  CHECK_THAT(refusal("[a-\\w]"), Catch::Contains("class escape"));
  CHECK_THAT(refusal("\\Z"), Catch::Contains("escape \\Z at 0"));
  CHECK_THAT(refusal("\\a"), Catch::Contains("not valid"));
  CHECK_THAT(refusal("\\-"), Catch::Contains("not valid"));
  CHECK_THAT(refusal("[\\B]"), Catch::Contains("not valid"));
  CHECK_THAT(refusal("\\"), Catch::Contains("ends the pattern"));
  CHECK_THAT(refusal("\\c1"), Catch::Contains("ASCII letter"));
  CHECK_THAT(refusal("\\x4"), Catch::Contains("two hex digits"));
  CHECK_THAT(refusal("\\u12"), Catch::Contains("four hex digits"));
  CHECK_THAT(refusal("\\u{110000}"), Catch::Contains("above U+10FFFF"));
  CHECK_THAT(refusal("\\u{}"), Catch::Contains("\\u{"));
  CHECK_THAT(refusal("\\01"), Catch::Contains("octal"));
  CHECK_THAT(refusal("(?x)"), Catch::Contains("(?:"));
  CHECK_THAT(refusal("ab\xC3"), Catch::Contains("not valid UTF-8 at byte 2"));
  CHECK_THAT(refusal("\xED\xA0\x80"), Catch::Contains("not valid UTF-8 at byte 0"));
}

TEST_CASE("Back references, lookaround, named groups and property escapes are refused by name", "[regex]") {
  CHECK(refusal("abc(?=d)") == "lookahead (?= at 3 is not supported");
  CHECK_THAT(refusal("(?!a)"), Catch::StartsWith("negative lookahead (?! at 0"));
  CHECK_THAT(refusal("(?<=a)"), Catch::StartsWith("lookbehind (?<= at 0"));
  CHECK_THAT(refusal("(?<!a)"), Catch::StartsWith("negative lookbehind (?<! at 0"));
  CHECK_THAT(refusal("(?<name>a)"), Catch::StartsWith("named group (?< at 0"));
  CHECK_THAT(refusal("(a)\\1"), Catch::StartsWith("back reference \\1 at 3"));
  CHECK_THAT(refusal("\\k<name>"), Catch::StartsWith("named back reference"));
  CHECK_THAT(refusal("\\p{Letter}"), Catch::StartsWith("Unicode property escape \\p at 0"));
  CHECK_THAT(refusal("[\\P{L}]"), Catch::StartsWith("Unicode property escape \\P at 1"));
}

TEST_CASE("The JSON-Schema-Test-Suite pattern tests pass", "[regex]") {
  if (!std::filesystem::exists(kSuite)) FAIL(kSuite << " is missing: run scripts/install-deps.sh (json-schema-test-suite)");
  // Every test whose schema is exactly {"pattern": P} with a string instance; returns (passed, total).
  auto run = [](const std::filesystem::path& file) {
    size_t passed = 0, total = 0;
    for (const auto& group : read_json(file)) {
      const auto& schema = group["schema"];
      if (!schema.is_object() || schema.size() != 1 || !schema.contains("pattern")) continue;
      auto regex = must_compile(schema["pattern"].get<std::string>());
      for (const auto& test : group["tests"]) {
        if (!test["data"].is_string()) continue;
        ++total;
        bool agrees = regex->search(test["data"].get<std::string>()) == test["valid"].get<bool>();
        passed += agrees;
        INFO(file.filename() << ": " << group["description"] << " / " << test["description"]);
        CHECK(agrees);
      }
    }
    return std::pair{passed, total};
  };
  auto [pattern_passed, pattern_total] = run(kSuite / "pattern.json");
  REQUIRE(pattern_total >= 3);
  REQUIRE(pattern_passed == pattern_total);
  auto [ecma_passed, ecma_total] = run(kSuite / "optional/ecmascript-regex.json");
  std::printf("regex: JSON-Schema-Test-Suite draft7 pattern.json %zu/%zu, optional/ecmascript-regex.json %zu/%zu pattern cases\n",
              pattern_passed, pattern_total, ecma_passed, ecma_total);

  // patternProperties keys are patterns too: all must compile.
  for (const auto& group : read_json(kSuite / "patternProperties.json")) {
    for (const auto& item : group["schema"]["patternProperties"].items()) must_compile(item.key());
  }
  // {"format": "regex"}: a string is a valid regex iff it compiles (the suite's \Z case).
  size_t format_cases = 0;
  for (const auto& group : read_json(kSuite / "optional/ecmascript-regex.json")) {
    if (group["schema"] != nlohmann::json{{"format", "regex"}}) continue;
    for (const auto& test : group["tests"]) {
      ++format_cases;
      INFO(test["description"]);
      CHECK(refusal(test["data"].get<std::string>()).empty() == test["valid"].get<bool>());
    }
  }
  CHECK(format_cases >= 1);
}

TEST_CASE("Matching agrees with Node's RegExp on generated cases", "[regex]") {
  if (!std::filesystem::exists(kOracleCases)) {
    FAIL(kOracleCases << " is missing: run node tests/fixtures/make_regex_cases.mjs build/fixtures/regex_cases.json");
  }
  const auto cases = read_json(kOracleCases)["cases"];
  REQUIRE(cases.size() >= 2000);
  size_t agreed = 0, refused = 0;
  for (const auto& c : cases) {
    const std::string pattern = c["pattern"];
    if (c.value("error", false)) {
      INFO("Node refuses " << pattern);
      CHECK_FALSE(refusal(pattern).empty());
      refused += 1;
      continue;
    }
    const std::string input = c["input"];
    std::string error;
    auto regex = Regex::compile(pattern, &error);
    INFO("pattern " << pattern << " input " << nlohmann::json(input).dump() << " error " << error);
    REQUIRE(regex);
    bool agrees = regex->search(input) == c["match"].get<bool>();
    CHECK(agrees);
    agreed += agrees;
  }
  std::printf("regex: Node oracle: %zu/%zu match results agree, %zu syntax errors refused alike\n", agreed, cases.size() - refused, refused);
}

TEST_CASE("Deep nesting is a compile error, not a stack overflow", "[regex]") {
  std::string deep = std::string(10000, '(') + "a" + std::string(10000, ')');
  CHECK_THAT(refusal(deep), Catch::Contains("nested more than 256"));
  CHECK_THAT(refusal(std::string(10000, '[')), Catch::Contains("not closed"));  // [ is literal inside a class
  std::string ok = std::string(200, '(') + "a" + std::string(200, ')');
  CHECK(matches(ok, "a"));
  std::string alternatives;
  for (int k = 0; k < 5000; ++k) alternatives += "(?:x|y)";  // long, but flat
  CHECK(matches("^" + alternatives + "$", std::string(5000, 'y')));
}

TEST_CASE("Oversized programs are refused before they are built", "[regex]") {
  CHECK_THAT(refusal("a{1000}{1000}"), Catch::Contains("nothing to repeat"));  // not ECMAScript either
  CHECK_THAT(refusal("(?:a{1000}){1000}"), Catch::Contains("repetition {1000} at 11") && Catch::Contains("100000 instructions"));
  CHECK_THAT(refusal("((a{100}){100}){100}"), Catch::Contains("100000 instructions"));
  CHECK_THAT(refusal("a{99999999999999999999999}"), Catch::Contains("100000 instructions"));
  CHECK_THAT(refusal("a{0,200000}"), Catch::Contains("100000 instructions"));
  CHECK_THAT(refusal(std::string(100001, 'a')), Catch::Contains("100000 instructions"));
  CHECK(matches("^(?:){99999999999999999999}$", ""));  // repeats nothing, costs nothing
  CHECK(matches("^a{0}$", ""));
  CHECK(matches("^a{50000}$", std::string(50000, 'a')));
  CHECK(matches("^" + std::string(99998, '.'), std::string(99998, '\t')));  // anchored: one thread
  CHECK(matches("a{10,}", std::string(10, 'a')));
}

TEST_CASE("Hostile inputs run in linear time", "[regex]") {
  const std::string as(100000, 'a');
  bool found = true;
  CHECK(seconds([&] { found = matches("(a*)*b", as); }) < 1.0);
  CHECK_FALSE(found);
  CHECK(seconds([&] { found = matches("^(a|a)*$", as + "!"); }) < 1.0);
  CHECK_FALSE(found);
  CHECK(seconds([&] { found = matches("(?:a?){30}a{30}", std::string(30, 'a')); }) < 1.0);
  CHECK(found);

  std::string megabyte;
  while (megabyte.size() < (1u << 20)) megabyte += "lorem ipsum dolor sit amet, é😀 ";
  // ~10 ms natively; the bound leaves room for -O0 under ASan (~1.5 s). Quadratic would take hours.
  CHECK(seconds([&] { found = matches("\\d{3}-\\d{4}", megabyte); }) < 10.0);
  CHECK_FALSE(found);
  CHECK(matches("amet, é😀 $", megabyte));
  CHECK(matches("^lorem", megabyte));
  CHECK_FALSE(matches("^ipsum", megabyte));
}

TEST_CASE("Every prefix and one-byte extension of a pattern compiles or is refused cleanly", "[regex]") {
  const std::vector<std::string> patterns = {
      "^(?:[a-z0-9._%+-]+)@[a-z0-9.-]+\\.[a-z]{2,}$", "\\u{1F600}\\uD83D\\uDE00[😀-😂]\\x41\\cJ", "(a|b)*?c{2,5}[^\\s\\d]\\b.",
      "[\\b\\-\\]]+\\0é|(?:){3}$"};
  size_t compiled = 0, refused = 0;
  for (const std::string& pattern : patterns) {
    for (size_t length = 0; length <= pattern.size(); ++length) {
      for (int extra = -1; extra < 256; ++extra) {
        std::string candidate = pattern.substr(0, length);
        if (extra >= 0) candidate += char(extra);
        std::string error;
        auto regex = Regex::compile(candidate, &error);
        if (!regex) {
          CHECK_FALSE(error.empty());
          ++refused;
          continue;
        }
        ++compiled;
        regex->search("ab" + candidate + "\xFF\xC3" + "cc 😀");
      }
    }
  }
  std::printf("regex: pattern prefixes: %zu compiled, %zu refused\n", compiled, refused);
  CHECK(compiled > 0);
}
