#include "common/decimal_fast_path.h"

#include <cstdint>

namespace onnx_predict {

namespace {

constexpr double kPowersOfTen[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                   1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
constexpr int kMaxExactPower = 22;
constexpr uint64_t kMaxExactInteger = uint64_t{1} << 53;
constexpr int kMaxSignificantDigits = 19;  // 10^19 - 1 < 2^64

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

bool decimal_fast_path(const char* text, double& value, const char*& end) {
  const char* p = text;
  bool negative = *p == '-';
  if (negative) ++p;
  if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) return false;  // hexadecimal: strtod's
  uint64_t mantissa = 0;
  int significant = 0, exponent = 0;
  bool any_digit = false;
  auto take = [&](char c) {  // one digit of the significand
    any_digit = true;
    if (mantissa == 0 && c == '0') return;  // a leading zero
    ++significant;
    mantissa = mantissa * 10 + static_cast<uint64_t>(c - '0');
  };
  for (; is_digit(*p); ++p) {
    take(*p);
    if (significant > kMaxSignificantDigits) return false;
  }
  if (*p == '.') {
    for (++p; is_digit(*p); ++p) {
      take(*p);
      if (significant > kMaxSignificantDigits) return false;
      if (--exponent < -kMaxExactPower - kMaxSignificantDigits) return false;  // leading zeros past any exact result
    }
  }
  if (!any_digit) return false;
  if (*p == 'e' || *p == 'E') {
    const char* q = p + 1;
    bool negative_exponent = *q == '-';
    if (*q == '-' || *q == '+') ++q;
    if (!is_digit(*q)) return false;  // strtod stops before the `e`: let it
    int written = 0;
    for (; is_digit(*q); ++q) {
      if (written > 9999) return false;
      written = written * 10 + (*q - '0');
    }
    exponent += negative_exponent ? -written : written;
    p = q;
  }
  if (mantissa > kMaxExactInteger) return false;
  double m = static_cast<double>(mantissa);
  if (mantissa == 0) {
    value = negative ? -0.0 : 0.0;
  } else if (exponent < -kMaxExactPower || exponent > kMaxExactPower) {
    return false;
  } else {
    double magnitude = exponent < 0 ? m / kPowersOfTen[-exponent] : m * kPowersOfTen[exponent];
    value = negative ? -magnitude : magnitude;
  }
  end = p;
  return true;
}

}  // namespace onnx_predict

#ifdef __EMSCRIPTEN__
// The wasm link's -Wl,--wrap=strtod sends every strtod call here; __real_strtod is musl's.
extern "C" double __real_strtod(const char* text, char** end);
extern "C" double __wrap_strtod(const char* text, char** end) {
  double value;
  const char* stop;
  if (onnx_predict::decimal_fast_path(text, value, stop)) {
    if (end) *end = const_cast<char*>(stop);
    return value;
  }
  return __real_strtod(text, end);
}
#endif
