#include "decode/decoder.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <string_view>
#include <unordered_map>

#ifdef __wasm_simd128__
#include <wasm_simd128.h>
#endif

#include "common/error.h"
#include "onnx/data_type.h"

namespace onnx_predict::decode {

namespace {

using schema::OutputSpec;

// ONNX Runtime hands out little-endian buffers (onnx.proto: raw_data is little-endian); both
// targets (x86-64/arm64 natively, wasm32) are little-endian, so elements are read with memcpy.
static_assert(std::endian::native == std::endian::little, "the decoder reads little-endian tensors in place");

[[noreturn]] void fail(ErrorCode code, const std::string& path, const std::string& message) {
  throw Error(code, message, path);
}

std::string type_name(int32_t data_type) {
  std::string_view name = onnx::data_type_info(data_type).name;
  return name.empty() ? "data_type " + std::to_string(data_type) : std::string(name);
}

// The element types a result can show: numbers, bools and strings. Not complex, float8 or the
// 4-bit types, which would need a JSON convention of their own.
bool decodable(int32_t data_type) {
  switch (data_type) {
    case onnx::kBool: case onnx::kInt8: case onnx::kUint8: case onnx::kInt16: case onnx::kUint16: case onnx::kInt32:
    case onnx::kUint32: case onnx::kInt64: case onnx::kUint64: case onnx::kFloat16: case onnx::kBfloat16:
    case onnx::kFloat: case onnx::kDouble: case onnx::kString: return true;
    default: return false;
  }
}

std::string dims_text(const std::vector<int64_t>& dims) {
  std::string text = "[";
  for (size_t i = 0; i < dims.size(); ++i) text += (i ? ", " : "") + std::to_string(dims[i]);
  return text + "]";
}

bool is_float(int32_t t) { return t == onnx::kFloat || t == onnx::kDouble || t == onnx::kFloat16 || t == onnx::kBfloat16; }

// A tensor whose buffers have been checked against its dims: every index below `count` is in bounds.
struct View {
  const OutputTensor* tensor = nullptr;
  std::string path;   // "output.<name>", for errors
  size_t width = 0;   // elements per batch row: the product of dims[1..]
  size_t rank() const { return tensor->dims.size(); }
  int32_t type() const { return tensor->data_type; }
};

View check_tensor(const OutputTensor& t, std::string path, size_t rows) {
  View v{&t, std::move(path)};
  const std::string what = "output '" + t.name + "'";
  if (onnx::data_type_info(t.data_type).name.empty()) {
    fail(ErrorCode::kInvalidArgument, v.path, what + " has data_type " + std::to_string(t.data_type) +
                                                  ", which onnx.proto does not define: pass TensorProto.DataType values");
  }
  // The row width (dims[1..]) and element count, refusing negative dims and overflow before
  // anything is sized from them. The width is checked on its own: [0, 2^40, 2^40] holds no element
  // but its rows would still claim 2^80.
  auto multiply = [&](uint64_t a, int64_t d) {
    if (d < 0) fail(ErrorCode::kInvalidArgument, v.path, what + " has a negative dimension " + std::to_string(d));
    uint64_t u = static_cast<uint64_t>(d);
    if (u != 0 && a > std::numeric_limits<size_t>::max() / u) {
      fail(ErrorCode::kInvalidArgument, v.path, what + " has dims " + dims_text(t.dims) + " whose product overflows");
    }
    return a * u;
  };
  uint64_t width = 1;
  for (size_t i = 1; i < t.dims.size(); ++i) width = multiply(width, t.dims[i]);
  uint64_t count = t.dims.empty() ? 1 : multiply(width, t.dims[0]);
  if (t.data_type == onnx::kString) {
    if (t.strings.size() != count) {
      fail(ErrorCode::kInvalidArgument, v.path, what + " has " + std::to_string(t.strings.size()) +
                                                    " strings but its dims hold " + std::to_string(count) + " elements");
    }
  } else {
    uint64_t expected = onnx::raw_byte_size(t.data_type, count);  // saturates instead of overflowing
    size_t bytes = t.unread_bytes ? *t.unread_bytes : t.data.size();
    if (bytes != expected) {
      fail(ErrorCode::kInvalidArgument, v.path, what + " has " + std::to_string(bytes) + " bytes of data but " +
                                                    std::to_string(count) + " " + type_name(t.data_type) +
                                                    " elements need " + std::to_string(expected));
    }
  }
  if (!decodable(t.data_type)) {
    fail(ErrorCode::kSchemaMismatch, v.path, what + " holds " + type_name(t.data_type) +
                                                 " elements, which onnx-predict cannot decode: cast it to float32 in the model");
  }
  if (t.dims.empty() || static_cast<uint64_t>(t.dims[0]) != rows) {
    std::string got = t.dims.empty() ? "has no batch dimension (rank 0)"
                                     : "has " + std::to_string(t.dims[0]) + " rows";
    fail(ErrorCode::kSchemaMismatch, v.path, what + " " + got + " for a batch of " + std::to_string(rows) +
                                                 ": outputs must have the batch as their first dimension (decode it in the model or leave it out of `output`)");
  }
  v.width = static_cast<size_t>(width);
  return v;
}

template <class T>
T load(const View& v, size_t i) {
  T value;
  std::memcpy(&value, v.tensor->data.data() + i * sizeof(T), sizeof(T));
  return value;
}

// IEEE 754 binary16 → the double of equal value (every half is exactly representable).
double half_to_double(uint16_t h) {
  int exponent = (h >> 10) & 0x1f;
  double mantissa = h & 0x3ff;
  double magnitude;
  if (exponent == 0) magnitude = std::ldexp(mantissa, -24);  // zero and subnormals
  else if (exponent == 31) magnitude = mantissa == 0 ? std::numeric_limits<double>::infinity() : std::numeric_limits<double>::quiet_NaN();
  else magnitude = std::ldexp(mantissa + 1024, exponent - 25);
  return (h & 0x8000) ? -magnitude : magnitude;
}

// bfloat16 is the top half of a float32.
// (memcpy, not std::bit_cast: Emscripten 3.1.6's libc++ lacks it.)
double bfloat16_to_double(uint16_t b) {
  uint32_t bits = static_cast<uint32_t>(b) << 16;
  float f;
  std::memcpy(&f, &bits, 4);
  return static_cast<double>(f);
}

// Element i of a float tensor, as a double of equal value.
double float_at(const View& v, size_t i) {
  switch (v.type()) {
    case onnx::kFloat: return static_cast<double>(load<float>(v, i));
    case onnx::kDouble: return load<double>(v, i);
    case onnx::kFloat16: return half_to_double(load<uint16_t>(v, i));
    default: return bfloat16_to_double(load<uint16_t>(v, i));
  }
}

// Element i of an integer tensor (int32 or int64: the label types).
int64_t integer_at(const View& v, size_t i) {
  return v.type() == onnx::kInt64 ? load<int64_t>(v, i) : load<int32_t>(v, i);
}

Json element_at(const View& v, size_t i) {
  switch (v.type()) {
    case onnx::kFloat: case onnx::kDouble: case onnx::kFloat16: case onnx::kBfloat16: return float_at(v, i);
    case onnx::kInt8: return static_cast<int64_t>(load<int8_t>(v, i));
    case onnx::kInt16: return static_cast<int64_t>(load<int16_t>(v, i));
    case onnx::kInt32: return static_cast<int64_t>(load<int32_t>(v, i));
    case onnx::kInt64: return load<int64_t>(v, i);
    case onnx::kUint8: return static_cast<int64_t>(load<uint8_t>(v, i));
    case onnx::kUint16: return static_cast<int64_t>(load<uint16_t>(v, i));
    case onnx::kUint32: return static_cast<int64_t>(load<uint32_t>(v, i));
    case onnx::kUint64: return load<uint64_t>(v, i);
    case onnx::kBool: return v.tensor->data[i] != 0;
    default: return v.tensor->strings[i];  // kString; check_tensor refused every other type
  }
}

// dims[from..] of the tensor as nested arrays, reading elements from `offset` on.
Json nested_at(const View& v, size_t from, size_t& offset) {
  Json array = Json::array();
  size_t n = static_cast<size_t>(v.tensor->dims[from]);
  for (size_t i = 0; i < n; ++i) {
    if (from + 1 == v.rank()) array.push_back(element_at(v, offset++));
    else array.push_back(nested_at(v, from + 1, offset));
  }
  return array;
}

// A float32/float64 output's elements are the column's numbers as they are: no copy (DecodedColumn).
bool pass_through(const View& v, size_t output, DecodedColumn& out) {
  if (v.type() != onnx::kFloat && v.type() != onnx::kDouble) return false;
  out.numbers_output = output;
  out.numbers_tensor = v.tensor;
  return true;
}

// Rank 1 or [rows, 1]: one element per row.
bool one_per_row(const View& v) { return v.rank() == 1 || (v.rank() == 2 && v.tensor->dims[1] == 1); }

void require_float(const OutputSpec& spec, const View& v) {
  if (!is_float(v.type())) {
    fail(ErrorCode::kSchemaMismatch, v.path, "kind " + std::string(spec.kind == OutputSpec::Kind::kTopK ? "top_k" : "probabilities") +
                                                 " needs a float tensor; output '" + spec.from + "' is " + type_name(v.type()));
  }
}

// [rows, C] with C equal to the spec's class count when it names classes.
void require_class_columns(const OutputSpec& spec, const View& v) {
  if (v.rank() != 2) {
    fail(ErrorCode::kSchemaMismatch, v.path, "output '" + spec.from + "' has rank " + std::to_string(v.rank()) +
                                                 "; per-class scores must be [batch, classes] (use kind raw for other shapes)");
  }
  if (!spec.classes.empty() && v.width != spec.classes.size()) {
    fail(ErrorCode::kSchemaMismatch, v.path + ".classes", "names " + std::to_string(spec.classes.size()) +
                                                              " classes but output '" + spec.from + "' has " + std::to_string(v.width) + " columns");
  }
}

bool is_integer(int32_t t) {
  switch (t) {
    case onnx::kInt8: case onnx::kUint8: case onnx::kInt16: case onnx::kUint16: case onnx::kInt32:
    case onnx::kUint32: case onnx::kInt64: case onnx::kUint64: return true;
    default: return false;
  }
}

// Element i of a float or integer tensor as a double (integers beyond 2^53 round).
double number_at(const View& v, size_t i) {
  if (is_float(v.type())) return float_at(v, i);
  switch (v.type()) {
    case onnx::kInt8: return load<int8_t>(v, i);
    case onnx::kUint8: return load<uint8_t>(v, i);
    case onnx::kInt16: return load<int16_t>(v, i);
    case onnx::kUint16: return load<uint16_t>(v, i);
    case onnx::kInt32: return load<int32_t>(v, i);
    case onnx::kUint32: return load<uint32_t>(v, i);
    case onnx::kInt64: return static_cast<double>(load<int64_t>(v, i));
    default: return static_cast<double>(load<uint64_t>(v, i));  // kUint64
  }
}

// Whether every 64-bit integer in the first `count` elements is a double of equal value (|x| ≤ 2^53).
bool integers_fit_double(const View& v, size_t count) {
  constexpr uint64_t kMaxExact = uint64_t{1} << 53;
  for (size_t i = 0; i < count; ++i) {
    if (v.type() == onnx::kInt64) {
      int64_t x = load<int64_t>(v, i);
      if (x > static_cast<int64_t>(kMaxExact) || x < -static_cast<int64_t>(kMaxExact)) return false;
    } else if (v.type() == onnx::kUint64 && load<uint64_t>(v, i) > kMaxExact) {
      return false;
    }
  }
  return true;
}

// Elements as JSON, one per row or an array of `width` per row.
void decode_json_elements(const View& v, size_t rows, bool scalar, DecodedColumn& out) {
  out.form = DecodedColumn::Form::kJson;
  out.json.reserve(rows);
  for (size_t r = 0; r < rows; ++r) {
    if (scalar) {
      out.json.push_back(element_at(v, r));
      continue;
    }
    Json row = Json::array();
    for (size_t c = 0; c < v.width; ++c) row.push_back(element_at(v, r * v.width + c));
    out.json.push_back(std::move(row));
  }
}

// The elements of each row, one (`scalar`) or `width` of them: numbers (integral for integer
// tensors); bools, strings and 64-bit integers a double cannot hold as JSON, exactly.
void decode_elements(const View& v, size_t output, size_t rows, bool scalar, DecodedColumn& out) {
  if ((!is_float(v.type()) && !is_integer(v.type())) || !integers_fit_double(v, rows * v.width)) {
    return decode_json_elements(v, rows, scalar, out);
  }
  out.form = scalar ? DecodedColumn::Form::kNumber : DecodedColumn::Form::kNumbers;
  out.integral = is_integer(v.type());
  out.width = scalar ? 1 : v.width;
  if (pass_through(v, output, out)) return;  // (scalar: [rows] or [rows, 1], one element per row either way)
  out.numbers.resize(rows * out.width);
  for (size_t i = 0; i < out.numbers.size(); ++i) out.numbers[i] = number_at(v, i);
}

// Integer labels as class indices: whether every one is in [0, classes). One branch-free pass;
// the caller finds and reports a label outside. With wasm SIMD, 4 labels per step as 32-bit lanes:
// a label is inside when its high word (int64) is 0 and its low word is below `classes` unsigned
// (a negative one wraps above it). clang 14 vectorizes the scalar loop with a lane extract and
// scalar compare per int64, which ran at about a third of this speed.
template <class I>
bool class_indices(const View& v, size_t rows, size_t classes, uint32_t* out) {
  const uint8_t* data = v.tensor->data.data();
  uint8_t outside = 0;
  size_t r = 0;
#ifdef __wasm_simd128__
  if (classes <= static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
    const v128_t limit = wasm_i32x4_splat(static_cast<int32_t>(classes));
    v128_t bad = wasm_i32x4_splat(0);
    for (; r + 4 <= rows; r += 4) {
      const uint8_t* at = data + r * sizeof(I);
      v128_t low = wasm_v128_load(at);
      if constexpr (sizeof(I) == 8) {
        v128_t second = wasm_v128_load(at + 16);
        bad = wasm_v128_or(bad, wasm_i32x4_shuffle(low, second, 1, 3, 5, 7));  // high words
        low = wasm_i32x4_shuffle(low, second, 0, 2, 4, 6);
      }
      bad = wasm_v128_or(bad, wasm_u32x4_ge(low, limit));
      wasm_v128_store(out + r, low);
    }
    outside = wasm_v128_any_true(bad);
  }
#endif
  for (; r < rows; ++r) {
    I label;
    std::memcpy(&label, data + r * sizeof(I), sizeof(I));
    outside |= static_cast<uint64_t>(static_cast<int64_t>(label)) >= classes;  // negative labels wrap to huge
    out[r] = static_cast<uint32_t>(label);
  }
  return !outside;
}

void decode_label(const OutputSpec& spec, const View& v, size_t output, size_t rows, DecodedColumn& out) {
  if (v.type() != onnx::kInt64 && v.type() != onnx::kInt32 && v.type() != onnx::kString) {
    fail(ErrorCode::kSchemaMismatch, v.path, "a label comes from an int64, int32 or string tensor; output '" + spec.from +
                                                 "' is " + type_name(v.type()) + " (use kind value or raw)");
  }
  if (!one_per_row(v)) {
    fail(ErrorCode::kSchemaMismatch, v.path, "a label output has one element per row ([batch] or [batch, 1]); output '" +
                                                 spec.from + "' has dims " + dims_text(v.tensor->dims) + " (use kind raw)");
  }
  if (spec.classes.empty() && v.type() != onnx::kString) return decode_elements(v, output, rows, true, out);  // the integer itself
  out.form = DecodedColumn::Form::kName;
  out.indices.resize(rows);
  if (v.type() == onnx::kString) {
    // Each distinct label crosses once: names holds them, indices point into it.
    std::unordered_map<std::string_view, uint32_t> seen;
    for (size_t r = 0; r < rows; ++r) {
      const std::string& label = v.tensor->strings[r];
      auto [it, added] = seen.try_emplace(label, static_cast<uint32_t>(out.names.size()));
      if (added) out.names.push_back(label);
      out.indices[r] = it->second;
    }
    return;
  }
  out.names = spec.classes;
  const bool in_range = v.type() == onnx::kInt64 ? class_indices<int64_t>(v, rows, spec.classes.size(), out.indices.data())
                                                  : class_indices<int32_t>(v, rows, spec.classes.size(), out.indices.data());
  if (in_range) return;
  for (size_t r = 0; r < rows; ++r) {  // the first label outside the classes, for the message
    int64_t index = integer_at(v, r);
    if (index < 0 || static_cast<uint64_t>(index) >= spec.classes.size()) {
      fail(ErrorCode::kSchemaMismatch, v.path + ".classes",
           "the model returned label " + std::to_string(index) + " for row " + std::to_string(r) + " but `classes` names only " +
               std::to_string(spec.classes.size()) + ": list every class the model can predict, in its order");
    }
    out.indices[r] = static_cast<uint32_t>(index);
  }
}

void decode_probabilities(const OutputSpec& spec, const View& v, size_t output, size_t rows, DecodedColumn& out) {
  require_float(spec, v);
  require_class_columns(spec, v);
  out.form = spec.classes.empty() ? DecodedColumn::Form::kNumbers : DecodedColumn::Form::kNamedNumbers;
  out.names = spec.classes;
  out.width = v.width;
  if (pass_through(v, output, out)) return;
  out.numbers.resize(rows * v.width);
  for (size_t i = 0; i < out.numbers.size(); ++i) out.numbers[i] = float_at(v, i);
}

void decode_value(const OutputSpec& spec, const View& v, size_t output, size_t rows, DecodedColumn& out) {
  if (v.rank() > 2) {
    fail(ErrorCode::kSchemaMismatch, v.path, "a value output is [batch] or [batch, n]; output '" + spec.from + "' has rank " +
                                                 std::to_string(v.rank()) + " (use kind raw)");
  }
  decode_elements(v, output, rows, one_per_row(v), out);
}

void decode_top_k(const OutputSpec& spec, const View& v, size_t rows, DecodedColumn& out) {
  require_float(spec, v);
  require_class_columns(spec, v);
  if (spec.k > v.width) {
    fail(ErrorCode::kSchemaMismatch, v.path + ".k", "asks for the top " + std::to_string(spec.k) + " classes but output '" +
                                                        spec.from + "' has " + std::to_string(v.width) + " columns");
  }
  out.form = DecodedColumn::Form::kTopK;
  out.names = spec.classes;
  out.width = spec.k;
  out.numbers.resize(rows * spec.k);
  out.indices.resize(rows * spec.k);
  std::vector<size_t> order(v.width);
  std::vector<double> scores(v.width);
  for (size_t r = 0; r < rows; ++r) {
    for (size_t c = 0; c < v.width; ++c) {
      order[c] = c;
      scores[c] = float_at(v, r * v.width + c);
    }
    // Descending score, ties by ascending index; NaN after every number so the order stays a
    // strict weak ordering (std::partial_sort's requirement) whatever the model returns.
    auto before = [&](size_t a, size_t b) {
      bool nan_a = std::isnan(scores[a]), nan_b = std::isnan(scores[b]);
      if (nan_a != nan_b) return nan_b;
      if (!nan_a && scores[a] != scores[b]) return scores[a] > scores[b];
      return a < b;
    };
    std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(spec.k), order.end(), before);
    for (size_t i = 0; i < spec.k; ++i) {
      out.indices[r * spec.k + i] = static_cast<uint32_t>(order[i]);
      out.numbers[r * spec.k + i] = scores[order[i]];
    }
  }
}

void decode_raw(const View& v, size_t rows, DecodedColumn& out) {
  out.form = DecodedColumn::Form::kJson;
  out.json.reserve(rows);
  for (size_t r = 0; r < rows; ++r) {
    if (v.rank() == 1) {
      out.json.push_back(element_at(v, r));
    } else {
      size_t offset = r * v.width;
      out.json.push_back(nested_at(v, 1, offset));
    }
  }
}

Json number_json(double x, bool integral) {
  if (integral && std::abs(x) < 9223372036854775808.0) return static_cast<int64_t>(x);
  return x;
}

std::string output_names(const std::vector<OutputTensor>& outputs) {
  std::string names;
  for (const OutputTensor& t : outputs) names += (names.empty() ? "'" : ", '") + t.name + "'";
  return names.empty() ? "none" : names;
}

}  // namespace

double DecodedColumn::number(size_t i) const {
  return numbers_tensor ? float_at(View{numbers_tensor, {}, width}, i) : numbers[i];  // (pass_through: float32 or float64)
}

Json DecodedColumn::value(size_t r) const {
  switch (form) {
    case Form::kNumber: return number_json(number(r), integral);
    case Form::kName: return names[indices[r]];
    case Form::kNamedNumbers: {
      Json row = Json::object();
      for (size_t c = 0; c < width; ++c) row[names[c]] = number(r * width + c);
      return row;
    }
    case Form::kNumbers: {
      Json row = Json::array();
      for (size_t c = 0; c < width; ++c) row.push_back(number_json(number(r * width + c), integral));
      return row;
    }
    case Form::kTopK: {
      Json row = Json::array();
      for (size_t j = 0; j < width; ++j) {
        uint32_t i = indices[r * width + j];
        Json cls = names.empty() ? Json(static_cast<int64_t>(i)) : Json(names[i]);
        row.push_back(Json{{"class", std::move(cls)}, {"probability", numbers[r * width + j]}});
      }
      return row;
    }
    case Form::kJson: return json[r];
  }
  return nullptr;
}

std::vector<DecodedColumn> decode_columns(const std::vector<OutputSpec>& specs, const std::vector<OutputTensor>& outputs,
                                          size_t rows) {
  std::vector<OutputSpec> raw_specs;
  if (specs.empty()) {
    // No `output` section: every output, raw, under its own name (docs/schema.md "Derived schemas").
    for (const OutputTensor& t : outputs) raw_specs.push_back({t.name, t.name, OutputSpec::Kind::kRaw, {}, 0});
  }
  const std::vector<OutputSpec>& in_force = specs.empty() ? raw_specs : specs;

  // Check every tensor in use before decoding any, so a bad buffer fails fast and whole.
  std::vector<View> views;
  std::vector<size_t> output_of;  // views[i] is outputs[output_of[i]]
  views.reserve(in_force.size());
  for (const OutputSpec& spec : in_force) {
    auto found = std::find_if(outputs.begin(), outputs.end(), [&](const OutputTensor& t) { return t.name == spec.from; });
    std::string path = "output." + spec.name;
    if (found == outputs.end()) {
      fail(ErrorCode::kSchemaMismatch, path, "the model returned no output '" + spec.from + "' (its outputs: " +
                                                 output_names(outputs) + "): fix `from` in the schema's output section");
    }
    if (found->unread_bytes && reads_elements(specs, found->name, found->data_type)) {
      fail(ErrorCode::kInvalidArgument, path, "output '" + found->name + "' came without its elements, which decoding reads");
    }
    views.push_back(check_tensor(*found, std::move(path), rows));
    output_of.push_back(static_cast<size_t>(found - outputs.begin()));
  }

  std::vector<DecodedColumn> columns(in_force.size());
  for (size_t i = 0; i < in_force.size(); ++i) {
    const OutputSpec& spec = in_force[i];
    DecodedColumn& column = columns[i];
    column.name = spec.name;
    switch (spec.kind) {
      case OutputSpec::Kind::kLabel: decode_label(spec, views[i], output_of[i], rows, column); break;
      case OutputSpec::Kind::kProbabilities: decode_probabilities(spec, views[i], output_of[i], rows, column); break;
      case OutputSpec::Kind::kValue: decode_value(spec, views[i], output_of[i], rows, column); break;
      case OutputSpec::Kind::kTopK: decode_top_k(spec, views[i], rows, column); break;
      case OutputSpec::Kind::kRaw: decode_raw(views[i], rows, column); break;
    }
  }
  return columns;
}

std::vector<Json> decode_outputs(const std::vector<OutputSpec>& specs, const std::vector<OutputTensor>& outputs,
                                 size_t rows) {
  for (const OutputTensor& t : outputs) {  // (its objects read every number, passed through or not)
    if (t.unread_bytes) fail(ErrorCode::kInvalidArgument, "output." + t.name, "output '" + t.name + "' came without its elements");
  }
  std::vector<DecodedColumn> columns = decode_columns(specs, outputs, rows);
  std::vector<Json> results(rows, Json::object());
  for (size_t r = 0; r < rows; ++r) {
    for (const DecodedColumn& column : columns) results[r][column.name] = column.value(r);
  }
  return results;
}

bool reads_elements(const std::vector<OutputSpec>& specs, const std::string& output, int32_t data_type) {
  if (specs.empty() || (data_type != onnx::kFloat && data_type != onnx::kDouble)) return true;  // (no specs: all raw)
  return std::any_of(specs.begin(), specs.end(), [&](const OutputSpec& spec) {
    return spec.from == output && spec.kind != OutputSpec::Kind::kProbabilities && spec.kind != OutputSpec::Kind::kValue;
  });
}

std::vector<std::string> outputs_to_fetch(const std::vector<OutputSpec>& specs, const onnx::ModelInfo& model) {
  std::vector<std::string> names;
  auto add = [&](const std::string& name) {
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  };
  for (const OutputSpec& spec : specs) add(spec.from);
  if (specs.empty()) {
    for (const onnx::ValueInfo& out : model.outputs) {
      if (out.type && out.type->kind == onnx::TypeInfo::Kind::kTensor) add(out.name);
    }
  }
  return names;
}

}  // namespace onnx_predict::decode
