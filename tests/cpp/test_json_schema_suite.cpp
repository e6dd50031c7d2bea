// JSON-Schema-Test-Suite (Debian's json-schema-test-suite package), draft-07: every test of every
// file except refRemote.json (remote documents are never fetched) must pass, through both
// is_valid() and validate(). The optional tests (bignum, formats with check_formats, ...) are
// counted and printed, not required.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>

#include "common/error.h"
#include "schema/validator.h"

using onnx_predict::schema::Json;
using onnx_predict::schema::ValidationError;
using onnx_predict::schema::Validator;
using onnx_predict::schema::ValidatorOptions;

namespace {

const std::filesystem::path kDraft7 = "/usr/share/json-schema-test-suite/tests/draft7";

struct Tally {
  size_t passed = 0;
  size_t total = 0;
  std::vector<std::string> failures;
};

std::vector<std::filesystem::path> json_files(const std::filesystem::path& dir, bool recursive) {
  std::vector<std::filesystem::path> files;
  auto add = [&](const std::filesystem::directory_entry& entry) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") files.push_back(entry.path());
  };
  if (recursive) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) add(entry);
  } else {
    for (const auto& entry : std::filesystem::directory_iterator(dir)) add(entry);
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Runs one suite file; a test passes when is_valid() and validate() both give the expected
// verdict and validate() reports errors exactly when the value is invalid.
Tally run_file(const std::filesystem::path& file, const ValidatorOptions& options) {
  Tally tally;
  std::ifstream in(file);
  Json groups = Json::parse(in);
  std::string name = std::filesystem::relative(file, kDraft7).string();
  for (const Json& group : groups) {
    std::optional<Validator> validator;
    std::string compile_error;
    try {
      validator.emplace(Validator::compile(group.at("schema"), options));
    } catch (const onnx_predict::Error& e) {
      compile_error = " (schema refused: " + e.message() + " at " + e.path() + ")";
    }
    for (const Json& test : group.at("tests")) {
      ++tally.total;
      bool expected = test.at("valid").get<bool>();
      bool ok = false;
      if (validator) {
        std::vector<ValidationError> errors;
        bool verdict = validator->validate(test.at("data"), errors);
        ok = validator->is_valid(test.at("data")) == expected && verdict == expected && errors.empty() == expected;
      }
      if (ok) {
        ++tally.passed;
      } else {
        tally.failures.push_back(name + ": " + group.at("description").get<std::string>() + " / " +
                                 test.at("description").get<std::string>() + compile_error);
      }
    }
  }
  return tally;
}

}  // namespace

TEST_CASE("every draft-07 test of JSON-Schema-Test-Suite passes, except remote references", "[json-schema-suite]") {
  REQUIRE(std::filesystem::exists(kDraft7));
  Tally all;
  for (const auto& file : json_files(kDraft7, false)) {
    if (file.filename() == "refRemote.json") continue;
    Tally t = run_file(file, ValidatorOptions{});
    all.passed += t.passed;
    all.total += t.total;
    all.failures.insert(all.failures.end(), t.failures.begin(), t.failures.end());
  }
  std::cout << "json-schema-suite draft7: " << all.passed << "/" << all.total << " tests\n";
  for (const std::string& failure : all.failures) UNSCOPED_INFO(failure);
  CHECK(all.total > 400);
  REQUIRE(all.passed == all.total);
}

TEST_CASE("optional draft-07 tests (formats checked) are counted", "[json-schema-suite]") {
  REQUIRE(std::filesystem::exists(kDraft7 / "optional"));
  ValidatorOptions options;
  options.check_formats = true;
  Tally all;
  for (const auto& file : json_files(kDraft7 / "optional", true)) {
    Tally t = run_file(file, options);
    all.passed += t.passed;
    all.total += t.total;
    for (const std::string& failure : t.failures) std::cout << "  optional failure: " << failure << "\n";
  }
  std::cout << "optional: " << all.passed << "/" << all.total << "\n";
  CHECK(all.total > 0);
}
