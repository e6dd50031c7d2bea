#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "onnx/format_sniff.h"
#include "onnx/inflate_peek.h"
#include "test_support.h"

using namespace onnx_predict;
using namespace onnx_predict::onnx;
using test_support::Proto;

namespace {

const std::filesystem::path kFixtures = test_support::kSourceDir / "build/fixtures/refused";

std::vector<uint8_t> bytes_of(std::string_view s) { return {s.begin(), s.end()}; }

std::string_view format_of(std::string_view s) { return sniff_format(bytes_of(s)).format; }

bool names_safe_route(const std::string& message) {
  return message.find("ONNX") != std::string::npos || message.find("onnx") != std::string::npos;
}

// A stored (uncompressed) ZIP archive of empty entries, laid out as APPNOTE.TXT 4.3.6 says:
// local headers, central directory, end record.
std::vector<uint8_t> make_zip(const std::vector<std::string>& names) {
  std::vector<uint8_t> out, central;
  auto put = [](std::vector<uint8_t>& v, uint64_t value, int width) {
    for (int i = 0; i < width; ++i) v.push_back(uint8_t(value >> (8 * i)));
  };
  for (const std::string& name : names) {
    uint64_t local_offset = out.size();
    put(out, 0x04034b50, 4);
    put(out, 20, 2), put(out, 0, 2), put(out, 0, 2), put(out, 0, 4), put(out, 0, 4), put(out, 0, 4), put(out, 0, 4);
    put(out, name.size(), 2), put(out, 0, 2);
    out.insert(out.end(), name.begin(), name.end());
    put(central, 0x02014b50, 4);
    put(central, 20, 2), put(central, 20, 2), put(central, 0, 2), put(central, 0, 2), put(central, 0, 4);
    put(central, 0, 4), put(central, 0, 4), put(central, 0, 4);
    put(central, name.size(), 2), put(central, 0, 2), put(central, 0, 2), put(central, 0, 2), put(central, 0, 2);
    put(central, 0, 4), put(central, local_offset, 4);
    central.insert(central.end(), name.begin(), name.end());
  }
  uint64_t central_offset = out.size();
  out.insert(out.end(), central.begin(), central.end());
  put(out, 0x06054b50, 4);
  put(out, 0, 2), put(out, 0, 2), put(out, names.size(), 2), put(out, names.size(), 2);
  put(out, central.size(), 4), put(out, central_offset, 4), put(out, 0, 2);
  return out;
}

// A gzip member holding `data` in one stored DEFLATE block (RFC 1951 3.2.4).
std::vector<uint8_t> make_stored_gzip(const std::vector<uint8_t>& data) {
  std::vector<uint8_t> out;
  for (int b : {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3}) out.push_back(uint8_t(b));  // header, no flags
  const uint16_t len = static_cast<uint16_t>(data.size());
  for (int b : {0x01, len & 0xff, len >> 8, ~len & 0xff, (~len >> 8) & 0xff}) out.push_back(uint8_t(b));  // final stored block
  out.insert(out.end(), data.begin(), data.end());
  out.resize(out.size() + 8);  // CRC32 and ISIZE, not checked by the peek
  return out;
}

const std::set<std::string> kKnownFormats = {"onnx", "pickle", "joblib", "pytorch", "keras", "zip", "gzip", "hdf5",
                                             "tf_savedmodel", "tflite", "safetensors", "ort_format", "html", "json", "text"};

}  // namespace

TEST_CASE("every refused fixture sniffs as the format and code its manifest names", "[sniff]") {
  const auto manifest_path = kFixtures / "manifest.json";
  if (!std::filesystem::exists(manifest_path)) {
    FAIL("missing " << manifest_path.string() << ": run `/usr/bin/python3 tests/fixtures/make_refused_formats.py "
                    << kFixtures.string() << "` first");
  }
  std::ifstream in(manifest_path);
  nlohmann::json manifest = nlohmann::json::parse(in);
  REQUIRE(manifest.size() >= 20);

  std::map<std::string, std::set<std::string>> sniffed_by_expected;
  for (const auto& entry : manifest) {
    const std::string file = entry.at("file");
    const std::string expected = entry.at("format");
    INFO(file);
    std::vector<uint8_t> bytes = test_support::read_file(kFixtures / file);
    REQUIRE_FALSE(bytes.empty());
    FormatGuess guess = sniff_format(bytes);
    CHECK(guess.format == expected);
    CHECK(error_code_name(guess.code) == entry.at("code").get<std::string>());
    INFO(guess.message);
    CHECK(names_safe_route(guess.message));
    sniffed_by_expected[expected].insert(std::string(guess.format));
    try {
      require_onnx_format(bytes);
      FAIL("require_onnx_format accepted " << file);
    } catch (const Error& e) {
      CHECK(e.format() == expected);
      CHECK(e.code() == guess.code);
    }
  }

  // Each family the manifest names is reported under one id, and no two families share an id.
  std::set<std::string> ids;
  for (const auto& [expected, sniffed] : sniffed_by_expected) {
    INFO(expected);
    CHECK(sniffed.size() == 1);
    ids.insert(sniffed.begin(), sniffed.end());
  }
  CHECK(ids.size() == sniffed_by_expected.size());
  for (const char* family : {"pickle", "joblib", "pytorch", "keras", "zip", "gzip", "hdf5", "tf_savedmodel", "tflite",
                             "safetensors", "ort_format", "html", "json", "text"}) {
    INFO("the manifest lacks a " << family << " fixture");
    CHECK(sniffed_by_expected.count(family) == 1);
  }
}

TEST_CASE("every model of the ONNX test data sniffs as onnx", "[sniff]") {
  const auto models = test_support::onnx_test_models();
  REQUIRE_FALSE(models.empty());
  size_t not_onnx = 0;
  for (const auto& path : models) {
    FormatGuess guess = sniff_format(test_support::read_file(path));
    if (!guess.is_onnx()) {
      ++not_onnx;
      UNSCOPED_INFO(path.string() << " sniffed as " << guess.format);
    }
  }
  CHECK(not_onnx == 0);
}

TEST_CASE("empty input and unknown binary data are left to the ONNX reader", "[sniff]") {
  CHECK(sniff_format({}).is_onnx());
  CHECK(format_of(std::string_view("\x08\x07\x12\x04test", 8)) == "onnx");
  CHECK(format_of(std::string_view("\x00\x01\x02\x03", 4)) == "onnx");
  CHECK_NOTHROW(require_onnx_format(bytes_of(std::string_view("\x08\x07", 2))));
}

TEST_CASE("text that merely ends with a period is not a protocol-0 pickle", "[sniff]") {
  CHECK(format_of("Not found.") == "text");
  CHECK(format_of("I am not a pickle.") == "text");
  CHECK(format_of("(dp0\nVa\np1\nI1\ns") == "text");  // no STOP
  CHECK(format_of("(dp0\nVa\n") == "text");             // truncated
  CHECK(format_of("(dp0\nVa\np1\nI1\n.") == "text");    // STOP with three objects on the stack
}

TEST_CASE("a tiny protocol-0 pickle is recognised by walking its opcodes to STOP", "[sniff]") {
  FormatGuess guess = sniff_format(bytes_of("(dp0\nVa\np1\nI1\ns."));
  CHECK(guess.format == "pickle");
  CHECK(guess.code == ErrorCode::kUnsafeFormat);
  CHECK(guess.message.find("arbitrary code") != std::string::npos);
  CHECK(format_of("cjoblib.numpy_pickle\nNumpyArrayWrapper\n)R.") == "joblib");
  CHECK(format_of("ctorch._utils\n_rebuild_tensor_v2\n)R.") == "pytorch");
}

TEST_CASE("protocol-4 pickles naming joblib or torch globals through STACK_GLOBAL are told apart", "[sniff]") {
  auto pickle4 = [](std::string_view module, std::string_view name) {
    std::string p("\x80\x04\x95\x00\x00\x00\x00\x00\x00\x00\x00", 11);  // PROTO 4, FRAME
    p += char(0x8c), p += char(module.size()), p += module, p += char(0x94);
    p += char(0x8c), p += char(name.size()), p += name, p += char(0x94);
    p += "\x93\x94)\x81\x94.";
    return p;
  };
  CHECK(format_of(pickle4("joblib.numpy_pickle", "NumpyArrayWrapper")) == "joblib");
  CHECK(format_of(pickle4("torch._utils", "_rebuild_tensor_v2")) == "pytorch");
  CHECK(format_of(pickle4("sklearn.linear_model", "LinearRegression")) == "pickle");
  CHECK(format_of(std::string_view("\x80\x02", 2)) == "pickle");
  CHECK(format_of(std::string_view("\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19\x2e", 15)) == "pytorch");
}

TEST_CASE("an HTML error page is reported as html, not as a pickle or text", "[sniff]") {
  for (std::string_view page : {"<!DOCTYPE html><html><body>404</body></html>", "\xef\xbb\xbf  \n<HTML><HEAD></HEAD></HTML>",
                                "<?xml version=\"1.0\"?>\n<html xmlns=\"http://www.w3.org/1999/xhtml\"></html>"}) {
    FormatGuess guess = sniff_format(bytes_of(page));
    CHECK(guess.format == "html");
    CHECK(guess.message.find("check the URL") != std::string::npos);
  }
  CHECK(format_of(" {\"error\": \"not found\"}") == "json");
  CHECK(format_of("[1, 2]") == "json");
}

TEST_CASE("a SavedModel needs TensorFlow's meta graph markers; an ir_version 1 ONNX header is not one", "[sniff]") {
  Proto meta_info, meta_graph, saved_model;
  meta_info.bytes(4, "serve").bytes(5, "2.11.0");
  meta_graph.message(1, meta_info);
  saved_model.varint(1, 1).message(2, meta_graph);
  CHECK(sniff_format(saved_model.data()).format == "tf_savedmodel");

  Proto old_onnx;  // ModelProto{ir_version: 1, producer_name: "pytorch", graph: {}}
  old_onnx.varint(1, 1).bytes(2, "pytorch").bytes(7, "");
  CHECK(sniff_format(old_onnx.data()).is_onnx());
}

TEST_CASE("signatures with inconsistent lengths or offsets are not taken", "[sniff]") {
  std::string safetensors = std::string("\x10\x00\x00\x00\x00\x00\x00\x00", 8) + "{\"a\":{}}        ";
  CHECK(format_of(safetensors) == "safetensors");
  safetensors[0] = 0x40;  // header longer than the file
  CHECK(format_of(safetensors) == "onnx");
  CHECK(format_of(std::string("\x10\x00\x00\x00ORTM", 8) + std::string(16, '\0')) == "ort_format");
  CHECK(format_of(std::string_view("\xff\x00\x00\x00ORTM", 8)) == "onnx");  // root offset past the end
  CHECK(format_of(std::string(512, '\0') + "\x89HDF\r\n\x1a\n") == "hdf5");
  CHECK(format_of("x^2 + y^2 = 1") == "text");      // passes the zlib header check, inflates to no pickle
  CHECK(format_of("BZh is not bzip2") == "text");
}

TEST_CASE("zip archives are classified by entry names", "[sniff]") {
  CHECK(sniff_format(make_zip({"archive/data.pkl", "archive/data/0", "archive/version"})).format == "pytorch");
  CHECK(sniff_format(make_zip({"model/code/__torch__/m.py", "model/version"})).format == "pytorch");
  CHECK(sniff_format(make_zip({"config.json", "metadata.json", "model.weights.h5"})).format == "keras");
  CHECK(sniff_format(make_zip({"config.json", "README"})).format == "zip");
  FormatGuess with_model = sniff_format(make_zip({"README", "models/resnet.onnx"}));
  CHECK(with_model.format == "zip");
  CHECK(with_model.message.find("\"models/resnet.onnx\"") != std::string::npos);
  CHECK(sniff_format(make_zip({})).format == "zip");
  std::vector<uint8_t> odd_name = make_zip({std::string("a\0\x01\"b", 5)});
  CHECK(sniff_format(odd_name).message.find("\"a???b\"") != std::string::npos);
}

TEST_CASE("truncated and corrupted zip headers do not crash the sniffer", "[sniff]") {
  std::vector<uint8_t> zip = make_zip({"archive/data.pkl", "archive/version", "archive/data/0"});
  for (size_t n = 0; n <= zip.size(); ++n) {
    FormatGuess guess = sniff_format(std::span(zip.data(), n));
    CHECK(kKnownFormats.count(std::string(guess.format)) == 1);
  }
  // Without its central directory the local headers still name a torch archive.
  CHECK(sniff_format(std::span(zip.data(), 60)).format == "pytorch");
  std::mt19937 rng(1234);
  for (int round = 0; round < 2000; ++round) {
    std::vector<uint8_t> bad = zip;
    for (int k = 0; k < 4; ++k) bad[4 + rng() % (bad.size() - 4)] = uint8_t(rng() % 4 == 0 ? 0xff : rng());
    CHECK_NOTHROW(sniff_format(bad));
  }
  std::vector<uint8_t> zip64 = zip;  // ZIP64 markers in the end record with no locator before it
  std::fill(zip64.end() - 6, zip64.end() - 2, 0xff);
  CHECK(sniff_format(zip64).format == "pytorch");  // found again from the local headers
}

TEST_CASE("the gzip peek tells a compressed pickle from compressed ONNX", "[sniff]") {
  CHECK(sniff_format(make_stored_gzip(bytes_of("(dp0\nVa\np1\nI1\ns."))).format == "joblib");
  FormatGuess onnx = sniff_format(make_stored_gzip(bytes_of(std::string_view("\x08\x07\x12\x04test", 8))));
  CHECK(onnx.format == "gzip");
  CHECK(onnx.message.find("gzip-compressed ONNX") != std::string::npos);
  CHECK(sniff_format(make_stored_gzip(bytes_of("hello"))).format == "gzip");
  std::vector<uint8_t> gz = make_stored_gzip(bytes_of(std::string_view("\x80\x04\x95", 3)));
  for (size_t n = 3; n <= gz.size(); ++n) CHECK_NOTHROW(sniff_format(std::span(gz.data(), n)));
}

TEST_CASE("the inflate peek reproduces the start of the fixtures' gzip streams", "[sniff]") {
  if (!std::filesystem::exists(kFixtures / "pickle.gz")) FAIL("run tests/fixtures/make_refused_formats.py first");
  // pickle.gz and model.proto4.pkl hold the same pickle.dumps(model, protocol=4), 4 KiB or more,
  // so the peek fills its window; model.onnx.gz holds a whole small model, so the stream ends.
  std::vector<uint8_t> pickle = test_support::read_file(kFixtures / "model.proto4.pkl");
  std::array<uint8_t, 4096> window{};
  InflatePeek peek = gunzip_peek(test_support::read_file(kFixtures / "pickle.gz"), window);
  REQUIRE(pickle.size() >= window.size());
  CHECK(peek.status == InflateStatus::kFull);
  REQUIRE(peek.size == window.size());
  CHECK(std::equal(window.begin(), window.end(), pickle.begin()));

  std::vector<uint8_t> model = test_support::read_file(test_support::kOnnxTestData / "node/test_add/model.onnx");
  peek = gunzip_peek(test_support::read_file(kFixtures / "model.onnx.gz"), window);
  CHECK(peek.status == InflateStatus::kEnd);
  REQUIRE(peek.size == model.size());
  CHECK(std::equal(model.begin(), model.end(), window.begin()));

  std::vector<uint8_t> zlib = test_support::read_file(kFixtures / "model.zlib.joblib");
  peek = zlib_peek(zlib, window);
  CHECK(peek.status == InflateStatus::kFull);
  for (size_t n = 0; n < zlib.size(); n += 7) {
    InflatePeek cut = zlib_peek(std::span(zlib.data(), n), window);
    CHECK(cut.status != InflateStatus::kEnd);
  }
}

TEST_CASE("random bytes, alone or after a known signature, never crash the sniffer", "[sniff]") {
  const std::vector<std::string> prefixes = {"", "PK\x03\x04", "PK\x05\x06", "\x1f\x8b\x08", std::string("\x1f\x8b\x08\x00", 4),
                                             "\x78\x9c", "\x78\xda", "\x80\x04\x95", "\x80\x02", "(", "c", std::string("\x08\x01\x12", 3),
                                             "BZh9", std::string("\x10\x00\x00\x00TFL3", 8), "{", "<html"};
  std::mt19937 rng(42);
  size_t runs = 0;
  for (const std::string& prefix : prefixes) {
    for (int round = 0; round < 300; ++round) {
      std::vector<uint8_t> data(prefix.begin(), prefix.end());
      size_t n = rng() % 600;
      for (size_t i = 0; i < n; ++i) data.push_back(uint8_t(rng()));
      FormatGuess guess = sniff_format(data);
      if (kKnownFormats.count(std::string(guess.format)) != 1) FAIL("unknown format id " << guess.format);
      if (!guess.is_onnx() && !names_safe_route(guess.message)) FAIL("message without a route: " << guess.message);
      ++runs;
    }
  }
  CHECK(runs == prefixes.size() * 300);
}
