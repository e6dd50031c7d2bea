// Decimal text to double without strtod for the common case (JSON numbers such as 5.1, -0.25,
// 1200, 3e-5). Under Emscripten, musl's strtod computes in 128-bit long double, which wasm runs in
// software: it was about 60% of packing a batch from JSON text (bench/README.md). The wasm link
// wraps strtod (-Wl,--wrap=strtod), so nlohmann's lexer and every other caller take this path
// first and strtod only for what it declines.
#pragma once

namespace onnx_predict {

// Clinger's fast path (W. D. Clinger, "How to Read Floating Point Numbers Accurately", 1990):
// when the significant digits form an integer m ≤ 2^53 and the decimal exponent e is within ±22,
// both m and 10^|e| are exact doubles, so m × 10^e (or m / 10^-e) is a single correctly rounded
// IEEE operation: the double strtod gives. Reads `-`? digits [`.` digits] [(`e`|`E`) [`+`|`-`]
// digits] with at least one digit, as strtod would from `text`; on success sets `value` and `end`
// (just past the number) and returns true. Returns false, touching neither, for anything else:
// more than 19 significant digits, m > 2^53, |e| > 22, a leading `+`, space, `inf`, `nan`, hex,
// or an exponent marker without digits (strtod reads the number before it). The caller then uses strtod.
bool decimal_fast_path(const char* text, double& value, const char*& end);

}  // namespace onnx_predict
