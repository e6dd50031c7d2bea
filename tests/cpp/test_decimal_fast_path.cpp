// The strtod fast path (src/common/decimal_fast_path.h) against the C library's strtod: every
// number it accepts must be the same double, bit for bit, ending at the same character. Under
// Emscripten the tests binary is linked with -Wl,--wrap=strtod like the module, so the wrapped
// strtod is checked against musl's own (__real_strtod) as well.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "common/decimal_fast_path.h"

#ifdef __EMSCRIPTEN__
extern "C" double __real_strtod(const char* text, char** end);
#endif

namespace {

using onnx_predict::decimal_fast_path;

// The double's bits (Emscripten's libc++ has no std::bit_cast).
uint64_t bits(double v) {
  uint64_t b;
  std::memcpy(&b, &v, sizeof b);
  return b;
}

double library_strtod(const char* text, char** end) {
#ifdef __EMSCRIPTEN__
  return __real_strtod(text, end);
#else
  return std::strtod(text, end);
#endif
}

// Checks one text; returns whether the fast path took it.
bool agrees(const std::string& text) {
  char* library_end = nullptr;
  double expected = library_strtod(text.c_str(), &library_end);
  double value = 12345.0;
  const char* end = nullptr;
  bool taken = decimal_fast_path(text.c_str(), value, end);
  INFO("text: " << text);
  if (taken) {
    CHECK(bits(value) == bits(expected));
    CHECK(end == library_end);
  } else {
    CHECK(value == 12345.0);
    CHECK(end == nullptr);
  }
  char* wrapped_end = nullptr;
  double wrapped = std::strtod(text.c_str(), &wrapped_end);  // the wrapper under Emscripten
  CHECK(bits(wrapped) == bits(expected));
  CHECK(wrapped_end == library_end);
  return taken;
}

std::string formatted(const char* format, int precision, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, precision, v);
  return buf;
}

}  // namespace

TEST_CASE("decimal fast path: chosen numbers", "[decimal]") {
  for (const char* text : {"0", "-0", "0.0", "-0.0", "5.1", "3.5", "-0.25", "1200", "00012", "1e5", "1E+05", "2.5e-3",
                           "9007199254740992", "-9007199254740992", "4.9406564584124654e-324", "1.7976931348623157e308",
                           ".5", "-.5", "5.", "0e999", "0.000000000000000000000000000000000000000000000000001",
                           "1e22", "1e23", "1e-22", "1e-23", "123456789012345678", "1234567890123456789",
                           "12345678901234567890", "9007199254740993", "0.1", "0.2", "0.3", "2.2250738585072014e-308"}) {
    agrees(text);
  }
  // Accepted, with the value and the end strtod gives:
  CHECK(agrees("5.1"));
  CHECK(agrees("-0"));
  CHECK(agrees("1e22"));
  CHECK(agrees("9007199254740992"));
  CHECK(agrees("5.1, 3"));  // stops at the comma
  CHECK(agrees("2.5e-3]"));
  // Declined (strtod's alone):
  for (const char* text : {"", "-", ".", "+1", " 1", "inf", "-infinity", "nan", "0x1p3", "-0X1A", "1e", "1e+", "2E-x",
                           "1e23", "1e-23", "9007199254740993", "12345678901234567890", "1e99999999999"}) {
    CHECK_FALSE(agrees(text));
  }
}

TEST_CASE("decimal fast path: random numbers agree with strtod", "[decimal]") {
  std::mt19937_64 rng(20261205);
  std::uniform_int_distribution<int> digits(1, 19), point(0, 20), exponent(-30, 30), bit(0, 1);
  std::uniform_int_distribution<uint64_t> any;
  size_t short_taken = 0, short_total = 0;
  for (int i = 0; i < 40000; ++i) {
    // Short decimals as people and JSON.stringify write them: k digits, a point somewhere, maybe an exponent.
    std::string text = bit(rng) ? "-" : "";
    int k = digits(rng), at = point(rng);
    for (int d = 0; d < k; ++d) {
      if (d == at) text += '.';
      text += static_cast<char>('0' + rng() % 10);
    }
    if (bit(rng) && bit(rng)) text += "e" + std::to_string(exponent(rng));
    ++short_total;
    if (agrees(text)) ++short_taken;
    // Random doubles (any bit pattern but NaN and infinity) at 17 and at fewer significant digits.
    double v;
    uint64_t random_bits = any(rng);
    std::memcpy(&v, &random_bits, sizeof v);
    if (v != v || v - v != 0) continue;
    agrees(formatted("%.*g", 17, v));
    agrees(formatted("%.*g", 1 + static_cast<int>(rng() % 16), v));
    agrees(formatted("%.*f", static_cast<int>(rng() % 8), static_cast<double>(rng() % 100000) / 64.0));
  }
  // The point of the fast path: most short decimals take it.
  CHECK(short_taken > short_total / 2);
}
