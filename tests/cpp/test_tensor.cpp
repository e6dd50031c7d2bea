#include <catch2/catch.hpp>

#include <cstring>

#include "onnx/data_type.h"
#include "onnx/tensor.h"
#include "test_support.h"

using namespace onnx_predict;
using namespace onnx_predict::onnx;
using test_support::Proto;

namespace {
template <class T>
std::vector<T> values_of(const Tensor& t) {
  std::vector<T> out(t.data().size() / sizeof(T));
  std::memcpy(out.data(), t.data().data(), t.data().size());
  return out;
}
uint32_t float_bits(float f) { uint32_t u; std::memcpy(&u, &f, 4); return u; }
}  // namespace

TEST_CASE("raw_data is viewed in place, not copied", "[tensor]") {
  std::vector<uint8_t> raw = {1, 0, 0, 0, 2, 0, 0, 0};
  Proto p = Proto().packed_varints(1, {2}).varint(2, kInt32).bytes(8, "t").bytes(9, raw);
  Tensor t = read_tensor(p.data());
  CHECK(t.name == "t");
  CHECK(t.dims == std::vector<int64_t>{2});
  CHECK(values_of<int32_t>(t) == std::vector<int32_t>{1, 2});
  CHECK(t.data().data() >= p.data().data());
  CHECK(t.data().data() < p.data().data() + p.data().size());
}

TEST_CASE("complex64 values come in (re, im) pairs from float_data, packed or not", "[tensor]") {
  Proto p = Proto().packed_varints(1, {2}).varint(2, kComplex64);
  p.fixed32(4, float_bits(1.5f)).fixed32(4, float_bits(-2.0f));
  Proto packed;
  for (float f : {3.0f, 4.0f}) packed.raw({uint8_t(float_bits(f)), uint8_t(float_bits(f) >> 8), uint8_t(float_bits(f) >> 16), uint8_t(float_bits(f) >> 24)});
  p.bytes(4, packed.data());
  Tensor t = read_tensor(p.data());
  CHECK(values_of<float>(t) == std::vector<float>{1.5f, -2.0f, 3.0f, 4.0f});
}

TEST_CASE("int4 values pack two per int32_data entry, rounding up", "[tensor]") {
  Proto p = Proto().packed_varints(1, {3}).varint(2, kInt4).packed_varints(5, {0x21, 0x03});
  Tensor t = read_tensor(p.data());
  CHECK(t.data().size() == 2);
  CHECK(t.data()[0] == 0x21);
}

TEST_CASE("negative int32_data values become two's complement int8", "[tensor]") {
  Proto p = Proto().packed_varints(1, {2}).varint(2, kInt8).packed_varints(5, {static_cast<uint64_t>(int64_t{-1}), 5});
  Tensor t = read_tensor(p.data());
  CHECK(values_of<int8_t>(t) == std::vector<int8_t>{-1, 5});
}

TEST_CASE("string tensors are views of string_data", "[tensor]") {
  Proto p = Proto().packed_varints(1, {2}).varint(2, kString).bytes(6, "setosa").bytes(6, "");
  Tensor t = read_tensor(p.data());
  REQUIRE(t.strings.size() == 2);
  CHECK(t.strings[0] == "setosa");
  CHECK(t.strings[1].empty());
}

TEST_CASE("values that do not match dims, negative dims, unknown types and external data are errors", "[tensor]") {
  auto message_of = [](const Proto& p) {
    try {
      read_tensor(p.data());
    } catch (const Error& e) {
      CHECK(e.code() == ErrorCode::kInvalidModel);
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK_THAT(message_of(Proto().packed_varints(1, {3}).varint(2, kFloat).bytes(9, std::string(8, '\0'))),
             Catch::Contains("raw_data holds 8 bytes but dims [3] of float32 need 12"));
  CHECK_THAT(message_of(Proto().packed_varints(1, {4}).varint(2, kInt64).packed_varints(7, {1, 2})),
             Catch::Contains("int64_data holds 2 values but dims [4] of int64 need 4"));
  CHECK_THAT(message_of(Proto().packed_varints(1, {static_cast<uint64_t>(int64_t{-2})}).varint(2, kFloat)),
             Catch::Contains("negative"));
  CHECK_THAT(message_of(Proto().packed_varints(1, {1ull << 40, 1ull << 40}).varint(2, kFloat)),
             Catch::Contains("overflows"));
  CHECK_THAT(message_of(Proto().packed_varints(1, {1}).varint(2, 99)), Catch::Contains("data_type 99"));
  CHECK_THAT(message_of(Proto().packed_varints(1, {1}).varint(2, kFloat).varint(14, 1)), Catch::Contains("external file"));
}

TEST_CASE("huge dims with little data do not allocate by dims", "[tensor]") {
  // 2^40 elements claimed, one value present: the count check fails before any allocation.
  Proto p = Proto().packed_varints(1, {1ull << 40}).varint(2, kDouble).fixed64(10, 0);
  CHECK_THROWS_AS(read_tensor(p.data()), Error);
}

TEST_CASE("every TensorProto.DataType has a name and width", "[tensor]") {
  for (int32_t type = kFloat; type <= kFloat4E2M1; ++type) {
    INFO("data_type " << type);
    CHECK_FALSE(data_type_info(type).name.empty());
  }
  CHECK(raw_byte_size(kInt4, 3) == 2);
  CHECK(raw_byte_size(kComplex128, 2) == 32);
  CHECK(raw_byte_size(kFloat, UINT64_MAX) == UINT64_MAX);
}
