#include <catch2/catch.hpp>

#include "onnx/wire_reader.h"
#include "test_support.h"

using namespace onnx_predict;
using namespace onnx_predict::onnx;
using test_support::Proto;

namespace {
FieldName names(uint32_t n) { return n == 3 ? FieldName{"items", true} : FieldName{"single"}; }
}

TEST_CASE("the wire reader reads varint, fixed and length-delimited fields with their offsets", "[wire]") {
  Proto p;
  p.varint(1, 300).fixed32(2, 0xdeadbeef).fixed64(4, 0x0102030405060708ull).bytes(5, "hello");
  MessageReader r(p.data(), 0, nullptr, names);
  Field f;
  REQUIRE(r.next(f));
  CHECK(f.number == 1);
  CHECK(f.value == 300);
  CHECK(f.offset == 0);
  REQUIRE(r.next(f));
  CHECK(f.type == WireType::kFixed32);
  CHECK(f.value == 0xdeadbeef);
  REQUIRE(r.next(f));
  CHECK(f.value == 0x0102030405060708ull);
  REQUIRE(r.next(f));
  CHECK(as_string_view(f) == "hello");
  CHECK(f.data_offset == p.data().size() - 5);
  CHECK_FALSE(r.next(f));
}

TEST_CASE("negative int32 values arrive as sign-extended ten-byte varints", "[wire]") {
  Proto p;
  p.varint(1, static_cast<uint64_t>(int64_t{-2}));
  CHECK(p.data().size() == 11);
  MessageReader r(p.data(), 0, nullptr, names);
  Field f;
  REQUIRE(r.next(f));
  CHECK(as_int32(f) == -2);
  CHECK(as_int64(f) == -2);
}

TEST_CASE("packed and unpacked repeated varints are both accepted", "[wire]") {
  Proto p;
  p.packed_varints(3, {1, 2, 300}).varint(3, 7);
  MessageReader r(p.data(), 0, nullptr, names);
  std::vector<uint64_t> values;
  Field f;
  while (r.next(f)) for_each_varint(r, f, [&](uint64_t v) { values.push_back(v); });
  CHECK(values == std::vector<uint64_t>{1, 2, 300, 7});
}

TEST_CASE("a length that runs past the end is an invalid_model error with path and offset", "[wire]") {
  Proto p;
  p.varint(1, 1).varint(3, 5).raw({0x1a, 0x80, 0x20, 'x'});  // items[1]: length 4096, one byte left
  FieldPath root{nullptr, "graph", -1};
  MessageReader r(p.data(), 100, &root, names);
  Field f;
  REQUIRE(r.next(f));
  REQUIRE(r.next(f));
  try {
    r.next(f);
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kInvalidModel);
    CHECK(e.path() == "graph.items[1]");
    CHECK(e.offset() == 104u);
    CHECK(std::string(e.what()) ==
          "invalid_model: graph.items[1]: length 4096 at byte 105 runs past the end of the buffer (1 bytes remain; is the file truncated?)");
  }
}

TEST_CASE("a length of 2^60 is an error, not an allocation", "[wire]") {
  Proto p;
  p.raw({0x2a}).raw_varint(uint64_t{1} << 60);
  MessageReader r(p.data(), 0, nullptr, names);
  Field f;
  CHECK_THROWS_AS(r.next(f), Error);
}

TEST_CASE("varints longer than ten bytes, truncated varints, groups and field 0 are refused", "[wire]") {
  std::vector<std::vector<uint8_t>> bad = {
      {0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01},  // 11-byte varint
      {0x08, 0xff},                                                            // truncated varint
      {0x0b, 0x0c},                                                            // start group
      {0x00, 0x01},                                                            // field number 0
      {0x0d, 0x01, 0x02},                                                      // fixed32 cut short
  };
  for (const auto& bytes : bad) {
    MessageReader r(bytes, 0, nullptr, names);
    Field f;
    CHECK_THROWS_AS(r.next(f), Error);
  }
}
